// Formatting of ADL build errors (see diagnostic.hpp).
#include "adl/diagnostic.hpp"

#include "adl/source_files.hpp"

namespace adl {

Error::Error(SourceLocation where, std::string message)
    : std::runtime_error(where.str() + ": error: " + message), where_(std::move(where)),
      message_(std::move(message)) {}

std::string render(const Error& error) {
    std::string out = error.what();
    out += '\n';
    const auto& w = error.where();
    if (auto text = SourceFiles::line(w.file, w.line)) {
        out += "    " + *text + "\n";
        if (w.column > 0 && w.column <= text->size() + 1) {
            std::string caret = "    ";
            for (uint32_t i = 1; i < w.column; ++i) {
                caret += (*text)[i - 1] == '\t' ? '\t' : ' ';
            }
            out += caret + "^\n";
        }
    }
    return out;
}

std::string quote(std::string_view text) {
    constexpr size_t max_len = 60;
    std::string shown;
    for (char c : text.substr(0, max_len)) {
        if (c == '\n') {
            shown += "\\n";
        } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            shown += '?';
        } else {
            shown += c;
        }
    }
    if (text.size() > max_len) {
        shown += "...";
    }
    return "'" + shown + "'";
}

} // namespace adl
