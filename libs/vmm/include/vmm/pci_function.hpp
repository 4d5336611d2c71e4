// The configuration space of one emulated conventional-PCI function with a type-0 header
// (PCI Local Bus 3.0, ch. 6): IDs and class, the command/status bits a guest driver uses,
// memory BARs the guest sizes and places itself, INTx pin/line, and a capability list.
// What the function does with accesses to its BARs and to its capabilities is its
// owner's (PciEndpoint): virtio-pci, for one.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace vmm {

namespace pci {
inline constexpr uint32_t kVendorId = 0x00;
inline constexpr uint32_t kDeviceId = 0x02;
inline constexpr uint32_t kCommand = 0x04;
inline constexpr uint32_t kStatus = 0x06;
inline constexpr uint32_t kRevision = 0x08;
inline constexpr uint32_t kClassCode = 0x09; // prog-if, subclass, class (3 bytes)
inline constexpr uint32_t kHeaderType = 0x0e;
inline constexpr uint32_t kBar0 = 0x10;
inline constexpr uint32_t kSubsystemVendorId = 0x2c;
inline constexpr uint32_t kSubsystemId = 0x2e;
inline constexpr uint32_t kRomAddress = 0x30;
inline constexpr uint32_t kCapabilitiesPointer = 0x34;
inline constexpr uint32_t kInterruptLine = 0x3c;
inline constexpr uint32_t kInterruptPin = 0x3d;
inline constexpr uint32_t kHeaderEnd = 0x40; // capabilities follow
inline constexpr uint32_t kConfigSize = 0x100;

inline constexpr uint16_t kCommandMemory = 1 << 1;
inline constexpr uint16_t kCommandMaster = 1 << 2;
inline constexpr uint16_t kCommandIntxDisable = 1 << 10;
inline constexpr uint16_t kStatusInterrupt = 1 << 3;
inline constexpr uint16_t kStatusCapabilities = 1 << 4;
inline constexpr uint8_t kCapVendor = 0x09; // vendor-specific capability ID
inline constexpr unsigned kNumBars = 6;
inline constexpr uint32_t kMinBarSize = 16;
} // namespace pci

// The function's owner: its BARs' registers and its capabilities' side effects.
class PciEndpoint {
public:
    // An access inside BAR `bar` at `offset` (size 1, 2, 4 or 8); false refuses it.
    [[nodiscard]] virtual bool bar_read(unsigned bar, uint64_t offset, unsigned size,
                                        uint64_t& value) = 0;
    [[nodiscard]] virtual bool bar_write(unsigned bar, uint64_t offset, unsigned size,
                                         uint64_t value) = 0;
    // Capability space (offset >= pci::kHeaderEnd): a read the owner answers itself (true),
    // and a write after it was stored in the function's bytes.
    [[nodiscard]] virtual bool capability_read(uint32_t offset, unsigned size, uint32_t& value) {
        (void)offset, (void)size, (void)value;
        return false;
    }
    virtual void capability_written(uint32_t offset, unsigned size, uint32_t value) {
        (void)offset, (void)size, (void)value;
    }
    // The header was written (command, BARs, ...) or the function reset: where its BARs
    // decode (PciFunction::bar_window) may have changed. For owners that map memory there.
    virtual void header_written() {}

protected:
    ~PciEndpoint() = default;
};

// Where the function's INTA# goes (the host bridge: an SPI through the vGIC).
class PciInterruptRoute {
public:
    virtual void set_level(bool high) = 0;

protected:
    ~PciInterruptRoute() = default;
};

struct PciIds {
    uint16_t vendor = 0;
    uint16_t device = 0;
    uint8_t revision = 0;
    uint32_t class_code = 0; // class << 16 | subclass << 8 | prog-if
    uint16_t subsystem_vendor = 0;
    uint16_t subsystem = 0;
};

class PciFunction {
public:
    PciFunction(const PciIds& ids, PciEndpoint& endpoint);

    // Declares BAR `bar` a 32-bit non-prefetchable memory BAR of `size` bytes (a power of
    // two, at least 16); false otherwise. Before the guest runs.
    [[nodiscard]] bool add_memory_bar(unsigned bar, uint32_t size);
    // Appends a capability with this ID and body (the bytes after ID and next pointer);
    // `writable` marks the body bytes the driver may change (same length, or empty: none).
    // Returns its offset in config space; nullopt when it does not fit.
    [[nodiscard]] std::optional<uint32_t> add_capability(uint8_t id, std::span<const uint8_t> body,
                                                         std::span<const uint8_t> writable = {});

    // Config-space accesses (ECAM): `offset` < 0x100, size 1, 2 or 4, naturally aligned
    // (the host checks). Reads of nothing are 0; read-only bits ignore writes.
    [[nodiscard]] uint32_t read(uint32_t offset, unsigned size);
    void write(uint32_t offset, unsigned size, uint32_t value);

    // Where BAR `bar` decodes now: its size and base when memory decoding is on and the
    // BAR is programmed; nullopt otherwise.
    struct BarWindow {
        uint64_t base;
        uint64_t size;
    };
    [[nodiscard]] std::optional<BarWindow> bar_window(unsigned bar) const;
    [[nodiscard]] uint32_t bar_size(unsigned bar) const {
        return bar < pci::kNumBars ? bar_sizes_[bar] : 0;
    }
    [[nodiscard]] uint16_t command() const { return get16(pci::kCommand); }

    // The INTx line as the function drives it (delivered through `route` unless the driver
    // set Interrupt Disable); the status register's Interrupt Status follows it.
    void set_intx(bool high);
    void route_intx(PciInterruptRoute* route) { route_ = route; }
    [[nodiscard]] bool intx_asserted() const;
    [[nodiscard]] PciEndpoint& endpoint() const { return endpoint_; }

    // Guest reset: command, BARs and interrupt line back to 0; capability bytes the
    // driver may write back to their initial values.
    void reset();

private:
    [[nodiscard]] uint16_t get16(uint32_t offset) const;
    void put16(uint32_t offset, uint16_t value);
    void write_byte(uint32_t offset, uint8_t value);

    PciEndpoint& endpoint_;
    std::array<uint8_t, pci::kConfigSize> bytes_{};
    std::array<uint8_t, pci::kConfigSize> initial_{};
    std::array<uint8_t, pci::kConfigSize> writable_{}; // per byte: bits the driver may set
    std::array<uint32_t, pci::kNumBars> bar_sizes_{};
    std::array<uint32_t, pci::kNumBars> bars_{}; // base as programmed (size-aligned)
    uint32_t next_cap_ = pci::kHeaderEnd;
    uint32_t last_cap_ = 0;
    bool intx_ = false;
    PciInterruptRoute* route_ = nullptr;
};

} // namespace vmm
