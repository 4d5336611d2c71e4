// consumes_event_wait /dev/uioN: waits until the native component emits the event the VM
// consumes, and acknowledges it, as upstream's program of that name does. uio_pci_generic
// masks INTx in its handler (the command register's Interrupt Disable), which this clears
// again; reading the uio device blocks until the next interrupt. An interrupt counted
// before this started only makes one more turn.
#include "crossvm_uio.hpp"
#include "linux_syscall.hpp"

int main(int argc, char** argv) {
    if (argc < 2) guest::fail("consumes_event_wait", "usage: consumes_event_wait /dev/uioN");
    const guest::CrossvmLink link = guest::open_link(argv[1], false);
    for (;;) {
        guest::unmask_interrupt(link);
        if ((guest::reg(link, crossvm::reg::kStatus) & crossvm::kStatusEvent) != 0) {
            guest::set_reg(link, crossvm::reg::kAck, crossvm::kStatusEvent);
            guest::print(1, "consumes_event_wait: got the event\n");
            return 0;
        }
        int32_t count = 0;
        if (guest::read(link.uio, &count, sizeof count) != sizeof count)
            guest::fail("consumes_event_wait", "reading the uio device failed");
    }
}
