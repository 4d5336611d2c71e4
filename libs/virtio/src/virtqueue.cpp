// The device side of a split virtqueue: every guest-supplied index, length and address
// is checked before it is used (see virtqueue.hpp).
#include <virtio/virtqueue.hpp>

#include <algorithm>
#include <atomic>
#include <cstring>

namespace virtio {

namespace {

constexpr uint64_t kMaxChainBytes = 0xffffffff; // the used ring's len is 32 bits

bool read_desc(const GuestMemory& memory, GuestPhysAddr addr, RawDesc& out) {
    return memory.read(addr, std::as_writable_bytes(std::span(&out, 1)));
}

// Copies between `bytes` and the segments, starting `offset` bytes into them; stops at the
// end of either or at the first access that fails. Returns the bytes copied.
template <class Bytes, class Copy>
std::size_t copy_segments(std::span<const Segment> segments, uint64_t offset, Bytes bytes,
                          Copy copy) {
    std::size_t done = 0;
    for (const Segment& s : segments) {
        if (done == bytes.size()) break;
        if (offset >= s.len) {
            offset -= s.len;
            continue;
        }
        const std::size_t n = std::min<uint64_t>(s.len - offset, bytes.size() - done);
        if (!copy(s.addr + offset, bytes.subspan(done, n))) break;
        done += n;
        offset = 0;
    }
    return done;
}

} // namespace

const char* to_string(QueueError error) {
    switch (error) {
    case QueueError::None:
        return "no error";
    case QueueError::NotReady:
        return "queue not ready";
    case QueueError::BadSize:
        return "queue size not a power of two in 1..32768";
    case QueueError::MisalignedRing:
        return "ring area misaligned";
    case QueueError::RingOutsideRam:
        return "ring area outside guest RAM";
    case QueueError::RingsOverlap:
        return "ring areas overlap";
    case QueueError::AvailIndexJump:
        return "avail idx moved more than the queue size";
    case QueueError::HeadOutOfRange:
        return "avail ring names a descriptor beyond the table";
    case QueueError::NextOutOfRange:
        return "descriptor next beyond the table";
    case QueueError::ChainTooLong:
        return "descriptor chain longer than its table (a loop)";
    case QueueError::TooManySegments:
        return "descriptor chain has more segments than the device takes";
    case QueueError::IndirectNotNegotiated:
        return "indirect descriptor without VIRTIO_F_INDIRECT_DESC";
    case QueueError::IndirectWithNext:
        return "descriptor with both INDIRECT and NEXT";
    case QueueError::NestedIndirect:
        return "indirect descriptor inside an indirect table";
    case QueueError::BadIndirectSize:
        return "indirect table length not a multiple of 16 in 16..512 KiB";
    case QueueError::ZeroLength:
        return "zero-length buffer";
    case QueueError::LengthOverflow:
        return "buffer length overflows";
    case QueueError::BufferOutsideRam:
        return "buffer outside guest RAM";
    case QueueError::BufferOverlapsRing:
        return "buffer overlaps the ring";
    case QueueError::ReadableAfterWritable:
        return "device-readable buffer after a device-writable one";
    case QueueError::QueueOverrun:
        return "more chains offered than the queue holds";
    case QueueError::BadUsedElement:
        return "device pushed a bad used element";
    case QueueError::RingAccessFailed:
        return "ring access failed";
    }
    return "unknown queue error";
}

QueueError Virtqueue::fail(QueueError error) {
    if (error_ == QueueError::None) error_ = error;
    return error;
}

void Virtqueue::reset() {
    config_ = {};
    error_ = QueueError::NotReady;
    ready_ = false;
    notify_enabled_ = true;
    next_avail_ = avail_idx_ = used_idx_ = signalled_used_ = in_flight_ = 0;
}

QueueError Virtqueue::configure(const QueueConfig& config) {
    reset();
    const uint16_t n = config.size;
    if (n == 0 || n > kMaxQueueSize || (n & (n - 1)) != 0) return error_ = QueueError::BadSize;
    if (!config.desc.aligned(kDescAlign) || !config.avail.aligned(kAvailAlign) ||
        !config.used.aligned(kUsedAlign)) {
        return error_ = QueueError::MisalignedRing;
    }
    const GuestPhysRange areas[] = {{config.desc, desc_table_bytes(n)},
                                    {config.avail, avail_ring_bytes(n)},
                                    {config.used, used_ring_bytes(n)}};
    for (const GuestPhysRange& area : areas) {
        if (memory_.window(area).empty()) return error_ = QueueError::RingOutsideRam;
    }
    if (areas[0].overlaps(areas[1]) || areas[0].overlaps(areas[2]) || areas[1].overlaps(areas[2])) {
        return error_ = QueueError::RingsOverlap;
    }
    config_ = config;
    error_ = QueueError::None;
    ready_ = true;
    return error_;
}

bool Virtqueue::overlaps_ring(GuestPhysRange range) const {
    const uint16_t n = config_.size;
    return range.overlaps({config_.desc, desc_table_bytes(n)}) ||
           range.overlaps({config_.avail, avail_ring_bytes(n)}) ||
           range.overlaps({config_.used, used_ring_bytes(n)});
}

bool Virtqueue::read_avail_idx(uint16_t& idx) {
    const auto value = memory_.read_scalar<uint16_t>(config_.avail + kAvailIdx);
    if (!value) {
        fail(QueueError::RingAccessFailed);
        return false;
    }
    // The driver never has more than `size` chains the device has not seen.
    if (static_cast<uint16_t>(*value - next_avail_) > config_.size) {
        fail(QueueError::AvailIndexJump);
        return false;
    }
    idx = *value;
    // Ring entries and descriptors are read only after the idx that published them.
    std::atomic_thread_fence(std::memory_order_acquire);
    return true;
}

bool Virtqueue::has_available() {
    if (!ready_ || broken()) return false;
    if (avail_idx_ != next_avail_) return true;
    return read_avail_idx(avail_idx_) && avail_idx_ != next_avail_;
}

QueueError Virtqueue::add_segment(uint64_t addr, uint32_t len, bool writable,
                                  std::span<Segment> storage, Chain& chain, uint64_t& total) {
    if (len == 0) return QueueError::ZeroLength;
    if (addr + len < addr) return QueueError::LengthOverflow;
    const GuestPhysRange range{GuestPhysAddr(addr), len};
    if (memory_.window(range).empty()) return QueueError::BufferOutsideRam;
    if (overlaps_ring(range)) return QueueError::BufferOverlapsRing;
    if (!writable && chain.writable_bytes != 0) return QueueError::ReadableAfterWritable;
    total += len;
    if (total > kMaxChainBytes) return QueueError::LengthOverflow;
    const std::size_t count = chain.segments.size();
    if (count == storage.size()) return QueueError::TooManySegments;
    storage[count] = Segment{GuestPhysAddr(addr), len, writable};
    chain.segments = storage.first(count + 1);
    if (writable) {
        chain.writable_bytes += len;
    } else {
        chain.readable_bytes += len;
        ++chain.num_readable;
    }
    return QueueError::None;
}

QueueError Virtqueue::walk_indirect(uint64_t addr, uint32_t len, std::span<Segment> storage,
                                    Chain& chain, uint64_t& total) {
    if (len == 0 || len % kDescSize != 0 || len / kDescSize > kMaxQueueSize) {
        return QueueError::BadIndirectSize;
    }
    if (addr + len < addr) return QueueError::LengthOverflow;
    const GuestPhysRange table{GuestPhysAddr(addr), len};
    if (memory_.window(table).empty()) return QueueError::BufferOutsideRam;
    if (overlaps_ring(table)) return QueueError::BufferOverlapsRing;
    const uint32_t entries = len / kDescSize;
    uint32_t index = 0;
    for (uint32_t walked = 1;; ++walked) {
        if (walked > entries) return QueueError::ChainTooLong;
        RawDesc desc{};
        if (!read_desc(memory_, table.base + kDescSize * index, desc)) {
            return QueueError::RingAccessFailed;
        }
        if ((desc.flags & kDescIndirect) != 0) return QueueError::NestedIndirect;
        const QueueError e =
            add_segment(desc.addr, desc.len, (desc.flags & kDescWrite) != 0, storage, chain, total);
        if (e != QueueError::None) return e;
        if ((desc.flags & kDescNext) == 0) return QueueError::None;
        if (desc.next >= entries) return QueueError::NextOutOfRange;
        index = desc.next;
    }
}

std::optional<Chain> Virtqueue::pop(std::span<Segment> storage) {
    if (!has_available()) return std::nullopt;
    const uint16_t n = config_.size;
    if (in_flight_ == n) {
        fail(QueueError::QueueOverrun);
        return std::nullopt;
    }
    const uint16_t slot = next_avail_ & (n - 1);
    const auto head =
        memory_.read_scalar<uint16_t>(config_.avail + kAvailRing + uint64_t{2} * slot);
    if (!head) {
        fail(QueueError::RingAccessFailed);
        return std::nullopt;
    }
    if (*head >= n) {
        fail(QueueError::HeadOutOfRange);
        return std::nullopt;
    }

    Chain chain{};
    chain.head = *head;
    chain.segments = storage.first(0);
    uint64_t total = 0;
    uint16_t index = *head;
    QueueError e = QueueError::None;
    for (uint32_t walked = 1; e == QueueError::None; ++walked) {
        if (walked > n) {
            e = QueueError::ChainTooLong;
            break;
        }
        RawDesc desc{};
        if (!read_desc(memory_, config_.desc + kDescSize * index, desc)) {
            e = QueueError::RingAccessFailed;
            break;
        }
        if ((desc.flags & kDescIndirect) != 0) {
            // Zero or more direct descriptors may come before one indirect one, which ends
            // the chain (spec 2.7.5.3.2); its WRITE flag means nothing.
            if (!config_.indirect) {
                e = QueueError::IndirectNotNegotiated;
            } else if ((desc.flags & kDescNext) != 0) {
                e = QueueError::IndirectWithNext;
            } else {
                e = walk_indirect(desc.addr, desc.len, storage, chain, total);
            }
            break;
        }
        e = add_segment(desc.addr, desc.len, (desc.flags & kDescWrite) != 0, storage, chain, total);
        if (e != QueueError::None || (desc.flags & kDescNext) == 0) break;
        if (desc.next >= n) {
            e = QueueError::NextOutOfRange;
            break;
        }
        index = desc.next;
    }
    if (e != QueueError::None) {
        fail(e);
        return std::nullopt;
    }

    ++next_avail_;
    ++in_flight_;
    ++counters_.popped;
    if (config_.event_idx && notify_enabled_ && !publish_avail_event()) return std::nullopt;
    return chain;
}

bool Virtqueue::push(const Chain& chain, uint32_t written) {
    if (ready_ && !broken() && written > chain.writable_bytes) {
        fail(QueueError::BadUsedElement);
        return false;
    }
    return push(chain.head, written);
}

bool Virtqueue::push(uint16_t head, uint32_t written) {
    if (!ready_ || broken()) return false;
    const uint16_t n = config_.size;
    if (head >= n || in_flight_ == 0) {
        fail(QueueError::BadUsedElement);
        return false;
    }
    const GuestPhysAddr elem = config_.used + kUsedRing + kUsedElemSize * (used_idx_ & (n - 1));
    if (!memory_.write_scalar<uint32_t>(elem, head) ||
        !memory_.write_scalar<uint32_t>(elem + 4, written)) {
        fail(QueueError::RingAccessFailed);
        return false;
    }
    // The element (and the buffer contents) before the idx that publishes them.
    std::atomic_thread_fence(std::memory_order_release);
    ++used_idx_;
    if (!memory_.write_scalar<uint16_t>(config_.used + kUsedIdx, used_idx_)) {
        fail(QueueError::RingAccessFailed);
        return false;
    }
    --in_flight_;
    ++counters_.pushed;
    return true;
}

bool Virtqueue::should_interrupt() {
    if (!ready_ || broken() || used_idx_ == signalled_used_) return false;
    // The used idx must be visible before the driver's suppression state is read, or
    // both sides could decide the other one will act.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    bool need = false;
    if (config_.event_idx) {
        const auto used_event =
            memory_.read_scalar<uint16_t>(config_.avail + kAvailRing + uint64_t{2} * config_.size);
        if (!used_event) {
            fail(QueueError::RingAccessFailed);
            return false;
        }
        need = vring_need_event(*used_event, used_idx_, signalled_used_);
    } else {
        const auto flags = memory_.read_scalar<uint16_t>(config_.avail);
        if (!flags) {
            fail(QueueError::RingAccessFailed);
            return false;
        }
        need = (*flags & kAvailNoInterrupt) == 0;
    }
    signalled_used_ = used_idx_;
    ++(need ? counters_.interrupts : counters_.interrupts_suppressed);
    return need;
}

bool Virtqueue::publish_avail_event() {
    const GuestPhysAddr avail_event = config_.used + kUsedRing + kUsedElemSize * config_.size;
    if (!memory_.write_scalar<uint16_t>(avail_event, next_avail_)) {
        fail(QueueError::RingAccessFailed);
        return false;
    }
    return true;
}

void Virtqueue::disable_notifications() {
    if (!ready_ || broken()) return;
    notify_enabled_ = false;
    ++counters_.notifications_disabled;
    // With event indexes the driver stops by itself once avail_event is behind it.
    if (!config_.event_idx && !memory_.write_scalar<uint16_t>(config_.used, kUsedNoNotify)) {
        fail(QueueError::RingAccessFailed);
    }
}

bool Virtqueue::enable_notifications() {
    if (!ready_ || broken()) return false;
    notify_enabled_ = true;
    ++counters_.notifications_enabled;
    const bool written =
        config_.event_idx ? publish_avail_event() : memory_.write_scalar<uint16_t>(config_.used, 0);
    if (!written) {
        fail(QueueError::RingAccessFailed);
        return false;
    }
    // Our flag before the driver's idx: a chain published meanwhile is seen here.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    return has_available();
}

std::size_t read_from_chain(const GuestMemory& memory, const Chain& chain, uint64_t offset,
                            std::span<std::byte> out) {
    return copy_segments(
        chain.readable(), offset, out,
        [&](GuestPhysAddr at, std::span<std::byte> part) { return memory.read(at, part); });
}

std::size_t write_to_chain(GuestMemory& memory, const Chain& chain, uint64_t offset,
                           std::span<const std::byte> in) {
    return copy_segments(
        chain.writable(), offset, in,
        [&](GuestPhysAddr at, std::span<const std::byte> part) { return memory.write(at, part); });
}

} // namespace virtio
