// libFuzzer target: both ends of a vchan (libs/vchan) over one heap buffer of exactly the
// dataport's size (AddressSanitizer sees any access outside it), driven by the input:
// sends and receives of any length at either end, connects and attaches in any order, and
// lies: any value written into any word of the control page, as either peer could. The
// invariants (trap on failure): no end moves more than asked or than a ring holds; while
// no lie was told since the last connect and attach (a guest using the rings in between
// counts as one), nothing stops and each end receives
// exactly the stream the other sent.
#include <vchan/channel.hpp>
#include <vchan/pattern.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

namespace {

class Input {
public:
    Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}
    [[nodiscard]] bool empty() const { return at_ >= size_; }
    uint8_t byte() { return at_ < size_ ? data_[at_++] : 0; }
    uint32_t word() {
        uint32_t v = 0;
        for (int i = 0; i < 4; ++i)
            v = v << 8 | byte();
        return v;
    }

private:
    const uint8_t* data_;
    size_t size_;
    size_t at_ = 0;
};

void check(bool ok) {
    if (!ok) __builtin_trap();
}

struct End {
    vchan::Channel channel;
    uint64_t sent = 0;
    uint64_t received = 0;
    uint32_t seed = 0;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Input in(data, size);
    const uint64_t dataport = 4096 + (uint64_t{512} << (in.byte() % 6)) + in.byte() % 3 * 1000;
    std::unique_ptr<uint8_t[]> memory(new uint8_t[dataport]());
    End ends[2] = {{vchan::Channel(memory.get(), dataport, vchan::Side::Native), 0, 0, 1},
                   {vchan::Channel(memory.get(), dataport, vchan::Side::Guest), 0, 0, 2}};
    const uint32_t ring = ends[0].channel.layout().ring_size;
    check(ends[0].channel.valid() && ends[1].channel.valid());
    bool connected = false; // connect since the last lie
    bool synced = false;    // and attach after it: an honest channel
    std::vector<std::byte> buf(3 * size_t{ring});
    for (int steps = 0; !in.empty() && steps < 4096; ++steps) {
        const uint8_t op = in.byte();
        End& e = ends[op & 1];
        End& peer = ends[(op & 1) ^ 1];
        const size_t want = (size_t{in.byte()} << 8 | in.byte()) % buf.size();
        // A guest that uses the rings after a connect it has not joined yet works from
        // indexes the connect replaced: as good as a lie.
        if ((op & 1) == 1 && (op >> 1) % 6 < 2 && !synced) connected = false;
        switch ((op >> 1) % 6) {
        case 0: { // send
            vchan::pattern(buf.data(), want, e.sent, e.seed);
            const size_t n = e.channel.send({buf.data(), want});
            check(n <= want && n <= ring);
            e.sent += n;
            break;
        }
        case 1: { // receive: while honest, exactly the peer's stream
            const size_t n = e.channel.receive({buf.data(), want});
            check(n <= want && n <= ring);
            if (synced && n != 0) {
                std::vector<std::byte> expected(n);
                vchan::pattern(expected.data(), n, e.received, peer.seed);
                check(std::memcmp(expected.data(), buf.data(), n) == 0);
            }
            e.received += n;
            break;
        }
        case 2: { // a lie: any word of the control page
            const uint32_t offset = in.byte() % 16 * 4;
            const uint32_t value = in.word();
            std::memcpy(memory.get() + offset, &value, 4);
            connected = synced = false;
            break;
        }
        case 3: // the native end (re)connects: new streams
            ends[0].channel.connect();
            for (End& x : ends)
                x.sent = x.received = 0;
            connected = true;
            synced = false;
            break;
        case 4: { // the guest joins
            const bool ok = ends[1].channel.attach();
            if (connected) {
                check(ok);
                synced = true;
            }
            break;
        }
        default: { // buffer state
            const uint32_t ready = e.channel.data_ready();
            const uint32_t space = e.channel.buffer_space();
            check(ready <= ring && space <= ring);
            break;
        }
        }
        if (synced) check(!ends[0].channel.stopped() && !ends[1].channel.stopped());
    }
    return 0;
}
