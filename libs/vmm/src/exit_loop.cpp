// The exit loop (see exit_loop.hpp).
#include <vmm/exit_loop.hpp>

#include <arch/esr.hpp>

#include <vmm/abort_injection.hpp>
#include <vmm/mmio_decode.hpp>
#include <vmm/vpsci.hpp>

namespace vmm {
namespace {

uint32_t abort_iss(uint64_t esr) {
    return arm::Esr{esr}.iss();
}

} // namespace

ExitOutcome ExitLoop::handle(const GuestExit& exit, Vcpu& vcpu, VmControl* control) {
    // The guest's EOIs came before the exit that carries them: freed list registers first
    // (an interrupt the exit's handling raises may need one).
    for (uint64_t mask = exit.eoi_mask; mask != 0; mask &= mask - 1)
        vgic_.on_eoi(vcpu.id(), static_cast<unsigned>(__builtin_ctzll(mask)));
    const ExitOutcome outcome = dispatch(exit, vcpu, control);
    if (idle_.take_request() && outcome == ExitOutcome::Resume) arm_idle_exit(vcpu);
    return outcome;
}

// Armed once per vCPU until its Idle exit comes (the kernel disarms it as it sends it), so
// a run of requests costs one kernel call.
void ExitLoop::arm_idle_exit(Vcpu& vcpu) {
    const uint64_t bit = uint64_t{1} << (vcpu.id() % 64);
    if ((idle_armed_ & bit) != 0) return;
    if (vcpu.request_idle_exit()) {
        idle_armed_ |= bit;
    } else {
        idle_.idle(); // nobody would tell: decide now
    }
}

ExitOutcome ExitLoop::dispatch(const GuestExit& exit, Vcpu& vcpu, VmControl* control) {
    switch (exit.reason) {
    case ExitReason::DataAbort:
        return data_abort(exit, vcpu);
    case ExitReason::Hvc:
    case ExitReason::Smc:
        return hypercall(exit, vcpu, control);
    case ExitReason::SysReg:
        return sysreg(exit, vcpu);
    case ExitReason::EoiMaintenance: // its EOIs are handled (handle())
        return ExitOutcome::Resume;
    case ExitReason::Idle:
        idle_armed_ &= ~(uint64_t{1} << (vcpu.id() % 64));
        idle_.idle(); // what they raise wakes the vCPU; else it waits at its next WFI
        return ExitOutcome::Resume;
    case ExitReason::Unknown:
        if (arm::Esr{exit.esr}.ec() == arm::ExceptionClass::InstructionAbortLower)
            return instruction_abort(exit, vcpu);
        break;
    }
    // It stops the vCPU, so it is logged once per vCPU anyway.
    LogLine line;
    line << "vmm: guest exit the VMM cannot handle: esr " << Hex{exit.esr} << " far "
         << Hex{exit.far} << " pc " << Hex{exit.pc} << ": vCPU " << Dec{vcpu.id()} << " stopped";
    line.emit(log_);
    return ExitOutcome::Stop;
}

ExitOutcome ExitLoop::data_abort(const GuestExit& exit, Vcpu& vcpu) {
    const DataAbortFault fault{exit.esr, exit.far, exit.hpfar};
    MmioAccess access;
    // ISV = 0: the kernel put the instruction word in the exit (exit.data).
    const bool isv = arm::data_abort::isv(abort_iss(exit.esr));
    const DecodeStatus decoded =
        decode_data_abort(fault, isv ? 0 : static_cast<uint32_t>(exit.data), access);
    // What an ISV = 0 access reads (LDP/STP's registers, a writeback's base): one call.
    if (decoded == DecodeStatus::Ok && !isv) vcpu.prefetch(access.registers_read());
    const ExitAction action = decoded == DecodeStatus::Ok
                                  ? mmio_.handle(access, vcpu.id(), vcpu)
                                  : mmio_.reject(fault_ipa(fault), exit.pc, to_string(decoded));
    switch (action) {
    case ExitAction::Resume:
        return ExitOutcome::Resume;
    case ExitAction::InjectAbort:
        vcpu.enter_exception(external_data_abort({exit.pc, vcpu.pstate(), vcpu.vbar_el1(), exit.far,
                                                  arm::data_abort::wnr(abort_iss(exit.esr))}));
        return ExitOutcome::Resume;
    case ExitAction::HaltVm:
        break;
    }
    return halt(vcpu);
}

// A fetch from an IPA the stage-2 tables do not map (nothing backs it, or the walk of the
// guest's own tables led there): an instruction abort for the guest, as for data.
ExitOutcome ExitLoop::instruction_abort(const GuestExit& exit, Vcpu& vcpu) {
    switch (
        mmio_.unhandled_fetch(base::GuestPhysAddr(arm::fault_ipa(exit.hpfar, exit.far)), exit.pc)) {
    case ExitAction::Resume:
    case ExitAction::InjectAbort:
        vcpu.enter_exception(
            external_instruction_abort({exit.pc, vcpu.pstate(), vcpu.vbar_el1(), exit.far, false}));
        return ExitOutcome::Resume;
    case ExitAction::HaltVm:
        break;
    }
    return halt(vcpu);
}

ExitOutcome ExitLoop::halt(Vcpu& vcpu) {
    log_.line("vm: VM halted on an unhandled access (halt_on_unhandled_access)");
    vcpu.suspend();
    return ExitOutcome::Stop;
}

void ExitLoop::log_refused_cpu_on(const Vcpu& vcpu, const SmcccCall& call, int64_t result) {
    if (!psci_log_.admit()) return;
    const char* why = result == psci::kInvalidParameters ? "no such vCPU (INVALID_PARAMETERS)"
                      : result == psci::kAlreadyOn       ? "already on (ALREADY_ON)"
                      : result == psci::kOnPending       ? "being started (ON_PENDING)"
                      : result == psci::kInvalidAddress
                          ? "entry point outside guest RAM or unaligned (INVALID_ADDRESS)"
                          : "could not be started (INTERNAL_FAILURE)";
    LogLine line;
    line << "vmm: vCPU " << Dec{vcpu.id()} << ": PSCI CPU_ON for MPIDR " << Hex{call.x1} << " at "
         << Hex{call.x2} << " refused: " << why;
    line.emit(log_);
}

ExitOutcome ExitLoop::hypercall(const GuestExit& exit, Vcpu& vcpu, VmControl* control) {
    SmcccResult result = smccc_.call(
        vcpu.id(), exit.reason == ExitReason::Hvc ? SmcccConduit::Hvc : SmcccConduit::Smc,
        exit.call);
    switch (result.effect) {
    case SmcccResult::Effect::SystemOff:
        return ExitOutcome::PowerOff;
    case SmcccResult::Effect::SystemReset:
        return ExitOutcome::Reset;
    case SmcccResult::Effect::StopCaller: {
        LogLine line;
        line << "vmm: vCPU " << Dec{vcpu.id()} << " called CPU_OFF: stopped";
        line.emit(log_);
        return ExitOutcome::Stop;
    }
    case SmcccResult::Effect::StartVcpu:
        if (control == nullptr ||
            !control->start_vcpu(result.target, result.entry, result.context_id)) {
            result.result = psci::kInternalFailure;
        }
        break;
    case SmcccResult::Effect::None:
        break;
    }
    const auto function = static_cast<uint32_t>(exit.call.x0);
    if ((function == psci::kCpuOn32 || function == psci::kCpuOn64) &&
        result.result != psci::kSuccess)
        log_refused_cpu_on(vcpu, exit.call, result.result);
    vcpu.set_gpr(0, static_cast<uint64_t>(result.result));
    for (unsigned i = 0; i < result.extra_results && i < result.more.size(); ++i)
        vcpu.set_gpr(1 + i, result.more[i]);
    return ExitOutcome::Resume;
}

bool ExitLoop::add_system_registers(SystemRegisterHandler& handler) {
    if (sysreg_handler_count_ == kMaxSysRegHandlers) return false;
    sysreg_handlers_[sysreg_handler_count_++] = &handler;
    return true;
}

ExitOutcome ExitLoop::sysreg(const GuestExit& exit, Vcpu& vcpu) {
    const arm::Esr esr{exit.esr};
    const uint64_t iss = esr.iss();
    const arm::SysRegIss reg = esr.sysreg();
    const bool read = reg.read;
    const unsigned rt = reg.rt;
    for (unsigned i = 0; i < sysreg_handler_count_; ++i) {
        uint64_t value = 0;
        const bool taken = read ? sysreg_handlers_[i]->read(reg, vcpu.id(), value)
                                : sysreg_handlers_[i]->write(reg, vcpu.id(), exit.data);
        if (!taken) continue;
        if (read && rt != MmioAccess::kZeroRegister) vcpu.set_gpr(rt, value);
        vcpu.set_pc(exit.pc + 4);
        return ExitOutcome::Resume;
    }
    // Nobody's (the EL1 physical timer belongs to native domains): reads as 0, writes
    // ignored.
    if (sysreg_log_.admit()) {
        LogLine line;
        line << "vmm: guest " << (read ? "read" : "wrote") << " a trapped system register (iss "
             << Hex{iss} << ") at pc " << Hex{exit.pc} << ": ignored";
        line.emit(log_);
    }
    if (read && rt != MmioAccess::kZeroRegister) vcpu.set_gpr(rt, 0);
    vcpu.set_pc(exit.pc + 4);
    return ExitOutcome::Resume;
}

void ExitLoop::notified(uint64_t bits) {
    const uint64_t stray = notifications_.dispatch(bits);
    if (stray != 0 && stray_log_.admit()) {
        LogLine line;
        line << "vmm: notification bits " << Hex{stray} << " have no listener: ignored";
        line.emit(log_);
    }
}

StopReason ExitLoop::run(VcpuPort& port, VmControl& control) {
    bool resume = false;
    VcpuPort::Event event;
    for (;;) {
        port.wait(resume, event);
        resume = false;
        switch (event.kind) {
        case VcpuPort::Event::Kind::Lost:
            return StopReason::PortLost;
        case VcpuPort::Event::Kind::Notification:
            notified(event.bits);
            break;
        case VcpuPort::Event::Kind::Exit:
            switch (handle(event.exit, port.vcpu(), &control)) {
            case ExitOutcome::Resume:
                resume = true;
                break;
            case ExitOutcome::Stop:
                break;
            case ExitOutcome::PowerOff:
                return StopReason::PowerOff;
            case ExitOutcome::Reset:
                if (!control.reset_guest()) return StopReason::ResetFailed;
                resume = true;
                break;
            }
            break;
        }
    }
}

} // namespace vmm
