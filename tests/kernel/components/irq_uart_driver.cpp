// kernel_irq_uart: a UART receive driver at EL0. It owns the PL011's receiver and
// interrupt (the kernel only ever transmits on it): enables the RX interrupt, waits
// on the notification its IRQ handler signals, drains the FIFO, acks the IRQ.
#include "components/irq_slots.hpp"

#include <pl011_receiver.hpp>
#include <runtime/capabilities.hpp>
#include <runtime/debug_print.hpp>

using namespace runtime;
using namespace irq_test;

extern "C" void component_main(uint64_t) {
    const NotificationCap n(Slot{kNotificationSlot});
    const IrqHandlerCap irq(Slot{kIrqSlot});
    test_support::Pl011Receiver uart(reinterpret_cast<volatile uint32_t*>(kUartIpa));
    uart.enable_interrupts();
    out() << "uart: driver ready\n";
    unsigned lines = 0, interrupts = 0;
    while (lines < kLines) {
        uint64_t bits = 0;
        n.wait(bits);
        ++interrupts;
        lines += uart.drain([&](const char* line) {
            out() << "uart: got line '" << line << "' (irq bits " << Hex{bits} << ", "
                  << Dec{interrupts} << " interrupts so far)\n";
        });
        irq.ack();
    }
    SystemControlCap(Slot{kPowerSlot}).power_off();
}
