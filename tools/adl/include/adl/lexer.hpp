// Turns preprocessed ADL text into tokens. Understands cpp line markers
// (`# 12 "file.camkes" 2`) so every token carries its original file and line, and
// recovers the original column by finding the token in the original line.
#pragma once

#include "adl/token.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace adl {

class Lexer {
public:
    // 'file' names the text until a line marker says otherwise.
    Lexer(std::string_view text, std::string file);

    // All tokens up to and including the End token; throws adl::Error.
    std::vector<Token> tokenize();

private:
    Token next();
    void skip_space_and_comments();
    void line_marker();
    [[nodiscard]] SourceLocation here() const;
    [[nodiscard]] SourceLocation locate(size_t start, std::string_view spelling) const;
    Token number(size_t start);
    Token string_literal(size_t start);
    Token angle_string(size_t start);
    [[noreturn]] void fail(size_t at, std::string_view spelling, const std::string& what) const;

    std::string_view text_;
    size_t pos_ = 0;
    size_t line_start_ = 0;
    std::string file_;
    uint32_t line_ = 1;
    bool after_import_ = false;
};

} // namespace adl
