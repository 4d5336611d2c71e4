// The virtio-net backend of a VM whose network is connected to nothing: it answers the
// guest's ARP requests itself, as upstream camkes-arm-vm's `virtio_net` module
// (virtio_net_arping.c) does, so that `arping` from the guest sees replies. Every other
// frame is counted and dropped.
#pragma once

#include <virtio/net.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace virtio {

// An Ethernet frame carrying an ARP packet for IPv4 over Ethernet (RFC 826): 14 + 28 bytes.
inline constexpr std::size_t kArpFrameBytes = 42;
using ArpFrame = std::array<std::byte, kArpFrameBytes>;

struct ArpCounters {
    uint64_t answered = 0;    // requests a reply was made for
    uint64_t delivered = 0;   // replies the guest received
    uint64_t lost = 0;        // replies the device dropped (driver not ready, buffer too small)
    uint64_t not_arp = 0;     // frames of another EtherType (IPv6, IPv4, VLAN, ...)
    uint64_t malformed = 0;   // ARP frames too short, or not IPv4 over Ethernet
    uint64_t not_request = 0; // well-formed ARP that is not a request (replies, RARP ops)
    uint64_t overflow = 0;    // requests refused while kPending replies were waiting
};

// The reply upstream makes to an ARP request: from the requester's MAC with its last byte
// + 2 (a neighbour that does not exist anywhere else), claiming the requested IP, sent
// to the requester. nullopt for anything that is not a well-formed ARP request (`why`, if
// given, counts the reason).
[[nodiscard]] std::optional<ArpFrame> arp_reply_to(std::span<const std::byte> frame,
                                                   ArpCounters* why = nullptr);

class ArpResponder final : public NetBackend {
public:
    // Replies waiting for a receive buffer. The guest's transmit waits (back-pressure)
    // while they are all in use.
    static constexpr std::size_t kPending = 8;

    // NetBackend: room for one more reply.
    [[nodiscard]] bool can_send() override { return count_ < kPending; }
    // An ARP request gets a reply queued (true); anything else is counted and dropped.
    [[nodiscard]] bool send(std::span<const std::byte> frame) override;

    // Gives the queued replies to the guest, oldest first, until the driver has no
    // receive buffer; true if room was made (the device may transmit again). Not called
    // from send(): the device is in the middle of its transmit ring then.
    bool deliver(NetDevice& net);
    [[nodiscard]] std::size_t pending() const { return count_; }
    [[nodiscard]] const ArpCounters& counters() const { return counters_; }
    // Guest reset: replies for the old guest are dropped.
    void reset() { head_ = count_ = 0; }

private:
    std::array<ArpFrame, kPending> replies_{};
    std::size_t head_ = 0;
    std::size_t count_ = 0;
    ArpCounters counters_{};
};

} // namespace virtio
