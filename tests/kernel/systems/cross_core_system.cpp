// kernel_cross_core: ping pinned to core 0, pong to core 1, a never-yielding spinner at
// priority 255 on core 2 (see components/cross_core.cpp). Each role is its own domain.
#include "components/cross_core_slots.hpp"
#include "systems/test_system.hpp"

using namespace cross_core;

int main(int argc, char** argv) {
    return test_system::run(argc, argv, 1, [](const test_system::Args& a) {
        image::SystemBuilder sys(test_system::board());
        const auto ping = sys.add_domain("ping");
        const auto pong = sys.add_domain("pong");
        const auto spin = sys.add_domain("spinner");
        const auto to_ping = sys.add_notification("to-ping");
        const auto to_pong = sys.add_notification("to-pong");
        using test_system::expect_slot;
        expect_slot(sys.give_cap(ping, image::notification_cap(to_pong, kPingBadge, spec::CapSend)),
                    kSendSlot);
        expect_slot(sys.give_cap(ping, image::notification_cap(to_ping, 0, spec::CapReceive)),
                    kWaitSlot);
        expect_slot(sys.give_cap(ping, image::system_control_cap()), kPowerSlot);
        expect_slot(sys.give_cap(pong, image::notification_cap(to_ping, kPongBadge, spec::CapSend)),
                    kSendSlot);
        expect_slot(sys.give_cap(pong, image::notification_cap(to_pong, 0, spec::CapReceive)),
                    kWaitSlot);
        expect_slot(
            sys.give_cap(spin, image::notification_cap(to_ping, kSpinnerBadge, spec::CapSend)),
            kSendSlot);
        sys.add_thread(spin, {.name = "spinner",
                              .priority = 255,
                              .entry = sys.load_elf(spin, a.components[0]),
                              .arg = Spinner,
                              .core = 2});
        sys.add_thread(pong, {.name = "pong",
                              .priority = 50,
                              .entry = sys.load_elf(pong, a.components[0]),
                              .arg = Pong,
                              .core = 1});
        sys.add_thread(ping, {.name = "ping",
                              .priority = 50,
                              .entry = sys.load_elf(ping, a.components[0]),
                              .arg = Ping,
                              .core = 0});
        sys.pack(a.kernel, a.out);
    });
}
