// The virtio-console device model: bytes between the guest's two queues and a
// ConsoleBackend, with a transmit chain held in flight while the backend is full.
#include <virtio/console.hpp>

#include <cstring>

namespace virtio {

namespace {
constexpr uint32_t kConfigBytes = 12; // cols, rows (u16), max_nr_ports, emerg_wr (u32)
}

ConsoleDevice::ConsoleDevice(GuestMemory& memory, ConsoleBackend& backend, DeviceEvents& events)
    : memory_(memory), backend_(backend),
      events_(events), queues_{Virtqueue(memory), Virtqueue(memory)} {}

bool ConsoleDevice::set_driver_features(uint64_t features) {
    if ((features & ~kFeatures) != 0 || (features & kFeatureVersion1) == 0) return false;
    driver_features_ = features;
    return true;
}

QueueError ConsoleDevice::start_queue(unsigned queue, GuestPhysAddr desc, GuestPhysAddr avail,
                                      GuestPhysAddr used, uint16_t size) {
    if (queue >= queues_.size()) return QueueError::NotReady;
    if (size > kQueueSize) return QueueError::BadSize;
    return queues_[queue].configure({size, desc, avail, used,
                                     (driver_features_ & kFeatureIndirectDesc) != 0,
                                     (driver_features_ & kFeatureEventIdx) != 0});
}

void ConsoleDevice::stop_queue(unsigned queue) {
    if (queue >= queues_.size()) return;
    queues_[queue].reset();
    if (queue != kTxQueue) return;
    tx_chain_.reset();
    tx_owed_ = false;
}

void ConsoleDevice::driver_ok() {
    driver_ok_ = true;
    transmit(false);
}

void ConsoleDevice::reset() {
    for (Virtqueue& q : queues_)
        q.reset();
    tx_chain_.reset();
    tx_done_ = 0;
    tx_owed_ = false;
    driver_features_ = 0;
    driver_ok_ = false;
    rx_waiting_ = false;
}

void ConsoleDevice::queue_notify(unsigned queue) {
    if (!driver_ok_) return;
    // The guest ran since the last kick: what it owes is decided before anything new.
    settle_transmit_interrupt();
    if (queue == kTxQueue) transmit(true);
    if (queue == kRxQueue) rx_waiting_ = false; // buffers arrived; rx_ready() says so
}

bool ConsoleDevice::read_config(uint32_t offset, unsigned size, uint32_t& value) const {
    if (offset > kConfigBytes || size > kConfigBytes - offset) return false;
    value = 0;
    return true;
}

bool ConsoleDevice::write_config(uint32_t offset, unsigned size, uint32_t value) {
    (void)value;
    return offset <= kConfigBytes && size <= kConfigBytes - offset;
}

bool ConsoleDevice::check(unsigned queue) {
    if (!queues_[queue].broken()) return true;
    events_.needs_reset(queue, queues_[queue].error());
    return false;
}

// Within the guest's kick (the exit that brought the buffers, which are used before it
// returns) and with event indexes, the interrupt can wait: a driver that polls its buffer
// back has done so by its next kick or wait, and then needs none; one that waits for the
// interrupt gets it when it waits (the backend hears of that). Otherwise: now.
void ConsoleDevice::transmit_interrupt(bool kick) {
    Virtqueue& q = queues_[kTxQueue];
    if (kick && q.config().event_idx && backend_.defer_transmit_interrupt()) {
        tx_owed_ = true;
        ++counters_.tx_deferred;
        return;
    }
    if (q.should_interrupt()) events_.used_buffers(kTxQueue);
}

void ConsoleDevice::settle_transmit_interrupt() {
    if (!tx_owed_) return;
    tx_owed_ = false;
    if (queues_[kTxQueue].should_interrupt()) events_.used_buffers(kTxQueue);
}

void ConsoleDevice::transmit(bool kick) {
    Virtqueue& q = queues_[kTxQueue];
    if (!driver_ok_ || !q.ready() || q.broken()) return;
    bool pushed = false;
    for (;;) {
        q.disable_notifications();
        for (;;) {
            if (!tx_chain_) {
                tx_chain_ = q.pop(tx_segments_);
                tx_done_ = 0;
                if (!tx_chain_) break;
            }
            // Copied out in pieces: a chain may be longer than what the backend takes.
            char piece[256];
            while (tx_done_ < tx_chain_->readable_bytes) {
                const uint32_t left = tx_chain_->readable_bytes - tx_done_;
                const std::size_t want = left < sizeof piece ? left : sizeof piece;
                const std::size_t got = read_from_chain(
                    memory_, *tx_chain_, tx_done_, std::as_writable_bytes(std::span(piece, want)));
                if (got != want) break; // checked at pop; cannot happen
                const std::size_t taken = backend_.write({piece, want});
                tx_done_ += static_cast<uint32_t>(taken);
                counters_.tx_bytes += taken;
                if (taken < want) {
                    // Full: the rest of this chain waits for backend_ready().
                    ++counters_.tx_waits;
                    if (pushed) transmit_interrupt(false);
                    backend_.flush();
                    return;
                }
            }
            if (!q.push(*tx_chain_, 0)) break;
            tx_chain_.reset();
            pushed = true;
        }
        if (!check(kTxQueue)) return;
        if (!q.enable_notifications()) break;
    }
    if (pushed) transmit_interrupt(kick);
    backend_.flush();
    (void)check(kTxQueue);
}

void ConsoleDevice::backend_ready() {
    transmit(false);
}

std::size_t ConsoleDevice::receive(std::span<const char> bytes) {
    Virtqueue& q = queues_[kRxQueue];
    if (!driver_ok_ || !q.ready() || q.broken()) return 0;
    std::size_t done = 0;
    bool pushed = false;
    while (done < bytes.size()) {
        const auto chain = q.pop(rx_segments_);
        if (!chain) {
            (void)check(kRxQueue);
            ++counters_.rx_no_buffer;
            rx_waiting_ = true;
            break;
        }
        const std::size_t left = bytes.size() - done;
        const std::size_t n = left < chain->writable_bytes ? left : chain->writable_bytes;
        const std::size_t written =
            write_to_chain(memory_, *chain, 0, std::as_bytes(bytes.subspan(done, n)));
        if (!q.push(*chain, static_cast<uint32_t>(written))) break;
        pushed = true;
        done += written;
        if (written == 0) break; // a chain with no room: nothing more fits this round
    }
    counters_.rx_bytes += done;
    if (pushed && q.should_interrupt()) events_.used_buffers(kRxQueue);
    (void)check(kRxQueue);
    return done;
}

bool ConsoleDevice::rx_ready() {
    if (!driver_ok_) return false;
    if (!rx_waiting_) return true;
    return queues_[kRxQueue].has_available();
}

} // namespace virtio
