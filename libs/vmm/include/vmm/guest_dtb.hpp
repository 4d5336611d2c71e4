// The guest's device tree, made from the platform DTB with libfdt: memory = guest
// RAM, /chosen (bootargs, stdout-path, initrd range from the initrd's real size), only
// the passed-through devices kept, the GIC node showing the guest's view (emulated
// GICD + GICV as GICC), a psci node, at most the guest's vCPUs under /cpus, and the
// nodes of the VMM's emulated devices (GuestDtbHook, GuestDtbWriter).
#pragma once

#include <base/address.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace vmm {

enum class PsciConduit : uint8_t { Hvc, Smc };

// What a device may do to the guest DTB while it is built: add nodes under the root
// and set their properties. Each call returns false on a libfdt failure (the build
// then fails with NoSpace or DeviceNode).
class GuestDtbWriter {
public:
    GuestDtbWriter(void* fdt, int address_cells, int size_cells, uint32_t gic_phandle)
        : fdt_(fdt), address_cells_(address_cells), size_cells_(size_cells),
          gic_phandle_(gic_phandle) {}

    // Adds /<name>@<unit address in hex> and returns its offset (< 0: failed).
    [[nodiscard]] int add_node(std::string_view name, uint64_t unit_address);
    [[nodiscard]] bool set_string(int node, const char* property, std::string_view value);
    [[nodiscard]] bool set_u32(int node, const char* property, uint32_t value);
    [[nodiscard]] bool set_empty(int node, const char* property); // e.g. "dma-coherent"
    // reg = <base size> in the root's #address-cells / #size-cells.
    [[nodiscard]] bool set_reg(int node, base::GuestPhysRange range);
    // interrupts = <GIC_SPI (spi - 32) flags> (level-high or edge-rising), with the
    // GIC as interrupt-parent.
    [[nodiscard]] bool set_spi(int node, unsigned spi, bool level_triggered);
    // A property of 32-bit cells (big-endian in the blob), e.g. `ranges`, `interrupt-map`.
    [[nodiscard]] bool set_cells(int node, const char* property, std::span<const uint32_t> cells);
    // The interrupt parent's half of an `interrupt-map` entry for `spi`: the GIC's phandle,
    // its unit address (its #address-cells, zeros) and the specifier in its own
    // #interrupt-cells, read from the GIC node. Cells written to `out`; 0 if they do not fit.
    [[nodiscard]] std::size_t spi_map_cells(unsigned spi, bool level_triggered,
                                            std::span<uint32_t> out);
    [[nodiscard]] int address_cells() const { return address_cells_; }
    [[nodiscard]] int size_cells() const { return size_cells_; }

    // The libfdt blob itself, for anything the helpers above do not cover.
    [[nodiscard]] void* fdt() const { return fdt_; }
    [[nodiscard]] int error() const { return error_; } // the last libfdt error, or 0

private:
    bool check(int err);

    void* fdt_;
    int address_cells_;
    int size_cells_;
    uint32_t gic_phandle_;
    int error_ = 0;
};

// Called once while the guest DTB is built, after the platform's nodes were pruned.
class GuestDtbHook {
public:
    [[nodiscard]] virtual bool add_nodes(GuestDtbWriter& dtb) = 0;

protected:
    ~GuestDtbHook() = default;
};

// A node the guest keeps without being given a device (upstream's plat_keep_devices and
// plat_keep_devices_and_subtree): clocks, firmware, the PMU. Without `subtree` only the
// node itself stays (its children go unless kept themselves). A path the platform DTB
// lacks is skipped: the list was written for some DTB, not necessarily this one.
struct KeptNode {
    std::string_view path;
    bool subtree = false;
};

struct GuestDtbConfig {
    base::GuestPhysRange ram;
    std::string_view bootargs;
    std::string_view stdout_path;                  // e.g. "/pl011@9000000"
    std::optional<base::GuestPhysRange> initrd;    // loaded initrd: [start, end)
    std::span<const std::string_view> passthrough; // paths of device nodes the guest keeps
    std::span<const KeptNode> keep;                // more nodes kept (no device behind them)
    base::GuestPhysRange gicd;                     // emulated distributor
    base::GuestPhysRange gicc;                     // the guest's CPU interface (GICV)
    PsciConduit psci = PsciConduit::Hvc;
    unsigned num_vcpus = 1;
    GuestDtbHook* devices = nullptr; // adds the emulated devices' nodes
    // /chosen/rng-seed: fresh bytes for this boot (the kernel's Call::Entropy), or empty
    // for none. Never the platform DTB's: that was dumped once, at build time.
    std::span<const std::byte> rng_seed;
};

enum class DtbError : uint8_t {
    Ok,
    BadPlatformDtb, // fails libfdt's header/structure checks
    NoSpace,        // the output buffer is too small
    NoGic,          // the platform DTB has no GICv2 node
    MissingDevice,  // a passthrough path is not in the platform DTB
    Libfdt,         // any other libfdt failure
    DeviceNode,     // a device could not add its node (GuestDtbHook)
};
[[nodiscard]] const char* to_string(DtbError error);

// Whether `dtb` (a valid blob) has a node at `path`.
[[nodiscard]] bool dtb_has_node(std::span<const std::byte> dtb, std::string_view path);

// Writes the guest DTB into `out` and its size into `size`.
[[nodiscard]] DtbError build_guest_dtb(std::span<const std::byte> platform_dtb,
                                       const GuestDtbConfig& config, std::span<std::byte> out,
                                       std::size_t& size);

} // namespace vmm
