// What a transport (virtio-mmio, virtio-pci) needs of a virtio device model, and what the
// model tells the transport, so device types and transports combine freely.
#pragma once

#include <virtio/virtqueue.hpp>

#include <cstdint>

namespace virtio {

// Device status bits (virtio spec 2.1).
inline constexpr uint32_t kStatusAcknowledge = 1;
inline constexpr uint32_t kStatusDriver = 2;
inline constexpr uint32_t kStatusDriverOk = 4;
inline constexpr uint32_t kStatusFeaturesOk = 8;
inline constexpr uint32_t kStatusNeedsReset = 64;
inline constexpr uint32_t kStatusFailed = 128;

// The transport's side: interrupts and the device's state changes.
class DeviceEvents {
public:
    // Used buffers were added to `queue` and the driver wants to hear of it.
    virtual void used_buffers(unsigned queue) = 0;
    // The configuration space changed (config_generation() moved on).
    virtual void config_changed() = 0;
    // `queue` broke a rule: the transport sets DEVICE_NEEDS_RESET and logs `error`.
    virtual void needs_reset(unsigned queue, QueueError error) = 0;

protected:
    ~DeviceEvents() = default;
};

class DeviceModel {
public:
    [[nodiscard]] virtual uint32_t device_id() const = 0;
    [[nodiscard]] virtual uint64_t device_features() const = 0;
    // The driver's choice (FEATURES_OK): false when it is no subset of device_features()
    // or lacks something the device requires (VIRTIO_F_VERSION_1).
    [[nodiscard]] virtual bool set_driver_features(uint64_t features) = 0;
    [[nodiscard]] virtual unsigned num_queues() const = 0;
    [[nodiscard]] virtual uint16_t max_queue_size(unsigned queue) const = 0;
    // Starts `queue` at the driver's addresses (QUEUE_READY); the indirect and event-idx
    // flags come from the negotiated features. Not None: the driver gave a bad layout.
    [[nodiscard]] virtual QueueError start_queue(unsigned queue, GuestPhysAddr desc,
                                                 GuestPhysAddr avail, GuestPhysAddr used,
                                                 uint16_t size) = 0;
    // QUEUE_READY cleared: the queue stops (the driver tears it down).
    virtual void stop_queue(unsigned queue) = 0;
    // The driver notified `queue` (a kick).
    virtual void queue_notify(unsigned queue) = 0;
    // DRIVER_OK was set: the device may use its queues.
    virtual void driver_ok() = 0;
    // Device-specific configuration space, little-endian, 1/2/4-byte accesses; false for
    // an offset or size outside it.
    [[nodiscard]] virtual bool read_config(uint32_t offset, unsigned size,
                                           uint32_t& value) const = 0;
    [[nodiscard]] virtual bool write_config(uint32_t offset, unsigned size, uint32_t value) = 0;
    [[nodiscard]] virtual uint32_t config_generation() const = 0;
    // Status 0 written (or a guest reset): queues stopped, features forgotten.
    virtual void reset() = 0;

protected:
    ~DeviceModel() = default;
};

} // namespace virtio
