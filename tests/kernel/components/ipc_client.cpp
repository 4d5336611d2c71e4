// kernel_ipc_pingpong client: 10,000 calls, every message register checked on the
// way back (the server transforms each one differently).
#include "components/ipc_slots.hpp"

#include <runtime/capabilities.hpp>
#include <runtime/debug_print.hpp>

using namespace runtime;

extern "C" void component_main(uint64_t) {
    const EndpointCap server(Slot{ipc_test::kEndpointSlot});
    unsigned bad = 0;
    for (uint64_t i = 0; i < ipc_test::kRoundTrips; ++i) {
        Message m;
        for (unsigned r = 0; r < call_abi::kMessageRegisters; ++r)
            m.mr[r] = i * 8 + r;
        const Status s = server.call(m);
        for (unsigned r = 0; r < call_abi::kMessageRegisters; ++r)
            if (s != Status::Ok || m.mr[r] != ~(i * 8 + r) + r) ++bad;
        if (bad != 0) {
            out() << "ipc: round trip " << Dec{i} << " wrong reply (status "
                  << Dec{static_cast<uint64_t>(s)} << ")\n";
            break;
        }
    }
    if (bad == 0) out() << "ipc: " << Dec{ipc_test::kRoundTrips} << " round trips, payload ok\n";
    SystemControlCap(Slot{ipc_test::kPowerSlot}).power_off();
}
