// The platform device tree and the dtb([...]) queries evaluated over it with
// libfdt: {"path": regex}, {"properties": {"compatible[0]": "..."}} (optionally
// with "path"), {"aliases": name}, {"chosen": property}.
#pragma once

#include "adl/value.hpp"

#include <base/address.hpp>

#include <optional>
#include <string>
#include <vector>

namespace adl {

struct DeviceMatch {
    std::string path;
    std::vector<base::PhysRange> registers; // `reg` entries as written (not page-aligned)
    struct Interrupt {
        uint32_t id = 0; // GIC interrupt ID
        bool level = true;
    };
    std::vector<Interrupt> interrupts;
    std::vector<std::string> compatible; // its `compatible` strings, most specific first
    std::vector<std::string> warnings;
};

class DeviceTree {
public:
    // Reads a DTB file; throws adl::Error located at 'used_at' when unreadable.
    static DeviceTree load(const std::string& path, const SourceLocation& used_at);
    explicit DeviceTree(std::vector<char> blob, std::string name);

    // Evaluates one query dict: the node it selects, or none (upstream's fdtQueryEngine
    // gives `{}` then); a malformed query is an adl::Error quoting it.
    [[nodiscard]] std::optional<DeviceMatch> query(const Value& entry) const;
    // Why 'entry' selects nothing, quoting it, with the node it most likely meant.
    [[nodiscard]] std::string no_match(const Value& entry) const;
    [[nodiscard]] const std::string& name() const { return name_; }
    // The first node whose first register block starts at `base` (CPU address, through
    // the buses' ranges), or none: what a board record's device address is in this DTB.
    [[nodiscard]] std::optional<DeviceMatch> device_at(base::PhysAddr base) const;

private:
    [[nodiscard]] int find_by_path(const std::string& regex, const Value& entry) const;
    [[nodiscard]] int find_by_properties(const Value& properties, const Value* path,
                                         const Value& entry) const;
    [[nodiscard]] int resolve_path_or_alias(std::string target, const Value& entry) const;
    [[nodiscard]] DeviceMatch describe(int node) const;
    void decode_interrupts(int node, DeviceMatch& match) const;
    [[nodiscard]] std::string path_of(int node) const;
    [[nodiscard]] std::string suggest_node(const std::string& query) const;

    std::vector<char> blob_;
    std::string name_;
};

} // namespace adl
