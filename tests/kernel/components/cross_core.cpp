// kernel_cross_core: ping (core 0) and pong (core 1) bounce a notification back and
// forth kRounds times, every wake-up crossing cores through the reschedule SGI; each
// wait must return exactly the peer's badge. A spinner at the highest priority never
// yields core 2 (ping starts only once the spinner has signalled that it runs): on one
// core it would starve both, so their finishing shows the cores run independently.
#include "components/cross_core_slots.hpp"

#include <runtime/capabilities.hpp>
#include <runtime/debug_print.hpp>

using namespace runtime;
using namespace cross_core;

namespace {

// Waits for one signal; true if it carries exactly `badge`.
bool await(const NotificationCap& own, uint64_t badge) {
    uint64_t bits = 0;
    return own.wait(bits) == Status::Ok && bits == badge;
}

void ping() {
    const NotificationCap peer(Slot{kSendSlot});
    const NotificationCap own(Slot{kWaitSlot});
    unsigned bad = 0;
    if (!await(own, kSpinnerBadge)) ++bad;
    for (unsigned i = 0; i < kRounds; ++i) {
        if (peer.signal() != Status::Ok) ++bad;
        if (!await(own, kPongBadge)) ++bad;
    }
    out() << "cross-core: " << Dec{kRounds} << " notification round trips, " << Dec{bad}
          << " wrong\n";
    SystemControlCap(Slot{kPowerSlot}).power_off();
}

void pong() {
    const NotificationCap peer(Slot{kSendSlot});
    const NotificationCap own(Slot{kWaitSlot});
    for (;;) {
        if (!await(own, kPingBadge)) out() << "cross-core: pong woke with a wrong badge\n";
        (void)peer.signal();
    }
}

void spinner() {
    out() << "cross-core: spinner running\n";
    (void)NotificationCap(Slot{kSendSlot}).signal();
    for (volatile uint64_t n = 0;; n = n + 1) {
    }
}

} // namespace

extern "C" void component_main(uint64_t role) {
    switch (role) {
    case Ping:
        ping();
        break;
    case Pong:
        pong();
        break;
    case Spinner:
        spinner();
        break;
    default:
        break;
    }
}
