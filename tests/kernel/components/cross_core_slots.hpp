// kernel_cross_core: slots, roles and constants shared by the system and its component.
#pragma once

namespace cross_core {
// One domain per role, so every slot number is the role's own.
inline constexpr unsigned kSendSlot = 1; // ping: signals pong's notification; pong, spinner: ping's
inline constexpr unsigned kWaitSlot = 2; // its own notification
inline constexpr unsigned kPowerSlot = 3; // ping only
enum Role : unsigned long { Ping = 0, Pong = 1, Spinner = 2 };
inline constexpr unsigned kRounds = 500;
inline constexpr unsigned long kPingBadge = 0x2;
inline constexpr unsigned long kPongBadge = 0x4;
// The spinner signals ping's notification once it runs, so the round trips start only
// while core 2 is provably taken (a cap-less spinner's signal fails harmlessly).
inline constexpr unsigned long kSpinnerBadge = 0x8;
} // namespace cross_core
