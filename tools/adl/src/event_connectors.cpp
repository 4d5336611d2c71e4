// Event connectors: each `emits` end signals a notification of the `consumes` end (or,
// for a hardware component, its interrupt does).
#include "adl/connector_registry.hpp"

namespace adl {
namespace {
using model::ConnectionKind;
const ConnectorRegistry::Registration notification{
    {"seL4Notification", ConnectionKind::Event, true, false, 0, "signal a notification"}};
const ConnectorRegistry::Registration global_asynch{
    {"seL4GlobalAsynch", ConnectionKind::Event, true, false, 0,
     "signal the receiver's bound notification, badged per sender"}};
const ConnectorRegistry::Registration global_asynch_callback{
    {"seL4GlobalAsynchCallback", ConnectionKind::Event, true, false, 0,
     "as seL4GlobalAsynch, handled as a callback in the receiver"}};
const ConnectorRegistry::Registration hardware_interrupt{
    {"seL4HardwareInterrupt", ConnectionKind::DeviceInterrupt, true, false, 0,
     "a hardware component's interrupt (<from>_irq_number, <from>_irq_trigger) as an event of "
     "the consumer, which acks it through its capability"}};
} // namespace
} // namespace adl
