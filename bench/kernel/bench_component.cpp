// Kernel benchmark component, role by argument. Timestamps are PMCCNTR_EL0 reads;
// under QEMU -icount shift=0 the cycle counter counts retired instructions, and the
// kernel sets PMCCFILTR_EL0.NSH so that EL2 (the kernel) is counted too.
//  client:    call with its timestamp in MR0; the server answers with the one-way
//             call cost and its own timestamp taken just before replying.
//  server:    reply-receive loop measuring the call leg.
//  signaller: stores a timestamp, signals; the higher-priority waiter wakes.
//  waiter:    measures signal-to-wake, prints.
//  xclient:   the client's loop against xserver on core 1 (round trip only: the cores'
//             cycle counters are not comparable), then has it power off.
//  xserver:   the server's loop on core 1.
#include "bench_slots.hpp"

#include <runtime/capabilities.hpp>
#include <runtime/debug_print.hpp>

using namespace runtime;
using namespace kernel_bench;

namespace {

inline uint64_t now() {
    uint64_t v;
    asm volatile("mrs %0, pmccntr_el0" : "=r"(v)::"memory");
    return v;
}

uint64_t g_call[kSamples], g_reply[kSamples], g_round[kSamples], g_wake[kSamples];

uint64_t median(uint64_t* v, unsigned n) {
    for (unsigned i = 1; i < n; ++i)
        for (unsigned j = i; j > 0 && v[j - 1] > v[j]; --j) {
            const uint64_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return v[n / 2];
}

void report(const char* what, uint64_t* v) {
    const uint64_t med = median(v, kSamples);
    out() << "bench: " << what << " median " << Dec{med} << " instructions (min " << Dec{v[0]}
          << ", max " << Dec{v[kSamples - 1]} << ", n=" << Dec{kSamples} << ")\n";
}

// The call loop against the server at kSlot; kCross: its server is on another core
// (template parameters, so the same-core loop runs exactly the instructions it did).
template <unsigned kSlot, bool kCross> void client() {
    const EndpointCap server(Slot{kSlot});
    for (unsigned i = 0; i < kSamples + kWarmup; ++i) {
        Message m;
        const uint64_t t0 = now();
        m.mr[0] = t0;
        server.call(m);
        const uint64_t t3 = now();
        if (i < kWarmup) continue;
        g_call[i - kWarmup] = m.mr[0];
        g_reply[i - kWarmup] = t3 - m.mr[1];
        g_round[i - kWarmup] = t3 - t0;
    }
    if constexpr (kCross) {
        report("ipc round trip across cores (client core 0, server core 1)", g_round);
        Message stop;
        stop.mr[5] = kStop;
        server.call(stop);
        return;
    }
    report("ipc call (client call -> server has message)", g_call);
    report("ipc reply (server reply -> client has reply)", g_reply);
    report("ipc round trip (call + reply, as seen by the client)", g_round);
}

// Flattened: the kernel call inline in the loop, as before there were two servers.
template <unsigned kSlot, bool kCross> [[gnu::flatten]] void server() {
    const EndpointCap ep(Slot{kSlot});
    Message m;
    uint64_t badge;
    ep.recv(m, badge);
    for (;;) {
        if constexpr (kCross) {
            if (m.mr[5] == kStop) SystemControlCap(Slot{kPowerSlot}).power_off();
        }
        const uint64_t t1 = now();
        m.mr[0] = t1 - m.mr[0];
        m.mr[1] = now();
        ep.reply_recv(m, badge);
    }
}

void signaller() {
    auto* stamp = reinterpret_cast<volatile uint64_t*>(kSharedIpa);
    const NotificationCap n(Slot{kSignalSlot});
    for (unsigned i = 0; i < kSamples + kWarmup; ++i) {
        *stamp = now();
        n.signal();
    }
}

void waiter() {
    auto* stamp = reinterpret_cast<volatile const uint64_t*>(kSharedIpa);
    const NotificationCap n(Slot{kWaitSlot});
    for (unsigned i = 0; i < kSamples + kWarmup; ++i) {
        uint64_t bits;
        n.wait(bits);
        const uint64_t t = now();
        if (i >= kWarmup) g_wake[i - kWarmup] = t - *stamp;
    }
    report("notification signal -> waiter running", g_wake);
}

} // namespace

extern "C" void component_main(uint64_t role) {
    switch (role) {
    case Client:
        client<kCallSlot, false>();
        break;
    case CrossClient:
        client<kCrossCallSlot, true>();
        break;
    case Signaller:
        signaller();
        break;
    case Server:
        server<kServeSlot, false>();
        break;
    case CrossServer:
        server<kCrossServeSlot, true>();
        break;
    case Waiter:
        waiter();
        break;
    default:
        break;
    }
}
