// Test fake for the VM library's log: keeps every line for the test to inspect.
#pragma once

#include <vmm/log.hpp>

#include <string>
#include <vector>

namespace vmm::test {

class RecordingLog final : public LogSink {
public:
    std::vector<std::string> lines;
    void line(std::string_view text) override { lines.emplace_back(text); }
    // Whether a line was exactly `text`.
    [[nodiscard]] bool has(std::string_view text) const {
        for (const auto& l : lines)
            if (l == text) return true;
        return false;
    }
};

} // namespace vmm::test
