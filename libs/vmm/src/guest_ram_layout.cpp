// Validation of the guest RAM / DTB / initrd layout and the map_unity_ram rule.
#include <vmm/guest_ram_layout.hpp>

namespace vmm {
namespace {

constexpr uint64_t kPage = 4096;

bool wraps(uint64_t base, uint64_t size) {
    return base + size < base;
}

} // namespace

const char* to_string(LayoutError error) {
    switch (error) {
    case LayoutError::Ok:
        return "is fine";
    case LayoutError::EmptyRam:
        return "leaves guest RAM empty; expected its size";
    case LayoutError::RamBaseMisaligned:
    case LayoutError::RamPaddrMisaligned:
    case LayoutError::RamSizeMisaligned:
        return "is not aligned to 0x1000 (guest RAM is mapped in pages); expected a multiple";
    case LayoutError::RamWraps:
        return "makes guest RAM wrap past the end of the address space";
    case LayoutError::UnityMismatch:
        return "differs from linux_ram_base; map_unity_ram needs them equal";
    case LayoutError::DtbMisaligned:
        return "is not aligned to 0x8 (the arm64 boot protocol places the DTB on an 8-byte "
               "boundary)";
    case LayoutError::DtbOutsideRam:
    case LayoutError::InitrdOutsideRam:
        return "is outside guest RAM; expected an address inside it";
    case LayoutError::DtbInKernelWindow:
    case LayoutError::InitrdInKernelWindow:
        return "is in the first 2 MiB of guest RAM, where the kernel is loaded; expected it higher";
    case LayoutError::InitrdMisaligned:
        return "is not aligned to 0x1000 (the initrd is loaded in whole pages)";
    case LayoutError::InitrdTooLarge:
        return "makes the initrd end past guest RAM; expected it to fit";
    case LayoutError::DtbInitrdOverlap:
        return "puts the initrd over the DTB (up to 2 MiB at dtb_addr); expected them apart";
    }
    return "?";
}

const char* field_of(LayoutError error) {
    switch (error) {
    case LayoutError::EmptyRam:
    case LayoutError::RamSizeMisaligned:
    case LayoutError::RamWraps:
        return "linux_ram_size";
    case LayoutError::RamBaseMisaligned:
        return "linux_ram_base";
    case LayoutError::RamPaddrMisaligned:
    case LayoutError::UnityMismatch:
        return "linux_ram_paddr_base";
    case LayoutError::DtbMisaligned:
    case LayoutError::DtbOutsideRam:
    case LayoutError::DtbInKernelWindow:
        return "dtb_addr";
    case LayoutError::InitrdTooLarge:
        return "initrd_max_size";
    case LayoutError::Ok:
    case LayoutError::InitrdMisaligned:
    case LayoutError::InitrdOutsideRam:
    case LayoutError::InitrdInKernelWindow:
    case LayoutError::DtbInitrdOverlap:
        break;
    }
    return "initrd_addr";
}

uint64_t value_of(const LinuxAddressConfig& c, LayoutError error) {
    const char* f = field_of(error);
    const auto is = [f](const char* name) {
        for (unsigned i = 0;; ++i) {
            if (f[i] != name[i]) return false;
            if (f[i] == '\0') return true;
        }
    };
    if (is("linux_ram_size")) return c.linux_ram_size;
    if (is("linux_ram_base")) return c.linux_ram_base;
    if (is("linux_ram_paddr_base")) return c.linux_ram_paddr_base;
    if (is("dtb_addr")) return c.dtb_addr;
    if (is("initrd_max_size")) return c.initrd_max_size;
    return c.initrd_addr;
}

LayoutError guest_ram_layout(const LinuxAddressConfig& c, bool map_unity_ram, GuestRamLayout& out,
                             bool with_initrd) {
    if (c.linux_ram_size == 0) return LayoutError::EmptyRam;
    if (c.linux_ram_base % kPage != 0) return LayoutError::RamBaseMisaligned;
    if (c.linux_ram_paddr_base % kPage != 0) return LayoutError::RamPaddrMisaligned;
    if (c.linux_ram_size % kPage != 0) return LayoutError::RamSizeMisaligned;
    if (wraps(c.linux_ram_base, c.linux_ram_size) ||
        wraps(c.linux_ram_paddr_base, c.linux_ram_size)) {
        return LayoutError::RamWraps;
    }
    if (map_unity_ram && c.linux_ram_base != c.linux_ram_paddr_base) {
        return LayoutError::UnityMismatch;
    }
    out.ram = {base::GuestPhysAddr(c.linux_ram_base), c.linux_ram_size};
    out.ram_paddr = base::PhysAddr(c.linux_ram_paddr_base);

    if (c.dtb_addr % 8 != 0) return LayoutError::DtbMisaligned;
    const base::GuestPhysAddr dtb(c.dtb_addr);
    if (!out.ram.contains(dtb)) return LayoutError::DtbOutsideRam;
    if (c.dtb_addr - c.linux_ram_base < kKernelWindow) return LayoutError::DtbInKernelWindow;
    // The DTB may use up to 2 MiB, or what is left of RAM after dtb_addr.
    const uint64_t dtb_room = out.ram.end() - dtb;
    out.dtb = {dtb, dtb_room < kMaxDtbSize ? dtb_room : kMaxDtbSize};
    if (!with_initrd) {
        out.initrd = {};
        return LayoutError::Ok;
    }

    if (c.initrd_addr % kPage != 0) return LayoutError::InitrdMisaligned;
    const base::GuestPhysAddr initrd(c.initrd_addr);
    if (!out.ram.contains(initrd)) return LayoutError::InitrdOutsideRam;
    if (c.initrd_addr - c.linux_ram_base < kKernelWindow) return LayoutError::InitrdInKernelWindow;
    if (out.dtb.contains(initrd)) return LayoutError::DtbInitrdOverlap;
    uint64_t room = out.ram.end() - initrd;
    if (c.initrd_max_size != 0) {
        if (c.initrd_max_size > room) return LayoutError::InitrdTooLarge;
        room = c.initrd_max_size;
    } else if (dtb > initrd) {
        room = dtb - initrd; // unbounded: up to the DTB
    }
    out.initrd = {initrd, room};
    if (out.dtb.overlaps(out.initrd)) return LayoutError::DtbInitrdOverlap;
    return LayoutError::Ok;
}

} // namespace vmm
