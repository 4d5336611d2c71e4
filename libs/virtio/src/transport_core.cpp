// The driver-visible state and rules shared by the virtio transports.
#include <virtio/transport_core.hpp>

namespace virtio {

uint32_t TransportCore::device_features_page() const {
    if (model_ == nullptr || device_features_sel > 1) return 0;
    return static_cast<uint32_t>(model_->device_features() >> (32 * device_features_sel));
}

uint32_t TransportCore::driver_features_page() const {
    return driver_features_sel > 1
               ? 0
               : static_cast<uint32_t>(driver_features_ >> (32 * driver_features_sel));
}

void TransportCore::write_driver_features_page(uint32_t value) {
    // Features are fixed once FEATURES_OK is set.
    if ((status_ & kStatusFeaturesOk) != 0 || driver_features_sel > 1) return;
    const unsigned shift = 32 * driver_features_sel;
    driver_features_ = (driver_features_ & ~(uint64_t{0xffffffff} << shift)) | uint64_t{value}
                                                                                   << shift;
}

TransportCore::QueueRegs* TransportCore::selected() {
    const bool exists =
        model_ != nullptr && queue_sel < model_->num_queues() && queue_sel < kMaxQueues;
    return exists ? &queues_[queue_sel] : nullptr;
}

const TransportCore::QueueRegs* TransportCore::selected() const {
    return const_cast<TransportCore*>(this)->selected();
}

TransportCore::QueueRegs* TransportCore::configurable() {
    QueueRegs* q = selected();
    return q != nullptr && !q->ready ? q : nullptr;
}

void TransportCore::set_queue_ready(bool ready) {
    QueueRegs* q = selected();
    if (q == nullptr) return;
    if (!ready) {
        model_->stop_queue(queue_sel);
        q->ready = false;
        return;
    }
    if (q->ready) return;
    const QueueError error =
        model_->start_queue(queue_sel, GuestPhysAddr(q->desc), GuestPhysAddr(q->driver),
                            GuestPhysAddr(q->device), q->num);
    if (error != QueueError::None) {
        needs_reset(queue_sel, error);
        return;
    }
    q->ready = true;
}

void TransportCore::notify(uint32_t queue) {
    if (model_ == nullptr || (status_ & kStatusDriverOk) == 0 ||
        (status_ & kStatusNeedsReset) != 0) {
        return; // not live: nothing to kick
    }
    if (queue >= model_->num_queues() || queue >= kMaxQueues || !queues_[queue].ready) {
        driver_error("notify of a queue that is not enabled", queue);
        return;
    }
    model_->queue_notify(queue);
}

void TransportCore::write_status(uint32_t value) {
    if (value == 0) {
        reset();
        return;
    }
    if (model_ == nullptr) return;
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

void TransportCore::acknowledge(uint32_t bits) {
    interrupt_status_ &= ~bits;
    set_line(interrupt_status_ != 0);
}

void TransportCore::reset() {
    if (model_ != nullptr) model_->reset();
    status_ = 0;
    interrupt_status_ = 0;
    device_features_sel = driver_features_sel = queue_sel = 0;
    driver_features_ = 0;
    queues_ = {};
    set_line(false);
}

void TransportCore::driver_error(std::string_view what, uint64_t value) {
    if (!log_.admit()) return;
    vmm::LogLine line;
    line << "vmm: " << name_ << ": " << what << " (" << vmm::Hex{value} << "): ignored";
    line.emit(log_.sink());
}

void TransportCore::raise(uint32_t bits) {
    interrupt_status_ |= bits;
    set_line(true);
}

void TransportCore::used_buffers(unsigned queue) {
    (void)queue;
    raise(kInterruptUsedBuffer);
}

void TransportCore::config_changed() {
    if ((status_ & kStatusDriverOk) != 0) raise(kInterruptConfigChange);
}

void TransportCore::needs_reset(unsigned queue, QueueError error) {
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
