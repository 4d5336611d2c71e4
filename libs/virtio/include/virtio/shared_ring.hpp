// A virtqueue between two components (seL4VirtQueues, upstream's libvirtqueue roles): one
// shared buffer per direction holding a split ring (descriptor table, avail ring, used
// ring) and the pool its buffers come from. Descriptor addresses are offsets into the
// buffer. Both ends compute the layout from the buffer's size alone, by the one rule here,
// so nothing about it is read from memory the peer can write.
#pragma once

#include <virtio/virtqueue.hpp>
#include <vmm/guest_memory.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace virtio {

// Largest ring between components (upstream's queue_length default).
inline constexpr uint16_t kSharedRingMaxSize = 256;
// The driver's pool is cut into buffers of this size; a longer message is a chain of them.
inline constexpr uint32_t kSharedSlotBytes = 512;

struct SharedRingLayout {
    uint16_t size = 0; // entries (a power of two)
    uint64_t desc = 0; // offsets in the buffer
    uint64_t avail = 0;
    uint64_t used = 0;
    uint64_t pool = 0;  // first pool byte (slot-aligned)
    uint32_t slots = 0; // pool buffers of kSharedSlotBytes

    // The rings take at most a quarter of the buffer and the largest size that allows
    // (at most kSharedRingMaxSize); the rest, from a slot boundary, is the pool. Nullopt
    // for a buffer too small for a ring of 4 entries and 4 slots.
    [[nodiscard]] static std::optional<SharedRingLayout> for_buffer(uint64_t bytes);
    [[nodiscard]] QueueConfig queue_config() const {
        return QueueConfig{
            size, GuestPhysAddr(desc), GuestPhysAddr(avail), GuestPhysAddr(used), false, false};
    }
};

// A shared buffer seen as the "memory" its ring addresses: offsets 0 .. size - 1, every
// access bounds-checked (vmm::GuestMemory's rule), so no offset a peer writes reaches
// anything outside the buffer.
class SharedBuffer {
public:
    SharedBuffer() = default;
    // False for an empty buffer.
    [[nodiscard]] bool attach(std::span<std::byte> buffer) {
        return !buffer.empty() && memory_.add_region({GuestPhysAddr(0), buffer.size()}, buffer);
    }
    [[nodiscard]] vmm::GuestMemory& memory() { return memory_; }

private:
    vmm::MappedGuestMemory memory_;
};

} // namespace virtio
