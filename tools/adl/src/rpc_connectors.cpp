// RPC connectors: a call endpoint from each `uses` end to the `provides` end.
#include "adl/connector_registry.hpp"

namespace adl {
namespace {
using model::ConnectionKind;
const ConnectorRegistry::Registration rpc_call{
    {"seL4RPCCall", ConnectionKind::Rpc, true, false, 0, "synchronous call through an endpoint"}};
const ConnectorRegistry::Registration rpc_dataport{
    {"seL4RPCDataport", ConnectionKind::Rpc, true, true, 0x1000,
     "call through an endpoint; bulk data in a shared buffer (<from>_shmem_size)"}};
const ConnectorRegistry::Registration serial_server{
    {.name = "seL4SerialServer",
     .kind = ConnectionKind::Rpc,
     .ends_share_type = true,
     .shared_buffer = true,
     .default_buffer = 0x1000,
     .description = "serial server client: calls plus a shared character buffer; the server "
                    "signals a GetChar client when input arrives; a Batch client may signal "
                    "the server",
     .signals_callers_of = "GetChar",
     .wakes_server_from = "Batch"}};
const ConnectorRegistry::Registration time_server{{"seL4TimeServer", ConnectionKind::Rpc, true,
                                                   false, 0,
                                                   "time server client: timeouts by call"}};
} // namespace
} // namespace adl
