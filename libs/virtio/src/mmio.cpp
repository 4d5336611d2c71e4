// The virtio-mmio (version 2) register window in front of a DeviceModel.
#include <virtio/mmio.hpp>

namespace virtio {

using namespace mmio;

namespace {

uint32_t low(uint64_t v) {
    return static_cast<uint32_t>(v);
}
uint32_t high(uint64_t v) {
    return static_cast<uint32_t>(v >> 32);
}
void set_low(uint64_t& v, uint32_t part) {
    v = (v & ~uint64_t{0xffffffff}) | part;
}
void set_high(uint64_t& v, uint32_t part) {
    v = (v & 0xffffffff) | (uint64_t{part} << 32);
}

} // namespace

uint64_t* VirtioMmio::queue_address(QueueRegs& q, uint32_t offset) {
    // Each address is a Low register and its High one 4 bytes on.
    switch (offset & ~uint32_t{4}) {
    case kQueueDescLow:
        return &q.desc;
    case kQueueDriverLow:
        return &q.driver;
    case kQueueDeviceLow:
        return &q.device;
    default:
        return nullptr;
    }
}

bool VirtioMmio::queue_selected() const {
    return model_ != nullptr && queue_sel_ < model_->num_queues() && queue_sel_ < kMaxQueues;
}

bool VirtioMmio::read(uint64_t offset, unsigned size, unsigned vcpu, uint64_t& value) {
    (void)vcpu;
    if (model_ == nullptr || offset >= kWindowSize) return false;
    if (offset >= kConfig) {
        uint32_t v = 0;
        if (!model_->read_config(static_cast<uint32_t>(offset - kConfig), size, v)) return false;
        value = v;
        return true;
    }
    if (size != 4 || offset % 4 != 0) return false;
    value = read_register(static_cast<uint32_t>(offset));
    return true;
}

bool VirtioMmio::write(uint64_t offset, unsigned size, unsigned vcpu, uint64_t value) {
    (void)vcpu;
    if (model_ == nullptr || offset >= kWindowSize) return false;
    if (offset >= kConfig) {
        return model_->write_config(static_cast<uint32_t>(offset - kConfig), size,
                                    static_cast<uint32_t>(value));
    }
    if (size != 4 || offset % 4 != 0) return false;
    write_register(static_cast<uint32_t>(offset), static_cast<uint32_t>(value));
    return true;
}

uint32_t VirtioMmio::read_register(uint32_t offset) const {
    const QueueRegs* q = queue_selected() ? &queues_[queue_sel_] : nullptr;
    switch (offset) {
    case kMagicValue:
        return kMagic;
    case kVersion:
        return kVersion2;
    case kDeviceId:
        return model_->device_id();
    case kVendorId:
        return kVendor;
    case kDeviceFeatures:
        if (device_features_sel_ > 1) return 0;
        return device_features_sel_ == 0 ? low(model_->device_features())
                                         : high(model_->device_features());
    case kQueueNumMax:
        return q != nullptr ? model_->max_queue_size(queue_sel_) : 0;
    case kQueueReady:
        return q != nullptr && q->ready ? 1 : 0;
    case kInterruptStatus:
        return interrupt_status_;
    case kStatus:
        return status_;
    // No shared memory regions: every one reads as length -1 (spec 4.2.2).
    case kShmLenLow:
    case kShmLenHigh:
    case kShmBaseLow:
    case kShmBaseHigh:
        return 0xffffffff;
    case kConfigGeneration:
        return model_->config_generation();
    default:
        return 0; // write-only and reserved registers
    }
}

void VirtioMmio::write_register(uint32_t offset, uint32_t value) {
    QueueRegs* q = queue_selected() ? &queues_[queue_sel_] : nullptr;
    switch (offset) {
    case kDeviceFeaturesSel:
        device_features_sel_ = value;
        break;
    case kDriverFeaturesSel:
        driver_features_sel_ = value;
        break;
    case kDriverFeatures:
        // Features are fixed once FEATURES_OK is set.
        if ((status_ & kStatusFeaturesOk) != 0) break;
        if (driver_features_sel_ == 0) set_low(driver_features_, value);
        if (driver_features_sel_ == 1) set_high(driver_features_, value);
        break;
    case kQueueSel:
        queue_sel_ = value;
        break;
    case kQueueNotify:
        // Only kicks for queues that exist, on a live device, reach the model.
        if ((status_ & kStatusDriverOk) != 0 && (status_ & kStatusNeedsReset) == 0 &&
            value < model_->num_queues()) {
            model_->queue_notify(value);
        }
        break;
    case kInterruptAck:
        interrupt_status_ &= ~value;
        irq_.set_level(interrupt_status_ != 0);
        break;
    case kStatus:
        write_status(value);
        break;
    case kQueueReady:
        if (q != nullptr) set_queue_ready(value != 0);
        break;
    default:
        // Queue size and addresses are taken while the queue is not ready (spec 4.2.3.2);
        // read-only and reserved registers ignore writes.
        if (q == nullptr || q->ready) break;
        if (offset == kQueueNum) {
            q->num = static_cast<uint16_t>(value > 0xffff ? 0 : value);
        } else if (uint64_t* address = queue_address(*q, offset); address != nullptr) {
            if ((offset & 4) != 0) {
                set_high(*address, value);
            } else {
                set_low(*address, value);
            }
        }
        break;
    }
}

void VirtioMmio::set_queue_ready(bool ready) {
    QueueRegs& q = queues_[queue_sel_];
    if (!ready) {
        model_->stop_queue(queue_sel_);
        q.ready = false;
        return;
    }
    if (q.ready) return;
    const QueueError error = model_->start_queue(
        queue_sel_, GuestPhysAddr(q.desc), GuestPhysAddr(q.driver), GuestPhysAddr(q.device), q.num);
    if (error != QueueError::None) {
        needs_reset(queue_sel_, error);
        return;
    }
    q.ready = true;
}

void VirtioMmio::write_status(uint32_t value) {
    if (value == 0) {
        reset();
        return;
    }
    // NEEDS_RESET is the device's to set; only a reset clears it.
    value = (value & ~kStatusNeedsReset) | (status_ & kStatusNeedsReset);
    if ((value & kStatusFeaturesOk) != 0 && (status_ & kStatusFeaturesOk) == 0 &&
        !model_->set_driver_features(driver_features_)) {
        value &= ~kStatusFeaturesOk; // the driver reads it back and gives up
    }
    const bool now_ok = (value & kStatusDriverOk) != 0 && (status_ & kStatusDriverOk) == 0;
    status_ = value;
    if (now_ok && (status_ & kStatusFeaturesOk) != 0) model_->driver_ok();
}

void VirtioMmio::reset() {
    if (model_ != nullptr) model_->reset();
    status_ = 0;
    interrupt_status_ = 0;
    device_features_sel_ = driver_features_sel_ = queue_sel_ = 0;
    driver_features_ = 0;
    queues_ = {};
    irq_.set_level(false);
}

void VirtioMmio::raise(uint32_t bits) {
    interrupt_status_ |= bits;
    irq_.set_level(true);
}

void VirtioMmio::used_buffers(unsigned queue) {
    (void)queue;
    raise(kInterruptUsedBuffer);
}

void VirtioMmio::config_changed() {
    if ((status_ & kStatusDriverOk) != 0) raise(kInterruptConfigChange);
}

void VirtioMmio::needs_reset(unsigned queue, QueueError error) {
    if ((status_ & kStatusNeedsReset) == 0 && log_.admit()) {
        vmm::LogLine line;
        line << "vmm: " << name_ << ": queue " << vmm::Dec{queue} << ": " << to_string(error)
             << ": device needs reset";
        line.emit(log_.sink());
    }
    status_ |= kStatusNeedsReset;
    // The driver learns of NEEDS_RESET through a configuration change (spec 2.1.2).
    raise(kInterruptConfigChange);
}

} // namespace virtio
