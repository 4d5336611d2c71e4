// kernel_irq_uart: a UART receive driver at EL0. It owns the PL011's receiver and
// interrupt (the kernel only ever transmits on it): enables the RX interrupt, waits
// on the notification its IRQ handler signals, drains the FIFO, acks the IRQ.
#include "components/irq_slots.hpp"

#include <runtime/capabilities.hpp>
#include <runtime/debug_print.hpp>

using namespace runtime;
using namespace irq_test;

namespace {

constexpr unsigned long kDr = 0x000, kFr = 0x018, kImsc = 0x038, kIcr = 0x044;
constexpr uint32_t kRxFifoEmpty = 1u << 4;
constexpr uint32_t kRxInterrupt = 1u << 4, kRxTimeoutInterrupt = 1u << 6;

volatile uint32_t& reg(unsigned long off) {
    return *reinterpret_cast<volatile uint32_t*>(kUartIpa + off);
}

} // namespace

extern "C" void component_main(uint64_t) {
    const NotificationCap n(Slot{kNotificationSlot});
    const IrqHandlerCap irq(Slot{kIrqSlot});
    reg(kImsc) = reg(kImsc) | kRxInterrupt | kRxTimeoutInterrupt;
    out() << "uart: driver ready\n";
    char line[64];
    unsigned len = 0, lines = 0, interrupts = 0;
    while (lines < kLines) {
        uint64_t bits = 0;
        n.wait(bits);
        ++interrupts;
        // Clear before draining: a character arriving after the last FIFO check
        // then raises a fresh interrupt instead of having its interrupt cleared.
        reg(kIcr) = kRxInterrupt | kRxTimeoutInterrupt;
        while ((reg(kFr) & kRxFifoEmpty) == 0) {
            const char c = static_cast<char>(reg(kDr) & 0xff);
            if (c == '\r' || c == '\n') {
                if (len == 0) continue;
                line[len] = '\0';
                out() << "uart: got line '" << line << "' (irq bits " << Hex{bits} << ", "
                      << Dec{interrupts} << " interrupts so far)\n";
                len = 0;
                ++lines;
            } else if (len + 1 < sizeof line) {
                line[len++] = c;
            }
        }
        irq.ack();
    }
    SystemControlCap(Slot{kPowerSlot}).power_off();
}
