// Built-in attributes (see builtin_attributes.hpp).
#include "adl/builtin_attributes.hpp"

#include <cctype>
#include <regex>

namespace adl {

namespace {
struct Pattern {
    const char* regex;
    BuiltinAttribute attribute;
};

constexpr std::string_view allocator_only = "used only by seL4's object allocator";

const Pattern patterns[] = {
    {"_?priority", {BuiltinEffect::Priority, {}}},
    {"heap_size", {BuiltinEffect::HeapSize, {}}},
    {"_?stack_size", {BuiltinEffect::StackSize, {}}},
    {"_?affinity", {BuiltinEffect::Affinity, {}}},
    {"simple", {BuiltinEffect::NoEffect, allocator_only}},
    {"cnode_size_bits", {BuiltinEffect::NoEffect, allocator_only}},
    {"simple_untyped[0-9]+_pool", {BuiltinEffect::NoEffect, allocator_only}},
    {"asid_pool", {BuiltinEffect::NoEffect, allocator_only}},
    {"untyped_mmios",
     {BuiltinEffect::NoEffect, "reserves untyped memory for seL4's allocator; "
                               "Bulkhead lays out memory at build time"}},
    {"tcb_pool(_domains)?", {BuiltinEffect::NoEffect, allocator_only}},
    {"_domain", {BuiltinEffect::NoEffect, "seL4 domain scheduling is not used"}},
    {"_max_priority", {BuiltinEffect::NoEffect, "no priority delegation in Bulkhead"}},
    {"global_endpoint_base", {BuiltinEffect::NoEffect, "badges are assigned by the tool"}},
    {"sem_value", {BuiltinEffect::NoEffect, "semaphores start at zero"}},
};
} // namespace

std::optional<BuiltinAttribute> find_builtin_attribute(std::string_view name) {
    for (const auto& p : patterns) {
        if (std::regex_match(name.begin(), name.end(), std::regex(p.regex))) {
            return p.attribute;
        }
    }
    return std::nullopt;
}

} // namespace adl
