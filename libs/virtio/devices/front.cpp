// The two fronts of the VMM's virtio devices: virtio-mmio and virtio-pci.
#include "front.hpp"

#include <virtio/mmio.hpp>
#include <virtio/pci.hpp>
#include <vmm/mmio_bus.hpp>
#include <vmm/vgic_distributor.hpp>

#include <new>

namespace virtio {
namespace {

class MmioFront final : public Front, public vmm::MmioDevice, public IrqLine {
public:
    MmioFront(vmm::DeviceContext& ctx, GuestPhysRange window, unsigned spi)
        : window_(window), spi_(spi), vgic_(ctx.vgic()), transport_(ctx.name(), *this, ctx.log()) {}

    TransportCore& transport() override { return transport_; }
    bool add_dtb_nodes(vmm::GuestDtbWriter& dtb) override {
        return mmio::add_dtb_node(dtb, window_, spi_);
    }
    void describe(vmm::LogLine& line) const override {
        line << "virtio-mmio at " << vmm::Hex{window_.base.raw()} << ", SPI " << vmm::Dec{spi_};
    }
    [[nodiscard]] bool read(uint64_t offset, unsigned size, unsigned vcpu,
                            uint64_t& value) override {
        return transport_.read(offset, size, vcpu, value);
    }
    [[nodiscard]] bool write(uint64_t offset, unsigned size, unsigned vcpu,
                             uint64_t value) override {
        return transport_.write(offset, size, vcpu, value);
    }
    void set_level(bool high) override { (void)vgic_.set_level(spi_, high); }

private:
    GuestPhysRange window_;
    unsigned spi_;
    vmm::VgicDistributor& vgic_;
    VirtioMmio transport_;
};

// The function's BAR and configuration accesses reach the transport through the PCI host.
class PciFront final : public Front {
public:
    PciFront(vmm::DeviceContext& ctx, uint32_t device_id, unsigned spi)
        : spi_(spi), transport_(ctx.name(), device_id, ctx.log()) {}

    TransportCore& transport() override { return transport_; }
    bool add_dtb_nodes(vmm::GuestDtbWriter&) override { return true; } // the host bridge's node
    void describe(vmm::LogLine& line) const override {
        constexpr std::string_view kDigits = "0123456789abcdef";
        line << "virtio-pci at 00:" << kDigits[slot_ / 16] << kDigits[slot_ % 16] << ".0, SPI "
             << vmm::Dec{spi_};
    }
    [[nodiscard]] vmm::PciFunction& function() { return transport_.function(); }
    void set_slot(unsigned slot) { slot_ = slot; }

private:
    unsigned spi_;
    unsigned slot_ = 0;
    VirtioPci transport_;
};

static_assert(sizeof(MmioFront) <= FrontSlot::kBytes && sizeof(PciFront) <= FrontSlot::kBytes);

void refuse(vmm::DeviceContext& ctx, std::string_view why) {
    vmm::LogLine line;
    line << "vmm: " << ctx.name() << ": " << why;
    line.emit(ctx.log());
}

} // namespace

namespace {

Front* place(vmm::DeviceContext& ctx, std::byte* storage, TransportKind kind, uint32_t device_id) {
    const std::optional<unsigned> spi = ctx.allocate_spi();
    if (!spi) {
        refuse(ctx, "no SPI left for a virtio device");
        return nullptr;
    }
    if (kind == TransportKind::Mmio) {
        const std::optional<GuestPhysRange> window = ctx.allocate_mmio(mmio::kWindowSize);
        if (!window) {
            refuse(ctx, "no register window left for a virtio-mmio device");
            return nullptr;
        }
        auto* front = new (storage) MmioFront(ctx, *window, *spi);
        return ctx.mmio().add(ctx.name(), *window, *front) ? front : nullptr;
    }
    if (ctx.pci() == nullptr) {
        refuse(ctx, "this VM has no PCI host bridge");
        return nullptr;
    }
    auto* front = new (storage) PciFront(ctx, device_id, *spi);
    const std::optional<unsigned> slot = ctx.pci()->add(ctx.name(), front->function(), *spi);
    if (!slot) return nullptr;
    front->set_slot(*slot);
    return front;
}

} // namespace

Front* FrontSlot::make(vmm::DeviceContext& ctx, TransportKind kind, DeviceModel& model,
                       FrontEvents& events, TransportListener& listener) {
    Front* front = place(ctx, storage_, kind, model.device_id());
    if (front == nullptr) return nullptr;
    front->transport().attach(model);
    front->transport().set_listener(&listener);
    events.connect(front->transport());
    return front;
}

} // namespace virtio
