// The virtual PCI host bridge and a type-0 function's configuration space, through a fake
// endpoint: ECAM decoding (present and absent functions, sizes, alignment), BAR sizing and
// placement as Linux's enumeration does it, the capability list, INTx routing and the
// Interrupt Disable bit, BARs a hostile guest parks outside the window, and the
// `pci-host-ecam-generic` node with its interrupt-map read back from the DTB.
#include "fake_list_registers.hpp"
#include "fake_log.hpp"
#include "fake_vcpu.hpp"

#include <vmm/mmio_bus.hpp>
#include <vmm/pci_host.hpp>
#include <vmm/vgic_distributor.hpp>

#include <libfdt.h>

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

namespace vmm {
namespace {

using base::GuestPhysAddr;
using base::GuestPhysRange;

// Remembers BAR accesses; BAR 0 is 16 bytes of scratch registers.
class FakeEndpoint final : public PciEndpoint {
public:
    bool bar_read(unsigned bar, uint64_t offset, unsigned size, uint64_t& value) override {
        if (bar != 0 || offset + size > regs.size()) return false;
        value = 0;
        for (unsigned i = 0; i < size; ++i)
            value |= uint64_t{regs[offset + i]} << (8 * i);
        return true;
    }
    bool bar_write(unsigned bar, uint64_t offset, unsigned size, uint64_t value) override {
        if (bar != 0 || offset + size > regs.size()) return false;
        for (unsigned i = 0; i < size; ++i)
            regs[offset + i] = static_cast<uint8_t>(value >> (8 * i));
        return true;
    }
    void capability_written(uint32_t offset, unsigned size, uint32_t value) override {
        written.push_back({offset, size, value});
    }
    struct Write {
        uint32_t offset;
        unsigned size;
        uint32_t value;
    };
    std::array<uint8_t, 0x1000> regs{};
    std::vector<Write> written;
};

constexpr PciIds kIds{0x1af4, 0x1041, 1, 0x020000, 0x1af4, 1};

TEST(PciFunction, HeaderIdsClassAndInterruptPin) {
    FakeEndpoint ep;
    PciFunction f(kIds, ep);
    EXPECT_EQ(f.read(pci::kVendorId, 4), 0x10411af4u);
    EXPECT_EQ(f.read(pci::kRevision, 4), 0x02000001u); // class 02, subclass 00, prog-if 00
    EXPECT_EQ(f.read(pci::kHeaderType, 1), 0u);
    EXPECT_EQ(f.read(pci::kSubsystemVendorId, 4), 0x00011af4u);
    EXPECT_EQ(f.read(pci::kInterruptPin, 1), 1u);                      // INTA#
    EXPECT_EQ(f.read(pci::kStatus, 2) & pci::kStatusCapabilities, 0u); // no capability yet
    // Read-only fields ignore writes; the interrupt line is the driver's scratch byte.
    f.write(pci::kVendorId, 4, 0);
    f.write(pci::kInterruptLine, 1, 0x2a);
    EXPECT_EQ(f.read(pci::kVendorId, 2), 0x1af4u);
    EXPECT_EQ(f.read(pci::kInterruptLine, 1), 0x2au);
    EXPECT_EQ(f.read(pci::kRomAddress, 4), 0u);
}

TEST(PciFunction, BarSizingAndPlacementAsLinuxDoesIt) {
    FakeEndpoint ep;
    PciFunction f(kIds, ep);
    EXPECT_FALSE(f.add_memory_bar(0, 0x3000)); // not a power of two
    EXPECT_FALSE(f.add_memory_bar(0, 8));      // under 16 bytes
    EXPECT_FALSE(f.add_memory_bar(6, 0x4000)); // no BAR 6
    ASSERT_TRUE(f.add_memory_bar(0, 0x4000));
    // __pci_read_base: save, write all ones, read back the size mask, restore.
    const uint32_t bar0 = pci::kBar0;
    EXPECT_EQ(f.read(bar0, 4), 0u);
    f.write(bar0, 4, 0xffffffff);
    EXPECT_EQ(f.read(bar0, 4), 0xffffc000u); // 32-bit, non-prefetchable memory, 16 KiB
    // Unused BARs read 0 whatever is written.
    f.write(bar0 + 4, 4, 0xffffffff);
    EXPECT_EQ(f.read(bar0 + 4, 4), 0u);
    // The guest places it; low bits are not address bits; byte writes merge.
    f.write(bar0, 4, 0x10001234);
    EXPECT_EQ(f.read(bar0, 4), 0x10000000u);
    f.write(bar0 + 3, 1, 0x20);
    EXPECT_EQ(f.read(bar0, 4), 0x20000000u);
    // It decodes only with memory space enabled.
    EXPECT_FALSE(f.bar_window(0));
    f.write(pci::kCommand, 2, 0xffff);
    EXPECT_EQ(f.command(), pci::kCommandMemory | pci::kCommandMaster | pci::kCommandIntxDisable);
    ASSERT_TRUE(f.bar_window(0));
    EXPECT_EQ(f.bar_window(0)->base, 0x20000000u);
    EXPECT_EQ(f.bar_window(0)->size, 0x4000u);
    // Reset: unplaced, decoding off.
    f.reset();
    EXPECT_EQ(f.read(bar0, 4), 0u);
    EXPECT_EQ(f.command(), 0u);
}

TEST(PciFunction, CapabilityListWalksAndKeepsReadOnlyBytes) {
    FakeEndpoint ep;
    PciFunction f(kIds, ep);
    const uint8_t one[] = {14, 1, 0, 0};
    const uint8_t two[] = {18, 5, 0, 0, 0xaa, 0xbb};
    const uint8_t two_writable[] = {0, 0, 0xff, 0, 0xff, 0};
    ASSERT_EQ(f.add_capability(pci::kCapVendor, one), 0x40u);
    ASSERT_EQ(f.add_capability(pci::kCapVendor, two, two_writable), 0x48u);
    EXPECT_NE(f.read(pci::kStatus, 2) & pci::kStatusCapabilities, 0u);
    // Walk as pci_find_capability does: pointer, then ID and next at each.
    std::vector<uint32_t> found;
    for (uint32_t at = f.read(pci::kCapabilitiesPointer, 1); at != 0; at = f.read(at + 1, 1)) {
        EXPECT_EQ(f.read(at, 1), pci::kCapVendor);
        found.push_back(at);
        ASSERT_LT(found.size(), 4u);
    }
    EXPECT_EQ(found, (std::vector<uint32_t>{0x40, 0x48}));
    // Only the writable bytes change; the endpoint hears of the write.
    f.write(0x48, 4, 0xffffffff);
    f.write(0x4c, 4, 0x11223344);
    EXPECT_EQ(f.read(0x48, 4), 0x05120009u); // ID, next, then the body's first two bytes
    EXPECT_EQ(f.read(0x4c, 4), 0xbb220044u);
    ASSERT_EQ(ep.written.size(), 2u);
    EXPECT_EQ(ep.written[1].offset, 0x4cu);
    EXPECT_EQ(ep.written[1].value, 0x11223344u);
    f.reset();
    EXPECT_EQ(f.read(0x4c, 4), 0xbbaa0000u);
    // A capability that does not fit is refused.
    const std::vector<uint8_t> huge(200);
    EXPECT_FALSE(f.add_capability(pci::kCapVendor, huge));
}

struct HostFixture {
    test::RecordingLog log;
    MmioBus bus{UnhandledAccessPolicy::InjectAbort, log};
    test::FakeListRegisters lrs{4};
    std::array<ListRegisters*, 1> vcpus{&lrs};
    VgicDistributor vgic{64, vcpus, log};
    // ECAM at 0x3fc00000, memory window 0x3fd00000..0x3fe00000.
    PciHost host{{GuestPhysAddr(0x3fc00000), 0x200000}, bus, vgic, log};
    FakeEndpoint ep;
    PciFunction function{kIds, ep};

    uint64_t cfg_read(unsigned device, uint32_t reg, unsigned size) {
        uint64_t v = 0;
        EXPECT_TRUE(host.read(uint64_t{device} << 15 | reg, size, 0, v));
        return v;
    }
    void cfg_write(unsigned device, uint32_t reg, unsigned size, uint32_t value) {
        EXPECT_TRUE(host.write(uint64_t{device} << 15 | reg, size, 0, value));
    }
};

TEST(PciHost, EcamDecodesBusDeviceFunctionAndRegister) {
    HostFixture f;
    ASSERT_TRUE(f.function.add_memory_bar(0, 0x1000));
    ASSERT_EQ(f.host.add("net0", f.function, 40), 1u);
    EXPECT_EQ(f.bus.size(), 2u); // ECAM and the memory window
    EXPECT_EQ(f.cfg_read(1, 0, 4), 0x10411af4u);
    EXPECT_EQ(f.cfg_read(1, 2, 2), 0x1041u);
    EXPECT_EQ(f.cfg_read(1, 9, 1), 0u);
    // Nothing else answers: device 0, other devices, function 1, bus 1 read all ones.
    EXPECT_EQ(f.cfg_read(0, 0, 4), 0xffffffffu);
    EXPECT_EQ(f.cfg_read(2, 0, 2), 0xffffu);
    EXPECT_EQ(f.cfg_read(31, 0, 1), 0xffu);
    uint64_t v = 0;
    ASSERT_TRUE(f.host.read((1u << 15) | (1u << 12), 4, 0, v));
    EXPECT_EQ(v, 0xffffffffu);
    // Extended configuration space of a present function: none (reads 0).
    EXPECT_EQ(f.cfg_read(1, 0x100, 4), 0u);
    // Writes to nothing are dropped; misaligned or 8-byte accesses are refused.
    f.cfg_write(5, pci::kCommand, 2, 0xffff);
    EXPECT_FALSE(f.host.read((1u << 15) | 2, 4, 0, v));
    EXPECT_FALSE(f.host.read(1u << 15, 8, 0, v));
    EXPECT_FALSE(f.host.write((1u << 15) | 1, 2, 0, 0));
    EXPECT_FALSE(f.host.read(PciHost::kEcamSize, 4, 0, v));
}

TEST(PciHost, BarAccessesReachTheFunctionOnceTheGuestPlacedIt) {
    HostFixture f;
    ASSERT_TRUE(f.function.add_memory_bar(0, 0x1000));
    ASSERT_TRUE(f.host.add("net0", f.function, 40));
    const uint64_t mem = f.host.memory().base.raw();
    EXPECT_EQ(mem, 0x3fd00000u);
    test::FakeVcpu vcpu;
    const auto guest = [&](uint64_t ipa, AccessDirection dir, uint64_t value = 0) {
        MmioAccess a;
        a.ipa = GuestPhysAddr(ipa);
        a.size = 4;
        a.rt = 1;
        a.direction = dir;
        vcpu.x[1] = value;
        return f.bus.handle(a, 0, vcpu);
    };
    // Not placed, or placed but memory decoding off: nothing answers there.
    EXPECT_EQ(guest(mem + 4, AccessDirection::Read), ExitAction::InjectAbort);
    f.cfg_write(1, pci::kBar0, 4, static_cast<uint32_t>(mem + 0x3000));
    EXPECT_EQ(guest(mem + 0x3004, AccessDirection::Read), ExitAction::InjectAbort);
    f.cfg_write(1, pci::kCommand, 2, pci::kCommandMemory);
    ASSERT_EQ(guest(mem + 0x3004, AccessDirection::Write, 0xcafe), ExitAction::Resume);
    EXPECT_EQ(f.ep.regs[4], 0xfe);
    ASSERT_EQ(guest(mem + 0x3004, AccessDirection::Read), ExitAction::Resume);
    EXPECT_EQ(vcpu.x[1], 0xcafeu);
    // The rest of the window is nobody's.
    EXPECT_EQ(guest(mem + 0x1000, AccessDirection::Read), ExitAction::InjectAbort);
}

TEST(PciHost, ABarOutsideTheWindowIsLoggedRateLimitedAndNotDecoded) {
    HostFixture f;
    ASSERT_TRUE(f.function.add_memory_bar(0, 0x1000));
    ASSERT_TRUE(f.host.add("net0", f.function, 40));
    f.cfg_write(1, pci::kCommand, 2, pci::kCommandMemory);
    // Over guest RAM, over the ECAM, straddling the window's end: each logged, none decoded.
    for (int i = 0; i < 40; ++i) {
        f.cfg_write(1, pci::kBar0, 4, 0x40000000);
        f.cfg_write(1, pci::kBar0, 4, 0x3fc00000);
    }
    f.cfg_write(1, pci::kBar0, 4, 0x3fdff800);
    EXPECT_EQ(f.cfg_read(1, pci::kBar0, 4), 0x3fdff000u); // size-aligned: inside after all
    ASSERT_GE(f.log.lines.size(), 5u);
    EXPECT_EQ(f.log.lines[0], "vmm: net0: guest placed BAR0 at 0x40000000, outside the PCI memory "
                              "window 0x3fd00000..0x3fe00000: not decoded");
    EXPECT_LT(f.log.lines.size(), 15u); // 80 misplacements, a handful of lines
    f.cfg_write(1, pci::kBar0, 4, 0x40000000);
    test::FakeVcpu vcpu;
    MmioAccess a;
    a.ipa = GuestPhysAddr(0x40000000);
    a.size = 4;
    EXPECT_EQ(f.bus.handle(a, 0, vcpu), ExitAction::InjectAbort); // RAM is not the bus's
}

TEST(PciHost, IntxGoesToItsSpiUnlessTheDriverDisablesIt) {
    HostFixture f;
    ASSERT_TRUE(f.host.add("net0", f.function, 40));
    // (The distributor is off: the level stays pending in the vGIC, where it can be seen.)
    f.function.set_intx(true);
    EXPECT_NE(f.cfg_read(1, pci::kStatus, 2) & pci::kStatusInterrupt, 0u);
    EXPECT_TRUE(f.vgic.pending(40));
    // Interrupt Disable lowers the line; clearing it raises it again.
    f.cfg_write(1, pci::kCommand, 2, pci::kCommandIntxDisable);
    EXPECT_FALSE(f.function.intx_asserted());
    EXPECT_FALSE(f.vgic.pending(40));
    f.cfg_write(1, pci::kCommand, 2, 0);
    EXPECT_TRUE(f.function.intx_asserted());
    EXPECT_TRUE(f.vgic.pending(40));
    f.function.set_intx(false);
    EXPECT_EQ(f.cfg_read(1, pci::kStatus, 2) & pci::kStatusInterrupt, 0u);
}

TEST(PciHost, RefusesWithoutAWindowAndWhenFull) {
    test::RecordingLog log;
    MmioBus bus{UnhandledAccessPolicy::InjectAbort, log};
    test::FakeListRegisters lrs{4};
    std::array<ListRegisters*, 1> vcpus{&lrs};
    VgicDistributor vgic{64, vcpus, log};
    FakeEndpoint ep;
    PciFunction function{kIds, ep};
    PciHost none{{}, bus, vgic, log};
    EXPECT_FALSE(none.add("net0", function, 40));
    EXPECT_EQ(log.lines.back(), "vmm: net0: this VM has no PCI window");
    PciHost high{{GuestPhysAddr(0xffe00000), 0x400000}, bus, vgic, log}; // ends above 4 GiB
    EXPECT_FALSE(high.add("net0", function, 40));
    PciHost host{{GuestPhysAddr(0x3fc00000), 0x200000}, bus, vgic, log};
    for (unsigned i = 0; i < PciHost::kMaxFunctions; ++i)
        EXPECT_EQ(host.add("f", function, 40 + i), i + 1);
    EXPECT_FALSE(host.add("net9", function, 60));
    EXPECT_EQ(log.lines.back(), "vmm: net9: no PCI slot left");
}

TEST(PciHost, DtbNodeIsAnEcamHostWithAnInterruptMapThroughTheGic) {
    HostFixture f;
    FakeEndpoint ep2;
    PciFunction second{kIds, ep2};
    std::vector<char> blob(8192);
    ASSERT_EQ(fdt_create_empty_tree(blob.data(), static_cast<int>(blob.size())), 0);
    ASSERT_EQ(fdt_setprop_u32(blob.data(), 0, "#address-cells", 2), 0);
    // A GIC node as QEMU virt's: #address-cells 2 (its v2m child), #interrupt-cells 3.
    const int gic = fdt_add_subnode(blob.data(), 0, "intc@8000000");
    ASSERT_GE(gic, 0);
    ASSERT_EQ(fdt_setprop_u32(blob.data(), gic, "phandle", 0x8001), 0);
    ASSERT_EQ(fdt_setprop_u32(blob.data(), gic, "#address-cells", 2), 0);
    ASSERT_EQ(fdt_setprop_u32(blob.data(), gic, "#interrupt-cells", 3), 0);
    GuestDtbWriter writer(blob.data(), 2, 2, 0x8001);
    ASSERT_TRUE(f.host.add_dtb_node(writer)); // no function: no node
    EXPECT_LT(fdt_path_offset(blob.data(), "/pci@3fc00000"), 0);
    ASSERT_TRUE(f.host.add("net0", f.function, 40));
    ASSERT_TRUE(f.host.add("con0", second, 41));
    ASSERT_TRUE(f.host.add_dtb_node(writer));
    const void* fdt = blob.data();
    const int node = fdt_path_offset(fdt, "/pci@3fc00000");
    ASSERT_GE(node, 0);
    EXPECT_EQ(fdt_node_check_compatible(fdt, node, "pci-host-ecam-generic"), 0);
    const auto cells = [&](const char* name) {
        int len = 0;
        const auto* p = static_cast<const fdt32_t*>(fdt_getprop(fdt, node, name, &len));
        std::vector<uint32_t> out;
        for (int i = 0; p != nullptr && i < len / 4; ++i)
            out.push_back(fdt32_to_cpu(p[i]));
        return out;
    };
    EXPECT_EQ(cells("reg"), (std::vector<uint32_t>{0, 0x3fc00000, 0, 0x100000}));
    EXPECT_EQ(cells("bus-range"), (std::vector<uint32_t>{0, 0}));
    EXPECT_EQ(cells("#address-cells"), std::vector<uint32_t>{3});
    EXPECT_EQ(cells("#size-cells"), std::vector<uint32_t>{2});
    EXPECT_EQ(cells("#interrupt-cells"), std::vector<uint32_t>{1});
    EXPECT_EQ(cells("ranges"),
              (std::vector<uint32_t>{0x02000000, 0, 0x3fd00000, 0, 0x3fd00000, 0, 0x100000}));
    EXPECT_EQ(cells("interrupt-map-mask"), (std::vector<uint32_t>{0xf800, 0, 0, 7}));
    // <device 1, INTA> -> <GIC, unit address 0 0, SPI 8 (40 - 32), level-high>; device 2.
    EXPECT_EQ(cells("interrupt-map"),
              (std::vector<uint32_t>{0x0800, 0, 0, 1, 0x8001, 0, 0, 0, 8, 4, //
                                     0x1000, 0, 0, 1, 0x8001, 0, 0, 0, 9, 4}));
    int len = 0;
    EXPECT_NE(fdt_getprop(fdt, node, "dma-coherent", &len), nullptr);
    const char* type = static_cast<const char*>(fdt_getprop(fdt, node, "device_type", &len));
    ASSERT_NE(type, nullptr);
    EXPECT_EQ(std::string(type), "pci");
}

TEST(PciHost, InterruptMapFollowsTheGicNodesCellCounts) {
    HostFixture f;
    ASSERT_TRUE(f.host.add("net0", f.function, 40));
    std::vector<char> blob(4096);
    ASSERT_EQ(fdt_create_empty_tree(blob.data(), static_cast<int>(blob.size())), 0);
    // A GICv3 node with no #address-cells and 4 interrupt cells (PPI partitions).
    const int gic = fdt_add_subnode(blob.data(), 0, "intc@8000000");
    ASSERT_EQ(fdt_setprop_u32(blob.data(), gic, "phandle", 7), 0);
    ASSERT_EQ(fdt_setprop_u32(blob.data(), gic, "#interrupt-cells", 4), 0);
    GuestDtbWriter writer(blob.data(), 1, 1, 7);
    ASSERT_TRUE(f.host.add_dtb_node(writer));
    const int node = fdt_path_offset(blob.data(), "/pci@3fc00000");
    int len = 0;
    const auto* map =
        static_cast<const fdt32_t*>(fdt_getprop(blob.data(), node, "interrupt-map", &len));
    ASSERT_EQ(len, 9 * 4);
    EXPECT_EQ(fdt32_to_cpu(map[4]), 7u);
    EXPECT_EQ(fdt32_to_cpu(map[6]), 8u);
    EXPECT_EQ(fdt32_to_cpu(map[8]), 0u);
    const auto* ranges =
        static_cast<const fdt32_t*>(fdt_getprop(blob.data(), node, "ranges", &len));
    ASSERT_EQ(len, 6 * 4); // one cell of CPU address
    EXPECT_EQ(fdt32_to_cpu(ranges[3]), 0x3fd00000u);
    // Without a GIC node there is no interrupt-map to make.
    GuestDtbWriter orphan(blob.data(), 1, 1, 0);
    EXPECT_FALSE(f.host.add_dtb_node(orphan));
}

} // namespace
} // namespace vmm
