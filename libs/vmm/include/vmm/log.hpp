// Where the VM library's diagnostics go: one complete line at a time to a sink the
// component (console) or a test (recording fake) provides. Lines are built in a fixed
// buffer so that logging needs no heap on the target.
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

} // namespace vmm
