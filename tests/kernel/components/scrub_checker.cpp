// kernel_ram_scrub component, run in two domains. The first (higher priority) reads all
// of the junk-filled RAM it was given and finds zeroes, then leaves a pattern; the second
// sees the same region through 4 KiB pages: the pattern is still there (a chunk is zeroed
// once, whichever domain touches it first) and the chunks nobody touched read zero.
#include "components/scrub_slots.hpp"

#include <runtime/capabilities.hpp>
#include <runtime/debug_print.hpp>

using namespace scrub_test;

namespace {

// Non-zero 64-bit words in [at, at + size).
uint64_t nonzero_words(uint64_t at, uint64_t size) {
    uint64_t count = 0;
    for (uint64_t p = at; p < at + size; p += 8)
        count += *reinterpret_cast<volatile const uint64_t*>(p) != 0 ? 1 : 0;
    return count;
}

constexpr uint64_t kPattern = 0x5eedf00dcafe0001ull;

} // namespace

extern "C" void component_main(uint64_t role) {
    if (role == First) {
        runtime::out() << "scrub: first domain, lazy region " << runtime::Dec{kLazySize >> 20}
                       << " MiB: " << runtime::Dec{nonzero_words(kFirstLazyAt, kLazySize)}
                       << " non-zero words, eager region: "
                       << runtime::Dec{nonzero_words(kFirstEagerAt, kEagerSize)}
                       << " non-zero words\n";
        *reinterpret_cast<volatile uint64_t*>(kFirstLazyAt + kPatternOffset) = kPattern;
        runtime::exit();
    }
    // The second domain maps the region from its second page on, at kSecondLazyAt.
    const uint64_t base = kSecondLazyAt - 0x1000;
    const bool kept =
        *reinterpret_cast<volatile const uint64_t*>(base + kPatternOffset) == kPattern;
    runtime::out() << "scrub: second domain, pattern " << (kept ? "kept" : "LOST")
                   << ", last chunk: "
                   << runtime::Dec{nonzero_words(base + kLazySize - 0x200000, 0x200000)}
                   << " non-zero words\n";
    runtime::SystemControlCap(runtime::Slot{kPowerSlot}).power_off();
}
