// The VM library's log lines go to the kernel's debug console, one line per call.
#pragma once

#include <vmm/log.hpp>

#include <runtime/debug_print.hpp>

class ConsoleLog final : public vmm::LogSink {
public:
    void line(std::string_view text) override {
        base::TextWriter& w = runtime::out();
        for (const char c : text)
            w << c;
        w << '\n';
    }
};
