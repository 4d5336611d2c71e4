// ADL values: lookup and printing (see value.hpp).
#include "adl/value.hpp"

namespace adl {

const Value* Value::field(std::string_view key) const {
    if (kind != Kind::Dict) {
        return nullptr;
    }
    for (size_t i = 0; i < keys.size(); ++i) {
        if (keys[i] == key) {
            return &items[i];
        }
    }
    return nullptr;
}

const char* Value::kind_name(Kind k) {
    switch (k) {
    case Kind::Integer:
        return "integer";
    case Kind::String:
        return "string";
    case Kind::Boolean:
        return "boolean";
    case Kind::List:
        return "list";
    case Kind::Dict:
        return "dict";
    case Kind::DtbQuery:
        return "dtb query";
    }
    return "?";
}

std::string Value::to_adl() const {
    switch (kind) {
    case Kind::Integer:
        return std::to_string(integer);
    case Kind::Boolean:
        return boolean ? "true" : "false";
    case Kind::String: {
        std::string out = "\"";
        for (char c : string) {
            if (c == '"' || c == '\\') {
                out += '\\';
            }
            out += c;
        }
        return out + "\"";
    }
    case Kind::List:
    case Kind::DtbQuery: {
        std::string out = kind == Kind::DtbQuery ? "dtb([" : "[";
        for (size_t i = 0; i < items.size(); ++i) {
            out += (i ? ", " : "") + items[i].to_adl();
        }
        return out + (kind == Kind::DtbQuery ? "])" : "]");
    }
    case Kind::Dict: {
        std::string out = "{";
        for (size_t i = 0; i < items.size(); ++i) {
            out += (i ? ", \"" : "\"") + keys[i] + "\": " + items[i].to_adl();
        }
        return out + "}";
    }
    }
    return "";
}

} // namespace adl
