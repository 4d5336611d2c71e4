// The ARP responder backend (see arp_responder.hpp).
#include <virtio/arp_responder.hpp>
#include <virtio/ethernet.hpp>

#include <cstring>

namespace virtio {
namespace {

// Offsets in an Ethernet + ARP frame (RFC 826, IPv4 over Ethernet).
constexpr std::size_t kEthDest = 0;
constexpr std::size_t kEthSource = 6;
constexpr std::size_t kEthType = ethernet::kTypeOffset;
constexpr std::size_t kArpHardware = 14;
constexpr std::size_t kArpProtocol = 16;
constexpr std::size_t kArpHardwareLength = 18;
constexpr std::size_t kArpProtocolLength = 19;
constexpr std::size_t kArpOp = 20;
constexpr std::size_t kArpSenderMac = 22;
constexpr std::size_t kArpSenderIp = 28;
constexpr std::size_t kArpTargetMac = 32;
constexpr std::size_t kArpTargetIp = 38;

using ethernet::be16;
using ethernet::put_be16;
constexpr uint16_t kEtherTypeArp = ethernet::kTypeArp;
constexpr uint16_t kEtherTypeIpv4 = ethernet::kTypeIpv4;
constexpr uint16_t kHardwareEthernet = 1;
constexpr uint16_t kOpRequest = 1;
constexpr uint16_t kOpReply = 2;

void copy(ArpFrame& to, std::size_t at, std::span<const std::byte> from, std::size_t from_at,
          std::size_t n) {
    std::memcpy(to.data() + at, from.data() + from_at, n);
}

} // namespace

std::optional<ArpFrame> arp_reply_to(std::span<const std::byte> frame, ArpCounters* why) {
    ArpCounters ignored;
    ArpCounters& count = why != nullptr ? *why : ignored;
    if (frame.size() < kEthType + 2 || be16(frame, kEthType) != kEtherTypeArp) {
        ++count.not_arp;
        return std::nullopt;
    }
    if (frame.size() < kArpFrameBytes || be16(frame, kArpHardware) != kHardwareEthernet ||
        be16(frame, kArpProtocol) != kEtherTypeIpv4 ||
        std::to_integer<unsigned>(frame[kArpHardwareLength]) != 6 ||
        std::to_integer<unsigned>(frame[kArpProtocolLength]) != 4) {
        ++count.malformed;
        return std::nullopt;
    }
    if (be16(frame, kArpOp) != kOpRequest) {
        ++count.not_request;
        return std::nullopt;
    }
    ArpFrame reply{};
    // The neighbour's MAC: the requester's with the last byte + 2, as upstream makes it.
    copy(reply, kArpSenderMac, frame, kArpSenderMac, 6);
    reply[kArpSenderMac + 5] = std::byte(std::to_integer<unsigned>(reply[kArpSenderMac + 5]) + 2);
    copy(reply, kEthDest, frame, kArpSenderMac, 6);
    copy(reply, kEthSource, reply, kArpSenderMac, 6);
    put_be16(reply, kEthType, kEtherTypeArp);
    put_be16(reply, kArpHardware, kHardwareEthernet);
    put_be16(reply, kArpProtocol, kEtherTypeIpv4);
    reply[kArpHardwareLength] = std::byte{6};
    reply[kArpProtocolLength] = std::byte{4};
    put_be16(reply, kArpOp, kOpReply);
    copy(reply, kArpSenderIp, frame, kArpTargetIp, 4);
    copy(reply, kArpTargetMac, frame, kArpSenderMac, 6);
    copy(reply, kArpTargetIp, frame, kArpSenderIp, 4);
    ++count.answered;
    return reply;
}

bool ArpResponder::send(std::span<const std::byte> frame) {
    if (count_ == kPending) {
        ++counters_.overflow;
        return false;
    }
    const std::optional<ArpFrame> reply = arp_reply_to(frame, &counters_);
    if (!reply) return false;
    replies_[(head_ + count_) % kPending] = *reply;
    ++count_;
    return true;
}

bool ArpResponder::deliver(NetDevice& net) {
    const bool was_full = count_ == kPending;
    while (count_ != 0) {
        const RxResult r = net.receive(replies_[head_]);
        if (r == RxResult::NoBuffer) break;
        ++(r == RxResult::Delivered ? counters_.delivered : counters_.lost);
        head_ = (head_ + 1) % kPending;
        --count_;
    }
    return was_full && count_ < kPending;
}

} // namespace virtio
