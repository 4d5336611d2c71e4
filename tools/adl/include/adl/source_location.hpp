// Where a piece of ADL text came from: the original file, line and column after
// cpp's line markers have been mapped back.
#pragma once

#include <cstdint>
#include <string>

namespace adl {

struct SourceLocation {
    std::string file;
    uint32_t line = 0;   // 1-based; 0 when unknown
    uint32_t column = 0; // 1-based; 0 when unknown

    [[nodiscard]] std::string str() const {
        return file + ":" + std::to_string(line) + ":" + std::to_string(column);
    }
};

} // namespace adl
