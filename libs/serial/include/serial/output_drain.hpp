// The console's transmit side as the SerialServer runs it: clients' output rings drained
// into the Multiplexer, either for one client (its synchronous batch() call) or for every
// client whose wake-up bit arrived (its asynchronous "my ring has output" signal). Several
// rings are taken in turns of at most one staging buffer each, so a flooding client's full
// ring cannot keep another's line waiting behind it. Host-tested with fake rings
// (tests/serial/output_drain_test.cpp).
#pragma once

#include <serial/char_ring.hpp>
#include <serial/multiplexer.hpp>

#include <cstdint>
#include <span>

namespace serial {

class OutputDrain {
public:
    // When what a client has without a newline (a prompt, an echoed key, a line whose
    // CR LF comes in the next write) is written; until then it waits in the client's
    // staging, so the line goes out whole, once, with one name.
    enum class Partial {
        // A wake-up: the client's ring has output. Held while the ring brought bytes (the
        // rest of the line may follow; a tty writes a line and its CR LF apart); written
        // by a wake-up that finds the ring empty (the client has nothing more for now).
        UnlessBytesCame,
        // A batch() call: the client wants everything out now.
        Write,
    };

    // rings[i] is client i's output ring (an invalid ring: the client has none). Drains
    // the rings of the clients in `which` (bit i: client i) until they are empty, writing
    // complete lines as they form (and a staging buffer full without a newline as a line
    // of its own), then what each has without a newline as `partial` says. Returns the
    // clients whose ring turned out broken (an index outside the ring).
    static uint32_t drain(std::span<CharRing> rings, Multiplexer& mux, uint32_t which,
                          Partial partial);
    // The clients of `wake_bits` (wake_bits[i]: client i's bit in the server's bound
    // notification, 0: none) that `notified` names.
    static uint32_t woken(std::span<const uint64_t> wake_bits, uint64_t notified);
};

} // namespace serial
