// Event connectors: each `emits` end signals a notification of the `consumes` end.
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
} // namespace
} // namespace adl
