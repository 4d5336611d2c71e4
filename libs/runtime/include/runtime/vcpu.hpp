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
        const CallResult res = vcpu_call(Call::VcpuReadRegister, static_cast<uint64_t>(r), m);
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
        return vcpu_call(Call::VcpuWriteRegister, static_cast<uint64_t>(r), m).status;
    }
    // Up to six registers in one call (call_abi::Call::VcpuReadRegisters): values[i] is
    // regs[i]. Stops at the first number the kernel refuses (its status).
    Status read(std::span<const Reg> regs, std::span<uint64_t> values) const {
        Message m;
        const uint64_t list = pack(regs);
        const Status s = vcpu_call(Call::VcpuReadRegisters, list, m).status;
        for (size_t i = 0; i < regs.size() && i < values.size() && i < kRegisterListMax; ++i)
            values[i] = m.mr[i];
        return s;
    }
    // Up to six registers in one call (Call::VcpuWriteRegisters), in order.
    Status write(std::span<const Reg> regs, std::span<const uint64_t> values) const {
        Message m;
        for (size_t i = 0; i < regs.size() && i < values.size() && i < kRegisterListMax; ++i)
            m.mr[i] = values[i];
        return vcpu_call(Call::VcpuWriteRegisters, pack(regs), m).status;
    }
    [[nodiscard]] static Reg x(unsigned n) { return static_cast<Reg>(n); }
    Status resume() const { return kernel_call(Call::VcpuResume, slot_).status; }
    Status suspend() const { return kernel_call(Call::VcpuSuspend, slot_).status; }
    // Writes GICH_LR word `word` (arm::gicv2::ListRegister::encode()) into list register
    // `index` of this vCPU; a pending entry wakes a vCPU waiting in WFI. With
    // vcpu_abi::kLrEoiAtOnce the guest's EOI of it is reported at once.
    Status write_list_register(uint32_t index, uint64_t word) const {
        Message m;
        m.mr[0] = word;
        return vcpu_call(Call::VcpuWriteListRegister, index, m).status;
    }
    [[nodiscard]] uint32_t list_register_count() const {
        return static_cast<uint32_t>(read(Reg::ListRegisterCount));
    }

private:
    // A VMM on another core than the vCPU: Busy while that core saves the vCPU's state
    // (it has been asked to); the same call again, after a short pause. A Busy answer
    // leaves x1..x7 as they were sent (kernel syscalls.cpp, vcpu_for), so `m` still holds
    // the message: no copy on the exit path.
    CallResult vcpu_call(Call call, uint64_t arg, Message& m) const {
        for (;;) {
            const CallResult r = kernel_call(call, slot_, arg, m);
            if (r.status != Status::Busy) return r;
            for (int i = 0; i < 64; ++i)
                asm volatile("yield");
        }
    }
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

    [[nodiscard]] ExitKind kind() const {
        return static_cast<ExitKind>(message.mr[0] & vcpu_abi::kMrKindMask);
    }
    [[nodiscard]] bool is_vcpu_exit() const {
        const uint64_t k = message.mr[0] & vcpu_abi::kMrKindMask;
        return k >= static_cast<uint64_t>(ExitKind::DataAbort) &&
               k <= static_cast<uint64_t>(ExitKind::Idle);
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
    // Any exit (EoiMaintenance carries nothing else): bit i = list register i was EOId (and
    // is free again) before the exit; handled first.
    [[nodiscard]] uint64_t eoi_mask() const { return message.mr[0] >> vcpu_abi::kMrEoiShift; }
};

// Builds the reply that resumes the vCPU in the message it is given: optionally one
// register write, then optionally PC += 4. In place, so a VMM can build it in the exit's
// own message, which its ReplyRecv sends and receives the next exit into (MR3..MR5 of a
// reply are not looked at, whatever they hold). MR0, the flags, is written by message().
class VcpuReply {
public:
    explicit VcpuReply(Message& m) : m_(m) {}
    VcpuReply& set_register(unsigned reg, uint64_t value) {
        flags_ |= vcpu_abi::SetRegister;
        m_.mr[1] = reg;
        m_.mr[2] = value;
        return *this;
    }
    VcpuReply& advance_pc() {
        flags_ |= vcpu_abi::AdvancePc;
        return *this;
    }
    // The finished reply (the message given), to send.
    Message& message() {
        m_.mr[0] = flags_;
        return m_;
    }

private:
    Message& m_;
    uint64_t flags_ = 0;
};

} // namespace runtime
