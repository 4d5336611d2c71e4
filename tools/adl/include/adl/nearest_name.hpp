// Typo suggestions for error messages: the known name nearest to what was written.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace adl {

// Levenshtein distance: insertions, deletions and substitutions of one character.
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to 'name' if it is near enough to be a likely typo, else "".
std::string nearest_name(std::string_view name, const std::vector<std::string_view>& candidates);

} // namespace adl
