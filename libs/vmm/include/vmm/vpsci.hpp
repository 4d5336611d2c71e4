// Virtual PSCI (Arm DEN 0022, PSCI 1.0 over SMCCC): decodes the function ID the guest
// put in x0 of an HVC/SMC and turns it into a result for x0 plus, where the call asks
// for it, an action the VM component carries out (start or stop a vCPU, power off,
// reset). vCPU i has MPIDR affinity 0 = i, as the guest DTB's cpu nodes say. It is the
// SmcccDispatcher's handler for the PSCI function ranges (install()).
#pragma once

#include <vmm/smccc.hpp>

#include <arch/psci.hpp>

#include <base/address.hpp>

#include <array>
#include <cstdint>

namespace vmm {

namespace psci {
// Function IDs and ranges (arch/psci.hpp, shared with the kernel).
using namespace arm::psci;

// Return codes.
constexpr int64_t kSuccess = 0;
constexpr int64_t kNotSupported = -1;
constexpr int64_t kInvalidParameters = -2;
constexpr int64_t kDenied = -3;
constexpr int64_t kAlreadyOn = -4;
constexpr int64_t kOnPending = -5;
constexpr int64_t kInternalFailure = -6;
constexpr int64_t kInvalidAddress = -9;

constexpr int64_t kVersion1_0 = 0x00010000;
constexpr int64_t kMigrateNotRequired = 2; // MIGRATE_INFO_TYPE: no Trusted OS to migrate
enum AffinityState : int64_t { kAffinityOn = 0, kAffinityOff = 1, kAffinityOnPending = 2 };
} // namespace psci

// PSCI is SMCCC: a call is an SmcccCall, the answer an SmcccResult (result = x0, and
// the effect on the VM).
using PsciCall = SmcccCall;
using PsciAction = SmcccResult;

class Vpsci final : public SmcccHandler {
public:
    static constexpr unsigned kMaxVcpus = 8;

    // vCPU 0 starts on; the others wait for CPU_ON.
    explicit Vpsci(unsigned num_vcpus);

    [[nodiscard]] PsciAction handle(unsigned caller, const PsciCall& call);
    // Registers both PSCI ranges with the dispatcher.
    [[nodiscard]] bool install(SmcccDispatcher& dispatcher);
    // SmcccHandler
    [[nodiscard]] SmcccResult call(unsigned vcpu, const SmcccCall& c) override {
        return handle(vcpu, c);
    }
    // The VM component reports that a started vCPU is running (ON_PENDING -> ON).
    void vcpu_running(unsigned vcpu);
    // SYSTEM_RESET done: every vCPU but 0 is off again.
    void reset();
    // CPU_ON entry points must be in `ram` and 4-byte aligned, else INVALID_ADDRESS
    // (PSCI 1.0, 5.1.4). Until set, any entry is taken.
    void set_entry_range(base::GuestPhysRange ram) { entries_ = ram; }

private:
    enum class State : uint8_t { Off, OnPending, On };
    [[nodiscard]] PsciAction cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context);
    [[nodiscard]] int64_t affinity_info(uint64_t mpidr, uint64_t level) const;
    [[nodiscard]] static bool implemented(uint32_t function);

    unsigned num_vcpus_;
    std::array<State, kMaxVcpus> states_{};
    base::GuestPhysRange entries_{base::GuestPhysAddr{0}, ~uint64_t{0}};
};

} // namespace vmm
