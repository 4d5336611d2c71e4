// Capability slots of the kernel_boot test component (shared with its system).
#pragma once

namespace hello {
inline constexpr unsigned kPowerSlot = 1;
}
