// ADL parser (see parser.hpp). Grammar follows CAmkES: declarations end with ';',
// blocks may be followed by an optional ';'.
#include "adl/parser.hpp"

#include "adl/diagnostic.hpp"
#include "adl/lexer.hpp"
#include "adl/source_files.hpp"

namespace adl {

namespace {
constexpr int max_depth = 64; // values nest no deeper; keeps hostile input off the stack limit

int precedence(const Token& t) {
    if (t.kind != TokenKind::Punct) {
        return 0;
    }
    if (t.text == "|") {
        return 1;
    }
    if (t.text == "^") {
        return 2;
    }
    if (t.text == "&") {
        return 3;
    }
    if (t.text == "<<" || t.text == ">>") {
        return 4;
    }
    if (t.text == "+" || t.text == "-") {
        return 5;
    }
    if (t.text == "*" || t.text == "/" || t.text == "%") {
        return 6;
    }
    return 0;
}

struct DepthGuard {
    int& depth;
    DepthGuard(int& d, const Token& at) : depth(d) {
        if (++depth > max_depth) {
            --depth;
            throw Error(at.where, "value nested more than " + std::to_string(max_depth) +
                                      " levels deep at " + at.describe() +
                                      "; expected a flatter value");
        }
    }
    ~DepthGuard() { --depth; }
};
} // namespace

const char* ast::to_string(InterfaceKind kind) {
    switch (kind) {
    case InterfaceKind::Provides:
        return "provides";
    case InterfaceKind::Uses:
        return "uses";
    case InterfaceKind::Emits:
        return "emits";
    case InterfaceKind::Consumes:
        return "consumes";
    case InterfaceKind::Dataport:
        return "dataport";
    }
    return "?";
}

const char* ast::to_string(EndKind kind) {
    switch (kind) {
    case EndKind::Procedure:
        return "Procedure";
    case EndKind::Event:
        return "Event";
    case EndKind::Dataport:
        return "Dataport";
    }
    return "?";
}

Parser::Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {
    if (tokens_.empty() || tokens_.back().kind != TokenKind::End) {
        tokens_.push_back(Token{});
    }
}

const Token& Parser::peek(size_t ahead) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
}

Token Parser::take() {
    Token t = peek();
    if (pos_ < tokens_.size() - 1) {
        ++pos_;
    }
    return t;
}

bool Parser::accept(std::string_view punct_or_word) {
    if (peek().kind != TokenKind::String && peek().is(punct_or_word)) {
        take();
        return true;
    }
    return false;
}

void Parser::fail(const Token& at, const std::string& message) const {
    throw Error(at.where, message);
}

Token Parser::expect(std::string_view punct_or_word, std::string_view context) {
    if (!peek().is(punct_or_word)) {
        fail(peek(), "expected '" + std::string(punct_or_word) + "' " + std::string(context) +
                         ", found " + peek().describe());
    }
    return take();
}

Token Parser::expect_identifier(std::string_view what) {
    if (peek().kind != TokenKind::Identifier) {
        fail(peek(), "expected " + std::string(what) + ", found " + peek().describe());
    }
    return take();
}

ast::File Parser::parse_file() {
    ast::File file;
    while (peek().kind != TokenKind::End) {
        const Token& t = peek();
        if (t.is("import")) {
            import_decl(file);
        } else if (t.is("procedure")) {
            file.procedures.push_back(procedure());
        } else if (t.is("struct")) {
            file.structs.push_back(struct_decl());
        } else if (t.is("component")) {
            file.components.push_back(component());
        } else if (t.is("connector")) {
            file.connectors.push_back(connector());
        } else if (t.is("assembly")) {
            assembly(file);
        } else if (t.is(";")) {
            take();
        } else {
            fail(t, "expected 'import', 'procedure', 'struct', 'component', 'connector' or "
                    "'assembly' at top level, found " +
                        t.describe());
        }
    }
    return file;
}

void Parser::import_decl(ast::File& file) {
    Token kw = take();
    Token path = take();
    if (path.kind != TokenKind::String && path.kind != TokenKind::AngleString) {
        fail(path, "expected a file after 'import' (\"file\" or <file>), found " + path.describe());
    }
    if (path.text.empty()) {
        fail(path, "empty import path \"\"; expected a file name");
    }
    expect(";", "after import");
    file.imports.push_back({path.text, path.kind == TokenKind::AngleString, kw.where});
}

ast::Procedure Parser::procedure() {
    Token kw = take();
    ast::Procedure p;
    p.name = expect_identifier("a procedure name after 'procedure'").text;
    p.where = kw.where;
    expect("{", "to open procedure '" + p.name + "'");
    while (!peek().is("}")) {
        if (peek().kind == TokenKind::End) {
            fail(peek(), "expected '}' to close procedure '" + p.name + "', found end of input");
        }
        if (c_include()) {
            continue;
        }
        p.methods.push_back(method());
    }
    take();
    accept(";");
    return p;
}

// A type name; `unsigned int` and similar two-word C types are one name.
std::string Parser::type_name(std::string_view what) {
    std::string type = expect_identifier(what).text;
    if ((type == "unsigned" || type == "signed") && peek().kind == TokenKind::Identifier &&
        peek(1).kind == TokenKind::Identifier) {
        type += " " + take().text;
    }
    return type;
}

// `struct T { type field; ... };` at top level (camkes-vm's current apps).
ast::AttributeDecl Parser::struct_decl() {
    Token kw = take();
    ast::AttributeDecl s;
    s.where = kw.where;
    s.name = expect_identifier("a struct name after 'struct'").text;
    expect("{", "to open struct '" + s.name + "'");
    while (!peek().is("}")) {
        if (peek().kind == TokenKind::End) {
            fail(peek(), "expected '}' to close struct '" + s.name + "', found end of input");
        }
        s.fields.push_back(attribute_decl(true));
    }
    Token close = take();
    if (s.fields.empty()) {
        fail(close, "struct '" + s.name + "' has no fields; expected at least one");
    }
    accept(";");
    return s;
}

ast::Method Parser::method() {
    ast::Method m;
    m.where = peek().where;
    m.return_type = type_name("a method's return type (or 'void')");
    m.name = expect_identifier("a method name after its return type").text;
    expect("(", "after method name '" + m.name + "'");
    // `f(void)` is C's spelling of no parameters.
    if (peek().is("void") && peek(1).is(")")) {
        take();
    }
    if (!accept(")")) {
        for (;;) {
            ast::Parameter p;
            Token first = expect_identifier("a parameter ('in', 'out' or 'inout', type and name)");
            p.where = first.where;
            if (first.text == "in" || first.text == "refin") {
                p.direction = ast::Direction::In;
                first = expect_identifier("a parameter type after '" + first.text + "'");
            } else if (first.text == "out") {
                p.direction = ast::Direction::Out;
                first = expect_identifier("a parameter type after 'out'");
            } else if (first.text == "inout") {
                p.direction = ast::Direction::InOut;
                first = expect_identifier("a parameter type after 'inout'");
            }
            p.type = first.text;
            if ((p.type == "unsigned" || p.type == "signed") &&
                peek().kind == TokenKind::Identifier && peek(1).kind == TokenKind::Identifier) {
                p.type += " " + take().text;
            }
            p.name = expect_identifier("a parameter name after type '" + p.type + "'").text;
            m.parameters.push_back(p);
            if (accept(")")) {
                break;
            }
            expect(",", "or ')' between parameters of method '" + m.name + "'");
        }
    }
    expect(";", "after method '" + m.name + "'");
    return m;
}

ast::Component Parser::component() {
    Token kw = take();
    ast::Component c;
    c.name = expect_identifier("a component name after 'component'").text;
    c.where = kw.where;
    expect("{", "to open component '" + c.name + "'");
    while (!peek().is("}")) {
        if (peek().kind == TokenKind::End) {
            fail(peek(), "expected '}' to close component '" + c.name + "', found end of input");
        }
        component_item(c);
    }
    take();
    accept(";");
    return c;
}

// `include "header.h";` in a procedure or component names the C header of its types for
// upstream's C glue; Bulkhead's glue is C++ generated from the declarations, so it is read
// and dropped.
bool Parser::c_include() {
    if (!peek().is("include") || peek(1).kind != TokenKind::String) {
        return false;
    }
    take();
    Token header = take();
    expect(";", "after include \"" + header.text + "\"");
    return true;
}

void Parser::component_item(ast::Component& c) {
    if (c_include()) {
        return;
    }
    Token t = peek();
    if (t.is("control") || t.is("hardware")) {
        take();
        (t.text == "control" ? c.control : c.hardware) = true;
        expect(";", "after '" + t.text + "'");
        return;
    }
    if (t.is("composition") || t.is("configuration")) {
        take();
        if (!c.body) {
            c.body.emplace();
            c.body->where = t.where;
        }
        if (t.text == "composition") {
            composition(*c.body, c.name);
        } else {
            configuration(*c.body);
        }
        return;
    }
    if (t.is("attribute")) {
        take();
        c.attributes.push_back(attribute_decl(false));
        return;
    }
    if (t.is("has")) {
        take();
        Token kind = expect_identifier("'mutex', 'semaphore' or 'binary_semaphore' after 'has'");
        ast::SyncPrimitive s;
        if (kind.text == "mutex") {
            s.kind = ast::SyncKind::Mutex;
        } else if (kind.text == "semaphore") {
            s.kind = ast::SyncKind::Semaphore;
        } else if (kind.text == "binary_semaphore") {
            s.kind = ast::SyncKind::BinarySemaphore;
        } else {
            fail(kind, "expected 'mutex', 'semaphore' or 'binary_semaphore' after 'has', found " +
                           kind.describe());
        }
        s.name = expect_identifier("a name after 'has " + kind.text + "'").text;
        s.where = t.where;
        expect(";", "after 'has " + kind.text + " " + s.name + "'");
        c.sync.push_back(s);
        return;
    }
    ast::Interface i;
    i.where = t.where;
    if (accept("maybe")) {
        i.optional = true;
    }
    Token kw = expect_identifier("'provides', 'uses', 'emits', 'consumes', 'dataport', "
                                 "'attribute', 'has' or 'control' in component '" +
                                 c.name + "'");
    if (kw.text == "provides") {
        i.kind = ast::InterfaceKind::Provides;
    } else if (kw.text == "uses") {
        i.kind = ast::InterfaceKind::Uses;
    } else if (kw.text == "emits") {
        i.kind = ast::InterfaceKind::Emits;
    } else if (kw.text == "consumes") {
        i.kind = ast::InterfaceKind::Consumes;
    } else if (kw.text == "dataport") {
        i.kind = ast::InterfaceKind::Dataport;
    } else {
        fail(kw, "expected 'provides', 'uses', 'emits', 'consumes', 'dataport', 'attribute', 'has' "
                 "or 'control' in component '" +
                     c.name + "', found " + kw.describe());
    }
    i.type = expect_identifier("an interface type after '" + kw.text + "'").text;
    if (i.kind == ast::InterfaceKind::Dataport && peek().is("(")) {
        take();
        Token size = take();
        if (size.kind != TokenKind::Integer || size.value == 0 || size.value % 4096 != 0) {
            fail(size, "dataport size " + size.describe() + " in 'dataport " + i.type +
                           "(...)'; expected a positive multiple of 4096 bytes");
        }
        i.size = size.value;
        expect(")", "after the dataport size " + size.describe());
    }
    i.name = expect_identifier("an interface name after '" + kw.text + " " + i.type + "'").text;
    expect(";", "after interface '" + i.name + "'");
    c.interfaces.push_back(i);
}

ast::AttributeDecl Parser::attribute_decl(bool in_struct) {
    ast::AttributeDecl a;
    a.where = peek().where;
    if (accept("{")) {
        while (!peek().is("}")) {
            if (peek().kind == TokenKind::End) {
                fail(peek(), "expected '}' to close the attribute's fields, found end of input");
            }
            a.fields.push_back(attribute_decl(true));
        }
        take();
        if (a.fields.empty()) {
            fail(peek(),
                 "expected at least one field in attribute struct before " + peek().describe());
        }
    } else {
        a.type = type_name("an attribute type (int, string, ... or '{')");
    }
    a.name = expect_identifier("an attribute name").text;
    if (accept("[")) {
        expect("]", "after '[' in attribute '" + a.name + "' (arrays are written 'name[]')");
        a.is_array = true;
    }
    if (accept("=")) {
        a.default_value = value();
    }
    expect(";", std::string("after ") + (in_struct ? "field '" : "attribute '") + a.name + "'");
    return a;
}

ast::Connector Parser::connector() {
    Token kw = take();
    ast::Connector c;
    c.name = expect_identifier("a connector name after 'connector'").text;
    c.where = kw.where;
    expect("{", "to open connector '" + c.name + "'");
    while (!peek().is("}")) {
        Token side = expect_identifier("'from' or 'to' in connector '" + c.name + "'");
        if (side.text != "from" && side.text != "to") {
            fail(side,
                 "expected 'from' or 'to' in connector '" + c.name + "', found " + side.describe());
        }
        Token kind =
            expect_identifier("Procedure(s), Event(s) or Dataport(s) after '" + side.text + "'");
        ast::ConnectorSide s;
        s.where = kind.where;
        if (kind.text == "Procedure" || kind.text == "Procedures") {
            s.kind = ast::EndKind::Procedure;
        } else if (kind.text == "Event" || kind.text == "Events") {
            s.kind = ast::EndKind::Event;
        } else if (kind.text == "Dataport" || kind.text == "Dataports") {
            s.kind = ast::EndKind::Dataport;
        } else {
            fail(kind, "expected Procedure(s), Event(s) or Dataport(s) after '" + side.text +
                           "', found " + kind.describe());
        }
        s.plural = kind.text.back() == 's';
        if (accept("template")) {
            if (peek().kind != TokenKind::String) {
                fail(peek(), "expected a template file name string after 'template', found " +
                                 peek().describe());
            }
            take();
        }
        expect(";", "after connector side '" + side.text + " " + kind.text + "'");
        auto& slot = side.text == "from" ? c.from : c.to;
        if (slot) {
            fail(side, "connector '" + c.name + "' already has a '" + side.text +
                           "' side; expected one 'from' and one 'to'");
        }
        slot = s;
    }
    Token close = take();
    if (!c.from || !c.to) {
        fail(close, "connector '" + c.name + "' needs both a 'from' and a 'to' side before '}'");
    }
    accept(";");
    return c;
}

void Parser::assembly(ast::File& file) {
    Token kw = take();
    ast::Assembly a;
    a.where = kw.where;
    expect("{", "after 'assembly'");
    while (!peek().is("}")) {
        Token t = peek();
        if (t.is("composition")) {
            take();
            composition(a);
        } else if (t.is("configuration")) {
            take();
            configuration(a);
        } else {
            fail(t, "expected 'composition' or 'configuration' in assembly, found " + t.describe());
        }
    }
    take();
    accept(";");
    file.assemblies.push_back(std::move(a));
}

void Parser::composition(ast::Assembly& a, const std::string& inside) {
    expect("{", "after 'composition'");
    while (!peek().is("}")) {
        Token t = peek();
        if (t.is("component")) {
            take();
            ast::Instance inst;
            inst.type = expect_identifier("a component type after 'component'").text;
            Token name = expect_identifier("an instance name after 'component " + inst.type + "'");
            inst.name = name.text;
            inst.where = name.where;
            expect(";", "after instance '" + inst.name + "'");
            a.instances.push_back(inst);
        } else if (t.is("connection")) {
            take();
            ast::Connection c;
            c.connector = expect_identifier("a connector type after 'connection'").text;
            c.where = t.where;
            Token name =
                expect_identifier("a connection name after 'connection " + c.connector + "'");
            c.name = name.text;
            c.where = name.where;
            expect("(", "after connection name '" + c.name + "'");
            for (;;) {
                c.ends.push_back(connection_end(inside));
                if (accept(")")) {
                    break;
                }
                expect(",", "or ')' between the ends of connection '" + c.name + "'");
            }
            expect(";", "after connection '" + c.name + "'");
            a.connections.push_back(c);
        } else if (t.is(";")) {
            take();
        } else {
            fail(t, "expected 'component' or 'connection' in composition, found " + t.describe());
        }
    }
    take();
    accept(";");
}

ast::ConnectionEnd Parser::connection_end(const std::string& inside) {
    ast::ConnectionEnd e;
    Token side = expect_identifier("'from' or 'to' at the start of a connection end");
    if (side.text != "from" && side.text != "to") {
        fail(side,
             "expected 'from' or 'to' at the start of a connection end, found " + side.describe());
    }
    e.is_from = side.text == "from";
    e.where = side.where;
    e.instance = expect_identifier("an instance name after '" + side.text + "'").text;
    if (!inside.empty() && !peek().is(".")) {
        e.interface = e.instance; // an interface of the compound component itself
        e.instance.clear();
        return e;
    }
    expect(".", "between instance and interface ('" + side.text + " " + e.instance + ".iface')");
    e.interface = expect_identifier("an interface name after '" + e.instance + ".'").text;
    return e;
}

void Parser::configuration(ast::Assembly& a) {
    expect("{", "after 'configuration'");
    while (!peek().is("}")) {
        if (accept(";")) {
            continue;
        }
        ast::Setting s;
        Token inst =
            expect_identifier("an instance name at the start of a setting ('inst.attr = value;')");
        s.instance = inst.text;
        s.where = inst.where;
        expect(".", "after instance '" + s.instance + "' in a setting ('inst.attr = value;')");
        s.attribute = expect_identifier("an attribute name after '" + s.instance + ".'").text;
        expect("=", "after '" + s.instance + "." + s.attribute + "'");
        s.value = value();
        expect(";", "after the value of '" + s.instance + "." + s.attribute + "'");
        a.settings.push_back(std::move(s));
    }
    take();
    accept(";");
}

Value Parser::value() {
    return expression(1);
}

Value Parser::expression(int min_precedence) {
    Value left = unary();
    for (;;) {
        const Token& op = peek();
        int prec = precedence(op);
        if (prec == 0 || prec < min_precedence) {
            return left;
        }
        Token op_token = take();
        DepthGuard guard(depth_, op_token);
        Value right = expression(prec + 1);
        for (const Value* side : {&left, &right}) {
            if (side->kind != Value::Kind::Integer && side->kind != Value::Kind::Boolean) {
                throw Error(side->where, "operator '" + op_token.text + "' needs integers, found " +
                                             Value::kind_name(side->kind) + " " +
                                             quote(side->to_adl()));
            }
        }
        auto l =
            static_cast<uint64_t>(left.kind == Value::Kind::Boolean ? left.boolean : left.integer);
        auto r = static_cast<uint64_t>(right.kind == Value::Kind::Boolean ? right.boolean
                                                                          : right.integer);
        uint64_t result = 0;
        const std::string& o = op_token.text;
        if (o == "|") {
            result = l | r;
        } else if (o == "^") {
            result = l ^ r;
        } else if (o == "&") {
            result = l & r;
        } else if (o == "+") {
            result = l + r;
        } else if (o == "-") {
            result = l - r;
        } else if (o == "*") {
            result = l * r;
        } else if (o == "<<" || o == ">>") {
            if (r >= 64) {
                fail(op_token, "shift by " + std::to_string(r) + " with " + quote(o) +
                                   "; expected a shift count below 64");
            }
            result = o == "<<" ? l << r : static_cast<uint64_t>(static_cast<int64_t>(l) >> r);
        } else {
            if (r == 0) {
                fail(op_token,
                     "division by zero with " + quote(o) + "; expected a non-zero divisor");
            }
            auto sl = static_cast<int64_t>(l), sr = static_cast<int64_t>(r);
            if (sl == INT64_MIN && sr == -1) {
                fail(op_token, "overflow in " + quote(o) + "; expected a smaller value");
            }
            result = static_cast<uint64_t>(o == "/" ? sl / sr : sl % sr);
        }
        Value v;
        v.kind = Value::Kind::Integer;
        v.integer = static_cast<int64_t>(result);
        v.where = left.where;
        left = v;
    }
}

Value Parser::unary() {
    const Token& t = peek();
    if (t.is("-") || t.is("~") || t.is("!") || t.is("+")) {
        Token op = take();
        DepthGuard guard(depth_, op);
        Value v = unary();
        if (v.kind != Value::Kind::Integer && v.kind != Value::Kind::Boolean) {
            throw Error(v.where, "operator '" + op.text + "' needs an integer, found " +
                                     Value::kind_name(v.kind) + " " + quote(v.to_adl()));
        }
        int64_t x = v.kind == Value::Kind::Boolean ? v.boolean : v.integer;
        v.kind = Value::Kind::Integer;
        if (op.text == "-") {
            v.integer = static_cast<int64_t>(0 - static_cast<uint64_t>(x));
        } else if (op.text == "~") {
            v.integer = ~x;
        } else if (op.text == "!") {
            v.integer = x == 0;
        } else {
            v.integer = x;
        }
        v.where = op.where;
        return v;
    }
    return primary();
}

Value Parser::primary() {
    Token t = take();
    Value v;
    v.where = t.where;
    switch (t.kind) {
    case TokenKind::Integer:
        v.kind = Value::Kind::Integer;
        v.integer = static_cast<int64_t>(t.value);
        return v;
    case TokenKind::String:
        v.kind = Value::Kind::String;
        v.string = t.text;
        return v;
    case TokenKind::Identifier:
        if (t.text == "true" || t.text == "True" || t.text == "false" || t.text == "False") {
            v.kind = Value::Kind::Boolean;
            v.boolean = t.text[0] == 't' || t.text[0] == 'T';
            return v;
        }
        if (t.text == "dtb") {
            Token open = expect("(", "after 'dtb' (queries are written dtb([{...}, ...]))");
            DepthGuard guard(depth_, open);
            Value list;
            const Token list_open = peek();
            if (list_open.is("{")) { // dtb({...}): one query, as compound components write it
                take();
                list.items.push_back(dict_value(list_open));
            } else {
                expect("[", "inside 'dtb(' (queries are written dtb([{...}, ...]))");
                list = list_value(list_open);
            }
            expect(")", "to close 'dtb('");
            v.kind = Value::Kind::DtbQuery;
            v.items = std::move(list.items);
            if (v.items.empty()) {
                fail(list_open, "empty dtb([]) query; expected at least one {\"path\": ...} or "
                                "other query dict");
            }
            for (const auto& q : v.items) {
                if (q.kind != Value::Kind::Dict) {
                    throw Error(q.where,
                                "dtb() query entry " + quote(q.to_adl()) + " is a " +
                                    Value::kind_name(q.kind) +
                                    "; expected a dict such as {\"path\": \"/serial@...\"}");
                }
            }
            return v;
        }
        fail(t, "unknown name " + t.describe() +
                    " in a value; expected a number, a string, "
                    "true/false, a list, a dict or dtb([...]) (is a macro not defined?)");
    case TokenKind::Punct:
        if (t.text == "[") {
            DepthGuard guard(depth_, t);
            return list_value(t);
        }
        if (t.text == "{") {
            DepthGuard guard(depth_, t);
            return dict_value(t);
        }
        if (t.text == "(") {
            DepthGuard guard(depth_, t);
            Value inner = value();
            expect(")", "to close '('");
            return inner;
        }
        break;
    default:
        break;
    }
    fail(t, "expected a value (number, string, true/false, list, dict or dtb([...])), found " +
                t.describe());
}

Value Parser::list_value(const Token& open) {
    Value v;
    v.kind = Value::Kind::List;
    v.where = open.where;
    while (!accept("]")) {
        if (peek().kind == TokenKind::End) {
            fail(peek(), "expected ']' to close the list, found end of input");
        }
        v.items.push_back(value());
        if (accept("]")) {
            break;
        }
        expect(",", "or ']' between list elements");
    }
    return v;
}

Value Parser::dict_value(const Token& open) {
    Value v;
    v.kind = Value::Kind::Dict;
    v.where = open.where;
    while (!accept("}")) {
        Token key = take();
        if (key.kind != TokenKind::String && key.kind != TokenKind::Identifier) {
            fail(key, "expected a dict key (\"name\") or '}', found " + key.describe());
        }
        for (const auto& k : v.keys) {
            if (k == key.text) {
                fail(key, "duplicate dict key " + quote(key.text) + "; expected each key once");
            }
        }
        expect(":", "after dict key " + quote(key.text));
        v.keys.push_back(key.text);
        v.items.push_back(value());
        if (accept("}")) {
            break;
        }
        expect(",", "or '}' between dict entries");
    }
    return v;
}

ast::File parse_text(std::string_view text, const std::string& name) {
    SourceFiles::add(name, text);
    Lexer lexer(text, name);
    Parser parser(lexer.tokenize());
    return parser.parse_file();
}

} // namespace adl
