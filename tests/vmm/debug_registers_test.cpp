// The guest's debug registers through the exit loop: a watchpoint a guest tries to arm
// (DBGWCR0_EL1, MDSCR_EL1.MDE) is answered as zero and dropped, with one log line for the
// VM; registers outside the debug space are left to the other handlers.
#include <vmm/debug_registers.hpp>
#include <vmm/exit_loop.hpp>

#include "fake_list_registers.hpp"
#include "fake_log.hpp"
#include "fake_vcpu.hpp"

#include <gtest/gtest.h>

#include <array>

namespace vmm {
namespace {

constexpr arm::SysRegIss kDbgwcr0{.op0 = 2, .op2 = 7, .op1 = 0, .crn = 0, .rt = 3, .crm = 0};
constexpr arm::SysRegIss kMdscr{.op0 = 2, .op2 = 2, .op1 = 0, .crn = 0, .rt = 4, .crm = 2};
constexpr arm::SysRegIss kCntpCtl{.op0 = 3, .op2 = 1, .op1 = 3, .crn = 14, .rt = 5, .crm = 2};

GuestExit trapped(arm::SysRegIss reg, bool read, uint64_t value, uint64_t pc) {
    reg.read = read;
    GuestExit e;
    e.reason = ExitReason::SysReg;
    e.esr = (uint64_t{0x18} << 26) | (1u << 25) | reg.encode();
    e.data = value;
    e.pc = pc;
    return e;
}

struct DebugRegistersTest : ::testing::Test {
    test::RecordingLog log;
    test::FakeListRegisters lrs{4};
    std::array<ListRegisters*, 1> vcpus{&lrs};
    VgicDistributor vgic{64, vcpus, log};
    MmioBus bus{UnhandledAccessPolicy::InjectAbort, log};
    SmcccDispatcher smccc{log};
    NotificationRouter router;
    ExitLoop loop{bus, vgic, smccc, router, log};
    DebugRegisters debug{log};
    test::FakeVcpu cpu;

    void SetUp() override { ASSERT_TRUE(loop.add_system_registers(debug)); }
};

TEST_F(DebugRegistersTest, AWatchpointIsNeitherArmedNorReadBack) {
    const uint64_t wcr = (31ull << 24) | (0xffull << 5) | (3ull << 3) | (2ull << 1) | 1;
    EXPECT_EQ(loop.handle(trapped(kDbgwcr0, false, wcr, 0x1000), cpu), ExitOutcome::Resume);
    EXPECT_EQ(cpu.program_counter, 0x1004u);
    cpu.x[3] = 0x1234;
    EXPECT_EQ(loop.handle(trapped(kDbgwcr0, true, 0, 0x1004), cpu), ExitOutcome::Resume);
    EXPECT_EQ(cpu.gpr(3), 0u);
    EXPECT_EQ(loop.handle(trapped(kMdscr, false, 1u << 15, 0x1008), cpu), ExitOutcome::Resume);
    cpu.x[4] = 0x1234;
    EXPECT_EQ(loop.handle(trapped(kMdscr, true, 0, 0x100c), cpu), ExitOutcome::Resume);
    EXPECT_EQ(cpu.gpr(4), 0u);
    EXPECT_EQ(debug.accesses(), 4u);
    ASSERT_EQ(log.lines.size(), 1u);
    EXPECT_EQ(log.lines[0], "vmm: vCPU 0 uses the debug registers: they are the hypervisor's, the "
                            "guest's read as 0 and ignore writes");
}

TEST_F(DebugRegistersTest, OtherRegistersAreNotTheirs) {
    EXPECT_EQ(loop.handle(trapped(kCntpCtl, true, 0, 0x2000), cpu), ExitOutcome::Resume);
    EXPECT_EQ(debug.accesses(), 0u);
    ASSERT_EQ(log.lines.size(), 1u);
    EXPECT_TRUE(log.lines[0].starts_with("vmm: guest read a trapped system register"));
}

} // namespace
} // namespace vmm
