// Attribute values of the ADL: integers, strings, booleans, lists, dicts and
// `dtb([...])` queries, each remembering where it was written.
#pragma once

#include "adl/source_location.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace adl {

struct Value {
    enum class Kind { Integer, String, Boolean, List, Dict, DtbQuery };

    Kind kind = Kind::Integer;
    int64_t integer = 0;
    std::string string;
    bool boolean = false;
    std::vector<Value> items;      // List and DtbQuery elements, Dict values
    std::vector<std::string> keys; // Dict keys, parallel to items
    SourceLocation where;

    [[nodiscard]] const Value* field(std::string_view key) const;
    // How the value reads in ADL (for reports and diagnostics).
    [[nodiscard]] std::string to_adl() const;
    [[nodiscard]] static const char* kind_name(Kind k);
};

} // namespace adl
