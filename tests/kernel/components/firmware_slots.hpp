// kernel_firmware_call: slots shared by the system and its component.
#pragma once

namespace firmware_test {
inline constexpr unsigned kFirmwareSlot = 1;
inline constexpr unsigned kPowerSlot = 2;
inline constexpr unsigned kNotFirmwareSlot = 2; // the system-control cap, of the wrong type
inline constexpr unsigned kEmptySlot = 7;
} // namespace firmware_test
