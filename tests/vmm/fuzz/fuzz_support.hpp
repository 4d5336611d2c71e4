// Shared pieces of the libFuzzer targets: a log that drops lines, and a reader that
// hands out the fuzz input as little-endian integers (zeros once it runs out).
#pragma once

#include <vmm/log.hpp>

#include <cstddef>
#include <cstdint>

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

} // namespace vmm::fuzz
