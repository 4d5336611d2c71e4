// The virtual PCI host bridge: ECAM decoding, BAR routing and the guest-DTB node.
#include <vmm/pci_host.hpp>
#include <vmm/vgic_distributor.hpp>

namespace vmm {

namespace {

constexpr uint32_t kDeviceShift = 15; // ECAM: bus << 20 | device << 15 | function << 12 | reg
constexpr uint32_t kFunctionShift = 12;
constexpr uint32_t kBusShift = 20;

bool aligned_access(uint64_t offset, unsigned size) {
    return (size == 1 || size == 2 || size == 4) && offset % size == 0;
}

} // namespace

PciHost::PciHost(base::GuestPhysRange window, MmioBus& bus, VgicDistributor& vgic, LogSink& log)
    : window_(window), bus_(bus), vgic_(vgic), log_(log), bad_bars_(log, "misplaced PCI BARs") {}

base::GuestPhysRange PciHost::memory() const {
    // 32-bit BARs: the memory window must lie below 4 GiB.
    if (window_.size < kEcamSize + kMinMemorySize || window_.end().raw() > (uint64_t{1} << 32)) {
        return {};
    }
    return {base::GuestPhysAddr{window_.base.raw() + kEcamSize}, window_.size - kEcamSize};
}

void PciHost::Slot::set_level(bool high) {
    (void)vgic->set_level(spi, high);
}

std::optional<unsigned> PciHost::add(std::string_view name, PciFunction& function, unsigned spi) {
    const char* refused = nullptr;
    if (memory().size == 0) {
        refused = "this VM has no PCI window";
    } else if (count_ == kMaxFunctions) {
        refused = "no PCI slot left";
    } else if (count_ == 0 && (!bus_.add("vpci ecam", ecam(), *this) ||
                               !bus_.add("vpci memory", memory(), memory_window_))) {
        refused = "the PCI window overlaps another device";
    }
    if (refused != nullptr) {
        LogLine line;
        line << "vmm: " << name << ": " << refused;
        line.emit(log_);
        return std::nullopt;
    }
    Slot& slot = slots_[count_++];
    slot.name = name;
    slot.function = &function;
    slot.vgic = &vgic_;
    slot.spi = spi;
    function.route_intx(&slot);
    return static_cast<unsigned>(count_); // device 0 is left free, as on a host bridge
}

PciHost::Slot* PciHost::function_at(uint64_t offset) {
    const uint64_t bus = offset >> kBusShift;
    const uint64_t device = (offset >> kDeviceShift) & 31;
    const uint64_t function = (offset >> kFunctionShift) & 7;
    if (bus != 0 || function != 0 || device == 0 || device > count_) return nullptr;
    return &slots_[device - 1];
}

bool PciHost::read(uint64_t offset, unsigned size, unsigned vcpu, uint64_t& value) {
    (void)vcpu;
    if (!aligned_access(offset, size) || offset >= kEcamSize) return false;
    const Slot* slot = function_at(offset);
    const uint32_t reg = offset & ((1u << kFunctionShift) - 1);
    if (slot == nullptr) {
        value = size == 4 ? 0xffffffff : (uint64_t{1} << (8 * size)) - 1;
    } else {
        // Extended configuration space (0x100 up) is not there: conventional PCI.
        value = reg < pci::kConfigSize ? slot->function->read(reg, size) : 0;
    }
    return true;
}

bool PciHost::write(uint64_t offset, unsigned size, unsigned vcpu, uint64_t value) {
    (void)vcpu;
    if (!aligned_access(offset, size) || offset >= kEcamSize) return false;
    Slot* slot = function_at(offset);
    const uint32_t reg = offset & ((1u << kFunctionShift) - 1);
    if (slot == nullptr || reg >= pci::kConfigSize) return true;
    slot->function->write(reg, size, static_cast<uint32_t>(value));
    if (reg < pci::kHeaderEnd) check_bars(*slot);
    return true;
}

void PciHost::check_bars(const Slot& slot) {
    // A guest may park a BAR anywhere; only BARs inside the memory window decode.
    const base::GuestPhysRange mem = memory();
    for (unsigned bar = 0; bar < pci::kNumBars; ++bar) {
        const std::optional<PciFunction::BarWindow> w = slot.function->bar_window(bar);
        if (!w || mem.contains(base::GuestPhysRange{base::GuestPhysAddr{w->base}, w->size})) {
            continue;
        }
        if (!bad_bars_.admit()) continue;
        LogLine line;
        line << "vmm: " << slot.name << ": guest placed BAR" << static_cast<char>('0' + bar)
             << " at " << Hex{w->base} << ", outside the PCI memory window " << Hex{mem.base.raw()}
             << ".." << Hex{mem.end().raw()} << ": not decoded";
        line.emit(log_);
    }
}

std::optional<PciHost::Target> PciHost::find_bar(uint64_t address, unsigned size) const {
    const base::GuestPhysRange mem = memory();
    for (std::size_t i = 0; i < count_; ++i) {
        for (unsigned bar = 0; bar < pci::kNumBars; ++bar) {
            const std::optional<PciFunction::BarWindow> w = slots_[i].function->bar_window(bar);
            if (!w || !mem.contains(base::GuestPhysRange{base::GuestPhysAddr{w->base}, w->size}) ||
                address < w->base || address - w->base > w->size - size) {
                continue;
            }
            return Target{slots_[i].function, bar, address - w->base};
        }
    }
    return std::nullopt;
}

bool PciHost::MemoryWindow::read(uint64_t offset, unsigned size, unsigned vcpu, uint64_t& value) {
    (void)vcpu;
    const std::optional<Target> t = host_.find_bar(host_.memory().base.raw() + offset, size);
    return t && t->function->endpoint().bar_read(t->bar, t->offset, size, value);
}

bool PciHost::MemoryWindow::write(uint64_t offset, unsigned size, unsigned vcpu, uint64_t value) {
    (void)vcpu;
    const std::optional<Target> t = host_.find_bar(host_.memory().base.raw() + offset, size);
    return t && t->function->endpoint().bar_write(t->bar, t->offset, size, value);
}

void PciHost::reset() {
    for (std::size_t i = 0; i < count_; ++i)
        slots_[i].function->reset();
}

} // namespace vmm
