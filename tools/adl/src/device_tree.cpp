// dtb() query evaluation with libfdt (see device_tree.hpp).
#include "adl/device_tree.hpp"

#include "adl/diagnostic.hpp"
#include "adl/nearest_name.hpp"

#include <cctype>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <regex>

#include <re2/re2.h>

extern "C" {
#include <libfdt.h>
}

namespace adl {

namespace {
uint32_t cell(const void* p, size_t index) {
    return fdt32_to_cpu(static_cast<const fdt32_t*>(p)[index]);
}

uint64_t cells(const void* p, size_t index, int count) {
    uint64_t v = 0;
    for (int i = 0; i < count; ++i) {
        v = (v << 32) | cell(p, index + static_cast<size_t>(i));
    }
    return v;
}

} // namespace

DeviceTree DeviceTree::load(const std::string& path, const SourceLocation& used_at) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw Error(used_at, "cannot read the platform DTB " + quote(path) +
                                 "; expected a device tree blob for dtb() queries");
    }
    std::vector<char> blob((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    DeviceTree tree(std::move(blob), path);
    if (tree.blob_.size() < sizeof(fdt_header) || fdt_check_header(tree.blob_.data()) != 0 ||
        fdt_totalsize(tree.blob_.data()) > tree.blob_.size()) {
        throw Error(used_at, "the platform DTB " + quote(path) +
                                 " is not a valid device tree blob; expected a .dtb file");
    }
    return tree;
}

DeviceTree::DeviceTree(std::vector<char> blob, std::string name)
    : blob_(std::move(blob)), name_(std::move(name)) {}

std::string DeviceTree::path_of(int node) const {
    char buf[1024];
    if (fdt_get_path(blob_.data(), node, buf, sizeof buf) != 0) {
        return "?";
    }
    return buf;
}

namespace {

// Where a quantifier (`*`, `+`, `?`, `{m,n}`, each maybe followed by the lazy `?`) follows
// another, or npos. Python's re, which upstream's dtb queries go through, refuses that
// ("multiple repeat" at its offset), and so does the tool, at the same place.
size_t multiple_repeat_at(const std::string& re) {
    bool after_quantifier = false;
    for (size_t i = 0; i < re.size(); ++i) {
        const char c = re[i];
        const bool quantifier = c == '*' || c == '+' || c == '?' || c == '{';
        if (quantifier && after_quantifier) return i;
        if (c == '{') {
            const size_t close = re.find('}', i);
            if (close != std::string::npos) i = close;
        } else if (c == '\\') {
            ++i; // an escaped character is a literal
        } else if (c == '[') {
            const size_t close = re.find(']', i + 2); // `[]...]` has a literal ]
            i = close == std::string::npos ? re.size() : close;
        }
        after_quantifier = quantifier;
        if (quantifier && i + 1 < re.size() && re[i + 1] == '?') ++i; // lazy: one quantifier
    }
    return std::string::npos;
}

// A dtb query's path pattern, case-insensitive, searched for in each node's path (as
// upstream's Python re.search). RE2 runs in time linear in the path whatever the pattern:
// std::regex backtracked, and a pattern such as `(/.*)*x` took it exponential time (the
// tool's fuzzer found one). What RE2 lacks of Python's syntax (backreferences, lookaround)
// is refused with RE2's reason.
std::unique_ptr<const re2::RE2> path_regex(const std::string& pattern, const Value& where) {
    const auto bad = [&](const std::string& why) {
        return Error(where.where, "bad regular expression " + quote(pattern) + " in dtb query (" +
                                      why + "); expected a valid path pattern");
    };
    if (const size_t at = multiple_repeat_at(pattern); at != std::string::npos)
        throw bad("multiple repeat at offset " + std::to_string(at));
    re2::RE2::Options options;
    options.set_case_sensitive(false);
    options.set_log_errors(false);
    auto re = std::make_unique<const re2::RE2>(pattern, options);
    if (!re->ok()) throw bad(re->error());
    return re;
}

bool path_matches(const std::string& path, const re2::RE2& re) {
    return re2::RE2::PartialMatch(path, re);
}

} // namespace

int DeviceTree::find_by_path(const std::string& regex, const Value& entry) const {
    const auto re = path_regex(regex, entry);
    const void* fdt = blob_.data();
    for (int node = fdt_next_node(fdt, -1, nullptr); node >= 0;
         node = fdt_next_node(fdt, node, nullptr)) {
        if (path_matches(path_of(node), *re)) {
            return node;
        }
    }
    return -1;
}

int DeviceTree::find_by_properties(const Value& properties, const Value* path,
                                   const Value& entry) const {
    if (properties.kind != Value::Kind::Dict || properties.items.empty()) {
        throw Error(properties.where, "dtb query \"properties\" must be a non-empty dict such as "
                                      "{\"compatible[0]\": \"...\"}, found " +
                                          quote(properties.to_adl()));
    }
    std::unique_ptr<const re2::RE2> path_re;
    if (path) {
        if (path->kind != Value::Kind::String) {
            throw Error(path->where,
                        "dtb query \"path\" must be a string, found " + quote(path->to_adl()));
        }
        path_re = path_regex(path->string, *path);
    }
    struct Condition {
        std::string property;
        std::optional<int> index;
        const Value* expected;
    };
    std::vector<Condition> conditions;
    for (size_t i = 0; i < properties.keys.size(); ++i) {
        static const std::regex indexed(R"(([^\[\]]+)(\[([0-9]{1,4})\])?)");
        std::smatch m;
        const std::string& key = properties.keys[i];
        if (!std::regex_match(key, m, indexed)) {
            throw Error(properties.items[i].where,
                        "bad property selector " + quote(key) +
                            " in dtb query; expected 'name' or 'name[index]'");
        }
        const Value& v = properties.items[i];
        if (v.kind != Value::Kind::String && v.kind != Value::Kind::Integer) {
            throw Error(v.where, "property " + quote(key) + " in dtb query compares with " +
                                     quote(v.to_adl()) + "; expected a string or an integer");
        }
        conditions.push_back(
            {m[1].str(), m[3].matched ? std::optional<int>(std::stoi(m[3].str())) : std::nullopt,
             &v});
    }
    const void* fdt = blob_.data();
    for (int node = fdt_next_node(fdt, -1, nullptr); node >= 0;
         node = fdt_next_node(fdt, node, nullptr)) {
        if (path_re && !path_matches(path_of(node), *path_re)) {
            continue;
        }
        bool all = true;
        for (const auto& c : conditions) {
            int len = 0;
            const void* prop = fdt_getprop(fdt, node, c.property.c_str(), &len);
            if (!prop) {
                all = false;
                break;
            }
            int index = c.index.value_or(0);
            if (c.expected->kind == Value::Kind::String) {
                int slen = 0;
                const char* s = fdt_stringlist_get(fdt, node, c.property.c_str(), index, &slen);
                all = s && std::string(s, static_cast<size_t>(slen)) == c.expected->string;
            } else {
                all = (index + 1) * 4 <= len && cell(prop, static_cast<size_t>(index)) ==
                                                    static_cast<uint32_t>(c.expected->integer);
            }
            if (!all) {
                break;
            }
        }
        if (all) {
            return node;
        }
    }
    (void)entry;
    return -1;
}

// "serial0:115200n8" and "&label" style targets: strip options, follow aliases.
int DeviceTree::resolve_path_or_alias(std::string target, const Value& entry) const {
    (void)entry;
    target = target.substr(0, target.find(':'));
    if (target.empty()) {
        return -1;
    }
    const void* fdt = blob_.data();
    if (target[0] != '/') {
        const char* aliased = fdt_get_alias(fdt, target.c_str());
        if (!aliased) {
            return -1;
        }
        target = aliased;
    }
    return fdt_path_offset(fdt, target.c_str());
}

void DeviceTree::decode_interrupts(int node, DeviceMatch& match) const {
    const void* fdt = blob_.data();
    auto controller_of = [&](int n) -> int {
        for (int at = n; at >= 0; at = fdt_parent_offset(fdt, at)) {
            int len = 0;
            const void* p = fdt_getprop(fdt, at, "interrupt-parent", &len);
            if (p && len >= 4) {
                return fdt_node_offset_by_phandle(fdt, cell(p, 0));
            }
        }
        return -1;
    };
    auto interrupt_cells = [&](int controller) -> int {
        int len = 0;
        const void* p = fdt_getprop(fdt, controller, "#interrupt-cells", &len);
        return p && len >= 4 ? static_cast<int>(cell(p, 0)) : -1;
    };
    auto add = [&](int controller, const void* spec, size_t at, int count) {
        if (count != 3) {
            match.warnings.push_back(match.path + ": interrupt via " + path_of(controller) +
                                     " has " + std::to_string(count) +
                                     " cells, not the GIC's 3; it is not routed to the guest");
            return;
        }
        uint32_t type = cell(spec, at), number = cell(spec, at + 1), flags = cell(spec, at + 2);
        if (type > 1) {
            match.warnings.push_back(match.path + ": interrupt type " + std::to_string(type) +
                                     " is neither SPI (0) nor PPI (1); not routed");
            return;
        }
        match.interrupts.push_back(
            {number + (type == 0 ? 32u : 16u), (flags & 0xc) != 0 || (flags & 0xf) == 0});
    };

    int len = 0;
    if (const void* ext = fdt_getprop(fdt, node, "interrupts-extended", &len)) {
        size_t n = static_cast<size_t>(len) / 4;
        for (size_t at = 0; at < n;) {
            int controller = fdt_node_offset_by_phandle(fdt, cell(ext, at));
            int count = controller >= 0 ? interrupt_cells(controller) : -1;
            if (count < 0 || at + 1 + static_cast<size_t>(count) > n) {
                match.warnings.push_back(match.path + ": malformed interrupts-extended; ignored");
                return;
            }
            add(controller, ext, at + 1, count);
            at += 1 + static_cast<size_t>(count);
        }
        return;
    }
    const void* spec = fdt_getprop(fdt, node, "interrupts", &len);
    if (!spec) {
        return;
    }
    int controller = controller_of(node);
    int count = controller >= 0 ? interrupt_cells(controller) : -1;
    if (count <= 0) {
        match.warnings.push_back(match.path +
                                 ": interrupts without an interrupt controller; ignored");
        return;
    }
    size_t n = static_cast<size_t>(len) / 4;
    for (size_t at = 0; at + static_cast<size_t>(count) <= n; at += static_cast<size_t>(count)) {
        add(controller, spec, at, count);
    }
}

DeviceMatch DeviceTree::describe(int node) const {
    const void* fdt = blob_.data();
    DeviceMatch match;
    match.path = path_of(node);
    int len = 0;
    const void* reg = fdt_getprop(fdt, node, "reg", &len);
    int parent = fdt_parent_offset(fdt, node);
    if (reg && parent >= 0) {
        int ac = fdt_address_cells(fdt, parent), sc = fdt_size_cells(fdt, parent);
        if (ac < 1 || ac > 2 || sc < 0 || sc > 2) {
            match.warnings.push_back(match.path +
                                     ": unsupported #address-cells/#size-cells; reg ignored");
        } else if (sc > 0) {
            size_t stride = static_cast<size_t>(ac) + static_cast<size_t>(sc);
            size_t n = static_cast<size_t>(len) / 4;
            for (size_t at = 0; at + stride <= n; at += stride) {
                uint64_t addr = cells(reg, at, ac),
                         size = cells(reg, at + static_cast<size_t>(ac), sc);
                // Translate through the `ranges` of every bus above the node.
                bool mapped = true;
                for (int child = parent; mapped && child >= 0 && fdt_parent_offset(fdt, child) >= 0;
                     child = fdt_parent_offset(fdt, child)) {
                    int rlen = 0;
                    const void* ranges = fdt_getprop(fdt, child, "ranges", &rlen);
                    if (!ranges || rlen == 0) {
                        continue; // absent: treated as identity; empty: identity
                    }
                    int grand = fdt_parent_offset(fdt, child);
                    int cac = fdt_address_cells(fdt, child), pac = fdt_address_cells(fdt, grand),
                        csc = fdt_size_cells(fdt, child);
                    if (cac < 1 || cac > 2 || pac < 1 || pac > 2 || csc < 1 || csc > 2) {
                        break;
                    }
                    size_t rstride = static_cast<size_t>(cac) + static_cast<size_t>(pac) +
                                     static_cast<size_t>(csc);
                    mapped = false;
                    for (size_t r = 0; r + rstride <= static_cast<size_t>(rlen) / 4; r += rstride) {
                        uint64_t cbase = cells(ranges, r, cac);
                        uint64_t pbase = cells(ranges, r + static_cast<size_t>(cac), pac);
                        uint64_t rsize = cells(ranges, r + static_cast<size_t>(cac + pac), csc);
                        if (addr >= cbase && addr - cbase < rsize) {
                            addr = addr - cbase + pbase;
                            mapped = true;
                            break;
                        }
                    }
                }
                if (!mapped) {
                    match.warnings.push_back(match.path +
                                             ": reg outside its bus's ranges; ignored");
                    continue;
                }
                if (size > 0) {
                    match.registers.push_back({base::PhysAddr(addr), size});
                }
            }
        }
    }
    decode_interrupts(node, match);
    int clen = 0;
    const char* compatible = static_cast<const char*>(fdt_getprop(fdt, node, "compatible", &clen));
    for (int at = 0; compatible != nullptr && at < clen;) {
        const std::string one(compatible + at,
                              strnlen(compatible + at, static_cast<size_t>(clen - at)));
        match.compatible.push_back(one);
        at += static_cast<int>(one.size()) + 1;
    }
    return match;
}

std::optional<DeviceMatch> DeviceTree::device_at(base::PhysAddr base) const {
    const void* fdt = blob_.data();
    for (int node = fdt_next_node(fdt, -1, nullptr); node >= 0;
         node = fdt_next_node(fdt, node, nullptr)) {
        if (fdt_getprop(fdt, node, "reg", nullptr) == nullptr) continue;
        DeviceMatch match = describe(node);
        if (!match.registers.empty() && match.registers.front().base == base) return match;
    }
    return std::nullopt;
}

// The node a path query most likely meant: the query's unit address without leading zeros
// ("@02073000" is written "@2073000" in the tree), else a node whose `reg` starts at that
// address (a node moved under a bus), else the path nearest by edit distance.
std::string DeviceTree::suggest_node(const std::string& query) const {
    const void* fdt = blob_.data();
    std::vector<std::string> paths;
    for (int node = fdt_next_node(fdt, -1, nullptr); node >= 0;
         node = fdt_next_node(fdt, node, nullptr)) {
        paths.push_back(path_of(node));
    }
    const auto lower = [](std::string s) {
        for (auto& c : s) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        return s;
    };
    const std::string q = lower(query);
    const size_t at = q.rfind('@');
    if (at != std::string::npos) {
        size_t digits = at + 1;
        while (digits + 1 < q.size() && q[digits] == '0' && std::isxdigit(q[digits + 1]) != 0) {
            ++digits;
        }
        const std::string stripped = q.substr(0, at + 1) + q.substr(digits);
        for (const auto& p : paths) {
            if (lower(p).find(stripped) != std::string::npos) {
                return p;
            }
        }
        const std::string unit = q.substr(digits);
        if (!unit.empty() && unit.size() <= 16 &&
            unit.find_first_not_of("0123456789abcdef") == std::string::npos) {
            const uint64_t address = std::stoull(unit, nullptr, 16);
            int index = 0;
            for (int node = fdt_next_node(fdt, -1, nullptr); node >= 0;
                 node = fdt_next_node(fdt, node, nullptr), ++index) {
                for (const auto& r : describe(node).registers) {
                    if (r.base.raw() == address) {
                        return paths[static_cast<size_t>(index)];
                    }
                }
            }
        }
    }
    std::vector<std::string_view> candidates(paths.begin(), paths.end());
    return nearest_name(query, candidates);
}

std::optional<DeviceMatch> DeviceTree::query(const Value& entry) const {
    static const char* keys[] = {"path", "properties", "aliases", "chosen"};
    for (const auto& k : entry.keys) {
        if (std::find(std::begin(keys), std::end(keys), k) == std::end(keys)) {
            throw Error(entry.where,
                        "unknown dtb query key " + quote(k) + " in " + quote(entry.to_adl()) +
                            "; expected \"path\", \"properties\", \"aliases\" or \"chosen\"");
        }
    }
    const Value* path = entry.field("path");
    const Value* properties = entry.field("properties");
    const Value* aliases = entry.field("aliases");
    const Value* chosen = entry.field("chosen");
    int node = -1;
    auto need_string = [](const Value* v, const char* key) {
        if (v->kind != Value::Kind::String) {
            throw Error(v->where, std::string("dtb query \"") + key +
                                      "\" must be a string, found " + quote(v->to_adl()));
        }
    };
    if (properties) {
        node = find_by_properties(*properties, path, entry);
    } else if (path) {
        need_string(path, "path");
        node = find_by_path(path->string, entry);
    } else if (aliases) {
        need_string(aliases, "aliases");
        node = resolve_path_or_alias(aliases->string, entry);
        if (aliases->string.find('/') != std::string::npos) {
            node = -1;
        }
    } else if (chosen) {
        need_string(chosen, "chosen");
        int len = 0;
        int chosen_node = fdt_path_offset(blob_.data(), "/chosen");
        const char* target =
            chosen_node >= 0 ? static_cast<const char*>(fdt_getprop(blob_.data(), chosen_node,
                                                                    chosen->string.c_str(), &len))
                             : nullptr;
        if (target && len > 0) {
            node = resolve_path_or_alias(
                std::string(target, strnlen(target, static_cast<size_t>(len))), entry);
        }
    } else {
        throw Error(entry.where,
                    "empty dtb query " + quote(entry.to_adl()) +
                        "; expected \"path\", \"properties\", \"aliases\" or \"chosen\"");
    }
    if (node < 0) {
        return std::nullopt;
    }
    return describe(node);
}

std::string DeviceTree::no_match(const Value& entry) const {
    const Value* path = entry.field("path");
    const std::string near =
        path && path->kind == Value::Kind::String ? suggest_node(path->string) : "";
    return "dtb query " + quote(entry.to_adl()) + " matches no node of " + quote(name_) +
           (near.empty() ? "." : "; did you mean " + quote(near) + "?");
}

} // namespace adl
