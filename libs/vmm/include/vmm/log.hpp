// Where the VM library's diagnostics go: one complete line at a time to a sink the
// component (console) or a test (recording fake) provides. Lines are built in a fixed
// buffer so that logging needs no heap on the target.
//
// What a guest can trigger as often as it likes (an access nothing backs, an instruction
// the VMM cannot decode, a trapped system register, a hypercall nobody answers) goes
// through a GuestEventLimit per kind: the first few events get their own line, then
// only a count, once every time the number of events reaches a power of two.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vmm {

class LogSink {
public:
    virtual void line(std::string_view text) = 0;

protected:
    ~LogSink() = default;
};

struct Hex {
    uint64_t value;
};
struct Dec {
    int64_t value;
};

// Builds one line; text that does not fit is cut (a log line is never worth a fault).
class LogLine {
public:
    static constexpr std::size_t kCapacity = 200;

    LogLine& operator<<(std::string_view text);
    LogLine& operator<<(char c);
    LogLine& operator<<(Hex h);
    LogLine& operator<<(Dec d);

    [[nodiscard]] std::string_view view() const { return {buffer_, length_}; }
    void emit(LogSink& sink) const { sink.line(view()); }

private:
    char buffer_[kCapacity]{};
    std::size_t length_ = 0;
};

// Rate limit for one kind of guest-triggered log line. No timers: counted per event.
class GuestEventLimit {
public:
    static constexpr uint64_t kVerbose = 5; // events logged in full

    // `what` names the events in the summary ("unhandled guest accesses").
    constexpr GuestEventLimit(LogSink& log, std::string_view what) : log_(log), what_(what) {}

    // Counts one event. True: log it in full now. False: it is only counted; when the
    // count reaches a power of two a summary line says how many went unlogged since
    // the last one: "vmm: 3 more unhandled guest accesses suppressed (8 in all)".
    [[nodiscard]] bool admit();
    [[nodiscard]] uint64_t count() const { return count_; }
    [[nodiscard]] LogSink& sink() const { return log_; }

private:
    LogSink& log_;
    std::string_view what_;
    uint64_t count_ = 0;
    uint64_t suppressed_ = 0; // since the last summary
};

} // namespace vmm
