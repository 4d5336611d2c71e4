// The VMM device "device_fwd" (upstream's device_fwd module over its generic forward
// device): one forwarded range on the VM's MMIO bus per entry of its record's `forwards`
// (the VM configuration's forwarded devices), each calling the native component its
// connection names. Started by the VM's lowerer whenever the VM forwards a device.
#include <device_fwd/forwarded_range.hpp>

#include <vmm/device.hpp>
#include <vmm/mmio_bus.hpp>

#include <array>
#include <cstddef>

namespace device_fwd {
namespace {

using vmm::Dec;
using vmm::Hex;
using vmm::LogLine;

constexpr std::size_t kMaxRanges = 8;

vmm::DeviceStorage<ForwardedRange, 2 * kMaxRanges> g_ranges;

class DeviceFwd final : public vmm::Device {
public:
    bool add(ForwardedRange& r) {
        if (count_ == kMaxRanges) return false;
        ranges_[count_++] = &r;
        return true;
    }
    void release() override;

private:
    std::array<ForwardedRange*, kMaxRanges> ranges_{};
    std::size_t count_ = 0;
};

// Host tests make a device per test in one process; a VM makes one.
vmm::DeviceStorage<DeviceFwd, 4> g_devices;

void DeviceFwd::release() {
    for (std::size_t i = 0; i < count_; ++i)
        g_ranges.release(ranges_[i]);
    g_devices.release(this);
}

bool fail(vmm::DeviceContext& ctx, std::string_view iface, std::string_view why) {
    LogLine line;
    line << "device_fwd: " << iface << ": " << why;
    line.emit(ctx.log());
    return false;
}

bool add_range(vmm::DeviceContext& ctx, DeviceFwd& device, const vmm::ForwardedDevice& f) {
    const vmm::BackendConnection* c = ctx.connection(f.interface);
    if (c == nullptr || c->cap_slot == 0 || c->port == nullptr)
        return fail(ctx, f.interface, "not connected to a server");
    ForwardedRange* r = g_ranges.make(f.interface, f.range.size, *c->port, c->cap_slot, ctx.log());
    if (r == nullptr || !device.add(*r)) return fail(ctx, f.interface, "too many forwarded ranges");
    if (!ctx.mmio().add(f.interface, f.range, *r))
        return fail(ctx, f.interface, "its range is taken on the MMIO bus");
    LogLine line;
    line << "device_fwd: " << f.interface << ": guest " << Hex{f.range.base.raw()} << ".."
         << Hex{f.range.base.raw() + f.range.size} << " forwarded to its server ("
         << Dec{static_cast<int64_t>(f.range.size)} << " bytes)";
    line.emit(ctx.log());
    return true;
}

vmm::Device* create(vmm::DeviceContext& ctx) {
    if (ctx.record().forwards.empty()) {
        (void)fail(ctx, ctx.name(), "the configuration forwards no device");
        return nullptr;
    }
    DeviceFwd* device = g_devices.make();
    if (device == nullptr) return nullptr;
    for (const vmm::ForwardedDevice& f : ctx.record().forwards)
        if (!add_range(ctx, *device, f)) return nullptr;
    return device;
}

} // namespace
} // namespace device_fwd

BULKHEAD_VMM_DEVICE("device_fwd", nullptr, device_fwd::create);
