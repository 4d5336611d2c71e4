// libFuzzer target: the device side of a split virtqueue over fuzzed guest RAM and a
// fuzzed queue configuration, with a device that pops, reads, writes and pushes while the
// "guest" keeps scribbling on RAM. Invariants (trap on failure): every device write lands
// in the used ring or a writable segment of a chain the device holds; every popped
// segment lies inside RAM and outside the ring areas; ASan catches any access outside
// the fake RAM's buffer.
#include <virtio/virtqueue.hpp>
#include <vmm/guest_memory.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <vector>

namespace {

constexpr uint64_t kRamBase = 0x40000000;
constexpr std::size_t kRamSize = 8192;
constexpr std::size_t kHeader = 9; // size log2, flags, desc, avail, used (u16 each), op count

// Guest memory that checks where the device writes.
class CheckedMemory final : public vmm::GuestMemory {
public:
    explicit CheckedMemory(std::span<std::byte> ram) {
        if (!inner_.add_region({vmm::GuestPhysAddr(kRamBase), ram.size()}, ram)) __builtin_trap();
    }
    bool read(vmm::GuestPhysAddr addr, std::span<std::byte> out) const override {
        return inner_.read(addr, out);
    }
    bool write(vmm::GuestPhysAddr addr, std::span<const std::byte> in) override {
        const vmm::GuestPhysRange range{addr, in.size()};
        bool allowed = used_.contains(range);
        for (const Held& chain : held) {
            for (const virtio::Segment& s : chain.segments) {
                if (s.writable && vmm::GuestPhysRange{s.addr, s.len}.contains(range))
                    allowed = true;
            }
        }
        if (!allowed) __builtin_trap();
        return inner_.write(addr, in);
    }
    std::span<std::byte> window(vmm::GuestPhysRange range) override { return inner_.window(range); }

    void set_used(vmm::GuestPhysRange used) { used_ = used; }
    struct Held {
        uint16_t head;
        std::vector<virtio::Segment> segments;
    };
    std::deque<Held> held; // chains the device holds

private:
    vmm::MappedGuestMemory inner_;
    vmm::GuestPhysRange used_{};
};

uint16_t u16(const uint8_t* p) {
    return static_cast<uint16_t>(p[0] | p[1] << 8);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < kHeader) return 0;
    virtio::QueueConfig config;
    config.size = static_cast<uint16_t>(1u << (data[0] % 11)); // 1..1024
    config.indirect = (data[1] & 1) != 0;
    config.event_idx = (data[1] & 2) != 0;
    // Offsets from 4 KiB below RAM, so areas can start outside or run off its end.
    const uint64_t origin = kRamBase - 0x1000;
    config.desc = vmm::GuestPhysAddr(origin + u16(data + 2));
    config.avail = vmm::GuestPhysAddr(origin + u16(data + 4));
    config.used = vmm::GuestPhysAddr(origin + u16(data + 6));
    const std::size_t num_ops = data[8];
    const std::size_t ops_bytes = std::min(size - kHeader, num_ops * 4);
    const uint8_t* ops = data + kHeader;
    const uint8_t* image = ops + ops_bytes;
    const std::size_t image_size = std::min(size - kHeader - ops_bytes, kRamSize);

    std::vector<std::byte> ram(kRamSize);
    std::memcpy(ram.data(), image, image_size);
    CheckedMemory memory(ram);
    virtio::Virtqueue queue(memory);
    auto configure = [&] {
        if (queue.configure(config) == virtio::QueueError::None) {
            memory.set_used({config.used, virtio::used_ring_bytes(config.size)});
        }
        memory.held.clear();
    };
    configure();

    std::array<virtio::Segment, 16> storage{};
    std::array<std::byte, 2048> bounce{};
    for (std::size_t i = 0; i + 4 <= ops_bytes; i += 4) {
        const uint8_t op = ops[i];
        const uint8_t arg = ops[i + 1];
        const uint16_t value = u16(ops + i + 2);
        switch (op % 8) {
        case 0: {
            const auto chain = queue.pop(std::span(storage).first(1 + arg % storage.size()));
            if (!chain) break;
            const vmm::GuestPhysRange areas[] = {
                {config.desc, virtio::desc_table_bytes(config.size)},
                {config.avail, virtio::avail_ring_bytes(config.size)},
                {config.used, virtio::used_ring_bytes(config.size)}};
            const vmm::GuestPhysRange ram_range{vmm::GuestPhysAddr(kRamBase), kRamSize};
            bool seen_writable = false;
            for (const virtio::Segment& s : chain->segments) {
                const vmm::GuestPhysRange r{s.addr, s.len};
                if (s.len == 0 || !ram_range.contains(r)) __builtin_trap();
                for (const auto& area : areas) {
                    if (area.overlaps(r)) __builtin_trap();
                }
                if (seen_writable && !s.writable) __builtin_trap();
                seen_writable = seen_writable || s.writable;
            }
            memory.held.push_back({chain->head, {chain->segments.begin(), chain->segments.end()}});
            virtio::Chain held = *chain;
            held.segments = memory.held.back().segments;
            (void)virtio::read_from_chain(memory, held, value % 64, bounce);
            break;
        }
        case 1: {
            if (memory.held.empty()) break;
            virtio::Chain chain{};
            chain.head = memory.held.front().head;
            chain.segments = memory.held.front().segments;
            for (const virtio::Segment& s : chain.segments) {
                if (s.writable) {
                    chain.writable_bytes += s.len;
                } else {
                    chain.readable_bytes += s.len;
                    ++chain.num_readable;
                }
            }
            const std::size_t n = std::min<std::size_t>(value, bounce.size());
            const std::size_t written = virtio::write_to_chain(
                memory, chain, arg % 8, std::span<const std::byte>(bounce).first(n));
            // Now and then more than was written, which the queue must refuse.
            (void)queue.push(chain, static_cast<uint32_t>(written + (arg == 0xff ? 1 : 0)));
            memory.held.pop_front();
            break;
        }
        case 2:
            (void)queue.should_interrupt();
            break;
        case 3:
            if ((arg & 1) != 0) {
                (void)queue.enable_notifications();
            } else {
                queue.disable_notifications();
            }
            break;
        case 4: // the guest changes a byte under the device's feet
            ram[value % kRamSize] = std::byte{arg};
            break;
        case 5:
            (void)queue.has_available();
            break;
        case 6:
            if (arg == 0x5a) configure();
            break;
        case 7: // a device bug: any head
            if (arg == 0xa5) (void)queue.push(value, 0);
            break;
        default:
            break;
        }
    }
    return 0;
}
