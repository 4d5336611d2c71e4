// A guest's trapped TLBIs (spec::BoardLocalGuestTlbi): which trapped system instructions
// are TLBIs, as which local operation; which VMs may have them; how the exit counts them.
#include "guest_tlbi.hpp"
#include "vcpu_exit.hpp"

#include <arch/esr.hpp>

#include <gtest/gtest.h>

#include <vector>

namespace {

using kernel::guest_tlbi::decode;
using kernel::guest_tlbi::Op;

// The ISS of a trapped `SYS #op1, C<crn>, C<crm>, #op2, X<rt>` (op0 1, a write).
uint32_t sys(uint8_t op1, uint8_t crn, uint8_t crm, uint8_t op2, uint8_t rt = 3) {
    arm::SysRegIss s;
    s.op0 = 1;
    s.op1 = op1;
    s.crn = crn;
    s.crm = crm;
    s.op2 = op2;
    s.rt = rt;
    return s.encode();
}

TEST(GuestTlbi, BroadcastFormsBecomeTheirLocalOperation) {
    // What Linux issues: flush_tlb_mm (ASIDE1IS), flush_tlb_page (VALE1IS / VAE1IS),
    // flush_tlb_kernel_range (VAAE1IS), flush_tlb_all (VMALLE1IS).
    EXPECT_EQ(decode(sys(0, 8, 3, 0)), Op::VmallE1);
    EXPECT_EQ(decode(sys(0, 8, 3, 1)), Op::VaE1);
    EXPECT_EQ(decode(sys(0, 8, 3, 2)), Op::AsidE1);
    EXPECT_EQ(decode(sys(0, 8, 3, 3)), Op::VaaE1);
    EXPECT_EQ(decode(sys(0, 8, 3, 5)), Op::ValE1);
    EXPECT_EQ(decode(sys(0, 8, 3, 7)), Op::VaalE1);
}

TEST(GuestTlbi, LocalFormsTrapTooAndStayLocal) {
    EXPECT_EQ(decode(sys(0, 8, 7, 0)), Op::VmallE1);
    EXPECT_EQ(decode(sys(0, 8, 7, 1, 31)), Op::VaE1) << "any Rt";
    EXPECT_EQ(decode(sys(0, 8, 7, 2)), Op::AsidE1);
    EXPECT_EQ(decode(sys(0, 8, 7, 5)), Op::ValE1);
}

TEST(GuestTlbi, OtherTlbisDropEverythingOfTheVmid) {
    // Outer-shareable (CRm 1) and range (CRm 2) forms of later versions, and unallocated
    // op2 values: never less than the guest asked for.
    EXPECT_EQ(decode(sys(0, 8, 1, 1)), Op::VmallE1);
    EXPECT_EQ(decode(sys(0, 8, 2, 1)), Op::VmallE1);
    EXPECT_EQ(decode(sys(0, 8, 3, 4)), Op::VmallE1);
    EXPECT_EQ(decode(sys(0, 8, 7, 6)), Op::VmallE1);
}

TEST(GuestTlbi, MsrMrsAndOtherSystemInstructionsAreNotTlbis) {
    EXPECT_FALSE(decode(sys(0, 7, 5, 1))) << "IC IVAU (CRn 7)";
    EXPECT_FALSE(decode(sys(4, 8, 3, 1))) << "op1 4: an EL2 operation";
    arm::SysRegIss msr; // MSR ICC_SGI1R_EL1 (op0 3): a GICv3 register the VMM emulates
    msr.op0 = 3;
    msr.op1 = 0;
    msr.crn = 12;
    msr.crm = 11;
    msr.op2 = 5;
    EXPECT_FALSE(decode(msr.encode()));
    arm::SysRegIss mrs = arm::SysRegIss::decode(sys(0, 8, 3, 1));
    mrs.read = true; // no TLBI reads a register
    EXPECT_FALSE(decode(mrs.encode()));
}

TEST(GuestTlbi, CountedAsTheirOwnExitKindOtherSysRegsAsBefore) {
    const auto esr = [](uint32_t iss) {
        return arm::Esr::make(arm::ExceptionClass::SysReg64, iss, true).value;
    };
    EXPECT_EQ(kernel::vcpu_exit::counter_for(esr(sys(0, 8, 3, 2))), vcpu_abi::ExitCounter::Tlbi);
    EXPECT_EQ(kernel::vcpu_exit::counter_for(esr(sys(0, 7, 5, 1))), vcpu_abi::ExitCounter::SysReg);
    EXPECT_STREQ(vcpu_abi::kExitCounterNames[static_cast<unsigned>(vcpu_abi::ExitCounter::Tlbi)],
                 "tlbi");
}

spec::Thread thread(uint32_t domain, uint32_t core, bool vcpu) {
    spec::Thread t{};
    t.domain = domain;
    t.core = core;
    t.flags = vcpu ? static_cast<uint32_t>(spec::ThreadFlags::Vcpu) : 0u;
    return t;
}

TEST(GuestTlbi, OnlyVmsWhoseVcpusShareOneCore) {
    using kernel::guest_tlbi::vcpus_share_one_core;
    // vm_minimal: the VMM (domain 0, core 0) and one vCPU (domain 1, core 0).
    const std::vector<spec::Thread> one = {thread(0, 0, false), thread(1, 0, true)};
    EXPECT_TRUE(vcpus_share_one_core(one, 1));
    EXPECT_FALSE(vcpus_share_one_core(one, 0)) << "no vCPU: not a VM";
    // vm_minimal_smp: vCPU i on core i. A TLBI must reach the other cores' TLBs.
    const std::vector<spec::Thread> smp = {thread(0, 0, false), thread(1, 0, true),
                                           thread(1, 1, true), thread(1, 2, true)};
    EXPECT_FALSE(vcpus_share_one_core(smp, 1));
    // Two vCPUs on core 1, the VMM elsewhere: its own core does not matter.
    const std::vector<spec::Thread> shared = {thread(0, 0, false), thread(1, 1, true),
                                              thread(1, 1, true)};
    EXPECT_TRUE(vcpus_share_one_core(shared, 1));
}

} // namespace
