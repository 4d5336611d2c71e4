// Minimal formatted text output for freestanding code: strings, decimal and hex
// numbers, written one character at a time to a sink (a UART, a syscall).
#pragma once

#include <cstdint>
#include <string_view>

namespace base {

struct Hex {
    uint64_t value;
};
struct Dec {
    uint64_t value;
};

class TextWriter {
public:
    using Sink = void (*)(char);
    explicit constexpr TextWriter(Sink sink) : sink_(sink) {}

    TextWriter& operator<<(const char* s) {
        while (*s != '\0')
            put(*s++);
        return *this;
    }
    TextWriter& operator<<(std::string_view s) {
        for (const char c : s)
            put(c);
        return *this;
    }
    TextWriter& operator<<(char c) {
        put(c);
        return *this;
    }
    TextWriter& operator<<(Hex h) {
        put('0');
        put('x');
        int shift = 60;
        while (shift > 0 && ((h.value >> shift) & 0xf) == 0)
            shift -= 4;
        for (; shift >= 0; shift -= 4)
            put("0123456789abcdef"[(h.value >> shift) & 0xf]);
        return *this;
    }
    TextWriter& operator<<(Dec d) {
        char buf[20];
        int n = 0;
        do {
            buf[n++] = static_cast<char>('0' + d.value % 10);
            d.value /= 10;
        } while (d.value != 0);
        while (n > 0)
            put(buf[--n]);
        return *this;
    }

private:
    void put(char c) {
        if (c == '\n') sink_('\r');
        sink_(c);
    }
    Sink sink_;
};

} // namespace base
