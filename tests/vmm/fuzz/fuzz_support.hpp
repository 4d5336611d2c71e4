// Shared pieces of the libFuzzer targets: a log that drops lines, a reader that hands
// out the fuzz input as little-endian integers (zeros once it runs out), and guest RAM
// filled from the input's tail.
#pragma once

#include <vmm/guest_memory.hpp>
#include <vmm/log.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace vmm::fuzz {

class NullLog final : public LogSink {
public:
    void line(std::string_view) override {}
};

class InputReader {
public:
    InputReader(const uint8_t* data, std::size_t size) : data_(data), size_(size) {}
    template <class T> T take() {
        T value = 0;
        for (std::size_t i = 0; i < sizeof(T); ++i) {
            const uint8_t byte = pos_ < size_ ? data_[pos_] : 0;
            ++pos_;
            value = static_cast<T>(value | (static_cast<T>(byte) << (8 * i)));
        }
        return value;
    }
    [[nodiscard]] bool empty() const { return pos_ >= size_; }

private:
    const uint8_t* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
};

// One 8-byte operation of a device fuzzer: what to do (the target picks by kind), an
// access width of 1, 2, 4 or 8 bytes, an offset and a value.
struct Op {
    uint8_t kind;
    unsigned width;
    uint16_t offset;
    uint32_t value;
};

// The device fuzzers' input: a u16 operation count, that many operations, then the initial
// contents of `ram_size` bytes of guest RAM at `base` (the rest zero).
class OpsAndRam {
public:
    OpsAndRam(const uint8_t* data, std::size_t size, uint64_t base, std::size_t ram_size)
        : in_(data, size), ram(ram_size) {
        count_ = in_.take<uint16_t>() % 512;
        end_ = std::min(size, 2 + count_ * 8);
        if (size > end_) std::memcpy(ram.data(), data + end_, std::min(size - end_, ram_size));
        if (!memory.add_region({GuestPhysAddr(base), ram_size}, ram)) __builtin_trap();
    }

    // The next operation; false once the count or the operations' bytes are used up.
    bool next(Op& op) {
        if (done_ >= count_ || 2 + done_ * 8 >= end_) return false;
        ++done_;
        op.kind = in_.take<uint8_t>();
        op.width = 1u << (in_.take<uint8_t>() & 3);
        op.offset = in_.take<uint16_t>();
        op.value = in_.take<uint32_t>();
        return true;
    }

private:
    InputReader in_;
    std::size_t count_ = 0;
    std::size_t end_ = 0;
    std::size_t done_ = 0;

public:
    std::vector<std::byte> ram;
    MappedGuestMemory memory;
};

} // namespace vmm::fuzz
