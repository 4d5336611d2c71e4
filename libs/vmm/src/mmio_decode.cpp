// Data abort syndrome and A64 load/store decoding (Arm ARM: ESR_ELx ISS encoding for
// data aborts; "Loads and Stores" encoding groups).
#include <vmm/mmio_decode.hpp>

#include <arch/esr.hpp>

namespace vmm {
namespace {

constexpr uint64_t bits(uint64_t value, unsigned high, unsigned low) {
    return (value >> low) & ((uint64_t{1} << (high - low + 1)) - 1);
}

constexpr int64_t sign_extend(uint64_t value, unsigned width) {
    const uint64_t sign = uint64_t{1} << (width - 1);
    return static_cast<int64_t>((value ^ sign) - sign);
}

// Size, opc of the single-register forms -> direction/extension, or false if the
// combination is a prefetch, unallocated or otherwise not a data transfer.
bool single_register_semantics(unsigned size, unsigned opc, MmioAccess& out) {
    out.size = static_cast<uint8_t>(1u << size);
    switch (opc) {
    case 0: // STR*
        out.direction = AccessDirection::Write;
        return true;
    case 1: // LDR*: zero-extending
        out.direction = AccessDirection::Read;
        out.dest_64bit = size == 3;
        return true;
    case 2: // LDRS* to Xt (size 3 here is PRFM)
        if (size == 3) return false;
        out.direction = AccessDirection::Read;
        out.sign_extend = true;
        out.dest_64bit = true;
        return true;
    default: // LDRS* to Wt (LDRSW has no Wt form)
        if (size >= 2) return false;
        out.direction = AccessDirection::Read;
        out.sign_extend = true;
        out.dest_64bit = false;
        return true;
    }
}

DecodeStatus decode_single(uint32_t insn, MmioAccess& out) {
    const unsigned size = bits(insn, 31, 30);
    const unsigned opc = bits(insn, 23, 22);
    out.rt = static_cast<uint8_t>(bits(insn, 4, 0));
    out.rn = static_cast<uint8_t>(bits(insn, 9, 5));
    if (!single_register_semantics(size, opc, out)) return DecodeStatus::Undecodable;
    if (bits(insn, 24, 24) == 1) return DecodeStatus::Ok; // unsigned immediate offset
    if (bits(insn, 21, 21) == 1) {
        // Register offset (option/S) is a plain access; the rest is atomics.
        return bits(insn, 11, 10) == 2 ? DecodeStatus::Ok : DecodeStatus::Undecodable;
    }
    switch (bits(insn, 11, 10)) {
    case 0: // LDUR/STUR (unscaled)
    case 2: // LDTR/STTR (unprivileged)
        return DecodeStatus::Ok;
    default: // 1: post-index, 3: pre-index: the base register moves by imm9
        out.writeback = true;
        out.writeback_offset = sign_extend(bits(insn, 20, 12), 9);
        return DecodeStatus::Ok;
    }
}

DecodeStatus decode_pair(uint32_t insn, MmioAccess& out) {
    const unsigned opc = bits(insn, 31, 30);
    const unsigned mode = bits(insn, 24, 23);
    const bool load = bits(insn, 22, 22) == 1;
    out.direction = load ? AccessDirection::Read : AccessDirection::Write;
    out.rt = static_cast<uint8_t>(bits(insn, 4, 0));
    out.rt2 = static_cast<uint8_t>(bits(insn, 14, 10));
    out.rn = static_cast<uint8_t>(bits(insn, 9, 5));
    switch (opc) {
    case 0: // 32-bit LDP/STP
        out.size = 4;
        break;
    case 1: // LDPSW (the store form is STGP, a tag store)
        if (!load || mode == 0) return DecodeStatus::Undecodable;
        out.size = 4;
        out.sign_extend = true;
        out.dest_64bit = true;
        break;
    case 2:
        out.size = 8;
        out.dest_64bit = true;
        break;
    default:
        return DecodeStatus::Undecodable;
    }
    if (mode == 1 || mode == 3) { // post-index, pre-index
        out.writeback = true;
        out.writeback_offset = sign_extend(bits(insn, 21, 15), 7) * out.size;
    }
    return DecodeStatus::Ok;
}

DecodeStatus decode_acquire_release(uint32_t insn, MmioAccess& out) {
    // o2=1, o1=0: LDAR/STLR and LDLAR/STLLR; exclusives (o2=0) and CAS (o1=1) are not MMIO.
    if (bits(insn, 23, 23) != 1 || bits(insn, 21, 21) != 0) return DecodeStatus::Undecodable;
    const unsigned size = bits(insn, 31, 30);
    out.size = static_cast<uint8_t>(1u << size);
    out.direction = bits(insn, 22, 22) == 1 ? AccessDirection::Read : AccessDirection::Write;
    out.dest_64bit = size == 3;
    out.rt = static_cast<uint8_t>(bits(insn, 4, 0));
    out.rn = static_cast<uint8_t>(bits(insn, 9, 5));
    out.acquire_release = true;
    return DecodeStatus::Ok;
}

} // namespace

const char* to_string(DecodeStatus status) {
    switch (status) {
    case DecodeStatus::Ok:
        return "ok";
    case DecodeStatus::NotDataAbort:
        return "not a data abort";
    case DecodeStatus::FarNotValid:
        return "FAR not valid";
    case DecodeStatus::StageOneWalk:
        return "stage-1 table walk";
    case DecodeStatus::CacheMaintenance:
        return "cache maintenance";
    case DecodeStatus::ExternalAbort:
        return "external abort";
    case DecodeStatus::NoInstruction:
        return "instruction not readable";
    case DecodeStatus::Undecodable:
        return "undecodable instruction";
    }
    return "?";
}

DecodeStatus decode_load_store(uint32_t insn, MmioAccess& out) {
    const base::GuestPhysAddr ipa = out.ipa;
    out = MmioAccess{};
    out.ipa = ipa;
    // SIMD&FP forms (V=1, bit 26) would need the FP register file: not a device access.
    if (bits(insn, 26, 26) == 1) return DecodeStatus::Undecodable;
    if ((insn & 0x3a000000u) == 0x38000000u) return decode_single(insn, out); // op0=xx11, op2=0x
    if ((insn & 0x3a000000u) == 0x28000000u) return decode_pair(insn, out);   // op0=xx10
    if ((insn & 0x3f000000u) == 0x08000000u) return decode_acquire_release(insn, out);
    return DecodeStatus::Undecodable;
}

namespace {

// What the syndrome says. NoInstruction: ISV = 0, only the instruction tells (`out.ipa`
// is set).
DecodeStatus decode_syndrome(const DataAbortFault& fault, MmioAccess& out) {
    const arm::Esr esr{fault.esr};
    if (esr.ec() != arm::ExceptionClass::DataAbortLower) return DecodeStatus::NotDataAbort;
    // Field by field: this runs on every MMIO exit (a whole DataAbortIss costs ~24
    // instructions more, bench_vm).
    namespace da = arm::data_abort;
    const uint32_t iss = esr.iss();
    if ((iss & da::kUnusualMask) != 0) [[unlikely]] {
        if (da::fnv(iss)) return DecodeStatus::FarNotValid;
        if (da::ea(iss)) return DecodeStatus::ExternalAbort;
        if (da::cm(iss)) return DecodeStatus::CacheMaintenance;
        return DecodeStatus::StageOneWalk;
    }

    out = MmioAccess{};
    out.ipa = fault_ipa(fault);
    if (!da::isv(iss)) return DecodeStatus::NoInstruction;
    out.size = static_cast<uint8_t>(1u << da::sas(iss));
    out.sign_extend = da::sse(iss);
    out.rt = da::srt(iss);
    out.dest_64bit = da::sf(iss);
    out.acquire_release = da::ar(iss);
    out.direction = da::wnr(iss) ? AccessDirection::Write : AccessDirection::Read;
    return DecodeStatus::Ok;
}

} // namespace

DecodeStatus decode_data_abort(const DataAbortFault& fault, InstructionFetcher* fetcher,
                               MmioAccess& out) {
    const DecodeStatus status = decode_syndrome(fault, out);
    if (status != DecodeStatus::NoInstruction || fetcher == nullptr) return status;
    const std::optional<uint32_t> insn = fetcher->fetch();
    if (!insn) return DecodeStatus::NoInstruction;
    return decode_load_store(*insn, out);
}

DecodeStatus decode_data_abort(const DataAbortFault& fault, uint32_t instruction, MmioAccess& out) {
    const DecodeStatus status = decode_syndrome(fault, out);
    if (status != DecodeStatus::NoInstruction || instruction == 0) return status;
    return decode_load_store(instruction, out);
}

} // namespace vmm
