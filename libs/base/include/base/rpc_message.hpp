// A fixed-size RPC message: a method number and arguments packed into 64-bit
// words, as the tool-generated client stubs and server dispatchers exchange them
// over whatever transport carries them (kernel IPC, or a loopback in tests).
// Freestanding: no heap, no exceptions; a short read sets ok() to false.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

namespace base {

class RpcMessage {
public:
    static constexpr size_t capacity_words = 64;

    // Starts a request (or reply) for 'method'; clears previous contents.
    constexpr void begin(uint32_t method) {
        words_[0] = method;
        length_ = 1;
        read_ = 1;
        ok_ = true;
    }
    [[nodiscard]] constexpr uint32_t method() const { return static_cast<uint32_t>(words_[0]); }
    [[nodiscard]] constexpr bool ok() const { return ok_; }
    [[nodiscard]] constexpr size_t length() const { return length_; }
    [[nodiscard]] constexpr const uint64_t* words() const { return words_; }
    [[nodiscard]] constexpr uint64_t* words() { return words_; }
    // After a transport filled words() with 'length' words: read from the start.
    constexpr void received(size_t length) {
        length_ = length <= capacity_words ? length : capacity_words;
        read_ = 1;
        ok_ = length_ >= 1;
    }

    template <class T> constexpr void put(T value) {
        static_assert(std::is_integral_v<T> || std::is_enum_v<T>);
        if (length_ >= capacity_words) {
            ok_ = false;
            return;
        }
        words_[length_++] = static_cast<uint64_t>(value);
    }

    template <class T> constexpr T get() {
        static_assert(std::is_integral_v<T> || std::is_enum_v<T>);
        if (read_ >= length_) {
            ok_ = false;
            return T{};
        }
        return static_cast<T>(words_[read_++]);
    }

    // Strings travel as a byte count followed by the bytes, 8 to a word.
    void put_string(std::string_view s) {
        size_t words = (s.size() + 7) / 8;
        if (length_ + 1 + words > capacity_words) {
            ok_ = false;
            return;
        }
        words_[length_++] = s.size();
        std::memset(&words_[length_], 0, words * 8);
        std::memcpy(&words_[length_], s.data(), s.size());
        length_ += words;
    }

    std::string_view get_string() {
        uint64_t size = get<uint64_t>();
        uint64_t words = (size + 7) / 8;
        if (!ok_ || size > capacity_words * 8 || read_ + words > length_) {
            ok_ = false;
            return {};
        }
        std::string_view s(reinterpret_cast<const char*>(&words_[read_]), size);
        read_ += words;
        return s;
    }

private:
    uint64_t words_[capacity_words]{};
    size_t length_ = 0;
    size_t read_ = 0;
    bool ok_ = true;
};

} // namespace base
