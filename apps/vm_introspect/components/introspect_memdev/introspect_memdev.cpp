// vm_introspect's native component (introspect_memdev.camkes): on each `ready` from the
// guest it reads the guest-physical address the guest left in `introspect_data`, looks
// there through `memdev`, its read-only window onto guest RAM, prints the ten 32-bit
// numbers it finds (upstream's component prints the guest's Fibonacci numbers), and
// answers with `done`. An address outside the window is reported and not followed.
#include "introspect_memdev_glue.hpp"

#include <runtime/capabilities.hpp>
#include <runtime/debug_print.hpp>

#include <cstdint>
#include <cstring>

using namespace runtime;

namespace {

constexpr uint64_t kCount = 10;
// Where the window starts in the guest: guest RAM's base, where vm_introspect's
// devices.camkes puts it (1:1) and `vm_memdev.paddr` shares it from, as upstream's component
// assumes too (its RAM_BASE). The type has no attribute for it: upstream's assembly declares
// the type inline, and the page is written for that definition.
constexpr uint64_t kWindowGuestBase = 0x40000000;

} // namespace

extern "C" void component_main(uint64_t) {
    const auto self = bulkhead::glue::introspect_memdev::Instance::mapped();
    if (!self.valid() || !self.memdev_connected() || !self.introspect_data_connected() ||
        !self.ready_connected() || !self.done_connected()) {
        out() << "introspect: bad instance page or connections\n";
        return;
    }
    const std::span<const std::byte> window = self.memdev_buffer().span();
    const std::span<const std::byte> published = self.introspect_data_buffer().span();
    const uint64_t base = kWindowGuestBase;
    out() << "introspect: guest RAM window " << Hex{base} << ".." << Hex{base + window.size()}
          << " mapped read-only\n";
    const NotificationCap mine(Slot{self.notification_slot()});
    for (;;) {
        uint64_t bits = 0;
        if (mine.wait(bits) != Status::Ok || (bits & self.ready_badge()) == 0) continue;
        uint64_t address = 0;
        std::memcpy(&address, published.data(), sizeof address);
        out() << "introspect: Got an event: the guest published " << Hex{address} << "\n";
        const uint64_t bytes = kCount * sizeof(uint32_t);
        if (address < base || address - base > window.size() ||
            window.size() - (address - base) < bytes) {
            out() << "introspect: " << Hex{address} << " is outside the window; not followed\n";
        } else {
            uint32_t values[kCount];
            std::memcpy(values, window.data() + (address - base), bytes);
            out() << "introspect: at " << Hex{address} << ":";
            for (const uint32_t v : values)
                out() << " " << Dec{v};
            out() << "\n";
        }
        (void)NotificationCap(Slot{self.done_slot()}).signal();
    }
}
