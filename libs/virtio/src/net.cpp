// The virtio-net device model: frames between the guest's queues and a NetBackend.
#include <virtio/net.hpp>

#include <cstring>

namespace virtio {

namespace {

constexpr std::size_t kHeaderBytes = sizeof(NetHeader);
constexpr uint32_t kConfigBytes = 10; // mac[6], status, max_virtqueue_pairs

} // namespace

NetDevice::NetDevice(GuestMemory& memory, NetBackend& backend, DeviceEvents& events, MacAddress mac)
    : memory_(memory), backend_(backend), events_(events),
      mac_(mac), queues_{Virtqueue(memory), Virtqueue(memory)} {}

bool NetDevice::set_driver_features(uint64_t features) {
    // Modern devices only: a driver without VERSION_1 would expect the legacy layout.
    if ((features & ~kFeatures) != 0 || (features & kFeatureVersion1) == 0) return false;
    driver_features_ = features;
    return true;
}

QueueError NetDevice::start_queue(unsigned queue, GuestPhysAddr desc, GuestPhysAddr avail,
                                  GuestPhysAddr used, uint16_t size) {
    if (queue >= queues_.size()) return QueueError::NotReady;
    if (size > kQueueSize) return QueueError::BadSize;
    const QueueConfig config{size,
                             desc,
                             avail,
                             used,
                             (driver_features_ & kFeatureIndirectDesc) != 0,
                             (driver_features_ & kFeatureEventIdx) != 0};
    return queues_[queue].configure(config);
}

void NetDevice::stop_queue(unsigned queue) {
    if (queue < queues_.size()) queues_[queue].reset();
}

void NetDevice::driver_ok() {
    driver_ok_ = true;
    transmit();
}

void NetDevice::reset() {
    for (Virtqueue& q : queues_)
        q.reset();
    driver_features_ = 0;
    driver_ok_ = false;
    rx_waiting_ = false;
}

void NetDevice::queue_notify(unsigned queue) {
    if (!driver_ok_) return;
    if (queue == kTxQueue) transmit();
    // A receive kick needs nothing here: rx_ready() reads the ring when the backend asks.
}

bool NetDevice::check(unsigned queue) {
    if (!queues_[queue].broken()) return true;
    events_.needs_reset(queue, queues_[queue].error());
    return false;
}

void NetDevice::used(unsigned queue) {
    if (queues_[queue].should_interrupt()) events_.used_buffers(queue);
}

void NetDevice::transmit() {
    Virtqueue& q = queues_[kTxQueue];
    if (!driver_ok_ || !q.ready() || q.broken()) return;
    for (;;) {
        // No kicks while the ring is being drained; asked for again once it is empty.
        q.disable_notifications();
        while (backend_.can_send()) {
            const auto chain = q.pop(segments_);
            if (!chain) break;
            NetHeader header;
            const auto header_bytes = std::as_writable_bytes(std::span(&header, 1));
            if (chain->readable_bytes < kHeaderBytes ||
                read_from_chain(memory_, *chain, 0, header_bytes) != kHeaderBytes ||
                header.flags != 0 || header.gso_type != 0) {
                // Offloads are not offered, so a header asking for one is malformed.
                ++counters_.tx_dropped_header;
            } else {
                const std::size_t len = chain->readable_bytes - kHeaderBytes;
                const auto frame = std::span(frame_).first(len <= frame_.size() ? len : 0);
                if (len == 0 || len > frame_.size() ||
                    read_from_chain(memory_, *chain, kHeaderBytes, frame) != len) {
                    ++counters_.tx_dropped_size;
                } else if (backend_.send(frame)) {
                    ++counters_.tx_frames;
                    counters_.tx_bytes += len;
                } else {
                    ++counters_.tx_dropped_backend;
                }
            }
            if (!q.push(*chain, 0)) break;
        }
        if (!check(kTxQueue)) return;
        used(kTxQueue);
        // A full backend resumes through backend_ready(); kicks stay off until then.
        if (!backend_.can_send()) return;
        if (!q.enable_notifications()) break;
    }
    (void)check(kTxQueue);
}

void NetDevice::backend_ready() {
    transmit();
}

RxResult NetDevice::receive(std::span<const std::byte> frame) {
    Virtqueue& q = queues_[kRxQueue];
    if (!driver_ok_ || (status_ & kNetStatusLinkUp) == 0 || !q.ready() || q.broken()) {
        ++counters_.rx_dropped_not_ready;
        return RxResult::Dropped;
    }
    if (frame.empty() || frame.size() > kMaxFrameBytes) {
        ++counters_.rx_dropped_size;
        return RxResult::Dropped;
    }
    const auto chain = q.pop(segments_);
    if (!chain) {
        if (!check(kRxQueue)) return RxResult::Dropped;
        ++counters_.rx_no_buffer;
        rx_waiting_ = true;
        return RxResult::NoBuffer;
    }
    // Without VIRTIO_NET_F_MRG_RXBUF every buffer holds a whole frame; num_buffers is 1.
    NetHeader header;
    header.num_buffers = 1;
    const auto header_bytes = std::as_bytes(std::span(&header, 1));
    uint32_t written = 0;
    if (chain->writable_bytes >= kHeaderBytes + frame.size() &&
        write_to_chain(memory_, *chain, 0, header_bytes) == kHeaderBytes &&
        write_to_chain(memory_, *chain, kHeaderBytes, frame) == frame.size()) {
        written = static_cast<uint32_t>(kHeaderBytes + frame.size());
    }
    (void)q.push(*chain, written);
    if (!check(kRxQueue)) return RxResult::Dropped;
    used(kRxQueue);
    if (written == 0) {
        ++counters_.rx_dropped_small;
        return RxResult::Dropped;
    }
    ++counters_.rx_frames;
    counters_.rx_bytes += frame.size();
    return RxResult::Delivered;
}

bool NetDevice::rx_ready() {
    if (!rx_waiting_ || !queues_[kRxQueue].has_available()) {
        (void)check(kRxQueue);
        return false;
    }
    rx_waiting_ = false;
    return true;
}

void NetDevice::set_link(bool up) {
    const uint16_t status = up ? kNetStatusLinkUp : 0;
    if (status == status_) return;
    status_ = status;
    ++generation_;
    events_.config_changed();
}

bool NetDevice::read_config(uint32_t offset, unsigned size, uint32_t& value) const {
    if ((size != 1 && size != 2 && size != 4) || offset > kConfigBytes ||
        size > kConfigBytes - offset) {
        return false;
    }
    std::array<uint8_t, kConfigBytes> bytes{};
    std::memcpy(bytes.data(), mac_.data(), mac_.size());
    bytes[6] = static_cast<uint8_t>(status_);
    bytes[7] = static_cast<uint8_t>(status_ >> 8);
    bytes[8] = 1; // max_virtqueue_pairs (meaningful only with VIRTIO_NET_F_MQ)
    value = 0;
    for (unsigned i = 0; i < size; ++i)
        value |= uint32_t{bytes[offset + i]} << (8 * i);
    return true;
}

bool NetDevice::write_config(uint32_t offset, unsigned size, uint32_t value) {
    // Every field is read-only for a modern driver: accepted and ignored.
    (void)value;
    return (size == 1 || size == 2 || size == 4) && offset <= kConfigBytes &&
           size <= kConfigBytes - offset;
}

} // namespace virtio
