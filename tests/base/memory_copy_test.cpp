// base::copy_memory, the freestanding memcpy's copy: every pairing of source and
// destination alignment with lengths around the word and 64-byte steps, checked byte for
// byte, with the bytes around the destination untouched and the source unchanged.
#include <base/memory_copy.hpp>

#include <gtest/gtest.h>

#include <cstdint>

#include <sys/mman.h>
#include <unistd.h>

namespace {

constexpr size_t kGuard = 16;

// Copies n bytes from src_offset into dst_offset of fresh buffers and checks the result.
void check(size_t src_offset, size_t dst_offset, size_t n) {
    // 64-byte aligned starts so that the offsets are the alignments the copy sees.
    alignas(64) static uint8_t src[4096 + 64];
    alignas(64) static uint8_t dst[4096 + 64 + 2 * kGuard];
    ASSERT_LE(src_offset + n, sizeof src);
    ASSERT_LE(kGuard + dst_offset + n + kGuard, sizeof dst);
    for (size_t i = 0; i < sizeof src; ++i)
        src[i] = static_cast<uint8_t>(i * 7 + 3);
    for (size_t i = 0; i < sizeof dst; ++i)
        dst[i] = 0xee;
    uint8_t* d = dst + kGuard + dst_offset;
    const uint8_t* s = src + src_offset;
    EXPECT_EQ(base::copy_memory(d, s, n), d);
    for (size_t i = 0; i < n; ++i) {
        ASSERT_EQ(d[i], static_cast<uint8_t>((src_offset + i) * 7 + 3))
            << "byte " << i << " of " << n << ", src +" << src_offset << ", dst +" << dst_offset;
    }
    for (uint8_t* g = dst; g < d; ++g)
        ASSERT_EQ(*g, 0xee) << "written before the destination";
    for (const uint8_t* g = d + n; g < d + n + kGuard; ++g)
        ASSERT_EQ(*g, 0xee) << "written after the destination";
    for (size_t i = 0; i < sizeof src; ++i)
        ASSERT_EQ(src[i], static_cast<uint8_t>(i * 7 + 3)) << "the source changed";
}

TEST(MemoryCopy, EveryAlignmentPairShortLengths) {
    for (size_t so = 0; so < 16; ++so) {
        for (size_t d_o = 0; d_o < 16; ++d_o) {
            for (size_t n = 0; n <= 140; ++n)
                check(so, d_o, n);
        }
    }
}

TEST(MemoryCopy, FrameSizedCopies) {
    // A 1514-byte frame 12 bytes into a buffer (virtio-net's header) and the like.
    for (size_t so = 0; so < 8; ++so) {
        for (size_t d_o = 0; d_o < 8; ++d_o) {
            for (size_t n : {1514u, 1526u, 2048u, 4000u})
                check(so, d_o, n);
        }
    }
}

// Three pages, the outer two inaccessible: a source that ends at the middle page's end,
// or starts at its beginning, faults the test on any read past that end, even one inside
// an aligned word.
class FencedPage {
public:
    FencedPage() {
        page_ = static_cast<size_t>(sysconf(_SC_PAGESIZE));
        void* p = mmap(nullptr, 3 * page_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        EXPECT_NE(p, MAP_FAILED);
        base_ = static_cast<uint8_t*>(p);
        EXPECT_EQ(mprotect(base_ + page_, page_, PROT_READ | PROT_WRITE), 0);
        for (size_t i = 0; i < page_; ++i)
            base_[page_ + i] = static_cast<uint8_t>(i);
    }
    ~FencedPage() { munmap(base_, 3 * page_); }
    FencedPage(const FencedPage&) = delete;
    FencedPage& operator=(const FencedPage&) = delete;
    [[nodiscard]] const uint8_t* begin() const { return base_ + page_; }
    [[nodiscard]] const uint8_t* end() const { return base_ + 2 * page_; }

private:
    size_t page_ = 0;
    uint8_t* base_ = nullptr;
};

TEST(MemoryCopy, ReadsNothingOutsideTheSource) {
    FencedPage fenced;
    alignas(64) static uint8_t out[2048 + 16];
    for (size_t d_o = 0; d_o < 8; ++d_o) {
        for (size_t n : {1u, 7u, 9u, 15u, 16u, 17u, 23u, 100u, 1514u}) {
            for (size_t tail = 0; tail < 8; ++tail) { // source ends 0..7 bytes before the fence
                const uint8_t* s = fenced.end() - tail - n;
                base::copy_memory(out + d_o, s, n);
                for (size_t i = 0; i < n; ++i)
                    ASSERT_EQ(out[d_o + i], s[i]);
            }
            for (size_t lead = 0; lead < 8; ++lead) { // starts 0..7 bytes after it
                const uint8_t* s = fenced.begin() + lead;
                base::copy_memory(out + d_o, s, n);
                for (size_t i = 0; i < n; ++i)
                    ASSERT_EQ(out[d_o + i], s[i]);
            }
        }
    }
}

// memmove's forward case (libfdt moves a DTB's tail down over itself as it deletes nodes):
// the destination below the source and overlapping it, at every distance up to two of
// the 64-byte steps, every alignment and lengths across the steps.
TEST(MemoryCopy, OverlappingDownwardMoves) {
    alignas(64) static uint8_t buf[512];
    for (size_t so = 1; so < 160; ++so) {
        for (size_t shift = 1; shift <= so && shift <= 136; ++shift) {
            for (size_t n : {1u, 7u, 8u, 9u, 63u, 64u, 65u, 130u, 300u}) {
                if (so + n > sizeof buf) continue;
                for (size_t i = 0; i < sizeof buf; ++i)
                    buf[i] = static_cast<uint8_t>(i * 5 + 1);
                base::copy_memory(buf + so - shift, buf + so, n);
                for (size_t i = 0; i < n; ++i) {
                    ASSERT_EQ(buf[so - shift + i], static_cast<uint8_t>((so + i) * 5 + 1))
                        << "byte " << i << " of " << n << ", src +" << so << ", moved down "
                        << shift;
                }
            }
        }
    }
}

} // namespace
