// Guest DTB: built from QEMU virt's own DTB, re-parsed with libfdt and checked
// property by property; corrupt inputs and small buffers are refused.
#include <vmm/guest_dtb.hpp>

#include <arch/gic_v2.hpp>

#include <libfdt.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <string>
#include <vector>

namespace vmm {
namespace {

using base::GuestPhysAddr;

std::vector<std::byte> read_file(const char* path) {
    std::ifstream file(path, std::ios::binary | std::ios::ate);
    std::vector<std::byte> out(file ? static_cast<std::size_t>(file.tellg()) : 0);
    file.seekg(0);
    file.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(out.size()));
    return out;
}

std::string string_prop(const void* fdt, const char* path, const char* name) {
    const int node = fdt_path_offset(fdt, path);
    int len = 0;
    const auto* v =
        static_cast<const char*>(node < 0 ? nullptr : fdt_getprop(fdt, node, name, &len));
    return v == nullptr ? std::string("<missing>") : std::string(v, static_cast<std::size_t>(len));
}

std::vector<uint64_t> reg_of(const void* fdt, const char* path) {
    const int node = fdt_path_offset(fdt, path);
    int len = 0;
    const auto* cells = static_cast<const fdt32_t*>(fdt_getprop(fdt, node, "reg", &len));
    std::vector<uint64_t> out;
    for (int i = 0; cells != nullptr && i + 1 < len / 4; i += 2) {
        out.push_back(uint64_t{fdt32_to_cpu(cells[i])} << 32 | fdt32_to_cpu(cells[i + 1]));
    }
    return out;
}

struct GuestDtbTest : ::testing::Test {
    // Boot-time seeds in /chosen, as QEMU's dump has them (set here, so the test does not
    // depend on the QEMU version putting them there).
    void add_boot_seeds() {
        platform.resize(platform.size() + 256);
        ASSERT_EQ(
            fdt_open_into(platform.data(), platform.data(), static_cast<int>(platform.size())), 0);
        const int chosen = fdt_path_offset(platform.data(), "/chosen");
        ASSERT_GE(chosen, 0);
        const uint8_t seed[32] = {0x5e, 0xed};
        ASSERT_EQ(fdt_setprop(platform.data(), chosen, "kaslr-seed", seed, 8), 0);
        ASSERT_EQ(fdt_setprop(platform.data(), chosen, "rng-seed", seed, sizeof seed), 0);
    }

    std::vector<std::byte> platform;
    std::vector<std::byte> out = std::vector<std::byte>(64 * 1024);
    std::string_view passthrough[1] = {"/pl011@9000000"};
    GuestDtbConfig config;

    void SetUp() override {
#ifndef BULKHEAD_PLATFORM_DTB_PATH
        GTEST_SKIP() << "the guest DTB test runs against qemu-arm-virt's DTB";
#else
        platform = read_file(BULKHEAD_PLATFORM_DTB_PATH);
        ASSERT_GT(platform.size(), 0u);
        add_boot_seeds();
#endif
        config.ram = {GuestPhysAddr(0x40000000), 0x20000000};
        config.bootargs = "console=ttyAMA0 earlycon";
        config.stdout_path = "/pl011@9000000";
        config.initrd = base::GuestPhysRange{GuestPhysAddr(0x4d700000), 1234567};
        config.passthrough = passthrough;
        config.gicd = {GuestPhysAddr(0x8000000), arm::gicv2::gicd::kFrameSize};
        config.gicc = {GuestPhysAddr(0x8010000), arm::gicv2::gicc::kFrameSize};
        config.psci = PsciConduit::Hvc;
    }
};

TEST_F(GuestDtbTest, RngSeedIsTheConfigsFreshOneNeverThePlatformDtbs) {
    std::array<std::byte, 32> fresh{};
    for (std::size_t i = 0; i < fresh.size(); ++i)
        fresh[i] = static_cast<std::byte>(0xc0 + i);
    config.rng_seed = fresh;
    std::size_t size = 0;
    ASSERT_EQ(build_guest_dtb(platform, config, out, size), DtbError::Ok);
    const void* fdt = out.data();
    ASSERT_EQ(fdt_check_full(fdt, size), 0);
    const int chosen = fdt_path_offset(fdt, "/chosen");
    int len = 0;
    const auto* seed = static_cast<const std::byte*>(fdt_getprop(fdt, chosen, "rng-seed", &len));
    ASSERT_NE(seed, nullptr);
    ASSERT_EQ(len, 32);
    EXPECT_TRUE(std::equal(fresh.begin(), fresh.end(), seed));
    EXPECT_EQ(fdt_getprop(fdt, chosen, "kaslr-seed", nullptr), nullptr); // still none
}

TEST_F(GuestDtbTest, BuildsFromQemuVirtAndEveryPropertyChecksOut) {
    std::size_t size = 0;
    ASSERT_EQ(build_guest_dtb(platform, config, out, size), DtbError::Ok);
    const void* fdt = out.data();
    ASSERT_EQ(fdt_check_full(fdt, size), 0);
    EXPECT_LE(size, out.size());

    // Memory: exactly the guest's RAM.
    EXPECT_EQ(string_prop(fdt, "/memory@40000000", "device_type"), std::string("memory\0", 7));
    EXPECT_EQ(reg_of(fdt, "/memory@40000000"), (std::vector<uint64_t>{0x40000000, 0x20000000}));
    int memories = 0;
    for (int n = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory", 7); n >= 0;
         n = fdt_node_offset_by_prop_value(fdt, n, "device_type", "memory", 7)) {
        ++memories;
    }
    EXPECT_EQ(memories, 1);

    // /chosen: bootargs, stdout-path, initrd range from the real size.
    EXPECT_EQ(string_prop(fdt, "/chosen", "bootargs"),
              std::string("console=ttyAMA0 earlycon\0", 25));
    EXPECT_EQ(string_prop(fdt, "/chosen", "stdout-path"), std::string("/pl011@9000000\0", 15));
    const int chosen = fdt_path_offset(fdt, "/chosen");
    int len = 0;
    const auto* start =
        static_cast<const fdt64_t*>(fdt_getprop(fdt, chosen, "linux,initrd-start", &len));
    ASSERT_NE(start, nullptr);
    EXPECT_EQ(len, 8);
    EXPECT_EQ(fdt64_to_cpu(*start), 0x4d700000u);
    const auto* end =
        static_cast<const fdt64_t*>(fdt_getprop(fdt, chosen, "linux,initrd-end", &len));
    ASSERT_NE(end, nullptr);
    EXPECT_EQ(fdt64_to_cpu(*end), 0x4d700000u + 1234567);

    // No seeds: the platform DTB's (QEMU's dump has a kaslr-seed and an rng-seed) would
    // be the same on every boot of the image.
    ASSERT_NE(fdt_getprop(platform.data(), fdt_path_offset(platform.data(), "/chosen"),
                          "kaslr-seed", nullptr),
              nullptr)
        << "the platform DTB given to build_guest_dtb has seeds";
    for (const char* seed : {"kaslr-seed", "rng-seed"})
        EXPECT_EQ(fdt_getprop(fdt, chosen, seed, nullptr), nullptr) << seed;

    // Devices: the passed-through UART and what it needs stay; the rest is gone.
    EXPECT_GE(fdt_path_offset(fdt, "/pl011@9000000"), 0);
    EXPECT_GE(fdt_path_offset(fdt, "/apb-pclk"), 0); // its clock
    EXPECT_GE(fdt_path_offset(fdt, "/timer"), 0);
    EXPECT_GE(fdt_path_offset(fdt, "/cpus/cpu@0"), 0);
    for (const char* gone : {"/flash@0", "/pl031@9010000", "/pcie@10000000", "/fw-cfg@9020000",
                             "/virtio_mmio@a000000", "/pl061@9030000", "/gpio-keys", "/pmu",
                             "/platform-bus@c000000", "/memory@40000000/x", "/cpus/cpu-map"}) {
        EXPECT_LT(fdt_path_offset(fdt, gone), 0) << gone;
    }

    // GIC: the guest's view (GICD + GICC), no maintenance interrupt, no MSI frame.
    const int gic = fdt_node_offset_by_compatible(fdt, -1, "arm,cortex-a15-gic");
    ASSERT_GE(gic, 0);
    char path[64];
    ASSERT_EQ(fdt_get_path(fdt, gic, path, sizeof path), 0);
    EXPECT_EQ(reg_of(fdt, path), (std::vector<uint64_t>{0x8000000, 0x1000, 0x8010000, 0x2000}));
    EXPECT_EQ(fdt_getprop(fdt, gic, "interrupts", nullptr), nullptr);
    EXPECT_NE(fdt_getprop(fdt, gic, "interrupt-controller", nullptr), nullptr);
    EXPECT_LT(fdt_first_subnode(fdt, gic), 0);
    // The root's interrupt-parent still resolves to it.
    const auto* parent =
        static_cast<const fdt32_t*>(fdt_getprop(fdt, 0, "interrupt-parent", nullptr));
    ASSERT_NE(parent, nullptr);
    EXPECT_EQ(fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(*parent)), gic);

    // PSCI through HVC.
    EXPECT_EQ(fdt_node_check_compatible(fdt, fdt_path_offset(fdt, "/psci"), "arm,psci-0.2"), 0);
    EXPECT_EQ(string_prop(fdt, "/psci", "method"), std::string("hvc\0", 4));
}

TEST_F(GuestDtbTest, SmcConduitAndNoInitrd) {
    config.psci = PsciConduit::Smc;
    config.initrd.reset();
    std::size_t size = 0;
    ASSERT_EQ(build_guest_dtb(platform, config, out, size), DtbError::Ok);
    EXPECT_EQ(string_prop(out.data(), "/psci", "method"), std::string("smc\0", 4));
    EXPECT_EQ(string_prop(out.data(), "/chosen", "linux,initrd-start"), "<missing>");
}

TEST_F(GuestDtbTest, RebuildingFromItsOwnOutputIsStable) {
    std::size_t size = 0;
    ASSERT_EQ(build_guest_dtb(platform, config, out, size), DtbError::Ok);
    std::vector<std::byte> again(64 * 1024);
    std::size_t size2 = 0;
    ASSERT_EQ(build_guest_dtb(std::span(out).first(size), config, again, size2), DtbError::Ok);
    EXPECT_EQ(size, size2);
}

TEST_F(GuestDtbTest, RefusesBadInputsAndSmallBuffers) {
    std::size_t size = 0;
    std::vector<std::byte> tiny(512);
    EXPECT_EQ(build_guest_dtb(platform, config, tiny, size), DtbError::NoSpace);
    EXPECT_EQ(build_guest_dtb(std::span(platform).first(100), config, out, size),
              DtbError::BadPlatformDtb);
    std::vector<std::byte> garbage(4096, std::byte{0x5a});
    EXPECT_EQ(build_guest_dtb(garbage, config, out, size), DtbError::BadPlatformDtb);
    std::string_view missing[] = {"/serial@1234"};
    config.passthrough = missing;
    EXPECT_EQ(build_guest_dtb(platform, config, out, size), DtbError::MissingDevice);
}

// A device's hook adds its node while the DTB is built; its interrupt names the GIC.
class VirtioNode final : public GuestDtbHook {
public:
    bool fail = false;
    bool add_nodes(GuestDtbWriter& dtb) override {
        if (fail) return false;
        const int node = dtb.add_node("virtio_mmio", 0xa003e00);
        return node >= 0 && dtb.set_string(node, "compatible", "virtio,mmio") &&
               dtb.set_reg(node, {GuestPhysAddr(0xa003e00), 0x200}) &&
               dtb.set_spi(node, 79, false) && dtb.set_empty(node, "dma-coherent");
    }
};

TEST_F(GuestDtbTest, DeviceHooksAddTheirNodes) {
    VirtioNode hook;
    config.devices = &hook;
    std::size_t size = 0;
    ASSERT_EQ(build_guest_dtb(platform, config, out, size), DtbError::Ok);
    const void* fdt = out.data();
    const int node = fdt_path_offset(fdt, "/virtio_mmio@a003e00");
    ASSERT_GE(node, 0);
    EXPECT_EQ(string_prop(fdt, "/virtio_mmio@a003e00", "compatible"),
              std::string("virtio,mmio\0", 12));
    EXPECT_EQ(reg_of(fdt, "/virtio_mmio@a003e00"), (std::vector<uint64_t>{0xa003e00, 0x200}));
    int len = 0;
    const auto* irq = static_cast<const fdt32_t*>(fdt_getprop(fdt, node, "interrupts", &len));
    ASSERT_EQ(len, 12);
    EXPECT_EQ(fdt32_to_cpu(irq[1]), 79u - 32);
    EXPECT_EQ(fdt32_to_cpu(irq[2]), 1u); // edge rising
    const auto* parent =
        static_cast<const fdt32_t*>(fdt_getprop(fdt, node, "interrupt-parent", nullptr));
    ASSERT_NE(parent, nullptr);
    EXPECT_EQ(fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(*parent)),
              fdt_node_offset_by_compatible(fdt, -1, "arm,cortex-a15-gic"));
    EXPECT_NE(fdt_getprop(fdt, node, "dma-coherent", nullptr), nullptr);
    hook.fail = true;
    EXPECT_EQ(build_guest_dtb(platform, config, out, size), DtbError::DeviceNode);
}

} // namespace
} // namespace vmm

namespace vmm {
namespace {

// A ZynqMP-shaped tree: the GIC and the UARTs inside a bus (/axi), the UART's clock at the
// root. Built with libfdt's sequential writer.
// With `pi_bus`, /axi is a Pi-4-like bus: 32-bit child addresses, `ranges` mapping its
// 0x40000000.. onto the CPU's 0xff800000.. (its GIC at bus 0x40041000 = CPU 0xff841000).
std::vector<std::byte> bus_platform(bool pi_bus = false) {
    std::vector<std::byte> buf(8192);
    void* f = buf.data();
    const auto cells = [&](const char* name, std::initializer_list<uint32_t> values) {
        std::vector<fdt32_t> v;
        for (uint32_t x : values)
            v.push_back(cpu_to_fdt32(x));
        EXPECT_EQ(fdt_property(f, name, v.data(), static_cast<int>(v.size() * 4)), 0);
    };
    const auto begin = [&](const char* name) { EXPECT_EQ(fdt_begin_node(f, name), 0); };
    const auto end = [&] { EXPECT_EQ(fdt_end_node(f), 0); };
    EXPECT_EQ(fdt_create(f, static_cast<int>(buf.size())), 0);
    EXPECT_EQ(fdt_finish_reservemap(f), 0);
    begin("");
    cells("#address-cells", {2});
    cells("#size-cells", {2});
    begin("cpus");
    cells("#address-cells", {1});
    cells("#size-cells", {0});
    begin("cpu@0");
    EXPECT_EQ(fdt_property_string(f, "device_type", "cpu"), 0);
    cells("reg", {0});
    end();
    end();
    begin("timer");
    EXPECT_EQ(fdt_property_string(f, "compatible", "arm,armv8-timer"), 0);
    end();
    begin("uart-clock");
    EXPECT_EQ(fdt_property_string(f, "compatible", "fixed-clock"), 0);
    cells("#clock-cells", {0});
    cells("phandle", {5});
    end();
    begin("other@1000");
    cells("reg", {0, 0x1000, 0, 0x1000});
    end();
    // What upstream's zcu102 files keep with plat_keep_devices(_and_subtree).
    begin("pmu");
    EXPECT_EQ(fdt_property_string(f, "compatible", "arm,armv8-pmuv3"), 0);
    begin("counter");
    end();
    end();
    begin("firmware");
    begin("zynqmp-firmware");
    EXPECT_EQ(fdt_property_string(f, "method", "smc"), 0);
    begin("clock-controller");
    cells("#clock-cells", {1});
    end();
    end();
    end();
    begin("psci");
    EXPECT_EQ(fdt_property_string(f, "compatible", "arm,psci-0.2"), 0);
    EXPECT_EQ(fdt_property_string(f, "method", "smc"), 0);
    end();
    begin("axi");
    if (pi_bus) {
        cells("#address-cells", {1});
        cells("#size-cells", {1});
        cells("ranges", {0x40000000, 0, 0xff800000, 0x800000});
        begin("interrupt-controller@40041000");
        cells("reg", {0x40041000, 0x1000, 0x40042000, 0x2000});
    } else {
        cells("#address-cells", {2});
        cells("#size-cells", {2});
        EXPECT_EQ(fdt_property(f, "ranges", nullptr, 0), 0);
        begin("interrupt-controller@f9010000");
        cells("reg", {0, 0xf9010000, 0, 0x10000, 0, 0xf9020000, 0, 0x20000, 0, 0xf9040000, 0,
                      0x20000, 0, 0xf9060000, 0, 0x20000});
    }
    EXPECT_EQ(fdt_property_string(f, "compatible", "arm,gic-400"), 0);
    cells("interrupts", {1, 9, 0xf04});
    cells("phandle", {1});
    end();
    if (!pi_bus) {
        begin("serial@ff000000");
        cells("reg", {0, 0xff000000, 0, 0x1000});
        cells("clocks", {5, 5});
        end();
        begin("serial@ff010000");
        cells("reg", {0, 0xff010000, 0, 0x1000});
        end();
        begin("dma-controller@ffa80000");
        cells("reg", {0, 0xffa80000, 0, 0x1000});
        end();
    }
    end();
    end();
    EXPECT_EQ(fdt_finish(f), 0);
    return buf;
}

TEST(GuestDtbBus, KeepsTheBusOfAPassedThroughDeviceAndTheGicAndNothingElseInIt) {
    const std::vector<std::byte> platform = bus_platform();
    std::vector<std::byte> out(16384);
    const std::string_view passthrough[] = {"/axi/serial@ff000000"};
    GuestDtbConfig config;
    config.ram = {GuestPhysAddr(0x10000000), 0x10000000};
    config.stdout_path = "/axi/serial@ff000000";
    config.passthrough = passthrough;
    config.gicd = {GuestPhysAddr(0xf9010000), arm::gicv2::gicd::kFrameSize};
    config.gicc = {GuestPhysAddr(0xf9020000), arm::gicv2::gicc::kFrameSize};
    std::size_t size = 0;
    ASSERT_EQ(build_guest_dtb(platform, config, out, size), DtbError::Ok);
    const void* fdt = out.data();
    ASSERT_EQ(fdt_check_full(fdt, size), 0);
    EXPECT_GE(fdt_path_offset(fdt, "/axi/serial@ff000000"), 0);
    EXPECT_GE(fdt_path_offset(fdt, "/uart-clock"), 0) << "its clock stays";
    EXPECT_GE(fdt_path_offset(fdt, "/timer"), 0);
    EXPECT_EQ(fdt_path_offset(fdt, "/axi/serial@ff010000"), -FDT_ERR_NOTFOUND);
    EXPECT_EQ(fdt_path_offset(fdt, "/axi/dma-controller@ffa80000"), -FDT_ERR_NOTFOUND);
    EXPECT_EQ(fdt_path_offset(fdt, "/other@1000"), -FDT_ERR_NOTFOUND);
    EXPECT_EQ(fdt_path_offset(fdt, "/pmu"), -FDT_ERR_NOTFOUND);
    EXPECT_EQ(fdt_path_offset(fdt, "/firmware"), -FDT_ERR_NOTFOUND);
    // The GIC inside the bus, in the bus's cells: the guest's GICD and GICC only.
    EXPECT_EQ(reg_of(fdt, "/axi/interrupt-controller@f9010000"),
              (std::vector<uint64_t>{0xf9010000, arm::gicv2::gicd::kFrameSize, 0xf9020000,
                                     arm::gicv2::gicc::kFrameSize}));
    EXPECT_EQ(string_prop(fdt, "/chosen", "stdout-path"),
              std::string("/axi/serial@ff000000\0", 21));
}

TEST(GuestDtbBus, KeptNodesStayWithOrWithoutTheirSubtreeAndMissingOnesAreSkipped) {
    const std::vector<std::byte> platform = bus_platform();
    std::vector<std::byte> out(16384);
    const KeptNode keep[] = {{"/pmu", false},
                             {"/firmware", true},
                             {"/axi/serial@ff010000", false},
                             {"/psci", false},
                             {"/nowhere@0", true}};
    GuestDtbConfig config;
    config.ram = {GuestPhysAddr(0x10000000), 0x10000000};
    config.keep = keep;
    config.gicd = {GuestPhysAddr(0xf9010000), arm::gicv2::gicd::kFrameSize};
    config.gicc = {GuestPhysAddr(0xf9020000), arm::gicv2::gicc::kFrameSize};
    EXPECT_TRUE(dtb_has_node(platform, "/firmware"));
    EXPECT_FALSE(dtb_has_node(platform, "/nowhere@0"));
    std::size_t size = 0;
    ASSERT_EQ(build_guest_dtb(platform, config, out, size), DtbError::Ok);
    const void* fdt = out.data();
    ASSERT_EQ(fdt_check_full(fdt, size), 0);
    EXPECT_GE(fdt_path_offset(fdt, "/pmu"), 0);
    EXPECT_EQ(fdt_path_offset(fdt, "/pmu/counter"), -FDT_ERR_NOTFOUND) << "node only";
    EXPECT_GE(fdt_path_offset(fdt, "/firmware/zynqmp-firmware/clock-controller"), 0);
    EXPECT_GE(fdt_path_offset(fdt, "/axi/serial@ff010000"), 0) << "its bus stays too";
    EXPECT_EQ(fdt_path_offset(fdt, "/axi/serial@ff000000"), -FDT_ERR_NOTFOUND);
    // psci is the VMM's own, whatever the list says: one node, the guest's conduit.
    EXPECT_EQ(string_prop(fdt, "/psci", "method"), std::string("hvc\0", 4));
    EXPECT_EQ(fdt_path_offset(fdt, "/nowhere@0"), -FDT_ERR_NOTFOUND);
}

TEST(GuestDtbBus, TheGicsRegIsWrittenInItsBussAddresses) {
    const std::vector<std::byte> platform = bus_platform(true);
    std::vector<std::byte> out(16384);
    GuestDtbConfig config;
    config.ram = {GuestPhysAddr(0x50000000), 0x10000000};
    config.gicd = {GuestPhysAddr(0xff841000), arm::gicv2::gicd::kFrameSize};
    config.gicc = {GuestPhysAddr(0xff842000), arm::gicv2::gicc::kFrameSize};
    std::size_t size = 0;
    ASSERT_EQ(build_guest_dtb(platform, config, out, size), DtbError::Ok);
    const void* fdt = out.data();
    const int gic = fdt_path_offset(fdt, "/axi/interrupt-controller@40041000");
    ASSERT_GE(gic, 0) << "the bus holding the GIC stays";
    int len = 0;
    const auto* reg = static_cast<const fdt32_t*>(fdt_getprop(fdt, gic, "reg", &len));
    ASSERT_EQ(len, 16); // one cell of address, one of size, as the bus says
    EXPECT_EQ(fdt32_to_cpu(reg[0]), 0x40041000u);
    EXPECT_EQ(fdt32_to_cpu(reg[1]), arm::gicv2::gicd::kFrameSize);
    EXPECT_EQ(fdt32_to_cpu(reg[2]), 0x40042000u);
    EXPECT_EQ(fdt32_to_cpu(reg[3]), arm::gicv2::gicc::kFrameSize);
}

} // namespace
} // namespace vmm
