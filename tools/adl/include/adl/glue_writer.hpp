// Per-instance C++ glue: attribute values as typed constants, RPC client stubs
// and server dispatch generated from the procedures, dataport sizes and views,
// and event handles with their badges. The header depends only on libs/base.
#pragma once

#include "adl/spec_lowering.hpp"
#include "adl/system_model.hpp"

#include <string>

namespace adl {

// Throws adl::Error (at the procedure parameter) for a type the glue cannot carry.
// 'lowered' (when given) adds the capability slots and buffer addresses of the instance.
std::string write_glue(const model::System& system, const model::Instance& instance,
                       const LoweredInstance* lowered = nullptr);

} // namespace adl
