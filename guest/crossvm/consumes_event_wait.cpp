// consumes_event_wait /dev/uioN: waits until the native component emits the event the VM
// consumes, and acknowledges it, as upstream's program of that name does. uio_pci_generic
// masks INTx in its handler (the command register's Interrupt Disable), which this clears
// again; reading the uio device blocks until the next interrupt. An interrupt counted
// before this started only makes one more turn.
#include "crossvm_uio.hpp"

int main(int argc, char** argv) {
    if (argc < 2) guest::fail("consumes_event_wait", "usage: consumes_event_wait /dev/uioN");
    guest::wait_event(guest::open_link(argv[1], false), "consumes_event_wait");
    return 0;
}
