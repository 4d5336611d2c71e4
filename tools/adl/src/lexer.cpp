// ADL lexer (see lexer.hpp).
#include "adl/lexer.hpp"

#include "adl/diagnostic.hpp"
#include "adl/source_files.hpp"

#include <cctype>
#include <cstdlib>

namespace adl {

namespace {
bool ident_start(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool ident_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}
constexpr std::string_view two_char_puncts[] = {"<<", ">>"};
constexpr std::string_view one_char_puncts = "{}()[];,.=:+-*/%|&^~<>!";
} // namespace

std::string Token::describe() const {
    switch (kind) {
    case TokenKind::End:
        return "end of input";
    case TokenKind::String:
        return quote("\"" + text + "\"");
    case TokenKind::AngleString:
        return quote("<" + text + ">");
    default:
        return quote(text);
    }
}

Lexer::Lexer(std::string_view text, std::string file) : text_(text), file_(std::move(file)) {}

std::vector<Token> Lexer::tokenize() {
    std::vector<Token> tokens;
    for (;;) {
        tokens.push_back(next());
        if (tokens.back().kind == TokenKind::End) {
            return tokens;
        }
    }
}

SourceLocation Lexer::here() const {
    return {file_, line_, static_cast<uint32_t>(pos_ - line_start_ + 1)};
}

// cpp keeps lines but not always columns (macro expansion, collapsed blanks): when
// the original line is known, the token's column is that of its nearest occurrence there.
SourceLocation Lexer::locate(size_t start, std::string_view spelling) const {
    SourceLocation where{file_, line_, static_cast<uint32_t>(start - line_start_ + 1)};
    auto original = SourceFiles::line(file_, line_);
    if (!original || spelling.empty()) {
        return where;
    }
    size_t out_line_end = text_.find('\n', line_start_);
    std::string_view out_line = text_.substr(line_start_, out_line_end == std::string_view::npos
                                                              ? std::string_view::npos
                                                              : out_line_end - line_start_);
    if (out_line == *original) {
        return where;
    }
    size_t best = std::string::npos;
    uint64_t best_distance = UINT64_MAX;
    for (size_t at = original->find(spelling); at != std::string::npos;
         at = original->find(spelling, at + 1)) {
        uint64_t distance = at + 1 > where.column ? at + 1 - where.column : where.column - at - 1;
        if (distance < best_distance) {
            best_distance = distance;
            best = at;
        }
    }
    if (best != std::string::npos) {
        where.column = static_cast<uint32_t>(best + 1);
    }
    return where;
}

void Lexer::fail(size_t at, std::string_view spelling, const std::string& what) const {
    throw Error(locate(at, spelling), what);
}

void Lexer::line_marker() {
    // At a line start: `# <line> "<file>" <flags>` from cpp, or `#line <n> "<file>"`.
    size_t start = pos_;
    size_t p = pos_ + 1;
    while (p < text_.size() && (text_[p] == ' ' || text_[p] == '\t')) {
        ++p;
    }
    if (text_.compare(p, 4, "line") == 0) {
        p += 4;
    }
    while (p < text_.size() && (text_[p] == ' ' || text_[p] == '\t')) {
        ++p;
    }
    size_t digits = p;
    while (p < text_.size() && std::isdigit(static_cast<unsigned char>(text_[p]))) {
        ++p;
    }
    if (digits == p) {
        size_t end = text_.find('\n', start);
        fail(start, "#",
             "unexpected preprocessor directive " +
                 quote(text_.substr(start, end == std::string_view::npos ? end : end - start)) +
                 "; expected a declaration (was the file run through cpp?)");
    }
    unsigned long n =
        std::strtoul(std::string(text_.substr(digits, p - digits)).c_str(), nullptr, 10);
    while (p < text_.size() && (text_[p] == ' ' || text_[p] == '\t')) {
        ++p;
    }
    std::string file = file_;
    if (p < text_.size() && text_[p] == '"') {
        size_t q = p + 1;
        std::string name;
        while (q < text_.size() && text_[q] != '"' && text_[q] != '\n') {
            if (text_[q] == '\\' && q + 1 < text_.size()) {
                ++q;
            }
            name += text_[q++];
        }
        file = name;
        p = q;
    }
    size_t end = text_.find('\n', p);
    pos_ = end == std::string_view::npos ? text_.size() : end + 1;
    line_start_ = pos_;
    file_ = file;
    line_ = static_cast<uint32_t>(n > 0 ? n : 1);
}

void Lexer::skip_space_and_comments() {
    for (;;) {
        if (pos_ >= text_.size()) {
            return;
        }
        char c = text_[pos_];
        if (c == '\n') {
            ++pos_;
            ++line_;
            line_start_ = pos_;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            ++pos_;
        } else if (c == '#' &&
                   text_.substr(line_start_, pos_ - line_start_).find_first_not_of(" \t") ==
                       std::string_view::npos) {
            line_marker();
        } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '/') {
            while (pos_ < text_.size() && text_[pos_] != '\n') {
                ++pos_;
            }
        } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '*') {
            size_t start = pos_;
            pos_ += 2;
            for (;;) {
                if (pos_ + 1 >= text_.size()) {
                    pos_ = start;
                    fail(start, "/*", "unterminated comment " + quote("/*") + "; expected '*/'");
                }
                if (text_[pos_] == '*' && text_[pos_ + 1] == '/') {
                    pos_ += 2;
                    break;
                }
                if (text_[pos_] == '\n') {
                    ++line_;
                    line_start_ = pos_ + 1;
                }
                ++pos_;
            }
        } else {
            return;
        }
    }
}

Token Lexer::number(size_t start) {
    size_t p = start;
    int base = 10;
    if (text_[p] == '0' && p + 1 < text_.size() && (text_[p + 1] == 'x' || text_[p + 1] == 'X')) {
        base = 16;
        p += 2;
    }
    size_t digits = p;
    while (p < text_.size() && std::isxdigit(static_cast<unsigned char>(text_[p]))) {
        ++p;
    }
    size_t end = p;
    while (end < text_.size() && ident_char(text_[end])) {
        ++end;
    }
    std::string_view spelling = text_.substr(start, end - start);
    // C integer suffixes (u, l, ul, ull) are allowed, as cpp-produced values may carry them.
    std::string_view suffix = text_.substr(p, end - p);
    bool suffix_ok =
        suffix.find_first_not_of("uUlL") == std::string_view::npos && suffix.size() <= 3;
    if (digits == p || !suffix_ok) {
        fail(start, spelling,
             "malformed integer " + quote(spelling) +
                 "; expected decimal digits or 0x followed by hex digits");
    }
    uint64_t value = 0;
    for (size_t i = digits; i < p; ++i) {
        char c = static_cast<char>(std::tolower(static_cast<unsigned char>(text_[i])));
        int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : c - 'a' + 10;
        if (d >= base) {
            fail(start, spelling,
                 "malformed integer " + quote(spelling) + "; expected only " +
                     (base == 10 ? "decimal" : "hex") + " digits");
        }
        if (value > (UINT64_MAX - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) {
            fail(start, spelling,
                 "integer " + quote(spelling) +
                     " does not fit in 64 bits; expected a smaller value");
        }
        value = value * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
    }
    Token t{TokenKind::Integer, std::string(spelling), value, locate(start, spelling)};
    pos_ = end;
    return t;
}

Token Lexer::string_literal(size_t start) {
    std::string value;
    size_t p = start + 1;
    for (;;) {
        if (p >= text_.size() || text_[p] == '\n') {
            fail(start, "\"",
                 "unterminated string " + quote(text_.substr(start, p - start)) +
                     "; expected a closing '\"' on the same line");
        }
        char c = text_[p];
        if (c == '"') {
            break;
        }
        if (c == '\\') {
            if (p + 1 >= text_.size()) {
                ++p; // a backslash as the last byte: reported as unterminated above
                continue;
            }
            char e = text_[p + 1];
            switch (e) {
            case 'n':
                value += '\n';
                break;
            case 't':
                value += '\t';
                break;
            case '\\':
                value += '\\';
                break;
            case '"':
                value += '"';
                break;
            case '\'':
                value += '\'';
                break;
            case '0':
                value += '\0';
                break;
            default:
                fail(p, text_.substr(p, 2),
                     "unknown escape " + quote(text_.substr(p, 2)) +
                         " in string; expected one of \\n \\t \\\\ \\\" \\' \\0");
            }
            p += 2;
            continue;
        }
        value += c;
        ++p;
    }
    Token t{TokenKind::String, value, 0, locate(start, text_.substr(start, p + 1 - start))};
    pos_ = p + 1;
    return t;
}

Token Lexer::angle_string(size_t start) {
    size_t end = text_.find_first_of(">\n;", start + 1);
    if (end == std::string_view::npos || text_[end] != '>') {
        fail(start, "<",
             "unterminated import path " +
                 quote(text_.substr(start, end == std::string_view::npos ? std::string_view::npos
                                                                         : end - start)) +
                 "; expected '>'");
    }
    std::string path(text_.substr(start + 1, end - start - 1));
    if (path.empty()) {
        fail(start, "<>", "empty import path '<>'; expected a file name");
    }
    Token t{TokenKind::AngleString, path, 0, locate(start, text_.substr(start, end + 1 - start))};
    pos_ = end + 1;
    return t;
}

Token Lexer::next() {
    skip_space_and_comments();
    bool after_import = after_import_;
    after_import_ = false;
    if (pos_ >= text_.size()) {
        return Token{TokenKind::End, "", 0, here()};
    }
    size_t start = pos_;
    char c = text_[pos_];
    if (ident_start(c)) {
        while (pos_ < text_.size() && ident_char(text_[pos_])) {
            ++pos_;
        }
        std::string_view word = text_.substr(start, pos_ - start);
        after_import_ = word == "import";
        return Token{TokenKind::Identifier, std::string(word), 0, locate(start, word)};
    }
    if (std::isdigit(static_cast<unsigned char>(c))) {
        return number(start);
    }
    if (c == '"') {
        return string_literal(start);
    }
    if (c == '<' && after_import) {
        return angle_string(start);
    }
    for (auto two : two_char_puncts) {
        if (text_.compare(pos_, 2, two) == 0) {
            pos_ += 2;
            return Token{TokenKind::Punct, std::string(two), 0, locate(start, two)};
        }
    }
    if (one_char_puncts.find(c) != std::string_view::npos) {
        ++pos_;
        return Token{TokenKind::Punct, std::string(1, c), 0, locate(start, text_.substr(start, 1))};
    }
    std::string_view bad = text_.substr(start, 1);
    fail(start, bad,
         "unexpected character " + quote(bad) +
             "; expected an identifier, a number, a string or punctuation");
}

} // namespace adl
