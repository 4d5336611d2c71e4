// The receive side of a PL011 for test drivers at EL0 (registers per ARM DDI 0183): enable
// the receive interrupts, then after each interrupt clear it and drain the FIFO into lines.
// Used by the kernel's IRQ test driver and by the assembly-built hardware_uart driver.
#pragma once

#include <cstddef>
#include <cstdint>

namespace test_support {

class Pl011Receiver {
public:
    explicit Pl011Receiver(volatile uint32_t* registers) : regs_(registers) {}

    void enable_interrupts() { reg(kImsc) = reg(kImsc) | kRxInterrupt | kRxTimeoutInterrupt; }

    // After an interrupt: clears it first (a character arriving after the last FIFO check
    // then raises a fresh interrupt instead of having its interrupt cleared), then drains the
    // FIFO, calling on_line(text) for each non-empty line. Returns the lines completed.
    template <class OnLine> unsigned drain(OnLine&& on_line) {
        reg(kIcr) = kRxInterrupt | kRxTimeoutInterrupt;
        unsigned lines = 0;
        while ((reg(kFr) & kRxFifoEmpty) == 0) {
            const char c = static_cast<char>(reg(kDr) & 0xff);
            if (c == '\r' || c == '\n') {
                if (len_ == 0) continue;
                line_[len_] = '\0';
                on_line(static_cast<const char*>(line_));
                len_ = 0;
                ++lines;
            } else if (len_ + 1 < sizeof line_) {
                line_[len_++] = c;
            }
        }
        return lines;
    }

private:
    static constexpr std::size_t kDr = 0x000, kFr = 0x018, kImsc = 0x038, kIcr = 0x044;
    static constexpr uint32_t kRxFifoEmpty = 1u << 4;
    static constexpr uint32_t kRxInterrupt = 1u << 4, kRxTimeoutInterrupt = 1u << 6;

    volatile uint32_t& reg(std::size_t offset) { return regs_[offset / sizeof(uint32_t)]; }

    volatile uint32_t* regs_;
    char line_[64] = {};
    std::size_t len_ = 0;
};

} // namespace test_support
