// One cross-VM link as the guest sees it: a PCI function whose BAR1 is the dataport the VM
// shares with a native component (its frames mapped at the BAR, no copy: the VMM moves a
// movable mapping wherever the guest places the BAR) and whose BAR0 holds a few
// registers: a doorbell that emits the VM's event, and the status and acknowledgement of
// the events it consumes, which drive INTA#. Linux's uio_pci_generic drives it unchanged
// (INTx masking through the command register, the BARs through sysfs).
#pragma once

#include <crossvm/registers.hpp>

#include <base/address.hpp>
#include <vmm/device.hpp>
#include <vmm/log.hpp>
#include <vmm/pci_function.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace crossvm {

struct LinkConfig {
    std::string_view name;             // the dataport's name (logs)
    uint64_t dataport_size = 0;        // bytes of shared frames
    uint32_t mapping_slot = 0;         // the movable mapping of those frames into the guest
    std::optional<uint32_t> emit_slot; // notification the doorbell signals
    bool consumes = false;             // events arrive (event())
};

// The BAR size that shows `bytes` of frames: a power of two of at least a page, and 0 when
// they are not whole pages or more than kMaxDataport.
[[nodiscard]] uint32_t dataport_bar_size(uint64_t bytes);

class CrossvmFunction final : public vmm::PciEndpoint {
public:
    // `port` moves the mapping and signals; `memory` is the PCI host's BAR window (a BAR
    // elsewhere is not backed). A dataport that fits no BAR is logged and left out.
    CrossvmFunction(const LinkConfig& config, vmm::BackendPort& port, base::GuestPhysRange memory,
                    vmm::LogSink& log);

    [[nodiscard]] vmm::PciFunction& function() { return function_; }
    [[nodiscard]] const LinkConfig& config() const { return config_; }
    // Where the frames are mapped in the guest now; nullopt: nowhere.
    [[nodiscard]] std::optional<uint64_t> placed() const { return placed_; }
    [[nodiscard]] bool dataport_shown() const { return function_.bar_size(kDataportBar) != 0; }

    // A consumed event arrived: status set, INTx raised until the guest acknowledges.
    void event();
    // Guest reset: no event pending, counters 0 (the header resets with the host bridge).
    void reset();

    // vmm::PciEndpoint
    [[nodiscard]] bool bar_read(unsigned bar, uint64_t offset, unsigned size,
                                uint64_t& value) override;
    [[nodiscard]] bool bar_write(unsigned bar, uint64_t offset, unsigned size,
                                 uint64_t value) override;
    void header_written() override;

private:
    void ring();
    void log_wild(const char* what, uint64_t offset, uint64_t value);

    LinkConfig config_;
    vmm::BackendPort& port_;
    base::GuestPhysRange memory_;
    vmm::LogSink& log_;
    vmm::PciFunction function_;
    std::optional<uint64_t> placed_;
    uint32_t status_ = 0;
    uint32_t emitted_ = 0;
    uint32_t received_ = 0;
    vmm::GuestEventLimit wild_;
    vmm::GuestEventLimit doorbells_;
    vmm::GuestEventLimit placements_;
};

} // namespace crossvm
