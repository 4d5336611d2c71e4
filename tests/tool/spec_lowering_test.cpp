// vm_minimal lowered to kernel objects through a recording SpecSink: domains,
// endpoint, bound notification, IRQ handler, shared buffer, guest RAM and device.
#include "adl/parser.hpp"
#include "adl/spec_lowering.hpp"
#include "vm_minimal_app.hpp"

#include <gtest/gtest.h>

#include <map>

namespace {

struct RecordingSink : adl::SpecSink {
    std::vector<std::string> domains, endpoints, notifications;
    struct Irq {
        uint32_t irq, notification;
        uint64_t badge;
        bool edge;
    };
    std::vector<Irq> irqs;
    struct Region {
        std::string name;
        uint64_t size;
        std::optional<uint64_t> phys;
        bool device;
    };
    std::vector<Region> regions;
    struct Map {
        uint32_t domain, region;
        uint64_t at;
        uint32_t rights;
        bool device;
    };
    std::vector<Map> maps;
    struct Cap {
        adl::CapKind kind;
        uint32_t object;
        uint64_t badge;
        uint32_t rights;
    };
    std::map<uint32_t, std::vector<Cap>> caps; // per domain; slot = index + 1

    uint32_t add_domain(const std::string& n) override { return push(domains, n); }
    uint32_t add_endpoint(const std::string& n) override { return push(endpoints, n); }
    uint32_t add_notification(const std::string& n) override { return push(notifications, n); }
    uint32_t add_irq_handler(uint32_t irq, uint32_t n, uint64_t badge, bool edge) override {
        irqs.push_back({irq, n, badge, edge});
        return static_cast<uint32_t>(irqs.size() - 1);
    }
    uint32_t add_ram(const std::string& n, uint64_t size,
                     std::optional<base::PhysAddr> fixed) override {
        regions.push_back(
            {n, size, fixed ? std::optional<uint64_t>(fixed->raw()) : std::nullopt, false});
        return static_cast<uint32_t>(regions.size() - 1);
    }
    uint32_t add_device(const std::string& n, base::PhysRange r) override {
        regions.push_back({n, r.size, r.base.raw(), true});
        return static_cast<uint32_t>(regions.size() - 1);
    }
    void map(uint32_t d, uint32_t r, uint64_t at, uint32_t rights, bool device) override {
        maps.push_back({d, r, at, rights, device});
    }
    uint32_t give_cap(uint32_t d, adl::CapKind kind, uint32_t object, uint64_t badge,
                      uint32_t rights) override {
        caps[d].push_back({kind, object, badge, rights});
        return static_cast<uint32_t>(caps[d].size());
    }

    static uint32_t push(std::vector<std::string>& v, const std::string& n) {
        v.push_back(n);
        return static_cast<uint32_t>(v.size() - 1);
    }
};

TEST(SpecLowering, VmMinimal) {
    auto system = tool_test::vm_minimal_system();
    RecordingSink sink;
    auto lowered = adl::lower_to_spec(system, sink);

    EXPECT_EQ(sink.domains, (std::vector<std::string>{"fserv", "vm0", "vm0.guest"}));
    EXPECT_EQ(sink.endpoints, (std::vector<std::string>{"fs0"}));
    EXPECT_EQ(sink.notifications, (std::vector<std::string>{"vm0.notification"}));
    ASSERT_EQ(sink.irqs.size(), 1u);
    EXPECT_EQ(sink.irqs[0].irq, 33u);
    EXPECT_EQ(sink.irqs[0].badge, 0x2u); // bit 0 is notify_ready_vm0's event
    EXPECT_FALSE(sink.irqs[0].edge);

    ASSERT_EQ(lowered.size(), 2u);
    const auto& vm0 = lowered[1];
    EXPECT_EQ(vm0.priority, 101u);
    ASSERT_TRUE(vm0.guest_space.has_value());
    EXPECT_EQ(*vm0.guest_space, 2u);

    // The FileServer's buffer is one region mapped into both domains.
    ASSERT_EQ(sink.regions.size(), 3u);
    EXPECT_EQ(sink.regions[0].name, "fs0.vm0.buffer");
    EXPECT_EQ(sink.regions[0].size, 0x100000u);
    EXPECT_EQ(sink.regions[1].name, "vm0.ram");
    EXPECT_EQ(sink.regions[1].phys, 0x40000000u); // unity
    EXPECT_EQ(sink.regions[1].size, 0x20000000u);
    EXPECT_TRUE(sink.regions[2].device);
    EXPECT_EQ(sink.regions[2].phys, 0x9000000u);
    ASSERT_EQ(sink.maps.size(), 4u);
    EXPECT_EQ(sink.maps[0].at, adl::shared_buffer_base);
    EXPECT_EQ(sink.maps[2].domain, 2u);
    EXPECT_EQ(sink.maps[2].at, 0x40000000u);
    EXPECT_EQ(sink.maps[3].at, 0x9000000u);
    EXPECT_TRUE(sink.maps[3].device);

    // Capabilities: the server receives on fs0; the VM calls it with badge 1, waits on
    // its notification, holds the IRQ handler and signals itself with bit 0.
    const auto& fserv_caps = sink.caps[0];
    ASSERT_EQ(fserv_caps.size(), 1u);
    EXPECT_EQ(fserv_caps[0].kind, adl::CapKind::Endpoint);
    EXPECT_EQ(fserv_caps[0].rights, adl::cap_receive);
    std::map<std::string, uint32_t> slots;
    for (const auto& s : vm0.caps) {
        slots[s.name] = s.slot;
    }
    EXPECT_EQ(slots.size(), 4u);
    const auto& c = sink.caps[1];
    EXPECT_EQ(c[slots.at("notification") - 1].rights, adl::cap_receive);
    EXPECT_EQ(c[slots.at("irq33") - 1].kind, adl::CapKind::IrqHandler);
    EXPECT_EQ(c[slots.at("notification_ready_connector") - 1].badge, 1u);
    EXPECT_EQ(c[slots.at("fs") - 1].badge, 1u);
    EXPECT_EQ(c[slots.at("fs") - 1].rights, adl::cap_send);
}

} // namespace

namespace {

TEST(SpecLowering, SharedDeviceRegionIsOneRegionMappedByEveryUser) {
    auto file = adl::parse_text(R"(
connector seL4HardwareMMIO { from Dataports; to Dataport; }
component Uart { hardware; dataport Buf regs; }
component Driver { dataport Buf regs; }
assembly {
    composition {
        component Uart uart; component Driver d1; component Driver d2;
        connection seL4HardwareMMIO uart_regs(from d1.regs, from d2.regs, to uart.regs);
    }
    configuration { uart.regs_paddr = 0x9000000; uart.regs_size = 0x1000; }
}
)",
                                "shared.camkes");
    auto system = adl::resolve(file, {"qemu-arm-virt", ""});
    RecordingSink sink;
    auto lowered = adl::lower_to_spec(system, sink);
    ASSERT_EQ(sink.regions.size(), 1u);
    EXPECT_TRUE(sink.regions[0].device);
    EXPECT_EQ(sink.regions[0].phys, 0x9000000u);
    ASSERT_EQ(sink.maps.size(), 2u);
    EXPECT_EQ(sink.maps[0].domain, 1u); // d1
    EXPECT_EQ(sink.maps[1].domain, 2u); // d2
    EXPECT_TRUE(sink.maps[0].device && sink.maps[1].device);
    EXPECT_EQ(lowered[1].mappings.at(0).name, "regs_buffer");
}

} // namespace
