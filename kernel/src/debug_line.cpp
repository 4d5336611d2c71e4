// A thread's unfinished debug-console line (see debug_line.hpp).
#include "debug_line.hpp"

namespace kernel {

void DebugLine::write(std::span<const char> piece, bool more, Sink sink) {
    if (!more) {
        flush(sink);
        for (const char c : piece)
            sink(c);
        return;
    }
    for (const char c : piece) {
        if (used_ == sizeof bytes_) flush(sink);
        bytes_[used_++] = c;
    }
}

void DebugLine::flush(Sink sink) {
    for (unsigned i = 0; i < used_; ++i)
        sink(bytes_[i]);
    used_ = 0;
}

} // namespace kernel
