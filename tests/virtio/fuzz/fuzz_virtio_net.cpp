// libFuzzer target: a guest driving the virtio-mmio window of a virtio-net device (any
// register, any size, any order) over fuzzed RAM holding its rings, while frames arrive,
// the link flaps, the backend fills up and the guest rewrites RAM. Invariants (trap on
// failure): a frame handed to the backend is never larger than the device's limit, the
// interrupt line follows InterruptStatus, and NEEDS_RESET once set stays until status 0;
// ASan catches any access outside the fake RAM's buffer.
#include <virtio/mmio.hpp>
#include <virtio/net.hpp>
#include <vmm/guest_memory.hpp>

#include "../../vmm/fuzz/fuzz_support.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace {

constexpr uint64_t kRamBase = 0x40000000;
constexpr std::size_t kRamSize = 16384;

class Line final : public virtio::IrqLine {
public:
    void set_level(bool h) override { high = h; }
    bool high = false;
};

class Backend final : public virtio::NetBackend {
public:
    bool can_send() override { return room > 0; }
    bool send(std::span<const std::byte> frame) override {
        if (frame.size() > virtio::NetDevice::kMaxFrameBytes || frame.empty()) __builtin_trap();
        if (room == 0) return false;
        --room;
        return true;
    }
    unsigned room = 2;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    vmm::fuzz::OpsAndRam input(data, size, kRamBase, kRamSize);
    vmm::MappedGuestMemory& memory = input.memory;
    std::vector<std::byte>& ram = input.ram;

    Line line;
    Backend backend;
    vmm::fuzz::NullLog log;
    virtio::VirtioMmio transport("fuzz_net", line, log);
    virtio::NetDevice net(memory, backend, transport, {2, 0, 0, 0, 0, 1});
    transport.attach(net);

    std::array<std::byte, 2048> frame{};
    for (std::size_t i = 0; i < frame.size(); ++i)
        frame[i] = std::byte(static_cast<uint8_t>(i));
    for (vmm::fuzz::Op o{}; input.next(o);) {
        const auto [op, width, offset, value] = o;
        const bool needs_reset = (transport.status() & virtio::kStatusNeedsReset) != 0;
        bool wrote_status = false; // status 0: the one way to clear NEEDS_RESET
        switch (op % 8) {
        case 0: {
            uint64_t out = 0;
            (void)transport.read(offset % 0x200, width, 0, out);
            break;
        }
        case 1:
        case 2: // writes twice as likely: they drive the state machine
            (void)transport.write(offset % 0x200, width, 0, value);
            wrote_status = offset % 0x200 == virtio::mmio::kStatus && width == 4 && value == 0;
            break;
        case 3:
            (void)net.receive(std::span(frame).first(value % frame.size()));
            break;
        case 4:
            net.set_link((value & 1) != 0);
            break;
        case 5: // the guest changes RAM under the device
            std::memcpy(ram.data() + offset % (kRamSize - 4), &value, 4);
            break;
        case 6:
            backend.room = value % 4;
            net.backend_ready();
            break;
        case 7:
            (void)net.rx_ready();
            break;
        default:
            break;
        }
        if (line.high != (transport.interrupt_status() != 0)) __builtin_trap();
        if (needs_reset && !wrote_status && (transport.status() & virtio::kStatusNeedsReset) == 0) {
            __builtin_trap();
        }
    }
    return 0;
}
