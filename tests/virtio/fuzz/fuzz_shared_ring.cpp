// libFuzzer target: both sides of a ring between components (virtio::VirtqueueDriver and
// virtio::Virtqueue over one shared buffer, as PingClient and the VMM use it), driven by
// fuzzed operations while a third party (a corrupt peer) rewrites any byte of the buffer.
// Invariants (trap on failure): the driver never writes the used ring; the device writes
// only the used ring and writable segments of chains it holds; popped segments lie inside
// the buffer; the driver never has more chains in flight than the ring holds, and gets
// back no more written bytes than it offered. ASan catches any access outside the buffer
// (allocated to its exact size).
#include <virtio/shared_ring.hpp>
#include <virtio/virtqueue.hpp>
#include <virtio/virtqueue_driver.hpp>
#include <vmm/guest_memory.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

namespace {

constexpr std::size_t kBuffer = 8192;

enum Op : uint8_t { Send, Post, Reclaim, Pop, Push, Corrupt, Suppress, Notify, Restart, kOps };

struct Held {
    virtio::Chain chain;
    std::vector<virtio::Segment> segments;
};

// The shared buffer as one side sees it, checking where that side writes.
class Side final : public vmm::GuestMemory {
public:
    Side(std::span<std::byte> buffer, bool device, const virtio::SharedRingLayout& l)
        : device_(device), used_{vmm::GuestPhysAddr(l.used), virtio::used_ring_bytes(l.size)} {
        if (!inner_.add_region({vmm::GuestPhysAddr(0), buffer.size()}, buffer)) __builtin_trap();
    }
    bool read(vmm::GuestPhysAddr addr, std::span<std::byte> out) const override {
        return inner_.read(addr, out);
    }
    bool write(vmm::GuestPhysAddr addr, std::span<const std::byte> in) override {
        const vmm::GuestPhysRange range{addr, in.size()};
        if (!device_) {
            if (range.overlaps(used_)) __builtin_trap();
        } else {
            bool allowed = used_.contains(range);
            for (const Held& h : held) {
                for (const virtio::Segment& s : h.segments) {
                    if (s.writable && vmm::GuestPhysRange{s.addr, s.len}.contains(range))
                        allowed = true;
                }
            }
            if (!allowed) __builtin_trap();
        }
        return inner_.write(addr, in);
    }
    std::span<std::byte> window(vmm::GuestPhysRange range) override { return inner_.window(range); }

    std::deque<Held> held; // device: chains popped and not pushed

private:
    bool device_;
    vmm::GuestPhysRange used_;
    vmm::MappedGuestMemory inner_;
};

class Sink final : public virtio::UsedSink {
public:
    void used(std::span<const std::byte> written) override { bytes += written.size(); }
    uint64_t bytes = 0;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const auto layout = virtio::SharedRingLayout::for_buffer(kBuffer);
    if (!layout) __builtin_trap();
    const std::unique_ptr<std::byte[]> storage(new std::byte[kBuffer]());
    const std::span<std::byte> buffer(storage.get(), kBuffer);
    Side driver_side(buffer, false, *layout);
    Side device_side(buffer, true, *layout);
    virtio::VirtqueueDriver driver;
    virtio::Virtqueue device(device_side);
    auto restart = [&] {
        device_side.held.clear();
        (void)driver.configure(driver_side, *layout);
        (void)device.configure(layout->queue_config());
    };
    restart();
    uint64_t posted = 0;
    std::array<std::byte, 4096> bytes{};
    std::array<virtio::Segment, 32> storage_segments{};
    for (std::size_t i = 0; i + 3 <= size; i += 3) {
        const uint8_t op = data[i] % kOps;
        const uint16_t arg = static_cast<uint16_t>(data[i + 1] | data[i + 2] << 8);
        switch (op) {
        case Send: {
            const std::size_t n = arg % bytes.size() + 1;
            (void)driver.send(std::span(bytes).first(n));
            break;
        }
        case Post:
            if (driver.post(arg % 3000 + 1) == virtio::SendResult::Sent) posted += arg % 3000 + 1;
            break;
        case Reclaim: {
            Sink sink;
            (void)driver.reclaim(&sink);
            if (sink.bytes > posted) __builtin_trap();
            posted -= sink.bytes;
            break;
        }
        case Pop: {
            if (device_side.held.size() >= 64) break;
            const auto chain = device.pop(storage_segments);
            if (!chain) break;
            for (const virtio::Segment& s : chain->segments) {
                if (device_side.window({s.addr, s.len}).empty()) __builtin_trap();
            }
            (void)virtio::read_from_chain(device_side, *chain, 0, bytes);
            Held h{*chain, {chain->segments.begin(), chain->segments.end()}};
            h.chain.segments = h.segments;
            device_side.held.push_back(std::move(h));
            break;
        }
        case Push: {
            if (device_side.held.empty()) break;
            Held& h = device_side.held.front();
            const uint32_t written =
                h.chain.writable_bytes == 0 ? 0 : arg % (h.chain.writable_bytes + 1);
            const std::size_t copied = virtio::write_to_chain(
                device_side, h.chain, 0,
                std::span(bytes).first(std::min<std::size_t>(written, bytes.size())));
            (void)device.push(h.chain, static_cast<uint32_t>(copied));
            device_side.held.pop_front();
            break;
        }
        case Corrupt:
            buffer[arg % kBuffer] = std::byte(data[i + 1] ^ data[i + 2]);
            break;
        case Suppress:
            if ((arg & 1) != 0) {
                device.disable_notifications();
            } else {
                (void)device.enable_notifications();
            }
            (void)device.should_interrupt();
            break;
        case Notify:
            (void)driver.should_notify();
            break;
        case Restart:
            restart();
            posted = 0;
            break;
        default:
            break;
        }
        if (driver.in_flight() > layout->size) __builtin_trap();
    }
    return 0;
}
