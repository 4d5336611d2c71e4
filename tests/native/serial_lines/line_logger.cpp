// serial_lines' LineLogger (LineLogger.camkes): prints numbered lines of 120 bytes with
// out() (the kernel's debug console, three pieces each) as fast as it can until its
// talker signals `stop`, then how many.
#include "LineLogger_glue.hpp"

#include <runtime/debug_print.hpp>

using namespace runtime;
using Self = bulkhead::glue::LineLogger::Instance;

extern "C" void component_main(uint64_t) {
    const Self self = Self::mapped();
    if (!self.valid() || !self.stop_connected()) {
        out() << "lines-log: bad instance page\n";
        exit();
    }
    const NotificationCap mine(Slot{self.notification_slot()});
    unsigned n = 0;
    for (uint64_t bits = 0; (bits & self.stop_badge()) == 0; (void)mine.poll(bits)) {
        out() << "lines-log: " << self.name() << " line ";
        for (unsigned d = 10000; d != 0; d /= 10)
            out() << Dec{n / d % 10};
        out() << " lllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllll"
                 "lllllllllll end\n";
        ++n;
    }
    out() << "lines-log: " << self.name() << " stopped after " << Dec{n} << " lines\n";
}
