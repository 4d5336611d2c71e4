// Memory a user-space driver can give a device: anonymous pages, populated and locked so
// that they stay where they are, each with the guest-physical address Linux put it at (from
// /proc/self/pagemap, which shows frame numbers to root only).
#pragma once

#include <cstddef>
#include <cstdint>

namespace hostile {

struct DmaPage {
    uint8_t* data = nullptr;
    uint64_t phys = 0;
};

inline constexpr std::size_t kPageBytes = 4096;
inline constexpr std::size_t kDmaPages = 4;

// Maps and locks kDmaPages pages and finds where each lies; exits with a message on failure.
void map_dma_pages(DmaPage (&pages)[kDmaPages]);

} // namespace hostile
