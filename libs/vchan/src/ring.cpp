// A vchan ring end (ring.hpp): the index checks, and the copies in at most two pieces
// around the ring's end.
#include <vchan/ring.hpp>

namespace vchan {

const char* describe(Fault fault) {
    switch (fault) {
    case Fault::None:
        return "no fault";
    case Fault::ProducerIndex:
        return "producer index went back or ran more than a ring ahead";
    case Fault::ConsumerIndex:
        return "consumer index went back or past the producer's";
    case Fault::Header:
        return "control page is not a vchan's (magic or version)";
    case Fault::RingSize:
        return "ring size differs from what the dataport holds";
    }
    return "unknown fault";
}

Ring::Ring(volatile uint8_t* base, uint32_t data, uint32_t size, uint32_t producer_word,
           uint32_t consumer_word, Role role)
    : base_(base), data_(data), size_(size),
      own_word_(role == Role::Producer ? producer_word : consumer_word),
      peer_word_(role == Role::Producer ? consumer_word : producer_word), role_(role) {
    // A size that is not a power of two would let an offset pass the ring's end.
    if (base == nullptr || size == 0 || (size & (size - 1)) != 0) fault_ = Fault::RingSize;
}

uint32_t Ring::load(uint32_t word) const {
    return __atomic_load_n(reinterpret_cast<volatile uint32_t*>(base_ + word), __ATOMIC_ACQUIRE);
}

void Ring::store(uint32_t word, uint32_t value) {
    __atomic_store_n(reinterpret_cast<volatile uint32_t*>(base_ + word), value, __ATOMIC_RELEASE);
}

void Ring::stop(Fault fault, uint32_t value) {
    if (stopped()) return;
    fault_ = fault;
    bad_ = value;
}

// The peer's index, if possible: a producer's in [seen, own + size] (a consumer's view),
// a consumer's in [seen, own] (a producer's view). Unsigned differences make the
// comparisons right across the indexes' wrap at 2^32.
bool Ring::peer_index(uint32_t& value) {
    if (stopped()) return false;
    const uint32_t v = load(peer_word_);
    const uint32_t limit = role_ == Role::Producer ? own_ : own_ + size_;
    if (v - seen_ > limit - seen_) {
        stop(role_ == Role::Producer ? Fault::ConsumerIndex : Fault::ProducerIndex, v);
        return false;
    }
    seen_ = v;
    value = v;
    return true;
}

uint32_t Ring::available() {
    uint32_t peer = 0;
    if (!peer_index(peer)) return 0;
    return role_ == Role::Producer ? size_ - (own_ - peer) : peer - own_;
}

std::size_t Ring::write(std::span<const std::byte> bytes) {
    if (role_ != Role::Producer) return 0;
    return advance(bytes.size(), [&](uint32_t at, std::size_t from, uint32_t n) {
        copy_out(base_ + data_ + at, bytes.data() + from, n);
    });
}

std::size_t Ring::read(std::span<std::byte> out) {
    if (role_ != Role::Consumer) return 0;
    return advance(out.size(), [&](uint32_t at, std::size_t to, uint32_t n) {
        copy_in(out.data() + to, base_ + data_ + at, n);
    });
}

// Moves min(want, available()) bytes in at most two pieces (the second from the ring's
// start), then publishes this end's index.
template <class Piece> std::size_t Ring::advance(std::size_t want, Piece&& piece) {
    const uint32_t can = available();
    const uint32_t n = want < can ? static_cast<uint32_t>(want) : can;
    if (n == 0) return 0;
    const uint32_t at = own_ & (size_ - 1);
    const uint32_t first = n < size_ - at ? n : size_ - at;
    piece(at, 0, first);
    piece(0, first, n - first);
    own_ += n;
    store(own_word_, own_);
    return n;
}

void Ring::reset() {
    if (base_ == nullptr || size_ == 0 || (size_ & (size_ - 1)) != 0) return;
    own_ = seen_ = 0;
    fault_ = Fault::None;
    bad_ = 0;
    store(own_word_, 0);
    store(peer_word_, 0);
}

bool Ring::adopt() {
    if (base_ == nullptr || size_ == 0 || (size_ & (size_ - 1)) != 0) return false;
    fault_ = Fault::None;
    bad_ = 0;
    own_ = load(own_word_);
    // The peer may be anywhere a ring's length ahead (a consumer's view) or behind (a
    // producer's): start the check from the far end of that.
    seen_ = role_ == Role::Producer ? own_ - size_ : own_;
    uint32_t peer = 0;
    return peer_index(peer);
}

void copy_out(volatile uint8_t* to, const std::byte* from, std::size_t n) {
    std::size_t i = 0;
    if (((reinterpret_cast<uintptr_t>(to) | reinterpret_cast<uintptr_t>(from)) & 7) == 0) {
        for (; i + 8 <= n; i += 8) {
            uint64_t word = 0;
            __builtin_memcpy(&word, from + i, 8);
            *reinterpret_cast<volatile uint64_t*>(to + i) = word;
        }
    }
    for (; i < n; ++i)
        to[i] = static_cast<uint8_t>(from[i]);
}

void copy_in(std::byte* to, const volatile uint8_t* from, std::size_t n) {
    std::size_t i = 0;
    if (((reinterpret_cast<uintptr_t>(to) | reinterpret_cast<uintptr_t>(from)) & 7) == 0) {
        for (; i + 8 <= n; i += 8) {
            const uint64_t word = *reinterpret_cast<const volatile uint64_t*>(from + i);
            __builtin_memcpy(to + i, &word, 8);
        }
    }
    for (; i < n; ++i)
        to[i] = static_cast<std::byte>(from[i]);
}

} // namespace vchan
