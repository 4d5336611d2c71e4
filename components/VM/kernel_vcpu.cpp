// vCPU glue over the kernel's vCPU calls (see kernel_vcpu.hpp).
#include "kernel_vcpu.hpp"

#include <arch/esr.hpp>

#include <arch/pstate.hpp>
#include <arch/sctlr.hpp>

#include <algorithm>
#include <bit>

using runtime::Reg;

namespace {
// PSTATE.SP (bit 0) selects SP_EL1 at EL1; EL0 always uses SP_EL0.
bool on_sp_el1(uint64_t pstate) {
    return arm::pstate::exception_level(pstate) == 1 && arm::pstate::uses_sp_elx(pstate);
}
} // namespace

runtime::Status KernelVcpu::reset_to(uint64_t entry, uint64_t dtb) {
    struct {
        Reg reg;
        uint64_t value;
    } const writes[] = {
        {Reg::Pc, entry},
        {Reg::Pstate, arm::pstate::kEl1hMasked}, // the Linux boot protocol's entry state
        {Reg::SctlrEl1, arm::sctlr::kEl1Res1},   // MMU and caches off
        {Reg::X0, dtb},
        {runtime::VcpuCap::x(1), 0},
        {runtime::VcpuCap::x(2), 0},
        {runtime::VcpuCap::x(3), 0},
        {Reg::CntvCtl, 0},
        {Reg::VbarEl1, 0},
        {Reg::TcrEl1, 0},
        {Reg::Ttbr0El1, 0},
        {Reg::Ttbr1El1, 0},
        {Reg::CpacrEl1, 0},
        {Reg::GichVmcr, 0},
        {Reg::GichApr, 0},
    };
    begin_exit(); // nothing cached from the old guest
    for (const auto& w : writes) {
        if (const runtime::Status s = cap_.write(w.reg, w.value); s != runtime::Status::Ok)
            return s;
    }
    clear_list_registers();
    // The kernel's own list register (the virtual timer) follows the lent ones; a 0
    // written there drops a timer interrupt of the old guest and unmasks the timer.
    return cap_.write_list_register(count(), 0);
}

bool KernelVcpu::read_exit_counts(std::span<uint64_t, vcpu_abi::kExitCounters> counts) const {
    constexpr unsigned kBatch = call_abi::kRegisterListMax;
    for (unsigned first = 0; first < vcpu_abi::kExitCounters; first += kBatch) {
        const unsigned n = std::min(kBatch, vcpu_abi::kExitCounters - first);
        Reg regs[kBatch];
        for (unsigned i = 0; i < n; ++i)
            regs[i] = static_cast<Reg>(static_cast<uint64_t>(Reg::ExitCount0) + first + i);
        if (cap_.read(std::span<const Reg>(regs, n), counts.subspan(first, n)) !=
            runtime::Status::Ok)
            return false;
    }
    return true;
}

uint64_t KernelVcpu::read_pc() const {
    exit_pc_ = pc_ = cap_.read(Reg::Pc);
    exit_pc_known_ = pc_known_ = true;
    return pc_;
}

void KernelVcpu::enter_exception(const vmm::El1ExceptionEntry& entry) {
    // One kernel call (VcpuWriteRegisters) for the five registers; the PC rides in the reply.
    const Reg regs[] = {Reg::ElrEl1, Reg::SpsrEl1, Reg::EsrEl1, Reg::FarEl1, Reg::Pstate};
    const uint64_t values[] = {entry.elr_el1, entry.spsr_el1, entry.esr_el1, entry.far_el1,
                               entry.pstate};
    (void)cap_.write(regs, values);
    set_pc(entry.pc);
}

uint64_t KernelVcpu::gpr(unsigned n) const {
    if (n >= 31) return 0;
    if ((known_ & (1u << n)) == 0) {
        gprs_[n] = cap_.read(runtime::VcpuCap::x(n));
        known_ |= 1u << n;
    }
    return gprs_[n];
}

void KernelVcpu::note_sp(const uint64_t (&pstate_sp_el0_sp_el1)[3]) const {
    sp_el1_ = on_sp_el1(pstate_sp_el0_sp_el1[0]);
    sp_ = sp_el1_ ? pstate_sp_el0_sp_el1[2] : pstate_sp_el0_sp_el1[1];
    sp_known_ = true;
}

uint64_t KernelVcpu::sp() const {
    if (!sp_known_) {
        const Reg regs[] = {Reg::Pstate, Reg::SpEl0, Reg::SpEl1}; // one call
        uint64_t v[3] = {};
        (void)cap_.read(regs, v);
        note_sp(v);
    }
    return sp_;
}

void KernelVcpu::set_sp(uint64_t value) {
    (void)sp(); // which SP it is
    sp_ = value;
    sp_dirty_ = true;
}

void KernelVcpu::prefetch(uint32_t registers) {
    constexpr unsigned kMax = call_abi::kRegisterListMax;
    Reg regs[kMax];
    uint64_t values[kMax] = {};
    unsigned n = 0;
    const bool sp = (registers & kSpBit) != 0 && !sp_known_;
    const unsigned sp_regs = sp ? 3 : 0;
    for (uint32_t gprs = registers & ~kSpBit & ~known_; gprs != 0; gprs &= gprs - 1) {
        if (n + sp_regs == kMax) return; // more than one call: read them as they are used
        regs[n++] = runtime::VcpuCap::x(static_cast<unsigned>(std::countr_zero(gprs)));
    }
    if (sp) {
        regs[n++] = Reg::Pstate;
        regs[n++] = Reg::SpEl0;
        regs[n++] = Reg::SpEl1;
    }
    if (n == 0 || cap_.read(std::span<const Reg>(regs, n), std::span<uint64_t>(values, n)) !=
                      runtime::Status::Ok)
        return;
    unsigned i = 0;
    for (uint32_t gprs = registers & ~kSpBit & ~known_; gprs != 0; gprs &= gprs - 1)
        seed_gpr(static_cast<unsigned>(std::countr_zero(gprs)), values[i++]);
    if (sp) note_sp({values[i], values[i + 1], values[i + 2]});
}

void KernelVcpu::finish_exit(runtime::Message& reply_message) {
    runtime::VcpuReply reply{reply_message}; // built in place: nothing cleared or copied
    uint32_t dirty = dirty_;
    dirty_ = 0;
    // The common emulated load: one register and PC + 4 ride in the reply.
    if (dirty != 0 && (dirty & (dirty - 1)) == 0) {
        const auto n = static_cast<unsigned>(std::countr_zero(dirty));
        reply.set_register(n, gprs_[n]);
        dirty = 0;
    }
    const bool advance = pc_known_ && exit_pc_known_ && pc_ == exit_pc_ + 4;
    if (advance) reply.advance_pc();
    const bool new_pc = !advance && pc_known_ && (!exit_pc_known_ || pc_ != exit_pc_);
    if (dirty != 0 || new_pc || sp_dirty_) write_back(dirty, new_pc);
    reply.message(); // MR0 written: the reply is complete
}

// Out of line: inlined, its register arrays made every exit's frame 384 bytes.
[[gnu::noinline]] void KernelVcpu::write_back(uint32_t dirty, bool new_pc) {
    // An LDP's second register, a base writeback, a new PC: in batches of six registers
    // per kernel call (VcpuWriteRegisters).
    Reg regs[call_abi::kRegisterListMax];
    uint64_t values[call_abi::kRegisterListMax];
    unsigned pending = 0;
    auto add = [&](Reg r, uint64_t value) {
        regs[pending] = r;
        values[pending++] = value;
        if (pending == call_abi::kRegisterListMax) {
            (void)cap_.write(regs, values);
            pending = 0;
        }
    };
    for (; dirty != 0; dirty &= dirty - 1) {
        const auto n = static_cast<unsigned>(std::countr_zero(dirty));
        add(runtime::VcpuCap::x(n), gprs_[n]);
    }
    if (sp_dirty_) add(sp_el1_ ? Reg::SpEl1 : Reg::SpEl0, sp_);
    sp_dirty_ = false;
    if (new_pc) add(Reg::Pc, pc_);
    if (pending != 0) {
        (void)cap_.write(std::span<const Reg>(regs, pending),
                         std::span<const uint64_t>(values, pending));
    }
}

unsigned KernelVcpu::count() const {
    if (lr_count_ < 0) {
        // A kernel without vCPUs answers with an error: no list registers then.
        uint64_t n = 0;
        lr_count_ = cap_.read(Reg::ListRegisterCount, n) == runtime::Status::Ok && n <= 64
                        ? static_cast<int>(n)
                        : 0;
    }
    return static_cast<unsigned>(lr_count_);
}

void KernelVcpu::write(unsigned index, const vmm::ListRegisterEntry& entry, vmm::EoiReport report) {
    (void)cap_.write_list_register(
        index, entry.encode() | (report == vmm::EoiReport::AtOnce ? vcpu_abi::kLrEoiAtOnce : 0));
}

void KernelVcpu::want_eoi_at_once() {
    if (eoi_at_once_asked_) return;
    eoi_at_once_asked_ = cap_.write(Reg::EoiAtOnce, 1) == runtime::Status::Ok;
}

void KernelVcpu::clear_list_registers() {
    for (unsigned i = 0; i < count(); ++i)
        (void)cap_.write_list_register(i, 0);
}

void KernelExitPort::wait(bool resume, Event& event) {
    if (ballast_.enabled()) { // QEMU boards only: real ones skip the counter read too
        uint64_t now = 0;
        asm volatile("mrs %0, cntvct_el0" : "=r"(now));
        ballast_.before_block(now);
    }
    runtime::Status s;
    if (resume) {
        vcpus_[current_].finish_exit(exit_.message);
        s = exits_.reply_recv(exit_.message, exit_.badge);
    } else {
        s = exits_.recv(exit_.message, exit_.badge);
    }
    if (s == runtime::Status::Ok && exit_.badge < vcpus_.size()) {
        current_ = static_cast<unsigned>(exit_.badge);
        event.kind = Event::Kind::Exit;
        begin(exit_, event.exit);
    } else if (s == runtime::Status::Notified) {
        event.kind = Event::Kind::Notification;
        event.bits = exit_.badge;
    } else {
        event.kind = Event::Kind::Lost;
        vmm::LogLine line;
        line << "vm: receive on the exit endpoint failed: " << vmm::Dec{static_cast<int64_t>(s)};
        line.emit(log_);
    }
}

// Field by field: only what the exit's reason uses (the record is reused).
void KernelExitPort::begin(const runtime::VcpuExit& exit, vmm::GuestExit& out) {
    out.eoi_mask = exit.eoi_mask(); // any exit may carry EOIs
    switch (exit.kind()) {
    case runtime::ExitKind::DataAbort:
        out.reason = vmm::ExitReason::DataAbort;
        out.esr = exit.esr();
        out.far = exit.far();
        out.hpfar = exit.hpfar();
        out.pc = exit.pc();
        out.data = exit.data();
        vcpus_[current_].begin_exit(out.pc);
        // A store with a valid syndrome: the stored register's value came along.
        if (const uint32_t iss = arm::Esr{out.esr}.iss();
            arm::data_abort::isv(iss) && arm::data_abort::wnr(iss))
            vcpus_[current_].seed_gpr(arm::data_abort::srt(iss), out.data);
        return;
    case runtime::ExitKind::Hvc:
    case runtime::ExitKind::Smc:
        out.reason =
            exit.kind() == runtime::ExitKind::Hvc ? vmm::ExitReason::Hvc : vmm::ExitReason::Smc;
        out.esr = exit.esr();
        out.call = {exit.hvc_arg(0), exit.hvc_arg(1), exit.hvc_arg(2), exit.hvc_arg(3)};
        vcpus_[current_].begin_exit();
        return;
    case runtime::ExitKind::SysReg:
        out.reason = vmm::ExitReason::SysReg;
        out.esr = exit.esr();
        out.pc = exit.message.mr[2];
        out.data = exit.message.mr[3]; // Rt's value: what a write stores
        vcpus_[current_].begin_exit(out.pc);
        return;
    case runtime::ExitKind::EoiMaintenance:
        out.reason = vmm::ExitReason::EoiMaintenance;
        vcpus_[current_].eoi_report_came();
        vcpus_[current_].begin_exit();
        return;
    case runtime::ExitKind::Idle:
        out.reason = vmm::ExitReason::Idle;
        out.esr = exit.esr();
        vcpus_[current_].begin_exit();
        return;
    case runtime::ExitKind::Unknown:
        break;
    }
    // Unknown, or a message that is no vCPU exit at all.
    out.reason = vmm::ExitReason::Unknown;
    out.esr = exit.esr();
    out.far = exit.far();
    out.hpfar = exit.hpfar();
    out.pc = exit.pc();
    vcpus_[current_].begin_exit(out.pc);
}
