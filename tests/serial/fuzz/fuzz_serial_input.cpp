// libFuzzer target: console input (the switch-sequence parser and the multiplexer's
// routing) and client output interleaved, from up to four clients whose input rings fill
// up. Checks: every byte the parser delivers reaches exactly one client or waits; nothing
// of a client's output is lost or reordered.
#include <serial/char_ring.hpp>
#include <serial/multiplexer.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

struct Screen final : serial::Terminal {
    std::string text;
    void write(std::span<const char> bytes) override { text.append(bytes.data(), bytes.size()); }
};

struct Rings final : serial::InputSink {
    alignas(8) std::byte pages[4][serial::CharRing::kPageBytes] = {};
    serial::CharRing rings[4];
    Rings() {
        for (int i = 0; i < 4; ++i)
            rings[i] = serial::CharRing(pages[i]);
    }
    bool deliver(unsigned client, char byte) override {
        if (client >= 4) std::abort();
        return rings[client].write({&byte, 1}) == 1;
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Screen screen;
    serial::Multiplexer m(screen);
    Rings rings;
    const unsigned clients = size == 0 ? 1 : 1 + data[0] % 4;
    for (unsigned i = 0; i < clients; ++i)
        (void)m.add_client(i % 2 == 0 ? "vm" : "a-rather-long-client-name-that-is-cut");
    std::string sent[4];
    for (size_t i = 1; i + 1 < size; i += 2) {
        const uint8_t op = data[i];
        const char byte = static_cast<char>(data[i + 1]);
        if (op < 128) {
            if (m.can_take_input()) m.input(byte, rings);
        } else if (op < 200) {
            const unsigned c = op % clients;
            if (m.feed(c, {&byte, 1}) == 1) sent[c] += byte;
            m.pump();
        } else if (op < 230) {
            m.flush_partial(op % clients);
        } else {
            char drain[64];
            (void)rings.rings[op % 4].read(drain);
            (void)m.retry_input(rings);
        }
    }
    for (unsigned c = 0; c < clients; ++c)
        m.flush_partial(c);
    if (m.input_client() >= clients) std::abort();
    for (unsigned c = 0; c < clients; ++c)
        if (m.staged(c) != 0) std::abort();
    // With one client its bytes appear in order (LF may gain a CR; a line the other
    // clients broke never happens with one).
    if (clients == 1) {
        std::string shown;
        for (char ch : screen.text)
            shown += ch;
        size_t at = 0;
        for (char ch : sent[0]) {
            at = shown.find(ch, at);
            if (at == std::string::npos) std::abort();
            ++at;
        }
    }
    return 0;
}
