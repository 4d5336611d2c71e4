// ESR_EL2 decoding and encoding against syndromes as the hardware reports them (layouts
// from the Arm ARM, ESR_EL2 ISS encodings).
#include <arch/esr.hpp>

#include <gtest/gtest.h>

namespace {

using arm::DataAbortIss;
using arm::Esr;
using arm::ExceptionClass;

TEST(Esr, LinuxMmioReadOfADistributorRegister) {
    // ldr w1, [x0, #4] (Linux's readl_relaxed of GICD_TYPER) on an unmapped IPA:
    // EC 0x24, IL, ISV, SAS word, SRT 1, read, DFSC translation fault level 3.
    const Esr esr{0x93810007};
    EXPECT_EQ(esr.ec(), ExceptionClass::DataAbortLower);
    EXPECT_TRUE(esr.il());
    const DataAbortIss d = esr.data_abort();
    EXPECT_TRUE(d.isv);
    EXPECT_EQ(d.sas, 2);
    EXPECT_EQ(d.access_bytes(), 4u);
    EXPECT_FALSE(d.sse);
    EXPECT_EQ(d.srt, 1);
    EXPECT_FALSE(d.sf);
    EXPECT_FALSE(d.ar);
    EXPECT_FALSE(d.wnr);
    EXPECT_FALSE(d.fnv || d.ea || d.cm || d.s1ptw);
    EXPECT_EQ(d.dfsc, 0x07);
    EXPECT_TRUE(arm::fsc::is_translation(d.dfsc));
}

TEST(Esr, SixtyFourBitStoreAndLoadAcquire) {
    // str x2, [x3]: SAS doubleword, SF, WnR, level-2 translation fault.
    const DataAbortIss store = Esr{0x93c28046}.data_abort();
    EXPECT_EQ(store.access_bytes(), 8u);
    EXPECT_TRUE(store.sf);
    EXPECT_EQ(store.srt, 2);
    EXPECT_TRUE(store.wnr);
    EXPECT_EQ(store.dfsc, 0x06);
    // ldarb w5, [x0]: byte, AR.
    const DataAbortIss acquire = Esr{0x93054007}.data_abort();
    EXPECT_EQ(acquire.access_bytes(), 1u);
    EXPECT_TRUE(acquire.ar);
    EXPECT_EQ(acquire.srt, 5);
    EXPECT_FALSE(acquire.wnr);
}

TEST(Esr, AbortWithoutSyndromeKeepsOnlyTheFaultBits) {
    // ldp w1, w2, [x20, #16] on device memory: ISV = 0; S1PTW and FnV clear.
    const DataAbortIss d = Esr{0x92000007}.data_abort();
    EXPECT_FALSE(d.isv);
    EXPECT_EQ(d.dfsc, 0x07);
    const DataAbortIss walk = Esr{0x92000086}.data_abort(); // S1PTW
    EXPECT_TRUE(walk.s1ptw);
    const DataAbortIss fnv = Esr{0x92000410}.data_abort();
    EXPECT_TRUE(fnv.fnv);
    EXPECT_FALSE(arm::fsc::is_translation(fnv.dfsc));
}

TEST(Esr, DataAbortIssRoundTrips) {
    const DataAbortIss d{.isv = true,
                         .sas = 3,
                         .sse = true,
                         .srt = 30,
                         .sf = true,
                         .ar = true,
                         .fnv = false,
                         .ea = true,
                         .cm = false,
                         .s1ptw = false,
                         .wnr = true,
                         .dfsc = 0x21};
    EXPECT_EQ(DataAbortIss::decode(d.encode()), d);
    EXPECT_EQ(Esr::make(ExceptionClass::DataAbortLower, d.encode()).data_abort(), d);
}

TEST(Esr, ExternalAbortInjectedIntoLinux) {
    // What Linux prints for the abort the VMM injects ("ESR = 0x96000050": EC 0x25, IL,
    // WnR, DFSC synchronous external abort).
    const uint32_t iss = DataAbortIss{.wnr = true, .dfsc = arm::fsc::kSyncExternal}.encode();
    EXPECT_EQ(Esr::make(ExceptionClass::DataAbortSame, iss).value, 0x96000050u);
    EXPECT_EQ(Esr::make(ExceptionClass::DataAbortLower, arm::fsc::kSyncExternal).value,
              0x92000010u);
}

TEST(Esr, TrappedSystemRegisterRead) {
    // mrs x0, cntp_ctl_el0 (op0 3, op1 3, CRn 14, CRm 2, op2 1) trapped by CNTHCTL_EL2.
    const Esr esr{0x6232f805};
    EXPECT_EQ(esr.ec(), ExceptionClass::SysReg64);
    const arm::SysRegIss s = esr.sysreg();
    EXPECT_EQ(s.op0, 3);
    EXPECT_EQ(s.op1, 3);
    EXPECT_EQ(s.crn, 14);
    EXPECT_EQ(s.crm, 2);
    EXPECT_EQ(s.op2, 1);
    EXPECT_EQ(s.rt, 0);
    EXPECT_TRUE(s.read);
    // msr cntp_cval_el0, x7 (CRm 2, op2 2): a write from x7.
    const arm::SysRegIss w{.op0 = 3, .op2 = 2, .op1 = 3, .crn = 14, .rt = 7, .crm = 2};
    EXPECT_EQ(Esr::make(ExceptionClass::SysReg64, w.encode()).value, 0x6234f8e4u);
    EXPECT_EQ(arm::SysRegIss::decode(w.encode()), w);
}

TEST(Esr, WfiWfeHvcSmcAndTheRest) {
    EXPECT_EQ(Esr{0x06000000}.ec(), ExceptionClass::Wfx);
    EXPECT_FALSE(Esr{0x06000000}.wfx().wfe);
    EXPECT_TRUE(Esr{0x06000001}.wfx().wfe);
    EXPECT_EQ(Esr{0x5a000000}.ec(), ExceptionClass::Hvc64); // hvc #0 (PSCI from Linux)
    EXPECT_EQ(Esr{0x5a000000}.hvc().imm16, 0);
    EXPECT_EQ(Esr{0x5e000103}.ec(), ExceptionClass::Smc64); // smc #0x103
    EXPECT_EQ(Esr{0x5e000103}.hvc().imm16, 0x103);
    EXPECT_EQ(Esr{0x56000000}.ec(), ExceptionClass::Svc64);
    EXPECT_EQ(Esr{0x1fe00000}.ec(), ExceptionClass::FpAccess);
    EXPECT_EQ(Esr{0x82000006}.ec(), ExceptionClass::InstructionAbortLower);
    EXPECT_EQ(Esr{0x02000000}.ec(), ExceptionClass::Unknown);
    EXPECT_EQ(Esr{0xbe000000}.ec(), ExceptionClass::SError);
    EXPECT_EQ(Esr::make(ExceptionClass::Hvc64, arm::HvcIss{0x4711}.encode()).value, 0x5a004711u);
    EXPECT_EQ(Esr::make(ExceptionClass::Wfx, arm::WfxIss{true}.encode(), false).value, 0x04000001u);
}

TEST(Esr, FaultIpaTakesThePageFromHpfarAndTheOffsetFromFar) {
    // A guest VA 0xffff800008010004 whose IPA is 0x8010004 (HPFAR FIPA = 0x8010).
    EXPECT_EQ(arm::fault_ipa(0x80100, 0xffff800008010004), 0x8010004u);
    // Bits above FIPA (HPFAR.NS, bit 63) are not part of the address.
    EXPECT_EQ(arm::fault_ipa((uint64_t{0x48001} << 4) | (uint64_t{1} << 63), 0x123), 0x48001123u);
}

// Decoders are constexpr: usable where the kernel needs compile-time constants.
static_assert(Esr{0x93810007}.ec() == ExceptionClass::DataAbortLower);
static_assert(Esr{0x93810007}.data_abort().srt == 1);

} // namespace
