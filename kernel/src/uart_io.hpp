// Register access of the kernel's console UART drivers on the target: 32-bit device
// accesses at a byte offset from the UART's base.
#pragma once

#include "sysreg.hpp"
#include "uart_driver.hpp"

namespace kernel::console {

struct UartIo {
    uint64_t base;
    explicit UartIo(const UartPort& port) : base(port.base) {}
    uint32_t read32(uint32_t off) const { return arch::mmio_read<uint32_t>(base + off); }
    void write32(uint32_t off, uint32_t v) const { arch::mmio_write<uint32_t>(base + off, v); }
};

} // namespace kernel::console
