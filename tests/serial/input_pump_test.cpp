// The SerialServer's receive side (serial::InputPump) against a fake UART whose interrupt
// line is level-triggered and masked by the "kernel" when it fires, as on the board: no
// input may be stranded with the line masked and nobody left to unmask it.
#include <serial/input_pump.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

struct Screen final : serial::Terminal {
    std::string text;
    void write(std::span<const char> bytes) override { text.append(bytes.data(), bytes.size()); }
};

struct Inputs final : serial::InputSink {
    std::string got;
    std::size_t room = 1000;
    bool deliver(unsigned, char byte) override {
        if (room == 0) return false;
        --room;
        got += byte;
        return true;
    }
};

// A UART with a one-byte receive FIFO fed from `line`; `late` arrives only once the
// drain has seen the FIFO empty (a character typed during the server's work).
struct FakeUart final : serial::Receiver {
    std::string line;
    std::string late;
    bool fifo_full = false;
    char fifo = 0;
    bool masked = false;
    int acks = 0;

    void refill() {
        if (fifo_full) return;
        if (!line.empty()) {
            fifo = line.front();
            line.erase(0, 1);
            fifo_full = true;
        }
    }
    void clear_interrupt() override {}
    bool readable() override {
        refill();
        if (!fifo_full && !late.empty()) {
            line = late; // after this check: the drain ends, then the byte is there
            late.clear();
            return false;
        }
        return fifo_full;
    }
    char read() override {
        fifo_full = false;
        return fifo;
    }
    void acknowledge() override {
        masked = false;
        ++acks;
    }
    // The level-triggered line: asserted while a byte waits.
    [[nodiscard]] bool asserted() {
        refill();
        return fifo_full;
    }
    // What the kernel does: an unmasked, asserted line fires once and is masked.
    bool fire() {
        if (masked || !asserted()) return false;
        masked = true;
        return true;
    }
};

// Runs the server's interrupt loop until the line stays quiet.
void run_interrupts(serial::InputPump& pump, serial::Multiplexer& mux, Inputs& in, FakeUart& u) {
    for (int i = 0; i < 100 && u.fire(); ++i)
        pump.service(true, mux, in, u);
}

TEST(InputPump, ACharacterArrivingAfterTheDrainInterruptsAgain) {
    Screen screen;
    serial::Multiplexer mux(screen);
    (void)mux.add_client("echo");
    Inputs in;
    FakeUart uart;
    serial::InputPump pump;
    pump.service(false, mux, in, uart); // the first call: nothing typed yet
    uart.line = "hel";
    uart.late = "lo\n";
    run_interrupts(pump, mux, in, uart);
    // The late bytes were taken: the line was unmasked although the FIFO was not empty
    // at the end of the drain (the client, missing its newline, makes no call).
    EXPECT_EQ(in.got, "hello\n");
    EXPECT_FALSE(uart.masked);
}

TEST(InputPump, AFullClientKeepsTheLineMaskedUntilACallFindsRoom) {
    Screen screen;
    serial::Multiplexer mux(screen);
    (void)mux.add_client("echo");
    Inputs in;
    in.room = 2;
    FakeUart uart;
    serial::InputPump pump;
    pump.service(false, mux, in, uart);
    uart.line = "abcd\n";
    run_interrupts(pump, mux, in, uart);
    EXPECT_EQ(in.got, "ab");
    EXPECT_TRUE(uart.masked); // back-pressure: the rest waits in the UART
    const int acks = uart.acks;
    pump.service(false, mux, in, uart); // a call, still no room
    EXPECT_EQ(uart.acks, acks);
    in.room = 100;
    pump.service(false, mux, in, uart); // a call after the client read its ring
    run_interrupts(pump, mux, in, uart);
    EXPECT_EQ(in.got, "abcd\n");
    EXPECT_FALSE(uart.masked);
}

} // namespace
