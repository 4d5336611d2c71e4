// The Vchan component (Vchan.camkes): the native end of one vchan to a VM. It serves
// VchanInterface to its client (the payload in `share_mem`), owns the native side of the
// rings in `vm_ring` (libs/vchan's Channel, which checks every index the guest writes),
// signals the VM whenever it moved bytes, and passes the guest's doorbells on to the client.
// A guest that writes an impossible index stops the channel until the client connects
// again; that is logged, rate-limited (vmm::GuestEventLimit), and the client is answered
// -32 meanwhile.
#include "Vchan_glue.hpp"

#include <runtime/capabilities.hpp>
#include <runtime/debug_print.hpp>
#include <runtime/rpc_transport.hpp>

#include <vchan/channel.hpp>
#include <vmm/log.hpp>

#include <cstdint>
#include <span>
#include <string_view>

using namespace runtime;
using Self = bulkhead::glue::Vchan::Instance;

namespace {

constexpr int32_t kNotConnected = -107, kBadSize = -22, kStopped = -32;

class ConsoleSink final : public vmm::LogSink {
public:
    void line(std::string_view text) override { out() << text << "\n"; }
};

class Service {
public:
    Service(const Self& self, vchan::Channel channel)
        : self_(self), channel_(channel), buffer_(self.share_mem_buffer().span()),
          faults_(sink_, "vchan faults") {}

    int32_t new_connection(uint64_t, int32_t domain, int32_t port) {
        channel_.connect();
        connected_ = true;
        reported_ = false;
        out() << "vchan: connected (domain " << Dec{static_cast<uint64_t>(domain)} << ", port "
              << Dec{static_cast<uint64_t>(port)} << "), generation " << Dec{channel_.generation()}
              << ", rings of " << Dec{channel_.layout().ring_size} << " bytes\n";
        to_vm();
        return 0;
    }
    int32_t rem_connection(uint64_t, int32_t, int32_t) {
        channel_.close();
        connected_ = false;
        to_vm();
        return 0;
    }
    int64_t send(uint64_t, uint64_t size) {
        if (const int32_t e = usable(size); e != 0) return e;
        const std::size_t n = channel_.send(buffer_.first(size));
        return moved(n);
    }
    int64_t receive(uint64_t, uint64_t size) {
        if (const int32_t e = usable(size); e != 0) return e;
        const std::size_t n = channel_.receive(buffer_.first(size));
        return moved(n);
    }
    int32_t buffer_state(uint64_t, int64_t& data_ready, int64_t& buffer_space) {
        data_ready = buffer_space = 0;
        if (const int32_t e = usable(0); e != 0) return e;
        data_ready = channel_.data_ready();
        buffer_space = channel_.buffer_space();
        return checked();
    }
    int32_t status(uint64_t) {
        if (!connected_) return 0;
        if (checked() != 0) return kStopped;
        return channel_.peer_open() ? 1 : 2;
    }

    // The guest rang: look at the rings now (a lie is found and logged without waiting for
    // the client) and wake the client.
    void doorbell() {
        if (connected_ && !channel_.stopped()) {
            (void)channel_.data_ready();
            (void)channel_.buffer_space();
            (void)checked();
        }
        if (self_.vevent_cl_connected())
            (void)NotificationCap(Slot{self_.vevent_cl_slot()}).signal();
    }

private:
    int32_t usable(uint64_t size) {
        if (!connected_) return kNotConnected;
        if (size > buffer_.size()) return kBadSize;
        return checked();
    }
    int64_t moved(std::size_t n) {
        if (const int32_t e = checked(); e != 0) return e;
        if (n != 0) to_vm();
        return static_cast<int64_t>(n);
    }
    // -32 once the channel stopped, logged the first time (rate-limited across stops).
    int32_t checked() {
        if (!channel_.stopped()) return 0;
        if (!reported_ && faults_.admit()) {
            // The first line short: the kernel writes 56 bytes at once, so it is never
            // split by another component's output (the tests look for it).
            vmm::LogLine line;
            line << "vchan: channel stopped: the guest wrote " << vmm::Hex{channel_.bad_value()};
            line.emit(sink_);
            vmm::LogLine why;
            why << "vchan: in " << channel_.stopped_ring() << ": "
                << vchan::describe(channel_.fault()) << "; until the client connects again";
            why.emit(sink_);
        }
        reported_ = true;
        return kStopped;
    }
    void to_vm() const {
        if (self_.vevent_vm_connected())
            (void)NotificationCap(Slot{self_.vevent_vm_slot()}).signal();
    }

    const Self& self_;
    vchan::Channel channel_;
    std::span<std::byte> buffer_;
    ConsoleSink sink_;
    vmm::GuestEventLimit faults_;
    bool connected_ = false;
    bool reported_ = false;
};

} // namespace

extern "C" void component_main(uint64_t) {
    static const Self self = Self::mapped();
    if (!self.valid() || !self.vchan_com_connected() || !self.share_mem_connected() ||
        !self.vm_ring_connected()) {
        out() << "vchan: bad instance page or connections\n";
        exit();
    }
    const std::span<std::byte> ring = self.vm_ring_buffer().span();
    const vchan::Channel channel(reinterpret_cast<volatile uint8_t*>(ring.data()), ring.size(),
                                 vchan::Side::Native);
    if (!channel.valid()) {
        out() << "vchan: vm_ring (" << Dec{ring.size()} << " bytes) holds no vchan\n";
        exit();
    }
    static Service service(self, channel);
    out() << "vchan: serving VchanInterface (" << Dec{ring.size()} << "-byte dataport)\n";
    serve(
        self.vchan_com_cap(),
        [](uint64_t badge, base::RpcMessage& m) {
            return bulkhead::glue::Vchan::vchan_com_dispatch(service, badge, m);
        },
        [](uint64_t bits) {
            if (self.vm_event_connected() && (bits & self.vm_event_badge()) != 0)
                service.doorbell();
        });
}
