// RAM scrubbing: a domain never sees what was in its RAM before boot. Regions are
// zeroed at boot, except those the spec marks zero-on-first-touch, which are zeroed
// one 2 MiB chunk at a time when any domain first touches the chunk (their stage-2
// leaves stay invalid until then, see Stage2Space::map).
#pragma once

#include <arch/esr.hpp>

#include <cstdint>

namespace kernel {
class Stage2Space;
}

namespace kernel::ram_scrub {

// Chunks are 2 MiB aligned in physical memory, so one 2 MiB stage-2 block is one chunk.
inline constexpr uint64_t kChunkSize = 2ull << 20;
// What an idle core zeroes between two looks for a pending interrupt (zero_next_piece).
inline constexpr uint64_t kPieceSize = 64ull << 10;

// Zeroes [p, end) of identity-mapped normal memory now (a region not deferred).
void zero_at_boot(uint64_t p, uint64_t end);

// Takes a zero-on-first-touch region: its initial data [phys, phys + init_size) is kept,
// the rest of the chunk the data ends in is zeroed now, later chunks on first touch.
// False when the kernel's table of such regions or chunks is full.
bool add_deferred(uint64_t phys, uint64_t size, uint64_t init_size);

// Makes sure every chunk overlapping [pa, pa + size) has been zeroed (each only once,
// whichever domain touches it first). pa must lie in a region given to add_deferred.
void ensure_zeroed(uint64_t pa, uint64_t size);

// True for a lower-EL instruction or data abort that is a translation fault: the only
// exceptions that can be the first touch of a deferred leaf. Forced inline: every guest
// MMIO exit tests it (GCC made it a call of its own otherwise).
[[gnu::always_inline]] constexpr bool is_translation_abort(uint64_t value) {
    const arm::Esr esr{value};
    return (esr.ec() == arm::ExceptionClass::InstructionAbortLower ||
            esr.ec() == arm::ExceptionClass::DataAbortLower) &&
           arm::fsc::is_translation(esr.fault_status());
}

// What a translation fault at an IPA was, for the fault path.
enum class Touch : uint8_t {
    NotDeferred, // a fault like any other: no deferred leaf there, and none valid
    Completed,   // the first touch of a deferred leaf: zeroed, made valid
    Raced,       // already valid: another core completed it after this core's walk failed
};

// Completed and Raced both mean: return to the faulting instruction, which now translates.
constexpr bool retry_access(Touch t) {
    return t != Touch::NotDeferred;
}

// A translation fault at `ipa` in `space`: if it is the first touch of a deferred leaf,
// zeroes the memory behind its group (the block, or every deferred page of its table)
// and makes the group valid. Two vCPUs of one VM can first-touch one chunk at once: the
// second core's walk fails, it waits for the kernel lock while the first completes the
// group, then finds the leaf valid (Raced) -- not an exit for the VMM.
Touch resolve_first_touch(Stage2Space& space, uint64_t ipa);

// Idle time: zeroes the next piece (kPieceSize) of the first chunk, in region order, that
// nothing has touched yet, so that the first touch finds the chunk done and pays only for
// making its leaves valid. False: no chunk is left. A core that becomes idle calls it
// until an interrupt is pending (schedule_and_return), as Xen scrubs its free memory
// while idle: the interrupt waits at most one piece, not a chunk (under QEMU on a host
// whose fresh memory is slow, a chunk took 25 ms and delayed every wake-up of a booting
// guest that idled briefly). A chunk counts as zeroed only once its last piece is: a
// first touch before that zeroes it whole, and the idle cursor then moves on.
bool zero_next_piece();
// Whether zero_next_piece() may still find a chunk (the idle path's cheap test).
bool idle_work_left();

// Bytes zeroed at boot, bytes left for first touch, and bytes zeroed on touch and while
// idle so far.
struct Stats {
    uint64_t zeroed_at_boot = 0;
    uint64_t deferred = 0;
    uint64_t zeroed_on_touch = 0;
    uint64_t zeroed_while_idle = 0;
    // Deferred bytes neither a first touch nor idle time has zeroed yet.
    [[nodiscard]] uint64_t left() const { return deferred - zeroed_on_touch - zeroed_while_idle; }
};
const Stats& stats();

} // namespace kernel::ram_scrub
