// kernel_irq_uart: the PL011 page and its IRQ (from the board description) given
// to one driver domain through an IRQ handler and a notification.
#include "components/irq_slots.hpp"
#include "systems/test_system.hpp"

using namespace irq_test;

int main(int argc, char** argv) {
    return test_system::run(argc, argv, 1, [](const test_system::Args& a) {
        const image::Board& board = test_system::board();
        image::SystemBuilder sys(board);
        const auto d = sys.add_domain("uart");
        const auto n = sys.add_notification("uart-irq");
        const auto h = sys.add_irq_handler(board.console.irq, n, 0x2);
        const auto uart = sys.add_device("pl011", base::PhysRange{board.console.base, 0x1000});
        sys.map(d, uart, base::VirtAddr{kUartIpa}, image::kRead | image::kWrite);
        using test_system::expect_slot;
        expect_slot(sys.give_cap(d, image::notification_cap(n, 0, spec::CapReceive)),
                    kNotificationSlot);
        expect_slot(sys.give_cap(d, image::irq_handler_cap(h)), kIrqSlot);
        expect_slot(sys.give_cap(d, image::system_control_cap()), kPowerSlot);
        sys.add_thread(
            d, {.name = "uart", .priority = 100, .entry = sys.load_elf(d, a.components[0])});
        sys.pack(a.kernel, a.out);
    });
}
