// A thread's unfinished debug-console line: the pieces DebugWrite brought with
// call_abi::kDebugWriteMore, held in the thread until the call that ends the line, which
// writes it all at once (under the kernel lock), so output from other cores cannot fall
// into the middle of the line. No heap: a fixed buffer in each Thread.
#pragma once

#include <spec/call_abi.hpp>

#include <cstdint>
#include <span>

namespace kernel {

class DebugLine {
public:
    using Sink = void (*)(char);

    // `piece` after what is held: kept (more == true) or written with it to `sink`. What
    // does not fit the buffer is written first: a line longer than it is split, not cut.
    void write(std::span<const char> piece, bool more, Sink sink);
    // Writes what is held (the thread stops with its line unfinished).
    void flush(Sink sink);
    [[nodiscard]] unsigned held() const { return used_; }

private:
    char bytes_[call_abi::kDebugLineMax] = {};
    uint16_t used_ = 0;
};

} // namespace kernel
