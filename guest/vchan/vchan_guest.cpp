// vchan_guest: the guest's end of a vchan (libs/vchan) over a cross-VM link (uio_pci_generic,
// guest/crossvm): the link's BAR1 is the vchan's dataport, its doorbell tells the native end
// that the rings moved, its interrupt says the native end moved them.
//   exchange <bytes> [seed | raw]: sends <bytes> of a pattern while receiving <bytes>, then
//     prints both directions' CRC-32 and the time the transfer took (counter ticks and
//     frequency); `raw` sends its buffer as it is and checksums nothing (bench/vchan);
//   lie [doorbells]: a hostile peer: joins the channel, writes impossible indexes into both
//     rings' words it owns and rings the doorbell (1000 times by default).
#include "crossvm_uio.hpp"
#include "linux_syscall.hpp"

#include <base/crc32_table.hpp>
#include <vchan/channel.hpp>
#include <vchan/pattern.hpp>

namespace {

constexpr const char* kName = "vchan_guest";
constexpr size_t kChunk = 32768; // a ring: one doorbell per ring-full

struct Link {
    guest::CrossvmLink link;
    vchan::Channel channel;
    bool acknowledged = false;
};

void doorbell(const Link& l) {
    guest::set_reg(l.link, crossvm::reg::kDoorbell, 1);
}

// Nothing moved: acknowledge the event first and look again (what arrived before the
// acknowledgement is in the rings), then sleep until the next interrupt.
void wait_event(Link& l) {
    if (!l.acknowledged) {
        guest::set_reg(l.link, crossvm::reg::kAck, crossvm::kStatusEvent);
        l.acknowledged = true;
        return;
    }
    l.acknowledged = false;
    guest::unmask_interrupt(l.link);
    if ((guest::reg(l.link, crossvm::reg::kStatus) & crossvm::kStatusEvent) != 0) return;
    int32_t count = 0;
    if (guest::read(l.link.uio, &count, sizeof count) != sizeof count)
        guest::fail(kName, "reading the uio device failed");
}

Link open(const char* dev) {
    Link l{guest::open_link(dev, true), {}, false};
    l.channel = vchan::Channel(l.link.dataport, l.link.dataport_size, vchan::Side::Guest);
    if (!l.channel.valid()) guest::fail(kName, "the link's dataport holds no vchan");
    while (!l.channel.peer_open())
        wait_event(l);
    if (!l.channel.attach()) {
        guest::print(2, "vchan_guest: the native end's channel is not usable: ");
        guest::fail(kName, vchan::describe(l.channel.fault()));
    }
    return l;
}

void print_crc(bool verify, const base::TableCrc32& crc) {
    if (verify)
        guest::print_number(crc.value(), 16);
    else
        guest::print(1, "-");
}

int exchange(Link& l, uint64_t bytes, bool verify, uint32_t seed) {
    alignas(8) static std::byte out[kChunk];
    alignas(8) static std::byte in[kChunk];
    base::TableCrc32 sent_crc;
    base::TableCrc32 received_crc;
    uint64_t sent = 0;
    uint64_t received = 0;
    const uint64_t start = guest::counter().ticks;
    while (sent < bytes || received < bytes) {
        bool moved = false;
        if (sent < bytes) {
            const size_t want = bytes - sent < kChunk ? static_cast<size_t>(bytes - sent) : kChunk;
            if (verify) vchan::pattern(out, want, sent, seed);
            const size_t n = l.channel.send({out, want});
            if (verify) sent_crc.add({out, n});
            sent += n;
            moved = n != 0;
        }
        if (received < bytes) {
            const size_t want =
                bytes - received < kChunk ? static_cast<size_t>(bytes - received) : kChunk;
            const size_t n = l.channel.receive({in, want});
            if (verify) received_crc.add({in, n});
            received += n;
            moved = moved || n != 0;
        }
        if (l.channel.stopped()) {
            guest::print(2, "vchan_guest: the native end broke the channel: ");
            guest::fail(kName, vchan::describe(l.channel.fault()));
        }
        if (moved) {
            doorbell(l);
            l.acknowledged = false;
        } else {
            wait_event(l);
        }
    }
    const uint64_t ticks = guest::counter().ticks - start;
    l.channel.close();
    doorbell(l);
    guest::print(1, "vchan_guest: sent ");
    guest::print_number(sent, 10);
    guest::print(1, " bytes, crc ");
    print_crc(verify, sent_crc);
    guest::print(1, "; received ");
    guest::print_number(received, 10);
    guest::print(1, " bytes, crc ");
    print_crc(verify, received_crc);
    guest::print(1, "; ");
    guest::print_number(ticks, 10);
    guest::print(1, " ticks at ");
    guest::print_number(guest::counter().frequency);
    guest::print(1, " Hz\n");
    return 0;
}

// Impossible indexes in the words this end owns: the consumer of the ring to the guest
// 64 KiB past its producer, the producer of the ring to the native end 2 GiB ahead.
int lie(Link& l, size_t doorbells) {
    auto* words = reinterpret_cast<volatile uint32_t*>(l.link.dataport);
    const uint32_t producer = words[vchan::control::kToGuestProducer / 4];
    words[vchan::control::kToGuestConsumer / 4] = producer + 0x10000;
    words[vchan::control::kToNativeProducer / 4] =
        words[vchan::control::kToNativeProducer / 4] + 0x80000000u;
    for (size_t i = 0; i < doorbells; ++i)
        doorbell(l);
    guest::print(1, "vchan_guest: lied about both rings' indexes and rang ");
    guest::print_number(doorbells, 10);
    guest::print(1, " doorbells\n");
    return 0;
}

bool same(const char* a, const char* b) {
    for (; *a != 0 && *a == *b; ++a, ++b) {
    }
    return *a == *b;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 3)
        guest::fail(kName,
                    "usage: vchan_guest /dev/uioN exchange <bytes> [seed | raw] | lie [doorbells]");
    Link l = open(argv[1]);
    if (same(argv[2], "exchange") && argc > 3) {
        const bool raw = argc > 4 && same(argv[4], "raw");
        const auto seed = argc > 4 && !raw ? static_cast<uint32_t>(guest::number(argv[4])) : 1;
        return exchange(l, guest::number(argv[3]), !raw, seed);
    }
    if (same(argv[2], "lie")) return lie(l, argc > 3 ? guest::number(argv[3]) : 1000);
    guest::fail(kName, "unknown command");
}
