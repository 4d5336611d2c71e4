// kernel_isolation: slots, acts and constants shared by the system and components.
#pragma once

namespace isolation_test {
// Attacker threads: arg = the act it commits.
enum Act : unsigned long {
    ReadForeignMemory = 1, // an IPA nothing maps in its domain (another domain's PA)
    ExecuteData = 2,       // jump into its own data page (mapped execute-never)
    UndefinedInstruction = 3,
    WriteOwnCode = 4,      // its code is mapped read+execute only
    CapNotHeldFaults = 5,  // a thread with cap faults on invokes an empty slot
    InvokeCapsNotHeld = 6, // empty slot, wrong type...: error codes, no fault
    FaultWithoutHandler = 7,
};
inline constexpr unsigned kFaultingActs = 5; // acts 1..5 reach the supervisor
inline constexpr unsigned long kForeignAddress = 0x60400000;
// attacker slots
inline constexpr unsigned kAttackerNotificationSlot = 1; // a notification it holds
inline constexpr unsigned kAttackerSendOnlySlot = 2;     // an endpoint it may only send on
// supervisor slots
inline constexpr unsigned kFaultEndpointSlot = 1;
inline constexpr unsigned kEchoSlot = 2;
inline constexpr unsigned kPowerSlot = 3;
// echo slots
inline constexpr unsigned kEchoServeSlot = 1;
} // namespace isolation_test
