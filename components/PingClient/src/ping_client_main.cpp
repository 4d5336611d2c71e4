// PingClient's program: the device of the `recv` virtqueue (the VM's frames) and the driver
// of the `send` virtqueue (its replies), both over rings shared with the VM. It waits on
// its one bound notification; whatever bit arrives, it takes back the replies the VM
// consumed and answers what arrived (echo_responder.hpp), printing each echo request as
// upstream's ping_client does (packet contents, IP and ICMP header) and a line of
// counters, or with `print_packets = 0` a summary only (print_policy.hpp). A reply waits in the
// recv ring while the send ring is full (back-pressure); a reply the ring cannot take at all is
// dropped and counted. A VM that breaks a ring stops that ring here, with one line saying why.
#include "PingClient_glue.hpp"

#include <ping_client/echo_responder.hpp>
#include <ping_client/print_policy.hpp>
#include <virtio/ethernet.hpp>
#include <virtio/net_queue_backend.hpp>
#include <virtio/shared_ring.hpp>
#include <virtio/virtqueue.hpp>
#include <virtio/virtqueue_driver.hpp>

#include <runtime/capabilities.hpp>
#include <runtime/debug_print.hpp>

#include <array>
#include <optional>
#include <string_view>

using namespace runtime;

namespace {

using Self = bulkhead::glue::PingClient::Instance;

std::array<std::byte, virtio::kMaxEthernetFrame> g_frame;
std::array<std::byte, virtio::kMaxEthernetFrame> g_reply;
std::array<virtio::Segment, 16> g_segments;
// Upstream prints every byte; long packets are cut after this many.
constexpr std::size_t kDumpBytes = 60;

void print_ip(const ping_client::Ipv4& ip) {
    out() << Dec{ip[0]} << "." << Dec{ip[1]} << "." << Dec{ip[2]} << "." << Dec{ip[3]};
}

void print_echo(const ping_client::EchoInfo& e) {
    out() << "Packet Contents:";
    const std::size_t shown = e.ip_packet.size() < kDumpBytes ? e.ip_packet.size() : kDumpBytes;
    for (std::size_t i = 0; i < shown; ++i) {
        if (i % 15 == 0) out() << "\n" << Dec{i} << ":\t";
        // As upstream's printf("%x "): lower-case hex without leading zeros.
        constexpr std::string_view kDigits = "0123456789abcdef";
        const auto b = static_cast<uint8_t>(e.ip_packet[i]);
        if (b >= 16) out() << kDigits[b >> 4];
        out() << kDigits[b & 15] << ' ';
    }
    if (shown < e.ip_packet.size())
        out() << "\n... " << Dec{e.ip_packet.size() - shown} << " more bytes";
    out() << "\nIP Header - Version: IPv4 protocol: " << Dec{e.protocol} << " | src address: ";
    print_ip(e.source);
    out() << " | dest address: ";
    print_ip(e.destination);
    out() << "\nICMP Header - Type: " << Dec{e.type} << " | id: " << Dec{e.id}
          << " | seq: " << Dec{e.sequence} << "\n";
}

void print_counters(const ping_client::Counters& c, const virtio::DriverCounters& d) {
    out() << "ping_client: frames " << Dec{c.frames} << ", arp replies " << Dec{c.arp}
          << ", echo replies " << Dec{c.echo} << ", ignored " << Dec{c.ignored} << ", malformed "
          << Dec{c.malformed} << ", dropped " << Dec{c.dropped} << ", send ring full "
          << Dec{d.full} << "\n";
}

} // namespace

extern "C" void component_main(uint64_t) {
    const Self self = Self::mapped();
    if (!self.valid() || !self.recv_connected() || !self.send_connected()) {
        out() << "ping_client: FAILED: bad instance page or a virtqueue not connected\n";
        exit();
    }
    static virtio::SharedBuffer recv_buffer;
    static virtio::SharedBuffer send_buffer;
    const auto recv_layout = virtio::SharedRingLayout::for_buffer(self.recv_buffer().size);
    const auto send_layout = virtio::SharedRingLayout::for_buffer(self.send_buffer().size);
    static virtio::Virtqueue recv(recv_buffer.memory());
    static virtio::VirtqueueDriver send;
    if (!recv_layout || !send_layout || !recv_buffer.attach(self.recv_buffer().span()) ||
        !send_buffer.attach(self.send_buffer().span()) ||
        recv.configure(recv_layout->queue_config()) != virtio::QueueError::None ||
        !send.configure(send_buffer.memory(), *send_layout)) {
        out() << "ping_client: FAILED: virtqueue buffers too small for a ring\n";
        exit();
    }
    const NotificationCap wake(Slot{self.notification_slot()});
    // Each queue's capability signals the VM with the bit of the VM's end of that ring.
    const NotificationCap recv_peer(Slot{self.recv_slot()});
    const NotificationCap send_peer(Slot{self.send_slot()});
    // Its MAC on the VM's switch (vswitch_mac_address); empty: upstream's made-up neighbour.
    const std::string_view mac_text = self.vswitch_mac_address();
    const std::optional<ping_client::Mac> mac = virtio::ethernet::parse_mac(mac_text);
    out() << "ping_client: answering ARP and ICMP echo for 192.168.1.2 as ";
    if (mac) {
        out() << mac_text;
    } else {
        out() << "the requester's MAC + 2";
        if (!mac_text.empty()) out() << " ('" << mac_text << "' is not a MAC address)";
    }
    out() << " (" << Dec{recv_layout->size} << "-entry rings)\n";

    ping_client::Counters counters;
    ping_client::PrintPolicy printing(self.print_packets());
    bool told = false;
    for (;;) {
        uint64_t bits = 0;
        (void)wake.wait(bits);
        (void)send.reclaim();
        bool answered = false;
        bool taken = false;
        // A reply needs room first: otherwise requests stay in the VM's ring.
        while (send.has_room(virtio::kMaxEthernetFrame)) {
            const std::optional<virtio::Chain> chain = recv.pop(g_segments);
            if (!chain) break;
            const std::size_t n = virtio::read_from_chain(recv_buffer.memory(), *chain, 0, g_frame);
            taken = recv.push(*chain, 0) || taken;
            const ping_client::Response r = ping_client::respond(
                std::span(g_frame).first(n), ping_client::kAddress, g_reply, counters, mac);
            if (r.kind == ping_client::Kind::Echo && printing.packets()) print_echo(r.echo);
            if (r.kind != ping_client::Kind::Arp && r.kind != ping_client::Kind::Echo) continue;
            if (send.send(std::span(g_reply).first(r.length)) == virtio::SendResult::Sent) {
                answered = true;
            } else {
                ++counters.dropped;
            }
        }
        if (taken && recv.should_interrupt()) (void)recv_peer.signal();
        if (answered && send.should_notify()) (void)send_peer.signal();
        if (taken && printing.counters_due(counters, send.counters().full))
            print_counters(counters, send.counters());
        if (!told && (recv.broken() || send.error() != virtio::DriverError::None)) {
            told = true;
            out() << "ping_client: the VM broke a ring: recv: " << virtio::to_string(recv.error())
                  << ", send: " << virtio::to_string(send.error()) << "\n";
        }
    }
}
