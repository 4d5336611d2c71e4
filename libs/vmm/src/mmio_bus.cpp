// Routing decoded guest accesses to registered device models, and the policy for
// accesses nothing owns.
#include <vmm/mmio_bus.hpp>

namespace vmm {

bool MmioBus::add(std::string_view name, base::GuestPhysRange range, MmioDevice& device) {
    if (count_ == kMaxDevices || range.size == 0) return false;
    if (range.base.raw() + range.size < range.base.raw()) return false;
    for (std::size_t i = 0; i < count_; ++i) {
        if (entries_[i].range.overlaps(range)) return false;
    }
    entries_[count_++] = Entry{name, range, &device};
    return true;
}

const MmioBus::Entry* MmioBus::find(base::GuestPhysRange range) const {
    if (range.base.raw() + range.size < range.base.raw()) return nullptr;
    for (std::size_t i = 0; i < count_; ++i) {
        if (entries_[i].range.contains(range)) return &entries_[i];
    }
    return nullptr;
}

ExitAction MmioBus::handle(const MmioAccess& access, unsigned vcpu, VcpuRegisters& regs) {
    const Entry* entry = find({access.ipa, access.total_bytes()});
    if (entry == nullptr || access.size == 0) return unhandled(access, regs.pc());
    MmioDevice& device = *entry->device;
    const uint64_t offset = access.ipa - entry->range.base;
    const bool write = access.is_write();
    // One register (or the two of a pair, the second `size` bytes further on).
    uint64_t values[2] = {0, 0};
    for (unsigned i = 0; i < (access.is_pair() ? 2u : 1u); ++i) {
        const uint64_t at = offset + uint64_t{i} * access.size;
        const bool ok = write ? device.write(at, access.size, vcpu, access.store_value(regs, i))
                              : device.read(at, access.size, vcpu, values[i]);
        if (!ok) return unhandled(access, regs.pc());
    }
    access.complete(regs, values[0], values[1]);
    return ExitAction::Resume;
}

ExitAction MmioBus::action() const {
    return policy_ == UnhandledAccessPolicy::HaltVm ? ExitAction::HaltVm : ExitAction::InjectAbort;
}

std::string_view MmioBus::outcome() const {
    return policy_ == UnhandledAccessPolicy::HaltVm ? ": halting VM" : ": injecting abort";
}

ExitAction MmioBus::unhandled(const MmioAccess& access, uint64_t pc) {
    if (unhandled_log_.admit()) {
        LogLine line;
        line << "vmm: unhandled guest " << (access.is_write() ? "write" : "read") << " of "
             << Dec{static_cast<int64_t>(access.total_bytes())} << " bytes at "
             << Hex{access.ipa.raw()} << " pc " << Hex{pc} << " reg x" << Dec{access.rt}
             << outcome();
        line.emit(unhandled_log_.sink());
    }
    return action();
}

ExitAction MmioBus::unhandled_fetch(base::GuestPhysAddr ipa, uint64_t pc) {
    if (unhandled_log_.admit()) {
        LogLine line;
        line << "vmm: guest instruction fetch from " << Hex{ipa.raw()} << " pc " << Hex{pc}
             << ": nothing to run there" << outcome();
        line.emit(unhandled_log_.sink());
    }
    return action();
}

ExitAction MmioBus::reject(base::GuestPhysAddr ipa, uint64_t pc, std::string_view why) {
    if (rejected_log_.admit()) {
        LogLine line;
        line << "vmm: guest access at " << Hex{ipa.raw()} << " pc " << Hex{pc} << " not emulated ("
             << why << ")" << outcome();
        line.emit(rejected_log_.sink());
    }
    return action();
}

} // namespace vmm
