// Where things are in a vchan's shared dataport (docs/VCHAN.md): a control page (magic,
// version, ring size, each end's state, the four ring indexes), then the ring to the guest
// and the ring to the native end, each the largest power of two that fits. Both ends derive
// the layout from the dataport's size, which each learns from its own side (the native end
// from its assembly, the guest from the cross-VM device's DATAPORT_SIZE register): the
// sizes written into the control page are only ever checked, never used.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vchan {

inline constexpr uint32_t kMagic = 0x4e484356; // "VCHN"
inline constexpr uint32_t kVersion = 1;
inline constexpr uint32_t kControlBytes = 4096;
inline constexpr uint32_t kMinRing = 256;

// Byte offsets of the control page's 32-bit words.
namespace control {
inline constexpr uint32_t kMagic = 0x00;
inline constexpr uint32_t kVersion = 0x04;
inline constexpr uint32_t kRingSize = 0x08;   // bytes per ring, as the native end computed it
inline constexpr uint32_t kGeneration = 0x0c; // counts the native end's connections
inline constexpr uint32_t kNativeState = 0x10;
inline constexpr uint32_t kGuestState = 0x14;
inline constexpr uint32_t kToGuestProducer = 0x20;  // written by the native end
inline constexpr uint32_t kToGuestConsumer = 0x24;  // written by the guest
inline constexpr uint32_t kToNativeProducer = 0x28; // written by the guest
inline constexpr uint32_t kToNativeConsumer = 0x2c; // written by the native end
} // namespace control

enum class State : uint32_t { Closed = 0, Open = 1 };

struct Layout {
    uint32_t ring_size = 0; // 0: the dataport holds no vchan
    uint32_t to_guest = 0;  // offset of the ring to the guest
    uint32_t to_native = 0; // offset of the ring to the native end

    [[nodiscard]] constexpr bool valid() const { return ring_size != 0; }

    // The layout in a dataport of `bytes` (rings page aligned, after the control page).
    static constexpr Layout for_dataport(uint64_t bytes) {
        if (bytes < kControlBytes + 2 * uint64_t{kMinRing}) return {};
        const uint64_t room = (bytes - kControlBytes) / 2;
        uint64_t ring = kMinRing;
        while (ring * 2 <= room && ring * 2 <= (uint64_t{1} << 30))
            ring *= 2;
        return {static_cast<uint32_t>(ring), kControlBytes,
                static_cast<uint32_t>(kControlBytes + ring)};
    }
};

static_assert(Layout::for_dataport(69632).ring_size == 32768);
static_assert(Layout::for_dataport(69632).to_native == 4096 + 32768);
static_assert(!Layout::for_dataport(4096).valid());

} // namespace vchan
