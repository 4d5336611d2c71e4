// Attributes every component accepts without declaring them (CAmkES built-ins),
// and whether Bulkhead acts on them or accepts them only for compatibility.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace adl {

// Stored: kept on the instance for the part that gives it meaning (the VM's layout
// reads plat_keep_devices*).
enum class BuiltinEffect { Priority, HeapSize, StackSize, Affinity, Stored, NoEffect };

struct BuiltinAttribute {
    BuiltinEffect effect;
    std::string_view reason; // for NoEffect: why it is ignored
};

// Looks 'name' up among the built-in attributes (patterns such as
// simple_untyped<N>_pool included).
std::optional<BuiltinAttribute> find_builtin_attribute(std::string_view name);

// One name per built-in attribute (a pattern's typical instance), for suggestions.
std::vector<std::string_view> builtin_attribute_names();

} // namespace adl
