// kernel_mapping_move: movable mappings (spec::Mapping::window_size, call MappingMove).
// One component in two domains: the mover holds two movable mappings in one window and a
// fault endpoint to the supervisor, which maps the mover's "shared" frames fixed.
#include "components/mapping_move_slots.hpp"
#include "systems/test_system.hpp"

#include <cstring>

using namespace mapping_move_test;

int main(int argc, char** argv) {
    return test_system::run(argc, argv, 1, [](const test_system::Args& a) {
        image::SystemBuilder sys(test_system::board());
        const auto mover = sys.add_domain("mover");
        const auto supervisor = sys.add_domain("supervisor");
        std::vector<uint8_t> text(sizeof kBootText);
        std::memcpy(text.data(), kBootText, sizeof kBootText);
        const auto shared = sys.add_ram("shared", kSharedSize, text);
        const auto other = sys.add_ram("other", kOtherSize);
        const base::Range<base::VirtAddr> window{base::VirtAddr{kWindowBase}, kWindowSize};
        const auto m1 = sys.map_movable(mover, shared, window, image::kRead | image::kWrite);
        const auto m2 = sys.map_movable(mover, other, window, image::kRead | image::kWrite);
        sys.map(supervisor, shared, base::VirtAddr{kPeerAt}, image::kRead);
        const auto wake = sys.add_notification("wake");
        const auto faults = sys.add_endpoint("faults");
        test_system::expect_slot(sys.give_cap(mover, image::mapping_cap(m1)), kSharedMappingSlot);
        test_system::expect_slot(sys.give_cap(mover, image::mapping_cap(m2)), kOtherMappingSlot);
        test_system::expect_slot(
            sys.give_cap(mover, image::notification_cap(wake, 1, spec::CapSend)), kPeerWakeSlot);
        test_system::expect_slot(
            sys.give_cap(supervisor, image::endpoint_cap(faults, 0, spec::CapReceive)), kFaultSlot);
        test_system::expect_slot(sys.give_cap(supervisor, image::system_control_cap()), kPowerSlot);
        test_system::expect_slot(
            sys.give_cap(supervisor, image::notification_cap(wake, 0, spec::CapReceive)),
            kWakeSlot);
        const auto mover_entry = sys.load_elf(mover, a.components[0]);
        const auto sup_entry = sys.load_elf(supervisor, a.components[0]);
        sys.add_thread(
            supervisor,
            {.name = "supervisor", .priority = 20, .entry = sup_entry, .arg = Supervisor});
        const auto t = sys.add_thread(
            mover, {.name = "mover", .priority = 10, .entry = mover_entry, .arg = Mover});
        sys.set_fault_endpoint(t, faults, 1);
        sys.pack(a.kernel, a.out);
    });
}
