// A vchan end (channel.hpp): which ring is whose, the header and the states.
#include <vchan/channel.hpp>

namespace vchan {

namespace {

Ring ring_to_guest(volatile uint8_t* base, const Layout& l, Ring::Role role) {
    return {base, l.to_guest, l.ring_size, control::kToGuestProducer, control::kToGuestConsumer,
            role};
}
Ring ring_to_native(volatile uint8_t* base, const Layout& l, Ring::Role role) {
    return {base, l.to_native, l.ring_size, control::kToNativeProducer, control::kToNativeConsumer,
            role};
}

} // namespace

Channel::Channel(volatile uint8_t* base, uint64_t size, Side side)
    : base_(base), layout_(Layout::for_dataport(size)), side_(side) {
    if (!valid()) return;
    const bool native = side == Side::Native;
    out_ = native ? ring_to_guest(base, layout_, Ring::Role::Producer)
                  : ring_to_native(base, layout_, Ring::Role::Producer);
    in_ = native ? ring_to_native(base, layout_, Ring::Role::Consumer)
                 : ring_to_guest(base, layout_, Ring::Role::Consumer);
}

uint32_t Channel::word(uint32_t offset) const {
    return __atomic_load_n(reinterpret_cast<volatile uint32_t*>(base_ + offset), __ATOMIC_ACQUIRE);
}

void Channel::set_word(uint32_t offset, uint32_t value) {
    __atomic_store_n(reinterpret_cast<volatile uint32_t*>(base_ + offset), value, __ATOMIC_RELEASE);
}

void Channel::connect() {
    if (!valid() || side_ != Side::Native) return;
    set_word(control::kNativeState, static_cast<uint32_t>(State::Closed));
    out_.reset();
    in_.reset();
    set_word(control::kMagic, kMagic);
    set_word(control::kVersion, kVersion);
    set_word(control::kRingSize, layout_.ring_size);
    set_word(control::kGeneration, word(control::kGeneration) + 1);
    set_word(control::kNativeState, static_cast<uint32_t>(State::Open));
}

bool Channel::attach() {
    if (!valid() || side_ != Side::Guest) return false;
    const uint32_t magic = word(control::kMagic);
    if (magic != kMagic || word(control::kVersion) != kVersion) {
        out_.stop(Fault::Header, magic);
        return false;
    }
    const uint32_t size = word(control::kRingSize);
    if (size != layout_.ring_size) {
        out_.stop(Fault::RingSize, size);
        return false;
    }
    if (!out_.adopt() || !in_.adopt()) return false;
    set_word(control::kGuestState, static_cast<uint32_t>(State::Open));
    return true;
}

void Channel::close() {
    if (!valid()) return;
    set_word(side_ == Side::Native ? control::kNativeState : control::kGuestState,
             static_cast<uint32_t>(State::Closed));
}

bool Channel::peer_open() const {
    if (!valid()) return false;
    return word(side_ == Side::Native ? control::kGuestState : control::kNativeState) ==
           static_cast<uint32_t>(State::Open);
}

uint32_t Channel::generation() const {
    return valid() ? word(control::kGeneration) : 0;
}

const char* Channel::stopped_ring() const {
    const bool to_guest = (side_ == Side::Native) == out_.stopped();
    return to_guest ? "the ring to the guest" : "the ring to the native end";
}

} // namespace vchan
