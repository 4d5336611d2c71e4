// kernel_thread_control controller: resumes a thread created suspended, restarts a
// faulting thread by replying to its fault, suspends and resumes a running thread,
// and watches two threads alternate through yield.
#include "components/thread_control_slots.hpp"

#include <runtime/capabilities.hpp>
#include <runtime/debug_print.hpp>

using namespace runtime;
using namespace thread_control_test;

namespace {

uint64_t status(Status s) {
    return static_cast<uint64_t>(s);
}

void fault_restart() {
    const EndpointCap faults(Slot{kFaultSlot});
    ThreadCap(Slot{kFaulterSlot}).resume();
    Message m;
    uint64_t badge;
    faults.recv(m, badge);
    const uint64_t first_pc = m.mr[3];
    faults.reply_recv(m, badge); // restart it: it faults again at the same place
    out() << "ctl: fault kind " << Dec{m.mr[0]} << " again at "
          << (m.mr[3] == first_pc ? "the same pc" : "another pc") << "\n";
    out() << "ctl: suspend faulter -> " << Dec{status(ThreadCap(Slot{kFaulterSlot}).suspend())}
          << "\n";
    Message none;
    out() << "ctl: reply with no caller -> " << Dec{status(reply(none))} << "\n";
}

void suspend_resume() {
    const ThreadCap worker(Slot{kWorkerSlot});
    auto* shared = reinterpret_cast<volatile const uint64_t*>(kSharedIpa);
    yield(); // let the worker count for a timeslice
    worker.suspend();
    const uint64_t at_suspend = shared[0];
    for (int i = 0; i < 100; ++i)
        yield();
    const bool stood_still = shared[0] == at_suspend;
    worker.resume();
    yield();
    const bool moved_on = shared[0] > at_suspend;
    out() << "ctl: suspended worker " << (stood_still ? "stood still" : "kept running")
          << ", resumed worker " << (moved_on ? "ran" : "did not run") << "\n";
    worker.suspend();
}

void yielders() {
    auto* shared = reinterpret_cast<volatile const uint64_t*>(kSharedIpa);
    uint64_t bits;
    NotificationCap(Slot{kDoneSlot}).wait(bits);
    out() << "ctl: yielders switched " << Dec{shared[2]} << " times in " << Dec{2 * kYields}
          << " yields: " << (shared[2] > kYields ? "alternating" : "not alternating") << "\n";
    out() << "ctl: worker domain constructors ran " << Dec{shared[4]} << " time(s)\n";
}

} // namespace

extern "C" void component_main(uint64_t) {
    fault_restart();
    suspend_resume();
    yielders();
    SystemControlCap(Slot{kPowerSlot}).power_off();
}
