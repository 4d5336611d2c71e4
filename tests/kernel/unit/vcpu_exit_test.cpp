// Guest exit messages and exit replies (kernel/src/vcpu_exit.cpp) on the host, plus
// the IPC path that carries them: a vCPU's exit reaches the VMM with all six message
// registers, and the VMM's reply writes a register and moves the PC.
#include "kernel_core_fixture.hpp"
#include "vcpu_exit.hpp"

#include <spec/vcpu_abi.hpp>

namespace {

using kernel::Context;
using kernel::vcpu_exit::build_eoi_message;
using kernel::vcpu_exit::build_message;
using kernel::vcpu_exit::Syndrome;
using vcpu_abi::ExitKind;

constexpr uint64_t esr(uint32_t ec, uint32_t iss) {
    return (uint64_t{ec} << 26) | (1ull << 25) | iss;
}

Context guest_context() {
    Context c{};
    for (unsigned i = 0; i < 31; ++i)
        c.x[i] = 0x1000 + i;
    c.elr = 0x40001000;
    return c;
}

TEST(VcpuExit, MmioWriteWithSyndromeCarriesTheStoredRegister) {
    // str w3, [x20, #8]: ISV, SAS word, SRT 3, WnR, DFSC translation level 3.
    const uint64_t e = esr(0x24, (1u << 24) | (2u << 22) | (3u << 16) | (1u << 6) | 0x07);
    uint64_t mr[6];
    build_message(guest_context(), Syndrome{e, 0x10000008, 0x100000 << 4, 0}, mr);
    EXPECT_EQ(mr[0], static_cast<uint64_t>(ExitKind::DataAbort));
    EXPECT_EQ(mr[1], e);
    EXPECT_EQ(mr[2], 0x10000008u);
    EXPECT_EQ(mr[4], 0x40001000u);
    EXPECT_EQ(mr[5], 0x1003u);
}

TEST(VcpuExit, WriteOfXzrCarriesZeroAndReadsCarryNothing) {
    const uint64_t wzr = esr(0x24, (1u << 24) | (31u << 16) | (1u << 6) | 0x07);
    uint64_t mr[6];
    build_message(guest_context(), Syndrome{wzr, 0, 0, 0}, mr);
    EXPECT_EQ(mr[5], 0u);
    const uint64_t read = esr(0x24, (1u << 24) | (5u << 16) | 0x07);
    build_message(guest_context(), Syndrome{read, 0, 0, 0}, mr);
    EXPECT_EQ(mr[5], 0u);
}

TEST(VcpuExit, AbortWithoutSyndromeCarriesTheInstruction) {
    const uint64_t e = esr(0x24, (1u << 6) | 0x07); // ISV = 0
    uint64_t mr[6];
    build_message(guest_context(), Syndrome{e, 0x9000, 0x90 << 4, 0xa9000be1}, mr);
    EXPECT_EQ(mr[0], static_cast<uint64_t>(ExitKind::DataAbort));
    EXPECT_EQ(mr[3], uint64_t{0x90 << 4});
    EXPECT_EQ(mr[5], 0xa9000be1u);
}

TEST(VcpuExit, HvcAndSmcCarryX0ToX3) {
    uint64_t mr[6];
    build_message(guest_context(), Syndrome{esr(0x16, 0), 0, 0, 0}, mr);
    EXPECT_EQ(mr[0], static_cast<uint64_t>(ExitKind::Hvc));
    EXPECT_EQ(mr[2], 0x1000u);
    EXPECT_EQ(mr[5], 0x1003u);
    build_message(guest_context(), Syndrome{esr(0x17, 0), 0, 0, 0}, mr);
    EXPECT_EQ(mr[0], static_cast<uint64_t>(ExitKind::Smc));
}

TEST(VcpuExit, SysRegCarriesPcAndRt) {
    uint64_t mr[6];
    build_message(guest_context(), Syndrome{esr(0x18, 7u << 5), 0, 0, 0}, mr);
    EXPECT_EQ(mr[0], static_cast<uint64_t>(ExitKind::SysReg));
    EXPECT_EQ(mr[2], 0x40001000u);
    EXPECT_EQ(mr[3], 0x1007u);
}

TEST(VcpuExit, OtherClassesAreUnknown) {
    uint64_t mr[6];
    build_message(guest_context(), Syndrome{esr(0x20, 0x07), 0x123, 0x456, 0}, mr);
    EXPECT_EQ(mr[0], static_cast<uint64_t>(ExitKind::Unknown));
    EXPECT_EQ(mr[2], 0x123u);
    EXPECT_EQ(mr[3], 0x456u);
    EXPECT_EQ(mr[5], 0u);
    build_eoi_message(0b101, mr);
    EXPECT_EQ(mr[0], static_cast<uint64_t>(ExitKind::EoiMaintenance));
    EXPECT_EQ(mr[1], 0b101u);
}

TEST(VcpuExit, ReplyWritesRegisterThenAdvances) {
    Context c = guest_context();
    const uint64_t set_and_advance[3] = {vcpu_abi::SetRegister | vcpu_abi::AdvancePc, 4, 0x99};
    kernel::vcpu_exit::apply_reply(c, set_and_advance);
    EXPECT_EQ(c.x[4], 0x99u);
    EXPECT_EQ(c.elr, 0x40001004u);
    const uint64_t xzr[3] = {vcpu_abi::SetRegister, 31, 0x99};
    kernel::vcpu_exit::apply_reply(c, xzr);
    EXPECT_EQ(c.elr, 0x40001004u);
    EXPECT_EQ(c.x[30], 0x101eu);
    const uint64_t nothing[3] = {0, 0, 0x99};
    kernel::vcpu_exit::apply_reply(c, nothing);
    EXPECT_EQ(c.x[0], 0x1000u);
}

class VcpuExitIpc : public kernel_test::KernelCore {};

TEST_F(VcpuExitIpc, ExitReachesTheVmmAndTheReplyResumesTheVcpu) {
    kernel::Endpoint ep;
    kernel::Thread* vmm = thread(50);
    kernel::Thread* vcpu = thread(100);
    kernel::VcpuState* marker = reinterpret_cast<kernel::VcpuState*>(vcpu); // only non-null
    vcpu->vcpu = marker;
    vcpu->context = guest_context();
    kernel::ipc::receive(vmm, &ep);
    build_message(vcpu->context, Syndrome{esr(0x16, 0), 0, 0, 0}, vcpu->fault_message);
    vcpu->in_fault = true;
    kernel::ipc::send(vcpu, &ep, 7, true);
    EXPECT_EQ(vmm->context.x[1], 7u);
    EXPECT_EQ(vmm->context.x[2], static_cast<uint64_t>(ExitKind::Hvc));
    EXPECT_EQ(vmm->context.x[7], 0x1003u); // MR5 = guest x3
    EXPECT_EQ(vcpu->state, kernel::ThreadState::BlockedOnReply);
    vmm->context.x[2] = vcpu_abi::SetRegister;
    vmm->context.x[3] = 0;
    vmm->context.x[4] = 0x1235;
    ASSERT_TRUE(kernel::ipc::reply(vmm));
    EXPECT_EQ(vcpu->state, kernel::ThreadState::Ready);
    EXPECT_EQ(vcpu->context.x[0], 0x1235u); // the guest's x0, not a status code
    EXPECT_EQ(vcpu->context.x[1], 0x1001u);
    EXPECT_EQ(vcpu->context.elr, 0x40001000u);
    vcpu->vcpu = nullptr;
}

TEST_F(VcpuExitIpc, CancellingAVcpuLeavesItsX0Alone) {
    kernel::Endpoint ep;
    kernel::Thread* vcpu = thread(100);
    vcpu->vcpu = reinterpret_cast<kernel::VcpuState*>(vcpu);
    vcpu->context = guest_context();
    kernel::ipc::receive(vcpu, &ep); // any blocking state will do
    kernel::ipc::cancel(vcpu);
    EXPECT_EQ(vcpu->context.x[0], 0x1000u);
    vcpu->vcpu = nullptr;
}

} // namespace

namespace {

TEST(VcpuAbi, FaultIpaTakesThePageFromHpfarAndTheOffsetFromFar) {
    // A guest VA in FAR (its own stage 1), the IPA page in HPFAR.FIPA; bits above FIPA
    // (NS in newer architecture versions) are not part of the address.
    const uint64_t hpfar = (uint64_t{0x48001} << 4) | (uint64_t{1} << 63);
    EXPECT_EQ(vcpu_abi::fault_ipa(hpfar, 0xffff800012345678ull), 0x48001678ull);
    static_assert(vcpu_abi::fault_ipa(0x90000, 0xabc) == 0x9000abc);
}

} // namespace
