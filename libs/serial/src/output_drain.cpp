// Clients' output rings into the Multiplexer, in turns (see output_drain.hpp).
#include <serial/output_drain.hpp>

namespace serial {

uint32_t OutputDrain::drain(std::span<CharRing> rings, Multiplexer& mux, uint32_t which,
                            Partial partial) {
    const auto count = static_cast<unsigned>(rings.size() < 32 ? rings.size() : 32);
    uint32_t active = 0;
    for (unsigned c = 0; c < count; ++c)
        if ((which & (1u << c)) != 0 && rings[c].valid()) active |= 1u << c;
    const uint32_t asked = active;
    uint32_t brought = 0; // clients whose ring had bytes
    char chunk[Multiplexer::kStaging];
    while (active != 0) {
        // One turn: each active client's staging topped up from its ring, then the complete
        // lines written round-robin (Multiplexer::pump), which makes room for the next turn.
        for (unsigned c = 0; c < count; ++c) {
            if ((active & (1u << c)) == 0) continue;
            const std::size_t room = Multiplexer::kStaging - mux.staged(c);
            if (room == 0) continue;
            const std::size_t n = rings[c].read({chunk, room});
            if (n == 0) {
                active &= ~(1u << c);
                continue;
            }
            (void)mux.feed(c, {chunk, n}); // n <= room: all of it is taken
            brought |= 1u << c;
        }
        mux.pump();
    }
    uint32_t broken = 0;
    for (unsigned c = 0; c < count; ++c) {
        if ((asked & (1u << c)) == 0) continue;
        if (rings[c].broken()) broken |= 1u << c;
        if (partial == Partial::Write || (brought & (1u << c)) == 0) mux.flush_partial(c);
    }
    return broken;
}

uint32_t OutputDrain::woken(std::span<const uint64_t> wake_bits, uint64_t notified) {
    uint32_t out = 0;
    for (std::size_t c = 0; c < wake_bits.size() && c < 32; ++c)
        if (wake_bits[c] != 0 && (notified & wake_bits[c]) != 0) out |= 1u << c;
    return out;
}

} // namespace serial
