// Typo suggestions (see nearest_name.hpp).
#include "adl/nearest_name.hpp"

#include <algorithm>

namespace adl {

size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t above = row[j];
            row[j] =
                std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0U : 1U)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::string nearest_name(std::string_view name, const std::vector<std::string_view>& candidates) {
    // Beyond a third of the name's length a "suggestion" is a guess; say nothing then.
    const size_t limit = std::max<size_t>(2, name.size() / 3);
    size_t best = limit + 1;
    std::string found;
    for (auto c : candidates) {
        const size_t d = edit_distance(name, c);
        if (d < best) {
            best = d;
            found = c;
        }
    }
    return found;
}

} // namespace adl
