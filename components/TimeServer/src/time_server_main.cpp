// The TimeServer component, as far as Bulkhead's apps need it: upstream's assemblies
// (vm_serial_server, vm_multi) instantiate one and connect the SerialServer's `timeout`
// to it, but nothing here waits for a timeout yet. `time()` answers the system counter in
// nanoseconds; oneshot_relative, periodic and stop answer -1 (not supported), so a client
// that relies on them learns it at its first call rather than waiting forever.
#include "TimeServer_glue.hpp"

#include <runtime/debug_print.hpp>
#include <runtime/rpc_transport.hpp>

using namespace runtime;
using Self = bulkhead::glue::TimeServer::Instance;

namespace {

uint64_t counter() {
    uint64_t v = 0;
    asm volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
    return v;
}
uint64_t frequency() {
    uint64_t v = 0;
    asm volatile("mrs %0, cntfrq_el0" : "=r"(v));
    return v;
}

struct Timers {
    uint64_t hz = frequency();
    int32_t oneshot_relative(uint64_t, int32_t, uint64_t) { return -1; }
    int32_t periodic(uint64_t, int32_t, uint64_t) { return -1; }
    int32_t stop(uint64_t, int32_t) { return -1; }
    uint64_t time(uint64_t) {
        const uint64_t c = counter();
        return hz == 0 ? 0 : c / hz * 1'000'000'000 + c % hz * 1'000'000'000 / hz;
    }
};

} // namespace

extern "C" void component_main(uint64_t) {
    const Self self = Self::mapped();
    if (!self.valid()) {
        out() << "timeserver: bad instance page\n";
        exit();
    }
    if (!self.the_timer_connected()) exit(); // nobody asks for the time
    static Timers timers;
    serve(self.the_timer_cap(), [](uint64_t badge, base::RpcMessage& m) {
        return bulkhead::glue::TimeServer::the_timer_dispatch(timers, badge, m);
    });
}
