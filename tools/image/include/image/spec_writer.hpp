// Serialises a laid-out system into the binary spec (spec/system_spec.hpp).
#pragma once

#include "image/memory_layout.hpp"

#include <cstdint>
#include <vector>

namespace image {

uint64_t spec_size(const SystemDescription& system);
// Throws std::runtime_error if the result does not pass spec::validate.
std::vector<uint8_t> write_spec(const SystemDescription& system, const Layout& layout);

} // namespace image
