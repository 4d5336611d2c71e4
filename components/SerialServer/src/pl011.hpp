// The board's console UART as the SerialServer drives it: a PL011 (ARM DDI 0183), the
// console kind of every board described so far. Transmit is polled (the FIFO is drained
// as fast as the line goes, which is back-pressure on the clients); receive is by
// interrupt. A board with another console kind gets a driver of its own beside this one.
#pragma once

#include <serial/multiplexer.hpp>

#include <cstddef>
#include <cstdint>

namespace serial_server {

class Pl011 final : public serial::Terminal {
public:
    explicit Pl011(uintptr_t registers)
        // NOLINTNEXTLINE(performance-no-int-to-ptr): the lowering maps the UART there
        : regs_(reinterpret_cast<volatile uint32_t*>(registers)) {}

    void write(std::span<const char> bytes) override {
        for (const char c : bytes) {
            while ((reg(kFr) & kTxFifoFull) != 0) {
            }
            reg(kDr) = static_cast<unsigned char>(c);
        }
    }

    void enable_receive_interrupts() {
        reg(kImsc) = reg(kImsc) | kRxInterrupt | kRxTimeoutInterrupt;
    }
    // serial::Receiver::clear_interrupt (the server drains after it).
    void clear_receive_interrupts() { reg(kIcr) = kRxInterrupt | kRxTimeoutInterrupt; }
    [[nodiscard]] bool readable() { return (reg(kFr) & kRxFifoEmpty) == 0; }
    char read() { return static_cast<char>(reg(kDr) & 0xff); }

private:
    static constexpr std::size_t kDr = 0x000, kFr = 0x018, kImsc = 0x038, kIcr = 0x044;
    static constexpr uint32_t kRxFifoEmpty = 1u << 4, kTxFifoFull = 1u << 5;
    static constexpr uint32_t kRxInterrupt = 1u << 4, kRxTimeoutInterrupt = 1u << 6;

    volatile uint32_t& reg(std::size_t offset) { return regs_[offset / sizeof(uint32_t)]; }

    volatile uint32_t* regs_;
};

} // namespace serial_server
