// kernel_preemption: a high-priority domain sleeping on a timer interrupt and two
// equal low-priority spinners sharing a counters page with it.
#include "components/preemption_slots.hpp"
#include "systems/test_system.hpp"

using namespace preemption_test;

int main(int argc, char** argv) {
    return test_system::run(argc, argv, 2, [](const test_system::Args& a) {
        const image::Board& board = test_system::board();
        image::SystemBuilder sys(board);
        const auto high = sys.add_domain("high");
        const auto low = sys.add_domain("spinners");
        const auto n = sys.add_notification("tick");
        const auto h = sys.add_irq_handler(board.phys_timer_irq, n, 1);
        const auto counters = sys.add_ram("counters", 4096);
        sys.map(high, counters, base::VirtAddr{kCountersIpa}, image::kRead);
        sys.map(low, counters, base::VirtAddr{kCountersIpa}, image::kRead | image::kWrite);
        using test_system::expect_slot;
        expect_slot(sys.give_cap(high, image::notification_cap(n, 0, spec::CapReceive)),
                    kNotificationSlot);
        expect_slot(sys.give_cap(high, image::irq_handler_cap(h)), kIrqSlot);
        expect_slot(sys.give_cap(high, image::system_control_cap()), kPowerSlot);
        sys.add_thread(
            high, {.name = "high", .priority = 200, .entry = sys.load_elf(high, a.components[0])});
        const auto spin = sys.load_elf(low, a.components[1]);
        sys.add_thread(low, {.name = "spin0", .priority = 10, .entry = spin, .arg = 0});
        sys.add_thread(low, {.name = "spin1", .priority = 10, .entry = spin, .arg = 1});
        sys.pack(a.kernel, a.out);
    });
}
