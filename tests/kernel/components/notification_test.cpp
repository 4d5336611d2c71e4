// kernel_notifications: one program, role by argument.
//  signallers (args 1..3, high priority) each signal N once with their badge;
//  waiter: one wait sees the OR of all three, poll then sees nothing;
//  server: blocked in Recv, woken by its bound notification, then by a message;
//  binder: signals the bound notification, calls the server, tells the waiter.
#include "components/notification_slots.hpp"

#include <runtime/capabilities.hpp>
#include <runtime/debug_print.hpp>

using namespace runtime;
using namespace notification_test;

namespace {

void waiter() {
    const NotificationCap n(Slot{kWaitSlot});
    uint64_t bits = 0;
    n.wait(bits);
    out() << "waiter: one wait returned bits " << Hex{bits} << "\n";
    uint64_t again = 99;
    n.poll(again);
    out() << "waiter: poll after wait returned " << Hex{again} << "\n";
    n.wait(bits);
    out() << "waiter: done signal bits " << Hex{bits} << "\n";
    SystemControlCap(Slot{kPowerSlot}).power_off();
}

void server() {
    const EndpointCap ep(Slot{kServeSlot});
    Message m;
    uint64_t badge = 0;
    Status s = ep.recv(m, badge);
    out() << "server: recv returned status " << Dec{static_cast<uint64_t>(s)} << " bits "
          << Hex{badge} << "\n";
    s = ep.recv(m, badge);
    out() << "server: message " << Dec{m.mr[0]} << " badge " << Dec{badge} << " status "
          << Dec{static_cast<uint64_t>(s)} << "\n";
    m.mr[0] += 1;
    reply(m);
}

void binder() {
    NotificationCap(Slot{kBoundSlot}).signal();
    Message m;
    m.mr[0] = 77;
    EndpointCap(Slot{kCallSlot}).call(m);
    out() << "binder: reply " << Dec{m.mr[0]} << "\n";
    NotificationCap(Slot{kDoneSlot}).signal();
}

} // namespace

extern "C" void component_main(uint64_t role) {
    switch (role) {
    case kRoleWaiter:
        waiter();
        break;
    case kRoleServer:
        server();
        break;
    case kRoleBinder:
        binder();
        break;
    default:
        NotificationCap(Slot{static_cast<uint32_t>(role)}).signal();
        break;
    }
}
