// Capability slots and guest layout of the kernel_vcpu_linux test (Debian's Linux on
// one vCPU, driven by a minimal VMM built from libs/vmm).
#pragma once

#include <cstdint>

namespace vcpu_linux {
inline constexpr unsigned kExitSlot = 1; // exit endpoint; the UART notification is bound
inline constexpr unsigned kVcpuSlot = 2;
inline constexpr unsigned kPowerSlot = 3;
inline constexpr unsigned kUartIrqSlot = 4;
inline constexpr uint64_t kUartBadge = 1;
inline constexpr unsigned kUartIrq = 33;
inline constexpr uint64_t kRamBase = 0x40000000;
inline constexpr uint64_t kRamSize = 0x20000000;
inline constexpr uint64_t kImage = 0x40200000;
inline constexpr uint64_t kInitrd = 0x4d700000;
inline constexpr uint64_t kDtb = 0x4f000000;
inline constexpr uint64_t kGicd = 0x08000000;
inline constexpr uint64_t kGicc = 0x08010000;
inline constexpr uint64_t kUart = 0x09000000;
} // namespace vcpu_linux
