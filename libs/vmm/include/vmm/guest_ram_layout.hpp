// Guest RAM layout from the VM's `linux_address_config` attribute (upstream's names):
// where RAM sits for the guest (IPA) and in the machine (PA), with map_unity_ram
// meaning IPA == PA, and where the DTB and initrd go. Checked before anything is mapped.
#pragma once

#include <base/address.hpp>

#include <cstdint>

namespace vmm {

struct LinuxAddressConfig {
    uint64_t linux_ram_base = 0;       // guest IPA of RAM
    uint64_t linux_ram_paddr_base = 0; // machine PA backing it
    uint64_t linux_ram_size = 0;
    uint64_t linux_ram_offset = 0; // upstream: 32-bit kernels' offset into RAM; unused on arm64
    uint64_t dtb_addr = 0;
    uint64_t initrd_max_size = 0;
    uint64_t initrd_addr = 0;
};

struct GuestRamLayout {
    base::GuestPhysRange ram;    // what the guest sees
    base::PhysAddr ram_paddr;    // what backs it
    base::GuestPhysRange dtb;    // room for the DTB (at most 2 MiB, boot protocol)
    base::GuestPhysRange initrd; // room for the initrd
};

enum class LayoutError : uint8_t {
    Ok,
    EmptyRam,
    Misaligned,    // RAM base, PA or size not 4 KiB aligned; DTB not 8-byte aligned
    Wraps,         // a range runs past the end of the address space
    UnityMismatch, // map_unity_ram but linux_ram_base != linux_ram_paddr_base
    DtbOutsideRam,
    InitrdOutsideRam,
    DtbInitrdOverlap,
};
[[nodiscard]] const char* to_string(LayoutError error);

constexpr uint64_t kMaxDtbSize = uint64_t{2} << 20;

[[nodiscard]] LayoutError guest_ram_layout(const LinuxAddressConfig& config, bool map_unity_ram,
                                           GuestRamLayout& out);

} // namespace vmm
