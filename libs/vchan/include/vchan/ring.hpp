// One direction of a vchan as one end sees it: a power-of-two ring of bytes in shared memory
// with two free-running 32-bit indexes, the producer's (bytes written so far) and the
// consumer's (bytes read so far). Each end keeps its own index privately and only publishes
// it; the peer's index is read once per operation and checked against what is possible
// (never behind what it said before, never past the other index or a ring's length away
// from it). A peer that writes anything else stops the ring: it moves nothing more until it
// is reset, and fault()/bad_index() say what happened. Offsets are the index modulo the ring
// size, so no value in shared memory can make an access leave the ring.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace vchan {

enum class Fault : uint8_t {
    None,
    ProducerIndex, // the peer's producer index went back or ran more than a ring ahead
    ConsumerIndex, // the peer's consumer index went back or past the producer's
    Header,        // the control page's magic or version is not a vchan's
    RingSize,      // the control page's ring size is not what the dataport's size gives
};

[[nodiscard]] const char* describe(Fault fault);

class Ring {
public:
    enum class Role : uint8_t { Producer, Consumer };

    Ring() = default;
    // The ring's bytes at `base + data`, `size` (a power of two) long; its indexes are the
    // 32-bit words at `base + producer_word` and `base + consumer_word`.
    Ring(volatile uint8_t* base, uint32_t data, uint32_t size, uint32_t producer_word,
         uint32_t consumer_word, Role role);

    // Producer: appends as much of `bytes` as there is room for; returns how much.
    std::size_t write(std::span<const std::byte> bytes);
    // Consumer: takes up to `out.size()` bytes; returns how many.
    std::size_t read(std::span<std::byte> out);
    // Producer: room left. Consumer: bytes waiting. 0 once stopped.
    [[nodiscard]] uint32_t available();

    // Both indexes to 0 (the end that sets the channel up), the fault cleared.
    void reset();
    // Starts from the indexes as they are (the end that joins a ring the other end set
    // up): its own index from its word, the peer's checked. False (stopped) if it is not
    // possible.
    bool adopt();
    // Stops the ring for a fault found elsewhere (the channel's header).
    void stop(Fault fault, uint32_t value);

    [[nodiscard]] bool stopped() const { return fault_ != Fault::None; }
    [[nodiscard]] Fault fault() const { return fault_; }
    [[nodiscard]] uint32_t bad_index() const { return bad_; }
    [[nodiscard]] uint32_t size() const { return size_; }
    [[nodiscard]] uint32_t own_index() const { return own_; }

private:
    [[nodiscard]] bool peer_index(uint32_t& value);
    template <class Piece> std::size_t advance(std::size_t want, Piece&& piece);
    [[nodiscard]] uint32_t load(uint32_t word) const;
    void store(uint32_t word, uint32_t value);

    volatile uint8_t* base_ = nullptr;
    uint32_t data_ = 0;
    uint32_t size_ = 0;
    uint32_t own_word_ = 0;  // the index this end writes
    uint32_t peer_word_ = 0; // the index the peer writes
    Role role_ = Role::Producer;
    uint32_t own_ = 0;  // this end's index (the truth; its word is only a copy)
    uint32_t seen_ = 0; // the peer's index as last checked
    Fault fault_ = Fault::None;
    uint32_t bad_ = 0;
};

// Copies between normal memory and shared memory that may be a guest's device mapping:
// 8-byte accesses where both sides are aligned, single bytes elsewhere (device memory
// takes no unaligned accesses).
void copy_out(volatile uint8_t* to, const std::byte* from, std::size_t n);
void copy_in(std::byte* to, const volatile uint8_t* from, std::size_t n);

} // namespace vchan
