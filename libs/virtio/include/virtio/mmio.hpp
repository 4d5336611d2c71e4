// The virtio-mmio transport, version 2 (virtio spec 4.2.2): the register window a guest
// driver programs (magic, IDs, feature pages, queue selection and addresses, notify,
// interrupt status/ack, device status, config generation and the device's configuration
// space at 0x100), in front of any DeviceModel, on the VMM's MMIO bus.
#pragma once

#include <virtio/device.hpp>
#include <virtio/transport_core.hpp>
#include <vmm/guest_dtb.hpp>
#include <vmm/log.hpp>
#include <vmm/mmio_bus.hpp>

#include <array>
#include <cstdint>
#include <string_view>

namespace virtio {

// The device's interrupt line (a level-triggered SPI through the vGIC on the VMM).
class IrqLine {
public:
    virtual void set_level(bool high) = 0;

protected:
    ~IrqLine() = default;
};

namespace mmio {
inline constexpr uint32_t kMagicValue = 0x000;
inline constexpr uint32_t kVersion = 0x004;
inline constexpr uint32_t kDeviceId = 0x008;
inline constexpr uint32_t kVendorId = 0x00c;
inline constexpr uint32_t kDeviceFeatures = 0x010;
inline constexpr uint32_t kDeviceFeaturesSel = 0x014;
inline constexpr uint32_t kDriverFeatures = 0x020;
inline constexpr uint32_t kDriverFeaturesSel = 0x024;
inline constexpr uint32_t kQueueSel = 0x030;
inline constexpr uint32_t kQueueNumMax = 0x034;
inline constexpr uint32_t kQueueNum = 0x038;
inline constexpr uint32_t kQueueReady = 0x044;
inline constexpr uint32_t kQueueNotify = 0x050;
inline constexpr uint32_t kInterruptStatus = 0x060;
inline constexpr uint32_t kInterruptAck = 0x064;
inline constexpr uint32_t kStatus = 0x070;
inline constexpr uint32_t kQueueDescLow = 0x080;
inline constexpr uint32_t kQueueDescHigh = 0x084;
inline constexpr uint32_t kQueueDriverLow = 0x090;
inline constexpr uint32_t kQueueDriverHigh = 0x094;
inline constexpr uint32_t kQueueDeviceLow = 0x0a0;
inline constexpr uint32_t kQueueDeviceHigh = 0x0a4;
inline constexpr uint32_t kShmSel = 0x0ac;
inline constexpr uint32_t kShmLenLow = 0x0b0;
inline constexpr uint32_t kShmLenHigh = 0x0b4;
inline constexpr uint32_t kShmBaseLow = 0x0b8;
inline constexpr uint32_t kShmBaseHigh = 0x0bc;
inline constexpr uint32_t kConfigGeneration = 0x0fc;
inline constexpr uint32_t kConfig = 0x100;

inline constexpr uint32_t kMagic = 0x74726976; // "virt"
inline constexpr uint32_t kVersion2 = 2;
inline constexpr uint32_t kVendor = 0x484b4c42; // "BLKH"
inline constexpr uint64_t kWindowSize = 0x200;

// The guest-DTB node of a virtio-mmio device: its window and its level-triggered SPI.
[[nodiscard]] bool add_dtb_node(vmm::GuestDtbWriter& dtb, GuestPhysRange window, unsigned spi);
} // namespace mmio

class VirtioMmio final : public vmm::MmioDevice, public TransportCore {
public:
    // `name` appears in log lines; attach() the device model before the guest runs.
    VirtioMmio(std::string_view name, IrqLine& irq, vmm::LogSink& log)
        : TransportCore(name, log), irq_(irq) {}

    // vmm::MmioDevice: registers are 32-bit, aligned; the configuration space takes 1, 2
    // and 4-byte accesses. Anything else is refused (the bus injects an abort).
    [[nodiscard]] bool read(uint64_t offset, unsigned size, unsigned vcpu,
                            uint64_t& value) override;
    [[nodiscard]] bool write(uint64_t offset, unsigned size, unsigned vcpu,
                             uint64_t value) override;

private:
    void set_line(bool high) override { irq_.set_level(high); }
    [[nodiscard]] uint32_t read_register(uint32_t offset) const;
    void write_register(uint32_t offset, uint32_t value);

    IrqLine& irq_;
};

} // namespace virtio
