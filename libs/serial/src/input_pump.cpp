// Draining the console's receiver into the multiplexer (see input_pump.hpp).
#include <serial/input_pump.hpp>

namespace serial {

void InputPump::service(bool interrupted, Multiplexer& mux, InputSink& sink, Receiver& rx) {
    if (interrupted) {
        pending_ = true;
        rx.clear_interrupt();
    }
    if (!pending_) return;
    if (mux.retry_input(sink)) {
        while (mux.can_take_input() && rx.readable())
            mux.input(rx.read(), sink);
    }
    if (mux.retry_input(sink)) {
        pending_ = false;
        rx.acknowledge();
    }
}

} // namespace serial
