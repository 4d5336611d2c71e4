// kernel_debug_lines: one printer per core writes long lines (three DebugWrite pieces
// each) at the same time as the others (kOverlap, debug_lines_slots.hpp); the test's
// failure pattern catches any line that does not arrive whole (another core's piece inside
// it). Printer 0 stops the others, waits until they have, says so and powers off.
#include "components/debug_lines_slots.hpp"

#include <runtime/capabilities.hpp>
#include <runtime/debug_print.hpp>

using namespace runtime;
using namespace debug_lines;

namespace {

class Printer {
public:
    explicit Printer(unsigned core) : core_(core) {
        for (unsigned i = 0; i < kLetters; ++i)
            letters_[i] = static_cast<char>('a' + core);
        letters_[kLetters] = '\0';
    }
    void line() {
        out() << "debug-lines: core " << Dec{core_} << " line ";
        for (unsigned d = 10000; d != 0; d /= 10)
            out() << Dec{n_ / d % 10};
        out() << ' ' << letters_ << " end\n";
        ++n_;
    }
    [[nodiscard]] unsigned count() const { return n_; }

private:
    unsigned core_;
    unsigned n_ = 0;
    char letters_[kLetters + 1];
};

// Printers 1 and 2: print, say so once, until stopped.
void print_until_stopped(unsigned core) {
    Printer p(core);
    const NotificationCap stop(Slot{kStopSlot});
    for (uint64_t bits = 0; bits == 0; (void)stop.poll(bits)) {
        p.line();
        if (p.count() == kRunningAfter) (void)NotificationCap(Slot{kReportSlot}).signal();
    }
    out() << "debug-lines: core " << Dec{core} << " stopped after " << Dec{p.count()} << " lines\n";
    (void)NotificationCap(Slot{kDoneSlot}).signal();
}

} // namespace

extern "C" void component_main(uint64_t arg) {
    const auto core = static_cast<unsigned>(arg);
    if (core != 0) {
        print_until_stopped(core);
        return;
    }
    uint64_t all_running = 0;
    uint64_t all_done = 0;
    for (unsigned n = 1; n < kPrinters; ++n) {
        all_running |= running_bit(n);
        all_done |= done_bit(n);
    }
    Printer p(0);
    const NotificationCap reports(Slot{kReportSlot});
    uint64_t seen = 0;
    while ((seen & all_running) != all_running) {
        uint64_t bits = 0;
        (void)reports.poll(bits);
        seen |= bits;
        p.line();
    }
    for (unsigned i = 0; i < kOverlap; ++i)
        p.line();
    for (unsigned n = 1; n < kPrinters; ++n)
        (void)NotificationCap(Slot{kStopSlot + n - 1}).signal();
    while ((seen & all_done) != all_done) {
        uint64_t bits = 0;
        if (reports.wait(bits) != Status::Ok) break;
        seen |= bits;
    }
    out() << "debug-lines: all " << Dec{kPrinters} << " printers done, core 0 after "
          << Dec{p.count()} << " lines\n";
    SystemControlCap(Slot{kPowerSlot}).power_off();
}
