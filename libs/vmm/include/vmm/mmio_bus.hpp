// MMIO dispatch: emulated devices register the guest-physical ranges they own and
// the bus routes each decoded access to the one that covers it. An access nothing
// covers is logged (address, PC, access; the first few of each kind, then a count:
// GuestEventLimit) and answered by policy: a data abort
// injected into the guest, or the VM halted. It is never backed with fresh RAM.
#pragma once

#include <vmm/log.hpp>
#include <vmm/mmio_access.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vmm {

class MmioDevice {
public:
    // offset is relative to the registered range; size is 1, 2, 4 or 8. False means
    // the device refuses the access (treated like an access nothing backs).
    [[nodiscard]] virtual bool read(uint64_t offset, unsigned size, unsigned vcpu,
                                    uint64_t& value) = 0;
    [[nodiscard]] virtual bool write(uint64_t offset, unsigned size, unsigned vcpu,
                                     uint64_t value) = 0;

protected:
    ~MmioDevice() = default;
};

enum class UnhandledAccessPolicy : uint8_t { InjectAbort, HaltVm };

// What the VMM does with the vCPU after an access.
enum class ExitAction : uint8_t {
    Resume,      // completed: registers and PC updated
    InjectAbort, // inject a synchronous external data abort at the faulting PC
    HaltVm,      // stop the VM
};

class MmioBus {
public:
    static constexpr std::size_t kMaxDevices = 32;

    explicit MmioBus(UnhandledAccessPolicy policy, LogSink& log)
        : policy_(policy), unhandled_log_(log, "unhandled guest accesses"),
          rejected_log_(log, "undecodable guest accesses") {}

    // False when the table is full, the range is empty/wraps or overlaps another device.
    [[nodiscard]] bool add(std::string_view name, base::GuestPhysRange range, MmioDevice& device);

    // Emulates the access on vCPU `vcpu` and completes it on `regs` when handled.
    [[nodiscard]] ExitAction handle(const MmioAccess& access, unsigned vcpu, VcpuRegisters& regs);

    // For accesses that could not even be decoded: logs and applies the policy.
    [[nodiscard]] ExitAction reject(base::GuestPhysAddr ipa, uint64_t pc, std::string_view why);
    // For an instruction fetch from an address nothing backs (devices are never run from):
    // logged with the unhandled accesses, and the same policy (the abort is an instruction
    // abort).
    [[nodiscard]] ExitAction unhandled_fetch(base::GuestPhysAddr ipa, uint64_t pc);

    [[nodiscard]] std::size_t size() const { return count_; }
    [[nodiscard]] UnhandledAccessPolicy policy() const { return policy_; }
    // How many accesses were unhandled / could not be decoded so far.
    [[nodiscard]] uint64_t unhandled_count() const { return unhandled_log_.count(); }
    [[nodiscard]] uint64_t rejected_count() const { return rejected_log_.count(); }

private:
    struct Entry {
        std::string_view name;
        base::GuestPhysRange range;
        MmioDevice* device = nullptr;
    };
    [[nodiscard]] const Entry* find(base::GuestPhysRange range) const;
    [[nodiscard]] ExitAction unhandled(const MmioAccess& access, uint64_t pc);
    [[nodiscard]] ExitAction action() const;
    [[nodiscard]] std::string_view outcome() const;

    UnhandledAccessPolicy policy_;
    GuestEventLimit unhandled_log_;
    GuestEventLimit rejected_log_;
    std::array<Entry, kMaxDevices> entries_{};
    std::size_t count_ = 0;
};

} // namespace vmm
