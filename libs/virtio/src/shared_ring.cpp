// The one layout rule of a ring between components (see shared_ring.hpp).
#include <virtio/shared_ring.hpp>

namespace virtio {

std::optional<SharedRingLayout> SharedRingLayout::for_buffer(uint64_t bytes) {
    for (uint16_t size = kSharedRingMaxSize; size >= 4; size = static_cast<uint16_t>(size / 2)) {
        SharedRingLayout l;
        l.size = size;
        l.desc = 0;
        l.avail = desc_table_bytes(size);
        l.used = (l.avail + avail_ring_bytes(size) + kUsedAlign - 1) & ~(kUsedAlign - 1);
        const uint64_t rings_end = l.used + used_ring_bytes(size);
        if (rings_end > bytes / 4) continue;
        l.pool = (rings_end + kSharedSlotBytes - 1) / kSharedSlotBytes * kSharedSlotBytes;
        const uint64_t slots = (bytes - l.pool) / kSharedSlotBytes;
        if (slots < 4) return std::nullopt;
        l.slots = static_cast<uint32_t>(slots);
        return l;
    }
    return std::nullopt;
}

} // namespace virtio
