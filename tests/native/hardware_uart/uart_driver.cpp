// hardware_uart's driver (UartDriver.camkes): enables the PL011's receive interrupts in the
// registers its `regs` dataport maps, waits on its bound notification for the `rx` event
// (the UART's interrupt), drains the FIFO, and acknowledges the interrupt through the
// capability its instance page names. Everything it touches comes from its glue.
#include "UartDriver_glue.hpp"

#include <pl011_receiver.hpp>
#include <runtime/capabilities.hpp>
#include <runtime/debug_print.hpp>

using namespace runtime;
using Self = bulkhead::glue::UartDriver::Instance;

extern "C" void component_main(uint64_t) {
    const Self self = Self::mapped();
    if (!self.valid() || !self.regs_connected() || !self.rx_connected() ||
        self.regs_buffer().size < 0x1000) {
        out() << "uart: bad instance page\n";
        exit();
    }
    test_support::Pl011Receiver uart(reinterpret_cast<volatile uint32_t*>(self.regs_buffer().data));
    const IrqHandlerCap irq(Slot{self.rx_slot()});
    uart.enable_interrupts();
    out() << "uart: driver ready, rx is bit " << Hex{self.rx_badge()} << "\n";
    unsigned interrupts = 0;
    int64_t lines = 0;
    while (lines < self.lines()) {
        uint64_t bits = 0;
        (void)self.notification().wait(bits);
        if ((bits & self.rx_badge()) == 0) continue;
        ++interrupts;
        lines += uart.drain([&](const char* line) {
            out() << "uart: got line '" << line << "' (" << Dec{interrupts}
                  << " interrupts so far)\n";
        });
        (void)irq.ack();
    }
    out() << "uart: " << Dec{static_cast<uint64_t>(lines)} << " lines, done\n";
}
