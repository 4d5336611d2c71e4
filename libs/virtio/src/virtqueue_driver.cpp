// The driver side of a ring shared between components (see virtqueue_driver.hpp): private
// descriptor, chain and pool bookkeeping; only the used ring is read back, and checked.
#include <virtio/virtqueue_driver.hpp>

#include <algorithm>
#include <atomic>

namespace virtio {
namespace {

constexpr std::size_t slots_for(std::size_t bytes) {
    return (bytes + kSharedSlotBytes - 1) / kSharedSlotBytes;
}

} // namespace

const char* to_string(DriverError error) {
    switch (error) {
    case DriverError::None:
        return "no error";
    case DriverError::NotReady:
        return "queue not configured";
    case DriverError::UsedIndexJump:
        return "used idx moved past the chains in flight";
    case DriverError::BadUsedId:
        return "used element names no chain in flight";
    case DriverError::BadUsedLength:
        return "used length beyond the chain's writable buffers";
    case DriverError::RingAccessFailed:
        return "ring access failed";
    }
    return "unknown error";
}

bool VirtqueueDriver::configure(vmm::GuestMemory& buffer, const SharedRingLayout& layout) {
    ready_ = false;
    error_ = DriverError::NotReady;
    memory_ = &buffer;
    if (layout.size == 0 || layout.size > kMaxSize || (layout.size & (layout.size - 1)) != 0 ||
        layout.slots == 0 ||
        memory_->window({GuestPhysAddr(layout.pool), uint64_t{layout.slots} * kSharedSlotBytes})
            .empty() ||
        memory_->window({GuestPhysAddr(layout.used), used_ring_bytes(layout.size)}).empty()) {
        return false;
    }
    layout_ = layout;
    layout_.slots = std::min<uint32_t>(layout.slots, kMaxSize);
    free_desc_ = kNone;
    for (uint16_t i = layout_.size; i-- > 0;) {
        desc_[i] = Desc{kNone, free_desc_, 0};
        chains_[i] = InFlight{};
        free_desc_ = i;
    }
    free_desc_count_ = layout_.size;
    for (uint32_t s = 0; s < layout_.slots; ++s)
        free_slots_[s] = static_cast<uint16_t>(s);
    free_slot_count_ = static_cast<uint16_t>(layout_.slots);
    avail_idx_ = 0;
    last_used_ = 0;
    in_flight_ = 0;
    if (!memory_->write_scalar<uint16_t>(GuestPhysAddr(layout_.avail), 0) ||
        !memory_->write_scalar<uint16_t>(GuestPhysAddr(layout_.avail + kAvailIdx), 0)) {
        return false;
    }
    ready_ = true;
    error_ = DriverError::None;
    return true;
}

void VirtqueueDriver::fail(DriverError error) {
    if (error_ == DriverError::None) error_ = error;
    ready_ = false;
}

bool VirtqueueDriver::has_room(std::size_t bytes) const {
    const std::size_t n = std::max<std::size_t>(slots_for(bytes), 1);
    return ready_ && n <= free_slot_count_ && n <= free_desc_count_;
}

SendResult VirtqueueDriver::send(std::span<const std::byte> bytes) {
    return publish(bytes, bytes.size(), false);
}

SendResult VirtqueueDriver::post(std::size_t bytes) {
    return publish({}, bytes, true);
}

SendResult VirtqueueDriver::publish(std::span<const std::byte> bytes, std::size_t total,
                                    bool writable) {
    if (!ready_) return SendResult::Broken;
    if (total == 0 || slots_for(total) > layout_.slots) return SendResult::TooBig;
    if (!has_room(total)) {
        ++counters_.full;
        return SendResult::Full;
    }
    const std::size_t n = slots_for(total);
    // Descriptors are written back to front so each one's `next` is known.
    uint16_t next = kNone;
    const std::size_t last_len = total - (n - 1) * kSharedSlotBytes;
    uint16_t head = kNone;
    for (std::size_t k = 0; k < n; ++k) {
        head = free_desc_;
        free_desc_ = desc_[head].next;
        --free_desc_count_;
        const uint16_t slot = free_slots_[--free_slot_count_];
        const std::size_t index = n - 1 - k; // position in the chain
        const auto len = static_cast<uint32_t>(index == n - 1 ? last_len : kSharedSlotBytes);
        if (!writable && !memory_->write(GuestPhysAddr(slot_offset(slot)),
                                         bytes.subspan(index * kSharedSlotBytes, len))) {
            fail(DriverError::RingAccessFailed);
            return SendResult::Broken;
        }
        desc_[head] = Desc{slot, next, len};
        const RawDesc raw{
            slot_offset(slot), len,
            static_cast<uint16_t>((next != kNone ? kDescNext : 0) | (writable ? kDescWrite : 0)),
            next == kNone ? uint16_t{0} : next};
        if (!memory_->write(GuestPhysAddr(layout_.desc + kDescSize * head),
                            std::as_bytes(std::span(&raw, 1)))) {
            fail(DriverError::RingAccessFailed);
            return SendResult::Broken;
        }
        next = head;
    }
    chains_[head] = InFlight{true, writable, static_cast<uint16_t>(n),
                             writable ? static_cast<uint32_t>(total) : 0};
    const GuestPhysAddr entry(layout_.avail + kAvailRing +
                              2 * uint64_t(avail_idx_ & (layout_.size - 1)));
    if (!memory_->write_scalar<uint16_t>(entry, head)) {
        fail(DriverError::RingAccessFailed);
        return SendResult::Broken;
    }
    // Descriptors, buffers and the ring entry before the idx that publishes them.
    std::atomic_thread_fence(std::memory_order_release);
    ++avail_idx_;
    if (!memory_->write_scalar<uint16_t>(GuestPhysAddr(layout_.avail + kAvailIdx), avail_idx_)) {
        fail(DriverError::RingAccessFailed);
        return SendResult::Broken;
    }
    ++in_flight_;
    ++counters_.sent;
    return SendResult::Sent;
}

// Back to the free lists: the chain as the driver built it (never as the ring says now).
void VirtqueueDriver::release(uint16_t head) {
    uint16_t d = head;
    for (uint16_t k = 0; k < chains_[head].count && d != kNone; ++k) {
        const uint16_t next = desc_[d].next;
        free_slots_[free_slot_count_++] = desc_[d].slot;
        desc_[d] = Desc{kNone, free_desc_, 0};
        free_desc_ = d;
        ++free_desc_count_;
        d = next;
    }
    chains_[head] = InFlight{};
    --in_flight_;
    ++counters_.completed;
}

std::size_t VirtqueueDriver::reclaim(UsedSink* sink) {
    if (!ready_) return 0;
    const auto idx = memory_->read_scalar<uint16_t>(GuestPhysAddr(layout_.used + kUsedIdx));
    if (!idx) {
        fail(DriverError::RingAccessFailed);
        return 0;
    }
    if (static_cast<uint16_t>(*idx - last_used_) > in_flight_) {
        fail(DriverError::UsedIndexJump);
        return 0;
    }
    // Elements are read only after the idx that published them.
    std::atomic_thread_fence(std::memory_order_acquire);
    std::size_t done = 0;
    std::array<std::byte, kSharedSlotBytes> bounce{};
    while (last_used_ != *idx) {
        const GuestPhysAddr elem(layout_.used + kUsedRing +
                                 kUsedElemSize * (last_used_ & (layout_.size - 1)));
        const auto id = memory_->read_scalar<uint32_t>(elem);
        const auto len = memory_->read_scalar<uint32_t>(elem + 4);
        if (!id || !len) {
            fail(DriverError::RingAccessFailed);
            break;
        }
        if (*id >= layout_.size || !chains_[*id].active) {
            fail(DriverError::BadUsedId);
            break;
        }
        const InFlight chain = chains_[*id];
        if (*len > chain.bytes) { // device-readable chains: nothing may be written
            fail(DriverError::BadUsedLength);
            break;
        }
        // What the device wrote, slot by slot, from the driver's own record of the chain.
        uint32_t left = *len;
        for (uint16_t d = static_cast<uint16_t>(*id); sink != nullptr && left != 0 && d != kNone;
             d = desc_[d].next) {
            const uint32_t part = std::min(left, desc_[d].len);
            if (!memory_->read(GuestPhysAddr(slot_offset(desc_[d].slot)),
                               std::span(bounce).first(part))) {
                fail(DriverError::RingAccessFailed);
                return done;
            }
            sink->used(std::span<const std::byte>(bounce).first(part));
            left -= part;
        }
        ++last_used_;
        release(static_cast<uint16_t>(*id));
        ++done;
    }
    return done;
}

bool VirtqueueDriver::should_notify() {
    if (!ready_) return false;
    // Our idx must be visible before the device's flag is read (see Virtqueue).
    std::atomic_thread_fence(std::memory_order_seq_cst);
    const auto flags = memory_->read_scalar<uint16_t>(GuestPhysAddr(layout_.used));
    if (!flags) {
        fail(DriverError::RingAccessFailed);
        return false;
    }
    const bool need = (*flags & kUsedNoNotify) == 0;
    ++(need ? counters_.notifies : counters_.notifies_suppressed);
    return need;
}

} // namespace virtio
