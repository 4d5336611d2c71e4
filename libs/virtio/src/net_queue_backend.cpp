// A guest's virtio-net device connected to another component by two shared rings (see
// net_queue_backend.hpp).
#include <virtio/net_queue_backend.hpp>

namespace virtio {

bool NetQueueBackend::attach(const vmm::BackendConnection& send,
                             const vmm::BackendConnection& recv) {
    const auto send_layout = SharedRingLayout::for_buffer(send.dataport.size());
    const auto recv_layout = SharedRingLayout::for_buffer(recv.dataport.size());
    if (send.port == nullptr || send.port != recv.port || !send_layout || !recv_layout ||
        !send_buffer_.attach(send.dataport) || !recv_buffer_.attach(recv.dataport) ||
        !send_.configure(send_buffer_.memory(), *send_layout) ||
        recv_.configure(recv_layout->queue_config()) != QueueError::None) {
        return false;
    }
    port_ = send.port;
    send_slot_ = send.cap_slot;
    recv_slot_ = recv.cap_slot;
    return true;
}

bool NetQueueBackend::can_send() {
    // A ring the peer broke takes nothing again: the guest's frames are dropped (and
    // counted) rather than left waiting for ever.
    if (send_.has_room(kMaxEthernetFrame) || send_.error() != DriverError::None) return true;
    // What the peer has returned since may make room.
    if (send_.reclaim() != 0 && send_.has_room(kMaxEthernetFrame)) return true;
    if (!blocked_) ++counters_.send_full;
    blocked_ = true;
    return false;
}

bool NetQueueBackend::send(std::span<const std::byte> frame) {
    switch (send_.send(frame)) {
    case SendResult::Sent:
        ++counters_.sent;
        if (send_.should_notify()) port_->signal(send_slot_);
        return true;
    case SendResult::Full:
        ++counters_.send_full;
        return false;
    case SendResult::TooBig:
    case SendResult::Broken:
        break;
    }
    ++counters_.send_dropped;
    return false;
}

bool NetQueueBackend::deliver_waiting(NetDevice& net) {
    if (waiting_ == 0) return true;
    switch (net.receive(std::span(frame_).first(waiting_))) {
    case RxResult::NoBuffer:
        ++counters_.waits;
        return false;
    case RxResult::Delivered:
        ++counters_.delivered;
        break;
    case RxResult::Dropped:
        ++counters_.rx_dropped;
        break;
    }
    waiting_ = 0;
    return true;
}

void NetQueueBackend::pump(NetDevice& net) {
    if (port_ == nullptr) return;
    if (send_.reclaim() != 0 && blocked_ && send_.has_room(kMaxEthernetFrame)) {
        blocked_ = false;
        net.backend_ready();
    }
    bool returned = false;
    while (deliver_waiting(net)) {
        const std::optional<Chain> chain = recv_.pop(segments_);
        if (!chain) break;
        ++counters_.received;
        if (chain->readable_bytes > frame_.size()) {
            ++counters_.rx_oversized;
        } else {
            waiting_ = read_from_chain(recv_buffer_.memory(), *chain, 0, frame_);
        }
        // The frame is copied out: the peer may reuse its buffers now.
        returned = recv_.push(*chain, 0) || returned;
    }
    if (returned && recv_.should_interrupt()) port_->signal(recv_slot_);
}

} // namespace virtio
