// A type-0 PCI function's configuration space: a byte image with a per-byte mask of what
// the driver may write, and the registers with behaviour of their own (BARs, status).
#include <vmm/pci_function.hpp>

namespace vmm {

using namespace pci;

namespace {

constexpr uint16_t kCommandWritable = kCommandMemory | kCommandMaster | kCommandIntxDisable;
constexpr uint32_t kBarEnd = kBar0 + 4 * kNumBars;

bool in_bars(uint32_t offset) {
    return offset >= kBar0 && offset < kBarEnd;
}

} // namespace

PciFunction::PciFunction(const PciIds& ids, PciEndpoint& endpoint) : endpoint_(endpoint) {
    put16(kVendorId, ids.vendor);
    put16(kDeviceId, ids.device);
    bytes_[kRevision] = ids.revision;
    bytes_[kClassCode] = static_cast<uint8_t>(ids.class_code);
    bytes_[kClassCode + 1] = static_cast<uint8_t>(ids.class_code >> 8);
    bytes_[kClassCode + 2] = static_cast<uint8_t>(ids.class_code >> 16);
    bytes_[kHeaderType] = 0; // type 0, single function
    put16(kSubsystemVendorId, ids.subsystem_vendor);
    put16(kSubsystemId, ids.subsystem);
    bytes_[kInterruptPin] = 1; // INTA#
    writable_[kCommand] = static_cast<uint8_t>(kCommandWritable);
    writable_[kCommand + 1] = static_cast<uint8_t>(kCommandWritable >> 8);
    writable_[kInterruptLine] = 0xff;
    initial_ = bytes_;
}

bool PciFunction::add_memory_bar(unsigned bar, uint32_t size) {
    if (bar >= kNumBars || size < kMinBarSize || (size & (size - 1)) != 0) return false;
    bar_sizes_[bar] = size;
    return true;
}

std::optional<uint32_t> PciFunction::add_capability(uint8_t id, std::span<const uint8_t> body,
                                                    std::span<const uint8_t> writable) {
    // Capabilities are dword-aligned; the next pointer is one byte.
    const uint32_t at = next_cap_;
    const uint32_t length = 2 + static_cast<uint32_t>(body.size());
    if ((!writable.empty() && writable.size() != body.size()) || length > kConfigSize - at) {
        return std::nullopt;
    }
    bytes_[at] = id;
    bytes_[at + 1] = 0;
    for (std::size_t i = 0; i < body.size(); ++i) {
        bytes_[at + 2 + i] = body[i];
        writable_[at + 2 + i] = writable.empty() ? 0 : writable[i];
    }
    if (last_cap_ == 0) {
        bytes_[kCapabilitiesPointer] = static_cast<uint8_t>(at);
        put16(kStatus, kStatusCapabilities);
    } else {
        bytes_[last_cap_ + 1] = static_cast<uint8_t>(at);
    }
    last_cap_ = at;
    next_cap_ = (at + length + 3) & ~uint32_t{3};
    initial_ = bytes_;
    return at;
}

uint16_t PciFunction::get16(uint32_t offset) const {
    return static_cast<uint16_t>(bytes_[offset] | bytes_[offset + 1] << 8);
}

void PciFunction::put16(uint32_t offset, uint16_t value) {
    bytes_[offset] = static_cast<uint8_t>(value);
    bytes_[offset + 1] = static_cast<uint8_t>(value >> 8);
}

uint32_t PciFunction::read(uint32_t offset, unsigned size) {
    if (offset >= kConfigSize || size > kConfigSize - offset) return 0;
    if (offset >= kHeaderEnd) {
        uint32_t value = 0;
        if (endpoint_.capability_read(offset, size, value)) return value;
    }
    uint32_t value = 0;
    for (unsigned i = 0; i < size; ++i) {
        const uint32_t at = offset + i;
        uint8_t b = bytes_[at];
        if (in_bars(at)) {
            const unsigned bar = (at - kBar0) / 4;
            b = static_cast<uint8_t>(bars_[bar] >>
                                     (8 * ((at - kBar0) % 4))); // 32-bit memory: flags 0
        } else if (at == kStatus && intx_) {
            b |= kStatusInterrupt;
        }
        value |= uint32_t{b} << (8 * i);
    }
    return value;
}

void PciFunction::write(uint32_t offset, unsigned size, uint32_t value) {
    if (offset >= kConfigSize || size > kConfigSize - offset) return;
    const bool was = intx_asserted();
    for (unsigned i = 0; i < size; ++i) {
        write_byte(offset + i, static_cast<uint8_t>(value >> (8 * i)));
    }
    // Interrupt Disable masks the line at once, and unmasking it delivers what is pending.
    if (route_ != nullptr && intx_asserted() != was) route_->set_level(intx_asserted());
    if (offset >= kHeaderEnd) {
        endpoint_.capability_written(offset, size, value);
    } else {
        endpoint_.header_written();
    }
}

void PciFunction::write_byte(uint32_t offset, uint8_t value) {
    if (in_bars(offset)) {
        // A BAR keeps only the address bits its size allows: writing all ones and reading
        // back gives the size (PCI 3.0, 6.2.5.1); an unused BAR stays 0.
        const unsigned bar = (offset - kBar0) / 4;
        const unsigned shift = 8 * ((offset - kBar0) % 4);
        const uint32_t merged = (bars_[bar] & ~(uint32_t{0xff} << shift)) | uint32_t{value}
                                                                                << shift;
        bars_[bar] = bar_sizes_[bar] == 0 ? 0 : merged & ~(bar_sizes_[bar] - 1);
        return;
    }
    bytes_[offset] =
        static_cast<uint8_t>((bytes_[offset] & ~writable_[offset]) | (value & writable_[offset]));
}

std::optional<PciFunction::BarWindow> PciFunction::bar_window(unsigned bar) const {
    if (bar >= kNumBars || bar_sizes_[bar] == 0 || bars_[bar] == 0 ||
        (command() & kCommandMemory) == 0) {
        return std::nullopt;
    }
    return BarWindow{bars_[bar], bar_sizes_[bar]};
}

void PciFunction::set_intx(bool high) {
    intx_ = high;
    if (route_ != nullptr) route_->set_level(intx_asserted());
}

bool PciFunction::intx_asserted() const {
    return intx_ && (command() & kCommandIntxDisable) == 0;
}

void PciFunction::reset() {
    bytes_ = initial_;
    bars_ = {};
    set_intx(false);
    endpoint_.header_written();
}

} // namespace vmm
