// Recursive-descent parser for the CAmkES ADL subset Bulkhead reads.
#pragma once

#include "adl/ast.hpp"
#include "adl/token.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace adl {

class Parser {
public:
    explicit Parser(std::vector<Token> tokens);

    // Parses every declaration up to the end; throws adl::Error.
    ast::File parse_file();

private:
    const Token& peek(size_t ahead = 0) const;
    Token take();
    bool accept(std::string_view punct_or_word);
    Token expect(std::string_view punct_or_word, std::string_view context);
    Token expect_identifier(std::string_view what);
    [[noreturn]] void fail(const Token& at, const std::string& message) const;

    void import_decl(ast::File& file);
    ast::Procedure procedure();
    ast::AttributeDecl struct_decl();
    bool c_include();
    std::string type_name(std::string_view what);
    ast::Method method();
    ast::Component component();
    void component_item(ast::Component& c);
    ast::AttributeDecl attribute_decl(bool in_struct);
    ast::Connector connector();
    void assembly(ast::File& file);
    // `inside` names the compound component whose body this is ("" in an assembly): its
    // connection ends may name its own interfaces alone (`from dummy_source`).
    void composition(ast::Assembly& a, const std::string& inside = "");
    void configuration(ast::Assembly& a);
    ast::ConnectionEnd connection_end(const std::string& inside);

    Value value();
    Value expression(int min_precedence);
    Value unary();
    Value primary();
    Value list_value(const Token& open);
    Value dict_value(const Token& open);

    std::vector<Token> tokens_;
    size_t pos_ = 0;
    int depth_ = 0;
};

// Tokenizes and parses 'text' as file 'name' (registered for diagnostics).
ast::File parse_text(std::string_view text, const std::string& name);

} // namespace adl
