// The modern virtio-pci transport: its capabilities, the common configuration's fields,
// notifications, the ISR byte and the configuration access window.
#include <virtio/pci.hpp>

namespace virtio {

using namespace pci;

namespace {

// PCI class codes (class << 16 | subclass << 8) of the device types that have one.
struct ClassOf {
    uint32_t device_id;
    uint32_t class_code;
};
constexpr ClassOf kClasses[] = {
    {1, 0x020000}, // network: Ethernet
    {2, 0x010000}, // block: SCSI-like storage
    {3, 0x078000}, // console: other communication controller
};

uint32_t class_of(uint32_t device_id) {
    for (const ClassOf& c : kClasses) {
        if (c.device_id == device_id) return c.class_code;
    }
    return 0xff0000; // unassigned class
}

vmm::PciIds ids(uint32_t device_id) {
    const auto id = static_cast<uint16_t>(device_id);
    return {kVendor, static_cast<uint16_t>(kDeviceBase + id), 1, class_of(device_id), kVendor, id};
}

// A virtio_pci_cap body (after ID and next): cap_len, cfg_type, bar, id, padding[2],
// offset, length, then `extra` (notify_off_multiplier or pci_cfg_data).
struct CapBody {
    uint8_t bytes[18] = {};
    std::size_t size = 14;
};

CapBody cap_body(uint8_t type, uint32_t offset, uint32_t length, bool extra, uint32_t extra_value) {
    CapBody b;
    b.size = extra ? 18 : 14;
    b.bytes[0] = static_cast<uint8_t>(2 + b.size);
    b.bytes[1] = type;
    b.bytes[2] = kBar;
    for (unsigned i = 0; i < 4; ++i) {
        b.bytes[6 + i] = static_cast<uint8_t>(offset >> (8 * i));
        b.bytes[10 + i] = static_cast<uint8_t>(length >> (8 * i));
        b.bytes[14 + i] = static_cast<uint8_t>(extra_value >> (8 * i));
    }
    return b;
}

// Where the 64-bit queue address registers are, and whether `offset` is their low or high
// half (a 32-bit access) or all of it (64-bit).
uint64_t* queue_address(TransportCore::QueueRegs& q, uint32_t field) {
    switch (field) {
    case kQueueDesc:
        return &q.desc;
    case kQueueDriver:
        return &q.driver;
    case kQueueDevice:
        return &q.device;
    default:
        return nullptr;
    }
}

constexpr bool is_address_field(uint32_t offset) {
    return offset >= kQueueDesc && offset < kQueueNotifyData;
}

// The width of the common-configuration field at `offset` (0: no field starts there).
constexpr unsigned field_size(uint32_t offset) {
    if (offset < kConfigMsixVector) return offset % 4 == 0 ? 4 : 0;
    if (offset == kDeviceStatus || offset == kConfigGeneration) return 1;
    if (is_address_field(offset)) return offset % 4 == 0 ? 4 : 0; // halves; 8 at the start
    return offset < kCommonSize && offset % 2 == 0 ? 2 : 0;
}

} // namespace

VirtioPci::VirtioPci(std::string_view name, uint32_t device_id, vmm::LogSink& log)
    : TransportCore(name, log), function_(ids(device_id), *this) {
    (void)function_.add_memory_bar(kBar, kBarSize);
    add_capabilities();
}

void VirtioPci::add_capabilities() {
    // Linux maps the structures it finds through these (drivers/virtio/virtio_pci_modern_dev.c).
    const CapBody caps[] = {
        cap_body(kCapCommon, kCommonOffset, kCommonSize, false, 0),
        cap_body(kCapNotify, kNotifyOffset, kNotifyMultiplier * TransportCore::kMaxQueues, true,
                 kNotifyMultiplier),
        cap_body(kCapIsr, kIsrOffset, 1, false, 0),
        cap_body(kCapDevice, kDeviceOffset, kDeviceSize, false, 0),
    };
    for (const CapBody& c : caps) {
        (void)function_.add_capability(vmm::pci::kCapVendor, {c.bytes, c.size});
    }
    // VIRTIO_PCI_CAP_PCI_CFG: the driver sets bar, offset and length, then reads or writes
    // pci_cfg_data to reach the BAR through configuration space (spec 4.1.4.9).
    const CapBody cfg = cap_body(kCapPciCfg, 0, 0, true, 0);
    uint8_t writable[18] = {};
    writable[2] = 0xff;
    for (unsigned i = 6; i < 18; ++i)
        writable[i] = 0xff;
    pci_cfg_ =
        function_.add_capability(vmm::pci::kCapVendor, {cfg.bytes, cfg.size}, writable).value_or(0);
}

bool VirtioPci::cfg_window(unsigned& bar, uint32_t& offset, unsigned& length) const {
    if (pci_cfg_ == 0) return false;
    auto& f = const_cast<vmm::PciFunction&>(function_);
    bar = f.read(pci_cfg_ + 4, 1);
    offset = f.read(pci_cfg_ + 8, 4);
    length = f.read(pci_cfg_ + 12, 4);
    return (length == 1 || length == 2 || length == 4) && offset % length == 0;
}

bool VirtioPci::capability_read(uint32_t offset, unsigned size, uint32_t& value) {
    unsigned bar = 0;
    uint32_t at = 0;
    unsigned length = 0;
    if (pci_cfg_ == 0 || offset != pci_cfg_ + 16 || !cfg_window(bar, at, length) || size < length) {
        return false;
    }
    uint64_t v = 0;
    value = bar_read(bar, at, length, v) ? static_cast<uint32_t>(v) : 0;
    return true;
}

void VirtioPci::capability_written(uint32_t offset, unsigned size, uint32_t value) {
    unsigned bar = 0;
    uint32_t at = 0;
    unsigned length = 0;
    if (pci_cfg_ != 0 && offset == pci_cfg_ + 16 && cfg_window(bar, at, length) && size >= length) {
        (void)bar_write(bar, at, length, value);
    }
}

bool VirtioPci::bar_read(unsigned bar, uint64_t offset, unsigned size, uint64_t& value) {
    if (bar != kBar || model() == nullptr) return false;
    if (offset < kCommonOffset + kCommonSize) {
        return read_common(static_cast<uint32_t>(offset - kCommonOffset), size, value);
    }
    if (offset == kIsrOffset && size <= 4) {
        // Reading the ISR status acknowledges it (spec 4.1.4.5).
        value = interrupt_status();
        acknowledge(interrupt_status());
        return true;
    }
    if (offset >= kDeviceOffset && offset < kDeviceOffset + kDeviceSize) {
        uint32_t v = 0;
        if (!model()->read_config(static_cast<uint32_t>(offset - kDeviceOffset), size, v))
            return false;
        value = v;
        return true;
    }
    if (offset >= kNotifyOffset && offset < kBarSize) {
        value = 0; // write-only
        return true;
    }
    return false;
}

bool VirtioPci::bar_write(unsigned bar, uint64_t offset, unsigned size, uint64_t value) {
    const bool ok = write_bar(bar, offset, size, value);
    wrote();
    return ok;
}

bool VirtioPci::write_bar(unsigned bar, uint64_t offset, unsigned size, uint64_t value) {
    if (bar != kBar || model() == nullptr) return false;
    if (offset < kCommonOffset + kCommonSize) {
        return write_common(static_cast<uint32_t>(offset - kCommonOffset), size, value);
    }
    if (offset >= kDeviceOffset && offset < kDeviceOffset + kDeviceSize) {
        return model()->write_config(static_cast<uint32_t>(offset - kDeviceOffset), size,
                                     static_cast<uint32_t>(value));
    }
    if (offset >= kNotifyOffset && offset < kBarSize && (size == 2 || size == 4)) {
        // The address names the queue (queue_notify_off = the queue's index).
        notify(static_cast<uint32_t>((offset - kNotifyOffset) / kNotifyMultiplier));
        return true;
    }
    return offset == kIsrOffset; // the ISR byte is read-only
}

bool VirtioPci::read_common(uint32_t offset, unsigned size, uint64_t& value) {
    const bool whole_address = is_address_field(offset) && size == 8 && offset % 8 == 0;
    if (field_size(offset) != size && !whole_address) return false;
    const QueueRegs* q = selected();
    const uint32_t field = is_address_field(offset) ? offset & ~uint32_t{7} : offset;
    switch (field) {
    case kDeviceFeatureSelect:
        value = device_features_sel;
        break;
    case kDeviceFeature:
        value = device_features_page();
        break;
    case kDriverFeatureSelect:
        value = driver_features_sel;
        break;
    case kDriverFeature:
        value = driver_features_page();
        break;
    case kConfigMsixVector:
    case kQueueMsixVector:
        value = kNoVector; // no MSI-X: INTx only
        break;
    case kNumQueues:
        value = model()->num_queues();
        break;
    case kDeviceStatus:
        value = status();
        break;
    case kConfigGeneration:
        value = model()->config_generation() & 0xff;
        break;
    case kQueueSelect:
        value = queue_sel;
        break;
    case kQueueSize:
        // Until the driver writes a size, the maximum (spec 4.1.4.3); 0: no such queue.
        value = q == nullptr ? 0 : (q->num != 0 ? q->num : model()->max_queue_size(queue_sel));
        break;
    case kQueueEnable:
        value = q != nullptr && q->ready ? 1 : 0;
        break;
    case kQueueNotifyOff:
        value = q != nullptr ? queue_sel : 0;
        break;
    case kQueueDesc:
    case kQueueDriver:
    case kQueueDevice: {
        const uint64_t* address =
            q != nullptr ? queue_address(const_cast<QueueRegs&>(*q), field) : nullptr;
        const uint64_t a = address != nullptr ? *address : 0;
        value = size == 8 ? a : (offset % 8 == 0 ? a & 0xffffffff : a >> 32);
        break;
    }
    default:
        value = 0; // queue_notify_data, queue_reset: not offered
        break;
    }
    return true;
}

bool VirtioPci::write_common(uint32_t offset, unsigned size, uint64_t value) {
    const bool whole_address = is_address_field(offset) && size == 8 && offset % 8 == 0;
    if (field_size(offset) != size && !whole_address) return false;
    const auto v32 = static_cast<uint32_t>(value);
    const uint32_t field = is_address_field(offset) ? offset & ~uint32_t{7} : offset;
    switch (field) {
    case kDeviceFeatureSelect:
        device_features_sel = v32;
        break;
    case kDriverFeatureSelect:
        driver_features_sel = v32;
        break;
    case kDriverFeature:
        write_driver_features_page(v32);
        break;
    case kDeviceStatus:
        write_status(v32);
        break;
    case kQueueSelect:
        queue_sel = v32;
        break;
    case kQueueSize:
        // A smaller power of two than the maximum (spec 4.1.4.3.2); the queue checks it
        // again when enabled, where a bad size sets NEEDS_RESET.
        if (QueueRegs* q = configurable(); q != nullptr) {
            if (v32 == 0 || (v32 & (v32 - 1)) != 0 || v32 > model()->max_queue_size(queue_sel)) {
                driver_error("queue size not a power of two up to the maximum", v32);
            }
            q->num = static_cast<uint16_t>(v32);
        }
        break;
    case kQueueEnable:
        // Writing 0 is the driver's mistake (spec 4.1.4.3.2) unless it resets the queue.
        if (v32 == 0) {
            driver_error("queue_enable written with 0", queue_sel);
        } else {
            if (QueueRegs* q = configurable(); q != nullptr && q->num == 0) {
                q->num = model()->max_queue_size(queue_sel);
            }
            set_queue_ready(true);
        }
        break;
    case kQueueDesc:
    case kQueueDriver:
    case kQueueDevice:
        if (QueueRegs* q = configurable(); q != nullptr) {
            uint64_t& a = *queue_address(*q, field);
            if (size == 8) {
                a = value;
            } else {
                const unsigned shift = offset % 8 == 0 ? 0 : 32;
                a = (a & ~(uint64_t{0xffffffff} << shift)) | uint64_t{v32} << shift;
            }
        }
        break;
    default:
        break; // read-only fields, MSI-X vectors (none)
    }
    return true;
}

} // namespace virtio
