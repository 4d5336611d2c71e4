// The virtual switch of a VM's virtio-net device (see net_switch.hpp).
#include <virtio/net_switch.hpp>

#include <algorithm>

namespace virtio {

bool NetSwitch::add_port(MacAddress mac, const vmm::BackendConnection& send,
                         const vmm::BackendConnection& recv) {
    if (count_ == kMaxPorts || !ports_[count_].queues.attach(send, recv)) return false;
    ports_[count_++].mac = mac;
    return true;
}

bool NetSwitch::send_to(std::size_t i, std::span<const std::byte> frame) {
    NetQueueBackend& q = ports_[i].queues;
    if (q.can_send() && q.send(frame)) return true;
    ++counters_.port_full;
    return false;
}

bool NetSwitch::send(std::span<const std::byte> frame) {
    if (frame.size() < 6) {
        ++counters_.unknown;
        return false;
    }
    MacAddress dest{};
    std::transform(frame.begin(), frame.begin() + 6, dest.begin(),
                   [](std::byte b) { return static_cast<uint8_t>(b); });
    // The group bit: broadcast (ff:ff:...) and multicast (IPv6 neighbour discovery, ...).
    if ((dest[0] & 1) != 0) {
        ++counters_.flooded;
        bool any = false;
        for (std::size_t i = 0; i < count_; ++i)
            any = send_to(i, frame) || any;
        return any;
    }
    for (std::size_t i = 0; i < count_; ++i) {
        if (ports_[i].mac != dest) continue;
        ++counters_.unicast;
        return send_to(i, frame);
    }
    ++counters_.unknown;
    return false;
}

void NetSwitch::pump(NetDevice& net) {
    for (std::size_t i = 0; i < count_; ++i)
        ports_[i].queues.pump(net);
}

void NetSwitch::reset() {
    for (std::size_t i = 0; i < count_; ++i)
        ports_[i].queues.reset();
}

} // namespace virtio
