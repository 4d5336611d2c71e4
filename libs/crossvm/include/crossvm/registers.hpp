// The cross-VM PCI function's interface as a guest sees it: IDs, BARs and BAR0's
// registers. Shared by the VMM's model (crossvm_function.hpp) and the guest programs
// (guest/crossvm), so both sides use one layout. No dependencies: it builds for Linux
// user space too.
#pragma once

#include <cstdint>

namespace crossvm {

// BAR0: 32-bit registers, 4-byte aligned accesses only.
namespace reg {
inline constexpr uint32_t kId = 0x00;           // RO kIdValue
inline constexpr uint32_t kVersion = 0x04;      // RO 1
inline constexpr uint32_t kDataportSize = 0x08; // RO bytes of shared frames behind BAR1
inline constexpr uint32_t kFeatures = 0x0c;     // RO kFeatureEmits | kFeatureConsumes
inline constexpr uint32_t kDoorbell = 0x10;     // WO any value: the VM emits its event
inline constexpr uint32_t kStatus = 0x14;       // RO kStatusEvent while an event is pending
inline constexpr uint32_t kAck = 0x18;          // WO kStatusEvent: the event is taken
inline constexpr uint32_t kEmitted = 0x1c;      // RO doorbells rung since reset
inline constexpr uint32_t kReceived = 0x20;     // RO events consumed since reset
} // namespace reg
inline constexpr uint32_t kIdValue = 0x4d565843; // "CXVM"
inline constexpr uint32_t kFeatureEmits = 1;
inline constexpr uint32_t kFeatureConsumes = 2;
inline constexpr uint32_t kStatusEvent = 1;
inline constexpr unsigned kRegisterBar = 0;
inline constexpr unsigned kDataportBar = 1;
inline constexpr uint32_t kRegisterBarSize = 4096;
// The largest dataport a BAR shows: half the VM's 1 MiB PCI memory window, which the
// register BARs and other functions share.
inline constexpr uint64_t kMaxDataport = uint64_t{512} << 10;
// Project-local IDs (no registered vendor); class "other" (0xff). The guest binds
// uio_pci_generic to them through its new_id file.
inline constexpr uint16_t kVendorId = 0x4248;
inline constexpr uint16_t kDeviceId = 0x0001;
inline constexpr uint32_t kClassCode = 0xff0000;

} // namespace crossvm
