// The virtio-mmio (version 2) register window in front of a DeviceModel.
#include <virtio/mmio.hpp>

namespace virtio {

using namespace mmio;

namespace {

// Each queue address is a Low register and its High one 4 bytes on.
uint64_t* queue_address(TransportCore::QueueRegs& q, uint32_t offset) {
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

} // namespace

bool VirtioMmio::read(uint64_t offset, unsigned size, unsigned vcpu, uint64_t& value) {
    (void)vcpu;
    if (model() == nullptr || offset >= kWindowSize) return false;
    if (offset >= kConfig) {
        uint32_t v = 0;
        if (!model()->read_config(static_cast<uint32_t>(offset - kConfig), size, v)) return false;
        value = v;
        return true;
    }
    if (size != 4 || offset % 4 != 0) return false;
    value = read_register(static_cast<uint32_t>(offset));
    return true;
}

bool VirtioMmio::write(uint64_t offset, unsigned size, unsigned vcpu, uint64_t value) {
    (void)vcpu;
    if (model() == nullptr || offset >= kWindowSize) return false;
    if (offset >= kConfig) {
        const bool ok = model()->write_config(static_cast<uint32_t>(offset - kConfig), size,
                                              static_cast<uint32_t>(value));
        wrote();
        return ok;
    }
    if (size != 4 || offset % 4 != 0) return false;
    write_register(static_cast<uint32_t>(offset), static_cast<uint32_t>(value));
    wrote();
    return true;
}

uint32_t VirtioMmio::read_register(uint32_t offset) const {
    const QueueRegs* q = selected();
    switch (offset) {
    case kMagicValue:
        return kMagic;
    case kVersion:
        return kVersion2;
    case kDeviceId:
        return model()->device_id();
    case kVendorId:
        return kVendor;
    case kDeviceFeatures:
        return device_features_page();
    case kQueueNumMax:
        return q != nullptr ? model()->max_queue_size(queue_sel) : 0;
    case kQueueReady:
        return q != nullptr && q->ready ? 1 : 0;
    case kInterruptStatus:
        return interrupt_status();
    case kStatus:
        return status();
    // No shared memory regions: every one reads as length -1 (spec 4.2.2).
    case kShmLenLow:
    case kShmLenHigh:
    case kShmBaseLow:
    case kShmBaseHigh:
        return 0xffffffff;
    case kConfigGeneration:
        return model()->config_generation();
    default:
        return 0; // write-only and reserved registers
    }
}

void VirtioMmio::write_register(uint32_t offset, uint32_t value) {
    switch (offset) {
    case kDeviceFeaturesSel:
        device_features_sel = value;
        break;
    case kDriverFeaturesSel:
        driver_features_sel = value;
        break;
    case kDriverFeatures:
        write_driver_features_page(value);
        break;
    case kQueueSel:
        queue_sel = value;
        break;
    case kQueueNotify:
        notify(value);
        break;
    case kInterruptAck:
        acknowledge(value);
        break;
    case kStatus:
        write_status(value);
        break;
    case kQueueReady:
        set_queue_ready(value != 0);
        break;
    default: {
        // Read-only and reserved registers ignore writes.
        QueueRegs* q = configurable();
        if (q == nullptr) break;
        if (offset == kQueueNum) {
            q->num = static_cast<uint16_t>(value > 0xffff ? 0 : value);
        } else if (uint64_t* address = queue_address(*q, offset); address != nullptr) {
            const unsigned shift = (offset & 4) != 0 ? 32 : 0;
            *address = (*address & ~(uint64_t{0xffffffff} << shift)) | uint64_t{value} << shift;
        }
        break;
    }
    }
}

} // namespace virtio
