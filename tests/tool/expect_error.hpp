// Shared assertion of the tool tests: running 'action' raises an adl::Error at
// file:line:column whose message contains 'message'.
#pragma once

#include "adl/diagnostic.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

namespace tool_test {

// How a bad-input case is named in test lists (and so in ctest, whose discovery names a
// parameterised test after the printed parameter): the start of the expected message in
// plain characters, then a hash of the input, so the name is readable, unique and the same
// on every run (gtest would print the case's bytes, pointers included).
inline void print_case(std::string_view input, std::string_view message, std::ostream* os) {
    std::string label;
    for (char c : message.substr(0, 48)) {
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == ' ' || c == '-' || c == '.';
        label += plain ? c : '_';
    }
    uint32_t hash = 2166136261u; // FNV-1a
    for (char c : input) {
        hash = (hash ^ static_cast<uint8_t>(c)) * 16777619u;
    }
    constexpr char kHex[] = "0123456789abcdef";
    label += " #";
    for (int shift = 28; shift >= 0; shift -= 4) {
        label += kHex[(hash >> shift) & 0xf];
    }
    *os << label;
}

struct BadInput {
    const char* text;
    uint32_t line;
    uint32_t column;
    const char* message;
};

inline void PrintTo(const BadInput& bad, std::ostream* os) {
    print_case(bad.text, bad.message, os);
}

template <class Action>
void expect_error(Action&& action, const std::string& file, uint32_t line, uint32_t column,
                  const std::string& message, const std::string& input) {
    try {
        action();
        ADD_FAILURE() << "accepted: " << input;
    } catch (const adl::Error& e) {
        EXPECT_EQ(e.where().file, file) << e.what();
        EXPECT_EQ(e.where().line, line) << e.what();
        EXPECT_EQ(e.where().column, column) << e.what();
        EXPECT_NE(e.message().find(message), std::string::npos) << e.what();
        EXPECT_NE(adl::render(e).find(e.message()), std::string::npos);
    }
}

} // namespace tool_test
