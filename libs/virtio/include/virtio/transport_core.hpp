// What every virtio transport keeps the same way whatever its registers look like
// (virtio-mmio's window, virtio-pci's common configuration): device status and its rules
// (reset by writing 0, FEATURES_OK refused for features the device lacks, DRIVER_OK
// starting the device, NEEDS_RESET the device's own), the feature pages, the selected
// queue's size, addresses and ready bit, kicks, and the interrupt status behind the
// transport's one interrupt line.
#pragma once

#include <virtio/device.hpp>
#include <vmm/log.hpp>

#include <array>
#include <cstdint>
#include <string_view>

namespace virtio {

inline constexpr uint32_t kInterruptUsedBuffer = 1;
inline constexpr uint32_t kInterruptConfigChange = 2;

// Told after every register write the guest makes (the VMM device moves data its backend
// holds: a reply waiting for a receive buffer, say).
class TransportListener {
public:
    virtual void guest_wrote() = 0;

protected:
    ~TransportListener() = default;
};

class TransportCore : public DeviceEvents {
public:
    static constexpr unsigned kMaxQueues = 8;

    struct QueueRegs {
        uint16_t num = 0;
        uint64_t desc = 0;
        uint64_t driver = 0;
        uint64_t device = 0;
        bool ready = false;
    };

    // `name` appears in log lines.
    TransportCore(std::string_view name, vmm::LogSink& log)
        : name_(name), log_(log, "virtio driver errors") {}
    void attach(DeviceModel& model) { model_ = &model; }
    [[nodiscard]] DeviceModel* model() const { return model_; }
    [[nodiscard]] std::string_view name() const { return name_; }
    void set_listener(TransportListener* listener) { listener_ = listener; }

    // Feature pages (32 bits each, chosen by the select registers).
    uint32_t device_features_sel = 0;
    uint32_t driver_features_sel = 0;
    [[nodiscard]] uint32_t device_features_page() const;
    [[nodiscard]] uint32_t driver_features_page() const;
    void write_driver_features_page(uint32_t value); // ignored once FEATURES_OK is set

    // The selected queue: nullptr when QueueSel names none of the model's queues.
    uint32_t queue_sel = 0;
    [[nodiscard]] QueueRegs* selected();
    [[nodiscard]] const QueueRegs* selected() const;
    // Size and addresses are taken while the queue is not ready (spec 4.1.4.3, 4.2.3.2).
    [[nodiscard]] QueueRegs* configurable();
    void set_queue_ready(bool ready);
    // A kick of `queue`: reaches the model only on a live device for a ready queue; a kick
    // of a queue that is not there or not ready is logged (rate-limited) and dropped.
    void notify(uint32_t queue);

    [[nodiscard]] uint32_t status() const { return status_; }
    void write_status(uint32_t value); // 0 resets
    [[nodiscard]] uint32_t interrupt_status() const { return interrupt_status_; }
    void acknowledge(uint32_t bits);
    // Device reset (status 0 written, or the guest reset).
    void reset();

    // A driver's mistake that does not break the device, logged rate-limited.
    void driver_error(std::string_view what, uint64_t value);

    // DeviceEvents.
    void used_buffers(unsigned queue) override;
    void config_changed() override;
    void needs_reset(unsigned queue, QueueError error) override;

protected:
    ~TransportCore() = default;
    // The transport calls this after each register write.
    void wrote() {
        if (listener_ != nullptr) listener_->guest_wrote();
    }
    // The transport's interrupt line follows interrupt_status() != 0.
    virtual void set_line(bool high) = 0;

private:
    void raise(uint32_t bits);

    std::string_view name_;
    vmm::GuestEventLimit log_;
    DeviceModel* model_ = nullptr;
    TransportListener* listener_ = nullptr;
    uint32_t status_ = 0;
    uint32_t interrupt_status_ = 0;
    uint64_t driver_features_ = 0;
    std::array<QueueRegs, kMaxQueues> queues_{};
};

} // namespace virtio
