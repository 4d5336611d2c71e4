// The virtual PCI host bridge's guest-DTB node (pci_host.hpp), apart from the bridge so
// that users of its registers alone (the fuzzers) need no DTB writer.
#include <vmm/pci_host.hpp>

namespace vmm {

namespace {
constexpr uint32_t kMemorySpace32 = 0x02000000; // phys.hi of a 32-bit memory range
} // namespace

bool PciHost::add_dtb_node(GuestDtbWriter& dtb) const {
    if (count_ == 0) return true;
    const int node = dtb.add_node("pci", window_.base.raw());
    const base::GuestPhysRange mem = memory();
    // ranges: <phys.hi phys.mid phys.lo> <CPU address in the root's cells> <size: 2 cells>;
    // the window is mapped 1:1 (bus address = guest-physical address, below 4 GiB).
    const uint64_t base = mem.base.raw();
    uint32_t ranges[7] = {kMemorySpace32, 0, static_cast<uint32_t>(base)};
    std::size_t n = 3;
    if (dtb.address_cells() == 2) ranges[n++] = static_cast<uint32_t>(base >> 32);
    ranges[n++] = static_cast<uint32_t>(base);
    ranges[n++] = static_cast<uint32_t>(mem.size >> 32);
    ranges[n++] = static_cast<uint32_t>(mem.size);
    // interrupt-map: <device << 11, 0, 0, INTA> then the GIC's half, per function.
    uint32_t map[kMaxFunctions * 16];
    std::size_t m = 0;
    for (std::size_t i = 0; i < count_; ++i) {
        const uint32_t child[] = {static_cast<uint32_t>(i + 1) << 11, 0, 0, 1};
        for (uint32_t c : child)
            map[m++] = c;
        const std::size_t parent = dtb.spi_map_cells(slots_[i].spi, true, {map + m, 12});
        if (parent == 0) return false;
        m += parent;
    }
    const uint32_t bus_range[] = {0, 0};
    const uint32_t mask[] = {0x1f << 11, 0, 0, 7};
    return node >= 0 && dtb.set_string(node, "compatible", "pci-host-ecam-generic") &&
           dtb.set_string(node, "device_type", "pci") && dtb.set_reg(node, ecam()) &&
           dtb.set_cells(node, "bus-range", bus_range) && dtb.set_u32(node, "#address-cells", 3) &&
           dtb.set_u32(node, "#size-cells", 2) && dtb.set_cells(node, "ranges", {ranges, n}) &&
           dtb.set_u32(node, "#interrupt-cells", 1) &&
           dtb.set_cells(node, "interrupt-map-mask", mask) &&
           dtb.set_cells(node, "interrupt-map", {map, m}) && dtb.set_empty(node, "dma-coherent");
}

} // namespace vmm
