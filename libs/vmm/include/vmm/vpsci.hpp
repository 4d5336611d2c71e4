// Virtual PSCI (Arm DEN 0022, PSCI 1.0 over SMCCC): decodes the function ID the guest
// put in x0 of an HVC/SMC and turns it into a result for x0 plus, where the call asks
// for it, an action the VM component carries out (start or stop a vCPU, power off,
// reset). vCPU i has MPIDR affinity 0 = i, as the guest DTB's cpu nodes say.
#pragma once

#include <array>
#include <cstdint>

namespace vmm {

namespace psci {
// Function IDs: SMC32 (0x84...) and SMC64 (0xC4...) forms.
constexpr uint32_t kVersion = 0x84000000;
constexpr uint32_t kCpuSuspend32 = 0x84000001;
constexpr uint32_t kCpuSuspend64 = 0xc4000001;
constexpr uint32_t kCpuOff = 0x84000002;
constexpr uint32_t kCpuOn32 = 0x84000003;
constexpr uint32_t kCpuOn64 = 0xc4000003;
constexpr uint32_t kAffinityInfo32 = 0x84000004;
constexpr uint32_t kAffinityInfo64 = 0xc4000004;
constexpr uint32_t kMigrateInfoType = 0x84000006;
constexpr uint32_t kSystemOff = 0x84000008;
constexpr uint32_t kSystemReset = 0x84000009;
constexpr uint32_t kFeatures = 0x8400000a;

// Return codes.
constexpr int64_t kSuccess = 0;
constexpr int64_t kNotSupported = -1;
constexpr int64_t kInvalidParameters = -2;
constexpr int64_t kDenied = -3;
constexpr int64_t kAlreadyOn = -4;
constexpr int64_t kOnPending = -5;

constexpr int64_t kVersion1_0 = 0x00010000;
constexpr int64_t kMigrateNotRequired = 2; // MIGRATE_INFO_TYPE: no Trusted OS to migrate
enum AffinityState : int64_t { kAffinityOn = 0, kAffinityOff = 1, kAffinityOnPending = 2 };
} // namespace psci

struct PsciCall {
    uint64_t x0 = 0; // function ID
    uint64_t x1 = 0;
    uint64_t x2 = 0;
    uint64_t x3 = 0;
};

struct PsciAction {
    enum class Effect : uint8_t {
        None,        // just write `result` to the caller's x0 and resume it
        StartVcpu,   // start `target` at `entry` with x0 = `context_id`, EL1h, MMU off
        StopCaller,  // CPU_OFF: the caller does not resume
        SystemOff,   // stop the VM
        SystemReset, // reload the images and restart the VM
    };
    Effect effect = Effect::None;
    int64_t result = psci::kNotSupported;
    unsigned target = 0;
    uint64_t entry = 0;
    uint64_t context_id = 0;
};

class Vpsci {
public:
    static constexpr unsigned kMaxVcpus = 8;

    // vCPU 0 starts on; the others wait for CPU_ON.
    explicit Vpsci(unsigned num_vcpus);

    [[nodiscard]] PsciAction handle(unsigned caller, const PsciCall& call);
    // The VM component reports that a started vCPU is running (ON_PENDING -> ON).
    void vcpu_running(unsigned vcpu);
    // SYSTEM_RESET done: every vCPU but 0 is off again.
    void reset();

private:
    enum class State : uint8_t { Off, OnPending, On };
    [[nodiscard]] PsciAction cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context);
    [[nodiscard]] int64_t affinity_info(uint64_t mpidr, uint64_t level) const;
    [[nodiscard]] static bool implemented(uint32_t function);

    unsigned num_vcpus_;
    std::array<State, kMaxVcpus> states_{};
};

} // namespace vmm
