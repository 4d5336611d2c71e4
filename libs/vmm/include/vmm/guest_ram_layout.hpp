// Guest RAM layout from the VM's `linux_address_config` attribute (upstream's names):
// where RAM sits for the guest (IPA) and in the machine (PA), with map_unity_ram
// meaning IPA == PA, and where the DTB and initrd go. The one implementation of these
// rules: the bulkhead tool checks an assembly with it (naming the attribute at fault,
// field_of()) and the VMM checks its configuration with it again before mapping anything.
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
    uint64_t initrd_max_size = 0; // 0: up to the DTB above it, or the end of RAM
    uint64_t initrd_addr = 0;
};

struct GuestRamLayout {
    base::GuestPhysRange ram;    // what the guest sees
    base::PhysAddr ram_paddr;    // what backs it
    base::GuestPhysRange dtb;    // room for the DTB: 2 MiB or what RAM has left after it
    base::GuestPhysRange initrd; // room for the initrd
};

enum class LayoutError : uint8_t {
    Ok,
    EmptyRam,
    RamBaseMisaligned,  // 4 KiB: guest RAM is mapped in pages
    RamPaddrMisaligned, // 4 KiB
    RamSizeMisaligned,  // 4 KiB
    RamWraps,           // past the end of the address space
    UnityMismatch,      // map_unity_ram but linux_ram_base != linux_ram_paddr_base
    DtbMisaligned,      // 8 bytes: the arm64 boot protocol
    DtbOutsideRam,
    DtbInKernelWindow, // the first 2 MiB of RAM hold the kernel Image
    InitrdMisaligned,  // 4 KiB: loaded in whole pages
    InitrdOutsideRam,
    InitrdTooLarge, // initrd_addr + initrd_max_size past the end of RAM
    InitrdInKernelWindow,
    DtbInitrdOverlap,
};
// The rule, as it reads after "<field> = <value> ".
[[nodiscard]] const char* to_string(LayoutError error);
// The linux_address_config field the error is about, and its value in `config`.
[[nodiscard]] const char* field_of(LayoutError error);
[[nodiscard]] uint64_t value_of(const LinuxAddressConfig& config, LayoutError error);

// The arm64 boot protocol: a DTB is at most 2 MiB; the Image goes at the start of RAM
// (2 MiB-aligned base + text_offset), so the first 2 MiB are the kernel's.
constexpr uint64_t kMaxDtbSize = uint64_t{2} << 20;
constexpr uint64_t kKernelWindow = uint64_t{2} << 20;

// Without an initrd (`with_initrd` false) its address and size are not checked and
// out.initrd is empty: a VM that loads none may leave upstream's initrd_addr as it is.
[[nodiscard]] LayoutError guest_ram_layout(const LinuxAddressConfig& config, bool map_unity_ram,
                                           GuestRamLayout& out, bool with_initrd = true);

} // namespace vmm
