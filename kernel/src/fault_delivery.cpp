// Classifies an EL0 exception by its syndrome and delivers it.
#include "fault_delivery.hpp"

#include "console.hpp"
#include "endpoint.hpp"
#include "scheduler.hpp"

#include <arch/esr.hpp>
#include <spec/call_abi.hpp>

namespace kernel {
namespace {

call_abi::FaultKind classify(uint64_t value) {
    using arm::ExceptionClass;
    const arm::Esr esr{value};
    switch (esr.ec()) {
    case ExceptionClass::Unknown:
        return call_abi::FaultKind::UndefinedInstruction;
    case ExceptionClass::InstructionAbortLower:
        return call_abi::FaultKind::InstructionAbort;
    case ExceptionClass::DataAbortLower:
        return esr.fault_status() == arm::fsc::kAlignment ? call_abi::FaultKind::Alignment
                                                          : call_abi::FaultKind::DataAbort;
    case ExceptionClass::PcAlignment:
    case ExceptionClass::SpAlignment:
        return call_abi::FaultKind::Alignment;
    default:
        return call_abi::FaultKind::Other;
    }
}

const char* kind_name(call_abi::FaultKind k) {
    switch (k) {
    case call_abi::FaultKind::DataAbort:
        return "data abort";
    case call_abi::FaultKind::InstructionAbort:
        return "instruction abort";
    case call_abi::FaultKind::UndefinedInstruction:
        return "undefined instruction";
    case call_abi::FaultKind::Alignment:
        return "alignment";
    case call_abi::FaultKind::Capability:
        return "capability";
    case call_abi::FaultKind::Other:
        break;
    }
    return "other";
}

} // namespace

void deliver_cap_fault(Thread* t, uint64_t slot, uint64_t call) {
    if (!t->cap_faults) return;
    if (t->fault_endpoint == nullptr) {
        log() << "fault: thread " << t->name << " (" << Dec{t->index}
              << "): capability fault, slot " << Dec{slot} << " call " << Dec{call}
              << "; no fault endpoint, thread stopped\n";
        scheduler_of(t).remove(t);
        t->state = ThreadState::Inactive;
        return;
    }
    t->in_fault = true;
    t->fault_message[0] = static_cast<uint64_t>(call_abi::FaultKind::Capability);
    t->fault_message[1] = slot;
    t->fault_message[2] = call;
    t->fault_message[3] = t->context.elr;
    t->fault_message[4] = t->index;
    t->fault_message[5] = 0;
    ipc::send(t, t->fault_endpoint, t->fault_badge, true);
}

void deliver_fault(Thread* t, uint64_t esr, uint64_t far) {
    const call_abi::FaultKind kind = classify(esr);
    const bool has_address = kind == call_abi::FaultKind::DataAbort ||
                             kind == call_abi::FaultKind::InstructionAbort ||
                             kind == call_abi::FaultKind::Alignment;
    const uint64_t address = has_address ? far : t->context.elr;
    if (t->fault_endpoint != nullptr) {
        t->in_fault = true;
        t->fault_message[0] = static_cast<uint64_t>(kind);
        t->fault_message[1] = address;
        t->fault_message[2] = esr;
        t->fault_message[3] = t->context.elr;
        t->fault_message[4] = t->index;
        t->fault_message[5] = 0;
        ipc::send(t, t->fault_endpoint, t->fault_badge, true);
        return;
    }
    log() << "fault: thread " << t->name << " (" << Dec{t->index} << "): " << kind_name(kind)
          << " at " << Hex{address} << " pc=" << Hex{t->context.elr} << " esr=" << Hex{esr}
          << "; no fault endpoint, thread stopped\n";
    scheduler_of(t).remove(t);
    t->state = ThreadState::Inactive;
}

} // namespace kernel
