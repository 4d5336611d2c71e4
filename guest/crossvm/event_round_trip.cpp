// event_round_trip /dev/uioN <count>: <count> round trips guest -> native component ->
// guest over a cross-VM link whose native end answers each event the guest emits with one
// back (vm_cross_connector's CrossvmInit): ring the doorbell, sleep in the uio device until
// the interrupt, acknowledge it. Prints the counter ticks they took and the counter's
// frequency (under QEMU's -icount shift=0, nanoseconds are instructions: bench/vchan).
#include "crossvm_uio.hpp"
#include "linux_syscall.hpp"

int main(int argc, char** argv) {
    if (argc < 3) guest::fail("event_round_trip", "usage: event_round_trip /dev/uioN count");
    const guest::CrossvmLink link = guest::open_link(argv[1], false);
    const size_t count = guest::number(argv[2]);
    // An event left pending from before is taken first.
    guest::set_reg(link, crossvm::reg::kAck, crossvm::kStatusEvent);
    const uint64_t start = guest::counter().ticks;
    for (size_t i = 0; i < count; ++i) {
        guest::set_reg(link, crossvm::reg::kDoorbell, 1);
        for (;;) {
            guest::unmask_interrupt(link);
            if ((guest::reg(link, crossvm::reg::kStatus) & crossvm::kStatusEvent) != 0) break;
            int32_t events = 0;
            if (guest::read(link.uio, &events, sizeof events) != sizeof events)
                guest::fail("event_round_trip", "reading the uio device failed");
        }
        guest::set_reg(link, crossvm::reg::kAck, crossvm::kStatusEvent);
    }
    const uint64_t ticks = guest::counter().ticks - start;
    guest::print(1, "event_round_trip: ");
    guest::print_number(count);
    guest::print(1, " round trips in ");
    guest::print_number(ticks);
    guest::print(1, " ticks at ");
    guest::print_number(guest::counter().frequency);
    guest::print(1, " Hz\n");
    return 0;
}
