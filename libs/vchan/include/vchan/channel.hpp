// A vchan as one of its two ends sees it (layout.hpp, ring.hpp): the native end sets the
// channel up (connect) and the guest joins it (attach); each sends on one ring and receives
// on the other, as a byte stream. Nothing the peer writes into the control page is trusted:
// the guest checks the header against its own idea of the layout, and the ring indexes are
// checked on every use. A fault stops the channel until the native end connects again.
#pragma once

#include <vchan/layout.hpp>
#include <vchan/ring.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace vchan {

enum class Side : uint8_t { Native, Guest };

class Channel {
public:
    Channel() = default;
    // The dataport of `size` bytes at `base`, seen from `side`.
    Channel(volatile uint8_t* base, uint64_t size, Side side);

    [[nodiscard]] bool valid() const { return layout_.valid() && base_ != nullptr; }
    [[nodiscard]] const Layout& layout() const { return layout_; }

    // Native end: (re)starts the channel: indexes 0, the header written, the generation
    // counted, its state Open. Clears a fault.
    void connect();
    // Guest end: checks the header, takes the indexes as they are (checked), state Open.
    // False (and stopped) if the header or an index is wrong.
    bool attach();
    // This end's state Closed (the peer sees it; the rings stay as they are).
    void close();

    [[nodiscard]] bool peer_open() const;
    [[nodiscard]] uint32_t generation() const;

    // Sends as much of `bytes` as there is room for / receives what is waiting, up to
    // `out.size()`; how many bytes moved. Nothing once stopped.
    std::size_t send(std::span<const std::byte> bytes) { return stopped() ? 0 : out_.write(bytes); }
    std::size_t receive(std::span<std::byte> out) { return stopped() ? 0 : in_.read(out); }
    // Upstream's buffer state: bytes waiting to be received, room to send.
    [[nodiscard]] uint32_t data_ready() { return stopped() ? 0 : in_.available(); }
    [[nodiscard]] uint32_t buffer_space() { return stopped() ? 0 : out_.available(); }

    [[nodiscard]] bool stopped() const { return out_.stopped() || in_.stopped(); }
    [[nodiscard]] Fault fault() const { return out_.stopped() ? out_.fault() : in_.fault(); }
    // The value the peer wrote that stopped the channel.
    [[nodiscard]] uint32_t bad_value() const {
        return out_.stopped() ? out_.bad_index() : in_.bad_index();
    }
    // Which ring stopped: "to the guest" or "to the native end" (for log lines).
    [[nodiscard]] const char* stopped_ring() const;

private:
    [[nodiscard]] uint32_t word(uint32_t offset) const;
    void set_word(uint32_t offset, uint32_t value);

    volatile uint8_t* base_ = nullptr;
    Layout layout_;
    Side side_ = Side::Native;
    Ring out_; // the ring this end sends on
    Ring in_;  // the ring this end receives on
};

} // namespace vchan
