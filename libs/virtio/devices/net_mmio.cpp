// The virtio-mmio front of the VMM's virtio-net devices (see net_mmio.hpp).
#include "net_mmio.hpp"

#include <vmm/mmio_bus.hpp>
#include <vmm/vgic_distributor.hpp>

namespace virtio {

std::optional<NetMmioPlace> place_net_mmio(vmm::DeviceContext& ctx, std::size_t index,
                                           std::size_t max, MacAddress mac_prefix) {
    const std::optional<unsigned> spi = index < max ? ctx.allocate_spi() : std::nullopt;
    const std::optional<GuestPhysRange> window =
        spi ? ctx.allocate_mmio(mmio::kWindowSize) : std::nullopt;
    if (!window) {
        vmm::LogLine line;
        line << "vmm: " << ctx.name() << ": no "
             << (index >= max ? "room" : (spi ? "register window" : "SPI"))
             << " left for a virtio-mmio device";
        line.emit(ctx.log());
        return std::nullopt;
    }
    mac_prefix[5] = static_cast<uint8_t>(index + 1);
    return NetMmioPlace{*window, *spi, mac_prefix};
}

NetMmio::NetMmio(vmm::DeviceContext& ctx, const NetMmioPlace& place, NetBackend& backend)
    : place_(place), vgic_(ctx.vgic()), log_(ctx.log()), name_(ctx.name()),
      transport_(ctx.name(), *this, ctx.log()), net_(ctx.memory(), backend, transport_, place.mac) {
    transport_.attach(net_);
}

bool NetMmio::read(uint64_t offset, unsigned size, unsigned vcpu, uint64_t& value) {
    return transport_.read(offset, size, vcpu, value);
}

bool NetMmio::write(uint64_t offset, unsigned size, unsigned vcpu, uint64_t value) {
    const bool ok = transport_.write(offset, size, vcpu, value);
    pump();
    return ok;
}

void NetMmio::set_level(bool high) {
    (void)vgic_.set_level(place_.spi, high);
}

bool NetMmio::add_dtb_nodes(vmm::GuestDtbWriter& dtb) {
    return mmio::add_dtb_node(dtb, place_.window, place_.spi);
}

void NetMmio::notified(uint64_t bits) {
    (void)bits;
    pump();
}

void NetMmio::reset() {
    transport_.reset();
    backend_reset();
}

bool NetMmio::install(vmm::DeviceContext& ctx, std::string_view what) {
    if (!ctx.mmio().add(ctx.name(), place_.window, *this)) return false;
    vmm::LogLine line;
    line << "vmm: " << ctx.name() << ": virtio-net over virtio-mmio at "
         << vmm::Hex{place_.window.base.raw()} << ", SPI " << vmm::Dec{place_.spi} << ", MAC ";
    for (std::size_t i = 0; i < place_.mac.size(); ++i) {
        const unsigned b = place_.mac[i];
        constexpr std::string_view kDigits = "0123456789abcdef";
        if (i != 0) line << ':';
        line << kDigits[b >> 4] << kDigits[b & 15];
    }
    line << ", " << what;
    line.emit(log_);
    return true;
}

} // namespace virtio
