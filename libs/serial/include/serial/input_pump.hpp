// The console's receive side as the SerialServer runs it: the UART's receiver drained into
// the Multiplexer after each interrupt (and retried after each call while a client had no
// room), and the interrupt line unmasked exactly when nothing is held back. Host-tested
// with a fake receiver (tests/serial/input_pump_test.cpp).
#pragma once

#include <serial/multiplexer.hpp>

namespace serial {

// The UART's receiver and its interrupt line (the kernel masks the line when it fires).
class Receiver {
public:
    // Before draining: a character arriving after the last check then raises a fresh
    // interrupt instead of having its interrupt cleared.
    virtual void clear_interrupt() = 0;
    [[nodiscard]] virtual bool readable() = 0;
    virtual char read() = 0;
    // Unmasks the line (the IRQ handler's ack).
    virtual void acknowledge() = 0;

protected:
    ~Receiver() = default;
};

class InputPump {
public:
    // After every interrupt (`interrupted`) and every call: held input first, then the
    // receiver as far as the multiplexer takes it. The line is unmasked whenever nothing
    // is held, even if a character arrived after the drain: the line is level-triggered,
    // so that character interrupts again at once. Leaving it masked would wait for a call
    // that may never come (a client waiting for the rest of its line makes none). While
    // input is held for a full client the line stays masked (back-pressure: the FIFO and
    // the character backend keep the rest) until a later call finds room.
    void service(bool interrupted, Multiplexer& mux, InputSink& sink, Receiver& rx);

private:
    bool pending_ = true; // input may be waiting from before the server started
};

} // namespace serial
