// The VMM device "crossvm" (upstream's cross_vm_connections module): one PCI function on
// the VM's host bridge per cross-VM link of its configuration (DeviceRecord::crossvm),
// each with INTA# on its own SPI. The links' consumed events arrive as notification bits
// and raise their function's interrupt.
#include <crossvm/crossvm_function.hpp>

#include <vmm/device.hpp>

#include <array>
#include <cstddef>

namespace crossvm {
namespace {

using vmm::Dec;
using vmm::LogLine;

constexpr std::size_t kMaxLinks = vmm::PciHost::kMaxFunctions;

class CrossvmDevice final : public vmm::Device {
public:
    void notified(uint64_t bits) override {
        for (std::size_t i = 0; i < count_; ++i)
            if ((bits & consume_bits_[i]) != 0) links_[i]->event();
    }
    void reset() override {
        for (std::size_t i = 0; i < count_; ++i)
            links_[i]->reset();
    }
    bool add(CrossvmFunction& f, uint64_t consume_bits) {
        if (count_ == kMaxLinks) return false;
        links_[count_] = &f;
        consume_bits_[count_++] = consume_bits;
        return true;
    }

private:
    std::array<CrossvmFunction*, kMaxLinks> links_{};
    std::array<uint64_t, kMaxLinks> consume_bits_{};
    std::size_t count_ = 0;
};

// A VM has one PCI host bridge (kMaxLinks functions); the room for more instances is for
// the host tests, which create one per test in one process (a function is about 1 KiB).
constexpr std::size_t kMaxDevices = 8;
vmm::DeviceStorage<CrossvmDevice, kMaxDevices> g_devices;
vmm::DeviceStorage<CrossvmFunction, 2 * kMaxDevices> g_functions;

void fail(vmm::DeviceContext& ctx, std::string_view link, std::string_view why) {
    LogLine line;
    line << "crossvm: " << link << ": " << why;
    line.emit(ctx.log());
}

// One link's function: its connections checked, placed on the bus with an SPI.
bool add_link(vmm::DeviceContext& ctx, CrossvmDevice& device, const vmm::CrossvmLink& link) {
    const vmm::BackendConnection* dp = ctx.connection(link.dataport);
    if (dp == nullptr || dp->cap_slot == 0 || dp->port == nullptr) {
        fail(ctx, link.dataport, "no movable mapping for the dataport in the configuration");
        return false;
    }
    LinkConfig config{
        .name = link.dataport, .dataport_size = dp->dataport.size(), .mapping_slot = dp->cap_slot};
    uint64_t consume_bits = 0;
    if (!link.emits.empty()) {
        const vmm::BackendConnection* e = ctx.connection(link.emits);
        if (e == nullptr || e->cap_slot == 0) {
            fail(ctx, link.emits, "the event to emit is not connected");
            return false;
        }
        config.emit_slot = e->cap_slot;
    }
    if (!link.consumes.empty()) {
        const vmm::BackendConnection* c = ctx.connection(link.consumes);
        if (c == nullptr || c->badge_bits == 0 || !ctx.listen(c->badge_bits)) {
            fail(ctx, link.consumes, "the consumed event has no notification bits");
            return false;
        }
        config.consumes = true;
        consume_bits = c->badge_bits;
    }
    const std::optional<unsigned> spi = ctx.allocate_spi();
    if (!spi || ctx.pci() == nullptr) {
        fail(ctx, link.dataport, "no SPI or no PCI host bridge for its function");
        return false;
    }
    CrossvmFunction* f = g_functions.make(config, *dp->port, ctx.pci()->memory(), ctx.log());
    if (f == nullptr || !device.add(*f, consume_bits)) return false;
    const std::optional<unsigned> slot = ctx.pci()->add(link.dataport, f->function(), *spi);
    if (!slot) return false;
    LogLine line;
    line << "crossvm: " << link.dataport << ": PCI 00:" << Dec{*slot} << ".0, SPI " << Dec{*spi}
         << ", dataport " << Dec{static_cast<int64_t>(f->config().dataport_size)} << " bytes"
         << (config.emit_slot ? ", doorbell emits " : "") << link.emits
         << (config.consumes ? ", interrupt on " : "") << link.consumes;
    line.emit(ctx.log());
    return true;
}

vmm::Device* create(vmm::DeviceContext& ctx) {
    CrossvmDevice* device = g_devices.make();
    if (device == nullptr) return nullptr;
    for (const vmm::CrossvmLink& link : ctx.record().crossvm)
        if (!add_link(ctx, *device, link)) return nullptr;
    return device;
}

} // namespace
} // namespace crossvm

BULKHEAD_VMM_DEVICE("crossvm", nullptr, crossvm::create);
