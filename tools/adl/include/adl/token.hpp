// Tokens of the CAmkES architecture description language.
#pragma once

#include "adl/source_location.hpp"

#include <cstdint>
#include <string>

namespace adl {

enum class TokenKind {
    Identifier,
    Integer,
    String,      // "..." with escapes resolved
    AngleString, // <...> after `import`
    Punct,       // { } ( ) [ ] ; , . = : + - * / % | & ^ ~ < > << >> !
    End,
};

struct Token {
    TokenKind kind = TokenKind::End;
    std::string text;   // identifier name, punctuation, string contents or literal spelling
    uint64_t value = 0; // integer literals
    SourceLocation where;

    [[nodiscard]] bool is(std::string_view punct_or_word) const {
        return (kind == TokenKind::Punct || kind == TokenKind::Identifier) && text == punct_or_word;
    }
    // How a diagnostic shows this token.
    [[nodiscard]] std::string describe() const;
};

} // namespace adl
