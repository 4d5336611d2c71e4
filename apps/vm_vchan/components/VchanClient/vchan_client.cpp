// vm_vchan's native peer (VchanClient.camkes): rounds of an exchange with the guest's
// vchan_guest through the Vchan component: connect, send `bytes` bytes of libs/vchan's
// pattern while receiving as many, wait until the guest has closed its end (it read
// everything), print both CRC-32s, close. It sleeps on its event (Vchan passes the guest's
// doorbells on) whenever nothing moved. A channel the guest broke (-32) is closed and the
// next round connects it again. With `verify` 0 it sends the dataport as it is and
// checksums nothing: what is left is the transport (bench/vchan).
#include "VchanClient_glue.hpp"

#include <runtime/capabilities.hpp>
#include <runtime/debug_print.hpp>
#include <runtime/rpc_transport.hpp>

#include <base/crc32_table.hpp>
#include <vchan/pattern.hpp>

#include <cstdint>
#include <span>

using namespace runtime;

namespace {

namespace glue = bulkhead::glue::VchanClient;
using Self = glue::Instance;
using Client = glue::vchan_client<IpcTransport>;

constexpr uint32_t kSeed = 2; // the guest's stream uses 1
constexpr int32_t kGuestJoined = 1;

struct Round {
    uint64_t sent = 0;
    uint64_t received = 0;
    base::TableCrc32 sent_crc;
    base::TableCrc32 received_crc;
};

// One exchange; 0, or the negative errno that ended it.
int64_t exchange(const Self& self, Client& vchan, uint64_t bytes, bool verify, Round& r) {
    const std::span<std::byte> buf = self.buf_buffer().span();
    const NotificationCap event(Slot{self.notification_slot()});
    while (r.sent < bytes || r.received < bytes) {
        bool moved = false;
        if (r.sent < bytes) {
            const uint64_t want = bytes - r.sent < buf.size() ? bytes - r.sent : buf.size();
            if (verify) vchan::pattern(buf.data(), want, r.sent, kSeed);
            const int64_t n = vchan.send(want);
            if (n < 0) return n;
            if (verify) r.sent_crc.add(buf.first(static_cast<std::size_t>(n)));
            r.sent += static_cast<uint64_t>(n);
            moved = n != 0;
        }
        if (r.received < bytes) {
            const uint64_t want = bytes - r.received < buf.size() ? bytes - r.received : buf.size();
            const int64_t n = vchan.receive(want);
            if (n < 0) return n;
            if (verify) r.received_crc.add(buf.first(static_cast<std::size_t>(n)));
            r.received += static_cast<uint64_t>(n);
            moved = moved || n != 0;
        }
        uint64_t bits = 0;
        if (!moved) (void)event.wait(bits);
    }
    // The guest closes its end once it has read everything this end sent.
    for (;;) {
        const int32_t s = vchan.status();
        if (s < 0) return s;
        if (s != kGuestJoined) return 0;
        uint64_t bits = 0;
        (void)event.wait(bits);
    }
}

} // namespace

extern "C" void component_main(uint64_t) {
    const Self self = Self::mapped();
    if (!self.valid() || !self.vchan_connected() || !self.buf_connected() ||
        !self.event_connected()) {
        out() << "vchan_client: bad instance page or connections\n";
        exit();
    }
    IpcTransport transport(EndpointCap(Slot{self.vchan_slot()}));
    Client vchan(transport);
    const auto bytes = static_cast<uint64_t>(self.bytes());
    const bool verify = self.verify() != 0;
    for (uint64_t round = 1;; ++round) {
        const int32_t rc = vchan.new_connection(0, 0);
        if (rc != 0 || !vchan.last_call_ok()) {
            out() << "vchan_client: new_connection failed (" << Dec{static_cast<uint64_t>(-rc)}
                  << ")\n";
            exit();
        }
        out() << "vchan_client: round " << Dec{round} << ": connected, " << Dec{bytes}
              << " bytes each way\n";
        Round r;
        const int64_t e = exchange(self, vchan, bytes, verify, r);
        (void)vchan.rem_connection(0, 0);
        if (e < 0) {
            out() << "vchan_client: round " << Dec{round} << ": channel stopped (-"
                  << Dec{static_cast<uint64_t>(-e)} << ") after " << Dec{r.sent} << " bytes sent, "
                  << Dec{r.received} << " received: connecting again\n";
            continue;
        }
        out() << "vchan_client: round " << Dec{round} << ": sent " << Dec{r.sent} << " bytes, crc "
              << Hex{r.sent_crc.value()} << "; received " << Dec{r.received} << " bytes, crc "
              << Hex{r.received_crc.value()} << "\n";
    }
}
