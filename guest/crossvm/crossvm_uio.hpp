// A cross-VM link as a guest program reaches it through uio_pci_generic: /dev/uioN for the
// interrupt (read blocks until one; writing 1 unmasks INTx), and the PCI function's BARs
// through sysfs (/sys/class/uio/uioN/device/resource0: the registers, resource1: the
// dataport's frames, mapped shared: the same memory the native component sees).
// The registers are libs/crossvm's (crossvm/registers.hpp).
#pragma once

#include "program.hpp"

#include <crossvm/registers.hpp>

#include <cstddef>
#include <cstdint>

namespace guest {

struct CrossvmLink {
    int uio = -1;                           // /dev/uioN
    int config = -1;                        // its PCI configuration space (sysfs)
    volatile uint32_t* registers = nullptr; // BAR0
    volatile uint8_t* dataport = nullptr;   // BAR1 (when asked for)
    size_t dataport_size = 0;
};

// Opens `dev` (/dev/uioN) and maps its registers, and with `want_dataport` its dataport
// (at most `size` bytes of it; 0: all). Exits with a message on failure.
CrossvmLink open_link(const char* dev, bool want_dataport, size_t size = 0);
uint32_t reg(const CrossvmLink& link, uint32_t offset);
// Clears the command register's Interrupt Disable, which uio_pci_generic's handler sets
// (Linux 6.1's driver has no irqcontrol: writing to /dev/uioN does not do it).
void unmask_interrupt(const CrossvmLink& link);
void set_reg(const CrossvmLink& link, uint32_t offset, uint32_t value);
// Waits until the native component's event is pending on the link (uio's read blocks until
// the next interrupt), acknowledges it and says so as `program`.
void wait_event(const CrossvmLink& link, const char* program);
// The virtual counter (readable at EL0 under Linux) and its frequency, for timing.
struct Counter {
    uint64_t ticks;
    uint64_t frequency;
};
Counter counter();

} // namespace guest
