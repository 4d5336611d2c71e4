// What PingClient prints (its `print_packets` attribute). 1, the default: every echo
// request (packet contents, IP and ICMP header) and a counters line after each batch of
// frames, as upstream's ping_client prints. 0: summary only, for benchmarks: no packet,
// and the counters line for the first batch, once every kSummaryFrames frames and whenever
// a frame was malformed, dropped or waited for a full send ring, so no loss goes unseen.
// Printing goes through the kernel's debug console one UART character at a time, which
// under QEMU costs more than the whole echo (bench/net, README.md).
#pragma once

#include <ping_client/echo_responder.hpp>

#include <cstdint>

namespace ping_client {

class PrintPolicy {
public:
    static constexpr uint64_t kSummaryFrames = 1000;

    // From the attribute's value: 0 is summary only, anything else every packet.
    explicit PrintPolicy(int64_t print_packets) : packets_(print_packets != 0) {}

    [[nodiscard]] bool packets() const { return packets_; }
    // After a batch that took frames: is the counters line due? `ring_full` is the send
    // ring's count of replies that found it full.
    [[nodiscard]] bool counters_due(const Counters& c, uint64_t ring_full);

private:
    bool packets_;
    bool printed_ = false;
    uint64_t frames_ = 0; // at the last line printed
    uint64_t losses_ = 0; // malformed + dropped + ring_full at the last line printed
};

} // namespace ping_client
