// A VM instance's guest memory layout, read from linux_address_config and
// linux_image_config and validated at build time: numbers parse, RAM/DTB/initrd
// are aligned, fit in guest RAM and do not overlap. Errors name the attribute.
#pragma once

#include "adl/system_model.hpp"

#include <optional>

namespace adl {

// The arm64 boot protocol: the DTB sits on an 8-byte boundary and is at most 2 MiB.
inline constexpr uint64_t dtb_max_size = uint64_t{2} << 20;

// nullopt for components that are not VMs (no linux_address_config declared).
std::optional<model::VmConfig> read_vm_layout(const model::Instance& instance);

} // namespace adl
