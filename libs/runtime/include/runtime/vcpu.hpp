// vCPU capabilities and guest exits for a VMM component (spec/vcpu_abi.hpp): register
// access, resume/suspend, list-register writes, and decoding/answering exit messages
// that arrive on the VMM's exit endpoint.
#pragma once

#include "runtime/capabilities.hpp"

#include <arch/esr.hpp>
#include <spec/vcpu_abi.hpp>

#include <cstddef>
#include <span>

namespace runtime {

using vcpu_abi::ExitKind;
using vcpu_abi::Reg;

class VcpuCap {
public:
    constexpr explicit VcpuCap(Slot s) : slot_(s.value) {}
    Status read(Reg r, uint64_t& value) const {
        Message m;
        const CallResult res =
            kernel_call(Call::VcpuReadRegister, slot_, static_cast<uint64_t>(r), m);
        value = res.value;
        return res.status;
    }
    [[nodiscard]] uint64_t read(Reg r) const {
        uint64_t v = 0;
        read(r, v);
        return v;
    }
    Status write(Reg r, uint64_t value) const {
        Message m;
        m.mr[0] = value;
        return kernel_call(Call::VcpuWriteRegister, slot_, static_cast<uint64_t>(r), m).status;
    }
    // Up to six registers in one call (call_abi::Call::VcpuReadRegisters): values[i] is
    // regs[i]. Stops at the first number the kernel refuses (its status).
    Status read(std::span<const Reg> regs, std::span<uint64_t> values) const {
        Message m;
        const uint64_t list = pack(regs);
        const Status s = kernel_call(Call::VcpuReadRegisters, slot_, list, m).status;
        for (size_t i = 0; i < regs.size() && i < values.size() && i < kRegisterListMax; ++i)
            values[i] = m.mr[i];
        return s;
    }
    // Up to six registers in one call (Call::VcpuWriteRegisters), in order.
    Status write(std::span<const Reg> regs, std::span<const uint64_t> values) const {
        Message m;
        for (size_t i = 0; i < regs.size() && i < values.size() && i < kRegisterListMax; ++i)
            m.mr[i] = values[i];
        return kernel_call(Call::VcpuWriteRegisters, slot_, pack(regs), m).status;
    }
    [[nodiscard]] static Reg x(unsigned n) { return static_cast<Reg>(n); }
    Status resume() const { return kernel_call(Call::VcpuResume, slot_).status; }
    Status suspend() const { return kernel_call(Call::VcpuSuspend, slot_).status; }
    // Writes GICH_LR word `word` (arm::gicv2::ListRegister::encode()) into list register
    // `index` of this vCPU; a pending entry wakes a vCPU waiting in WFI.
    Status write_list_register(uint32_t index, uint32_t word) const {
        Message m;
        m.mr[0] = word;
        return kernel_call(Call::VcpuWriteListRegister, slot_, index, m).status;
    }
    [[nodiscard]] uint32_t list_register_count() const {
        return static_cast<uint32_t>(read(Reg::ListRegisterCount));
    }

private:
    static constexpr unsigned kRegisterListMax = call_abi::kRegisterListMax;
    static uint64_t pack(std::span<const Reg> regs) {
        uint64_t numbers[kRegisterListMax] = {};
        const auto n =
            static_cast<unsigned>(regs.size() < kRegisterListMax ? regs.size() : kRegisterListMax);
        for (unsigned i = 0; i < n; ++i)
            numbers[i] = static_cast<uint64_t>(regs[i]);
        return call_abi::register_list(numbers, n);
    }

    uint32_t slot_;
};

// One exit as it arrived (Recv / ReplyRecv on the exit endpoint).
struct VcpuExit {
    uint64_t badge = 0;
    Message message;

    [[nodiscard]] ExitKind kind() const { return static_cast<ExitKind>(message.mr[0]); }
    [[nodiscard]] bool is_vcpu_exit() const {
        return message.mr[0] >= static_cast<uint64_t>(ExitKind::DataAbort) &&
               message.mr[0] <= static_cast<uint64_t>(ExitKind::Idle);
    }
    // DataAbort / Unknown
    [[nodiscard]] uint64_t esr() const { return message.mr[1]; }
    // The same ESR_EL2 with its ISS views (DataAbort, Hvc/Smc, SysReg, Unknown).
    [[nodiscard]] arm::Esr syndrome() const { return arm::Esr{message.mr[1]}; }
    [[nodiscard]] uint64_t far() const { return message.mr[2]; }
    [[nodiscard]] uint64_t hpfar() const { return message.mr[3]; }
    [[nodiscard]] uint64_t pc() const { return message.mr[4]; }
    [[nodiscard]] uint64_t ipa() const { return arm::fault_ipa(hpfar(), far()); }
    // DataAbort: the value written (ISV = 1 writes) or the instruction word (ISV = 0).
    [[nodiscard]] uint64_t data() const { return message.mr[5]; }
    // Hvc / Smc: x0..x3 of the guest.
    [[nodiscard]] uint64_t hvc_arg(unsigned i) const { return message.mr[2 + i]; }
    // EoiMaintenance: bit i = list register i was EOId (and is free again).
    [[nodiscard]] uint64_t eoi_mask() const { return message.mr[1]; }
};

// Builds the reply that resumes the vCPU: optionally one register write, then
// optionally PC += 4.
class VcpuReply {
public:
    VcpuReply& set_register(unsigned reg, uint64_t value) {
        m_.mr[0] |= vcpu_abi::SetRegister;
        m_.mr[1] = reg;
        m_.mr[2] = value;
        return *this;
    }
    VcpuReply& advance_pc() {
        m_.mr[0] |= vcpu_abi::AdvancePc;
        return *this;
    }
    [[nodiscard]] Message& message() { return m_; }

private:
    Message m_;
};

} // namespace runtime
