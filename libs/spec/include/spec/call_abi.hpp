// The kernel call ABI shared by the kernel and the component runtime.
// `svc #0` with x8 = Call number; x0 = capability slot (or argument), x1 = badge or
// argument, x2..x7 = message registers MR0..MR5. On return x0 = Status, x1 = badge
// (receive) or value (poll/wait), x2..x7 = message registers.
#pragma once

#include <cstdint>

namespace call_abi {

inline constexpr unsigned kMessageRegisters = 6;
inline constexpr unsigned kDebugWriteMax = 56; // bytes DebugWrite carries in x1..x7
// DebugWrite's x0 flag: the line goes on in a later call. The kernel holds these bytes
// for the calling thread (up to kDebugLineMax) and writes them with the call that ends
// the line, so another core's output cannot fall into the middle of it.
inline constexpr uint64_t kDebugWriteMore = uint64_t{1} << 63;
inline constexpr unsigned kDebugLineMax = 256; // held per thread; a longer line is split
inline constexpr unsigned kEntropyBytes = 32;  // what one Entropy call returns, in x1..x4

enum class Call : uint64_t {
    Call = 0,      // x0 ep slot, MRs -> blocks for the reply; MRs = reply
    ReplyRecv = 1, // reply to the current caller (if any), then Recv on x0
    Send = 2,      // x0 ep slot, MRs; blocks until a receiver takes it
    Recv = 3,      // x0 ep slot -> x1 badge, MRs (or Status::Notified, x1 bits)
    Reply = 4,     // MRs to the current caller
    Signal = 5,    // x0 notification slot
    Wait = 6,      // x0 notification slot -> x1 bits
    Poll = 7,      // x0 notification slot -> x1 bits (0: none), never blocks
    IrqAck = 8,    // x0 irq handler slot: unmask the line again
    ThreadSuspend = 9,
    ThreadResume = 10,
    Yield = 11,
    DebugPutChar = 12, // x0 character; debug builds only
    SystemOff = 13,    // x0 system-control slot: PSCI SYSTEM_OFF
    Exit = 14,         // the calling thread stops (as if suspended)
    DebugWrite = 15,   // x0 length (<= 56) | kDebugWriteMore, bytes in x1..x7 (LE); debug only
    // vCPUs (spec/vcpu_abi.hpp); x0 = Vcpu capability slot.
    VcpuReadRegister = 16,      // x1 vcpu_abi::Reg -> x1 value
    VcpuWriteRegister = 17,     // x1 vcpu_abi::Reg, MR0 (x2) value
    VcpuResume = 18,            // start (or restart) a suspended vCPU
    VcpuSuspend = 19,           // stop it (an exit it is blocked in is cancelled)
    VcpuWriteListRegister = 20, // x1 index (< ListRegisterCount), MR0 GICH_LR word;
                                // index = ListRegisterCount with 0 clears the kernel's (reset)
    // Up to six registers in one call: x1 holds their vcpu_abi::Reg numbers, one per
    // byte from the lowest (byte i <-> MR i), the first 0xff byte ends the list.
    VcpuReadRegisters = 21,  // x1 list -> MR0..MR5 values (stops at the first bad number)
    VcpuWriteRegisters = 22, // x1 list, MR0..MR5 values (in order; stops at the first bad one)
    // x0 Firmware capability slot, x1 SMCCC function ID, MR0..MR5 (x2..x7) its arguments
    // x1..x6 -> x1..x4 the firmware's x0..x3 (x1 = -1, NOT_SUPPORTED, when there is no
    // firmware); InvalidArgument for a function the kernel does not forward.
    FirmwareCall = 23,
    // x0 Mapping capability slot, x1 IPA (page aligned, the whole mapping inside its
    // window) or kMappingRemoved: the movable mapping is removed from where it was and
    // placed there. InvalidArgument (and left removed) when the IPA is refused or
    // another mapping of the domain is in the way.
    MappingMove = 24,
    // -> x1..x4 the next 32 bytes of the calling domain's entropy stream (little-endian), from
    // the boot loader's /chosen/rng-seed (kernel/src/boot_entropy.hpp); NoEntropy when it
    // gave none. No capability: a domain's stream tells it nothing about another's.
    Entropy = 25,
    Count
};

// MappingMove's IPA for "nowhere": the mapping is removed.
inline constexpr uint64_t kMappingRemoved = ~uint64_t{0};

// VcpuReadRegisters / VcpuWriteRegisters: a list byte that ends the list.
inline constexpr uint64_t kRegisterListEnd = 0xff;
inline constexpr unsigned kRegisterListMax = 6;
// The list of `count` register numbers (each below kRegisterListEnd) for x1.
constexpr uint64_t register_list(const uint64_t* regs, unsigned count) {
    uint64_t list = ~uint64_t{0};
    for (unsigned i = 0; i < count && i < kRegisterListMax; ++i)
        list = (list & ~(uint64_t{0xff} << (8 * i))) | ((regs[i] & 0xff) << (8 * i));
    return list;
}
// Entry i of a list (kRegisterListEnd: the list ended before it).
constexpr uint64_t listed_register(uint64_t list, unsigned i) {
    if (i >= kRegisterListMax) return kRegisterListEnd;
    for (unsigned j = 0; j < i; ++j)
        if (((list >> (8 * j)) & 0xff) == kRegisterListEnd) return kRegisterListEnd;
    return (list >> (8 * i)) & 0xff;
}

enum class Status : uint64_t {
    Ok = 0,
    Notified = 1,    // Recv woke for the bound notification, x1 = its bits
    InvalidSlot = 2, // no such slot in the caller's table, or it is empty
    WrongType = 3,   // the slot holds another kind of capability
    NoRights = 4,    // the capability lacks the right for this call
    InvalidArgument = 5,
    InvalidCall = 6, // unknown call number or not in this build
    NoCaller = 7,    // Reply with nobody waiting for one
    Interrupted = 8, // the thread was suspended while blocked
    // A vCPU call from another core: the vCPU's state is still in its core's registers;
    // that core has been asked to save it: call again (runtime::VcpuCap does).
    Busy = 9,
    NoEntropy = 10, // Entropy: the boot loader gave the kernel no seed
};

// Fault messages arrive on the fault endpoint like a Call: x1 = the thread's fault
// badge, MR0 = FaultKind, MR1 = address, MR2 = ESR_EL2, MR3 = PC, MR4 = thread index.
// Replying restarts the faulting instruction; not replying leaves the thread stopped.
enum class FaultKind : uint64_t {
    DataAbort = 1,
    InstructionAbort = 2,
    UndefinedInstruction = 3,
    Alignment = 4,
    Other = 5,
    // A capability the thread does not hold (threads with ThreadFlags::CapFaults):
    // MR1 = slot, MR2 = call number, MR3 = PC after the svc. Replying resumes the
    // thread, its call returning the error status.
    Capability = 6,
};

} // namespace call_abi
