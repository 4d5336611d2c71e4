// Event connectors: each `emits` end gets a send capability to the receiver's one bound
// notification, badged with the bit the resolver gave that sender (events first, then
// IRQs, per receiving instance); the `consumes` end learns which bits are its events.
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

// A hardware component's interrupt: an IRQ handler signalling the consumer's bound
// notification with the bit the resolver gave that interrupt; the consumer holds the
// handler (its interface's slot) to acknowledge each interrupt.
class HardwareInterrupt final : public ConnectorLowerer {
public:
    void lower(Context& context, const adl::model::Connection& c) override {
        const adl::model::End& from = c.from.front();
        for (const auto& q : context.system().irqs) {
            if (q.source != from.instance + "." + from.interface || q.interface.empty()) continue;
            InstanceObjects& consumer = context.instance(q.owner);
            const image::IrqHandlerId h = context.builder().add_irq_handler(
                q.number, context.notification(consumer), q.badge, !q.level);
            InterfaceObjects& consumes = context.interface(consumer, q.interface);
            consumes.badge |= q.badge;
            consumes.slot = context.give(consumer, q.interface, image::irq_handler_cap(h));
        }
    }
};

EventConnector event;
HardwareInterrupt hardware_interrupt;
const ConnectorRegistration notification{"seL4Notification", event};
const ConnectorRegistration global_asynch{"seL4GlobalAsynch", event};
const ConnectorRegistration global_asynch_callback{"seL4GlobalAsynchCallback", event};
const ConnectorRegistration interrupt{"seL4HardwareInterrupt", hardware_interrupt};

} // namespace
} // namespace lowering
