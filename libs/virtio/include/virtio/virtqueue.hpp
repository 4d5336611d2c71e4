// The device side of a virtio 1.x split virtqueue (virtio spec 2.7), independent of the
// transport: the driver's descriptor table, available ring and used ring live in guest
// memory at addresses the driver chose, and everything read from them is untrusted.
// Every index, length and address is checked before use; a ring that breaks a rule
// latches a QueueError (the device turns it into NEEDS_RESET) and the queue does nothing
// more until it is configured again. The queue never logs: it counts.
#pragma once

#include <vmm/guest_memory.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace virtio {

using vmm::GuestMemory;
using vmm::GuestPhysAddr;
using vmm::GuestPhysRange;

inline constexpr uint16_t kMaxQueueSize = 32768;

// Descriptor flags (virtq_desc.flags).
inline constexpr uint16_t kDescNext = 1;
inline constexpr uint16_t kDescWrite = 2;
inline constexpr uint16_t kDescIndirect = 4;
// virtq_avail.flags / virtq_used.flags without VIRTIO_F_EVENT_IDX.
inline constexpr uint16_t kAvailNoInterrupt = 1;
inline constexpr uint16_t kUsedNoNotify = 1;

// Feature bits (virtio spec 6) the queue cares about.
inline constexpr uint64_t kFeatureIndirectDesc = uint64_t{1} << 28;
inline constexpr uint64_t kFeatureEventIdx = uint64_t{1} << 29;
inline constexpr uint64_t kFeatureVersion1 = uint64_t{1} << 32;

// Sizes and alignments of the three areas (spec 2.7, "Virtqueue Part Sizes"); the avail
// and used sizes include used_event / avail_event, which are there whatever is negotiated.
inline constexpr uint64_t kDescSize = 16;
inline constexpr uint64_t kDescAlign = 16;
inline constexpr uint64_t kAvailAlign = 2;
inline constexpr uint64_t kUsedAlign = 4;
[[nodiscard]] constexpr uint64_t desc_table_bytes(uint16_t size) {
    return kDescSize * size;
}
[[nodiscard]] constexpr uint64_t avail_ring_bytes(uint16_t size) {
    return 6 + 2 * uint64_t{size};
}
[[nodiscard]] constexpr uint64_t used_ring_bytes(uint16_t size) {
    return 6 + 8 * uint64_t{size};
}

// virtq_desc as it lies in memory (little-endian, as host and guest are).
struct RawDesc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};
static_assert(sizeof(RawDesc) == kDescSize);

// Offsets inside the avail ring (flags, idx, ring[]) and the used ring (flags, idx,
// ring[] of 8-byte elements: id, len).
inline constexpr uint64_t kAvailIdx = 2;
inline constexpr uint64_t kAvailRing = 4;
inline constexpr uint64_t kUsedIdx = 2;
inline constexpr uint64_t kUsedRing = 4;
inline constexpr uint64_t kUsedElemSize = 8;

// The event-index rule (spec 2.7.7/2.7.10): with the other side asking to hear of index
// `event_idx`, moving our index from `old_idx` to `new_idx` must be signalled when
// event_idx lies in [old_idx, new_idx). Computed in 16 bits, so it holds across wrap-around.
[[nodiscard]] constexpr bool vring_need_event(uint16_t event_idx, uint16_t new_idx,
                                              uint16_t old_idx) {
    return static_cast<uint16_t>(new_idx - event_idx - 1) <
           static_cast<uint16_t>(new_idx - old_idx);
}

// Where the driver put the queue and what was negotiated for it.
struct QueueConfig {
    uint16_t size = 0; // a power of two, 1..32768
    GuestPhysAddr desc;
    GuestPhysAddr avail;
    GuestPhysAddr used;
    bool indirect = false;  // VIRTIO_F_INDIRECT_DESC
    bool event_idx = false; // VIRTIO_F_EVENT_IDX
};

enum class QueueError : uint8_t {
    None,
    NotReady,              // used before configure() succeeded
    BadSize,               // 0, not a power of two, or above 32768
    MisalignedRing,        // descriptor table not 16-, avail not 2-, used not 4-byte aligned
    RingOutsideRam,        // an area not entirely inside one guest RAM region
    RingsOverlap,          // two of the three areas overlap
    AvailIndexJump,        // avail idx moved more than the queue size past the device
    HeadOutOfRange,        // an avail ring entry names no descriptor
    NextOutOfRange,        // a `next` beyond the table (or the indirect table)
    ChainTooLong,          // more descriptors than the table holds: a loop
    TooManySegments,       // more segments than the caller's storage
    IndirectNotNegotiated, // INDIRECT without VIRTIO_F_INDIRECT_DESC
    IndirectWithNext,      // INDIRECT and NEXT on one descriptor
    NestedIndirect,        // INDIRECT inside an indirect table
    BadIndirectSize,       // table length zero, not a multiple of 16, or above 32768 entries
    ZeroLength,            // a buffer of zero bytes
    LengthOverflow,        // addr + len wraps, or the chain holds 4 GiB or more
    BufferOutsideRam,      // a buffer or indirect table not inside one guest RAM region
    BufferOverlapsRing,    // a buffer or indirect table overlapping one of the three areas
    ReadableAfterWritable, // a device-readable buffer after a device-writable one
    QueueOverrun,          // more chains offered than the queue holds (heads offered twice)
    BadUsedElement,        // the device pushed a head beyond the table, more than it popped,
                           // or more bytes than the chain can hold
    RingAccessFailed,      // a ring access failed although the layout was checked
};
[[nodiscard]] const char* to_string(QueueError error);

// One buffer of a chain, checked to lie inside guest RAM and outside the rings.
struct Segment {
    GuestPhysAddr addr;
    uint32_t len = 0;
    bool writable = false;
};

// A popped descriptor chain: its segments (device-readable first, then device-writable)
// in storage the caller lent to pop().
struct Chain {
    uint16_t head = 0;
    std::span<Segment> segments;
    std::size_t num_readable = 0;
    uint32_t readable_bytes = 0;
    uint32_t writable_bytes = 0;

    [[nodiscard]] std::span<const Segment> readable() const { return segments.first(num_readable); }
    [[nodiscard]] std::span<const Segment> writable() const {
        return segments.subspan(num_readable);
    }
};

struct QueueCounters {
    uint64_t popped = 0;
    uint64_t pushed = 0;
    uint64_t interrupts = 0;             // should_interrupt() said yes
    uint64_t interrupts_suppressed = 0;  // ... and no
    uint64_t notifications_enabled = 0;  // enable_notifications() calls
    uint64_t notifications_disabled = 0; // disable_notifications() calls
};

class Virtqueue {
public:
    explicit Virtqueue(GuestMemory& memory) : memory_(memory) {}

    // Checks the layout (size, alignment, each area inside guest RAM, no overlaps) and
    // starts the queue at index 0; on failure the queue stays stopped with that error.
    QueueError configure(const QueueConfig& config);
    // Back to the stopped power-on state (device reset); counters are kept.
    void reset();

    [[nodiscard]] bool ready() const { return ready_; }
    [[nodiscard]] bool broken() const { return error_ != QueueError::None; }
    [[nodiscard]] QueueError error() const { return error_; }
    [[nodiscard]] const QueueConfig& config() const { return config_; }
    [[nodiscard]] const QueueCounters& counters() const { return counters_; }
    // Chains popped and not yet pushed back.
    [[nodiscard]] uint16_t in_flight() const { return in_flight_; }

    // The next available chain, its segments in `storage`; nullopt when the driver has
    // offered nothing new or the queue is stopped or broken (error() tells which).
    [[nodiscard]] std::optional<Chain> pop(std::span<Segment> storage);
    // Whether the driver has offered chains not popped yet (false when broken).
    [[nodiscard]] bool has_available();

    // Returns a chain to the driver: `written` bytes of its writable segments were
    // filled. False (and the queue broken, BadUsedElement) for a head beyond the table,
    // a push with nothing in flight, or more bytes than the chain's writable segments hold.
    bool push(const Chain& chain, uint32_t written);
    // The same by head index, for a device that kept only the head (length unchecked).
    bool push(uint16_t head, uint32_t written);

    // After a batch of pushes: whether the driver wants a used-buffer notification now
    // (VIRTIO_F_EVENT_IDX: used_event passed since the last one; otherwise
    // VRING_AVAIL_F_NO_INTERRUPT clear). Counts the decision either way.
    [[nodiscard]] bool should_interrupt();

    // Available-buffer notifications: asks the driver not to notify while the device is
    // polling anyway, and to notify again. enable_notifications() returns true when
    // chains arrived meanwhile (the caller keeps popping instead of waiting).
    void disable_notifications();
    [[nodiscard]] bool enable_notifications();

private:
    QueueError fail(QueueError error);
    [[nodiscard]] bool read_avail_idx(uint16_t& idx);
    [[nodiscard]] bool overlaps_ring(GuestPhysRange range) const;
    [[nodiscard]] QueueError add_segment(uint64_t addr, uint32_t len, bool writable,
                                         std::span<Segment> storage, Chain& chain, uint64_t& total);
    [[nodiscard]] QueueError walk_indirect(uint64_t addr, uint32_t len, std::span<Segment> storage,
                                           Chain& chain, uint64_t& total);
    [[nodiscard]] bool publish_avail_event();

    GuestMemory& memory_;
    QueueConfig config_{};
    QueueError error_ = QueueError::NotReady;
    bool ready_ = false;
    bool notify_enabled_ = true;
    uint16_t next_avail_ = 0;     // next avail ring slot the device reads
    uint16_t avail_idx_ = 0;      // the driver's idx as last read
    uint16_t used_idx_ = 0;       // next used ring slot the device writes
    uint16_t signalled_used_ = 0; // used idx at the last should_interrupt()
    uint16_t in_flight_ = 0;
    QueueCounters counters_{};
};

// Copies from a chain's readable segments, starting `offset` bytes into them; returns
// the number of bytes copied (short at the end of the chain).
std::size_t read_from_chain(const GuestMemory& memory, const Chain& chain, uint64_t offset,
                            std::span<std::byte> out);
// Copies into a chain's writable segments, starting `offset` bytes into them; returns
// the number of bytes copied (short when they are full).
std::size_t write_to_chain(GuestMemory& memory, const Chain& chain, uint64_t offset,
                           std::span<const std::byte> in);

} // namespace virtio
