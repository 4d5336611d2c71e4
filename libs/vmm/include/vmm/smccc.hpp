// HVC/SMC calls by the SMC Calling Convention (Arm DEN 0028): the guest puts a function
// ID in W0 and arguments in x1..x3; the answer goes back in x0 (and x1..x3). The
// dispatcher routes each call by function-ID range to a registered handler (PSCI is
// one: Vpsci), answers SMCCC_VERSION and SMCCC_ARCH_FEATURES itself, and gives every
// call nobody owns NOT_SUPPORTED (-1), logging the first few (GuestEventLimit) unless the
// call is a discovery probe, for which NOT_SUPPORTED is the documented "absent".
#pragma once

#include <vmm/log.hpp>

#include <arch/smccc.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vmm {

namespace smccc {
// The function-ID fields and standard IDs (arch/smccc.hpp, shared with the kernel).
using namespace arm::smccc;
constexpr int64_t kVersion1_1 = 0x10001; // major 1 [30:16], minor 1 [15:0]

// Calls a guest makes to find out whether a service exists, where NOT_SUPPORTED is the
// answer that says "no" (Linux makes both at every boot). Not worth a log line.
constexpr uint32_t kVendorHypCallUid = 0x8600ff01; // vendor hypervisor service UID
constexpr std::array<uint32_t, 2> kDiscoveryProbes{kTrngVersion, kVendorHypCallUid};
[[nodiscard]] constexpr bool is_discovery_probe(uint32_t id) {
    for (uint32_t probe : kDiscoveryProbes) {
        if (id == probe) return true;
    }
    return false;
}
} // namespace smccc

// One call as the guest made it: x0 = function ID, x1..x3 = arguments.
struct SmcccCall {
    uint64_t x0 = 0;
    uint64_t x1 = 0;
    uint64_t x2 = 0;
    uint64_t x3 = 0;
};

// A handler's answer: x0 (and optionally x1..x3) for the caller, plus what else the VM
// has to do.
struct SmcccResult {
    enum class Effect : uint8_t {
        None,        // just write the results and resume the caller
        StartVcpu,   // start `target` at `entry` with x0 = `context_id`, EL1h, MMU off
        StopCaller,  // the caller does not resume (PSCI CPU_OFF)
        SystemOff,   // stop the VM
        SystemReset, // reload the images and restart the VM
    };
    Effect effect = Effect::None;
    int64_t result = smccc::kNotSupported; // x0
    uint8_t extra_results = 0;             // how many of more[] go to x1, x2, x3
    std::array<uint64_t, 3> more{};
    unsigned target = 0;
    uint64_t entry = 0;
    uint64_t context_id = 0;
};

class SmcccHandler {
public:
    [[nodiscard]] virtual SmcccResult call(unsigned vcpu, const SmcccCall& call) = 0;
    // SMCCC_ARCH_FEATURES for an Arm Architecture function in this handler's range.
    [[nodiscard]] virtual int64_t arch_features(uint32_t) { return smccc::kSuccess; }

protected:
    ~SmcccHandler() = default;
};

enum class SmcccConduit : uint8_t { Hvc, Smc };

class SmcccDispatcher {
public:
    static constexpr std::size_t kMaxHandlers = 16;

    explicit SmcccDispatcher(LogSink& log) : unsupported_log_(log, "unsupported guest calls") {}

    // Function IDs first..last (inclusive; W0 values, so an SMC32 and an SMC64 range are
    // two entries) go to `handler`. False when the table is full, the range is empty,
    // overlaps another one or holds SMCCC_VERSION / SMCCC_ARCH_FEATURES.
    [[nodiscard]] bool add(std::string_view name, uint32_t first, uint32_t last,
                           SmcccHandler& handler);

    // Answers the call of vCPU `vcpu` (made through `conduit`, for the log).
    [[nodiscard]] SmcccResult call(unsigned vcpu, SmcccConduit conduit, const SmcccCall& call);

    [[nodiscard]] uint64_t unsupported_count() const { return unsupported_log_.count(); }
    // Discovery probes answered NOT_SUPPORTED without a log line.
    [[nodiscard]] uint64_t probe_count() const { return probes_; }

private:
    struct Entry {
        std::string_view name;
        uint32_t first = 0;
        uint32_t last = 0;
        SmcccHandler* handler = nullptr;
    };
    [[nodiscard]] const Entry* find(uint32_t id) const;
    [[nodiscard]] int64_t arch_features(uint32_t id) const;

    std::array<Entry, kMaxHandlers> entries_{};
    std::size_t count_ = 0;
    GuestEventLimit unsupported_log_;
    uint64_t probes_ = 0;
};

} // namespace vmm
