// Ring benchmark (host, not a test: prints figures, asserts nothing): echoes 1514-byte
// frames between two "components" over two 32 KiB rings between components, as the VMM
// and PingClient do (driver send -> device pop, copy out, push -> reply on the other ring
// -> pop, copy out, push -> both drivers reclaim), in batches of 1, 4 and 16 frames, and
// prints nanoseconds per round trip and frames per second each way on this host.
#include <virtio/shared_ring.hpp>
#include <virtio/virtqueue.hpp>
#include <virtio/virtqueue_driver.hpp>

#include <array>
#include <chrono>
#include <cstdio>
#include <vector>

namespace {

struct Ring {
    explicit Ring(std::size_t bytes) : storage(bytes) {
        layout = *virtio::SharedRingLayout::for_buffer(bytes);
        if (!driver_side.attach(storage) || !device_side.attach(storage) ||
            !driver.configure(driver_side.memory(), layout) ||
            device.configure(layout.queue_config()) != virtio::QueueError::None) {
            std::puts("bench_ring: ring set-up failed");
        }
    }
    std::vector<std::byte> storage;
    virtio::SharedRingLayout layout{};
    virtio::SharedBuffer driver_side;
    virtio::SharedBuffer device_side;
    virtio::VirtqueueDriver driver;
    virtio::Virtqueue device{device_side.memory()};
};

// The device end takes every frame waiting, copies it out and returns its buffers.
std::size_t drain(Ring& r, std::span<std::byte> frame, std::span<virtio::Segment> segments) {
    std::size_t n = 0;
    while (auto chain = r.device.pop(segments)) {
        (void)virtio::read_from_chain(r.device_side.memory(), *chain, 0, frame);
        (void)r.device.push(*chain, 0);
        ++n;
    }
    return n;
}

} // namespace

int main() {
    constexpr std::size_t kFrame = 1514;
    constexpr std::size_t kRounds = 200000;
    std::array<std::byte, kFrame> frame{};
    std::array<virtio::Segment, 16> segments{};
    for (std::size_t batch : {1u, 4u, 16u}) {
        Ring to_peer(32768);
        Ring to_vm(32768);
        const auto start = std::chrono::steady_clock::now();
        std::size_t echoed = 0;
        for (std::size_t i = 0; i < kRounds / batch; ++i) {
            for (std::size_t k = 0; k < batch; ++k)
                (void)to_peer.driver.send(frame);
            const std::size_t got = drain(to_peer, frame, segments);
            for (std::size_t k = 0; k < got; ++k)
                (void)to_vm.driver.send(frame);
            echoed += drain(to_vm, frame, segments);
            (void)to_peer.driver.reclaim();
            (void)to_vm.driver.reclaim();
        }
        const double ns =
            std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start)
                .count();
        std::printf("bench_ring: 1514-byte frames echoed over two 32 KiB rings, batches of %2zu: "
                    "%7.0f ns per round trip, %.2f M frames/s each way (%zu echoed)\n",
                    batch, ns / static_cast<double>(echoed), static_cast<double>(echoed) * 1e3 / ns,
                    echoed);
    }
    return 0;
}
