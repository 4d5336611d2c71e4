// The text report of a resolved system: components and their attributes,
// connections, the physical and guest memory map, IRQs, and the settings that
// are accepted for compatibility but have no effect.
#pragma once

#include "adl/spec_lowering.hpp"
#include "adl/system_model.hpp"

#include <string>

namespace adl {

// 'lowered' (when given) adds the kernel objects: domains, capability slots, mappings.
std::string write_report(const model::System& system,
                         const std::vector<LoweredInstance>* lowered = nullptr);

} // namespace adl
