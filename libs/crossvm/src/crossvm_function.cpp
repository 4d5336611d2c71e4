// The cross-VM PCI function: its registers, its interrupt, and the mapping of its
// dataport's frames where the guest puts BAR1 (see crossvm_function.hpp).
#include <crossvm/crossvm_function.hpp>

namespace crossvm {

using vmm::Dec;
using vmm::Hex;
using vmm::LogLine;

uint32_t dataport_bar_size(uint64_t bytes) {
    if (bytes == 0 || bytes % 4096 != 0 || bytes > kMaxDataport) return 0;
    uint64_t size = 4096;
    while (size < bytes)
        size *= 2;
    return static_cast<uint32_t>(size);
}

CrossvmFunction::CrossvmFunction(const LinkConfig& config, vmm::BackendPort& port,
                                 base::GuestPhysRange memory, vmm::LogSink& log)
    : config_(config), port_(port), memory_(memory), log_(log),
      function_({.vendor = kVendorId, .device = kDeviceId, .class_code = kClassCode}, *this),
      wild_(log, "crossvm register accesses refused or ignored"),
      doorbells_(log, "crossvm doorbells"), placements_(log, "crossvm dataport placements") {
    (void)function_.add_memory_bar(kRegisterBar, kRegisterBarSize);
    const uint32_t bar = dataport_bar_size(config.dataport_size);
    if (bar == 0) {
        LogLine line;
        line << "crossvm: " << config.name << ": a dataport of "
             << Dec{static_cast<int64_t>(config.dataport_size)}
             << " bytes fits no BAR (whole pages, at most "
             << Dec{static_cast<int64_t>(kMaxDataport)} << "): not shown to the guest";
        line.emit(log_);
        config_.dataport_size = 0;
        return;
    }
    (void)function_.add_memory_bar(kDataportBar, bar);
}

void CrossvmFunction::event() {
    ++received_;
    status_ |= kStatusEvent;
    function_.set_intx(true);
}

void CrossvmFunction::reset() {
    status_ = 0;
    emitted_ = 0;
    received_ = 0;
    function_.set_intx(false);
}

void CrossvmFunction::log_wild(const char* what, uint64_t offset, uint64_t value) {
    if (!wild_.admit()) return;
    LogLine line;
    line << "crossvm: " << config_.name << ": guest " << what << " at register offset "
         << Hex{offset} << " (value " << Hex{value} << ")";
    line.emit(log_);
}

bool CrossvmFunction::bar_read(unsigned bar, uint64_t offset, unsigned size, uint64_t& value) {
    // BAR1 reaches the VMM only while its frames are not mapped there: no memory behind it.
    if (bar != kRegisterBar || size != 4 || offset % 4 != 0) {
        log_wild(bar != kRegisterBar ? "read of the unmapped dataport" : "odd-sized read", offset,
                 size);
        return false;
    }
    switch (offset) {
    case reg::kId:
        value = kIdValue;
        break;
    case reg::kVersion:
        value = 1;
        break;
    case reg::kDataportSize:
        value = config_.dataport_size;
        break;
    case reg::kFeatures:
        value = (config_.emit_slot ? kFeatureEmits : 0) | (config_.consumes ? kFeatureConsumes : 0);
        break;
    case reg::kStatus:
        value = status_;
        break;
    case reg::kEmitted:
        value = emitted_;
        break;
    case reg::kReceived:
        value = received_;
        break;
    default:
        value = 0; // write-only and reserved registers read as zero
        break;
    }
    return true;
}

bool CrossvmFunction::bar_write(unsigned bar, uint64_t offset, unsigned size, uint64_t value) {
    if (bar != kRegisterBar || size != 4 || offset % 4 != 0) {
        log_wild(bar != kRegisterBar ? "write to the unmapped dataport" : "odd-sized write", offset,
                 value);
        return false;
    }
    switch (offset) {
    case reg::kDoorbell:
        ring();
        return true;
    case reg::kAck:
        status_ &= ~static_cast<uint32_t>(value);
        if ((status_ & kStatusEvent) == 0) function_.set_intx(false);
        return true;
    default:
        // Read-only and reserved registers ignore writes (a contained, logged mistake).
        log_wild("write to a read-only or reserved register", offset, value);
        return true;
    }
}

void CrossvmFunction::ring() {
    ++emitted_;
    if (!config_.emit_slot) {
        log_wild("doorbell without an event to emit", reg::kDoorbell, emitted_);
        return;
    }
    // A storm only costs signals (the peer sees one pending event) and a log line per
    // power of two.
    port_.signal(*config_.emit_slot);
    if (!doorbells_.admit()) return;
    LogLine line;
    line << "crossvm: " << config_.name << ": guest rang the doorbell (" << Dec{emitted_}
         << " so far)";
    line.emit(log_);
}

// Where BAR1 decodes now decides where the frames are: nowhere while decoding is off or the
// BAR is unplaced or outside the host's memory window.
void CrossvmFunction::header_written() {
    if (!dataport_shown()) return;
    std::optional<uint64_t> want;
    if (const auto w = function_.bar_window(kDataportBar);
        w && memory_.contains(base::GuestPhysRange{base::GuestPhysAddr{w->base}, w->size})) {
        want = w->base;
    }
    if (want == placed_) return;
    // One kernel call removes the frames from the old place and maps them at the new one;
    // a refused place leaves them nowhere.
    const bool moved = port_.move_mapping(config_.mapping_slot, want);
    placed_ = moved ? want : std::nullopt;
    if (!want) return;
    if (!placements_.admit()) return;
    if (!moved) {
        LogLine line;
        line << "crossvm: " << config_.name << ": the dataport cannot be mapped at " << Hex{*want}
             << " (another mapping is there): BAR1 is not backed";
        line.emit(log_);
        return;
    }
    LogLine line;
    line << "crossvm: " << config_.name << ": dataport of "
         << Dec{static_cast<int64_t>(config_.dataport_size)} << " bytes mapped at " << Hex{*want};
    line.emit(log_);
}

} // namespace crossvm
