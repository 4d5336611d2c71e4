// Guest DTB construction over libfdt (the platform DTB is copied into the output
// buffer and edited in place: nodes deleted, properties set, then packed).
#include <vmm/guest_dtb.hpp>

#include <arch/gic_compatibles.hpp>

extern "C" {
#include <libfdt.h>
}

#include <cstdint>
#include <cstring>

namespace vmm {
namespace {

constexpr const char* kTimerCompatibles[] = {"arm,armv8-timer", "arm,armv7-timer"};
// Written into the guest's /psci, newest first; a platform node with any of them is dropped.
constexpr const char* kPsciCompatibles[] = {"arm,psci-1.0", "arm,psci-0.2", "arm,psci"};

DtbError from_libfdt(int err) {
    if (err == -FDT_ERR_NOSPACE) return DtbError::NoSpace;
    return err < 0 ? DtbError::Libfdt : DtbError::Ok;
}

bool name_is(const void* fdt, int node, std::string_view name) {
    int len = 0;
    const char* n = fdt_get_name(fdt, node, &len);
    return n != nullptr && std::string_view(n, static_cast<std::size_t>(len)) == name;
}

bool compatible_with(const void* fdt, int node, std::span<const char* const> list) {
    for (const char* c : list) {
        if (fdt_node_check_compatible(fdt, node, c) == 0) return true;
    }
    return false;
}

int gic_node(const void* fdt);
bool is_gic(const void* fdt, int node);

// Does a `clocks` property of a passed-through node name this node's phandle?
bool clock_of_passthrough(const void* fdt, int node, const GuestDtbConfig& config) {
    const uint32_t phandle = fdt_get_phandle(fdt, node);
    if (phandle == 0 || fdt_getprop(fdt, node, "#clock-cells", nullptr) == nullptr) return false;
    for (std::string_view path : config.passthrough) {
        const int dev = fdt_path_offset_namelen(fdt, path.data(), static_cast<int>(path.size()));
        int len = 0;
        const auto* cells =
            static_cast<const fdt32_t*>(dev < 0 ? nullptr : fdt_getprop(fdt, dev, "clocks", &len));
        for (int i = 0; cells != nullptr && i < len / 4; ++i) {
            if (fdt32_to_cpu(cells[i]) == phandle) return true;
        }
    }
    return false;
}

bool at_path(const void* fdt, int node, std::string_view path) {
    return fdt_path_offset_namelen(fdt, path.data(), static_cast<int>(path.size())) == node;
}

bool is_passthrough(const void* fdt, int node, const GuestDtbConfig& config) {
    for (std::string_view path : config.passthrough) {
        if (at_path(fdt, node, path)) return true;
    }
    return false;
}

// A kept node (plat_keep_devices*), with or without its subtree.
const KeptNode* kept_node(const void* fdt, int node, const GuestDtbConfig& config) {
    for (const KeptNode& k : config.keep) {
        if (at_path(fdt, node, k.path)) return &k;
    }
    return nullptr;
}

// Stays with everything below it: a passed-through device or a node kept with its subtree.
bool kept_whole(const void* fdt, int node, const GuestDtbConfig& config) {
    const KeptNode* k = kept_node(fdt, node, config);
    return is_passthrough(fdt, node, config) || (k != nullptr && k->subtree);
}

// Is `node` a bus on the way to `path` (ZynqMP's /axi holds its UARTs and its GIC)?
bool leads_to(const void* fdt, int node, std::string_view path) {
    char own[256];
    if (fdt_get_path(fdt, node, own, sizeof own) != 0) return false;
    const std::string_view prefix(own);
    return path.size() > prefix.size() + 1 && path.substr(0, prefix.size()) == prefix &&
           path[prefix.size()] == '/';
}

bool leads_to_kept(const void* fdt, int node, std::string_view gic_path,
                   const GuestDtbConfig& config) {
    if (leads_to(fdt, node, gic_path)) return true;
    for (std::string_view path : config.passthrough) {
        if (leads_to(fdt, node, path)) return true;
    }
    for (const KeptNode& k : config.keep) {
        if (leads_to(fdt, node, k.path)) return true;
    }
    return false;
}

// Memory and psci nodes are written anew below, whatever the keep lists ask.
bool written_here(const void* fdt, int node) {
    const char* type = static_cast<const char*>(fdt_getprop(fdt, node, "device_type", nullptr));
    return (type != nullptr && std::string_view(type) == "memory") ||
           compatible_with(fdt, node, kPsciCompatibles);
}

bool keep_root_child(const void* fdt, int node, std::string_view gic_path,
                     const GuestDtbConfig& config) {
    if (written_here(fdt, node)) return false;
    if (is_gic(fdt, node) || name_is(fdt, node, "chosen") || name_is(fdt, node, "aliases") ||
        name_is(fdt, node, "cpus")) {
        return true;
    }
    // The guest drives the virtual timer itself; memory and psci are rewritten below.
    return compatible_with(fdt, node, kTimerCompatibles) || is_passthrough(fdt, node, config) ||
           kept_node(fdt, node, config) != nullptr || clock_of_passthrough(fdt, node, config) ||
           leads_to_kept(fdt, node, gic_path, config);
}

// Deletes the children of `parent` that `drop` selects, in one pass: deleting a node moves
// the nodes after it, not `parent` or the siblings before it, so the scan goes on from the
// last sibling kept. (Starting over after each deletion, with the GIC looked up for every
// child, made the guest's DTB cost 20 million instructions at each boot.)
template <class Pred> int delete_children(void* fdt, int parent, Pred drop) {
    int kept = -1; // the last child kept, or none yet
    int child = fdt_first_subnode(fdt, parent);
    while (child >= 0) {
        if (!drop(child)) {
            kept = child;
            child = fdt_next_subnode(fdt, child);
            continue;
        }
        if (const int err = fdt_del_node(fdt, child); err < 0) return err;
        child = kept < 0 ? fdt_first_subnode(fdt, parent) : fdt_next_subnode(fdt, kept);
    }
    return child == -FDT_ERR_NOTFOUND ? 0 : child;
}

// Writes `values` as cells of the given width (1 or 2) into buf; returns the byte count.
std::size_t put_cells(fdt32_t* buf, uint64_t value, int cells) {
    if (cells == 2) {
        buf[0] = cpu_to_fdt32(static_cast<uint32_t>(value >> 32));
        buf[1] = cpu_to_fdt32(static_cast<uint32_t>(value));
        return 8;
    }
    buf[0] = cpu_to_fdt32(static_cast<uint32_t>(value));
    return 4;
}

int set_reg(void* fdt, int node, std::span<const base::GuestPhysRange> ranges, int ac, int sc) {
    fdt32_t cells[16];
    std::size_t bytes = 0;
    for (const base::GuestPhysRange& r : ranges) {
        bytes += put_cells(cells + bytes / 4, r.base.raw(), ac);
        bytes += put_cells(cells + bytes / 4, r.size, sc);
    }
    return fdt_setprop(fdt, node, "reg", cells, static_cast<int>(bytes));
}

uint64_t read_cells(const fdt32_t* c, int n) {
    uint64_t v = 0;
    for (int i = 0; i < n; ++i)
        v = v << 32 | fdt32_to_cpu(c[i]);
    return v;
}

// `cpu` as the buses above `node` number it: each bus's `ranges` undone from the root down
// (the Pi 4's /soc puts its GIC at 0x40041000 for the CPU's 0xff841000).
uint64_t bus_address(const void* fdt, int node, uint64_t cpu) {
    const int depth = fdt_node_depth(fdt, node);
    for (int d = 1; d < depth; ++d) {
        const int bus = fdt_supernode_atdepth_offset(fdt, node, d, nullptr);
        int len = 0;
        const auto* r = static_cast<const fdt32_t*>(fdt_getprop(fdt, bus, "ranges", &len));
        if (r == nullptr || len <= 0) continue; // no ranges, or `ranges;`: the same numbers
        const int cac = fdt_address_cells(fdt, bus);
        const int csc = fdt_size_cells(fdt, bus);
        const int pac = fdt_address_cells(fdt, fdt_parent_offset(fdt, bus));
        const int step = cac + pac + csc;
        for (int i = 0; step > 0 && i + step <= len / 4; i += step) {
            const uint64_t child = read_cells(r + i, cac);
            const uint64_t parent = read_cells(r + i + cac, pac);
            const uint64_t size = read_cells(r + i + cac + pac, csc);
            if (cpu >= parent && cpu - parent < size) {
                cpu = child + (cpu - parent);
                break;
            }
        }
    }
    return cpu;
}

int rewrite_gic(void* fdt, int gic, const GuestDtbConfig& config, int ac, int sc) {
    // The guest sees a plain GICv2: its GICD and its GICC (backed by GICV); or a plain
    // GICv3: its GICD and one redistributor region sized for its vCPUs (config.gicc).
    // Without GICH/GICV regions and the maintenance interrupt it does not try to be a
    // hypervisor; without the children (GICv2m, ITS) it finds no MSI controller.
    // Written as the GIC's bus numbers them.
    const base::GuestPhysRange regs[] = {
        {base::GuestPhysAddr{bus_address(fdt, gic, config.gicd.base.raw())}, config.gicd.size},
        {base::GuestPhysAddr{bus_address(fdt, gic, config.gicc.base.raw())}, config.gicc.size}};
    if (const int err = set_reg(fdt, gic, regs, ac, sc); err < 0) return err;
    if (fdt_getprop(fdt, gic, "interrupts", nullptr) != nullptr) {
        if (const int err = fdt_delprop(fdt, gic, "interrupts"); err < 0) return err;
    }
    return delete_children(fdt, gic,
                           [&](int child) { return !is_passthrough(fdt, child, config); });
}

// "<name>@<hex>" into out (NUL-terminated); false if it does not fit.
bool node_name(std::string_view name, uint64_t unit_address, std::span<char> out) {
    std::size_t n = 0;
    const auto put = [&](char c) {
        if (n + 1 < out.size()) out[n] = c;
        ++n;
    };
    for (const char c : name)
        put(c);
    put('@');
    int shift = 60;
    while (shift > 0 && ((unit_address >> shift) & 0xf) == 0)
        shift -= 4;
    for (; shift >= 0; shift -= 4)
        put("0123456789abcdef"[(unit_address >> shift) & 0xf]);
    if (n >= out.size()) return false;
    out[n] = '\0';
    return true;
}

int write_memory(void* fdt, const GuestDtbConfig& config, int ac, int sc) {
    char name[32];
    if (!node_name("memory", config.ram.base.raw(), name)) return -FDT_ERR_BADVALUE;
    const int node = fdt_add_subnode(fdt, 0, name);
    if (node < 0) return node;
    if (const int err = fdt_setprop_string(fdt, node, "device_type", "memory"); err < 0) {
        return err;
    }
    const base::GuestPhysRange regs[] = {config.ram};
    return set_reg(fdt, node, regs, ac, sc);
}

int write_psci(void* fdt, const GuestDtbConfig& config) {
    const int node = fdt_add_subnode(fdt, 0, "psci");
    if (node < 0) return node;
    for (const char* c : kPsciCompatibles) {
        if (const int err = fdt_appendprop_string(fdt, node, "compatible", c); err < 0) return err;
    }
    return fdt_setprop_string(fdt, node, "method", config.psci == PsciConduit::Hvc ? "hvc" : "smc");
}

int write_chosen(void* fdt, const GuestDtbConfig& config) {
    int node = fdt_path_offset(fdt, "/chosen");
    if (node < 0) node = fdt_add_subnode(fdt, 0, "chosen");
    if (node < 0) return node;
    int err = fdt_setprop(fdt, node, "bootargs", config.bootargs.data(),
                          static_cast<int>(config.bootargs.size()));
    // Properties are NUL-terminated strings: set the text, then append the terminator.
    if (err == 0) err = fdt_appendprop(fdt, node, "bootargs", "", 1);
    if (err == 0 && !config.stdout_path.empty()) {
        err = fdt_setprop(fdt, node, "stdout-path", config.stdout_path.data(),
                          static_cast<int>(config.stdout_path.size()));
        if (err == 0) err = fdt_appendprop(fdt, node, "stdout-path", "", 1);
    }
    // The platform DTB was dumped at build time: its seeds would be the same on every
    // boot, which defeats KASLR, and Linux credits rng-seed as entropy. No seed is
    // better than a constant one; a fresh rng-seed comes from the config.
    for (const char* prop : {"linux,initrd-start", "linux,initrd-end", "kaslr-seed", "rng-seed"}) {
        if (err == 0 && fdt_getprop(fdt, node, prop, nullptr) != nullptr) {
            err = fdt_delprop(fdt, node, prop);
        }
    }
    if (err == 0 && !config.rng_seed.empty()) {
        err = fdt_setprop(fdt, node, "rng-seed", config.rng_seed.data(),
                          static_cast<int>(config.rng_seed.size()));
    }
    if (err == 0 && config.initrd) {
        err = fdt_setprop_u64(fdt, node, "linux,initrd-start", config.initrd->base.raw());
        if (err == 0)
            err = fdt_setprop_u64(fdt, node, "linux,initrd-end", config.initrd->end().raw());
    }
    return err;
}

// Drops aliases that name nodes the guest no longer has.
int prune_aliases(void* fdt) {
    const int aliases = fdt_path_offset(fdt, "/aliases");
    if (aliases < 0) return 0;
    for (;;) {
        const char* stale = nullptr;
        int prop = 0;
        fdt_for_each_property_offset(prop, fdt, aliases) {
            const char* name = nullptr;
            int len = 0;
            const auto* value =
                static_cast<const char*>(fdt_getprop_by_offset(fdt, prop, &name, &len));
            if (value != nullptr && len > 0 && value[len - 1] == '\0' &&
                fdt_path_offset(fdt, value) < 0) {
                stale = name;
                break;
            }
        }
        if (stale == nullptr) return 0;
        if (const int err = fdt_delprop(fdt, aliases, stale); err < 0) return err;
    }
}

// Keeps cpu nodes whose reg (MPIDR affinity) is below num_vcpus; the topology map goes.
int prune_cpus(void* fdt, unsigned num_vcpus) {
    const int cpus = fdt_path_offset(fdt, "/cpus");
    if (cpus < 0) return 0;
    return delete_children(fdt, cpus, [&](int child) {
        if (name_is(fdt, child, "cpu-map")) return true;
        int len = 0;
        const auto* reg = static_cast<const fdt32_t*>(fdt_getprop(fdt, child, "reg", &len));
        if (reg == nullptr || len < 4) return false;
        return fdt32_to_cpu(reg[len / 4 - 1]) >= num_vcpus;
    });
}

int gic_node(const void* fdt) {
    // Any version's GIC node (arm::kGicCompatibles, the list the tool checks boards with).
    for (const arm::GicCompatibles& version : arm::kGicCompatibles) {
        for (std::string_view c : version.compatible) {
            if (c.empty()) continue;
            const int node = fdt_node_offset_by_compatible(fdt, -1, c.data());
            if (node >= 0) return node;
        }
    }
    return -1;
}

// A GIC node, as gic_node() finds one, without a search of the whole tree.
bool is_gic(const void* fdt, int node) {
    for (const arm::GicCompatibles& version : arm::kGicCompatibles) {
        for (std::string_view c : version.compatible) {
            if (!c.empty() && fdt_node_check_compatible(fdt, node, c.data()) == 0) return true;
        }
    }
    return false;
}

// Inside a bus kept for a passed-through device, a kept node or the GIC, only what leads
// to them (and the clocks they name) stays; so it does below a node kept without its
// subtree.
int prune_buses(void* fdt, std::string_view gic_path, const GuestDtbConfig& config) {
    const auto keep = [&](int child) {
        return is_gic(fdt, child) || is_passthrough(fdt, child, config) ||
               kept_node(fdt, child, config) != nullptr ||
               clock_of_passthrough(fdt, child, config) ||
               leads_to_kept(fdt, child, gic_path, config);
    };
    for (int node = fdt_next_node(fdt, 0, nullptr); node >= 0;
         node = fdt_next_node(fdt, node, nullptr)) {
        const bool node_only = kept_node(fdt, node, config) != nullptr &&
                               !kept_whole(fdt, node, config) && !is_gic(fdt, node);
        if (kept_whole(fdt, node, config) ||
            (!node_only && !leads_to_kept(fdt, node, gic_path, config))) {
            continue;
        }
        // Deleting children of `node` leaves its own offset where it was.
        if (const int err = delete_children(fdt, node, [&](int c) { return !keep(c); }); err < 0)
            return err;
    }
    return 0;
}

} // namespace

const char* to_string(DtbError error) {
    switch (error) {
    case DtbError::Ok:
        return "ok";
    case DtbError::BadPlatformDtb:
        return "platform DTB is not a valid flattened device tree";
    case DtbError::NoSpace:
        return "guest DTB buffer too small";
    case DtbError::NoGic:
        return "platform DTB has no GIC node";
    case DtbError::MissingDevice:
        return "a passthrough device is not in the platform DTB";
    case DtbError::Libfdt:
        return "libfdt error";
    case DtbError::DeviceNode:
        return "a device could not add its node";
    }
    return "?";
}

bool dtb_has_node(std::span<const std::byte> dtb, std::string_view path) {
    if (dtb.size() < sizeof(fdt_header) || fdt_check_header(dtb.data()) != 0 ||
        fdt_totalsize(dtb.data()) > dtb.size()) {
        return false;
    }
    return fdt_path_offset_namelen(dtb.data(), path.data(), static_cast<int>(path.size())) >= 0;
}

DtbError build_guest_dtb(std::span<const std::byte> platform_dtb, const GuestDtbConfig& config,
                         std::span<std::byte> out, std::size_t& size) {
    const void* platform = platform_dtb.data();
    if (platform_dtb.size() < sizeof(fdt_header) || fdt_check_header(platform) != 0 ||
        fdt_totalsize(platform) > platform_dtb.size()) {
        return DtbError::BadPlatformDtb;
    }
    // QEMU pads its DTB to 1 MiB; libfdt would want all of that as room, so copy just
    // the blocks in use and let fdt_open_into lay them out inside the output buffer.
    std::size_t used = fdt_off_dt_strings(platform) + fdt_size_dt_strings(platform);
    const std::size_t struct_end = fdt_off_dt_struct(platform) + fdt_size_dt_struct(platform);
    if (struct_end > used) used = struct_end;
    if (used > fdt_totalsize(platform)) return DtbError::BadPlatformDtb;
    if (used > out.size()) return DtbError::NoSpace;
    void* fdt = out.data();
    std::memmove(fdt, platform, used);
    fdt_set_totalsize(fdt, static_cast<uint32_t>(used));
    if (const int err = fdt_open_into(fdt, fdt, static_cast<int>(out.size())); err < 0) {
        return err == -FDT_ERR_NOSPACE ? DtbError::NoSpace : DtbError::BadPlatformDtb;
    }
    for (std::string_view path : config.passthrough) {
        if (fdt_path_offset_namelen(fdt, path.data(), static_cast<int>(path.size())) < 0) {
            return DtbError::MissingDevice;
        }
    }
    const int ac = fdt_address_cells(fdt, 0);
    const int sc = fdt_size_cells(fdt, 0);
    if (ac < 1 || ac > 2 || sc < 1 || sc > 2) return DtbError::BadPlatformDtb;

    // The GIC's path, taken before any deletion, so buses holding it stay.
    char gic_path[256] = "";
    if (const int g = gic_node(fdt); g >= 0) (void)fdt_get_path(fdt, g, gic_path, sizeof gic_path);
    int err = delete_children(
        fdt, 0, [&](int child) { return !keep_root_child(fdt, child, gic_path, config); });
    if (err == 0) err = prune_buses(fdt, gic_path, config);
    const int gic = gic_node(fdt);
    if (err == 0 && gic < 0) return DtbError::NoGic;
    if (err == 0) {
        // The GIC's reg is in its parent's cells (a bus may hold it).
        const int bus = fdt_parent_offset(fdt, gic);
        err = rewrite_gic(fdt, gic, config, bus > 0 ? fdt_address_cells(fdt, bus) : ac,
                          bus > 0 ? fdt_size_cells(fdt, bus) : sc);
    }
    if (err == 0) err = prune_cpus(fdt, config.num_vcpus);
    if (err == 0) err = write_memory(fdt, config, ac, sc);
    if (err == 0) err = write_psci(fdt, config);
    if (err == 0) err = write_chosen(fdt, config);
    if (err == 0) err = prune_aliases(fdt);
    if (err == 0 && config.devices != nullptr) {
        GuestDtbWriter writer(fdt, ac, sc, fdt_get_phandle(fdt, gic_node(fdt)));
        if (!config.devices->add_nodes(writer)) {
            return writer.error() == -FDT_ERR_NOSPACE ? DtbError::NoSpace : DtbError::DeviceNode;
        }
    }
    if (err == 0) err = fdt_pack(fdt);
    if (err < 0) return from_libfdt(err);
    size = fdt_totalsize(fdt);
    return DtbError::Ok;
}

bool GuestDtbWriter::check(int err) {
    if (err < 0) error_ = err;
    return err >= 0;
}

int GuestDtbWriter::add_node(std::string_view name, uint64_t unit_address) {
    char full[64];
    if (!node_name(name, unit_address, full)) {
        error_ = -FDT_ERR_BADVALUE;
        return error_;
    }
    const int node = fdt_add_subnode(fdt_, 0, full);
    check(node);
    return node;
}

bool GuestDtbWriter::set_string(int node, const char* property, std::string_view value) {
    // Properties are NUL-terminated strings: the text, then the terminator.
    return check(fdt_setprop(fdt_, node, property, value.data(), static_cast<int>(value.size()))) &&
           check(fdt_appendprop(fdt_, node, property, "", 1));
}

bool GuestDtbWriter::set_u32(int node, const char* property, uint32_t value) {
    return check(fdt_setprop_u32(fdt_, node, property, value));
}

bool GuestDtbWriter::set_empty(int node, const char* property) {
    return check(fdt_setprop_empty(fdt_, node, property));
}

bool GuestDtbWriter::set_reg(int node, base::GuestPhysRange range) {
    const base::GuestPhysRange regs[] = {range};
    return check(::vmm::set_reg(fdt_, node, regs, address_cells_, size_cells_));
}

bool GuestDtbWriter::set_spi(int node, unsigned spi, bool level_triggered) {
    // GIC binding: <type (0 = SPI), number - 32, flags (4 = level high, 1 = edge rising)>.
    if (spi < 32 || spi > 1019) {
        error_ = -FDT_ERR_BADVALUE;
        return false;
    }
    const fdt32_t cells[] = {cpu_to_fdt32(0), cpu_to_fdt32(spi - 32),
                             cpu_to_fdt32(level_triggered ? 4 : 1)};
    if (!check(fdt_setprop(fdt_, node, "interrupts", cells, sizeof cells))) return false;
    return gic_phandle_ == 0 || set_u32(node, "interrupt-parent", gic_phandle_);
}

bool GuestDtbWriter::set_cells(int node, const char* property, std::span<const uint32_t> cells) {
    fdt32_t be[64];
    if (cells.size() > std::size(be)) {
        error_ = -FDT_ERR_BADVALUE;
        return false;
    }
    for (std::size_t i = 0; i < cells.size(); ++i)
        be[i] = cpu_to_fdt32(cells[i]);
    return check(fdt_setprop(fdt_, node, property, be, static_cast<int>(cells.size() * 4)));
}

std::size_t GuestDtbWriter::spi_map_cells(unsigned spi, bool level_triggered,
                                          std::span<uint32_t> out) {
    const int gic = gic_phandle_ == 0 ? -1 : fdt_node_offset_by_phandle(fdt_, gic_phandle_);
    if (gic < 0 || spi < 32 || spi > 1019) {
        error_ = -FDT_ERR_BADVALUE;
        return 0;
    }
    const auto cells_of = [&](const char* name, uint32_t fallback) {
        int len = 0;
        const auto* p = static_cast<const fdt32_t*>(fdt_getprop(fdt_, gic, name, &len));
        return p != nullptr && len == 4 ? fdt32_to_cpu(*p) : fallback;
    };
    const uint32_t address = cells_of("#address-cells", 0);
    const uint32_t specifier = cells_of("#interrupt-cells", 3);
    // GIC bindings (v2 and v3): <type (0 = SPI) number-32 flags [ppi partition]>.
    if (specifier < 3 || 1 + address + specifier > out.size()) {
        error_ = -FDT_ERR_BADVALUE;
        return 0;
    }
    std::size_t n = 0;
    out[n++] = gic_phandle_;
    for (uint32_t i = 0; i < address; ++i)
        out[n++] = 0;
    out[n++] = 0;
    out[n++] = spi - 32;
    out[n++] = level_triggered ? 4 : 1;
    for (uint32_t i = 3; i < specifier; ++i)
        out[n++] = 0;
    return n;
}

} // namespace vmm
