// Guest exit messages and exit replies (kernel/src/vcpu_exit.cpp) on the host, plus
// the IPC path that carries them: a vCPU's exit reaches the VMM with all six message
// registers, and the VMM's reply writes a register and moves the PC.
#include "kernel_core_fixture.hpp"
#include "vcpu_exit.hpp"

#include <arch/esr.hpp>
#include <spec/vcpu_abi.hpp>

namespace {

using arm::DataAbortIss;
using arm::ExceptionClass;
using kernel::Context;
using kernel::vcpu_exit::build_eoi_message;
using kernel::vcpu_exit::build_message;
using kernel::vcpu_exit::Syndrome;
using vcpu_abi::ExitKind;

constexpr uint64_t esr(ExceptionClass ec, uint32_t iss) {
    return arm::Esr::make(ec, iss).value;
}
constexpr uint64_t data_abort(const DataAbortIss& iss) {
    return esr(ExceptionClass::DataAbortLower, iss.encode());
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
    const uint64_t e = data_abort({.isv = true, .sas = 2, .srt = 3, .wnr = true, .dfsc = 0x07});
    uint64_t mr[6];
    build_message(guest_context(), Syndrome{e, 0x10000008, 0x100000 << 4, 0}, mr);
    EXPECT_EQ(mr[0], static_cast<uint64_t>(ExitKind::DataAbort));
    EXPECT_EQ(mr[1], e);
    EXPECT_EQ(mr[2], 0x10000008u);
    EXPECT_EQ(mr[4], 0x40001000u);
    EXPECT_EQ(mr[5], 0x1003u);
}

TEST(VcpuExit, WriteOfXzrCarriesZeroAndReadsCarryNothing) {
    const uint64_t wzr = data_abort({.isv = true, .srt = 31, .wnr = true, .dfsc = 0x07});
    uint64_t mr[6];
    build_message(guest_context(), Syndrome{wzr, 0, 0, 0}, mr);
    EXPECT_EQ(mr[5], 0u);
    const uint64_t read = data_abort({.isv = true, .srt = 5, .dfsc = 0x07});
    build_message(guest_context(), Syndrome{read, 0, 0, 0}, mr);
    EXPECT_EQ(mr[5], 0u);
}

TEST(VcpuExit, AbortWithoutSyndromeCarriesTheInstruction) {
    const uint64_t e = data_abort({.wnr = true, .dfsc = 0x07}); // ISV = 0
    uint64_t mr[6];
    build_message(guest_context(), Syndrome{e, 0x9000, 0x90 << 4, 0xa9000be1}, mr);
    EXPECT_EQ(mr[0], static_cast<uint64_t>(ExitKind::DataAbort));
    EXPECT_EQ(mr[3], uint64_t{0x90 << 4});
    EXPECT_EQ(mr[5], 0xa9000be1u);
}

TEST(VcpuExit, HvcAndSmcCarryX0ToX3) {
    uint64_t mr[6];
    build_message(guest_context(), Syndrome{esr(ExceptionClass::Hvc64, 0), 0, 0, 0}, mr);
    EXPECT_EQ(mr[0], static_cast<uint64_t>(ExitKind::Hvc));
    EXPECT_EQ(mr[2], 0x1000u);
    EXPECT_EQ(mr[5], 0x1003u);
    build_message(guest_context(), Syndrome{esr(ExceptionClass::Smc64, 0), 0, 0, 0}, mr);
    EXPECT_EQ(mr[0], static_cast<uint64_t>(ExitKind::Smc));
}

TEST(VcpuExit, SysRegCarriesPcAndRt) {
    uint64_t mr[6];
    build_message(
        guest_context(),
        Syndrome{esr(ExceptionClass::SysReg64, arm::SysRegIss{.rt = 7}.encode()), 0, 0, 0}, mr);
    EXPECT_EQ(mr[0], static_cast<uint64_t>(ExitKind::SysReg));
    EXPECT_EQ(mr[2], 0x40001000u);
    EXPECT_EQ(mr[3], 0x1007u);
}

TEST(VcpuExit, OtherClassesAreUnknown) {
    uint64_t mr[6];
    build_message(guest_context(),
                  Syndrome{esr(ExceptionClass::InstructionAbortLower, 0x07), 0x123, 0x456, 0}, mr);
    EXPECT_EQ(mr[0], static_cast<uint64_t>(ExitKind::Unknown));
    EXPECT_EQ(mr[2], 0x123u);
    EXPECT_EQ(mr[3], 0x456u);
    EXPECT_EQ(mr[5], 0u);
    build_eoi_message(0b101, mr);
    // The list registers in MR0's upper half, where any exit carries them.
    EXPECT_EQ(mr[0] & vcpu_abi::kMrKindMask, static_cast<uint64_t>(ExitKind::EoiMaintenance));
    EXPECT_EQ(mr[0] >> vcpu_abi::kMrEoiShift, 0b101u);
    EXPECT_EQ(mr[1], 0u);
    EXPECT_EQ(mr[2], 0u);
    kernel::vcpu_exit::build_idle_message(esr(ExceptionClass::Wfx, 0), mr);
    EXPECT_EQ(mr[0], static_cast<uint64_t>(ExitKind::Idle));
    EXPECT_EQ(mr[1], esr(ExceptionClass::Wfx, 0));
    EXPECT_EQ(mr[5], 0u);
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
    build_message(vcpu->context, Syndrome{esr(ExceptionClass::Hvc64, 0), 0, 0, 0},
                  vcpu->fault_message);
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
