// vm_cross_connector's native component (CrossvmInit.camkes): writes a line into the
// dataport the guest sees as its first cross-VM link's BAR1, then answers each `ready`
// (the guest's doorbell) with `done` (the link's interrupt in the guest), saying what the
// dataport holds then: the guest's writes land in the same frames, no copy.
#include "CrossvmInit_glue.hpp"

#include <runtime/capabilities.hpp>
#include <runtime/debug_print.hpp>

#include <algorithm>
#include <cstring>
#include <string_view>

using namespace runtime;

namespace {

constexpr std::string_view kGreeting = "This is a crossvm dataport test string\n";
// In the second dataport (upstream's component leaves it empty): what a guest that maps the
// VM's frames with map_frame_hack reads there (vm_cross_connector_frames).
constexpr std::string_view kSecond = "A second crossvm dataport\n";

// The dataport's text up to its first NUL or newline (at most 64 bytes) for the log.
std::string_view first_line(std::span<const std::byte> port) {
    const auto* text = reinterpret_cast<const char*>(port.data());
    std::size_t n = 0;
    while (n < port.size() && n < 64 && text[n] != '\0' && text[n] != '\n')
        ++n;
    return {text, n};
}

} // namespace

extern "C" void component_main(uint64_t) {
    const auto self = bulkhead::glue::CrossvmInit::Instance::mapped();
    if (!self.valid() || !self.dest_connected() || !self.ready_connected() ||
        !self.done_connected()) {
        out() << "crossvm_init: bad instance page or connections\n";
        return;
    }
    const std::span<std::byte> dest = self.dest_buffer().span();
    std::memset(dest.data(), 0, dest.size());
    std::memcpy(dest.data(), kGreeting.data(), kGreeting.size());
    if (self.src_connected()) {
        const std::span<std::byte> src = self.src_buffer().span();
        std::memcpy(src.data(), kSecond.data(), std::min(kSecond.size(), src.size()));
    }
    out() << "crossvm_init: wrote the test string into dest (" << Dec{dest.size()}
          << " bytes shared with the guest)\n";
    const NotificationCap mine(Slot{self.notification_slot()});
    uint64_t events = 0;
    for (;;) {
        uint64_t bits = 0;
        if (mine.wait(bits) != Status::Ok || (bits & self.ready_badge()) == 0) continue;
        ++events;
        // The first few events in full, then only at powers of two: a guest that emits
        // events back to back (bench/crossvm's round trips) does not flood the console.
        if (events <= 5 || (events & (events - 1)) == 0) {
            out() << "Got an event (" << Dec{events} << "): dest reads \"" << first_line(dest)
                  << "\"\n";
        }
        (void)NotificationCap(Slot{self.done_slot()}).signal();
    }
}
