// ESR_ELx, the exception syndrome: the exception classes Bulkhead handles, the ISS layouts
// it decodes (data abort, trapped MSR/MRS, WFI/WFE, HVC/SMC) and the fault address that goes
// with a stage-2 abort. Arm ARM (DDI 0487) D17.2.40 ESR_EL2, D17.2.56 HPFAR_EL2.
#pragma once

#include <cstdint>

namespace arm {

namespace detail {
// Bits [lsb, lsb + width) of `value`.
constexpr uint64_t field(uint64_t value, unsigned lsb, unsigned width) {
    return (value >> lsb) & ((uint64_t{1} << width) - 1);
}
} // namespace detail

// ESR.EC [31:26]. Only the classes something in the tree tests for or produces.
enum class ExceptionClass : uint8_t {
    Unknown = 0x00,               // undefined instruction and anything without a class
    Wfx = 0x01,                   // WFI/WFE trapped (HCR_EL2.TWI/TWE, or TGE at EL0)
    FpAccess = 0x07,              // FP/SIMD access trapped (CPTR_EL2.TFP)
    Svc64 = 0x15,                 // SVC from AArch64
    Hvc64 = 0x16,                 // HVC from AArch64 (PC already past it)
    Smc64 = 0x17,                 // SMC trapped (HCR_EL2.TSC; PC still at it)
    SysReg64 = 0x18,              // MSR/MRS/SYS trapped
    InstructionAbortLower = 0x20, // instruction abort from a lower EL
    InstructionAbortSame = 0x21,
    PcAlignment = 0x22,
    DataAbortLower = 0x24, // data abort from a lower EL
    DataAbortSame = 0x25,
    SpAlignment = 0x26,
    SError = 0x2f,
};

inline constexpr unsigned kEsrEcShift = 26;
inline constexpr uint64_t kEsrIl = uint64_t{1} << 25; // 32-bit instruction (always, for A64)
inline constexpr uint32_t kIssMask = (uint32_t{1} << 25) - 1;

// Fault status codes (DFSC/IFSC, ISS [5:0]) the tree names.
namespace fsc {
inline constexpr uint8_t kTranslationLevel0 = 0x04; // 0b0001LL: translation fault at level LL
inline constexpr uint8_t kLevelMask = 0x03;
inline constexpr uint8_t kSyncExternal = 0x10; // synchronous external abort, not on a walk
inline constexpr uint8_t kAlignment = 0x21;
constexpr bool is_translation(uint8_t code) {
    return (code & ~kLevelMask) == kTranslationLevel0;
}
} // namespace fsc

// The fields of a data abort's ISS one at a time, for paths that read one or two of them
// per trap (the MMIO exit path): where each field is, once; DataAbortIss::decode reads
// them all through these.
namespace data_abort {
constexpr bool isv(uint32_t iss) {
    return detail::field(iss, 24, 1) != 0;
}
constexpr uint8_t sas(uint32_t iss) {
    return static_cast<uint8_t>(detail::field(iss, 22, 2));
}
constexpr bool sse(uint32_t iss) {
    return detail::field(iss, 21, 1) != 0;
}
constexpr uint8_t srt(uint32_t iss) {
    return static_cast<uint8_t>(detail::field(iss, 16, 5));
}
constexpr bool sf(uint32_t iss) {
    return detail::field(iss, 15, 1) != 0;
}
constexpr bool ar(uint32_t iss) {
    return detail::field(iss, 14, 1) != 0;
}
constexpr bool fnv(uint32_t iss) {
    return detail::field(iss, 10, 1) != 0;
}
constexpr bool ea(uint32_t iss) {
    return detail::field(iss, 9, 1) != 0;
}
constexpr bool cm(uint32_t iss) {
    return detail::field(iss, 8, 1) != 0;
}
constexpr bool s1ptw(uint32_t iss) {
    return detail::field(iss, 7, 1) != 0;
}
constexpr bool wnr(uint32_t iss) {
    return detail::field(iss, 6, 1) != 0;
}
constexpr uint8_t dfsc(uint32_t iss) {
    return static_cast<uint8_t>(detail::field(iss, 0, 6));
}
// FnV, EA, CM and S1PTW: an abort with none of them set (every ordinary MMIO access) is
// told apart from the unusual ones with one test.
inline constexpr uint32_t kUnusualMask = (1u << 10) | (1u << 9) | (1u << 8) | (1u << 7);
static_assert(fnv(kUnusualMask) && ea(kUnusualMask) && cm(kUnusualMask) && s1ptw(kUnusualMask));
} // namespace data_abort

// ISS of a data abort (EC 0x24/0x25). SAS..AR mean something only with ISV set.
struct DataAbortIss {
    bool isv = false;   // [24] instruction syndrome valid
    uint8_t sas = 0;    // [23:22] access size: 1 << sas bytes
    bool sse = false;   // [21] the load sign-extends
    uint8_t srt = 0;    // [20:16] transfer register (31: xzr/wzr)
    bool sf = false;    // [15] 64-bit register
    bool ar = false;    // [14] acquire/release
    bool fnv = false;   // [10] FAR not valid
    bool ea = false;    // [9] external abort type
    bool cm = false;    // [8] cache maintenance, not a load/store
    bool s1ptw = false; // [7] stage-2 fault on the guest's own stage-1 walk
    bool wnr = false;   // [6] write, not read
    uint8_t dfsc = 0;   // [5:0] fault status (fsc::)

    // Forced inline so that a caller keeps only the fields it reads (the kernel's trap
    // path: one bit test for ISV), as hand-written shifts would.
    [[nodiscard, gnu::always_inline]] static constexpr DataAbortIss decode(uint32_t iss) {
        DataAbortIss d;
        d.isv = data_abort::isv(iss);
        d.sas = data_abort::sas(iss);
        d.sse = data_abort::sse(iss);
        d.srt = data_abort::srt(iss);
        d.sf = data_abort::sf(iss);
        d.ar = data_abort::ar(iss);
        d.fnv = data_abort::fnv(iss);
        d.ea = data_abort::ea(iss);
        d.cm = data_abort::cm(iss);
        d.s1ptw = data_abort::s1ptw(iss);
        d.wnr = data_abort::wnr(iss);
        d.dfsc = data_abort::dfsc(iss);
        return d;
    }
    [[nodiscard]] constexpr uint32_t encode() const {
        return (uint32_t{isv} << 24) | (uint32_t(sas & 3u) << 22) | (uint32_t{sse} << 21) |
               (uint32_t(srt & 31u) << 16) | (uint32_t{sf} << 15) | (uint32_t{ar} << 14) |
               (uint32_t{fnv} << 10) | (uint32_t{ea} << 9) | (uint32_t{cm} << 8) |
               (uint32_t{s1ptw} << 7) | (uint32_t{wnr} << 6) | (dfsc & 0x3fu);
    }
    [[nodiscard]] constexpr unsigned access_bytes() const { return 1u << sas; }
    constexpr bool operator==(const DataAbortIss&) const = default;
};

// ISS of a trapped MSR/MRS (EC 0x18): the register's encoding and the GPR.
struct SysRegIss {
    uint8_t op0 = 0;   // [21:20]
    uint8_t op2 = 0;   // [19:17]
    uint8_t op1 = 0;   // [16:14]
    uint8_t crn = 0;   // [13:10]
    uint8_t rt = 0;    // [9:5] (31: xzr)
    uint8_t crm = 0;   // [4:1]
    bool read = false; // [0] Direction: 1 = MRS (read into Rt)

    [[nodiscard, gnu::always_inline]] static constexpr SysRegIss decode(uint32_t iss) {
        using detail::field;
        SysRegIss s;
        s.op0 = static_cast<uint8_t>(field(iss, 20, 2));
        s.op2 = static_cast<uint8_t>(field(iss, 17, 3));
        s.op1 = static_cast<uint8_t>(field(iss, 14, 3));
        s.crn = static_cast<uint8_t>(field(iss, 10, 4));
        s.rt = static_cast<uint8_t>(field(iss, 5, 5));
        s.crm = static_cast<uint8_t>(field(iss, 1, 4));
        s.read = field(iss, 0, 1) != 0;
        return s;
    }
    [[nodiscard]] constexpr uint32_t encode() const {
        return (uint32_t(op0 & 3u) << 20) | (uint32_t(op2 & 7u) << 17) |
               (uint32_t(op1 & 7u) << 14) | (uint32_t(crn & 15u) << 10) |
               (uint32_t(rt & 31u) << 5) | (uint32_t(crm & 15u) << 1) | uint32_t{read};
    }
    constexpr bool operator==(const SysRegIss&) const = default;
};

// ISS of a trapped WFI/WFE (EC 0x01). ARMv8.0 has TI in bit 0 only.
struct WfxIss {
    bool wfe = false; // [0] TI: 1 = WFE, 0 = WFI

    [[nodiscard]] static constexpr WfxIss decode(uint32_t iss) { return {(iss & 1u) != 0}; }
    [[nodiscard]] constexpr uint32_t encode() const { return uint32_t{wfe}; }
};

// ISS of HVC/SMC from AArch64 (EC 0x16/0x17): the instruction's immediate.
struct HvcIss {
    uint16_t imm16 = 0; // [15:0]

    [[nodiscard]] static constexpr HvcIss decode(uint32_t iss) {
        return {static_cast<uint16_t>(iss & 0xffffu)};
    }
    [[nodiscard]] constexpr uint32_t encode() const { return imm16; }
};

// A whole ESR_ELx value: EC [31:26], IL [25], ISS [24:0], with the ISS views above.
struct Esr {
    uint64_t value = 0;

    [[nodiscard]] static constexpr Esr make(ExceptionClass ec, uint32_t iss, bool il = true) {
        return {(uint64_t{static_cast<uint8_t>(ec)} << kEsrEcShift) | (il ? kEsrIl : 0) |
                (iss & kIssMask)};
    }
    [[nodiscard]] constexpr ExceptionClass ec() const {
        return static_cast<ExceptionClass>(detail::field(value, kEsrEcShift, 6));
    }
    [[nodiscard]] constexpr bool il() const { return (value & kEsrIl) != 0; }
    [[nodiscard]] constexpr uint32_t iss() const { return static_cast<uint32_t>(value) & kIssMask; }
    // The fault status code of an instruction or data abort (same place in both).
    [[nodiscard]] constexpr uint8_t fault_status() const {
        return static_cast<uint8_t>(value & 0x3f);
    }
    [[nodiscard, gnu::always_inline]] constexpr DataAbortIss data_abort() const {
        return DataAbortIss::decode(iss());
    }
    [[nodiscard, gnu::always_inline]] constexpr SysRegIss sysreg() const {
        return SysRegIss::decode(iss());
    }
    [[nodiscard, gnu::always_inline]] constexpr WfxIss wfx() const { return WfxIss::decode(iss()); }
    [[nodiscard, gnu::always_inline]] constexpr HvcIss hvc() const { return HvcIss::decode(iss()); }
};

// The IPA of a stage-2 abort: HPFAR_EL2.FIPA [43:4] holds IPA [51:12]; the offset in the
// page comes from FAR_EL2 (a guest's FAR is a VA of its own stage 1, so only its low bits
// apply).
constexpr uint64_t fault_ipa(uint64_t hpfar, uint64_t far) {
    return (detail::field(hpfar, 4, 40) << 12) | (far & 0xfff);
}

} // namespace arm
