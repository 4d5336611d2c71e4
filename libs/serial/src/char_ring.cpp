// The shared character ring (see char_ring.hpp). Indices are read once per operation and
// checked; data is copied before the index that publishes it is stored (release), and read
// after the index that says it is there is loaded (acquire).
#include <serial/char_ring.hpp>

namespace serial {
namespace {
constexpr std::size_t kHead = 0;
constexpr std::size_t kTail = 4;
constexpr std::size_t kData = 8;
} // namespace

uint32_t CharRing::load(std::size_t offset) const {
    return __atomic_load_n(reinterpret_cast<const uint32_t*>(page_ + offset), __ATOMIC_ACQUIRE);
}

void CharRing::store(std::size_t offset, uint32_t value) {
    __atomic_store_n(reinterpret_cast<uint32_t*>(page_ + offset), value, __ATOMIC_RELEASE);
}

bool CharRing::indices(uint32_t& head, uint32_t& tail) {
    if (page_ == nullptr || broken_) return false;
    head = load(kHead);
    tail = load(kTail);
    if (head >= kCapacity || tail >= kCapacity) broken_ = true;
    return !broken_;
}

uint32_t CharRing::used() {
    uint32_t head = 0;
    uint32_t tail = 0;
    if (!indices(head, tail)) return 0;
    return tail >= head ? tail - head : tail + kCapacity - head;
}

uint32_t CharRing::free_space() {
    uint32_t head = 0;
    uint32_t tail = 0;
    if (!indices(head, tail)) return 0;
    const uint32_t used = tail >= head ? tail - head : tail + kCapacity - head;
    return kCapacity - 1 - used;
}

std::size_t CharRing::write(std::span<const char> bytes) {
    uint32_t head = 0;
    uint32_t tail = 0;
    if (!indices(head, tail)) return 0;
    std::size_t n = 0;
    auto* data = reinterpret_cast<volatile char*>(page_ + kData);
    while (n < bytes.size() && (tail + 1) % kCapacity != head) {
        data[tail] = bytes[n++];
        tail = (tail + 1) % kCapacity;
    }
    if (n != 0) store(kTail, tail);
    return n;
}

std::size_t CharRing::read(std::span<char> out) {
    uint32_t head = 0;
    uint32_t tail = 0;
    if (!indices(head, tail)) return 0;
    std::size_t n = 0;
    const auto* data = reinterpret_cast<const volatile char*>(page_ + kData);
    while (n < out.size() && head != tail) {
        out[n++] = data[head];
        head = (head + 1) % kCapacity;
    }
    if (n != 0) store(kHead, head);
    return n;
}

void CharRing::clear() {
    if (page_ == nullptr) return;
    store(kHead, 0);
    store(kTail, 0);
    broken_ = false;
}

} // namespace serial
