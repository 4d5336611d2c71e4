// RAM scrubbing on the host, with a host buffer standing in for physical memory: what is
// zeroed at boot, what waits for the first touch, that each chunk is zeroed once, and
// the first-touch path through a stage-2 table.
#include "ram_scrub.hpp"
#include "stage2_space.hpp"

#include <arch/esr.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

namespace {

constexpr uint64_t k2M = kernel::ram_scrub::kChunkSize;
using kernel::ram_scrub::Touch;

// 8 MiB of "physical memory", 2 MiB aligned, filled with junk as a cold board might be.
// Never freed: the scrubber keeps its regions for good, as the kernel does, and a later
// allocation at the same address would look like memory it already zeroed.
struct JunkRam {
    JunkRam() : bytes(static_cast<uint8_t*>(std::aligned_alloc(k2M, 4 * k2M))) {
        std::memset(bytes, 0xa5, 4 * k2M);
    }
    [[nodiscard]] uint64_t pa(uint64_t offset = 0) const {
        return reinterpret_cast<uint64_t>(bytes) + offset;
    }
    [[nodiscard]] bool all(uint64_t from, uint64_t to, uint8_t v) const {
        for (uint64_t i = from; i < to; ++i)
            if (bytes[i] != v) return false;
        return true;
    }
    uint8_t* bytes;
};

// Guest RAM at 1 GiB, read-write, write-back, its leaves deferred to the first touch: the
// mapping every first-touch test starts from.
kernel::MapResult map_deferred(kernel::Stage2Space& s, uint64_t pa, uint64_t size) {
    return s.map(0x40000000, pa, size, spec::RightRead | spec::RightWrite,
                 spec::Cacheability::WriteBack, true);
}

TEST(RamScrub, InitialDataKeptRestOfItsChunkZeroedLaterChunksWait) {
    JunkRam ram;
    const kernel::ram_scrub::Stats before = kernel::ram_scrub::stats();
    // A region from +4 KiB to +7 MiB whose first 0x1800 bytes are the image's data.
    ASSERT_TRUE(kernel::ram_scrub::add_deferred(ram.pa(0x1000), 7 * (1 << 20) - 0x1000, 0x1800));
    EXPECT_TRUE(ram.all(0, 0x2800, 0xa5)) << "before the region and its initial data: untouched";
    EXPECT_TRUE(ram.all(0x2800, k2M, 0)) << "the rest of the data's chunk: zeroed at boot";
    EXPECT_TRUE(ram.all(k2M, 4 * k2M, 0xa5)) << "later chunks wait for their first touch";
    const kernel::ram_scrub::Stats& after = kernel::ram_scrub::stats();
    EXPECT_EQ(after.zeroed_at_boot - before.zeroed_at_boot, k2M - 0x2800);
    EXPECT_EQ(after.deferred - before.deferred, 7 * (uint64_t{1} << 20) - k2M);

    kernel::ram_scrub::ensure_zeroed(ram.pa(3 * k2M + 0x5000), 0x1000);
    EXPECT_TRUE(ram.all(3 * k2M, 3 * k2M + (1 << 20), 0)) << "touched chunk, up to the region end";
    EXPECT_TRUE(ram.all(3 * k2M + (1 << 20), 4 * k2M, 0xa5)) << "past the region: not ours";
    EXPECT_TRUE(ram.all(k2M, 3 * k2M, 0xa5)) << "untouched chunks stay as they are";
    EXPECT_EQ(after.zeroed_on_touch - before.zeroed_on_touch, 1u << 20);

    // A chunk is zeroed once: what a domain wrote after the first touch survives the next.
    ram.bytes[3 * k2M + 8] = 42;
    kernel::ram_scrub::ensure_zeroed(ram.pa(3 * k2M), k2M);
    EXPECT_EQ(ram.bytes[3 * k2M + 8], 42);
    EXPECT_EQ(after.zeroed_on_touch - before.zeroed_on_touch, 1u << 20);

    // A range over two chunks zeroes both.
    kernel::ram_scrub::ensure_zeroed(ram.pa(2 * k2M - 0x1000), 0x2000);
    EXPECT_TRUE(ram.all(k2M, 3 * k2M, 0));
}

TEST(RamScrub, FirstTouchThroughTheStage2Table) {
    JunkRam ram;
    ASSERT_TRUE(kernel::ram_scrub::add_deferred(ram.pa(), 4 * k2M, 0));
    EXPECT_TRUE(ram.all(0, 4 * k2M, 0xa5)) << "nothing zeroed at boot";
    kernel::Stage2Space s;
    ASSERT_TRUE(s.init(9));
    // Mapped as blocks at 1 GiB, and as pages (a second domain's view of the last chunk).
    ASSERT_EQ(map_deferred(s, ram.pa(), 3 * k2M), kernel::MapResult::Ok);
    ASSERT_EQ(s.map(0x50001000, ram.pa(3 * k2M + 0x1000), 0x2000,
                    spec::RightRead | spec::RightWrite, spec::Cacheability::WriteBack, true),
              kernel::MapResult::Ok);

    EXPECT_EQ(kernel::ram_scrub::resolve_first_touch(s, 0x40000000 + k2M + 0x10), Touch::Completed);
    EXPECT_TRUE(ram.all(k2M, 2 * k2M, 0)) << "the touched block's chunk";
    EXPECT_TRUE(ram.all(0, k2M, 0xa5));
    // Another core's fault on the same block, taken before the block became valid and
    // handled after (it waited for the kernel lock): retried, nothing zeroed again.
    ram.bytes[k2M + 8] = 7;
    EXPECT_EQ(kernel::ram_scrub::resolve_first_touch(s, 0x40000000 + k2M + 0x10), Touch::Raced)
        << "valid by now: the access is retried";
    EXPECT_EQ(ram.bytes[k2M + 8], 7);
    EXPECT_EQ(kernel::ram_scrub::resolve_first_touch(s, 0x60000000), Touch::NotDeferred)
        << "not mapped at all";
    EXPECT_EQ(kernel::ram_scrub::resolve_first_touch(s, 0x40000000 + 3 * k2M), Touch::NotDeferred)
        << "past the mapping: a real fault";

    EXPECT_EQ(kernel::ram_scrub::resolve_first_touch(s, 0x50002000), Touch::Completed);
    EXPECT_TRUE(ram.all(3 * k2M, 4 * k2M, 0)) << "a page's whole chunk";
    EXPECT_EQ(kernel::ram_scrub::resolve_first_touch(s, 0x50001000), Touch::Raced)
        << "its neighbour page came with it: one fault per page table, not per page";
    EXPECT_FALSE(s.translates(0x50003000)) << "past the pages mapped";
}

// A page table whose pages straddle two chunks (IPA 2 MiB aligned, PA 1 MiB into a
// chunk): one touch zeroes both chunks before any of its pages becomes valid, and a
// chunk another table already had zeroed is left as it is.
TEST(RamScrub, PageTableGroupOverTwoChunks) {
    JunkRam ram;
    ASSERT_TRUE(kernel::ram_scrub::add_deferred(ram.pa(), 4 * k2M, 0));
    kernel::Stage2Space s;
    ASSERT_TRUE(s.init(10, kernel::Stage2Leaves::PagesOnly));
    ASSERT_EQ(map_deferred(s, ram.pa(k2M / 2), 2 * k2M), kernel::MapResult::Ok);

    EXPECT_EQ(kernel::ram_scrub::resolve_first_touch(s, 0x40000000 + 0x3000), Touch::Completed);
    EXPECT_TRUE(ram.all(0, 2 * k2M, 0)) << "both chunks behind the first table";
    EXPECT_TRUE(ram.all(2 * k2M, 4 * k2M, 0xa5)) << "the second table's last chunk waits";
    for (uint64_t off = 0; off < k2M; off += 0x1000)
        EXPECT_EQ(kernel::ram_scrub::resolve_first_touch(s, 0x40000000 + off), Touch::Raced) << off;

    ram.bytes[k2M + 0x100] = 9; // written through the first table, seen by the second
    EXPECT_EQ(kernel::ram_scrub::resolve_first_touch(s, 0x40000000 + k2M + 0x7000),
              Touch::Completed);
    EXPECT_EQ(ram.bytes[k2M + 0x100], 9) << "a chunk is zeroed once";
    EXPECT_TRUE(ram.all(2 * k2M, 3 * k2M, 0)) << "the new chunk, whole";
    EXPECT_TRUE(ram.all(3 * k2M, 4 * k2M, 0xa5)) << "a chunk no table reaches";
}

// Two vCPUs of one VM first-touch one chunk at once: both walks fail, the first core
// completes the block under the kernel lock, the second then finds it valid. Its fault
// is retried, not sent to the VMM as an exit (vm_minimal_smp failed now and then on it).
// A fault at an IPA nothing maps, or that is mapped but still deferred, is not a race.
TEST(RamScrub, SecondCoreFaultOnACompletedLeafIsRetried) {
    JunkRam ram;
    ASSERT_TRUE(kernel::ram_scrub::add_deferred(ram.pa(), 4 * k2M, 0));
    kernel::Stage2Space s;
    ASSERT_TRUE(s.init(11));
    ASSERT_EQ(map_deferred(s, ram.pa(), 2 * k2M), kernel::MapResult::Ok);
    // A valid mapping never deferred (like a VM's device window) also translates.
    ASSERT_EQ(
        s.map(0x48000000, ram.pa(3 * k2M), 0x1000, spec::RightRead, spec::Cacheability::WriteBack),
        kernel::MapResult::Ok);
    EXPECT_FALSE(s.translates(0x40000040));
    EXPECT_TRUE(s.translates(0x48000000));
    EXPECT_FALSE(s.translates(0x48001000)) << "the next page of its table: nothing there";

    const kernel::ram_scrub::Touch first = kernel::ram_scrub::resolve_first_touch(s, 0x40000040);
    ram.bytes[0x40] = 7; // the first vCPU's store, retried and done
    const kernel::ram_scrub::Touch second = kernel::ram_scrub::resolve_first_touch(s, 0x40000080);
    EXPECT_EQ(first, Touch::Completed);
    EXPECT_EQ(second, Touch::Raced);
    EXPECT_TRUE(kernel::ram_scrub::retry_access(first));
    EXPECT_TRUE(kernel::ram_scrub::retry_access(second)) << "the second fault is retried";
    EXPECT_EQ(ram.bytes[0x40], 7) << "and zeroes nothing again";
    EXPECT_TRUE(s.translates(0x40000080));

    EXPECT_EQ(kernel::ram_scrub::resolve_first_touch(s, 0x48000000), Touch::Raced);
    EXPECT_EQ(kernel::ram_scrub::resolve_first_touch(s, 0x48001000), Touch::NotDeferred);
    EXPECT_FALSE(kernel::ram_scrub::retry_access(Touch::NotDeferred))
        << "a fault nothing explains goes on to the VMM";
    EXPECT_FALSE(s.translates(0x40000000 + 2 * k2M)) << "past the mapping";
    EXPECT_FALSE(s.translates(uint64_t{1} << 40)) << "beyond the IPA space";
}

// More idle calls than every region of these tests takes: a loop of them that does not end
// (an idle cursor that never moves on) fails instead of hanging.
constexpr uint64_t kMostIdleCalls = 4096;

// Idle time's calls until one chunk is zeroed, as an idle core would make them.
void zero_one_chunk_while_idle() {
    for (uint64_t i = 0; i < kernel::ram_scrub::kChunkSize / kernel::ram_scrub::kPieceSize; ++i)
        ASSERT_TRUE(kernel::ram_scrub::zero_next_piece());
}

// An idle core zeroes the chunks no domain has touched, one per call, and leaves a touched
// chunk (and what was written there) alone; the first touch after it zeroes nothing more.
TEST(RamScrub, IdleZeroingTakesUntouchedChunksOnly) {
    JunkRam ram;
    ASSERT_TRUE(kernel::ram_scrub::add_deferred(ram.pa(), 3 * k2M + (1 << 20), 0));
    kernel::ram_scrub::ensure_zeroed(ram.pa(k2M), 1);
    ram.bytes[k2M + 8] = 42;
    const kernel::ram_scrub::Stats before = kernel::ram_scrub::stats();
    EXPECT_TRUE(kernel::ram_scrub::idle_work_left());
    EXPECT_GE(before.left(), 2 * k2M + (1u << 20)) << "chunks 0, 2 and the half chunk 3";
    uint64_t calls = 0;
    while (calls < kMostIdleCalls && kernel::ram_scrub::zero_next_piece())
        ++calls;
    EXPECT_GE(calls, (2 * k2M + (1u << 20)) / kernel::ram_scrub::kPieceSize)
        << "chunks 0, 2 and the half chunk 3, a piece a call (and other tests' leftovers)";
    EXPECT_FALSE(kernel::ram_scrub::idle_work_left());
    EXPECT_TRUE(ram.all(0, k2M, 0));
    EXPECT_EQ(ram.bytes[k2M + 8], 42) << "the touched chunk is not zeroed again";
    EXPECT_TRUE(ram.all(2 * k2M, 3 * k2M + (1 << 20), 0));
    EXPECT_TRUE(ram.all(3 * k2M + (1 << 20), 4 * k2M, 0xa5)) << "past the region: not ours";
    const kernel::ram_scrub::Stats& after = kernel::ram_scrub::stats();
    EXPECT_GE(after.zeroed_while_idle - before.zeroed_while_idle, 2 * k2M + (1u << 20));
    EXPECT_EQ(after.left(), 0u) << "every deferred byte zeroed one way or the other";

    ram.bytes[8] = 7;
    kernel::ram_scrub::ensure_zeroed(ram.pa(), k2M);
    EXPECT_EQ(ram.bytes[8], 7) << "a chunk zeroed while idle is not zeroed at its first touch";
    EXPECT_EQ(after.zeroed_on_touch, before.zeroed_on_touch);
}

// Zeroing while idle leaves the stage-2 leaves invalid: the first touch still faults, finds
// the chunk done and only makes the block valid (and a second core's fault is retried).
TEST(RamScrub, IdleZeroingLeavesTheFirstTouchOnlyTheMapping) {
    JunkRam ram;
    ASSERT_TRUE(kernel::ram_scrub::add_deferred(ram.pa(), 2 * k2M, 0));
    kernel::Stage2Space s;
    ASSERT_TRUE(s.init(12));
    ASSERT_EQ(map_deferred(s, ram.pa(), 2 * k2M), kernel::MapResult::Ok);
    zero_one_chunk_while_idle();
    EXPECT_TRUE(ram.all(0, k2M, 0));
    EXPECT_TRUE(ram.all(k2M, 2 * k2M, 0xa5)) << "one chunk, piece by piece";
    EXPECT_FALSE(s.translates(0x40000000)) << "zeroed, still not mapped";

    ram.bytes[16] = 3; // stands for "not zeroed again" below
    const kernel::ram_scrub::Stats before = kernel::ram_scrub::stats();
    EXPECT_EQ(kernel::ram_scrub::resolve_first_touch(s, 0x40000010), Touch::Completed);
    EXPECT_TRUE(s.translates(0x40000010));
    EXPECT_EQ(ram.bytes[16], 3);
    EXPECT_EQ(kernel::ram_scrub::stats().zeroed_on_touch, before.zeroed_on_touch);
    EXPECT_EQ(kernel::ram_scrub::resolve_first_touch(s, 0x40000020), Touch::Raced);

    EXPECT_EQ(kernel::ram_scrub::resolve_first_touch(s, 0x40000000 + k2M), Touch::Completed);
    EXPECT_TRUE(ram.all(k2M, 2 * k2M, 0)) << "the chunk idle time did not reach: zeroed on touch";
    EXPECT_FALSE(kernel::ram_scrub::zero_next_piece()) << "nothing left";
}

// An interrupt can come between two pieces of a chunk: the chunk does not count as zeroed
// until its last piece is. A first touch in between zeroes it whole (what was zeroed
// already included), and idle zeroing then goes on with the next chunk.
TEST(RamScrub, IdleZeroingInterruptedMidChunk) {
    JunkRam ram;
    ASSERT_TRUE(kernel::ram_scrub::add_deferred(ram.pa(), 2 * k2M, 0));
    kernel::Stage2Space s;
    ASSERT_TRUE(s.init(13));
    ASSERT_EQ(map_deferred(s, ram.pa(), 2 * k2M), kernel::MapResult::Ok);
    // Other tests' regions come first in the idle order: finish them.
    while (!ram.all(0, kernel::ram_scrub::kPieceSize, 0))
        ASSERT_TRUE(kernel::ram_scrub::zero_next_piece());
    const uint64_t piece = kernel::ram_scrub::kPieceSize;
    EXPECT_TRUE(ram.all(piece, k2M, 0xa5)) << "one piece per call";
    ASSERT_TRUE(kernel::ram_scrub::zero_next_piece());
    EXPECT_TRUE(ram.all(0, 2 * piece, 0));
    EXPECT_TRUE(ram.all(2 * piece, k2M, 0xa5));

    const kernel::ram_scrub::Stats before = kernel::ram_scrub::stats();
    EXPECT_EQ(kernel::ram_scrub::resolve_first_touch(s, 0x40000000 + k2M - 8), Touch::Completed);
    EXPECT_TRUE(ram.all(0, k2M, 0)) << "the first touch zeroed the rest of the chunk";
    EXPECT_EQ(kernel::ram_scrub::stats().zeroed_on_touch - before.zeroed_on_touch, k2M);
    EXPECT_EQ(kernel::ram_scrub::stats().zeroed_while_idle, before.zeroed_while_idle)
        << "a chunk counts as zeroed while idle only when idle time zeroed all of it";
    ram.bytes[64] = 9; // the guest's data: idle zeroing must not come back to this chunk

    ASSERT_TRUE(kernel::ram_scrub::zero_next_piece());
    EXPECT_EQ(ram.bytes[64], 9);
    EXPECT_TRUE(ram.all(k2M, k2M + piece, 0)) << "on with the next chunk, from its start";
    EXPECT_TRUE(ram.all(k2M + piece, 2 * k2M, 0xa5));
    for (uint64_t calls = 0; calls < kMostIdleCalls && kernel::ram_scrub::zero_next_piece();)
        ++calls;
    EXPECT_TRUE(ram.all(k2M, 2 * k2M, 0));
    EXPECT_EQ(kernel::ram_scrub::stats().zeroed_while_idle - before.zeroed_while_idle, k2M);
    EXPECT_FALSE(kernel::ram_scrub::idle_work_left());
}

TEST(RamScrub, TranslationAbortsOnly) {
    // Syndromes without IL: the class and the fault status are all that count.
    using arm::ExceptionClass;
    constexpr auto esr = [](ExceptionClass ec, uint32_t iss) {
        return arm::Esr::make(ec, iss, false).value;
    };
    constexpr uint64_t kDataAbortLower = esr(ExceptionClass::DataAbortLower, 0);
    constexpr uint64_t kInstructionAbortLower = esr(ExceptionClass::InstructionAbortLower, 0);
    for (uint64_t level = 0; level < 4; ++level) {
        EXPECT_TRUE(kernel::ram_scrub::is_translation_abort(kDataAbortLower | 0x04 | level));
        EXPECT_TRUE(kernel::ram_scrub::is_translation_abort(kInstructionAbortLower | 0x04 | level));
    }
    EXPECT_FALSE(kernel::ram_scrub::is_translation_abort(kDataAbortLower | 0x0f))
        << "permission fault";
    EXPECT_FALSE(kernel::ram_scrub::is_translation_abort(kDataAbortLower | 0x0b)) << "access flag";
    EXPECT_FALSE(kernel::ram_scrub::is_translation_abort(esr(ExceptionClass::Svc64, 0x04)))
        << "SVC";
    EXPECT_FALSE(kernel::ram_scrub::is_translation_abort(esr(ExceptionClass::DataAbortSame, 0x04)))
        << "an abort from EL2 itself";
}

} // namespace
