// The boot info block sits 8 bytes after the kernel's entry point (the entry is a
// branch over it). The image packer fills it in, so one kernel binary finds its
// spec and its debug console on every board before it trusts anything in the spec.
#pragma once

#include <cstdint>

namespace spec {

inline constexpr char kBootInfoMagic[8] = {'B', 'H', 'D', 'B', 'O', 'O', 'T', '1'};
inline constexpr uint64_t kBootInfoOffsetFromEntry = 8;

// The kernel console's UART: ARM PL011 (QEMU virt), NS16550/8250 (Tegra, with its
// register shift), Cadence UART (ZynqMP), i.MX UART (i.MX6/7/8). Each has its own driver in
// the kernel.
enum class ConsoleKind : uint32_t { None = 0, Pl011 = 1, Ns16550 = 2, Cadence = 3, Imx = 4 };
inline constexpr uint32_t kConsoleKinds = 5; // ConsoleKind values

struct BootInfo {
    char magic[8];
    uint64_t spec_phys;  // where the packer put the spec
    uint64_t spec_bytes; // how many bytes of it the image holds
    uint64_t console_base;
    uint32_t console_kind;      // ConsoleKind
    uint32_t console_reg_shift; // register i at console_base + (i << shift) (NS16550)
};
static_assert(sizeof(BootInfo) == 40);

} // namespace spec
