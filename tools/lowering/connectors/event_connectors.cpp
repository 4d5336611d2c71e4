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

EventConnector event;
const ConnectorRegistration notification{"seL4Notification", event};
const ConnectorRegistration global_asynch{"seL4GlobalAsynch", event};
const ConnectorRegistration global_asynch_callback{"seL4GlobalAsynchCallback", event};

} // namespace
} // namespace lowering
