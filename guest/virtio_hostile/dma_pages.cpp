// Locked pages and their guest-physical addresses (see dma_pages.hpp).
#include "dma_pages.hpp"

#include "../crossvm/linux_syscall.hpp"
#include "../crossvm/program.hpp"

namespace hostile {

void map_dma_pages(DmaPage (&pages)[kDmaPages]) {
    constexpr const char* kProgram = "virtio_hostile";
    constexpr std::size_t kBytes = kPageBytes * kDmaPages;
    void* p = guest::mmap(kBytes, -1, 0,
                          guest::kMapPrivate | guest::kMapAnonymous | guest::kMapPopulate |
                              guest::kMapLocked);
    if (p == nullptr || !guest::mlock(p, kBytes)) guest::fail(kProgram, "cannot lock DMA pages");
    const int pagemap = guest::open("/proc/self/pagemap", guest::kORdonly);
    if (pagemap < 0) guest::fail(kProgram, "/proc/self/pagemap");
    for (std::size_t i = 0; i < kDmaPages; ++i) {
        auto* data = static_cast<uint8_t*>(p) + i * kPageBytes;
        data[0] = 1; // present and private to us before its frame is looked up
        uint64_t entry = 0;
        const auto at = static_cast<long>(reinterpret_cast<uintptr_t>(data) / kPageBytes * 8);
        if (guest::pread(pagemap, &entry, sizeof entry, at) != sizeof entry)
            guest::fail(kProgram, "reading /proc/self/pagemap");
        constexpr uint64_t kPresent = uint64_t{1} << 63;
        constexpr uint64_t kFrameMask = (uint64_t{1} << 55) - 1;
        const uint64_t frame = entry & kFrameMask;
        if ((entry & kPresent) == 0 || frame == 0)
            guest::fail(kProgram, "no frame number in /proc/self/pagemap (not root?)");
        pages[i] = DmaPage{data, frame * kPageBytes};
    }
    guest::close(pagemap);
}

} // namespace hostile
