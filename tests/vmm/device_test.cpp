// The device model: device types linked into this test register themselves; DeviceHost
// creates the configuration's devices from their records and gives each a context
// (MMIO, SPIs, connections, notification bits); their DTB nodes, notifications and
// resets reach them.
#include <vmm/device.hpp>

#include <vmm/guest_memory.hpp>
#include <vmm/mmio_bus.hpp>
#include <vmm/vgic_distributor.hpp>

#include "fake_list_registers.hpp"
#include "fake_log.hpp"

#include <libfdt.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

namespace vmm {
namespace {

std::vector<std::string> events; // what the test devices saw, in order

// A UART-like device: one MMIO page, one SPI, its backend's "rx" bits.
class TestUart final : public Device, public MmioDevice {
public:
    TestUart(std::string_view name, base::GuestPhysRange range, unsigned spi,
             const BackendConnection& rx, VgicDistributor& vgic)
        : name_(name), range_(range), spi_(spi), rx_(rx), vgic_(vgic) {}

    bool read(uint64_t offset, unsigned, unsigned, uint64_t& value) override {
        value = offset == 0 && !rx_.dataport.empty() ? uint64_t(rx_.dataport[0]) : 0;
        return true;
    }
    bool write(uint64_t, unsigned, unsigned, uint64_t) override { return true; }
    bool add_dtb_nodes(GuestDtbWriter& dtb) override {
        const int node = dtb.add_node("test-uart", range_.base.raw());
        return node >= 0 && dtb.set_string(node, "compatible", "test,uart") &&
               dtb.set_reg(node, range_) && dtb.set_spi(node, spi_, true);
    }
    void notified(uint64_t bits) override {
        events.push_back(std::string(name_) + " notified " + std::to_string(bits));
        (void)vgic_.set_level(spi_, true);
    }
    void reset() override { events.push_back(std::string(name_) + " reset"); }
    [[nodiscard]] unsigned spi() const { return spi_; }

private:
    std::string_view name_;
    base::GuestPhysRange range_;
    unsigned spi_;
    const BackendConnection& rx_;
    VgicDistributor& vgic_;
};

DeviceStorage<TestUart, 64> uarts;
std::vector<TestUart*> created_uarts;
uint64_t next_uart_base = 0x9100000;

Device* create_test_uart(DeviceContext& ctx) {
    const BackendConnection* rx = ctx.connection("rx");
    if (rx == nullptr || !ctx.listen(rx->badge_bits)) return nullptr;
    const std::optional<unsigned> spi = ctx.allocate_spi();
    if (!spi) return nullptr;
    const base::GuestPhysRange range{base::GuestPhysAddr(next_uart_base), 0x1000};
    next_uart_base += 0x1000;
    TestUart* uart = uarts.make(ctx.name(), range, *spi, *rx, ctx.vgic());
    if (uart == nullptr || !ctx.mmio().add(ctx.name(), range, *uart)) return nullptr;
    events.push_back("created " + std::string(ctx.name()));
    created_uarts.push_back(uart);
    return uart;
}

class Quiet final : public Device {};
Quiet quiet;
Device* create_quiet(DeviceContext& ctx) {
    events.push_back("created " + std::string(ctx.name()));
    return &quiet;
}
Device* create_failing(DeviceContext&) {
    return nullptr;
}
// Asks for notification bits that are not its connections'.
Device* create_greedy(DeviceContext& ctx) {
    return ctx.listen(0x8000) ? &quiet : nullptr;
}

BULKHEAD_VMM_DEVICE("test_uart", "test,uart", create_test_uart);
BULKHEAD_VMM_DEVICE("quiet", nullptr, create_quiet);
BULKHEAD_VMM_DEVICE("failing", nullptr, create_failing);
BULKHEAD_VMM_DEVICE("greedy", nullptr, create_greedy);

struct DeviceTest : ::testing::Test {
    test::RecordingLog log;
    MappedGuestMemory memory;
    MmioBus bus{UnhandledAccessPolicy::InjectAbort, log};
    test::FakeListRegisters lrs{4};
    std::array<ListRegisters*, 1> vcpus{&lrs};
    VgicDistributor vgic{64, vcpus, log};
    NotificationRouter router;
    DeviceHost host{memory, bus, vgic, 64, router, log};
    std::array<std::byte, 16> rx_buffer{std::byte{0x41}};
    BackendConnection uart0[2] = {{"rx", 5, rx_buffer, 0x10}, {"tx", 6, {}, 0}};
    BackendConnection uart1[1] = {{"rx", 7, {}, 0x20}};
    void SetUp() override {
        events.clear();
        created_uarts.clear();
        next_uart_base = 0x9100000;
    }
};

TEST_F(DeviceTest, LinkedTypesAreFoundWithoutAList) {
    std::vector<std::string> names;
    for (const DeviceType* t : linked_device_types())
        names.emplace_back(t->name);
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"failing", "greedy", "quiet", "test_uart"}));
    EXPECT_STREQ(find_device_type({"test_uart", {}, {}})->name, "test_uart");
    EXPECT_STREQ(find_device_type({"uart@9000000", "test,uart", {}})->name, "test_uart");
    EXPECT_EQ(find_device_type({"vchan", "seL4,vchan", {}}), nullptr);
}

TEST_F(DeviceTest, DevicesAreCreatedInRecordOrderFromTheirContext) {
    ASSERT_TRUE(host.spis().reserve(32)); // a passed-through UART's SPI
    const DeviceRecord records[] = {
        {"test_uart", {}, uart0}, {"quiet", {}, {}}, {"console", "test,uart", uart1}};
    ASSERT_EQ(host.create(records), DeviceError::Ok);
    EXPECT_EQ(host.size(), 3u);
    EXPECT_EQ(events,
              (std::vector<std::string>{"created test_uart", "created quiet", "created console"}));
    EXPECT_EQ(log.lines, (std::vector<std::string>{"vmm: device test_uart created",
                                                   "vmm: device quiet created",
                                                   "vmm: device console created"}));
    // SPIs: the passed-through one is skipped, each device gets its own.
    ASSERT_EQ(created_uarts.size(), 2u);
    EXPECT_EQ(created_uarts[0]->spi(), 33u);
    EXPECT_EQ(created_uarts[1]->spi(), 34u);
    EXPECT_TRUE(host.spis().in_use(34));
    EXPECT_FALSE(host.spis().in_use(35));
    // Their MMIO pages are on the bus; the first reads its dataport through it.
    EXPECT_EQ(bus.size(), 2u);
    MmioAccess access;
    access.ipa = base::GuestPhysAddr(0x9100000);
    access.size = 1;
    access.rt = 2;
    struct Regs final : VcpuRegisters {
        uint64_t x[31] = {};
        uint64_t gpr(unsigned n) const override { return x[n]; }
        void set_gpr(unsigned n, uint64_t v) override { x[n] = v; }
        uint64_t sp() const override { return 0; }
        void set_sp(uint64_t) override {}
        uint64_t pc() const override { return 0; }
        void set_pc(uint64_t) override {}
    } regs;
    ASSERT_EQ(bus.handle(access, 0, regs), ExitAction::Resume);
    EXPECT_EQ(regs.x[2], 0x41u);
}

TEST_F(DeviceTest, NotificationBitsReachTheirDeviceAndResetsReachAll) {
    const DeviceRecord records[] = {{"a", "test,uart", uart0}, {"b", "test,uart", uart1}};
    ASSERT_EQ(host.create(records), DeviceError::Ok);
    events.clear();
    EXPECT_EQ(router.routed(), 0x30u);
    EXPECT_EQ(router.dispatch(0x20 | 0x1), 0x1u); // bit 0 is nobody's
    EXPECT_EQ(events, (std::vector<std::string>{"b notified 32"}));
    ASSERT_TRUE(vgic.write(VgicDistributor::kCtlr, 4, 0, 1));
    EXPECT_TRUE(vgic.pending(created_uarts[1]->spi()));
    EXPECT_FALSE(vgic.pending(created_uarts[0]->spi()));
    events.clear();
    host.reset();
    EXPECT_EQ(events, (std::vector<std::string>{"a reset", "b reset"}));
}

TEST_F(DeviceTest, TheirDtbNodesGoIntoTheGuestDtb) {
    const DeviceRecord records[] = {{"test_uart", {}, uart0}};
    ASSERT_EQ(host.create(records), DeviceError::Ok);
    std::vector<std::byte> blob(4096);
    ASSERT_EQ(fdt_create_empty_tree(blob.data(), static_cast<int>(blob.size())), 0);
    GuestDtbWriter writer(blob.data(), 2, 2, 0x8001);
    ASSERT_TRUE(host.add_nodes(writer));
    const int node = fdt_path_offset(blob.data(), "/test-uart@9100000");
    ASSERT_GE(node, 0);
    EXPECT_EQ(fdt_node_check_compatible(blob.data(), node, "test,uart"), 0);
    int len = 0;
    const auto* irq =
        static_cast<const fdt32_t*>(fdt_getprop(blob.data(), node, "interrupts", &len));
    ASSERT_EQ(len, 12);
    EXPECT_EQ(fdt32_to_cpu(irq[0]), 0u); // SPI
    EXPECT_EQ(fdt32_to_cpu(irq[1]), 0u); // SPI 32 - 32 (nothing reserved here)
    EXPECT_EQ(fdt32_to_cpu(irq[2]), 4u); // level high
    const auto* parent =
        static_cast<const fdt32_t*>(fdt_getprop(blob.data(), node, "interrupt-parent", &len));
    ASSERT_NE(parent, nullptr);
    EXPECT_EQ(fdt32_to_cpu(*parent), 0x8001u);
    const auto* reg = static_cast<const fdt32_t*>(fdt_getprop(blob.data(), node, "reg", &len));
    ASSERT_EQ(len, 16);
    EXPECT_EQ(fdt32_to_cpu(reg[1]), 0x9100000u);
    EXPECT_EQ(fdt32_to_cpu(reg[3]), 0x1000u);
}

TEST_F(DeviceTest, UnknownTypesStopTheVmBeforeAnyDeviceIsCreated) {
    const DeviceRecord records[] = {{"quiet", {}, {}}, {"vchan", "seL4,vchan", {}}};
    EXPECT_EQ(host.create(records), DeviceError::UnknownType);
    EXPECT_TRUE(events.empty());
    EXPECT_EQ(log.lines.back(), "vmm: device vchan: no such device type linked into this VM");
    EXPECT_EQ(host.size(), 0u);
}

TEST_F(DeviceTest, FailuresStopTheRest) {
    const DeviceRecord failing[] = {{"quiet", {}, {}}, {"failing", {}, {}}, {"quiet", {}, {}}};
    EXPECT_EQ(host.create(failing), DeviceError::CreateFailed);
    EXPECT_EQ(events, (std::vector<std::string>{"created quiet"}));
    EXPECT_EQ(log.lines.back(), "vmm: device failing: the device could not be created");
    // A device may only listen to its own connections' bits...
    const DeviceRecord greedy[] = {{"greedy", {}, uart0}};
    EXPECT_EQ(host.create(greedy), DeviceError::CreateFailed);
    // ...and not to bits another one (or a passed-through IRQ) has.
    Quiet other;
    ASSERT_TRUE(router.add(0x20, other));
    const DeviceRecord taken[] = {{"test_uart", {}, uart1}};
    EXPECT_EQ(host.create(taken), DeviceError::BadNotification);
}

TEST(SpiAllocator, HandsOutFreeSpisOnly) {
    SpiAllocator spis(64);
    EXPECT_FALSE(spis.reserve(31)); // a PPI
    EXPECT_FALSE(spis.reserve(64)); // past the distributor
    EXPECT_TRUE(spis.reserve(33));
    EXPECT_FALSE(spis.reserve(33));
    EXPECT_EQ(spis.allocate(), 32u);
    EXPECT_EQ(spis.allocate(), 34u);
    for (unsigned i = 35; i < 64; ++i)
        EXPECT_EQ(spis.allocate(), i);
    EXPECT_EQ(spis.allocate(), std::nullopt);
}

TEST(NotificationRouter, BitsHaveOneOwner) {
    NotificationRouter router;
    Quiet a, b;
    EXPECT_FALSE(router.add(0, a));
    EXPECT_TRUE(router.add(0x3, a));
    EXPECT_FALSE(router.add(0x2, b));
    EXPECT_TRUE(router.add(0x4, b));
    EXPECT_EQ(router.dispatch(0xf), 0x8u);
}

TEST(MmioAllocator, HandsOutTheWindowFrontToBackAlignedToEachSize) {
    using base::GuestPhysAddr;
    MmioAllocator windows({GuestPhysAddr(0x3fff0000), 0x10000});
    EXPECT_EQ(windows.allocate(0x200)->base.raw(), 0x3fff0000u);
    EXPECT_EQ(windows.allocate(0x200)->base.raw(), 0x3fff0200u);
    EXPECT_EQ(windows.allocate(0x1000)->base.raw(), 0x3fff1000u); // aligned up
    EXPECT_FALSE(windows.allocate(0x300));                        // not a power of two
    EXPECT_FALSE(windows.allocate(0));
    EXPECT_FALSE(windows.allocate(0x10000)); // no room left for that much
    EXPECT_EQ(windows.allocate(0x8000)->base.raw(), 0x3fff8000u);
    EXPECT_FALSE(windows.allocate(0x200));         // full
    EXPECT_FALSE(MmioAllocator().allocate(0x200)); // no window at all
}

TEST(DeviceStorage, HoldsAtMostN) {
    DeviceStorage<std::array<int, 3>, 2> storage;
    EXPECT_NE(storage.make(), nullptr);
    EXPECT_NE(storage.make(), nullptr);
    EXPECT_EQ(storage.make(), nullptr);
    EXPECT_EQ(storage.used(), 2u);
}

} // namespace
} // namespace vmm
