// The VM component's one point of contact with the kernel's vCPU object
// (runtime/vcpu.hpp): the guest registers the VM library reads and writes while an
// exit is handled (vmm::VcpuRegisters, cached per exit so an emulated access costs at
// most one extra call), the list registers (vmm::ListRegisters), and starting,
// resetting and resuming the vCPU.
#pragma once

#include <vmm/list_registers.hpp>
#include <vmm/vcpu_registers.hpp>

#include <runtime/vcpu.hpp>

#include <cstdint>

class KernelVcpu final : public vmm::VcpuRegisters, public vmm::ListRegisters {
public:
    explicit KernelVcpu(runtime::VcpuCap cap) : cap_(cap) {}

    // Puts the vCPU at the start of the boot protocol: EL1h, DAIF masked, MMU and
    // caches off, PC = entry, x0 = the DTB, x1..x3 = 0, timer off.
    runtime::Status reset_to(uint64_t entry, uint64_t dtb);
    runtime::Status resume() const { return cap_.resume(); }
    runtime::Status suspend() const { return cap_.suspend(); }

    // A new exit: forget cached values; the PC and (for a register store with a
    // valid syndrome) the stored register's value come with the exit message.
    void begin_exit(uint64_t pc);
    void seed_gpr(unsigned n, uint64_t value);
    // Builds the reply for this exit: register writes that fit in the reply are
    // carried by it, the rest are written now.
    runtime::Message finish_exit();

    // Direct register access (not cached): abort injection and resets.
    [[nodiscard]] uint64_t read(runtime::Reg r) const { return cap_.read(r); }
    runtime::Status write(runtime::Reg r, uint64_t value) const { return cap_.write(r, value); }

    // vmm::VcpuRegisters
    [[nodiscard]] uint64_t gpr(unsigned n) const override;
    void set_gpr(unsigned n, uint64_t value) override;
    [[nodiscard]] uint64_t sp() const override;
    void set_sp(uint64_t value) override;
    [[nodiscard]] uint64_t pc() const override { return pc_; }
    void set_pc(uint64_t value) override { pc_ = value; }

    // vmm::ListRegisters
    [[nodiscard]] unsigned count() const override;
    void write(unsigned index, const vmm::ListRegisterEntry& entry) override;
    // Frees every list register the VMM owns (reset).
    void clear_list_registers();

private:
    runtime::VcpuCap cap_;
    mutable uint64_t gprs_[31] = {};
    mutable uint32_t known_ = 0; // bit n: gprs_[n] holds the guest's value
    uint32_t dirty_ = 0;         // bit n: gprs_[n] must be written back
    uint64_t exit_pc_ = 0;
    uint64_t pc_ = 0;
    mutable int lr_count_ = -1;
};
