// The character ring a SerialServer client shares with the server, one page per direction,
// in upstream's layout (global-components' SerialServer, camkes-vm's virtio_con): head and
// tail as 32-bit words, then 4088 bytes. The producer writes at tail, the consumer reads at
// head; one byte stays free so full and empty differ. The peer is not trusted: an index
// outside the ring makes the ring `broken()` and it moves nothing any more.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace serial {

class CharRing {
public:
    static constexpr std::size_t kPageBytes = 0x1000;
    static constexpr uint32_t kCapacity = kPageBytes - 2 * sizeof(uint32_t); // 4088

    CharRing() = default;
    // `page` must be at least kPageBytes long (else the ring is broken from the start).
    explicit CharRing(std::span<std::byte> page)
        : page_(page.size() >= kPageBytes ? page.data() : nullptr) {}

    [[nodiscard]] bool valid() const { return page_ != nullptr; }
    [[nodiscard]] bool broken() const { return broken_; }

    // Producer side: appends as many of `bytes` as fit; returns how many.
    std::size_t write(std::span<const char> bytes);
    // Consumer side: takes up to `out.size()` bytes; returns how many.
    std::size_t read(std::span<char> out);
    // Bytes waiting (consumer's view) and room left (producer's view).
    [[nodiscard]] uint32_t used();
    [[nodiscard]] uint32_t free_space();
    // Both indices to 0 (the owner of the page starting over, e.g. a guest reset).
    void clear();

private:
    [[nodiscard]] bool indices(uint32_t& head, uint32_t& tail);
    [[nodiscard]] uint32_t load(std::size_t offset) const;
    void store(std::size_t offset, uint32_t value);

    std::byte* page_ = nullptr;
    bool broken_ = false;
};

} // namespace serial
