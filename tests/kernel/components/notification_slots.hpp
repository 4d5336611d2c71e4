// kernel_notifications: slots and roles shared by the system and components.
#pragma once

namespace notification_test {
// waiter domain ("waiter" and "server" threads)
inline constexpr unsigned kWaitSlot = 1; // notification N, receive
inline constexpr unsigned kPowerSlot = 2;
inline constexpr unsigned kServeSlot = 3; // endpoint E, receive (server)
// signaller domain: slots 1..3 signal N with badges 1, 2, 4 (a signaller's arg is
// its slot); the binder uses the rest.
inline constexpr unsigned kDoneSlot = 4;  // N with badge 8
inline constexpr unsigned kBoundSlot = 5; // B (bound to the server) badge 0x10
inline constexpr unsigned kCallSlot = 6;  // E, badge 5
inline constexpr unsigned long kRoleWaiter = 100;
inline constexpr unsigned long kRoleServer = 101;
inline constexpr unsigned long kRoleBinder = 102;
} // namespace notification_test
