// The guest's device tree, made from the platform DTB with libfdt: memory = guest
// RAM, /chosen (bootargs, stdout-path, initrd range from the initrd's real size), only
// the passed-through devices kept, the GIC node showing the guest's view (emulated
// GICD + GICV as GICC), a psci node, and at most the guest's vCPUs under /cpus.
#pragma once

#include <base/address.hpp>

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace vmm {

enum class PsciConduit : uint8_t { Hvc, Smc };

struct GuestDtbConfig {
    base::GuestPhysRange ram;
    std::string_view bootargs;
    std::string_view stdout_path;                  // e.g. "/pl011@9000000"
    std::optional<base::GuestPhysRange> initrd;    // loaded initrd: [start, end)
    std::span<const std::string_view> passthrough; // paths of device nodes the guest keeps
    base::GuestPhysRange gicd;                     // emulated distributor
    base::GuestPhysRange gicc;                     // the guest's CPU interface (GICV)
    PsciConduit psci = PsciConduit::Hvc;
    unsigned num_vcpus = 1;
};

enum class DtbError : uint8_t {
    Ok,
    BadPlatformDtb, // fails libfdt's header/structure checks
    NoSpace,        // the output buffer is too small
    NoGic,          // the platform DTB has no GICv2 node
    MissingDevice,  // a passthrough path is not in the platform DTB
    Libfdt,         // any other libfdt failure
};
[[nodiscard]] const char* to_string(DtbError error);

// Writes the guest DTB into `out` and its size into `size`.
[[nodiscard]] DtbError build_guest_dtb(std::span<const std::byte> platform_dtb,
                                       const GuestDtbConfig& config, std::span<std::byte> out,
                                       std::size_t& size);

} // namespace vmm
