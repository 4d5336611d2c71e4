// kernel_notifications: three signallers with badges 1, 2, 4 and one waiter (OR);
// a server whose bound notification wakes it out of Recv.
#include "components/notification_slots.hpp"
#include "systems/test_system.hpp"

using namespace notification_test;

int main(int argc, char** argv) {
    return test_system::run(argc, argv, 1, [](const test_system::Args& a) {
        image::SystemBuilder sys(test_system::board());
        const auto w = sys.add_domain("waiters");
        const auto s = sys.add_domain("signallers");
        const auto n = sys.add_notification("N");
        const auto b = sys.add_notification("B");
        const auto e = sys.add_endpoint("E");
        using test_system::expect_slot;
        expect_slot(sys.give_cap(w, image::notification_cap(n, 0, spec::CapReceive)), kWaitSlot);
        expect_slot(sys.give_cap(w, image::system_control_cap()), kPowerSlot);
        expect_slot(sys.give_cap(w, image::endpoint_cap(e, 0, spec::CapReceive)), kServeSlot);
        for (uint64_t badge : {1, 2, 4})
            sys.give_cap(s, image::notification_cap(n, badge, spec::CapSend));
        expect_slot(sys.give_cap(s, image::notification_cap(n, 8, spec::CapSend)), kDoneSlot);
        expect_slot(sys.give_cap(s, image::notification_cap(b, 0x10, spec::CapSend)), kBoundSlot);
        expect_slot(sys.give_cap(s, image::endpoint_cap(e, 5, spec::CapSend)), kCallSlot);
        const auto entry_w = sys.load_elf(w, a.components[0]);
        const auto entry_s = sys.load_elf(s, a.components[0]);
        for (unsigned long slot = 1; slot <= 3; ++slot)
            sys.add_thread(s, {.name = "sig" + std::to_string(slot),
                               .priority = 100,
                               .entry = entry_s,
                               .arg = slot});
        const auto server = sys.add_thread(
            w, {.name = "server", .priority = 60, .entry = entry_w, .arg = kRoleServer});
        sys.bind_notification(server, b);
        sys.add_thread(w, {.name = "waiter", .priority = 50, .entry = entry_w, .arg = kRoleWaiter});
        sys.add_thread(s, {.name = "binder", .priority = 40, .entry = entry_s, .arg = kRoleBinder});
        sys.pack(a.kernel, a.out);
    });
}
