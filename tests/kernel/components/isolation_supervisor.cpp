// kernel_isolation supervisor: the attackers' fault handler. Reports each fault
// message and checks, after each, that the echo domain still answers IPC.
#include "components/isolation_slots.hpp"

#include <runtime/capabilities.hpp>
#include <runtime/debug_print.hpp>

using namespace runtime;
using namespace isolation_test;

extern "C" void component_main(uint64_t) {
    const EndpointCap faults(Slot{kFaultEndpointSlot});
    const EndpointCap echo(Slot{kEchoSlot});
    unsigned seen = 0;
    while (seen < kFaultingActs) {
        Message m;
        uint64_t badge = 0;
        if (faults.recv(m, badge) != Status::Ok) continue;
        ++seen;
        out() << "supervisor: fault act " << Dec{badge} << " kind " << Dec{m.mr[0]} << " addr "
              << Hex{m.mr[1]} << " esr " << Hex{m.mr[2]} << " pc " << Hex{m.mr[3]} << "\n";
        // Not replying leaves the faulting thread stopped.
        Message ping;
        ping.mr[0] = 1000 + badge;
        const Status s = echo.call(ping);
        out() << "supervisor: echo answered " << Dec{ping.mr[0]} << " status "
              << Dec{static_cast<uint64_t>(s)} << "\n";
    }
    out() << "isolation: all faults reported\n";
    SystemControlCap(Slot{kPowerSlot}).power_off();
}
