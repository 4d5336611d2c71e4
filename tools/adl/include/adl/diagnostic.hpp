// Build errors of the ADL tool: every one names file, line and column, quotes the
// offending text and says what was expected. Host-only code, so errors are exceptions.
#pragma once

#include "adl/source_location.hpp"

#include <stdexcept>
#include <string>

namespace adl {

class Error : public std::runtime_error {
public:
    Error(SourceLocation where, std::string message);

    [[nodiscard]] const SourceLocation& where() const { return where_; }
    [[nodiscard]] const std::string& message() const { return message_; }

private:
    SourceLocation where_;
    std::string message_;
};

// Renders "file:line:col: error: message" followed by the source line and a caret,
// when the original file can be read (or was registered in memory).
std::string render(const Error& error);

// 'text' with quotes, shortened when long: how diagnostics quote source text.
std::string quote(std::string_view text);

} // namespace adl
