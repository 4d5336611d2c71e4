// A Graphviz picture of the assembly: instances, connections, passed-through devices.
#pragma once

#include "adl/system_model.hpp"

#include <string>

namespace adl {

std::string write_dot(const model::System& system);

} // namespace adl
