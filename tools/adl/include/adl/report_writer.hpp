// The text report of a resolved system: components and their attributes,
// connections, the physical and guest memory map, IRQs, and the settings that
// are accepted for compatibility but have no effect.
#pragma once

#include "adl/system_model.hpp"

#include <string>

namespace adl {

// `objects` (when not empty) is the report's last section, the kernel objects the
// lowering made (tools/lowering's write_objects_report).
std::string write_report(const model::System& system, const std::string& objects = {});

} // namespace adl
