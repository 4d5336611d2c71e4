// RPC connectors: the callers' `uses` ends get a badged send capability to one endpoint
// per `provides` end (connections to the same provides end share it, so a one-thread
// server waits in one place), the server a receive capability. Connectors with a buffer
// give each caller its own, which the server maps as well, knowing it by the badge.
#include "lowering/connector_lowerer.hpp"

namespace lowering {
namespace {

class RpcConnector final : public ConnectorLowerer {
public:
    void lower(Context& context, const adl::model::Connection& c) override {
        const adl::model::End& to = c.to.front();
        InstanceObjects& server = context.instance(to.instance);
        InterfaceObjects& provides = context.interface(server, to.interface);
        if (!provides.object) {
            const image::EndpointId ep =
                context.builder().add_endpoint(to.instance + "." + to.interface);
            provides.object = ep.index;
            provides.slot =
                context.give(server, to.interface, image::endpoint_cap(ep, 0, spec::CapReceive));
        }
        const image::EndpointId endpoint{*provides.object};
        for (const auto& f : c.from) {
            InstanceObjects& caller = context.instance(f.instance);
            InterfaceObjects& uses = context.interface(caller, f.interface);
            uses.badge = ++provides.peers; // 0 would look like an unbadged capability
            uses.slot = context.give(caller, f.interface,
                                     image::endpoint_cap(endpoint, uses.badge, spec::CapSend));
            if (c.shared_bytes == 0) continue;
            const image::RegionId buffer =
                context.builder().add_ram(c.name + "." + f.instance + ".buffer", c.shared_bytes);
            const uint32_t rw = image::kRead | image::kWrite;
            uses.buffers.push_back(
                {context.map_shared(caller, f.interface + "_buffer", buffer, c.shared_bytes, rw),
                 c.shared_bytes, 0});
            provides.buffers.push_back(
                {context.map_shared(server, to.interface + "_buffer_" + std::to_string(uses.badge),
                                    buffer, c.shared_bytes, rw),
                 c.shared_bytes, uses.badge});
        }
    }
};

// RPC whose server also signals its callers (seL4SerialServer's GetChar: input has arrived
// in the caller's buffer): the server gets a send capability to the caller's bound notification,
// badged with the bit the resolver took for it (End::signal), named
// "<provides interface>_signal_<caller's badge>"; the caller's interface records that bit
// as its badge (what tells it the server signalled), its call capability keeps its own.
// Where the connector lets callers of a procedure wake the server (End::wake), each gets a
// send capability to the server's bound notification with its bit ("<uses>_wake"), so it
// can say "my buffer has output" without a call.
class SignallingRpcConnector final : public ConnectorLowerer {
public:
    explicit SignallingRpcConnector(ConnectorLowerer& rpc) : rpc_(rpc) {}
    void lower(Context& context, const adl::model::Connection& c) override {
        rpc_.lower(context, c);
        const adl::model::End& to = c.to.front();
        InstanceObjects& server = context.instance(to.instance);
        for (const auto& f : c.from) {
            InstanceObjects& caller = context.instance(f.instance);
            InterfaceObjects& uses = context.interface(caller, f.interface);
            if (f.signal != 0) {
                context.give(
                    server, to.interface + "_signal_" + std::to_string(uses.badge),
                    image::notification_cap(context.notification(caller), f.signal, spec::CapSend));
                uses.badge = f.signal;
            }
            if (f.wake == 0) continue;
            uses.wake_slot = context.give(
                caller, f.interface + "_wake",
                image::notification_cap(context.notification(server), f.wake, spec::CapSend));
        }
    }

private:
    ConnectorLowerer& rpc_;
};

RpcConnector rpc;
SignallingRpcConnector signalling_rpc(rpc);
const ConnectorRegistration rpc_call{"seL4RPCCall", rpc};
const ConnectorRegistration rpc_dataport{"seL4RPCDataport", rpc};
const ConnectorRegistration serial_server{"seL4SerialServer", signalling_rpc};
const ConnectorRegistration time_server{"seL4TimeServer", rpc};

} // namespace
} // namespace lowering
