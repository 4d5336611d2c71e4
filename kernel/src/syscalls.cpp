// The kernel call interface (see spec/call_abi.hpp): one handler per call number in
// a constexpr table. Every argument is checked; a bad one is an error code in x0.
#include "syscalls.hpp"

#include "console.hpp"
#include "fault_delivery.hpp"
#include "firmware_smc.hpp"
#include "gic.hpp"
#include "kernel_objects.hpp"
#include "psci.hpp"
#include "ram_scrub.hpp"
#include "scheduler.hpp"
#include "vcpu.hpp"

#include <arch/smccc.hpp>

namespace kernel {
namespace {

using call_abi::Status;
using spec::CapType;

void set_status(Thread* t, Status s) {
    t->context.x[0] = static_cast<uint64_t>(s);
}

// A capability lookup failed: the error code, and for cap-faulting threads a fault.
void lookup_failed(Thread* t, Status s) {
    const uint64_t slot = t->context.x[0];
    set_status(t, s);
    deliver_cap_fault(t, slot, t->context.x[8]);
}

template <class Object>
Object* object_for(Thread* t, CapType type, uint32_t rights, Object* table,
                   const Capability** cap_out = nullptr) {
    Status status;
    const Capability* cap = lookup_cap(*t->domain, t->context.x[0], type, rights, status);
    if (cap == nullptr) {
        lookup_failed(t, status);
        return nullptr;
    }
    if (cap_out != nullptr) *cap_out = cap;
    return &table[cap->object];
}

void call(Thread* t) {
    const Capability* cap;
    if (Endpoint* ep = object_for(t, CapType::Endpoint, spec::CapSend, objects().endpoints, &cap))
        ipc::send(t, ep, cap->badge, true);
}

void send(Thread* t) {
    const Capability* cap;
    if (Endpoint* ep = object_for(t, CapType::Endpoint, spec::CapSend, objects().endpoints, &cap))
        ipc::send(t, ep, cap->badge, false);
}

void recv(Thread* t) {
    if (Endpoint* ep = object_for(t, CapType::Endpoint, spec::CapReceive, objects().endpoints))
        ipc::receive(t, ep);
}

void reply_recv(Thread* t) {
    if (Endpoint* ep = object_for(t, CapType::Endpoint, spec::CapReceive, objects().endpoints)) {
        ipc::reply(t);
        ipc::receive(t, ep);
    }
}

void reply(Thread* t) {
    set_status(t, ipc::reply(t) ? Status::Ok : Status::NoCaller);
}

void signal(Thread* t) {
    const Capability* cap;
    if (Notification* n =
            object_for(t, CapType::Notification, spec::CapSend, objects().notifications, &cap)) {
        set_status(t, Status::Ok);
        n->signal(cap->badge);
    }
}

void wait(Thread* t) {
    if (Notification* n =
            object_for(t, CapType::Notification, spec::CapReceive, objects().notifications))
        n->wait(t);
}

void poll(Thread* t) {
    if (Notification* n =
            object_for(t, CapType::Notification, spec::CapReceive, objects().notifications)) {
        t->context.x[1] = n->poll();
        set_status(t, Status::Ok);
    }
}

void irq_ack(Thread* t) {
    if (IrqHandler* h = object_for(t, CapType::IrqHandler, spec::CapSend, objects().irq_handlers)) {
        gic::enable(h->irq, h->edge);
        set_status(t, Status::Ok);
    }
}

void thread_suspend(Thread* t) {
    if (Thread* target = object_for(t, CapType::Thread, spec::CapSend, objects().threads)) {
        set_status(t, Status::Ok);
        ipc::cancel(target);
        target->state = ThreadState::Inactive;
    }
}

void thread_resume(Thread* t) {
    if (Thread* target = object_for(t, CapType::Thread, spec::CapSend, objects().threads)) {
        if (target->state == ThreadState::Inactive) scheduler_of(target).make_ready(target);
        set_status(t, Status::Ok);
    }
}

void yield(Thread* t) {
    set_status(t, Status::Ok);
    scheduler_of(t).rotate(t);
}

void debug_put_char(Thread* t) {
#if !defined(BULKHEAD_RELEASE)
    console::put(static_cast<char>(t->context.x[0]));
    set_status(t, Status::Ok);
#else
    set_status(t, Status::InvalidCall);
#endif
}

// Up to 56 bytes in x1..x7 at once: the kernel is not preemptible, so a line
// written in one call never interleaves with another thread's output.
void debug_write(Thread* t) {
#if !defined(BULKHEAD_RELEASE)
    const uint64_t length = t->context.x[0];
    if (length > call_abi::kDebugWriteMax) {
        set_status(t, Status::InvalidArgument);
        return;
    }
    for (uint64_t i = 0; i < length; ++i)
        console::put(static_cast<char>(t->context.x[1 + i / 8] >> (8 * (i % 8))));
    set_status(t, Status::Ok);
#else
    set_status(t, Status::InvalidCall);
#endif
}

// The caller holds a capability of `type` with the send right in slot x0; if not, its
// error is set (lookup_failed).
bool holds_cap(Thread* t, CapType type) {
    Status status;
    if (lookup_cap(*t->domain, t->context.x[0], type, spec::CapSend, status) != nullptr)
        return true;
    lookup_failed(t, status);
    return false;
}

void system_off(Thread* t) {
    if (!holds_cap(t, CapType::SystemControl)) return;
    const ram_scrub::Stats& ram = ram_scrub::stats();
    log() << "system: powered off by " << t->name
          << " (RAM zeroed on first touch: " << Dec{ram.zeroed_on_touch >> 20} << " of "
          << Dec{ram.deferred >> 20} << " MiB)\n";
    psci::system_off();
}

void exit_thread(Thread* t) {
    set_status(t, Status::Ok);
    scheduler_of(t).remove(t);
    t->state = ThreadState::Inactive;
}

// A vCPU's registers live in its core's hardware while it is loaded there, so only a
// thread pinned to the same core may work on it (the tool pins a VM's vCPUs and its
// VMM together); others get InvalidArgument.
VcpuState* vcpu_for(Thread* t) {
    Thread* target = object_for(t, CapType::Vcpu, spec::CapSend, objects().threads);
    if (target == nullptr) return nullptr;
    if (target->core != t->core) {
        set_status(t, Status::InvalidArgument);
        return nullptr;
    }
    return target->vcpu;
}

void vcpu_read_register(Thread* t) {
    if (VcpuState* v = vcpu_for(t)) {
        uint64_t value = 0;
        set_status(t, vcpu::read_register(*v, t->context.x[1], value));
        t->context.x[1] = value;
    }
}

void vcpu_write_register(Thread* t) {
    if (VcpuState* v = vcpu_for(t))
        set_status(t, vcpu::write_register(*v, t->context.x[1], t->context.x[2]));
}

void vcpu_resume(Thread* t) {
    if (VcpuState* v = vcpu_for(t)) {
        if (v->thread->state == ThreadState::Inactive)
            scheduler_of(v->thread).make_ready(v->thread);
        set_status(t, Status::Ok);
    }
}

void vcpu_suspend(Thread* t) {
    if (VcpuState* v = vcpu_for(t)) {
        set_status(t, Status::Ok);
        ipc::cancel(v->thread);
        v->thread->state = ThreadState::Inactive;
    }
}

void vcpu_write_list_register(Thread* t) {
    if (VcpuState* v = vcpu_for(t))
        set_status(t, vcpu::write_list_register(*v, t->context.x[1], t->context.x[2]));
}

// The register numbers of a VcpuRead/WriteRegisters list (call_abi.hpp), in order.
template <class Each> void for_each_listed(Thread* t, Each each) {
    const uint64_t list = t->context.x[1];
    Status status = Status::Ok;
    for (unsigned i = 0; i < call_abi::kRegisterListMax && status == Status::Ok; ++i) {
        const uint64_t reg = call_abi::listed_register(list, i);
        if (reg == call_abi::kRegisterListEnd) break;
        status = each(reg, t->context.x[2 + i]);
    }
    set_status(t, status);
}

void vcpu_read_registers(Thread* t) {
    if (VcpuState* v = vcpu_for(t)) {
        for_each_listed(
            t, [v](uint64_t reg, uint64_t& mr) { return vcpu::read_register(*v, reg, mr); });
    }
}

void vcpu_write_registers(Thread* t) {
    if (VcpuState* v = vcpu_for(t)) {
        for_each_listed(
            t, [v](uint64_t reg, const uint64_t& mr) { return vcpu::write_register(*v, reg, mr); });
    }
}

// The SMC is made with the kernel lock held: firmware calls are short by SMCCC's fast-call
// rule, the only kind forwarded.
void firmware_call(Thread* t) {
    if (!holds_cap(t, CapType::Firmware)) return;
    const auto id = static_cast<uint32_t>(t->context.x[1]);
    if (!arm::smccc::forwardable_to_firmware(id)) {
        set_status(t, Status::InvalidArgument);
        return;
    }
    FirmwareRegisters regs{id,
                           t->context.x[2],
                           t->context.x[3],
                           t->context.x[4],
                           t->context.x[5],
                           t->context.x[6],
                           t->context.x[7],
                           0};
    firmware_smc(&regs);
    for (unsigned i = 0; i < 4; ++i)
        t->context.x[1 + i] = regs.x[i];
    set_status(t, Status::Ok);
}

void mapping_move(Thread* t) {
    if (auto* m = object_for(t, CapType::Mapping, spec::CapSend, objects().movable))
        set_status(t, m->move(t->context.x[1]));
}

using Handler = void (*)(Thread*);
constexpr Handler kHandlers[] = {
    call,
    reply_recv,
    send,
    recv,
    reply,
    signal,
    wait,
    poll,
    irq_ack,
    thread_suspend,
    thread_resume,
    yield,
    debug_put_char,
    system_off,
    exit_thread,
    debug_write,
    vcpu_read_register,
    vcpu_write_register,
    vcpu_resume,
    vcpu_suspend,
    vcpu_write_list_register,
    vcpu_read_registers,
    vcpu_write_registers,
    firmware_call,
    mapping_move,
};
static_assert(sizeof(kHandlers) / sizeof(kHandlers[0]) ==
              static_cast<size_t>(call_abi::Call::Count));

} // namespace

Thread* fast_syscall(Thread* t) {
    const uint64_t number = t->context.x[8];
    const bool is_call = number == static_cast<uint64_t>(call_abi::Call::Call);
    if (!is_call && number != static_cast<uint64_t>(call_abi::Call::ReplyRecv)) return nullptr;
    // lookup_cap() without its error codes: any failure takes the ordinary path.
    const Domain& d = *t->domain;
    const uint64_t slot = t->context.x[0];
    if (slot >= d.cap_count) return nullptr;
    const Capability& cap = d.caps[slot];
    if (cap.type != CapType::Endpoint ||
        (cap.rights & (is_call ? spec::CapSend : spec::CapReceive)) == 0)
        return nullptr;
    Endpoint* ep = &objects().endpoints[cap.object];
    if (is_call) return ipc::fast_call(t, ep, cap.badge);
    return ipc::fast_reply_recv(t, ep);
}

void handle_syscall(Thread* t) {
    const uint64_t number = t->context.x[8];
    if (number >= static_cast<uint64_t>(call_abi::Call::Count)) {
        set_status(t, Status::InvalidCall);
        return;
    }
    kHandlers[number](t);
}

} // namespace kernel
