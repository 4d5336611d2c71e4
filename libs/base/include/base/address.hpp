// Strong address types: guest-physical (IPA), physical and virtual addresses are
// distinct types so that mixing them is a compile error, not a silent bug.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>

namespace base {

template <class Tag> class Address {
public:
    constexpr Address() = default;
    constexpr explicit Address(uint64_t value) : value_(value) {}

    [[nodiscard]] constexpr uint64_t raw() const { return value_; }

    constexpr Address operator+(uint64_t offset) const { return Address(value_ + offset); }
    constexpr Address operator-(uint64_t offset) const { return Address(value_ - offset); }
    constexpr Address& operator+=(uint64_t offset) {
        value_ += offset;
        return *this;
    }
    // Distance between two addresses of the same kind.
    constexpr uint64_t operator-(Address other) const { return value_ - other.value_; }
    // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads a defaulted <=>
    constexpr auto operator<=>(const Address&) const = default;

    [[nodiscard]] constexpr bool aligned(uint64_t alignment) const {
        return (value_ & (alignment - 1)) == 0;
    }
    [[nodiscard]] constexpr Address align_down(uint64_t alignment) const {
        return Address(value_ & ~(alignment - 1));
    }
    [[nodiscard]] constexpr Address align_up(uint64_t alignment) const {
        return Address((value_ + alignment - 1) & ~(alignment - 1));
    }

private:
    uint64_t value_ = 0;
};

struct GuestPhysTag {};
struct PhysTag {};
struct VirtTag {};

using GuestPhysAddr = Address<GuestPhysTag>; // an IPA: what the guest believes is physical
using PhysAddr = Address<PhysTag>;           // a real bus address on the board
using VirtAddr = Address<VirtTag>;           // an address in some stage-1 address space

// A half-open range [base, base + size) of one address kind.
template <class Addr> struct Range {
    Addr base{};
    uint64_t size = 0;

    [[nodiscard]] constexpr Addr end() const { return base + size; }
    [[nodiscard]] constexpr bool contains(Addr a) const { return a >= base && a - base < size; }
    [[nodiscard]] constexpr bool contains(Range other) const {
        return other.base >= base && other.size <= size && other.base - base <= size - other.size;
    }
    [[nodiscard]] constexpr bool overlaps(Range other) const {
        return size != 0 && other.size != 0 && base < other.end() && other.base < end();
    }
};

using GuestPhysRange = Range<GuestPhysAddr>;
using PhysRange = Range<PhysAddr>;

} // namespace base
