// Shared assertion of the tool tests: running 'action' raises an adl::Error at
// file:line:column whose message contains 'message'.
#pragma once

#include "adl/diagnostic.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tool_test {

struct BadInput {
    const char* text;
    uint32_t line;
    uint32_t column;
    const char* message;
};

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
