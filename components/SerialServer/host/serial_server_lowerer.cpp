// The SerialServer type's part of the lowering: its domain and thread (as any native
// component), the board's console UART (registers mapped as a device, its interrupt on
// the server's bound notification with a bit no event of the server uses), one endpoint
// for all its provides interfaces (badges numbered per interface, see
// serial_server_config.hpp), and the client table in its instance page's type blob.
#include <serial_server/serial_server_config.hpp>

#include <lowering/native_component.hpp>

#include <adl/diagnostic.hpp>

#include <cstring>
#include <map>

namespace serial_host {
namespace {

using adl::model::Instance;
using lowering::Context;
using lowering::InstanceObjects;
using serial_server::Port;

const std::map<std::string, Port, std::less<>>& ports() {
    static const std::map<std::string, Port, std::less<>> p{
        {"processed_putchar", Port::ProcessedPutChar},
        {"raw_putchar", Port::RawPutChar},
        {"processed_batch", Port::ProcessedBatch},
        {"raw_batch", Port::RawBatch},
        {"getchar", Port::GetChar}};
    return p;
}

// The lowest bit of the instance's bound notification that no event, server signal,
// caller's wake-up or IRQ the resolver numbered uses.
uint64_t free_bit(const Context& context, const std::string& name, const Instance& inst) {
    uint64_t used = 0;
    for (const auto& c : context.system().connections) {
        for (const auto& f : c.from) {
            if (c.kind == adl::model::ConnectionKind::Event && c.to.front().instance == name)
                used |= f.badge;
            if (f.instance == name) used |= f.signal;
            if (c.to.front().instance == name) used |= f.wake;
        }
    }
    for (const auto& q : context.system().irqs)
        if (q.owner == name) used |= q.badge;
    for (unsigned bit = 0; bit < 64; ++bit)
        if ((used & (uint64_t{1} << bit)) == 0) return uint64_t{1} << bit;
    throw adl::Error(inst.where, "SerialServer " + adl::quote(name) +
                                     " has no notification bit left for its UART's interrupt");
}

class SerialServerLowerer final : public lowering::NativeComponent {
public:
    void create(Context& context, const Instance& inst, InstanceObjects& self) override {
        NativeComponent::create(context, inst, self);
        image::SystemBuilder& b = context.builder();
        const image::Board& board = context.board();
        // The server's driver is a PL011's (serial::Terminal); other UARTs need their own.
        if (board.console.kind != spec::ConsoleKind::Pl011) {
            throw adl::Error(inst.where, "SerialServer " + adl::quote(inst.name) +
                                             " drives a PL011 UART, but the console UART of "
                                             "board " +
                                             adl::quote(board.name) +
                                             " is another kind; expected a board whose "
                                             "console is a PL011");
        }
        const image::RegionId uart =
            b.add_device(inst.name + ":uart", {board.console.base, 0x1000});
        b.map(self.domain, uart, base::VirtAddr{serial_server::kUartAddr},
              image::kRead | image::kWrite, spec::Cacheability::Device);
        self.mappings.push_back({"uart", serial_server::kUartAddr, 0x1000});
        irq_bit_ = free_bit(context, inst.name, inst);
        const image::IrqHandlerId irq =
            b.add_irq_handler(board.console.irq, context.notification(self), irq_bit_, false);
        context.give(self, "uart_irq", image::irq_handler_cap(irq));

        // One endpoint behind every provides interface, so one thread waits in one place.
        const image::EndpointId ep = b.add_endpoint(inst.name + ".serial");
        const uint32_t slot =
            context.give(self, "serial", image::endpoint_cap(ep, 0, spec::CapReceive));
        for (const auto& [name, port] : ports()) {
            lowering::InterfaceObjects& i = context.interface(self, name);
            i.object = ep.index;
            i.slot = slot;
            i.peers = static_cast<uint32_t>(port) << serial_server::kPortShift;
        }
    }

    void finish(Context& context, const Instance& inst, InstanceObjects& self) override {
        serial_server::Config config{};
        std::memcpy(config.magic, serial_server::kMagic, sizeof config.magic);
        config.version = serial_server::kVersion;
        config.rpc_slot = *self.cap("serial");
        config.uart_irq_slot = *self.cap("uart_irq");
        config.uart_irq_bit = irq_bit_;
        // Callers are badged in connection order, as the RPC lowerer numbered them.
        std::map<Port, uint64_t> next;
        for (const auto& c : context.system().connections) {
            const adl::model::End& to = c.to.front();
            if (to.instance != inst.name) continue;
            const auto port = ports().find(to.interface);
            if (port == ports().end()) continue;
            for (const auto& f : c.from) {
                const uint64_t badge =
                    (static_cast<uint64_t>(port->second) << serial_server::kPortShift) +
                    ++next[port->second];
                serial_server::Client& client = client_for(config, f.instance, c);
                switch (port->second) {
                case Port::ProcessedPutChar:
                case Port::RawPutChar:
                    client.putchar_badge = badge;
                    break;
                case Port::ProcessedBatch:
                case Port::RawBatch:
                    client.batch_badge = badge;
                    client.batch_wake_bit = f.wake;
                    break;
                case Port::GetChar:
                    client.getchar_badge = badge;
                    client.signal_slot =
                        *self.cap(to.interface + "_signal_" + std::to_string(badge));
                    break;
                }
            }
        }
        const auto* p = reinterpret_cast<const uint8_t*>(&config);
        add_instance_page(context, inst, self, std::vector<uint8_t>(p, p + sizeof config));
    }

private:
    // The client record of a component instance (one per instance, whichever interfaces
    // it uses).
    static serial_server::Client& client_for(serial_server::Config& config, const std::string& name,
                                             const adl::model::Connection& c) {
        for (uint32_t i = 0; i < config.client_count; ++i)
            if (name == config.clients[i].name) return config.clients[i];
        if (config.client_count == serial_server::kMaxClients) {
            throw adl::Error(c.where, "connection " + adl::quote(c.name) + " gives " +
                                          adl::quote(c.to.front().instance) + " more than " +
                                          std::to_string(serial_server::kMaxClients) +
                                          " clients; expected at most that many");
        }
        if (name.size() >= serial_server::kNameBytes) {
            throw adl::Error(c.where, "client " + adl::quote(name) + " of connection " +
                                          adl::quote(c.name) + ": its name is longer than " +
                                          std::to_string(serial_server::kNameBytes - 1) +
                                          " characters; expected a shorter instance name");
        }
        serial_server::Client& client = config.clients[config.client_count++];
        std::memcpy(client.name, name.data(), name.size());
        return client;
    }

    uint64_t irq_bit_ = 0;
};

SerialServerLowerer lowerer;
const lowering::ComponentRegistration registration{"SerialServer", lowerer};

} // namespace
} // namespace serial_host
