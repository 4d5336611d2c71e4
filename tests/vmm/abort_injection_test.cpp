// Injected external data abort: the EL1 exception entry for each guest mode.
#include <vmm/abort_injection.hpp>

#include <gtest/gtest.h>

namespace vmm {
namespace {

TEST(AbortInjection, FromEl1hGoesToTheCurrentElSpxVector) {
    const El1ExceptionEntry e = external_data_abort(
        {0xffff800008123456, 0x60000005, 0xffff800008010800, 0xffff000012340000, false});
    EXPECT_EQ(e.elr_el1, 0xffff800008123456u);
    EXPECT_EQ(e.spsr_el1, 0x60000005u);
    EXPECT_EQ(e.far_el1, 0xffff000012340000u);
    EXPECT_EQ(e.esr_el1, 0x96000010u); // EC 0x25 (same EL), IL, DFSC synchronous external
    EXPECT_EQ(e.pc, 0xffff800008010800u + 0x200);
    EXPECT_EQ(e.pstate, 0x3c5u);
}

TEST(AbortInjection, FromEl0IsALowerElAbortAndRecordsWrites) {
    // busybox devmem in guest userspace writing to an unbacked address.
    const El1ExceptionEntry e = external_data_abort({0x400123, 0x0, 0x1000, 0x7f0000, true});
    EXPECT_EQ(e.esr_el1, 0x92000050u); // EC 0x24 (lower EL), IL, WnR, DFSC sync external
    EXPECT_EQ(e.pc, 0x1400u);
    EXPECT_EQ(external_data_abort({0, 0x4, 0x1000, 0, false}).pc, 0x1000u);  // EL1t
    EXPECT_EQ(external_data_abort({0, 0x10, 0x1000, 0, false}).pc, 0x1600u); // AArch32 EL0
}

TEST(AbortInjection, AnInstructionAbortUsesTheInstructionAbortClasses) {
    const El1ExceptionEntry el1 =
        external_instruction_abort({0x20000000, 0x3c5, 0x1000, 0x20000000, false});
    EXPECT_EQ(el1.esr_el1, 0x86000010u); // EC 0x21 (same EL), IL, IFSC synchronous external
    EXPECT_EQ(el1.far_el1, 0x20000000u);
    EXPECT_EQ(el1.pc, 0x1200u);
    const El1ExceptionEntry el0 =
        external_instruction_abort({0x400000, 0x0, 0x1000, 0x400000, true});
    EXPECT_EQ(el0.esr_el1, 0x82000010u); // EC 0x20 (lower EL): `write` means nothing here
    EXPECT_EQ(el0.pc, 0x1400u);
}

} // namespace
} // namespace vmm
