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
        return "ok";
    case LayoutError::EmptyRam:
        return "linux_ram_size is zero";
    case LayoutError::Misaligned:
        return "misaligned RAM or DTB address";
    case LayoutError::Wraps:
        return "range wraps the address space";
    case LayoutError::UnityMismatch:
        return "map_unity_ram needs linux_ram_base == linux_ram_paddr_base";
    case LayoutError::DtbOutsideRam:
        return "dtb_addr is not inside guest RAM";
    case LayoutError::InitrdOutsideRam:
        return "initrd does not fit in guest RAM";
    case LayoutError::DtbInitrdOverlap:
        return "DTB and initrd overlap";
    }
    return "?";
}

LayoutError guest_ram_layout(const LinuxAddressConfig& c, bool map_unity_ram, GuestRamLayout& out) {
    if (c.linux_ram_size == 0) return LayoutError::EmptyRam;
    if (c.linux_ram_base % kPage != 0 || c.linux_ram_paddr_base % kPage != 0 ||
        c.linux_ram_size % kPage != 0 || c.dtb_addr % 8 != 0) {
        return LayoutError::Misaligned;
    }
    if (wraps(c.linux_ram_base, c.linux_ram_size) ||
        wraps(c.linux_ram_paddr_base, c.linux_ram_size) ||
        wraps(c.initrd_addr, c.initrd_max_size)) {
        return LayoutError::Wraps;
    }
    if (map_unity_ram && c.linux_ram_base != c.linux_ram_paddr_base) {
        return LayoutError::UnityMismatch;
    }
    out.ram = {base::GuestPhysAddr(c.linux_ram_base), c.linux_ram_size};
    out.ram_paddr = base::PhysAddr(c.linux_ram_paddr_base);
    if (!out.ram.contains(base::GuestPhysAddr(c.dtb_addr))) return LayoutError::DtbOutsideRam;
    // The DTB may use up to 2 MiB, or what is left of RAM after dtb_addr.
    const uint64_t dtb_room = out.ram.end() - base::GuestPhysAddr(c.dtb_addr);
    out.dtb = {base::GuestPhysAddr(c.dtb_addr), dtb_room < kMaxDtbSize ? dtb_room : kMaxDtbSize};
    out.initrd = {base::GuestPhysAddr(c.initrd_addr), c.initrd_max_size};
    if (!out.ram.contains(out.initrd)) return LayoutError::InitrdOutsideRam;
    if (out.dtb.overlaps(out.initrd)) return LayoutError::DtbInitrdOverlap;
    return LayoutError::Ok;
}

} // namespace vmm
