// SMC Calling Convention function IDs (Arm DEN 0028), named once for the kernel (which
// makes firmware calls for a VMM) and the VMM (which answers and routes a guest's calls).
#pragma once

#include <arch/psci.hpp>

#include <cstdint>

namespace arm::smccc {

// Function ID fields (DEN 0028 "Function Identifier"): bit 31 fast call, bit 30 the
// SMC64/HVC64 convention, bits [29:24] the owning entity, bits [15:0] the function.
inline constexpr uint32_t kFastCall = 1u << 31;
inline constexpr uint32_t kConvention64 = 1u << 30;
enum class Owner : uint8_t {
    Arch = 0,             // Arm Architecture calls (SMCCC_VERSION, ...)
    Cpu = 1,              // CPU service
    Sip = 2,              // SiP service
    Oem = 3,              // OEM service
    StandardSecure = 4,   // standard secure service: PSCI, TRNG, ...
    StandardHyp = 5,      // standard hypervisor service
    VendorHyp = 6,        // vendor-specific hypervisor service
    TrustedAppFirst = 48, // trusted applications: 48..49
    TrustedOsFirst = 50,  // trusted OS: 50..63
    TrustedOsLast = 63,
};
[[nodiscard]] constexpr Owner owner(uint32_t id) {
    return static_cast<Owner>((id >> 24) & 0x3f);
}
[[nodiscard]] constexpr bool is_fast(uint32_t id) {
    return (id & kFastCall) != 0;
}
[[nodiscard]] constexpr bool is_64(uint32_t id) {
    return (id & kConvention64) != 0;
}
[[nodiscard]] constexpr uint32_t function_id(bool fast, bool convention64, Owner who,
                                             uint16_t function) {
    return (fast ? kFastCall : 0) | (convention64 ? kConvention64 : 0) |
           (uint32_t(who) & 0x3f) << 24 | function;
}

inline constexpr uint32_t kVersion = 0x80000000;      // SMCCC_VERSION
inline constexpr uint32_t kArchFeatures = 0x80000001; // SMCCC_ARCH_FEATURES
inline constexpr int64_t kSuccess = 0;
inline constexpr int64_t kNotSupported = -1;

inline constexpr uint32_t kTrngVersion = 0x84000050; // TRNG_VERSION (DEN 0098)
inline constexpr uint32_t kTrngRnd32 = 0x84000053;   // the last SMC32 TRNG call
inline constexpr uint32_t kTrngRnd64 = 0xc4000053;

// Calls the kernel makes to the secure firmware for a holder of a Firmware capability:
// the services a board's firmware offers a guest (SiP, OEM, trusted applications and
// OSes) and the read-only standard ones (PSCI_VERSION, PSCI_FEATURES, TRNG). Never PSCI's
// power calls (the kernel owns the cores), the Arm Architecture calls (the VMM answers
// them) or hypervisor services; yielding calls neither (they would hold the kernel).
[[nodiscard]] constexpr bool forwardable_to_firmware(uint32_t id) {
    if (!is_fast(id)) return false;
    const auto who = static_cast<uint32_t>(owner(id));
    if (who == uint32_t(Owner::Sip) || who == uint32_t(Owner::Oem)) return true;
    if (who >= uint32_t(Owner::TrustedAppFirst) && who <= uint32_t(Owner::TrustedOsLast))
        return true;
    return id == psci::kVersion || id == psci::kFeatures ||
           (id >= kTrngVersion && id <= kTrngRnd32) || id == kTrngRnd64;
}

} // namespace arm::smccc
