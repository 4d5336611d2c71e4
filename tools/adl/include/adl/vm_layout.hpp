// A VM instance's model, read from linux_address_config and linux_image_config and
// validated at build time: the numbers parse here; the layout rules (alignment, RAM/DTB/
// initrd inside guest RAM and apart) are the VMM's own (vmm/guest_ram_layout.hpp), run
// here so that what builds also boots. Errors name the attribute.
#pragma once

#include "adl/system_model.hpp"

#include <optional>

namespace adl {

// nullopt for components that are not VMs (no linux_address_config declared).
std::optional<model::VmConfig> read_vm_layout(const model::Instance& instance);

} // namespace adl
