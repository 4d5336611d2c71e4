// The virtio-pci transport, modern (virtio spec 4.1, "virtio 1.x" only): a PCI function
// (vendor 0x1af4, device 0x1040 + device ID, revision 1) whose vendor capabilities point
// into one 32-bit memory BAR at the common configuration, the notification area, the ISR
// status byte and the device's configuration space, plus the PCI configuration access
// capability. Interrupts are INTx (the ISR byte says why); no MSI-X. Any DeviceModel
// works behind it, as behind virtio-mmio.
#pragma once

#include <virtio/transport_core.hpp>
#include <vmm/pci_function.hpp>

#include <cstdint>
#include <string_view>

namespace virtio {

namespace pci {
inline constexpr uint16_t kVendor = 0x1af4;
inline constexpr uint16_t kDeviceBase = 0x1040; // modern: 0x1040 + virtio device ID
// cfg_type of a virtio_pci_cap (spec 4.1.4).
inline constexpr uint8_t kCapCommon = 1;
inline constexpr uint8_t kCapNotify = 2;
inline constexpr uint8_t kCapIsr = 3;
inline constexpr uint8_t kCapDevice = 4;
inline constexpr uint8_t kCapPciCfg = 5;

// BAR 0, 16 KiB: one 4 KiB page per structure, so a guest maps each on its own.
inline constexpr unsigned kBar = 0;
inline constexpr uint32_t kBarSize = 0x4000;
inline constexpr uint32_t kCommonOffset = 0x0000;
inline constexpr uint32_t kCommonSize = 0x40; // virtio_pci_common_cfg with the 1.2 fields
inline constexpr uint32_t kIsrOffset = 0x1000;
inline constexpr uint32_t kDeviceOffset = 0x2000;
inline constexpr uint32_t kDeviceSize = 0x1000;
inline constexpr uint32_t kNotifyOffset = 0x3000;
inline constexpr uint32_t kNotifyMultiplier = 4; // queue n is kicked at kNotifyOffset + 4 n

// virtio_pci_common_cfg (spec 4.1.4.3): offsets in the common structure.
inline constexpr uint32_t kDeviceFeatureSelect = 0x00; // le32
inline constexpr uint32_t kDeviceFeature = 0x04;       // le32, RO
inline constexpr uint32_t kDriverFeatureSelect = 0x08; // le32
inline constexpr uint32_t kDriverFeature = 0x0c;       // le32
inline constexpr uint32_t kConfigMsixVector = 0x10;    // le16
inline constexpr uint32_t kNumQueues = 0x12;           // le16, RO
inline constexpr uint32_t kDeviceStatus = 0x14;        // u8
inline constexpr uint32_t kConfigGeneration = 0x15;    // u8, RO
inline constexpr uint32_t kQueueSelect = 0x16;         // le16
inline constexpr uint32_t kQueueSize = 0x18;           // le16
inline constexpr uint32_t kQueueMsixVector = 0x1a;     // le16
inline constexpr uint32_t kQueueEnable = 0x1c;         // le16
inline constexpr uint32_t kQueueNotifyOff = 0x1e;      // le16, RO
inline constexpr uint32_t kQueueDesc = 0x20;           // le64
inline constexpr uint32_t kQueueDriver = 0x28;         // le64
inline constexpr uint32_t kQueueDevice = 0x30;         // le64
inline constexpr uint32_t kQueueNotifyData = 0x38;     // le16, RO
inline constexpr uint32_t kQueueReset = 0x3a;          // le16
inline constexpr uint16_t kNoVector = 0xffff;
} // namespace pci

class VirtioPci final : public vmm::PciEndpoint, public TransportCore {
public:
    // `device_id`: the virtio device ID of the model attach()ed before the guest runs (it
    // sets the PCI device ID and class).
    VirtioPci(std::string_view name, uint32_t device_id, vmm::LogSink& log);

    [[nodiscard]] vmm::PciFunction& function() { return function_; }

    // vmm::PciEndpoint: BAR 0's structures, and the configuration access capability.
    [[nodiscard]] bool bar_read(unsigned bar, uint64_t offset, unsigned size,
                                uint64_t& value) override;
    [[nodiscard]] bool bar_write(unsigned bar, uint64_t offset, unsigned size,
                                 uint64_t value) override;
    [[nodiscard]] bool capability_read(uint32_t offset, unsigned size, uint32_t& value) override;
    void capability_written(uint32_t offset, unsigned size, uint32_t value) override;

private:
    void set_line(bool high) override { function_.set_intx(high); }
    [[nodiscard]] bool write_bar(unsigned bar, uint64_t offset, unsigned size, uint64_t value);
    [[nodiscard]] bool read_common(uint32_t offset, unsigned size, uint64_t& value);
    [[nodiscard]] bool write_common(uint32_t offset, unsigned size, uint64_t value);
    void add_capabilities();
    // The configuration access capability's window: bar, offset, length as the driver set.
    [[nodiscard]] bool cfg_window(unsigned& bar, uint32_t& offset, unsigned& length) const;

    vmm::PciFunction function_;
    uint32_t pci_cfg_ = 0; // offset of the configuration access capability
};

} // namespace virtio
