// Built-in attributes (see builtin_attributes.hpp).
#include "adl/builtin_attributes.hpp"

#include <cctype>
#include <regex>

namespace adl {

namespace {
struct Pattern {
    const char* regex;
    const char* example;
    BuiltinAttribute attribute;
};

constexpr std::string_view allocator_only = "used only by seL4's object allocator";

constexpr std::string_view tool_assigns = "badges, endpoints and caller identities are "
                                          "assigned by the tool per connection";

// 'example' is the name an unknown attribute is compared with for a suggestion.
const Pattern patterns[] = {
    {"_?priority", "priority", {BuiltinEffect::Priority, {}}},
    {"heap_size", "heap_size", {BuiltinEffect::HeapSize, {}}},
    {"_?stack_size", "stack_size", {BuiltinEffect::StackSize, {}}},
    {"_?affinity", "affinity", {BuiltinEffect::Affinity, {}}},
    {"simple", "simple", {BuiltinEffect::NoEffect, allocator_only}},
    {"cnode_size_bits", "cnode_size_bits", {BuiltinEffect::NoEffect, allocator_only}},
    {"simple_untyped[0-9]+_pool",
     "simple_untyped24_pool",
     {BuiltinEffect::NoEffect, allocator_only}},
    {"asid_pool", "asid_pool", {BuiltinEffect::NoEffect, allocator_only}},
    {"untyped_mmios",
     "untyped_mmios",
     {BuiltinEffect::NoEffect, "reserves untyped memory for seL4's allocator; "
                               "Bulkhead lays out memory at build time"}},
    {"mmios",
     "mmios",
     {BuiltinEffect::NoEffect, "device frames for seL4's allocator; a VM's devices come from its "
                               "dtb() passthrough"}},
    {"tcb_pool(_domains)?", "tcb_pool", {BuiltinEffect::NoEffect, allocator_only}},
    {"_domain", "_domain", {BuiltinEffect::NoEffect, "seL4 domain scheduling is not used"}},
    {"_max_priority",
     "_max_priority",
     {BuiltinEffect::NoEffect, "no priority delegation in Bulkhead"}},
    {"global_endpoint_base", "global_endpoint_base", {BuiltinEffect::NoEffect, tool_assigns}},
    {"[A-Za-z0-9_]+_global_endpoint",
     "self_global_endpoint",
     {BuiltinEffect::NoEffect, tool_assigns}},
    {"[A-Za-z0-9_]+_badge", "serial_getchar_badge", {BuiltinEffect::NoEffect, tool_assigns}},
    {"[A-Za-z0-9_]+_attributes", "putchar_attributes", {BuiltinEffect::NoEffect, tool_assigns}},
    {"sem_value", "sem_value", {BuiltinEffect::NoEffect, "semaphores start at zero"}},
    {"integrity_label",
     "integrity_label",
     {BuiltinEffect::NoEffect, "labels for seL4's capDL integrity proof; not checked here"}},
    {"smmu",
     "smmu",
     {BuiltinEffect::NoEffect, "no SMMU is programmed; guest RAM is mapped with guest-physical "
                               "== physical (map_unity_ram) so passed-through DMA works without "
                               "one"}},
    {"plat_keep_devices(_and_subtree)?", "plat_keep_devices", {BuiltinEffect::Stored, {}}},
    {"allow_smc|allowed_smc_functions", "allow_smc", {BuiltinEffect::Stored, {}}},
    // Bulkhead's: the core of each of a VM's vCPUs (vm_layout.cpp).
    {"vcpu_affinity", "vcpu_affinity", {BuiltinEffect::Stored, {}}},
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

std::vector<std::string_view> builtin_attribute_names() {
    std::vector<std::string_view> names;
    for (const auto& p : patterns) {
        names.emplace_back(p.example);
    }
    return names;
}

} // namespace adl
