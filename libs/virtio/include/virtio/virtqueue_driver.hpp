// The driver side of a split virtqueue in a buffer shared with another component (the
// device side is virtio::Virtqueue over the same buffer). The driver keeps its own record
// of every descriptor, chain and pool buffer; from shared memory it reads only the used
// ring and the device's NO_NOTIFY flag, and checks each used element (index in range, a
// chain it has in flight, a length its device-writable buffers can hold), so a peer that
// corrupts the ring cannot make it touch memory outside its own buffers, nor reuse a
// buffer still in flight. The first violation latches a DriverError; the queue then does
// nothing until configure() runs again.
#pragma once

#include <virtio/shared_ring.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace virtio {

enum class DriverError : uint8_t {
    None,
    NotReady,         // used before configure() succeeded
    UsedIndexJump,    // used idx moved past more chains than are in flight
    BadUsedId,        // a used element names no chain in flight
    BadUsedLength,    // more bytes written than the chain's device-writable buffers hold
    RingAccessFailed, // a ring access failed although the layout was checked
};
[[nodiscard]] const char* to_string(DriverError error);

enum class SendResult : uint8_t {
    Sent,
    Full,   // no descriptors or pool buffers free now: back-pressure, try after reclaim()
    TooBig, // more than the whole pool (or zero bytes): never fits
    Broken, // the queue is stopped (error())
};

struct DriverCounters {
    uint64_t sent = 0;      // chains published
    uint64_t completed = 0; // chains the device returned
    uint64_t full = 0;      // send()/post() refused for lack of room
    uint64_t notifies = 0;  // should_notify() said yes
    uint64_t notifies_suppressed = 0;
};

// What a returned device-writable chain held (post()); its bytes are valid until the
// next call on the driver.
class UsedSink {
public:
    virtual void used(std::span<const std::byte> written) = 0;

protected:
    ~UsedSink() = default;
};

class VirtqueueDriver {
public:
    static constexpr uint16_t kMaxSize = kSharedRingMaxSize;

    // Takes the ring at `layout` in `buffer` (a SharedBuffer's memory: offsets from 0),
    // forgets everything in flight and publishes an empty avail ring (flags 0, idx 0).
    // False when the layout does not fit the buffer.
    bool configure(vmm::GuestMemory& buffer, const SharedRingLayout& layout);

    [[nodiscard]] bool ready() const { return ready_; }
    [[nodiscard]] DriverError error() const { return error_; }
    [[nodiscard]] const DriverCounters& counters() const { return counters_; }
    [[nodiscard]] uint16_t in_flight() const { return in_flight_; }
    // Whether a message of `bytes` fits now (descriptors and pool buffers free).
    [[nodiscard]] bool has_room(std::size_t bytes) const;

    // Copies `bytes` into pool buffers chained as device-readable descriptors and
    // publishes the chain.
    SendResult send(std::span<const std::byte> bytes);
    // Publishes device-writable buffers of `bytes` in total for the device to fill; the
    // filled part comes back through reclaim()'s sink.
    SendResult post(std::size_t bytes);
    // Takes back the chains the device returned (their buffers are free again), giving
    // each written part of a post() chain to `sink` (may be null); returns how many.
    std::size_t reclaim(UsedSink* sink = nullptr);
    // After publishing: whether the device wants a notification (its used.flags).
    [[nodiscard]] bool should_notify();

private:
    static constexpr uint16_t kNone = 0xffff;
    struct Desc {
        uint16_t slot = kNone; // pool buffer
        uint16_t next = kNone; // in the private free list or chain
        uint32_t len = 0;
    };
    struct InFlight {
        bool active = false;
        bool writable = false;
        uint16_t count = 0;
        uint32_t bytes = 0; // writable: capacity
    };

    SendResult publish(std::span<const std::byte> bytes, std::size_t total, bool writable);
    void fail(DriverError error);
    [[nodiscard]] uint64_t slot_offset(uint16_t slot) const {
        return layout_.pool + uint64_t{slot} * kSharedSlotBytes;
    }
    void release(uint16_t head);

    vmm::GuestMemory* memory_ = nullptr;
    SharedRingLayout layout_{};
    bool ready_ = false;
    DriverError error_ = DriverError::NotReady;
    std::array<Desc, kMaxSize> desc_{};
    std::array<InFlight, kMaxSize> chains_{};
    std::array<uint16_t, kMaxSize> free_slots_{};
    uint16_t free_slot_count_ = 0;
    uint16_t free_desc_ = kNone;
    uint16_t free_desc_count_ = 0;
    uint16_t avail_idx_ = 0;
    uint16_t last_used_ = 0;
    uint16_t in_flight_ = 0;
    DriverCounters counters_{};
};

} // namespace virtio
