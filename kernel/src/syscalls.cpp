// The kernel call interface (see spec/call_abi.hpp): one handler per call number in
// a constexpr table. Every argument is checked; a bad one is an error code in x0.
#include "syscalls.hpp"

#include "boot_entropy.hpp"
#include "console.hpp"
#include "fault_delivery.hpp"
#include "firmware_smc.hpp"
#include "gic.hpp"
#include "hyp_timer.hpp"
#include "kernel_objects.hpp"
#include "psci.hpp"
#include "ram_scrub.hpp"
#include "scheduler.hpp"
#include "smp.hpp"
#include "vcpu.hpp"

#include <arch/smccc.hpp>

namespace kernel {
namespace {

using call_abi::Status;
using spec::CapType;

// lookup_cap() without its error codes, for the fast paths: any failure takes the
// ordinary path, which reports it.
[[gnu::always_inline]] inline const Capability* fast_cap(const Thread* t, CapType type,
                                                         uint32_t right) {
    const Domain& d = *t->domain;
    const uint64_t slot = t->context.x[0];
    if (slot >= d.cap_count) return nullptr;
    const Capability& cap = d.caps[slot];
    return cap.type == type && (cap.rights & right) != 0 ? &cap : nullptr;
}

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
    const char c = static_cast<char>(t->context.x[0]);
    t->debug_line.write({&c, 1}, false, console::put);
    set_status(t, Status::Ok);
#else
    set_status(t, Status::InvalidCall);
#endif
}

// Up to 56 bytes in x1..x7 at once. The kernel is not preemptible and its lock is held,
// so what one call writes never interleaves with other output; a line longer than one
// call comes in pieces marked kDebugWriteMore, held in the thread (DebugLine) until the
// piece that ends it, and is written whole with that one.
void debug_write(Thread* t) {
#if !defined(BULKHEAD_RELEASE)
    const uint64_t length = t->context.x[0] & ~call_abi::kDebugWriteMore;
    if (length > call_abi::kDebugWriteMax) {
        set_status(t, Status::InvalidArgument);
        return;
    }
    char piece[call_abi::kDebugWriteMax];
    for (uint64_t i = 0; i < length; ++i)
        piece[i] = static_cast<char>(t->context.x[1 + i / 8] >> (8 * (i % 8)));
    t->debug_line.write({piece, length}, (t->context.x[0] & call_abi::kDebugWriteMore) != 0,
                        console::put);
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

namespace {
// "system: <what> per core: 0:N 1:M" over the cores that started.
void log_per_core(const char* what, uint64_t (*count)(uint32_t)) {
    log() << "system: " << what << " per core:";
    for (uint32_t c = 0; c < smp::kMaxCores; ++c) {
        if (hyp_timer::started(c)) log() << " " << Dec{c} << ":" << Dec{count(c)};
    }
    log() << "\n";
}
} // namespace

void system_off(Thread* t) {
    if (!holds_cap(t, CapType::SystemControl)) return;
    const ram_scrub::Stats& ram = ram_scrub::stats();
    log() << "system: powered off by " << t->name
          << " (RAM zeroed on first touch: " << Dec{ram.zeroed_on_touch >> 20} << " of "
          << Dec{ram.deferred >> 20} << " MiB, while idle: " << Dec{ram.zeroed_while_idle >> 20}
          << " MiB, left: " << Dec{ram.left() >> 20} << " MiB)\n";
    log_per_core("ticks taken", hyp_timer::taken);
    psci::system_off();
}

void exit_thread(Thread* t) {
#if !defined(BULKHEAD_RELEASE)
    t->debug_line.flush(console::put); // an unfinished line is still written
#endif
    set_status(t, Status::Ok);
    scheduler_of(t).remove(t);
    t->state = ThreadState::Inactive;
}

// The vCPU of the capability in x0. A caller pinned to another core (a VMM whose vCPUs
// are spread over cores) first needs the vCPU's state in memory when `state` says the
// call touches it (vcpu::claim_from_another_core: else Busy, and the caller tries again).
// Busy changes only x0: runtime::VcpuCap makes the same call again with x1..x7 as they are.
// `touches()` is asked only from another core (a register list is not decoded on the
// same-core exit path).
template <class Touches> VcpuState* vcpu_for(Thread* t, Touches touches) {
    Thread* target = object_for(t, CapType::Vcpu, spec::CapSend, objects().threads);
    if (target == nullptr) return nullptr;
    if (target->core != t->core && touches()) {
        if (const Status s = vcpu::claim_from_another_core(*target->vcpu); s != Status::Ok) {
            set_status(t, s);
            return nullptr;
        }
    }
    return target->vcpu;
}
VcpuState* vcpu_for(Thread* t) {
    return vcpu_for(t, [] { return true; });
}
VcpuState* vcpu_for_without_state(Thread* t) {
    return vcpu_for(t, [] { return false; });
}

// Exit counters, the list-register count and EoiAtOnce are in memory, read (EoiAtOnce
// also written) on any core, also while the vCPU runs.
bool touches_state(uint64_t reg) {
    return reg != static_cast<uint64_t>(vcpu_abi::Reg::ListRegisterCount) &&
           reg != static_cast<uint64_t>(vcpu_abi::Reg::EoiAtOnce) &&
           reg < static_cast<uint64_t>(vcpu_abi::Reg::ExitCount0);
}

void vcpu_read_register(Thread* t) {
    if (VcpuState* v = vcpu_for(t, [t] { return touches_state(t->context.x[1]); })) {
        uint64_t value = 0;
        set_status(t, vcpu::read_register(*v, t->context.x[1], value));
        t->context.x[1] = value;
    }
}

void vcpu_write_register(Thread* t) {
    if (VcpuState* v = vcpu_for(t, [t] { return touches_state(t->context.x[1]); }))
        set_status(t, vcpu::write_register(*v, t->context.x[1], t->context.x[2]));
}

// Resume and suspend change only the thread's state: fine from any core (another core's
// scheduler is kicked).
void vcpu_resume(Thread* t) {
    if (VcpuState* v = vcpu_for_without_state(t)) {
        if (v->thread->state == ThreadState::Inactive)
            scheduler_of(v->thread).make_ready(v->thread);
        set_status(t, Status::Ok);
    }
}

void vcpu_suspend(Thread* t) {
    if (VcpuState* v = vcpu_for_without_state(t)) {
        set_status(t, Status::Ok);
        ipc::cancel(v->thread);
        v->thread->state = ThreadState::Inactive;
        // Running on another core: it stops there now, not at its next kernel entry.
        smp::kick(v->thread->core);
    }
}

void vcpu_write_list_register(Thread* t) {
    if (VcpuState* v = vcpu_for_without_state(t)) // vcpu.cpp: the mailbox, or a claim
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

// Whether any register of a VcpuRead/WriteRegisters list touches the vCPU's state.
bool list_touches_state(uint64_t list) {
    for (unsigned i = 0; i < call_abi::kRegisterListMax; ++i) {
        const uint64_t reg = call_abi::listed_register(list, i);
        if (reg == call_abi::kRegisterListEnd) return false;
        if (touches_state(reg)) return true;
    }
    return false;
}

void vcpu_read_registers(Thread* t) {
    if (VcpuState* v = vcpu_for(t, [t] { return list_touches_state(t->context.x[1]); })) {
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

void entropy(Thread* t) {
    // x1..x4 in memory order: little-endian words, as the runtime copies them back out.
    static_assert(boot_entropy::kDraw == 4 * sizeof(uint64_t));
    if (!boot_entropy::take(
            t->domain->index,
            std::as_writable_bytes(std::span(&t->context.x[1], 4)).first<boot_entropy::kDraw>())) {
        set_status(t, Status::NoEntropy);
        return;
    }
    set_status(t, Status::Ok);
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
    entropy,
};
static_assert(sizeof(kHandlers) / sizeof(kHandlers[0]) ==
              static_cast<size_t>(call_abi::Call::Count));

} // namespace

Thread* fast_syscall(Thread* t) {
    using call_abi::Call;
    const uint64_t number = t->context.x[8];
    if (number == static_cast<uint64_t>(Call::Call)) {
        const Capability* cap = fast_cap(t, CapType::Endpoint, spec::CapSend);
        return cap != nullptr ? ipc::fast_call(t, &objects().endpoints[cap->object], cap->badge)
                              : nullptr;
    }
    if (number == static_cast<uint64_t>(Call::ReplyRecv)) {
        const Capability* cap = fast_cap(t, CapType::Endpoint, spec::CapReceive);
        return cap != nullptr ? ipc::fast_reply_recv(t, &objects().endpoints[cap->object])
                              : nullptr;
    }
    if (number == static_cast<uint64_t>(Call::Signal)) {
        const Capability* cap = fast_cap(t, CapType::Notification, spec::CapSend);
        return cap != nullptr ? objects().notifications[cap->object].fast_signal(t, cap->badge)
                              : nullptr;
    }
    return nullptr;
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
