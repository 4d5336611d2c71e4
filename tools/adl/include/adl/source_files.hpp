// The original text of every file the front end has seen, by name, so diagnostics
// can quote a line and token columns can be recovered after cpp has reflowed it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace adl {

class SourceFiles {
public:
    // Makes 'text' the content of 'name' (in-memory sources, tests, the fuzzer).
    static void add(const std::string& name, std::string_view text);
    // Line 'line' (1-based) of 'name', read from disk on first use.
    static std::optional<std::string> line(const std::string& name, uint32_t line);

private:
    static std::map<std::string, std::vector<std::string>>& files();
};

} // namespace adl
