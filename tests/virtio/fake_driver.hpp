// Test fake of a virtio driver: plays the guest's side of split virtqueues in a host
// buffer that poses as guest RAM (descriptor table, avail and used rings, and an arena for
// buffers and indirect tables), so tests can offer chains, read what the device used, and
// write any garbage a hostile guest could.
#pragma once

#include <virtio/virtqueue.hpp>
#include <vmm/guest_memory.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace virtio::test {

inline constexpr uint64_t kRamBase = 0x40000000;

struct UsedElem {
    uint32_t id = 0;
    uint32_t len = 0;
};

// One descriptor as the driver writes it.
struct Desc {
    uint64_t addr = 0;
    uint32_t len = 0;
    uint16_t flags = 0;
    uint16_t next = 0;
};

// Host buffer posing as guest RAM at kRamBase: rings are carved from its start for good,
// buffers and indirect tables come from the rest, reused from the beginning when it is full.
class FakeRam {
public:
    explicit FakeRam(std::size_t bytes = std::size_t{4} << 20) : bytes_(bytes) {
        if (!memory_.add_region({GuestPhysAddr(kRamBase), bytes_.size()}, bytes_)) {
            throw std::runtime_error("fake RAM");
        }
    }
    [[nodiscard]] vmm::MappedGuestMemory& memory() { return memory_; }
    [[nodiscard]] const vmm::MappedGuestMemory& memory() const { return memory_; }
    [[nodiscard]] GuestPhysAddr end() const { return GuestPhysAddr(kRamBase + bytes_.size()); }
    GuestPhysAddr carve(uint64_t len, uint64_t align) {
        const GuestPhysAddr at = arena_start_.align_up(align);
        arena_start_ = (at + len).align_up(4096);
        arena_pos_ = arena_start_;
        if (arena_start_ > end()) throw std::runtime_error("fake RAM too small for the rings");
        return at;
    }
    GuestPhysAddr alloc(uint32_t len) {
        GuestPhysAddr at = arena_pos_.align_up(16);
        if (at + len > end()) at = arena_start_;
        arena_pos_ = at + len;
        return at;
    }

private:
    std::vector<std::byte> bytes_;
    vmm::MappedGuestMemory memory_;
    GuestPhysAddr arena_start_{kRamBase};
    GuestPhysAddr arena_pos_{kRamBase};
};

class FakeDriver {
public:
    struct Options {
        uint16_t size = 16;
        bool event_idx = false;
        bool indirect = false;
        std::size_t ram_bytes = std::size_t{4} << 20; // when the driver has RAM of its own
    };

    // A queue in RAM of its own.
    explicit FakeDriver(Options options)
        : own_ram_(std::make_unique<FakeRam>(options.ram_bytes)), ram_(*own_ram_) {
        init(options);
    }
    FakeDriver() : FakeDriver(Options{}) {}
    // A queue in shared RAM (a device with several queues).
    FakeDriver(FakeRam& ram, Options options) : ram_(ram) { init(options); }

    [[nodiscard]] const QueueConfig& config() const { return config_; }
    [[nodiscard]] vmm::MappedGuestMemory& memory() { return ram_.memory(); }
    [[nodiscard]] GuestPhysAddr ram_end() const { return ram_.end(); }

    // ---- guest memory ----
    void write(GuestPhysAddr addr, std::span<const std::byte> data) {
        if (!ram_.memory().write(addr, data)) throw std::runtime_error("fake write outside RAM");
    }
    [[nodiscard]] std::vector<std::byte> read(GuestPhysAddr addr, std::size_t len) const {
        std::vector<std::byte> out(len);
        if (!ram_.memory().read(addr, out)) throw std::runtime_error("fake read outside RAM");
        return out;
    }
    template <class T> void put(GuestPhysAddr addr, T value) {
        write(addr, std::as_bytes(std::span(&value, 1)));
    }
    template <class T> [[nodiscard]] T get(GuestPhysAddr addr) const {
        T value{};
        const auto bytes = read(addr, sizeof(T));
        std::memcpy(&value, bytes.data(), sizeof(T));
        return value;
    }
    GuestPhysAddr alloc(uint32_t len) { return ram_.alloc(len); }
    Desc readable(std::string_view text) {
        const GuestPhysAddr at = alloc(static_cast<uint32_t>(text.size()));
        write(at, std::as_bytes(std::span(text.data(), text.size())));
        return Desc{at.raw(), static_cast<uint32_t>(text.size()), 0, 0};
    }
    Desc writable(uint32_t len) {
        const GuestPhysAddr at = alloc(len);
        const std::vector<std::byte> fill(len, std::byte{0xcc});
        write(at, fill);
        return Desc{at.raw(), len, kDescWrite, 0};
    }
    [[nodiscard]] std::string text(GuestPhysAddr addr, std::size_t len) const {
        const auto bytes = read(addr, len);
        return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
    }

    // ---- the rings, raw ----
    void write_desc(uint16_t index, const Desc& d) { write_desc_at(desc_addr(index), d); }
    void write_desc_at(GuestPhysAddr at, const Desc& d) {
        put<uint64_t>(at, d.addr);
        put<uint32_t>(at + 8, d.len);
        put<uint16_t>(at + 12, d.flags);
        put<uint16_t>(at + 14, d.next);
    }
    [[nodiscard]] GuestPhysAddr desc_addr(uint16_t index) const {
        return config_.desc + kDescSize * index;
    }
    void set_avail_flags(uint16_t flags) { put<uint16_t>(config_.avail, flags); }
    void set_avail_idx(uint16_t idx) { put<uint16_t>(config_.avail + 2, avail_idx_ = idx); }
    void set_avail_entry(uint16_t slot, uint16_t head) {
        put<uint16_t>(config_.avail + 4 + 2 * uint64_t{slot}, head);
    }
    void set_used_event(uint16_t idx) {
        put<uint16_t>(config_.avail + 4 + 2 * uint64_t{config_.size}, idx);
    }
    [[nodiscard]] uint16_t avail_idx() const { return avail_idx_; }
    [[nodiscard]] uint16_t used_flags() const { return get<uint16_t>(config_.used); }
    [[nodiscard]] uint16_t used_idx() const { return get<uint16_t>(config_.used + 2); }
    [[nodiscard]] uint16_t avail_event() const {
        return get<uint16_t>(config_.used + 4 + 8 * uint64_t{config_.size});
    }
    // Puts `head` in the next avail slot and publishes it.
    void publish(uint16_t head) {
        set_avail_entry(avail_idx_ & (config_.size - 1), head);
        std::atomic_thread_fence(std::memory_order_release);
        set_avail_idx(static_cast<uint16_t>(avail_idx_ + 1));
    }

    // ---- chains, as a well-behaved driver builds them ----
    // Writes `descs` into free descriptors linked by NEXT (their own NEXT/next are set
    // here) and returns the head; nullopt when the table is too full.
    std::optional<uint16_t> add_chain(std::vector<Desc> descs) {
        if (descs.empty() || descs.size() > free_.size()) return std::nullopt;
        std::vector<uint16_t> taken;
        for (std::size_t i = 0; i < descs.size(); ++i) {
            taken.push_back(free_.back());
            free_.pop_back();
        }
        for (std::size_t i = 0; i < descs.size(); ++i) {
            Desc d = descs[i];
            d.flags = static_cast<uint16_t>(d.flags & ~kDescNext);
            if (i + 1 < descs.size()) {
                d.flags |= kDescNext;
                d.next = taken[i + 1];
            }
            write_desc(taken[i], d);
        }
        owned_[taken[0]] = taken;
        return taken[0];
    }
    // The same chain in an indirect table behind one descriptor.
    std::optional<uint16_t> add_indirect(std::vector<Desc> descs) {
        const auto table_len = static_cast<uint32_t>(kDescSize * descs.size());
        const GuestPhysAddr table = alloc(table_len);
        for (std::size_t i = 0; i < descs.size(); ++i) {
            Desc d = descs[i];
            d.flags = static_cast<uint16_t>(d.flags & ~kDescNext);
            if (i + 1 < descs.size()) {
                d.flags |= kDescNext;
                d.next = static_cast<uint16_t>(i + 1);
            }
            write_desc_at(table + kDescSize * i, d);
        }
        return add_chain({Desc{table.raw(), table_len, kDescIndirect, 0}});
    }
    std::optional<uint16_t> offer(std::vector<Desc> descs) {
        const auto head = add_chain(std::move(descs));
        if (head) publish(*head);
        return head;
    }

    // The next used element, its descriptors back on the free list; nullopt when the
    // device has used nothing new.
    std::optional<UsedElem> take_used() {
        if (used_idx() == last_used_) return std::nullopt;
        std::atomic_thread_fence(std::memory_order_acquire);
        const GuestPhysAddr elem =
            config_.used + 4 + 8 * static_cast<uint64_t>(last_used_ & (config_.size - 1));
        const UsedElem e{get<uint32_t>(elem), get<uint32_t>(elem + 4)};
        ++last_used_;
        const auto it = owned_.find(static_cast<uint16_t>(e.id));
        if (it != owned_.end()) {
            for (uint16_t d : it->second)
                free_.push_back(d);
            owned_.erase(it);
        }
        return e;
    }

    // The driver's side of available-buffer notification suppression after publishing
    // from `old_idx` to avail_idx(): does the device want a kick?
    [[nodiscard]] bool kick_needed(uint16_t old_idx) const {
        if (config_.event_idx) return vring_need_event(avail_event(), avail_idx_, old_idx);
        return (used_flags() & kUsedNoNotify) == 0;
    }

private:
    void init(const Options& options) {
        const uint16_t n = options.size;
        config_.size = n;
        config_.indirect = options.indirect;
        config_.event_idx = options.event_idx;
        config_.desc = ram_.carve(desc_table_bytes(n), kDescAlign);
        config_.avail = ram_.carve(avail_ring_bytes(n), kAvailAlign);
        config_.used = ram_.carve(used_ring_bytes(n), 4096);
        for (unsigned i = n; i > 0; --i)
            free_.push_back(static_cast<uint16_t>(i - 1));
    }

    std::unique_ptr<FakeRam> own_ram_;
    FakeRam& ram_;
    QueueConfig config_{};
    uint16_t avail_idx_ = 0;
    uint16_t last_used_ = 0;
    std::vector<uint16_t> free_;
    std::map<uint16_t, std::vector<uint16_t>> owned_;
};

// Starts `queue` of a device model at the fake driver's rings, as a transport does when
// the driver sets the queue ready.
template <class Device>
[[nodiscard]] QueueError start_queue(Device& device, unsigned queue, const FakeDriver& d) {
    const QueueConfig& c = d.config();
    return device.start_queue(queue, c.desc, c.avail, c.used, c.size);
}

} // namespace virtio::test
