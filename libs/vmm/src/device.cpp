// The device model: the linker-collected type table, device creation from the VM's
// records, SPI allocation and notification routing (see device.hpp).
#include <vmm/device.hpp>

// Defined by the linker when at least one type is linked; weak so that a VM without
// devices links too (both are then null).
extern "C" {
extern const vmm::DeviceType* const __start_bulkhead_vmm_devices[] __attribute__((weak));
extern const vmm::DeviceType* const __stop_bulkhead_vmm_devices[] __attribute__((weak));
}

namespace vmm {

bool NotificationRouter::add(uint64_t bits, NotificationHandler& handler) {
    if (bits == 0 || (bits & routed_) != 0 || count_ == kMaxHandlers) return false;
    entries_[count_++] = Entry{bits, &handler};
    routed_ |= bits;
    return true;
}

uint64_t NotificationRouter::dispatch(uint64_t bits) {
    for (std::size_t i = 0; i < count_; ++i) {
        if (const uint64_t mine = bits & entries_[i].bits; mine != 0) {
            entries_[i].handler->notified(mine);
        }
    }
    return bits & ~routed_;
}

SpiAllocator::SpiAllocator(unsigned num_irqs) : num_irqs_(num_irqs > 1020 ? 1020 : num_irqs) {}

bool SpiAllocator::in_use(unsigned irq) const {
    return irq < 1024 && (used_[irq / 32] & (1u << (irq % 32))) != 0;
}

bool SpiAllocator::reserve(unsigned irq) {
    if (irq < 32 || irq >= num_irqs_ || in_use(irq)) return false;
    used_[irq / 32] |= 1u << (irq % 32);
    return true;
}

std::optional<unsigned> SpiAllocator::allocate() {
    for (unsigned irq = 32; irq < num_irqs_; ++irq) {
        if (reserve(irq)) return irq;
    }
    return std::nullopt;
}

std::optional<base::GuestPhysRange> MmioAllocator::allocate(uint64_t size) {
    if (size == 0 || (size & (size - 1)) != 0) return std::nullopt;
    const uint64_t at = (next_ + size - 1) & ~(size - 1);
    const base::GuestPhysRange range{base::GuestPhysAddr(at), size};
    if (at < next_ || !window_.contains(range)) return std::nullopt;
    next_ = at + size;
    return range;
}

const BackendConnection* DeviceContext::connection(std::string_view name) const {
    for (const BackendConnection& c : record_.connections) {
        if (c.name == name) return &c;
    }
    return nullptr;
}

bool DeviceContext::listen(uint64_t bits) {
    uint64_t own = 0;
    for (const BackendConnection& c : record_.connections)
        own |= c.badge_bits;
    if (bits == 0 || (bits & ~own) != 0) return false;
    listened_ |= bits;
    return true;
}

std::span<const DeviceType* const> linked_device_types() {
    if (__start_bulkhead_vmm_devices == nullptr) return {};
    return {__start_bulkhead_vmm_devices, __stop_bulkhead_vmm_devices};
}

const DeviceType* find_device_type(const DeviceRecord& record) {
    const std::span<const DeviceType* const> types = linked_device_types();
    for (const DeviceType* t : types) {
        if (record.name == t->name) return t;
    }
    for (const DeviceType* t : types) {
        if (!record.compatible.empty() && t->compatible != nullptr &&
            record.compatible == t->compatible) {
            return t;
        }
    }
    return nullptr;
}

const char* to_string(DeviceError error) {
    switch (error) {
    case DeviceError::Ok:
        return "ok";
    case DeviceError::UnknownType:
        return "no such device type linked into this VM";
    case DeviceError::CreateFailed:
        return "the device could not be created";
    case DeviceError::TooMany:
        return "too many devices";
    case DeviceError::BadNotification:
        return "its notification bits are taken";
    }
    return "?";
}

DeviceHost::~DeviceHost() {
    for (std::size_t i = 0; i < count_; ++i)
        devices_[i]->release();
}

DeviceError DeviceHost::create(std::span<const DeviceRecord> records) {
    const auto report = [&](const DeviceRecord& r, DeviceError e) {
        LogLine line;
        line << "vmm: device " << r.name << ": " << to_string(e);
        line.emit(log_);
        return e;
    };
    for (const DeviceRecord& r : records) {
        if (find_device_type(r) == nullptr) return report(r, DeviceError::UnknownType);
    }
    if (records.size() > kMaxDevices - count_) {
        return report(records[kMaxDevices - count_], DeviceError::TooMany);
    }
    for (const DeviceRecord& r : records) {
        DeviceContext context(r, memory_, mmio_, vgic_, spis_, windows_, log_, smccc_, &pci_,
                              firmware_, idle_);
        Device* device = find_device_type(r)->create(context);
        if (device == nullptr) return report(r, DeviceError::CreateFailed);
        if (context.listened() != 0 && !notifications_.add(context.listened(), *device)) {
            return report(r, DeviceError::BadNotification);
        }
        devices_[count_++] = device;
        LogLine line;
        line << "vmm: device " << r.name << " created";
        line.emit(log_);
    }
    return DeviceError::Ok;
}

bool DeviceHost::add_nodes(GuestDtbWriter& dtb) {
    for (std::size_t i = 0; i < count_; ++i) {
        if (!devices_[i]->add_dtb_nodes(dtb)) return false;
    }
    return pci_.add_dtb_node(dtb);
}

void DeviceHost::reset() {
    pci_.reset();
    for (std::size_t i = 0; i < count_; ++i)
        devices_[i]->reset();
}

} // namespace vmm
