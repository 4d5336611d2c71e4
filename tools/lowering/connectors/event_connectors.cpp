// Event connectors: each `emits` end gets a send capability to the receiver's one bound
// notification, badged with the bit the resolver gave that sender (events first, then
// IRQs, per receiving instance); the `consumes` end learns which bits are its events.
// Interrupts (a hardware component's, a compound component's DTB device's) are IRQ handlers
// signalling that notification.
#include "lowering/connector_lowerer.hpp"

namespace lowering {
namespace {

class EventConnector final : public ConnectorLowerer {
public:
    void lower(Context& context, const adl::model::Connection& c) override {
        const adl::model::End& to = c.to.front();
        InstanceObjects& receiver = context.instance(to.instance);
        const image::NotificationId n = context.notification(receiver);
        InterfaceObjects& consumes = context.interface(receiver, to.interface);
        consumes.slot = receiver.cap("notification");
        for (const auto& f : c.from) {
            consumes.badge |= f.badge;
            InstanceObjects& sender = context.instance(f.instance);
            InterfaceObjects& emits = context.interface(sender, f.interface);
            emits.badge = f.badge;
            emits.slot = context.give(sender, f.interface,
                                      image::notification_cap(n, f.badge, spec::CapSend));
        }
    }
};

// Each IRQ `mine` selects (one a component consumes): an IRQ handler signalling the
// consumer's bound notification with the bit the resolver gave it; the consumer holds the
// handler (its interface's slot) to acknowledge each interrupt.
template <class Select> void give_irqs(Context& context, const Select& mine) {
    for (const auto& q : context.system().irqs) {
        if (q.interface.empty() || !mine(q)) continue;
        InstanceObjects& consumer = context.instance(q.owner);
        const image::IrqHandlerId h = context.builder().add_irq_handler(
            q.number, context.notification(consumer), q.badge, !q.level);
        InterfaceObjects& consumes = context.interface(consumer, q.interface);
        consumes.badge |= q.badge;
        consumes.slot = context.give(consumer, q.interface, image::irq_handler_cap(h));
    }
}

// A hardware component's interrupt, to each consumer.
class HardwareInterrupt final : public ConnectorLowerer {
public:
    void lower(Context& context, const adl::model::Connection& c) override {
        const adl::model::End& from = c.from.front();
        const std::string source = from.instance + "." + from.interface;
        give_irqs(context, [&](const adl::model::Irq& q) { return q.source == source; });
    }
};

// A compound component's device from the DTB (seL4DTBHardware): the registers of what its
// `to` end's dtb() query matched, mapped into it (the interface's buffers, as device
// memory), and the device's IRQs on that end when generate_interrupts asked for them.
class DtbHardware final : public ConnectorLowerer {
public:
    void lower(Context& context, const adl::model::Connection& c) override {
        const adl::model::End& to = c.to.front();
        InstanceObjects& owner = context.instance(to.instance);
        for (const auto& r : context.system().regions) {
            if (r.owner != to.instance || r.kind != adl::model::RegionKind::Device) continue;
            const image::RegionId region =
                context.builder().add_device(r.owner + ":" + r.source, r.phys);
            const uint64_t at = context.map_shared(owner, to.interface, region, r.phys.size,
                                                   image::kRead | image::kWrite);
            context.interface(owner, to.interface).buffers.push_back({at, r.phys.size, 0});
        }
        give_irqs(context, [&](const adl::model::Irq& q) {
            return q.owner == to.instance && q.interface == to.interface;
        });
    }
};

EventConnector event;
HardwareInterrupt hardware_interrupt;
DtbHardware dtb_hardware;
const ConnectorRegistration notification{"seL4Notification", event};
const ConnectorRegistration global_asynch{"seL4GlobalAsynch", event};
const ConnectorRegistration global_asynch_callback{"seL4GlobalAsynchCallback", event};
const ConnectorRegistration interrupt{"seL4HardwareInterrupt", hardware_interrupt};
const ConnectorRegistration dtb_device{"seL4DTBHardware", dtb_hardware};

} // namespace
} // namespace lowering
