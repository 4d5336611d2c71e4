// The one lowering, checked on vm_minimal and on small assemblies: which objects each
// component type and connector makes, that every connector the front end accepts has a
// lowerer, and that the report's kernel objects are the builder's.
#include "vm_minimal_app.hpp"

#include <adl/connector_registry.hpp>
#include <adl/diagnostic.hpp>
#include <adl/parser.hpp>
#include <image/board.hpp>
#include <lowering/component_lowerer.hpp>
#include <lowering/connector_lowerer.hpp>

#include <gtest/gtest.h>

#include <bit>
#include <functional>

#include <memory>

namespace {

const image::Board& qemu() {
    const image::Board* b = image::BoardRegistry::find(BULKHEAD_REFERENCE_BOARD);
    EXPECT_NE(b, nullptr);
    return *b;
}

const spec::Cap& cap_of(const image::SystemDescription& d, const lowering::InstanceObjects& i,
                        std::string_view name) {
    const auto slot = i.cap(name);
    EXPECT_TRUE(slot.has_value()) << i.name << " has no capability " << name;
    return d.domains.at(i.domain.index).caps.at(slot.value_or(0));
}

TEST(Lowering, VmMinimalObjects) {
    const auto system = tool_test::vm_minimal_system();
    image::SystemBuilder b(qemu());
    const auto lowered = lowering::lower_system(system, b, {});
    const auto& d = b.description();

    ASSERT_EQ(lowered.size(), 2u);
    const auto& fserv = lowered[0];
    const auto& vm0 = lowered[1];
    EXPECT_EQ(fserv.type, "FileServer");
    EXPECT_EQ(vm0.type, "VM");
    ASSERT_EQ(d.domains.size(), 3u);
    EXPECT_EQ(d.domains[fserv.domain.index].name, "fserv");
    EXPECT_EQ(d.domains[vm0.domain.index].name, "vm0");
    ASSERT_EQ(vm0.extra_domains.size(), 1u);
    EXPECT_EQ(d.domains[vm0.extra_domains[0].index].name, "vm0-guest");
    // Threads: the FileServer's, the VMM's (at its _priority, above its vCPU), the vCPU
    // (at base_prio).
    ASSERT_EQ(d.threads.size(), 3u);
    EXPECT_EQ(d.threads[fserv.thread->index].program, "<components>/FileServer/FileServer.elf");
    EXPECT_EQ(d.threads[vm0.thread->index].priority, 101u);
    EXPECT_EQ(d.threads[vm0.thread->index].program, "<components>/VM/VM.elf");
    EXPECT_TRUE(d.threads[2].vcpu);
    EXPECT_EQ(d.threads[2].priority, 100u);

    // The FileServer receives on its fs_ctrl endpoint; the VM calls it with badge 1 and
    // shares a 1 MiB buffer with it (fs_shmem_size), mapped in both.
    const spec::Cap& server = cap_of(d, fserv, "fs_ctrl");
    const spec::Cap& client = cap_of(d, vm0, "fs");
    EXPECT_EQ(server.type, static_cast<uint32_t>(spec::CapType::Endpoint));
    EXPECT_EQ(server.rights, spec::CapReceive);
    EXPECT_EQ(client.object, server.object);
    EXPECT_EQ(client.badge, 1u);
    EXPECT_EQ(client.rights, spec::CapSend);
    const auto* fs = vm0.interface("fs");
    const auto* fs_ctrl = fserv.interface("fs_ctrl");
    ASSERT_TRUE(fs && fs_ctrl);
    ASSERT_EQ(fs->buffers.size(), 1u);
    ASSERT_EQ(fs_ctrl->buffers.size(), 1u);
    EXPECT_EQ(fs->buffers[0].size, 0x100000u);
    EXPECT_EQ(fs_ctrl->buffers[0].peer_badge, 1u);
    EXPECT_EQ(fs->buffers[0].at, lowering::shared_window_base(qemu()));

    // vm0's own event (bit 0) and the UART's IRQ 33 (bit 1) on its bound notification.
    EXPECT_EQ(cap_of(d, vm0, "notification_ready_connector").badge, 1u);
    ASSERT_EQ(d.irq_handlers.size(), 1u);
    EXPECT_EQ(d.irq_handlers[0].irq, 33u);
    EXPECT_EQ(d.irq_handlers[0].badge, 2u);
    EXPECT_EQ(d.threads[vm0.thread->index].bound_notification, d.irq_handlers[0].notification);
    for (const char* name : {"vcpu0", "exits", "power", "irq33", "notification"})
        EXPECT_TRUE(vm0.cap(name).has_value()) << name;

    // Guest RAM stays at its unity address; the UART is mapped 1:1 into the guest.
    bool ram = false, uart = false;
    for (const auto& m : d.mappings) {
        if (m.domain != vm0.extra_domains[0].index) continue;
        const auto& r = d.regions[m.region];
        ram |= m.at.raw() == 0x40000000 && r.fixed && r.fixed->raw() == 0x40000000 &&
               r.zero_on_first_touch;
        uart |= m.at.raw() == 0x9000000 && r.kind == spec::RegionKind::Device;
    }
    EXPECT_TRUE(ram && uart);
}

TEST(Lowering, EveryConnectorTheFrontEndAcceptsHasALowerer) {
    const auto front = adl::ConnectorRegistry::names();
    const auto back = lowering::ConnectorLowerers::names();
    EXPECT_EQ(std::vector<std::string_view>(front.begin(), front.end()), back);
    EXPECT_NE(lowering::ComponentRegistry::find("VM"), nullptr);
    EXPECT_NE(lowering::ComponentRegistry::find("FileServer"), nullptr);
}

// The model points into the parsed file, which must outlive it.
adl::model::System resolve(const std::string& text) {
    static std::vector<std::unique_ptr<adl::ast::File>> files;
    files.push_back(std::make_unique<adl::ast::File>(adl::parse_text(text, "test.camkes")));
    return adl::resolve(*files.back(), {BULKHEAD_REFERENCE_BOARD, ""});
}

constexpr const char* kConnectors = R"(
connector seL4RPCCall { from Procedures; to Procedure; }
connector seL4Notification { from Events; to Event; }
connector seL4SharedData { from Dataport; to Dataports; }
connector seL4HardwareMMIO { from Dataports; to Dataport; }
procedure P { int f(in int a); };
)";

TEST(Lowering, CallersOfOneInterfaceShareItsEndpointWithDistinctBadges) {
    const auto system = resolve(std::string(kConnectors) + R"(
component Server { provides P p; control; }
component Client { uses P p; emits E e; control; }
component Sink { consumes E e; control; }
assembly {
    composition {
        component Server s; component Client a; component Client b; component Sink k;
        connection seL4RPCCall ca(from a.p, to s.p);
        connection seL4RPCCall cb(from b.p, to s.p);
        connection seL4Notification ea(from a.e, to k.e);
        connection seL4Notification eb(from b.e, to k.e);
    }
}
)");
    image::SystemBuilder b(qemu());
    const auto lowered = lowering::lower_system(system, b, {{"/c"}, {}});
    const auto& d = b.description();
    ASSERT_EQ(d.endpoints.size(), 1u);
    EXPECT_EQ(d.threads[lowered[0].thread->index].program, "/c/Server/Server.elf");
    EXPECT_EQ(d.threads[lowered[0].thread->index].priority, 100u);
    const spec::Cap& a = cap_of(d, lowered[1], "p");
    const spec::Cap& bb = cap_of(d, lowered[2], "p");
    EXPECT_EQ(a.object, bb.object);
    EXPECT_EQ(a.badge, 1u);
    EXPECT_EQ(bb.badge, 2u);
    // Both senders signal the sink's one notification, with different bits.
    const spec::Cap& ea = cap_of(d, lowered[1], "e");
    const spec::Cap& eb = cap_of(d, lowered[2], "e");
    EXPECT_EQ(ea.object, eb.object);
    EXPECT_NE(ea.badge, eb.badge);
    EXPECT_EQ(lowered[3].interface("e")->badge, ea.badge | eb.badge);
}

// The same registers shared by one connection with two users, or by two connections
// (as upstream's odroid_vm shares its clock controller).
class SharedDeviceRegion : public ::testing::TestWithParam<const char*> {};

TEST_P(SharedDeviceRegion, IsOneRegionMappedByEveryUser) {
    const auto system = resolve(std::string(kConnectors) + R"(
component Uart { hardware; dataport Buf regs; }
component Driver { dataport Buf regs; control; }
assembly {
    composition {
        component Uart uart; component Driver d1; component Driver d2;
)" + GetParam() + R"(
    }
    configuration { uart.regs_paddr = 0x9000000; uart.regs_size = 0x1000; }
}
)");
    image::SystemBuilder b(qemu());
    const auto lowered = lowering::lower_system(system, b, {});
    const auto& d = b.description();
    unsigned devices = 0;
    for (const auto& r : d.regions)
        devices += r.kind == spec::RegionKind::Device ? 1 : 0;
    EXPECT_EQ(devices, 1u);
    // The device itself runs nothing: no domain, nothing in the report but that.
    EXPECT_TRUE(lowered[0].hardware);
    EXPECT_EQ(d.domains.size(), 2u);
    EXPECT_NE(lowering::write_objects_report(lowered, d)
                  .find("  uart : Uart  hardware component: no domain\n"),
              std::string::npos);
    for (const auto* user : {&lowered[1], &lowered[2]}) {
        ASSERT_EQ(user->mappings.size(), 2u); // the registers and its instance page
        EXPECT_EQ(user->mappings[0].name, "regs");
        EXPECT_EQ(user->mappings[0].at, lowering::shared_window_base(qemu()));
        EXPECT_EQ(user->interface("regs")->buffers.at(0).size, 0x1000u);
    }
}

INSTANTIATE_TEST_SUITE_P(
    Lowering, SharedDeviceRegion,
    ::testing::Values(
        "connection seL4HardwareMMIO uart_regs(from d1.regs, from d2.regs, to uart.regs);",
        "connection seL4HardwareMMIO r1(from d1.regs, to uart.regs);\n"
        "connection seL4HardwareMMIO r2(from d2.regs, to uart.regs);"));

void expect_lowering_error(const adl::model::System& system, const std::string& message);

constexpr const char* kVirtQueues = R"(
connector seL4VirtQueues { from Procedures; to Procedure; }
procedure VirtQueueDrv { }; procedure VirtQueueDev { }; procedure VirtQueueInit { };
component VirtQueueInit { provides VirtQueueInit init; }
component A { uses VirtQueueDrv send; uses VirtQueueDev recv; control; }
component B { uses VirtQueueDev recv; uses VirtQueueDrv send; consumes E e; control; }
component S { emits E e; control; }
)";

// seL4VirtQueues (upstream's vm_echo_ping shape): one ring per connection mapped by its two
// `from` ends; each end signals the other's bound notification with the other's own bit,
// distinct from that instance's events; the VirtQueueInit ends get nothing.
TEST(Lowering, VirtQueuesShareARingPerDirectionAndSignalEachOther) {
    const auto system = resolve(std::string(kConnectors) + kVirtQueues + R"(
assembly {
    composition {
        component A a; component B b; component S s;
        component VirtQueueInit i0; component VirtQueueInit i1;
        connection seL4VirtQueues q0(to i0.init, from a.send, from b.recv);
        connection seL4VirtQueues q1(to i1.init, from b.send, from a.recv);
        connection seL4Notification ev(from s.e, to b.e);
    }
    configuration { a.send_shmem_size = 32768; b.recv_shmem_size = 32768; }
}
)");
    image::SystemBuilder b(qemu());
    const auto lowered = lowering::lower_system(system, b, {});
    const auto& d = b.description();
    const auto& a = lowered[0];
    const auto& bb = lowered[1];
    // The VirtQueueInit ends only name their connections: no domain, and the report says
    // what they are.
    EXPECT_TRUE(lowered[3].hardware);
    EXPECT_TRUE(lowered[4].hardware);
    EXPECT_NE(lowering::write_objects_report(lowered, d)
                  .find("  i0 : VirtQueueInit  connection name only: no domain\n"),
              std::string::npos);
    EXPECT_EQ(a.interface("send")->buffers.at(0).size, 32768u);
    EXPECT_EQ(bb.interface("recv")->buffers.at(0).size, 32768u);
    EXPECT_EQ(a.interface("recv")->buffers.at(0).size, 0x2000u); // the connector's default
    // a.send signals b with the bit b.recv listens to, and the other way round.
    const spec::Cap& a_send = cap_of(d, a, "send");
    const spec::Cap& b_recv = cap_of(d, bb, "recv");
    EXPECT_EQ(a_send.object, cap_of(d, bb, "notification").object);
    EXPECT_EQ(b_recv.object, cap_of(d, a, "notification").object);
    EXPECT_EQ(a_send.badge, bb.interface("recv")->badge);
    EXPECT_EQ(b_recv.badge, a.interface("send")->badge);
    const uint64_t b_bits[] = {bb.interface("recv")->badge, bb.interface("send")->badge,
                               bb.interface("e")->badge};
    const uint64_t a_bits[] = {a.interface("send")->badge, a.interface("recv")->badge};
    EXPECT_EQ(std::popcount(b_bits[0] | b_bits[1] | b_bits[2]), 3);
    EXPECT_EQ(std::popcount(a_bits[0] | a_bits[1]), 2);
    // Both ends of q0 map the same region.
    EXPECT_EQ(a.mappings[0].name, "send");
    EXPECT_EQ(bb.mappings[0].name, "recv");
}

// Upstream's vm_multi: one connection, four ends, paired by the init end's topology.
TEST(Lowering, VirtQueueTopologyPairsTheEndsOfOneConnection) {
    const std::string text = std::string(kConnectors) + kVirtQueues + R"(
component VirtQueueInit2 { provides VirtQueueInit init; attribute { string drv; string dev; } init_topology[] = []; }
assembly {
    composition {
        component A a; component B b; component VirtQueueInit2 i;
        connection seL4VirtQueues q(to i.init, from a.send, from a.recv, from b.send, from b.recv);
        connection seL4Notification ev(from a.e2, to b.e);
    }
    configuration {
        i.init_topology = [{"drv": "a.send", "dev": "b.recv"}, {"drv": "b.send", "dev": "a.recv"}];
    }
}
)";
    std::string with_e2 = text;
    with_e2.replace(with_e2.find("uses VirtQueueDev recv; control; }"), 34,
                    "uses VirtQueueDev recv; emits E e2; control; }");
    const auto system = resolve(with_e2);
    image::SystemBuilder b(qemu());
    const auto lowered = lowering::lower_system(system, b, {});
    const auto& d = b.description();
    const auto& a = lowered[0];
    const auto& bb = lowered[1];
    EXPECT_EQ(cap_of(d, a, "send").badge, bb.interface("recv")->badge);
    EXPECT_EQ(cap_of(d, bb, "send").badge, a.interface("recv")->badge);
    EXPECT_EQ(cap_of(d, a, "send").object, cap_of(d, bb, "notification").object);
    // Two rings: a.send with b.recv, b.send with a.recv.
    EXPECT_EQ(a.interface("send")->buffers.size(), 1u);
    unsigned rings = 0;
    for (const auto& r : d.regions)
        rings += r.name.rfind("q.", 0) == 0 ? 1 : 0;
    EXPECT_EQ(rings, 2u);

    std::string bad = with_e2;
    bad.replace(bad.find(R"("dev": "a.recv")"), 15, R"("dev": "a.send")");
    expect_lowering_error(resolve(bad), "'a.send' is in two pairs of 'q''s topology");
    std::string missing = with_e2;
    missing.replace(missing.find(R"(, {"drv": "b.send", "dev": "a.recv"})"), 36, "");
    expect_lowering_error(resolve(missing), "leaves 'a.recv' of connection 'q' out");
}

TEST(Lowering, VirtQueueWithoutADriverAndADeviceIsAnError) {
    expect_lowering_error(resolve(std::string(kConnectors) + kVirtQueues + R"(
component D { maybe uses VirtQueueDrv send; control; }
assembly {
    composition {
        component D a; component D c; component VirtQueueInit i0;
        connection seL4VirtQueues q0(to i0.init, from a.send, from c.send);
    }
}
)"),
                          "connection 'q0' (seL4VirtQueues): 'a.send' and 'c.send' are "
                          "VirtQueueDrv and VirtQueueDrv; expected a VirtQueueDrv (drv) and a "
                          "VirtQueueDev (dev)");
}

TEST(Lowering, HardwareInterruptSignalsTheConsumersNotificationAndItAcks) {
    const auto system = resolve(std::string(kConnectors) + R"(
connector seL4HardwareInterrupt { from Event; to Event; }
component Timer { hardware; emits Tick tick; }
component Driver { consumes Tick tick; consumes Tick other; control; }
component Peer { emits Tick e; control; }
assembly {
    composition {
        component Timer timer; component Driver drv; component Peer p;
        connection seL4HardwareInterrupt irq(from timer.tick, to drv.tick);
        connection seL4Notification ev(from p.e, to drv.other);
    }
    configuration { timer.tick_irq_number = 62; timer.tick_irq_trigger = "edge"; }
}
)");
    image::SystemBuilder b(qemu());
    const auto lowered = lowering::lower_system(system, b, {});
    const auto& d = b.description();
    ASSERT_EQ(d.irq_handlers.size(), 1u);
    EXPECT_EQ(d.irq_handlers[0].irq, 62u);
    EXPECT_TRUE(d.irq_handlers[0].edge);
    const auto& drv = lowered[1];
    const auto* tick = drv.interface("tick");
    const auto* other = drv.interface("other");
    ASSERT_TRUE(tick && other && tick->slot);
    // The IRQ's bit and the peer's event bit are different bits of one notification.
    EXPECT_EQ(tick->badge, d.irq_handlers[0].badge);
    EXPECT_NE(tick->badge, 0u);
    EXPECT_EQ(tick->badge & other->badge, 0u);
    EXPECT_EQ(d.irq_handlers[0].notification, drv.notification->index);
    EXPECT_EQ(cap_of(d, drv, "tick").type, static_cast<uint32_t>(spec::CapType::IrqHandler));
    EXPECT_EQ(system.event_mask("drv", "tick"), tick->badge);
}

// A compound component's DTB device (seL4DTBHardware, upstream's odroid_vm timer): the
// matched node's registers mapped into it as device memory (the `to` end's buffer), its IRQ
// an IRQ handler on that end signalling the component's notification.
TEST(Lowering, ACompoundComponentsDtbDeviceIsMappedAndItsIrqHeld) {
    const auto file =
        std::make_unique<adl::ast::File>(adl::parse_text(std::string(kConnectors) + R"(
connector seL4DTBHardware { from Event; to Event; }
component Timer {
    control; emits Dummy src; consumes Dummy pmu;
    composition { connection seL4DTBHardware pmu_conn(from src, to pmu); }
    configuration { pmu.dtb = dtb({"path": "/pl011@9000000"}); pmu.generate_interrupts = 1; }
}
assembly { composition { component Timer t0; } }
)",
                                                         "test.camkes"));
    const auto system = adl::resolve(*file, {BULKHEAD_REFERENCE_BOARD, BULKHEAD_PLATFORM_DTB});
    image::SystemBuilder b(qemu());
    const auto lowered = lowering::lower_system(system, b, {});
    const auto& d = b.description();
    const auto& t0 = lowered[0];
    const auto* pmu = t0.interface("pmu");
    ASSERT_NE(pmu, nullptr);
    ASSERT_EQ(pmu->buffers.size(), 1u);
    EXPECT_EQ(pmu->buffers[0].size, 0x1000u);
    bool mapped = false;
    for (const auto& m : d.mappings) {
        const auto& r = d.regions[m.region];
        mapped |= m.domain == t0.domain.index && r.kind == spec::RegionKind::Device &&
                  m.cacheability == spec::Cacheability::Device && m.at.raw() == pmu->buffers[0].at;
    }
    EXPECT_TRUE(mapped);
    ASSERT_EQ(d.irq_handlers.size(), 1u);
    EXPECT_EQ(d.irq_handlers[0].irq, 33u);
    EXPECT_EQ(d.irq_handlers[0].notification, t0.notification->index);
    EXPECT_EQ(d.irq_handlers[0].badge, pmu->badge);
    EXPECT_EQ(cap_of(d, t0, "pmu").type, static_cast<uint32_t>(spec::CapType::IrqHandler));
}

TEST(Lowering, AHardwareComponentIsGivenNothingToHold) {
    const auto system = resolve(std::string(kConnectors) + R"(
component Uart { hardware; dataport Buf regs; }
component Driver { dataport Buf regs; control; }
assembly {
    composition {
        component Uart uart; component Driver d;
        connection seL4SharedData wrong(from d.regs, to uart.regs);
    }
}
)");
    image::SystemBuilder b(qemu());
    try {
        (void)lowering::lower_system(system, b, {});
        FAIL() << "no error";
    } catch (const adl::Error& e) {
        EXPECT_NE(std::string(e.what()).find("hardware component 'uart' would be given the "
                                             "mapping 'regs', but it runs nothing"),
                  std::string::npos)
            << e.what();
    }
}

TEST(Lowering, HardwareInterruptNeedsItsNumber) {
    try {
        (void)resolve(std::string(kConnectors) + R"(
connector seL4HardwareInterrupt { from Event; to Event; }
component Timer { hardware; emits Tick tick; }
component Driver { consumes Tick tick; control; }
assembly {
    composition {
        component Timer timer; component Driver drv;
        connection seL4HardwareInterrupt irq(from timer.tick, to drv.tick);
    }
}
)");
        FAIL() << "no error";
    } catch (const adl::Error& e) {
        EXPECT_NE(std::string(e.what()).find("expected a 'hardware' component with "
                                             "timer.tick_irq_number set"),
                  std::string::npos)
            << e.what();
    }
}

TEST(Lowering, ConnectionPaddrPlacesTheBufferThere) {
    const std::string components = std::string(kConnectors) + R"(
component Peer { dataport Buf d; dataport Buf e; control; }
assembly {
    composition {
        component Peer a; component Peer b;
        connection seL4SharedData ab(from a.d, to b.d);
        connection seL4SharedData inner(from a.e, to b.e);
    }
    configuration {
        ab.size = 0x4000; ab.paddr = 0x48000000;
        inner.size = 0x2000; inner.paddr = PADDR;
    }
}
)";
    const auto with = [&](const char* paddr) {
        std::string text = components;
        text.replace(text.find("PADDR"), 5, paddr);
        return resolve(text);
    };
    // Fresh RAM at that address, shared by both; a second buffer inside it is a part of it.
    const auto system = with("0x48002000");
    image::SystemBuilder b(qemu());
    const auto lowered = lowering::lower_system(system, b, {});
    const auto& d = b.description();
    unsigned fixed = 0;
    for (const auto& r : d.regions)
        fixed += r.fixed && r.fixed->raw() == 0x48000000 && r.size == 0x4000 ? 1 : 0;
    EXPECT_EQ(fixed, 1u);
    unsigned inner = 0;
    for (const auto& m : d.mappings) {
        const auto& r = d.regions[m.region];
        inner += r.fixed && r.fixed->raw() == 0x48000000 && m.offset == 0x2000 && m.size == 0x2000;
    }
    EXPECT_EQ(inner, 2u); // a and b
    // Half over the edge of the first buffer: an error at the setting.
    try {
        image::SystemBuilder b2(qemu());
        (void)lowering::lower_system(with("0x48003000"), b2, {});
        FAIL() << "no error";
    } catch (const adl::Error& e) {
        EXPECT_NE(std::string(e.what()).find("'inner.paddr' = 0x48003000: the buffer runs over the "
                                             "edge of 'ab.buffer'"),
                  std::string::npos)
            << e.what();
    }
}

TEST(Lowering, AComponentTypeWithoutABinaryIsNamedBeforePacking) {
    const auto system = resolve(std::string(kConnectors) + R"(
component Server { provides P p; control; }
component Client { uses P p; control; }
assembly {
    composition {
        component Server s; component Client c;
        connection seL4RPCCall call(from c.p, to s.p);
    }
}
)");
    image::SystemBuilder b(qemu());
    const auto lowered = lowering::lower_system(system, b, {{"/nonexistent"}, {}});
    try {
        lowering::check_programs(system, lowered, b.description());
        FAIL() << "no error";
    } catch (const adl::Error& e) {
        EXPECT_NE(std::string(e.what()).find(
                      "component type 'Server' of instance 's' has no binary (looked for "
                      "/nonexistent/Server/Server.elf); expected one built by "
                      "bulkhead_component(NAME Server ...)"),
                  std::string::npos)
            << e.what();
    }
}

TEST(Lowering, ReportNamesEverySlotAsInspectPrintsIt) {
    const auto system = tool_test::vm_minimal_system();
    image::SystemBuilder b(qemu());
    const auto lowered = lowering::lower_system(system, b, {});
    const std::string r = lowering::write_objects_report(lowered, b.description());
    const auto& fs = cap_of(b.description(), lowered[1], "fs");
    const std::string line = "      slot " + std::to_string(*lowered[1].cap("fs")) + ": endpoint " +
                             std::to_string(fs.object) + " badge 0x1 rights 1  (fs)\n";
    EXPECT_NE(r.find(line), std::string::npos) << r;
    EXPECT_NE(r.find("    domain 2 vm0-guest\n"), std::string::npos) << r;
}

TEST(Lowering, VmWithoutItsImagesIsAnErrorWhenAnImageIsMade) {
    const auto system = tool_test::vm_minimal_system();
    image::SystemBuilder b(qemu());
    try {
        (void)lowering::lower_system(system, b, {{"/c"}, {{"linux", "/x"}}});
        FAIL() << "no error";
    } catch (const adl::Error& e) {
        EXPECT_NE(std::string(e.what()).find("expected --file linux-dtb=<host file>"),
                  std::string::npos)
            << e.what();
    }
}

// vmm_modules: at most vmm::vm_config::kMaxModules names, or an error at the attribute.
// vm_minimal with vm0.vmm_modules set to `names`.
adl::model::System vm_minimal_with_modules(const std::vector<std::string>& names) {
    auto system = tool_test::vm_minimal_system();
    adl::Value list;
    list.kind = adl::Value::Kind::List;
    for (const auto& n : names) {
        adl::Value name;
        name.kind = adl::Value::Kind::String;
        name.string = n;
        list.items.push_back(name);
    }
    bool set = false;
    for (auto& i : system.instances) {
        for (auto& a : i.attributes) {
            if (i.name == "vm0" && a.name == "vmm_modules") {
                a.value = list;
                set = true;
            }
        }
    }
    EXPECT_TRUE(set); // declared in VM.camkes, default []
    return system;
}

void expect_lowering_error(const adl::model::System& system, const std::string& message) {
    image::SystemBuilder b(qemu());
    try {
        (void)lowering::lower_system(system, b, {});
        FAIL() << "no error";
    } catch (const adl::Error& e) {
        EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    }
}

// Guest RAM the board does not have: an error at the address configuration, naming both.
TEST(Lowering, GuestRamOutsideTheBoardsRamIsAnErrorAtTheAddressConfig) {
    auto system = tool_test::vm_minimal_system();
    for (auto& i : system.instances) {
        if (i.name == "vm0") i.vm->layout.ram_paddr = base::PhysAddr{0x20000000};
    }
    expect_lowering_error(system, "'vm0.linux_address_config': guest RAM 0x20000000..0x40000000 "
                                  "is outside " BULKHEAD_REFERENCE_BOARD "'s RAM 0x40000000..");
    expect_lowering_error(system, "/devices.camkes:"); // where the attribute is set
}

TEST(Lowering, TooManyVmmModulesIsAnErrorNamingTheAttribute) {
    expect_lowering_error(
        vm_minimal_with_modules(std::vector<std::string>(9, "virtio_net")),
        "'vm0.vmm_modules' names more than 8 modules; expected at most that many");
}

TEST(Lowering, AVmmModuleNoDeviceTypeHasIsAnErrorWithTheNearestName) {
    // The list holds every device type VM.elf links (boards' modules too).
    expect_lowering_error(vm_minimal_with_modules({"virtio_nett"}),
                          "'vm0.vmm_modules' names 'virtio_nett', which no VMM device type has; "
                          "expected one of: virtio_con, virtio_con_pci, virtio_net, "
                          "virtio_net_pci");
    expect_lowering_error(vm_minimal_with_modules({"virtio_nett"}), "(did you mean 'virtio_net'?)");
    image::SystemBuilder b(qemu());
    EXPECT_NO_THROW((void)lowering::lower_system(vm_minimal_with_modules({"virtio_net"}), b, {}));
}

} // namespace

namespace {

// _affinity (upstream's per-instance CPU) pins the instance's thread; a CPU the board
// does not have is an error at the attribute, naming it and the board's range.
// Runs `lower`, which must fail with an error saying `message`; where the error points.
adl::SourceLocation lowering_error(const std::function<void()>& lower, const std::string& message) {
    try {
        lower();
        ADD_FAILURE() << "no error: " << message;
    } catch (const adl::Error& e) {
        EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
        return e.where();
    }
    return {};
}

std::string pinned(int cpu) {
    return std::string(kConnectors) + R"(
component Server { provides P p; control; }
component Client { uses P p; control; }
assembly {
    composition {
        component Server s; component Client c;
        connection seL4RPCCall sc(from c.p, to s.p);
    }
    configuration { c._affinity = )" +
           std::to_string(cpu) + R"(; }
}
)";
}

TEST(Lowering, AffinityPinsTheInstanceToACoreTheBoardHas) {
    const auto system = resolve(pinned(3));
    image::SystemBuilder b(qemu());
    const auto lowered = lowering::lower_system(system, b, {{"/c"}, {}});
    const auto& d = b.description();
    EXPECT_EQ(d.threads[lowered[0].thread->index].core, 0u);
    EXPECT_EQ(d.threads[lowered[1].thread->index].core, 3u);

    const auto beyond = resolve(pinned(4));
    image::SystemBuilder b2(qemu());
    const adl::SourceLocation at = lowering_error(
        [&] {
            (void)lowering::lower_system(beyond, b2, {{"/c"}, {}});
        },
        "'c._affinity' is 4; board 'qemu-arm-virt' has 4 CPUs, expected 0 to 3");
    EXPECT_NE(at.line, 0u); // at the attribute's value
}

// The cores of a VM's vCPUs (vm_lowerer.cpp's vcpu_core), as given to the kernel.
std::vector<uint32_t> vcpu_cores(std::optional<int64_t> affinity,
                                 std::vector<adl::model::VmConfig::VcpuCore> listed = {}) {
    auto system = tool_test::vm_minimal_system();
    for (auto& i : system.instances) {
        if (i.name != "vm0") continue;
        i.vm->num_vcpus = 4;
        i.vm->vcpu_affinity = std::move(listed);
        i.affinity = affinity;
    }
    image::SystemBuilder b(qemu());
    (void)lowering::lower_system(system, b, {});
    std::vector<uint32_t> cores;
    for (const auto& t : b.description().threads)
        if (t.vcpu) cores.push_back(t.core);
    return cores;
}

TEST(Lowering, VcpusGoToCoresCountedFromTheVmsAffinityOrAsListed) {
    // Upstream's rule (vCPU i on core i) from the VMM's core, wrapping at the board's 4.
    EXPECT_EQ(vcpu_cores(std::nullopt), (std::vector<uint32_t>{0, 1, 2, 3}));
    EXPECT_EQ(vcpu_cores(2), (std::vector<uint32_t>{2, 3, 0, 1}));
    // vcpu_affinity: several may share a core.
    EXPECT_EQ(vcpu_cores(1, {{3, {}}, {3, {}}, {0, {}}, {1, {}}}),
              (std::vector<uint32_t>{3, 3, 0, 1}));
    const adl::SourceLocation at = lowering_error(
        [] {
            (void)vcpu_cores(std::nullopt, {{0, {}}, {1, {}}, {4, {"app.camkes", 7, 9}}, {2, {}}});
        },
        "'vm0.vcpu_affinity' puts vCPU 2 on core 4; board 'qemu-arm-virt' has 4 CPUs, expected "
        "0 to 3");
    EXPECT_EQ(at.line, 7u); // at the list's entry
}

// The SerialServer's lowerer: the board's UART and its interrupt, one endpoint behind all
// its provides interfaces (badges numbered per interface), and for each getchar caller a
// capability to signal the caller's notification with a bit of its own.
TEST(Lowering, SerialServerSharesOneEndpointAndSignalsItsInputClients) {
    const auto system = resolve(std::string(kConnectors) + R"(
connector seL4SerialServer { from Procedures; to Procedure; }
procedure PutChar { void putchar(in int c); };
procedure Batch { void batch(); };
procedure GetChar { void init(); };
component SerialServer {
    provides PutChar processed_putchar; provides PutChar raw_putchar;
    provides Batch processed_batch; provides Batch raw_batch; provides GetChar getchar;
    control;
}
component Guest { uses Batch batch; uses GetChar serial_getchar; consumes E tick; control; }
component Native { uses PutChar putchar; control; }
component Ticker { emits E tick; control; }
assembly {
    composition {
        component SerialServer serial; component Guest g; component Native n;
        component Ticker t;
        connection seL4Notification tk(from t.tick, to g.tick);
        connection seL4SerialServer out(from g.batch, to serial.processed_batch);
        connection seL4SerialServer in(from g.serial_getchar, to serial.getchar);
        connection seL4RPCCall pc(from n.putchar, to serial.processed_putchar);
    }
}
)");
    image::SystemBuilder b(qemu());
    const auto lowered = lowering::lower_system(system, b, {{"/c"}, {}});
    const auto& d = b.description();
    const spec::Cap& batch = cap_of(d, lowered[1], "batch");
    const spec::Cap& input = cap_of(d, lowered[1], "serial_getchar");
    const spec::Cap& putchar = cap_of(d, lowered[2], "putchar");
    EXPECT_EQ(batch.object, input.object);
    EXPECT_EQ(batch.object, putchar.object);
    EXPECT_EQ(batch.badge, 0x301u); // processed_batch, first caller
    EXPECT_EQ(input.badge, 0x501u); // getchar
    EXPECT_EQ(putchar.badge, 0x101u);
    // The guest's input bit is its own, next to its event's, and the server holds the
    // capability that sets it.
    const uint64_t bit = lowered[1].interface("serial_getchar")->badge;
    EXPECT_NE(bit, 0u);
    EXPECT_EQ(bit & lowered[1].interface("tick")->badge, 0u);
    const spec::Cap& signal = cap_of(d, lowered[0], "getchar_signal_1281");
    EXPECT_EQ(signal.badge, bit);
    EXPECT_EQ(signal.object, lowered[1].notification->index);
    // A Batch caller can wake the server without a call: a send capability to the server's
    // notification with a bit of its own, which the caller's page names (wake_slot) and the
    // UART's interrupt does not use. Only GetChar callers are signalled and only Batch
    // callers wake: no other caller spends a bit of either notification word.
    const spec::Cap& wake = cap_of(d, lowered[1], "batch_wake");
    ASSERT_TRUE(lowered[0].notification.has_value());
    EXPECT_EQ(wake.object, lowered[0].notification->index);
    EXPECT_NE(wake.badge, 0u);
    EXPECT_EQ(lowered[1].interface("batch")->wake_slot, lowered[1].cap("batch_wake"));
    EXPECT_FALSE(lowered[1].cap("serial_getchar_wake").has_value());
    EXPECT_FALSE(lowered[1].interface("serial_getchar")->wake_slot.has_value());
    EXPECT_FALSE(lowered[0].cap("processed_batch_signal_769").has_value());
    EXPECT_FALSE(lowered[2].interface("putchar")->wake_slot.has_value()); // seL4RPCCall
    // The UART: its registers mapped, its interrupt on the server's notification.
    (void)cap_of(d, lowered[0], "uart_irq");
    ASSERT_EQ(d.irq_handlers.size(), 1u);
    EXPECT_EQ(d.irq_handlers[0].irq, qemu().console.irq);
    EXPECT_EQ(d.irq_handlers[0].badge & wake.badge, 0u);
}

} // namespace
