// kernel_isolation echo server: answers every call with MR0 + 1.
#include "components/isolation_slots.hpp"

#include <runtime/capabilities.hpp>

using namespace runtime;

extern "C" void component_main(uint64_t) {
    const EndpointCap ep(Slot{isolation_test::kEchoServeSlot});
    Message m;
    uint64_t badge;
    ep.recv(m, badge);
    for (;;) {
        m.mr[0] += 1;
        ep.reply_recv(m, badge);
    }
}
