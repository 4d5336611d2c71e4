// Keeps QEMU's software TLB for a guest from shrinking when its VMM runs (boards emulated by
// QEMU's TCG only: image::Board::soft_tlb_ballast). QEMU sizes a TLB at its flushes, to fit
// the most entries a flush found in the last 100 ms, and every switch between the guest and
// its VMM flushes it. While a guest waits at its prompt, the switches its console input
// causes find the TLB nearly empty and QEMU shrinks it to a few dozen entries; the busy guest
// that follows flushes nothing, so it keeps that table, where pages that collide evict each
// other on every access (docs/ARCHITECTURE.md, "QEMU's software TLB and a guest's switches").
// The VMM runs in the guest's TLB (EL0 of the EL1&0 regime): reading one word in each of
// `pages` pages before it blocks makes the flush of the switch back find that many entries,
// so QEMU keeps the table at least pages / 0.7 entries. Once per interval (QEMU looks at
// the last 100 ms), not per exit: a VMM busy with exits reads them 20 times a second.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace vmm {

class SoftTlbBallast {
public:
    static constexpr std::size_t kPageSize = 4096;
    // On a QEMU board: about 400 entries found at each switch back (these and the VMM's own)
    // keep QEMU's table at 1024 entries (it grows below 70% full and shrinks below 30%).
    // Measured (vm_minimal, the shell loop typed as bench/workload types it, 8 interleaved
    // boots each, 2026-12-04): median 2.79 s, every boot 2.73-2.89 s, against 2.95 s
    // (2.77-3.84 s) with the kernel's former 100 ms invalidation and 2.83 s booted directly.
    static constexpr std::size_t kPagesUnderQemu = 384;
    static constexpr uint64_t kIntervalMs = 50; // twice in each of QEMU's 100 ms windows

    SoftTlbBallast() = default; // off: before_block() never reads
    // One word in each page of `memory` (mapped in the VMM, read-only use), at most once
    // every `interval` counter ticks.
    SoftTlbBallast(std::span<const std::byte> memory, uint64_t interval)
        : memory_(memory), interval_(interval) {}

    // Reads the pages if `interval` has passed since the last reading (or there was none);
    // true if it did. `now`: the counter (CNTVCT_EL0).
    bool before_block(uint64_t now);

    [[nodiscard]] bool enabled() const { return pages() != 0; }
    [[nodiscard]] std::size_t pages() const { return memory_.size() / kPageSize; }
    [[nodiscard]] uint64_t readings() const { return readings_; }

private:
    std::span<const std::byte> memory_;
    uint64_t interval_ = 0;
    uint64_t last_ = 0;
    uint64_t readings_ = 0;
};

} // namespace vmm
