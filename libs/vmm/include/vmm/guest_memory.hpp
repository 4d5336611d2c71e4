// Guest-physical memory as the VMM sees it: reads and writes by IPA, each checked to
// lie entirely inside memory the VMM has mapped, so a guest-supplied address can never
// make the VMM touch anything else.
#pragma once

#include <base/address.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>

namespace vmm {

using base::GuestPhysAddr;
using base::GuestPhysRange;

class GuestMemory {
public:
    // False (and nothing copied) when any byte of the access is not backed.
    [[nodiscard]] virtual bool read(GuestPhysAddr addr, std::span<std::byte> out) const = 0;
    [[nodiscard]] virtual bool write(GuestPhysAddr addr, std::span<const std::byte> in) = 0;
    // Direct access to a backed range (for loading images without a bounce copy);
    // empty when the range is not entirely backed.
    [[nodiscard]] virtual std::span<std::byte> window(GuestPhysRange range) = 0;

    // Little-endian scalar helpers (the guest is little-endian, as the VMM).
    template <class T> [[nodiscard]] std::optional<T> read_scalar(GuestPhysAddr addr) const {
        T value{};
        if (!read(addr, std::as_writable_bytes(std::span(&value, 1)))) return std::nullopt;
        return value;
    }
    template <class T> [[nodiscard]] bool write_scalar(GuestPhysAddr addr, T value) {
        return write(addr, std::as_bytes(std::span(&value, 1)));
    }

protected:
    ~GuestMemory() = default;
};

// Guest memory made of regions the VMM has mapped into its own address space (on the
// target: guest RAM frames mapped by the system spec; on the host: test buffers).
class MappedGuestMemory final : public GuestMemory {
public:
    static constexpr std::size_t kMaxRegions = 8;

    // False when the table is full or the range overlaps an existing region or
    // the buffer's size differs from the range's.
    [[nodiscard]] bool add_region(GuestPhysRange range, std::span<std::byte> backing);

    [[nodiscard]] bool read(GuestPhysAddr addr, std::span<std::byte> out) const override;
    [[nodiscard]] bool write(GuestPhysAddr addr, std::span<const std::byte> in) override;
    [[nodiscard]] std::span<std::byte> window(GuestPhysRange range) override;

private:
    struct Region {
        GuestPhysRange range;
        std::byte* host = nullptr;
    };
    [[nodiscard]] const Region* find(GuestPhysRange range) const;

    std::array<Region, kMaxRegions> regions_{};
    std::size_t count_ = 0;
};

} // namespace vmm
