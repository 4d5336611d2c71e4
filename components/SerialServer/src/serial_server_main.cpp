// The SerialServer component: the board's UART shared between its clients through
// libs/serial's Multiplexer. One thread serves every provides interface (one endpoint, the
// badge says which interface and which client) and the UART's interrupt (its bound
// notification). Output: a client's batch ring is drained when its wake-up bit arrives on
// the bound notification (the client did not stop for it) or when it calls batch() (a
// full ring, or a client without wake-ups: the call returns once the ring is empty, which
// is back-pressure). Input: the active client's getchar ring, then a signal to that
// client; while its ring is full the UART is not read (its FIFO and QEMU's character
// backend hold the rest) and its interrupt is not acknowledged, until a later call of any
// client finds room again.
// The console's lines go out through the kernel's debug console in debug builds
// (kernel_console.hpp), whole even when other cores print log lines at the same moment.
#include "SerialServer_glue.hpp"
#include "kernel_console.hpp"
#include "pl011.hpp"

#include <serial/char_ring.hpp>
#include <serial/input_pump.hpp>
#include <serial/multiplexer.hpp>
#include <serial/output_drain.hpp>
#include <serial_server/serial_server_config.hpp>

#include <runtime/debug_print.hpp>
#include <runtime/rpc_transport.hpp>

#include <cstring>
#include <new>

using namespace runtime;
using Self = bulkhead::glue::SerialServer::Instance;
using serial_server::Port;

namespace {

struct ClientState {
    uint64_t putchar_badge = 0;
    uint64_t batch_badge = 0;
    serial::CharRing input; // getchar: the server writes, the client reads
    NotificationCap signal{Slot{0}};
    bool signal_due = false;
};

class Server final : public serial::InputSink, public serial::Receiver {
public:
    Server(const Self& self, const serial_server::Config& config)
        : uart_(serial_server::kUartAddr), console_(uart_), mux_(console_),
          irq_(Slot{config.uart_irq_slot}), irq_bit_(config.uart_irq_bit) {
        for (uint32_t i = 0; i < config.client_count; ++i) {
            const serial_server::Client& c = config.clients[i];
            const std::string_view name(c.name, strnlen(c.name, sizeof c.name));
            (void)mux_.add_client(name);
            ClientState& s = clients_[i];
            s.putchar_badge = c.putchar_badge;
            s.batch_badge = c.batch_badge;
            if (c.batch_badge != 0) {
                outputs_[i] =
                    serial::CharRing(serial_server::port_of(c.batch_badge) == Port::RawBatch
                                         ? self.raw_batch_buffer_of(c.batch_badge)
                                         : self.processed_batch_buffer_of(c.batch_badge));
                wake_bits_[i] = c.batch_wake_bit;
            }
            if (c.getchar_badge != 0) {
                s.input = serial::CharRing(self.getchar_buffer_of(c.getchar_badge));
                s.signal = NotificationCap(Slot{c.signal_slot});
            }
        }
        count_ = config.client_count;
    }

    void start() {
        uart_.enable_receive_interrupts();
        mux_.announce_input();
    }

    // PutChar: one character.
    void putchar(uint64_t badge, int32_t c) {
        const int i = client_of(badge, &ClientState::putchar_badge);
        if (i < 0) return;
        const char ch = static_cast<char>(c);
        while (mux_.feed(static_cast<unsigned>(i), {&ch, 1}) == 0)
            mux_.pump();
        mux_.flush_partial(static_cast<unsigned>(i));
    }

    // Batch: everything the client's ring holds now, an unfinished line too (a client
    // without a wake-up bit calls after each write; one with it when its ring is full,
    // which it fills up to a line's end, or to have its prompt written).
    void batch(uint64_t badge) {
        const int i = client_of(badge, &ClientState::batch_badge);
        if (i < 0) return;
        drain(1u << static_cast<unsigned>(i), serial::OutputDrain::Partial::Write);
    }

    // Wake-ups on the bound notification: those clients' rings have output. An unfinished
    // line waits for its rest unless the ring was found empty (OutputDrain::Partial).
    void woken(uint64_t bits) {
        if (const uint32_t which = serial::OutputDrain::woken({wake_bits_, count_}, bits))
            drain(which, serial::OutputDrain::Partial::UnlessBytesCame);
    }

    // GetChar's one call: the client is ready; input may be waiting for it.
    void init(uint64_t) {}

    // After every call and interrupt: waiting input, the UART's receiver (input_pump.hpp),
    // then a signal to each client that got some.
    void service_input(bool interrupted) {
        pump_.service(interrupted, mux_, *this, *this);
        for (unsigned i = 0; i < count_; ++i) {
            if (!clients_[i].signal_due) continue;
            clients_[i].signal_due = false;
            (void)clients_[i].signal.signal();
        }
    }

    bool deliver(unsigned client, char byte) override {
        ClientState& c = clients_[client];
        if (!c.input.valid()) return true; // a client without input: nobody to give it to
        if (c.input.write({&byte, 1}) != 1) {
            if (c.input.broken()) {
                complain(client, "its input ring has an index outside the ring");
                return true;
            }
            return false;
        }
        c.signal_due = true;
        return true;
    }

    // serial::Receiver: the PL011's receiver and the UART interrupt's handler.
    void clear_interrupt() override { uart_.clear_receive_interrupts(); }
    bool readable() override { return uart_.readable(); }
    char read() override { return uart_.read(); }
    void acknowledge() override { (void)irq_.ack(); }

    [[nodiscard]] uint64_t irq_bit() const { return irq_bit_; }

    // After every call and interrupt: what the console holds of an unfinished line goes out.
    void end_turn() { console_.flush(); }

private:
    int client_of(uint64_t badge, uint64_t ClientState::*which) const {
        for (unsigned i = 0; i < count_; ++i)
            if (clients_[i].*which == badge) return static_cast<int>(i);
        return -1;
    }

    void drain(uint32_t which, serial::OutputDrain::Partial partial) {
        const uint32_t broken =
            serial::OutputDrain::drain({outputs_, count_}, mux_, which, partial);
        for (unsigned c = 0; c < count_; ++c) {
            if ((broken & (1u << c)) != 0)
                complain(c, "its output ring has an index outside the ring");
        }
    }

    // A client that breaks its ring is named once; its ring then moves nothing.
    void complain(unsigned client, const char* what) {
        if (complained_[client]) return;
        complained_[client] = true;
        console_.flush(); // the complaint on a line of its own, not after a prompt
        out() << "serial: client " << mux_.name(client) << ": " << what << "; ignored\n";
    }

    serial_server::Pl011 uart_;
    serial_server::KernelConsole console_; // debug builds: whole lines through the kernel
    serial::Multiplexer mux_;
    ClientState clients_[serial_server::kMaxClients];
    serial::CharRing outputs_[serial_server::kMaxClients]; // batch: client writes, server reads
    uint64_t wake_bits_[serial_server::kMaxClients] = {};  // output waits in outputs_[i]
    bool complained_[serial_server::kMaxClients] = {};
    unsigned count_ = 0;
    IrqHandlerCap irq_;
    uint64_t irq_bit_;
    serial::InputPump pump_;
};

struct PutCharPort {
    Server& s;
    void putchar(uint64_t badge, int32_t c) { s.putchar(badge, c); }
};
struct BatchPort {
    Server& s;
    void batch(uint64_t badge) { s.batch(badge); }
};
struct GetCharPort {
    Server& s;
    void init(uint64_t badge) { s.init(badge); }
};

bool read_config(const Self& self, serial_server::Config& config) {
    const auto blob = self.type_blob();
    if (blob.size() != sizeof config) return false;
    std::memcpy(&config, blob.data(), sizeof config);
    return std::memcmp(config.magic, serial_server::kMagic, sizeof config.magic) == 0 &&
           config.version == serial_server::kVersion &&
           config.client_count <= serial_server::kMaxClients;
}

} // namespace

extern "C" void component_main(uint64_t) {
    namespace glue = bulkhead::glue::SerialServer;
    const Self self = Self::mapped();
    static serial_server::Config config;
    if (!self.valid() || !read_config(self, config)) {
        out() << "serial: bad instance page\n";
        exit();
    }
    alignas(Server) static unsigned char storage[sizeof(Server)];
    auto* server = new (storage) Server(self, config);
    out() << "serial: serving " << Dec{config.client_count} << " client(s) on the UART\n";
    server->start();
    PutCharPort putchar{*server};
    BatchPort batch{*server};
    GetCharPort getchar{*server};
    serve(
        EndpointCap(Slot{config.rpc_slot}),
        [&](uint64_t badge, base::RpcMessage& m) {
            bool ok = false;
            switch (serial_server::port_of(badge)) {
            case Port::ProcessedPutChar:
            case Port::RawPutChar:
                ok = glue::processed_putchar_dispatch(putchar, badge, m);
                break;
            case Port::ProcessedBatch:
            case Port::RawBatch:
                ok = glue::processed_batch_dispatch(batch, badge, m);
                break;
            case Port::GetChar:
                ok = glue::getchar_dispatch(getchar, badge, m);
                break;
            }
            server->service_input(false);
            server->end_turn();
            return ok;
        },
        [&](uint64_t bits) {
            server->woken(bits);
            server->service_input((bits & server->irq_bit()) != 0);
            server->end_turn();
        });
}
