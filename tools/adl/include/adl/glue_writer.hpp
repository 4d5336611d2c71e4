// Per-instance C++ glue: attribute values as typed constants, RPC client stubs
// and server dispatch generated from the procedures, dataport sizes and views,
// and event handles with their badges. The header depends only on libs/base.
#pragma once

#include "adl/system_model.hpp"

#include <string>

namespace adl {

// Throws adl::Error (at the procedure parameter) for a type the glue cannot carry.
std::string write_glue(const model::System& system, const model::Instance& instance);

} // namespace adl
