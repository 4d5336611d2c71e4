// MMIO decoding: the ISV=1 syndrome fields and every load/store form a Linux guest
// uses on device memory when ISV=0 (encodings from the GNU assembler, text beside each).
#include <vmm/mmio_decode.hpp>

#include "fake_vcpu.hpp"

#include <arch/esr.hpp>
#include <gtest/gtest.h>

namespace vmm {
namespace {

using arm::DataAbortIss;

// ESR_EL2 of a data abort from the guest (EC 0x24, IL) with this ISS.
uint64_t esr(const DataAbortIss& iss) {
    return arm::Esr::make(arm::ExceptionClass::DataAbortLower, iss.encode()).value;
}

// A syndrome with ISV set and DFSC "translation fault, level 3".
DataAbortIss valid(unsigned sas, bool sse, unsigned srt, bool sf, bool wnr) {
    return {.isv = true,
            .sas = static_cast<uint8_t>(sas),
            .sse = sse,
            .srt = static_cast<uint8_t>(srt),
            .sf = sf,
            .wnr = wnr,
            .dfsc = 0x07};
}

uint64_t iss(unsigned sas, bool sse, unsigned srt, bool sf, bool wnr) {
    return esr(valid(sas, sse, srt, sf, wnr));
}

class FixedFetcher final : public InstructionFetcher {
public:
    explicit FixedFetcher(std::optional<uint32_t> insn) : insn_(insn) {}
    std::optional<uint32_t> fetch() override { return insn_; }

private:
    std::optional<uint32_t> insn_;
};

TEST(MmioDecode, IpaComesFromHpfarPageAndFarOffset) {
    const DataAbortFault fault{iss(2, false, 1, false, false), 0xffff800008000abcull,
                               uint64_t{0x8000} << 4};
    EXPECT_EQ(fault_ipa(fault).raw(), 0x8000abcull);
}

TEST(MmioDecode, SyndromeWithIsvGivesSizeRegisterDirectionAndExtension) {
    MmioAccess a;
    const DataAbortFault load_word{iss(2, false, 5, false, false), 0x8000004, 0x8000 << 4};
    ASSERT_EQ(decode_data_abort(load_word, nullptr, a), DecodeStatus::Ok);
    EXPECT_EQ(a.ipa.raw(), 0x8000004u);
    EXPECT_EQ(a.size, 4);
    EXPECT_EQ(a.rt, 5);
    EXPECT_FALSE(a.is_write());
    EXPECT_FALSE(a.sign_extend);
    EXPECT_FALSE(a.writeback);

    const DataAbortFault store_dword{iss(3, false, 30, true, true), 0x9000018, 0x9000 << 4};
    ASSERT_EQ(decode_data_abort(store_dword, nullptr, a), DecodeStatus::Ok);
    EXPECT_EQ(a.size, 8);
    EXPECT_EQ(a.rt, 30);
    EXPECT_TRUE(a.is_write());
    EXPECT_TRUE(a.dest_64bit);

    const DataAbortFault ldrsb_x{iss(0, true, 2, true, false), 0x9000001, 0x9000 << 4};
    ASSERT_EQ(decode_data_abort(ldrsb_x, nullptr, a), DecodeStatus::Ok);
    EXPECT_EQ(a.size, 1);
    EXPECT_TRUE(a.sign_extend);
    EXPECT_EQ(a.load_result(0x80), 0xffffffffffffff80ull);

    const DataAbortFault ldrsh_w{iss(1, true, 2, false, false), 0x9000002, 0x9000 << 4};
    ASSERT_EQ(decode_data_abort(ldrsh_w, nullptr, a), DecodeStatus::Ok);
    EXPECT_EQ(a.load_result(0x8001), 0xffff8001ull); // Wt: upper half zero
}

TEST(MmioDecode, RejectsWhatIsNotAnMmioAccess) {
    MmioAccess a;
    EXPECT_EQ(decode_data_abort({0x5a000000, 0, 0}, nullptr, a), // hvc #0
              DecodeStatus::NotDataAbort);
    const DataAbortIss base = valid(2, false, 0, false, false);
    DataAbortIss fnv = base, ea = base, cm = base, s1ptw = base;
    fnv.fnv = true;
    ea.ea = true;
    cm.cm = true;
    s1ptw.s1ptw = true;
    EXPECT_EQ(decode_data_abort({esr(fnv), 0, 0}, nullptr, a), DecodeStatus::FarNotValid);
    EXPECT_EQ(decode_data_abort({esr(ea), 0, 0}, nullptr, a), DecodeStatus::ExternalAbort);
    EXPECT_EQ(decode_data_abort({esr(cm), 0, 0}, nullptr, a), DecodeStatus::CacheMaintenance);
    EXPECT_EQ(decode_data_abort({esr(s1ptw), 0, 0}, nullptr, a), DecodeStatus::StageOneWalk);
}

TEST(MmioDecode, WithoutIsvTheInstructionIsFetchedOrTheFaultIsReported) {
    MmioAccess a;
    const DataAbortFault fault{esr({.dfsc = 0x07}), 0x9000010, 0x9000 << 4}; // ISV = 0
    EXPECT_EQ(decode_data_abort(fault, nullptr, a), DecodeStatus::NoInstruction);
    FixedFetcher none(std::nullopt);
    EXPECT_EQ(decode_data_abort(fault, &none, a), DecodeStatus::NoInstruction);
    FixedFetcher ldp(0xa94114c4); // ldp x4, x5, [x6, #16]
    ASSERT_EQ(decode_data_abort(fault, &ldp, a), DecodeStatus::Ok);
    EXPECT_EQ(a.ipa.raw(), 0x9000010u);
    EXPECT_EQ(a.rt, 4);
    EXPECT_EQ(a.rt2, 5);
    EXPECT_EQ(a.total_bytes(), 16u);
}

TEST(MmioDecode, WithoutIsvTheWordFromTheExitIsDecodedAndZeroMeansNone) {
    MmioAccess a;
    const DataAbortFault fault{esr({.dfsc = 0x07}), 0x9000010, 0x9000 << 4}; // ISV = 0
    EXPECT_EQ(decode_data_abort(fault, uint32_t{0}, a), DecodeStatus::NoInstruction);
    ASSERT_EQ(decode_data_abort(fault, 0xa94114c4, a), DecodeStatus::Ok); // ldp x4, x5, [x6, #16]
    EXPECT_EQ(a.ipa.raw(), 0x9000010u);
    EXPECT_EQ(a.rt2, 5);
    // With ISV = 1 the word is not looked at.
    const DataAbortFault isv{iss(2, false, 7, false, false), 0x9000010, 0x9000 << 4};
    ASSERT_EQ(decode_data_abort(isv, 0xa94114c4, a), DecodeStatus::Ok);
    EXPECT_EQ(a.rt, 7);
    EXPECT_FALSE(a.is_pair());
}

TEST(MmioDecode, InstructionFetchedFromGuestMemoryAtThePcIpa) {
    std::vector<std::byte> ram(0x1000);
    MappedGuestMemory memory;
    ASSERT_TRUE(memory.add_region({base::GuestPhysAddr(0x40000000), ram.size()}, ram));
    ASSERT_TRUE(memory.write_scalar<uint32_t>(base::GuestPhysAddr(0x40000100), 0xb8404441));
    GuestMemoryInstructionFetcher fetcher(memory, base::GuestPhysAddr(0x40000100));
    MmioAccess a;
    ASSERT_EQ(decode_data_abort({esr({}), 0x9000000, 0x9000 << 4}, &fetcher, a), DecodeStatus::Ok);
    EXPECT_TRUE(a.writeback);
    GuestMemoryInstructionFetcher outside(memory, base::GuestPhysAddr(0x50000000));
    EXPECT_EQ(decode_data_abort({esr({}), 0x9000000, 0x9000 << 4}, &outside, a),
              DecodeStatus::NoInstruction);
}

struct Form {
    uint32_t insn;
    const char* text;
    uint8_t size;
    bool write;
    uint8_t rt;
    uint8_t rt2;
    bool sign;
    bool dest64;
    bool writeback;
    uint8_t rn;
    int64_t offset;
};

constexpr uint8_t N = MmioAccess::kNoRegister;

// clang-format off
constexpr Form kForms[] = {
    {0xb9400041, "ldr w1, [x2]",                4, false, 1,  N,  false, false, false, 2,  0},
    {0xf9400883, "ldr x3, [x4, #16]",           8, false, 3,  N,  false, true,  false, 4,  0},
    {0xb90008c5, "str w5, [x6, #8]",            4, true,  5,  N,  false, false, false, 6,  0},
    {0x39000107, "strb w7, [x8]",               1, true,  7,  N,  false, false, false, 8,  0},
    {0x39400549, "ldrb w9, [x10, #1]",          1, false, 9,  N,  false, false, false, 10, 0},
    {0x7940058b, "ldrh w11, [x12, #2]",         2, false, 11, N,  false, false, false, 12, 0},
    {0x790001cd, "strh w13, [x14]",             2, true,  13, N,  false, false, false, 14, 0},
    {0x3980020f, "ldrsb x15, [x16]",            1, false, 15, N,  true,  true,  false, 16, 0},
    {0x39c00251, "ldrsb w17, [x18]",            1, false, 17, N,  true,  false, false, 18, 0},
    {0x79800293, "ldrsh x19, [x20]",            2, false, 19, N,  true,  true,  false, 20, 0},
    {0x79c002d5, "ldrsh w21, [x22]",            2, false, 21, N,  true,  false, false, 22, 0},
    {0xb9800317, "ldrsw x23, [x24]",            4, false, 23, N,  true,  true,  false, 24, 0},
    {0xb8404441, "ldr w1, [x2], #4",            4, false, 1,  N,  false, false, true,  2,  4},
    {0xf85f8c41, "ldr x1, [x2, #-8]!",          8, false, 1,  N,  false, true,  true,  2,  -8},
    {0xb81fc483, "str w3, [x4], #-4",           4, true,  3,  N,  false, false, true,  4,  -4},
    {0xf8010fe3, "str x3, [sp, #16]!",          8, true,  3,  N,  false, true,  true,  31, 16},
    {0xb85fd0c5, "ldur w5, [x6, #-3]",          4, false, 5,  N,  false, false, false, 6,  0},
    {0xf8005107, "stur x7, [x8, #5]",           8, true,  7,  N,  false, true,  false, 8,  0},
    {0xb86b6949, "ldr w9, [x10, x11]",          4, false, 9,  N,  false, false, false, 10, 0},
    {0xf82e79ac, "str x12, [x13, x14, lsl #3]", 8, true,  12, N,  false, true,  false, 13, 0},
    {0xb84008a4, "ldtr w4, [x5]",               4, false, 4,  N,  false, false, false, 5,  0},
    {0x78c02441, "ldrsh w1, [x2], #2",          2, false, 1,  N,  true,  false, true,  2,  2},
    {0x29400861, "ldp w1, w2, [x3]",            4, false, 1,  2,  false, false, false, 3,  0},
    {0xa94114c4, "ldp x4, x5, [x6, #16]",       8, false, 4,  5,  false, true,  false, 6,  0},
    {0xa9bf2127, "stp x7, x8, [x9, #-16]!",     8, true,  7,  8,  false, true,  true,  9,  -16},
    {0xa8c22d8a, "ldp x10, x11, [x12], #32",    8, false, 10, 11, false, true,  true,  12, 32},
    {0x288139ed, "stp w13, w14, [x15], #8",     4, true,  13, 14, false, false, true,  15, 8},
    {0x69404650, "ldpsw x16, x17, [x18]",       4, false, 16, 17, true,  true,  false, 18, 0},
    {0xa84052b3, "ldnp x19, x20, [x21]",        8, false, 19, 20, false, true,  false, 21, 0},
    {0xa9007c3f, "stp xzr, xzr, [x1]",          8, true,  31, 31, false, true,  false, 1,  0},
    {0x88dffc41, "ldar w1, [x2]",               4, false, 1,  N,  false, false, false, 2,  0},
    {0xc89ffc83, "stlr x3, [x4]",               8, true,  3,  N,  false, true,  false, 4,  0},
    {0x08dffcc5, "ldarb w5, [x6]",              1, false, 5,  N,  false, false, false, 6,  0},
    {0x489ffd07, "stlrh w7, [x8]",              2, true,  7,  N,  false, false, false, 8,  0},
    {0xb900003f, "str wzr, [x1]",               4, true,  31, N,  false, false, false, 1,  0},
};
// clang-format on

TEST(MmioDecode, EveryGeneralRegisterLoadStoreForm) {
    for (const Form& f : kForms) {
        SCOPED_TRACE(f.text);
        MmioAccess a;
        a.ipa = base::GuestPhysAddr(0x9000000);
        ASSERT_EQ(decode_load_store(f.insn, a), DecodeStatus::Ok);
        EXPECT_EQ(a.ipa.raw(), 0x9000000u);
        EXPECT_EQ(a.size, f.size);
        EXPECT_EQ(a.is_write(), f.write);
        EXPECT_EQ(a.rt, f.rt);
        EXPECT_EQ(a.rt2, f.rt2);
        if (!f.write) {
            EXPECT_EQ(a.sign_extend, f.sign);
            EXPECT_EQ(a.dest_64bit, f.dest64);
        }
        EXPECT_EQ(a.writeback, f.writeback);
        EXPECT_EQ(a.rn, f.rn);
        EXPECT_EQ(a.writeback_offset, f.offset);
    }
}

TEST(MmioDecode, FormsThatAreNotDeviceAccessesAreUndecodable) {
    const uint32_t rejected[] = {
        0xbd400020, // ldr s0, [x1]         (SIMD&FP register)
        0x885f7c41, // ldxr w1, [x2]        (exclusive)
        0xf9800020, // prfm pldl1keep, [x1] (prefetch)
        0xb8210062, // ldadd w1, w2, [x3]   (atomic)
        0xd503201f, // nop
        0x00000000, // udf
    };
    for (uint32_t insn : rejected) {
        MmioAccess a;
        EXPECT_EQ(decode_load_store(insn, a), DecodeStatus::Undecodable) << std::hex << insn;
    }
}

TEST(MmioAccess, CompletingALoadWritesRegistersBaseAndPc) {
    test::FakeVcpu vcpu;
    vcpu.x[12] = 0x9000000;
    MmioAccess a;
    a.ipa = base::GuestPhysAddr(0x9000000);
    ASSERT_EQ(decode_load_store(0xa8c22d8a, a), DecodeStatus::Ok); // ldp x10, x11, [x12], #32
    a.complete(vcpu, 0x1111, 0x2222);
    EXPECT_EQ(vcpu.x[10], 0x1111u);
    EXPECT_EQ(vcpu.x[11], 0x2222u);
    EXPECT_EQ(vcpu.x[12], 0x9000020u);
    EXPECT_EQ(vcpu.program_counter, 0x1004u);
}

TEST(MmioAccess, PreIndexOnSpMovesTheStackPointerAndStoresTruncate) {
    test::FakeVcpu vcpu;
    vcpu.stack = 0x9000000;
    vcpu.x[3] = 0x1122334455667788;
    MmioAccess a;
    ASSERT_EQ(decode_load_store(0xf8010fe3, a), DecodeStatus::Ok); // str x3, [sp, #16]!
    EXPECT_EQ(a.store_value(vcpu, 0), 0x1122334455667788u);
    a.complete(vcpu, 0);
    EXPECT_EQ(vcpu.stack, 0x9000010u);

    ASSERT_EQ(decode_load_store(0x39000107, a), DecodeStatus::Ok); // strb w7, [x8]
    vcpu.x[7] = 0x1ff;
    EXPECT_EQ(a.store_value(vcpu, 0), 0xffu);
    ASSERT_EQ(decode_load_store(0xb900003f, a), DecodeStatus::Ok); // str wzr, [x1]
    EXPECT_EQ(a.store_value(vcpu, 0), 0u);
}

TEST(MmioAccess, RegistersReadAreAStoresDataAndAWritebacksBase) {
    MmioAccess a;
    ASSERT_EQ(decode_load_store(0xa8c22d8a, a), DecodeStatus::Ok); // ldp x10, x11, [x12], #32
    EXPECT_EQ(a.registers_read(), 1u << 12);
    ASSERT_EQ(decode_load_store(0x29000801, a), DecodeStatus::Ok); // stp w1, w2, [x0]
    EXPECT_EQ(a.registers_read(), (1u << 1) | (1u << 2));
    ASSERT_EQ(decode_load_store(0xf8010fe3, a), DecodeStatus::Ok); // str x3, [sp, #16]!
    EXPECT_EQ(a.registers_read(), (1u << 3) | VcpuRegisters::kSpBit);
    ASSERT_EQ(decode_load_store(0xb900003f, a), DecodeStatus::Ok); // str wzr, [x1]
    EXPECT_EQ(a.registers_read(), 0u);
    ASSERT_EQ(decode_load_store(0xb9400021, a), DecodeStatus::Ok); // ldr w1, [x1]
    EXPECT_EQ(a.registers_read(), 0u);
}

TEST(MmioAccess, ASignExtendingByteLoadFillsTheRegisterItNames) {
    test::FakeVcpu vcpu;
    MmioAccess a;
    ASSERT_EQ(decode_load_store(0x39c00022, a), DecodeStatus::Ok); // ldrsb w2, [x1]
    a.complete(vcpu, 0x1f0);
    EXPECT_EQ(vcpu.x[2], 0xfffffff0u);                             // Wt: the upper half zero
    ASSERT_EQ(decode_load_store(0x39800022, a), DecodeStatus::Ok); // ldrsb x2, [x1]
    a.complete(vcpu, 0x80);
    EXPECT_EQ(vcpu.x[2], 0xffffffffffffff80u);
    EXPECT_EQ(vcpu.program_counter, 0x1008u);
}

TEST(MmioAccess, LoadsIntoXzrAreDiscarded) {
    test::FakeVcpu vcpu;
    MmioAccess a;
    ASSERT_EQ(decode_load_store(0xb940003f, a), DecodeStatus::Ok); // ldr wzr, [x1]
    a.complete(vcpu, 0x1234);
    for (uint64_t r : vcpu.x)
        EXPECT_EQ(r, 0u);
}

} // namespace
} // namespace vmm
