// kernel_ipc_pingpong: slots and constants shared by the system and its components.
#pragma once

namespace ipc_test {
inline constexpr unsigned kEndpointSlot = 1; // client: send; server: receive
inline constexpr unsigned kPowerSlot = 2;    // client only
inline constexpr unsigned long kClientBadge = 0x1234;
inline constexpr unsigned kRoundTrips = 10000;
} // namespace ipc_test
