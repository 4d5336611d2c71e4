// Lexer unit tests: tokens, line markers, and rejected inputs with message and location.
#include "adl/diagnostic.hpp"
#include "adl/lexer.hpp"
#include "adl/source_files.hpp"

#include "expect_error.hpp"

#include <gtest/gtest.h>

namespace {

using adl::TokenKind;

std::vector<adl::Token> lex(std::string_view text, const std::string& name = "t.camkes") {
    adl::SourceFiles::add(name, text);
    return adl::Lexer(text, name).tokenize();
}

TEST(Lexer, TokensOfEachKind) {
    auto t = lex("import <std.camkes>; x = 0x1F + 42 \"a\\\"b\" << >>;");
    ASSERT_EQ(t.size(), 13u);
    EXPECT_EQ(t[0].kind, TokenKind::Identifier);
    EXPECT_EQ(t[1].kind, TokenKind::AngleString);
    EXPECT_EQ(t[1].text, "std.camkes");
    EXPECT_EQ(t[5].kind, TokenKind::Integer);
    EXPECT_EQ(t[5].value, 0x1Fu);
    EXPECT_EQ(t[7].value, 42u);
    EXPECT_EQ(t[8].kind, TokenKind::String);
    EXPECT_EQ(t[8].text, "a\"b");
    EXPECT_EQ(t[9].text, "<<");
    EXPECT_EQ(t[10].text, ">>");
    EXPECT_EQ(t[12].kind, TokenKind::End);
}

TEST(Lexer, CommentsAndLines) {
    auto t = lex("// one\n/* two\n three */ a\n  b");
    ASSERT_EQ(t.size(), 3u);
    EXPECT_EQ(t[0].where.line, 3u);
    EXPECT_EQ(t[0].where.column, 11u);
    EXPECT_EQ(t[1].where.line, 4u);
    EXPECT_EQ(t[1].where.column, 3u);
}

TEST(Lexer, LineMarkersMapToOriginalFile) {
    adl::SourceFiles::add("orig.camkes", "x\ny\n    alpha beta\n");
    auto t =
        adl::Lexer("# 1 \"cpp-out\"\n# 3 \"orig.camkes\"\nalpha     beta\n", "cpp-out").tokenize();
    ASSERT_EQ(t.size(), 3u);
    EXPECT_EQ(t[0].where.file, "orig.camkes");
    EXPECT_EQ(t[0].where.line, 3u);
    EXPECT_EQ(t[0].where.column, 5u); // recovered from the original line
    EXPECT_EQ(t[1].where.column, 11u);
}

TEST(Lexer, SuffixedIntegers) {
    auto t = lex("10u 0x20UL");
    EXPECT_EQ(t[0].value, 10u);
    EXPECT_EQ(t[1].value, 0x20u);
}

using tool_test::BadInput;

class LexerRejects : public ::testing::TestWithParam<BadInput> {};

TEST_P(LexerRejects, WithMessageAndLocation) {
    const auto& bad = GetParam();
    tool_test::expect_error([&] { lex(bad.text, "bad.camkes"); }, "bad.camkes", bad.line,
                            bad.column, bad.message, bad.text);
}

INSTANTIATE_TEST_SUITE_P(
    Bad, LexerRejects,
    ::testing::Values(
        BadInput{"a @ b", 1, 3, "unexpected character '@'"},
        BadInput{"\n  $x", 2, 3, "unexpected character '$'"},
        BadInput{"`", 1, 1, "unexpected character '`'"},
        BadInput{"x = 'a';", 1, 5, "unexpected character '''"},
        BadInput{"x = \"abc", 1, 5, "unterminated string '\"abc'"},
        BadInput{"x = \"abc\ndef\"", 1, 5, "expected a closing '\"' on the same line"},
        BadInput{"s = \"a\\qb\";", 1, 7, "unknown escape '\\q'"},
        BadInput{"a /* never closed", 1, 3, "unterminated comment '/*'; expected '*/'"},
        BadInput{"x = 0x;", 1, 5, "malformed integer '0x'"},
        BadInput{"x = 0xZ;", 1, 5, "malformed integer '0xZ'"},
        BadInput{"x = 12abc;", 1, 5, "malformed integer '12abc'"},
        BadInput{"x = 09a;", 1, 5, "expected only decimal digits"},
        BadInput{"x = 0x10g;", 1, 5, "malformed integer '0x10g'"},
        BadInput{"x = 123q;", 1, 5, "malformed integer '123q'"},
        BadInput{"x = 99999999999999999999;", 1, 5, "does not fit in 64 bits"},
        BadInput{"x = 0x1ffffffffffffffff;", 1, 5, "does not fit in 64 bits"},
        BadInput{"import <foo\n;", 1, 8, "unterminated import path '<foo'; expected '>'"},
        BadInput{"import <>;", 1, 8, "empty import path '<>'"},
        BadInput{"#pragma once\n", 1, 1, "unexpected preprocessor directive '#pragma once'"},
        BadInput{"  # foo\n", 1, 3, "unexpected preprocessor directive"},
        BadInput{"a \\ b", 1, 3, "unexpected character '\\'"},
        BadInput{"a ? b", 1, 3, "unexpected character '?'"},
        BadInput{"\n\n\tx = \xc3\xa9;", 3, 6, "unexpected character"},
        BadInput{"x = a # b", 1, 7, "unexpected character '#'"},
        BadInput{"x = 100ul5;", 1, 5, "malformed integer '100ul5'"},
        // Found by the fuzzer: a backslash as the very last byte once looped forever.
        BadInput{"x = \"abc\\", 1, 5, "unterminated string '\"abc\\'"}));

} // namespace
