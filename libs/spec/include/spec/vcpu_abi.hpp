// The vCPU part of the kernel call ABI: register numbers for VcpuRead/WriteRegister,
// the exit message a vCPU sends its VMM, and the reply that resumes it. Shared by
// the kernel and the component runtime (runtime/vcpu.hpp).
//
// A vCPU is a kernel thread (spec::ThreadFlags::Vcpu) that runs at EL1 in its
// domain's stage-2 space; its "fault endpoint" is where its exits go.
#pragma once

#include <cstdint>

namespace vcpu_abi {

// Register numbers. 0..30 are x0..x30; the rest are named. Every register is
// readable and writable while the vCPU is not running (blocked in an exit,
// suspended, or waiting for an interrupt); on one core that is whenever its VMM runs.
enum class Reg : uint64_t {
    X0 = 0,      // .. X30 = 30
    Pc = 31,     // ELR_EL2: where the vCPU resumes
    Pstate = 32, // SPSR_EL2: the guest's PSTATE (mode, DAIF, NZCV)
    SpEl0 = 33,
    SpEl1 = 34,
    ElrEl1 = 35,
    SpsrEl1 = 36,
    EsrEl1 = 37,
    FarEl1 = 38,
    VbarEl1 = 39,
    SctlrEl1 = 40,
    TcrEl1 = 41,
    Ttbr0El1 = 42,
    Ttbr1El1 = 43,
    MairEl1 = 44,
    TpidrEl1 = 45,
    ContextidrEl1 = 46,
    CpacrEl1 = 47,
    CntvCtl = 48,           // CNTV_CTL_EL0 (the guest's virtual timer)
    CntvCval = 49,          // CNTV_CVAL_EL0
    Vmpidr = 50,            // VMPIDR_EL2: the MPIDR_EL1 the guest reads (vCPU i: affinity 0 = i)
    GichVmcr = 51,          // the guest's GICV control state (GICH_VMCR); write 0 on a guest reset
    GichApr = 52,           // active priorities (GICH_APR); write 0 on a guest reset
    IdleExit = 53,          // 1: the next WFI with nothing pending is an Idle exit (below)
    EoiAtOnce = 54,         // 1: the next EOI report is an exit of its own (below)
    ListRegisterCount = 63, // read-only: list registers lent to the VMM (indices 0..n-1)
    ExitCount0 = 64,        // read-only: ExitCount0 + ExitCounter k = exits of kind k so far
    Count = 80
};
inline constexpr uint64_t kXRegs = 31;
// IdleExit = 1: the vCPU's next WFI that finds nothing pending is sent to the VMM as an
// Idle exit instead of blocking, once (the kernel writes 0 as it sends it). For a VMM that
// decides an interrupt late and must hear when the guest waits for it.
// EoiAtOnce = 1: the vCPU's EOIs not reported yet, or else the next ones, come to the VMM
// at once as an EoiMaintenance exit instead of riding on its next exit (the kernel writes
// 0 as it sends that exit; EOIs that ride on an exit meanwhile leave it set). For a VMM that needs
// a list register back soon: an interrupt pending again while it is still in one, or waiting for a
// free one. Reading or writing it never waits for a vCPU of another core (it is no hardware state).

// What the kernel counts per vCPU (read-only registers ExitCount0 + k): every time the
// vCPU stopped running guest code, by why. The first five reached the VMM as exit
// messages; the others the kernel handled itself.
enum class ExitCounter : uint8_t {
    Mmio,        // data abort sent to the VMM (an emulated access)
    Hvc,         // HVC sent to the VMM
    Smc,         // trapped SMC sent to the VMM
    SysReg,      // trapped MSR/MRS sent to the VMM
    Other,       // any other exit message (instruction abort, undefined, SError)
    EoiReport,   // EoiMaintenance exit message (VMM list registers EOId)
    Wfi,         // WFI: blocked until an interrupt is pending (or resumed at once)
    Wfe,         // WFE: a yield
    Irq,         // a physical interrupt taken while the guest ran (tick, device, SGI)
    Timer,       // the virtual timer's PPI taken while the guest ran
    Maintenance, // the GIC maintenance PPI taken while the guest ran (EOI of an LR)
    Stage2Fault, // a stage-2 fault the kernel resolved (zero-on-first-touch RAM)
    FpTrap,      // FP/SIMD registers moved back to the vCPU as it is switched in, after
                 // another thread had them (a vCPU never runs with FP trapped)
    // Not an exit: exit messages of other kinds that carried EOIs (MR0's upper half).
    EoiCarried,
    Count
};
inline constexpr unsigned kExitCounters = static_cast<unsigned>(ExitCounter::Count);
// ExitCounter values below this one are exits that reached the VMM as messages.
inline constexpr unsigned kExitCountersToVmm = static_cast<unsigned>(ExitCounter::Wfi);
// ExitCounter values below this one are exits; the rest count what exits carried.
inline constexpr unsigned kExitKinds = static_cast<unsigned>(ExitCounter::EoiCarried);
// Their names in logs (the VMM's exit-count line, the kernel's boot line, bench/workload).
inline constexpr const char* kExitCounterNames[kExitCounters] = {
    "mmio", "hvc", "smc",   "sysreg",      "other",        "eoi-report", "wfi",
    "wfe",  "irq", "timer", "maintenance", "stage2-fault", "fp",         "eoi-carried"};
static_assert(static_cast<uint64_t>(Reg::ExitCount0) + kExitCounters <=
              static_cast<uint64_t>(Reg::Count));

// Exit kinds (MR0's lower half of an exit message). They do not overlap
// call_abi::FaultKind, so one endpoint can take both faults of native threads and vCPU
// exits. MR0's upper half: the EOI report (kMrEoiShift below).
enum class ExitKind : uint64_t {
    DataAbort = 0x10,      // stage-2 abort on an IPA nothing maps (MMIO to emulate)
    Hvc = 0x11,            // HVC #imm
    Smc = 0x12,            // SMC #imm (trapped by HCR_EL2.TSC)
    SysReg = 0x13,         // trapped MSR/MRS (arm::ExceptionClass::SysReg64), e.g. CNTP_*
    EoiMaintenance = 0x14, // the guest EOId interrupts the VMM injected
    Unknown = 0x15,        // anything else (instruction abort, undefined, SError...)
    Idle = 0x16,           // a WFI with nothing pending while IdleExit was 1 (counted as wfi)
};

// Exit message layout (arrives like a Call on the vCPU's exit endpoint; x1 = badge):
//
// | kind           | MR1      | MR2      | MR3       | MR4 | MR5                          |
// |----------------|----------|----------|-----------|-----|------------------------------|
// | DataAbort      | ESR_EL2  | FAR_EL2  | HPFAR_EL2 | PC  | see kDataAbortValue below    |
// | Hvc, Smc       | ESR_EL2  | x0       | x1        | x2  | x3                           |
// | SysReg         | ESR_EL2  | PC       | Rt value  | 0   | 0                            |
// | EoiMaintenance | 0        | 0        | 0         | 0   | 0                            |
// | Unknown        | ESR_EL2  | FAR_EL2  | HPFAR_EL2 | PC  | 0                            |
// | Idle           | ESR_EL2  | 0        | 0         | 0   | 0                            |
//
// DataAbort MR5: for a write with ESR.ISV = 1, the value of the register ESR.SRT names
// (0 for SRT 31 = xzr); for ISV = 0, the instruction word at the PC (read by the kernel
// through AT S12E1R; 0, which no decoder accepts, if the PC does not translate). The
// IPA is arm::fault_ipa(HPFAR_EL2, FAR_EL2) (arch/esr.hpp).
// Hvc: the PC is already past the HVC. Smc: the kernel has moved the PC past the SMC
// too, so both are answered the same way.
// The EOI report, on an exit of any kind: MR0 bit 32 + i set = the guest EOId the
// interrupt in VMM list register i; the kernel has already cleared those list registers
// (they are free again). It happened before the exit, so the VMM handles it first. It
// rides on the vCPU's next exit of any kind; an EoiMaintenance exit carries it alone only
// when it must come at once: a list register the VMM flagged (kLrEoiAtOnce), the VMM
// asked (Reg::EoiAtOnce), the guest waits in WFI, a kernel tick (5 ms) passed, or the
// kernel found the EOIs while the vCPU was not running.
// Idle: the PC is already past the WFI; resuming the vCPU unchanged goes on from there
// (a WFI may end at any time), so a guest waiting in a loop comes back to its WFI, which
// then blocks unless the VMM armed IdleExit again or made an interrupt pending.
inline constexpr unsigned kMrKind = 0;
inline constexpr unsigned kMrEoiShift = 32;
inline constexpr uint64_t kMrKindMask = (uint64_t{1} << kMrEoiShift) - 1;

// Reply to an exit (Reply / ReplyRecv on the exit endpoint): MR0 = ReplyFlags,
// MR1 = register number (0..30; 31 = xzr, ignored), MR2 = its value. Register writes
// happen before the PC advance. A reply with MR0 = 0 resumes the vCPU unchanged: a
// data abort then retries the access (after the VMM mapped or changed something).
// Not replying leaves the vCPU stopped.
enum ReplyFlags : uint64_t {
    AdvancePc = 1,   // PC += 4 (an emulated load/store)
    SetRegister = 2, // x[MR1] = MR2 (an emulated load's result, an HVC's x0)
};

// VcpuWriteListRegister takes a GICH_LR word: arm::gicv2::ListRegister (arch/list_register.hpp),
// and in bit 32 kLrEoiAtOnce: the guest's EOI of this interrupt is reported at once (an
// EoiMaintenance exit), not with the vCPU's next exit. For a VMM that must act on that EOI
// soon: a passed-through interrupt to acknowledge, an SGI with more senders waiting.
inline constexpr uint64_t kLrEoiAtOnce = uint64_t{1} << 32;

} // namespace vcpu_abi
