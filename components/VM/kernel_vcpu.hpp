// The VM component's one point of contact with the kernel's vCPU object
// (runtime/vcpu.hpp): the guest state the VM library reads and writes while an exit is
// handled (vmm::Vcpu, registers cached per exit so an emulated access costs at most one
// extra call), the list registers (vmm::ListRegisters), and starting, resetting and
// resuming the vCPU. KernelExitPort is the kernel side of the library's exit loop: the
// receive/reply cycle on the VM's exit endpoint (with its notification bound).
#pragma once

#include <vmm/exit_loop.hpp>
#include <vmm/list_registers.hpp>
#include <vmm/log.hpp>
#include <vmm/soft_tlb_ballast.hpp>
#include <vmm/vcpu.hpp>

#include <runtime/vcpu.hpp>

#include <cstdint>
#include <span>

class KernelVcpu final : public vmm::Vcpu, public vmm::ListRegisters {
public:
    KernelVcpu() : cap_(runtime::Slot{0}), id_(0) {} // set later (VirtualMachine's array)
    explicit KernelVcpu(runtime::VcpuCap cap, unsigned id = 0) : cap_(cap), id_(id) {}

    // Puts the vCPU at the start of the boot protocol: EL1h, DAIF masked, MMU and
    // caches off, PC = entry, x0 = the DTB (or CPU_ON's context id), x1..x3 = 0, timer off.
    runtime::Status reset_to(uint64_t entry, uint64_t dtb);
    runtime::Status resume() const { return cap_.resume(); }

    // A new exit: forget cached values; the PC (when the exit message has it) and (for
    // a register store with a valid syndrome) the stored register's value come with
    // the exit message.
    void begin_exit() { begin(false, 0); }
    void begin_exit(uint64_t pc) { begin(true, pc); }
    void seed_gpr(unsigned n, uint64_t value) {
        if (n >= 31) return;
        gprs_[n] = value;
        known_ |= 1u << n;
    }
    // Builds the reply for this exit in `reply`: register writes that fit in the reply
    // are carried by it, the rest are written now.
    void finish_exit(runtime::Message& reply);

    // The kernel's exit counters of this vCPU (vcpu_abi::ExitCounter order), read six
    // at a time; false if the kernel refuses them.
    bool read_exit_counts(std::span<uint64_t, vcpu_abi::kExitCounters> counts) const;

    // Direct register access (not cached): abort injection and resets.
    [[nodiscard]] uint64_t read(runtime::Reg r) const { return cap_.read(r); }
    runtime::Status write(runtime::Reg r, uint64_t value) const { return cap_.write(r, value); }

    // vmm::Vcpu
    [[nodiscard]] uint64_t gpr(unsigned n) const override;
    void set_gpr(unsigned n, uint64_t value) override {
        if (n >= 31) return;
        gprs_[n] = value;
        known_ |= 1u << n;
        dirty_ |= 1u << n;
    }
    [[nodiscard]] uint64_t sp() const override;
    void set_sp(uint64_t value) override;
    [[nodiscard]] uint64_t pc() const override { return pc_known_ ? pc_ : read_pc(); }
    void set_pc(uint64_t value) override {
        pc_ = value;
        pc_known_ = true;
    }
    void advance_pc() override { set_pc(pc() + 4); }
    void prefetch(uint32_t registers) override;
    void complete_load(unsigned n, uint64_t value) override {
        set_gpr(n, value);
        advance_pc();
    }
    [[nodiscard]] unsigned id() const override { return id_; }
    [[nodiscard]] uint64_t pstate() const override { return cap_.read(runtime::Reg::Pstate); }
    [[nodiscard]] uint64_t vbar_el1() const override { return cap_.read(runtime::Reg::VbarEl1); }
    void enter_exception(const vmm::El1ExceptionEntry& entry) override;
    void suspend() override { (void)cap_.suspend(); }
    [[nodiscard]] bool request_idle_exit() override {
        return cap_.write(runtime::Reg::IdleExit, 1) == runtime::Status::Ok;
    }

    // vmm::ListRegisters
    [[nodiscard]] unsigned count() const override;
    void write(unsigned index, const vmm::ListRegisterEntry& entry, vmm::EoiReport report) override;
    // One kernel call until the kernel has sent the EOI report asked for (eoi_report_came).
    void want_eoi_at_once() override;
    // An EoiMaintenance exit of this vCPU came: the kernel's request flag is down again.
    void eoi_report_came() { eoi_at_once_asked_ = false; }
    // Frees every list register the VMM owns (reset).
    void clear_list_registers();

private:
    void begin(bool pc_known, uint64_t pc) {
        known_ = 0;
        dirty_ = 0;
        sp_known_ = sp_dirty_ = false;
        exit_pc_known_ = pc_known_ = pc_known;
        exit_pc_ = pc_ = pc;
    }
    [[nodiscard]] uint64_t read_pc() const;
    // The rest of finish_exit: registers the reply cannot carry (and the PC when it
    // moved other than past the instruction).
    void write_back(uint32_t dirty, bool new_pc);
    // Caches the SP the guest uses from PSTATE, SP_EL0 and SP_EL1 as read.
    void note_sp(const uint64_t (&pstate_sp_el0_sp_el1)[3]) const;

    runtime::VcpuCap cap_;
    unsigned id_;
    mutable uint64_t gprs_[31] = {};
    mutable uint32_t known_ = 0; // bit n: gprs_[n] holds the guest's value
    uint32_t dirty_ = 0;         // bit n: gprs_[n] must be written back
    mutable uint64_t exit_pc_ = 0;
    mutable uint64_t pc_ = 0;
    mutable bool exit_pc_known_ = false; // exit_pc_ is the PC the vCPU stopped at
    mutable bool pc_known_ = false;      // pc_ holds (or replaces) the guest's PC
    mutable int lr_count_ = -1;
    bool eoi_at_once_asked_ = false; // Reg::EoiAtOnce written, its report not seen yet
    mutable uint64_t sp_ = 0;
    mutable bool sp_known_ = false; // sp_ holds the guest's current SP
    mutable bool sp_el1_ = false;   // which one it is: SP_EL1, else SP_EL0
    bool sp_dirty_ = false;         // sp_ must be written back
};

// The VM's exit endpoint, shared by its vCPUs (an exit's badge is the vCPU's index), as
// the library's exit loop waits on it.
class KernelExitPort final : public vmm::VcpuPort {
public:
    // `ballast`: read before every block (it decides whether it is due).
    KernelExitPort(runtime::EndpointCap exits, std::span<KernelVcpu> vcpus, vmm::LogSink& log,
                   vmm::SoftTlbBallast& ballast)
        : exits_(exits), vcpus_(vcpus), log_(log), ballast_(ballast) {}

    void wait(bool resume, Event& event) override;
    [[nodiscard]] vmm::Vcpu& vcpu() override { return vcpus_[current_]; }

private:
    // Turns the kernel's exit message into the library's record and primes the vCPU.
    void begin(const runtime::VcpuExit& exit, vmm::GuestExit& out);

    runtime::EndpointCap exits_;
    std::span<KernelVcpu> vcpus_;
    unsigned current_ = 0; // whose exit was received last
    vmm::LogSink& log_;
    vmm::SoftTlbBallast& ballast_;
    runtime::VcpuExit exit_;
};
