// The guest's virtual PCI host bridge (upstream's vpci), a `pci-host-ecam-generic`: bus 0's
// ECAM configuration space and a 32-bit memory window for the functions' BARs, both taken
// from one guest-physical range the VM's configuration gives (the PCI window), and INTA#
// of each function as its own level-triggered SPI through the vGIC (`interrupt-map`). The
// guest enumerates the bus and places the BARs itself (Linux does unless /chosen says
// `linux,pci-probe-only`); a BAR placed outside the memory window is logged and not decoded.
#pragma once

#include <base/address.hpp>
#include <vmm/guest_dtb.hpp>
#include <vmm/log.hpp>
#include <vmm/mmio_bus.hpp>
#include <vmm/pci_function.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace vmm {

class VgicDistributor;

class PciHost final : public MmioDevice {
public:
    static constexpr uint64_t kEcamSize = uint64_t{1}
                                          << 20; // bus 0: 32 devices x 8 functions x 4 KiB
    static constexpr uint64_t kMinMemorySize = uint64_t{64} << 10;
    static constexpr unsigned kMaxFunctions = 8;

    // `window`: ECAM first, the memory window after it (empty: no PCI in this VM).
    PciHost(base::GuestPhysRange window, MmioBus& bus, VgicDistributor& vgic, LogSink& log);

    // Puts `function` in the next free slot (device 1, 2, ...) with INTA# on `spi`, and
    // registers ECAM and the memory window on the bus with the first one. Returns the
    // device number; nullopt (logged) when the VM has no PCI window or no slot is left.
    [[nodiscard]] std::optional<unsigned> add(std::string_view name, PciFunction& function,
                                              unsigned spi);

    // ECAM (vmm::MmioDevice): 1, 2 or 4-byte naturally aligned accesses; functions that do
    // not exist read as all ones and ignore writes.
    [[nodiscard]] bool read(uint64_t offset, unsigned size, unsigned vcpu,
                            uint64_t& value) override;
    [[nodiscard]] bool write(uint64_t offset, unsigned size, unsigned vcpu,
                             uint64_t value) override;

    // The host bridge node (nothing while no function is on the bus).
    [[nodiscard]] bool add_dtb_node(GuestDtbWriter& dtb) const;
    // Guest reset: every function's header back to power-on (BARs unassigned).
    void reset();

    [[nodiscard]] base::GuestPhysRange ecam() const { return {window_.base, kEcamSize}; }
    [[nodiscard]] base::GuestPhysRange memory() const;
    [[nodiscard]] std::size_t size() const { return count_; }

private:
    struct Slot final : PciInterruptRoute {
        void set_level(bool high) override;
        std::string_view name;
        PciFunction* function = nullptr;
        VgicDistributor* vgic = nullptr;
        unsigned spi = 0;
    };
    // The BARs' memory window: an access goes to the BAR that holds all of it.
    class MemoryWindow final : public MmioDevice {
    public:
        explicit MemoryWindow(PciHost& host) : host_(host) {}
        [[nodiscard]] bool read(uint64_t offset, unsigned size, unsigned vcpu,
                                uint64_t& value) override;
        [[nodiscard]] bool write(uint64_t offset, unsigned size, unsigned vcpu,
                                 uint64_t value) override;

    private:
        PciHost& host_;
    };
    struct Target {
        PciFunction* function;
        unsigned bar;
        uint64_t offset;
    };
    [[nodiscard]] std::optional<Target> find_bar(uint64_t address, unsigned size) const;
    [[nodiscard]] Slot* function_at(uint64_t offset);
    void check_bars(const Slot& slot);

    base::GuestPhysRange window_;
    MmioBus& bus_;
    VgicDistributor& vgic_;
    LogSink& log_;
    GuestEventLimit bad_bars_;
    MemoryWindow memory_window_{*this};
    std::array<Slot, kMaxFunctions> slots_{};
    std::size_t count_ = 0;
};

} // namespace vmm
