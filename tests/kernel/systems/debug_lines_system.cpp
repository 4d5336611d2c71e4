// kernel_debug_lines: three printers, one per core, each its own domain (see
// components/debug_lines.cpp): printers 1 and 2 report to printer 0's notification and
// poll their own stop notification, which printer 0 signals.
#include "components/debug_lines_slots.hpp"
#include "systems/test_system.hpp"

#include <string>
#include <vector>

using namespace debug_lines;

int main(int argc, char** argv) {
    return test_system::run(argc, argv, 1, [](const test_system::Args& a) {
        using test_system::expect_slot;
        image::SystemBuilder sys(test_system::board());
        const auto reports = sys.add_notification("reports");
        std::vector<image::DomainId> domains;
        std::vector<image::NotificationId> stop;
        for (unsigned core = 0; core < kPrinters; ++core) {
            domains.push_back(sys.add_domain("printer" + std::to_string(core)));
            stop.push_back(sys.add_notification("stop" + std::to_string(core)));
        }
        expect_slot(sys.give_cap(domains[0], image::notification_cap(reports, 0, spec::CapReceive)),
                    kReportSlot);
        for (unsigned n = 1; n < kPrinters; ++n)
            expect_slot(
                sys.give_cap(domains[0], image::notification_cap(stop[n], 1, spec::CapSend)),
                kStopSlot + n - 1);
        expect_slot(sys.give_cap(domains[0], image::system_control_cap()), kPowerSlot);
        for (unsigned n = 1; n < kPrinters; ++n) {
            expect_slot(sys.give_cap(domains[n], image::notification_cap(reports, running_bit(n),
                                                                         spec::CapSend)),
                        kReportSlot);
            expect_slot(
                sys.give_cap(domains[n], image::notification_cap(stop[n], 0, spec::CapReceive)),
                kStopSlot);
            expect_slot(sys.give_cap(domains[n],
                                     image::notification_cap(reports, done_bit(n), spec::CapSend)),
                        kDoneSlot);
        }
        for (unsigned core = 0; core < kPrinters; ++core) {
            sys.add_thread(domains[core], {.name = "printer" + std::to_string(core),
                                           .priority = 50,
                                           .entry = sys.load_elf(domains[core], a.components[0]),
                                           .arg = core,
                                           .core = core});
        }
        sys.pack(a.kernel, a.out);
    });
}
