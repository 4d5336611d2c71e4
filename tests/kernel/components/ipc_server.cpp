// kernel_ipc_pingpong server: replies to each call with every message register
// transformed (~mr + index) and checks the caller's badge.
#include "components/ipc_slots.hpp"

#include <runtime/capabilities.hpp>
#include <runtime/debug_print.hpp>

using namespace runtime;

extern "C" void component_main(uint64_t) {
    const EndpointCap ep(Slot{ipc_test::kEndpointSlot});
    Message m;
    uint64_t badge = 0;
    Status s = ep.recv(m, badge);
    for (;;) {
        if (s != Status::Ok || badge != ipc_test::kClientBadge) {
            out() << "ipc server: bad receive, status " << Dec{static_cast<uint64_t>(s)}
                  << " badge " << Hex{badge} << "\n";
            exit();
        }
        for (unsigned r = 0; r < call_abi::kMessageRegisters; ++r)
            m.mr[r] = ~m.mr[r] + r;
        s = ep.reply_recv(m, badge);
    }
}
