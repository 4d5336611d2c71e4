// A bounded walk of an FDT's structure block (Devicetree Specification 0.4, chapter 5).
#include "base/fdt_chosen.hpp"

namespace base::fdt {
namespace {

enum Token : uint32_t { BeginNode = 1, EndNode = 2, Prop = 3, Nop = 4, End = 9 };

uint32_t be32(std::span<const std::byte> b, std::size_t at) {
    return (uint32_t{static_cast<uint8_t>(b[at])} << 24) |
           (uint32_t{static_cast<uint8_t>(b[at + 1])} << 16) |
           (uint32_t{static_cast<uint8_t>(b[at + 2])} << 8) | static_cast<uint8_t>(b[at + 3]);
}

std::size_t align4(std::size_t n) {
    return (n + 3) & ~std::size_t{3};
}

// Whether the NUL-terminated string at `at` (ending before `end`) equals `name`; `length`
// gets its length, or stays unset when it has no terminator before `end`.
bool string_at(std::span<const std::byte> b, std::size_t at, std::size_t end, const char* name,
               std::size_t& length, bool& terminated) {
    bool equal = true;
    std::size_t i = 0;
    terminated = false;
    for (; at + i < end; ++i) {
        const char c = static_cast<char>(b[at + i]);
        if (equal && name[i] != c) equal = false;
        if (c == '\0') {
            terminated = true;
            length = i;
            return equal;
        }
    }
    return false;
}

} // namespace

std::size_t total_size(std::span<const std::byte> header) {
    if (header.size() < kHeaderSize || be32(header, 0) != kMagic) return 0;
    const uint32_t version = be32(header, 20);
    const uint32_t last_compatible = be32(header, 24);
    if (version < 17 || last_compatible > 17) return 0;
    const uint32_t size = be32(header, 4);
    return size < kHeaderSize ? 0 : size;
}

PropertyValue find_chosen_property(std::span<const std::byte> blob, const char* name) {
    const std::size_t size = total_size(blob);
    if (size == 0 || size > blob.size()) return {};
    const std::size_t struct_start = be32(blob, 8);
    const std::size_t strings_start = be32(blob, 12);
    const std::size_t strings_size = be32(blob, 32);
    const std::size_t struct_size = be32(blob, 36);
    if (struct_start % 4 != 0 || struct_start > size || struct_size > size - struct_start ||
        strings_start > size || strings_size > size - strings_start) {
        return {};
    }
    const std::size_t struct_end = struct_start + struct_size;
    const std::size_t strings_end = strings_start + strings_size;
    std::size_t at = struct_start;
    int depth = 0;          // nodes open
    bool in_chosen = false; // the open node at depth 2 is the root's `chosen`
    while (at + 4 <= struct_end) {
        const uint32_t token = be32(blob, at);
        at += 4;
        switch (token) {
        case BeginNode: {
            std::size_t length = 0;
            bool terminated = false;
            const bool chosen = string_at(blob, at, struct_end, "chosen", length, terminated);
            if (!terminated) return {};
            at += align4(length + 1);
            ++depth;
            if (depth == 2) in_chosen = chosen;
            break;
        }
        case EndNode:
            if (depth == 0) return {};
            if (depth == 2) in_chosen = false;
            --depth;
            break;
        case Prop: {
            if (at + 8 > struct_end) return {};
            const std::size_t length = be32(blob, at);
            const std::size_t name_offset = be32(blob, at + 4);
            at += 8;
            if (length > struct_end - at) return {};
            if (depth == 2 && in_chosen && name_offset < strings_size) {
                std::size_t name_length = 0;
                bool terminated = false;
                if (string_at(blob, strings_start + name_offset, strings_end, name, name_length,
                              terminated)) {
                    return {true, at, length};
                }
            }
            at += align4(length);
            break;
        }
        case Nop:
            break;
        case End:
        default:
            return {};
        }
    }
    return {};
}

} // namespace base::fdt
