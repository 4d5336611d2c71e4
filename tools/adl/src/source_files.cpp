// Cache of original source lines (see source_files.hpp).
#include "adl/source_files.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace adl {

namespace {
std::vector<std::string> split_lines(std::string_view text) {
    std::vector<std::string> lines;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos) {
            lines.emplace_back(text.substr(start));
            break;
        }
        lines.emplace_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}
} // namespace

std::map<std::string, std::vector<std::string>>& SourceFiles::files() {
    static std::map<std::string, std::vector<std::string>> cache;
    return cache;
}

void SourceFiles::add(const std::string& name, std::string_view text) {
    files()[name] = split_lines(text);
}

std::optional<std::string> SourceFiles::line(const std::string& name, uint32_t line) {
    auto& cache = files();
    auto it = cache.find(name);
    if (it == cache.end()) {
        // Only regular files of sane size: a line marker may name anything (/dev/zero).
        constexpr uintmax_t max_size = 16u << 20;
        std::error_code ec;
        if (name.empty() || !std::filesystem::is_regular_file(name, ec) ||
            std::filesystem::file_size(name, ec) > max_size || ec) {
            return std::nullopt;
        }
        std::ifstream in(name, std::ios::binary);
        if (!in) {
            return std::nullopt;
        }
        std::ostringstream content;
        content << in.rdbuf();
        it = cache.emplace(name, split_lines(content.str())).first;
    }
    if (line == 0 || line > it->second.size()) {
        return std::nullopt;
    }
    return it->second[line - 1];
}

} // namespace adl
