// The VMM device "virtio_con" (upstream's module name; a virtio,mmio node; "virtio_con_pci"
// over virtio-pci, front.hpp): the guest's hvc0, a virtio-console device model, whose output
// and input travel through the VM's connections to a SerialServer:
//   batch          (seL4SerialServer to processed_batch) the output ring; after each transmit
//                  kick the server's wake-up bit (signalled, not called: the guest goes on),
//                  a batch() call only when the ring is full (or there is no wake-up bit)
//   putchar        (camkes-arm-vm 3.8: seL4RPCCall to processed_putchar) one call per byte
//   serial_getchar (seL4SerialServer to getchar) the input ring; the server signals its bit
// The transmit interrupt is decided at the guest's next kick or when it waits in WFI (the
// exit loop's IdleWatch), so a guest that polls its buffers back takes none. The server
// holds a line without its newline until its rest comes (its CR LF is the tty's next
// write); output that ends mid-line (a prompt, an echoed key) is written out with a batch()
// call when the guest next waits (an Idle exit asked for), or at once without an IdleWatch.
// Output that finds the ring full waits until the server has taken it (the batch() call
// returns once the server drained the ring), so a guest that floods hvc0 is slowed down,
// never cut short. Input is read from the ring only as far as the guest has posted buffers
// for it.
#include "front.hpp"

#include <virtio/console.hpp>
#include <vmm/device.hpp>
#include <vmm/idle_watch.hpp>

#include <serial/char_ring.hpp>

#include <cstring>

namespace virtio {
namespace {

constexpr std::size_t kMaxDevices = 2;
// Method numbers of the SerialServer's procedures (interfaces/SerialServer.idl4, in
// declaration order, as the generated glue numbers them).
constexpr uint32_t kBatchMethod = 0;   // Batch.batch()
constexpr uint32_t kPutCharMethod = 0; // PutChar.putchar(int c)

class VirtioConMmio final : public vmm::Device,
                            public TransportListener,
                            public ConsoleBackend,
                            public vmm::IdleListener {
public:
    VirtioConMmio(vmm::DeviceContext& ctx, const vmm::BackendConnection* batch,
                  const vmm::BackendConnection* putchar, const vmm::BackendConnection* input)
        : batch_(batch), putchar_(putchar), input_(input), console_(ctx.memory(), *this, events_) {
        if (batch_ != nullptr) output_ring_ = serial::CharRing(batch_->dataport);
        if (input_ != nullptr) input_ring_ = serial::CharRing(input_->dataport);
        if (vmm::IdleWatch* watch = ctx.idle_watch(); watch != nullptr && watch->add(*this))
            idle_ = watch;
    }

    // Places it on its transport; nullptr (logged) when there is no room.
    [[nodiscard]] Front* install(vmm::DeviceContext& ctx, TransportKind kind) {
        front_ = slot_.make(ctx, kind, console_, events_, *this);
        return front_;
    }

    // A receive kick may have brought buffers for waiting input.
    void guest_wrote() override { deliver_input(); }
    bool add_dtb_nodes(vmm::GuestDtbWriter& dtb) override {
        return front_ == nullptr || front_->add_dtb_nodes(dtb);
    }
    void notified(uint64_t) override { deliver_input(); }
    void release() override;
    void reset() override {
        if (front_ != nullptr) front_->transport().reset();
        pending_ = 0;
        unsent_ = false;
        open_line_ = false;
    }

    // The transmit interrupt waits for the guest's next kick or wait (ConsoleDevice):
    // Linux's hvc polls its buffer back, so it needs none.
    bool defer_transmit_interrupt() override {
        if (idle_ == nullptr) return false;
        idle_->request();
        return true;
    }
    // The guest waits: a line it left unfinished (a prompt) goes out now.
    void vcpu_idle() override {
        console_.settle_transmit_interrupt();
        if (open_line_) (void)send_batch();
    }

    // ConsoleBackend: the guest's output.
    std::size_t write(std::span<const char> bytes) override {
        if (batch_ == nullptr) {
            for (std::size_t i = 0; i < bytes.size(); ++i) {
                base::RpcMessage m;
                m.begin(kPutCharMethod);
                m.put(static_cast<int32_t>(static_cast<unsigned char>(bytes[i])));
                putchar_->port->call(putchar_->cap_slot, m);
                if (!m.ok()) return i;
            }
            return bytes.size();
        }
        std::size_t done = 0;
        while (done < bytes.size()) {
            const std::size_t n = output_ring_.write(up_to_a_line_end(bytes.subspan(done)));
            done += n;
            if (n != 0) {
                unsent_ = true;
                open_line_ = bytes[done - 1] != '\n';
            }
            if (done == bytes.size()) break;
            // The ring is full: the server drains it before it answers.
            if (!send_batch() || output_ring_.broken()) break;
        }
        return done;
    }
    // The kick's output is in the ring: the server hears of it (signalled: the guest goes
    // on). A line left unfinished waits in the server; it is written when the guest waits
    // (vcpu_idle), or now when nothing will say so.
    void flush() override {
        if (!unsent_) return;
        if (batch_->wake_slot == 0 || (open_line_ && idle_ == nullptr)) {
            (void)send_batch();
            return;
        }
        batch_->port->signal(batch_->wake_slot);
        unsent_ = false;
        if (open_line_) idle_->request();
    }

private:
    // What of `bytes` to put in the ring now: all if it fits; else as far as the last
    // newline that fits, or nothing (the server drains first) unless the ring is empty (a
    // line longer than the ring). The server may drain the ring on another core at any
    // time and writes out an unfinished line when it finds the ring empty (a prompt): cut
    // at a full ring, a line the guest wrote whole would be split around another client's.
    std::span<const char> up_to_a_line_end(std::span<const char> bytes) {
        const std::size_t room = output_ring_.free_space();
        if (bytes.size() <= room) return bytes;
        for (std::size_t end = room; end > 0; --end) {
            if (bytes[end - 1] == '\n') return bytes.first(end);
        }
        return output_ring_.used() == 0 ? bytes.first(room) : bytes.first(0);
    }

    // The server drains the ring and writes everything, an unfinished line too.
    bool send_batch() {
        base::RpcMessage m;
        m.begin(kBatchMethod);
        batch_->port->call(batch_->cap_slot, m);
        unsent_ = false;
        open_line_ = false;
        return m.ok();
    }

    void deliver_input() {
        if (input_ == nullptr) return;
        for (;;) {
            if (pending_ == 0) pending_ = input_ring_.read(pending_bytes_);
            if (pending_ == 0 || !console_.rx_ready()) return;
            const std::size_t n = console_.receive({pending_bytes_, pending_});
            std::memmove(pending_bytes_, pending_bytes_ + n, pending_ - n);
            pending_ -= n;
            if (pending_ != 0) return; // the rest when the guest posts buffers
        }
    }

    const vmm::BackendConnection* batch_;
    const vmm::BackendConnection* putchar_;
    const vmm::BackendConnection* input_;
    serial::CharRing output_ring_;
    serial::CharRing input_ring_;
    bool unsent_ = false;
    bool open_line_ = false; // the ring's last byte is not a newline: the server holds a line
    char pending_bytes_[256] = {};
    std::size_t pending_ = 0;
    vmm::IdleWatch* idle_ = nullptr;
    FrontSlot slot_;
    Front* front_ = nullptr;
    FrontEvents events_;
    ConsoleDevice console_;
};

vmm::DeviceStorage<VirtioConMmio, kMaxDevices> devices;

void VirtioConMmio::release() {
    devices.release(this);
}

// A usable connection of that name: a capability, a way to use it, and a ring-sized
// dataport where one is needed.
const vmm::BackendConnection* usable(vmm::DeviceContext& ctx, std::string_view name,
                                     bool needs_ring) {
    const vmm::BackendConnection* c = ctx.connection(name);
    if (c == nullptr || c->port == nullptr || c->cap_slot == 0) return nullptr;
    if (needs_ring && c->dataport.size() < serial::CharRing::kPageBytes) return nullptr;
    return c;
}

void refuse(vmm::DeviceContext& ctx, const char* why) {
    vmm::LogLine line;
    line << "vmm: " << ctx.name() << ": " << why;
    line.emit(ctx.log());
}

template <TransportKind kKind> vmm::Device* create_virtio_con(vmm::DeviceContext& ctx) {
    const vmm::BackendConnection* batch = usable(ctx, "batch", true);
    const vmm::BackendConnection* putchar = usable(ctx, "putchar", false);
    const vmm::BackendConnection* input = usable(ctx, "serial_getchar", true);
    if (batch == nullptr && putchar == nullptr) {
        refuse(ctx, "no output connection to a SerialServer; expected batch (with a "
                    "batch_shmem_size of 4096 or more) or putchar");
        return nullptr;
    }
    if (input != nullptr && (input->badge_bits == 0 || !ctx.listen(input->badge_bits))) {
        refuse(ctx, "serial_getchar's notification bits are not usable");
        return nullptr;
    }
    VirtioConMmio* device = devices.make(ctx, batch, putchar, input);
    if (device == nullptr) {
        refuse(ctx, "no room for another virtio-console device");
        return nullptr;
    }
    const Front* front = device->install(ctx, kKind);
    if (front == nullptr) return nullptr;
    vmm::LogLine line;
    line << "vmm: " << ctx.name() << ": virtio-console (hvc0) over ";
    front->describe(line);
    line << ", output by " << (batch != nullptr ? "batch" : "putchar")
         << (input != nullptr ? ", input by serial_getchar" : ", no input");
    line.emit(ctx.log());
    return device;
}

} // namespace
} // namespace virtio

// No compatible to be found by: a record that asks for "virtio,mmio" means virtio_net, whose
// type was there first; this one is asked for by name.
BULKHEAD_VMM_DEVICE("virtio_con", nullptr,
                    ::virtio::create_virtio_con<::virtio::TransportKind::Mmio>, "VmVirtioConsole");
BULKHEAD_VMM_DEVICE("virtio_con_pci", nullptr,
                    ::virtio::create_virtio_con<::virtio::TransportKind::Pci>);
