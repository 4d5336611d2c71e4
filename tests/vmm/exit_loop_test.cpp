// A guest exit's whole path on the host: syndrome -> decode -> MMIO bus -> vGIC
// distributor -> registers and list registers, HVC/SMC -> SMCCC dispatch -> x0, an
// access to nothing -> log line -> injected external abort. A fake port replays a
// scripted sequence of exits and notifications of one vCPU through the exit loop; the
// test checks what the vCPU was resumed with, what was logged, and what the vGIC,
// devices and the VM control saw.
#include <arch/esr.hpp>
#include <vmm/exit_loop.hpp>
#include <vmm/vpsci.hpp>

#include "fake_list_registers.hpp"
#include "fake_log.hpp"
#include "fake_vcpu.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <utility>
#include <vector>

namespace vmm {
namespace {

constexpr uint64_t kGicd = 0x8000000;
using Kind = VcpuPort::Event::Kind;

// ESR_EL2 values: data abort with a valid syndrome, HVC/SMC, trapped MRS/MSR.
uint64_t abort_esr(unsigned sas, unsigned srt, bool write) {
    return (uint64_t{0x24} << 26) | (1u << 25) | (1u << 24) | (sas << 22) | (srt << 16) |
           (uint64_t{write} << 6) | 0x07;
}
constexpr uint64_t kHvcEsr = (uint64_t{0x16} << 26) | (1u << 25);
constexpr uint64_t kSmcEsr = (uint64_t{0x17} << 26) | (1u << 25);
uint64_t sysreg_esr(unsigned rt, bool read) {
    return (uint64_t{0x18} << 26) | (1u << 25) | (rt << 5) | (read ? 1 : 0);
}

VcpuPort::Event mmio(uint64_t ipa, unsigned sas, unsigned srt, bool write, uint64_t pc) {
    VcpuPort::Event e;
    e.kind = Kind::Exit;
    e.exit.reason = ExitReason::DataAbort;
    e.exit.esr = abort_esr(sas, srt, write);
    e.exit.far = 0xffff000000000000 | (ipa & 0xfff);
    e.exit.hpfar = (ipa >> 12) << 4;
    e.exit.pc = pc;
    return e;
}
VcpuPort::Event call(ExitReason conduit, uint64_t x0, uint64_t x1 = 0) {
    VcpuPort::Event e;
    e.kind = Kind::Exit;
    e.exit.reason = conduit;
    e.exit.esr = conduit == ExitReason::Hvc ? kHvcEsr : kSmcEsr;
    e.exit.call = {x0, x1, 0, 0};
    return e;
}
VcpuPort::Event sysreg(unsigned rt, bool read, uint64_t pc) {
    VcpuPort::Event e;
    e.kind = Kind::Exit;
    e.exit.reason = ExitReason::SysReg;
    e.exit.esr = sysreg_esr(rt, read);
    e.exit.pc = pc;
    return e;
}
VcpuPort::Event eoi(uint64_t mask) {
    VcpuPort::Event e;
    e.kind = Kind::Exit;
    e.exit.reason = ExitReason::EoiMaintenance;
    e.exit.eoi_mask = mask;
    return e;
}
VcpuPort::Event notification(uint64_t bits) {
    VcpuPort::Event e;
    e.kind = Kind::Notification;
    e.bits = bits;
    return e;
}

// Replays `script`, then reports the port lost. Each wait() records whether the
// previous exit was answered and the vCPU's registers at that point.
class ScriptedPort final : public VcpuPort {
public:
    struct Answer {
        bool resume;
        uint64_t x0;
        uint64_t pc;
    };
    std::vector<Event> script;
    std::vector<Answer> answers;
    test::FakeVcpu cpu;

    void wait(bool resume, Event& event) override {
        answers.push_back({resume, cpu.x[0], cpu.program_counter});
        if (answers.size() > script.size()) {
            event.kind = Kind::Lost;
            return;
        }
        event = script[answers.size() - 1];
        // As the kernel's port does: the vCPU stopped at the exit's PC.
        if (event.kind == Kind::Exit && event.exit.pc != 0) cpu.program_counter = event.exit.pc;
    }
    Vcpu& vcpu() override { return cpu; }
};

class RecordingControl final : public VmControl {
public:
    unsigned resets = 0;
    bool succeed = true;
    struct Start {
        unsigned target;
        uint64_t entry, context_id;
    };
    std::vector<Start> starts;
    bool reset_guest() override {
        ++resets;
        return succeed;
    }
    bool start_vcpu(unsigned target, uint64_t entry, uint64_t context_id) override {
        starts.push_back({target, entry, context_id});
        return succeed;
    }
};

// A backend-driven device: its bits raise SPI 40.
class Doorbell final : public NotificationHandler {
public:
    explicit Doorbell(VgicDistributor& vgic) : vgic_(vgic) {}
    std::vector<uint64_t> seen;
    void notified(uint64_t bits) override {
        seen.push_back(bits);
        (void)vgic_.inject(40);
    }

private:
    VgicDistributor& vgic_;
};

struct ExitLoopTest : ::testing::Test {
    test::RecordingLog log;
    test::FakeListRegisters lrs{4};
    std::array<ListRegisters*, 1> vcpus{&lrs};
    VgicDistributor vgic{64, vcpus, log};
    MmioBus bus{UnhandledAccessPolicy::InjectAbort, log};
    Vpsci psci{1};
    SmcccDispatcher smccc{log};
    NotificationRouter router;
    Doorbell doorbell{vgic};
    ExitLoop loop{bus, vgic, smccc, router, log};
    ScriptedPort port;
    RecordingControl control;

    void SetUp() override {
        ASSERT_TRUE(bus.add("gicd", {base::GuestPhysAddr(kGicd), VgicDistributor::kSize}, vgic));
        ASSERT_TRUE(psci.install(smccc));
        ASSERT_TRUE(router.add(0x10, doorbell));
    }
};

TEST_F(ExitLoopTest, AScriptedGuestSession) {
    port.cpu.x[1] = 1;      // GICD_CTLR.Enable
    port.cpu.x[2] = 1 << 8; // ISENABLER1: SPI 40
    port.cpu.x[4] = 1;      // ITARGETSR byte of SPI 40: vCPU 0
    port.cpu.x[5] = 0x55;   // overwritten by the trapped MRS
    port.script = {
        mmio(kGicd + VgicDistributor::kTyper, 2, 3, false, 0x1000),         // 0
        mmio(kGicd + VgicDistributor::kCtlr, 2, 1, true, 0x1004),           // 1
        mmio(kGicd + VgicDistributor::kIsenabler + 4, 2, 2, true, 0x1008),  // 2
        mmio(kGicd + VgicDistributor::kItargetsr + 40, 0, 4, true, 0x100c), // 3
        mmio(0x20000000, 2, 6, false, 0x1010),                              // 4: nothing there
        call(ExitReason::Hvc, psci::kVersion),                              // 5
        call(ExitReason::Smc, 0xc2000001, 9),                               // 6: nobody's
        call(ExitReason::Hvc, smccc::kVersion),                             // 7
        sysreg(5, true, 0x2000),                                            // 8
        notification(0x10 | 0x1),                                           // 9
        eoi(0x1),                                                           // 10
        call(ExitReason::Hvc, psci::kSystemReset),                          // 11
        call(ExitReason::Hvc, psci::kSystemOff),                            // 12
    };
    ASSERT_EQ(loop.run(port, control), StopReason::PowerOff);
    ASSERT_EQ(port.answers.size(), 13u); // nothing is answered after SYSTEM_OFF

    // answers[i + 1] is how exit i was answered.
    EXPECT_FALSE(port.answers[0].resume); // the first wait answers nothing
    EXPECT_EQ(port.cpu.x[3], 1u);         // GICD_TYPER.ITLinesNumber of 64 IRQs
    EXPECT_TRUE(port.answers[1].resume);
    EXPECT_EQ(port.answers[1].pc, 0x1004u);
    EXPECT_TRUE(vgic.enabled(40));
    // The access to nothing: logged, an external abort entered at VBAR + 0x200.
    EXPECT_TRUE(port.answers[5].resume);
    ASSERT_TRUE(port.cpu.exception.has_value());
    EXPECT_EQ(port.cpu.exception->elr_el1, 0x1010u);
    EXPECT_EQ(port.answers[5].pc, 0xffff800008010200u);
    EXPECT_EQ(log.lines.at(0), "vmm: unhandled guest read of 4 bytes at 0x20000000 pc 0x1010 "
                               "reg x6: injecting abort");
    // PSCI_VERSION, the unknown SMC, SMCCC_VERSION.
    EXPECT_EQ(port.answers[6].x0, uint64_t(psci::kVersion1_0));
    EXPECT_EQ(port.answers[7].x0, ~uint64_t{0}); // NOT_SUPPORTED
    EXPECT_EQ(
        log.lines.at(1),
        "vmm: guest SMC function 0xc2000001 (x1 0x9) on vCPU 0 has no handler: NOT_SUPPORTED");
    EXPECT_EQ(port.answers[8].x0, 0x10001u);
    // The trapped MRS reads as zero and moves on.
    EXPECT_EQ(port.cpu.x[5], 0u);
    EXPECT_EQ(port.answers[9].pc, 0x2004u);
    EXPECT_TRUE(log.lines.at(2).starts_with("vmm: guest read a trapped system register"));
    // The notification is no exit: nothing is answered after it. Its device raised SPI
    // 40 into list register 0; bit 0 has no listener.
    EXPECT_FALSE(port.answers[10].resume);
    EXPECT_EQ(doorbell.seen, (std::vector<uint64_t>{0x10}));
    ASSERT_EQ(lrs.writes.size(), 1u);
    EXPECT_EQ(lrs.writes[0].first, 0u);
    EXPECT_EQ(lrs.writes[0].second.virq, 40);
    EXPECT_EQ(log.lines.at(3), "vmm: notification bits 0x1 have no listener: ignored");
    // The EOI freed list register 0: the next delivery uses it again.
    EXPECT_TRUE(port.answers[11].resume);
    lrs.guest_eoi(0);
    ASSERT_TRUE(vgic.inject(40));
    EXPECT_EQ(lrs.writes.back().first, 0u);
    // SYSTEM_RESET went to the VM and the new guest was resumed.
    EXPECT_EQ(control.resets, 1u);
    EXPECT_TRUE(port.answers[12].resume);
    EXPECT_EQ(log.lines.size(), 4u);
}

// The kernel's EOI report rides on any exit (its mask in every GuestExit): the EOIs
// happened before the exit, so the loop frees their list registers before it handles the
// exit itself — a read of the pending bits then no longer sees the EOId interrupt, and an
// interrupt raised again goes straight back into a list register.
TEST_F(ExitLoopTest, EoisRidingOnAnyExitAreHandledBeforeIt) {
    ASSERT_TRUE(vgic.write(VgicDistributor::kCtlr, 4, 0, 1));
    ASSERT_TRUE(vgic.write(VgicDistributor::kIsenabler + 4, 4, 0, 1u << 8)); // SPI 40
    ASSERT_TRUE(vgic.write(VgicDistributor::kItargetsr + 40, 1, 0, 1));
    ASSERT_TRUE(vgic.inject(40));
    ASSERT_EQ(lrs.writes.size(), 1u);
    lrs.guest_eoi(0);
    port.cpu.x[3] = 0x55;
    auto read_pending = mmio(kGicd + VgicDistributor::kIspendr + 4, 2, 3, false, 0x1000);
    read_pending.exit.eoi_mask = 0x1; // 40's EOI rides on this read
    auto hvc = call(ExitReason::Hvc, psci::kVersion);
    hvc.exit.eoi_mask = 0x1; // and, after the doorbell raised it again, on this HVC
    port.script = {read_pending, notification(0x10), hvc};
    EXPECT_EQ(loop.run(port, control), StopReason::PortLost);
    EXPECT_EQ(port.cpu.x[3], 0u) << "SPI 40 read as pending: its EOI was handled after the read";
    EXPECT_TRUE(port.answers[1].resume);
    ASSERT_EQ(lrs.writes.size(), 2u) << "the doorbell's SPI 40 went into the freed list register";
    EXPECT_EQ(lrs.writes[1].first, 0u);
    EXPECT_EQ(port.answers[3].x0, uint64_t(psci::kVersion1_0)) << "the HVC itself is answered";
    EXPECT_FALSE(vgic.pending(40));
    EXPECT_TRUE(log.lines.empty()) << log.lines.front();
}

TEST_F(ExitLoopTest, HaltPolicyStopsTheVcpu) {
    MmioBus halting{UnhandledAccessPolicy::HaltVm, log};
    ExitLoop strict{halting, vgic, smccc, router, log};
    port.script = {mmio(0x20000000, 2, 0, false, 0x1000), notification(0x10)};
    EXPECT_EQ(strict.run(port, control), StopReason::PortLost);
    EXPECT_TRUE(port.cpu.suspended);
    EXPECT_FALSE(port.answers[1].resume);
    EXPECT_FALSE(port.cpu.exception.has_value());
    EXPECT_EQ(log.lines.back(), "vm: VM halted on an unhandled access (halt_on_unhandled_access)");
    EXPECT_EQ(doorbell.seen.size(), 1u); // notifications are still served
}

TEST_F(ExitLoopTest, CpuOffAndUnknownExitsLeaveTheVcpuStopped) {
    test::FakeVcpu cpu;
    EXPECT_EQ(loop.handle(call(ExitReason::Hvc, psci::kCpuOff).exit, cpu), ExitOutcome::Stop);
    EXPECT_EQ(log.lines.back(), "vmm: vCPU 0 called CPU_OFF: stopped");
    GuestExit unknown;
    unknown.esr = uint64_t{0x2f} << 26; // SError: nothing the VMM could answer
    unknown.pc = 0x4000;
    EXPECT_EQ(loop.handle(unknown, cpu), ExitOutcome::Stop);
    EXPECT_EQ(log.lines.back(), "vmm: guest exit the VMM cannot handle: esr 0xbc000000 far 0x0 "
                                "pc 0x4000: vCPU 0 stopped");
}

struct IdleCounter final : IdleListener {
    unsigned calls = 0;
    void vcpu_idle() override { ++calls; }
};

TEST_F(ExitLoopTest, ADeviceAskingDuringAnExitHearsOfTheVcpusNextWaitAndArmsItOnce) {
    IdleCounter device;
    ASSERT_TRUE(loop.idle_watch().add(device));
    test::FakeVcpu cpu;
    const GuestExit hvc = call(ExitReason::Hvc, psci::kVersion).exit;
    EXPECT_EQ(loop.handle(hvc, cpu), ExitOutcome::Resume);
    EXPECT_EQ(cpu.idle_requests, 0u); // nobody asked
    loop.idle_watch().request();
    EXPECT_EQ(loop.handle(hvc, cpu), ExitOutcome::Resume);
    EXPECT_EQ(cpu.idle_requests, 1u);
    loop.idle_watch().request();
    EXPECT_EQ(loop.handle(hvc, cpu), ExitOutcome::Resume);
    EXPECT_EQ(cpu.idle_requests, 1u); // still armed in the kernel: no second call
    EXPECT_EQ(device.calls, 0u);
    GuestExit idle;
    idle.reason = ExitReason::Idle;
    idle.esr = arm::Esr::make(arm::ExceptionClass::Wfx, arm::WfxIss{}.encode()).value; // WFI
    EXPECT_EQ(loop.handle(idle, cpu), ExitOutcome::Resume);
    EXPECT_EQ(device.calls, 1u);
    loop.idle_watch().request(); // the kernel disarmed it with that exit: armed again
    EXPECT_EQ(loop.handle(hvc, cpu), ExitOutcome::Resume);
    EXPECT_EQ(cpu.idle_requests, 2u);
}

TEST_F(ExitLoopTest, WithoutIdleExitsTheListenersDecideAtOnce) {
    IdleCounter device;
    ASSERT_TRUE(loop.idle_watch().add(device));
    test::FakeVcpu cpu;
    cpu.idle_exits_available = false;
    loop.idle_watch().request();
    EXPECT_EQ(loop.handle(call(ExitReason::Hvc, psci::kVersion).exit, cpu), ExitOutcome::Resume);
    EXPECT_EQ(device.calls, 1u);
}

// An instruction abort at stage 2 (EC 0x20, IFSC translation fault level 2): what a guest
// that jumps into an address nothing backs causes.
GuestExit wild_fetch(uint64_t ipa) {
    GuestExit e;
    e.esr = (uint64_t{0x20} << 26) | (1u << 25) | 0x06;
    e.far = ipa;
    e.hpfar = (ipa >> 12) << 4;
    e.pc = ipa;
    return e;
}

TEST_F(ExitLoopTest, AFetchFromNothingIsAnInstructionAbortForTheGuest) {
    test::FakeVcpu cpu;
    cpu.vbar = 0x40200800;
    EXPECT_EQ(loop.handle(wild_fetch(0x20000000), cpu), ExitOutcome::Resume);
    ASSERT_TRUE(cpu.exception.has_value());
    EXPECT_EQ(cpu.exception->esr_el1, 0x86000010u); // EC 0x21 (same EL), IL, IFSC external
    EXPECT_EQ(cpu.exception->elr_el1, 0x20000000u);
    EXPECT_EQ(cpu.exception->pc, 0x40200800u + 0x200);
    EXPECT_EQ(log.lines.back(), "vmm: guest instruction fetch from 0x20000000 pc 0x20000000: "
                                "nothing to run there: injecting abort");
    EXPECT_EQ(bus.unhandled_count(), 1u);
}

TEST_F(ExitLoopTest, FetchesFromNothingShareTheUnhandledAccessesRateLimit) {
    test::FakeVcpu cpu;
    for (unsigned i = 0; i < 100; ++i)
        EXPECT_EQ(loop.handle(wild_fetch(0x20000000 + 4 * i), cpu), ExitOutcome::Resume);
    EXPECT_LT(log.lines.size(), 20u);
    EXPECT_EQ(bus.unhandled_count(), 100u);
}

TEST_F(ExitLoopTest, HaltPolicyStopsTheVmOnAFetchFromNothingToo) {
    MmioBus halting{UnhandledAccessPolicy::HaltVm, log};
    ExitLoop strict{halting, vgic, smccc, router, log};
    test::FakeVcpu cpu;
    EXPECT_EQ(strict.handle(wild_fetch(0x20000000), cpu), ExitOutcome::Stop);
    EXPECT_TRUE(cpu.suspended);
    EXPECT_FALSE(cpu.exception.has_value());
    EXPECT_EQ(log.lines.back(), "vm: VM halted on an unhandled access (halt_on_unhandled_access)");
}

TEST_F(ExitLoopTest, UndecodableAccessesAreAbortedToo) {
    test::FakeVcpu cpu;
    VcpuPort::Event e = mmio(0x20000000, 2, 0, false, 0x3000);
    e.exit.esr &= ~(uint64_t{1} << 24); // ISV = 0 ...
    e.exit.data = 0;                    // ... and the kernel could not read the instruction
    EXPECT_EQ(loop.handle(e.exit, cpu), ExitOutcome::Resume);
    ASSERT_TRUE(cpu.exception.has_value());
    EXPECT_TRUE(log.lines.back().starts_with("vmm: guest access at 0x20000000 pc 0x3000 not "
                                             "emulated"));
    // An ISV=0 store pair the kernel did fetch: STP w1, w2, [x0] into IGROUPR0/1.
    cpu.exception.reset();
    cpu.x[1] = 1;
    cpu.program_counter = 0x3004;
    VcpuPort::Event stp = mmio(kGicd + VgicDistributor::kIgroupr, 2, 0, true, 0x3004);
    stp.exit.esr &= ~(uint64_t{1} << 24);
    stp.exit.data = 0x29000801; // stp w1, w2, [x0]
    EXPECT_EQ(loop.handle(stp.exit, cpu), ExitOutcome::Resume);
    EXPECT_FALSE(cpu.exception.has_value());
    EXPECT_EQ(cpu.program_counter, 0x3008u);
    // Both stored registers were asked for at once (one kernel call in the VM component);
    // an ISV=1 access asks for nothing (its stored value came with the exit).
    EXPECT_EQ(cpu.prefetched, std::vector<uint32_t>{(1u << 1) | (1u << 2)});
    EXPECT_EQ(loop.handle(mmio(kGicd + VgicDistributor::kCtlr, 2, 3, true, 0x3008).exit, cpu),
              ExitOutcome::Resume);
    EXPECT_EQ(cpu.prefetched.size(), 1u);
}

TEST_F(ExitLoopTest, AByteAccessToAWordRegisterIsRefusedLikeAnUnbackedOne) {
    test::FakeVcpu cpu;
    cpu.program_counter = 0x6000;
    EXPECT_EQ(loop.handle(mmio(kGicd + VgicDistributor::kCtlr, 0, 0, false, 0x6000).exit, cpu),
              ExitOutcome::Resume);
    ASSERT_TRUE(cpu.exception.has_value());
    EXPECT_EQ(cpu.exception->elr_el1, 0x6000u);
    EXPECT_EQ(log.lines.back(), "vmm: unhandled guest read of 1 bytes at 0x8000000 pc 0x6000 "
                                "reg x0: injecting abort");
}

TEST_F(ExitLoopTest, TrappedRegisterLinesAreRateLimited) {
    test::FakeVcpu cpu;
    for (int i = 0; i < 1000; ++i)
        EXPECT_EQ(loop.handle(sysreg(31, false, 0x5000).exit, cpu), ExitOutcome::Resume);
    EXPECT_LE(log.lines.size(), 5u + 8);
    EXPECT_EQ(log.lines.back(),
              "vmm: 256 more trapped system register accesses suppressed (512 in all)");
}

// A registered system-register handler answers the accesses it takes (a write gets Rt's
// value, a read fills Rt, the PC moves on) without a log line; others stay ignored.
TEST_F(ExitLoopTest, RegisteredSystemRegisterHandlersAnswerTheirRegisters) {
    struct Sgi1rRecorder final : SystemRegisterHandler {
        std::vector<std::pair<unsigned, uint64_t>> writes;
        bool write(const arm::SysRegIss& reg, unsigned vcpu, uint64_t value) override {
            if (reg.crn != 12 || reg.crm != 11 || reg.op2 != 5) return false;
            writes.emplace_back(vcpu, value);
            return true;
        }
        bool read(const arm::SysRegIss& reg, unsigned, uint64_t& value) override {
            value = 0x77;
            return reg.crn == 12 && reg.crm == 11 && reg.op2 == 5;
        }
    } handler;
    ASSERT_TRUE(loop.add_system_registers(handler));
    test::FakeVcpu cpu;
    // MSR ICC_SGI1R_EL1, x3 (op0 3, op1 0, CRn 12, CRm 11, op2 5).
    const arm::SysRegIss sgi1r{.op0 = 3, .op2 = 5, .op1 = 0, .crn = 12, .rt = 3, .crm = 11};
    VcpuPort::Event e = sysreg(3, false, 0x7000);
    e.exit.esr = (uint64_t{0x18} << 26) | (1u << 25) | sgi1r.encode();
    e.exit.data = 0x01000002;
    EXPECT_EQ(loop.handle(e.exit, cpu), ExitOutcome::Resume);
    ASSERT_EQ(handler.writes.size(), 1u);
    EXPECT_EQ(handler.writes[0].second, 0x01000002u);
    EXPECT_EQ(cpu.program_counter, 0x7004u);
    // MRS x4, ICC_SGI1R_EL1: the handler's value.
    arm::SysRegIss read = sgi1r;
    read.read = true;
    read.rt = 4;
    e.exit.esr = (uint64_t{0x18} << 26) | (1u << 25) | read.encode();
    EXPECT_EQ(loop.handle(e.exit, cpu), ExitOutcome::Resume);
    EXPECT_EQ(cpu.gpr(4), 0x77u);
    EXPECT_TRUE(log.lines.empty());
    // Another register: ignored and logged as before.
    EXPECT_EQ(loop.handle(sysreg(5, true, 0x8000).exit, cpu), ExitOutcome::Resume);
    EXPECT_EQ(cpu.gpr(5), 0u);
    EXPECT_EQ(log.lines.size(), 1u);
}

TEST_F(ExitLoopTest, AResetThatFailsStopsTheLoop) {
    control.succeed = false;
    port.script = {call(ExitReason::Hvc, psci::kSystemReset),
                   call(ExitReason::Hvc, psci::kVersion)};
    EXPECT_EQ(loop.run(port, control), StopReason::ResetFailed);
    EXPECT_EQ(port.answers.size(), 1u);
}

// SMP guests: a CPU_ON vPSCI accepts is carried out by the VM (VmControl::start_vcpu)
// and answered SUCCESS; refusals are answered as PSCI says and logged; a VM that cannot
// start the vCPU makes it INTERNAL_FAILURE.
TEST_F(ExitLoopTest, CpuOnStartsTheTargetThroughTheVmAndRefusalsAreLogged) {
    Vpsci psci2{2};
    psci2.set_entry_range({base::GuestPhysAddr{0x40000000}, 0x20000000});
    SmcccDispatcher smccc2{log};
    ASSERT_TRUE(psci2.install(smccc2));
    ExitLoop loop2{bus, vgic, smccc2, router, log};
    test::FakeVcpu cpu;
    VcpuPort::Event on = call(ExitReason::Hvc, psci::kCpuOn64, 1);
    on.exit.call.x2 = 0x40201000;
    on.exit.call.x3 = 7;
    EXPECT_EQ(loop2.handle(on.exit, cpu, &control), ExitOutcome::Resume);
    EXPECT_EQ(cpu.x[0], 0u);
    ASSERT_EQ(control.starts.size(), 1u);
    EXPECT_EQ(control.starts[0].target, 1u);
    EXPECT_EQ(control.starts[0].entry, 0x40201000u);
    EXPECT_EQ(control.starts[0].context_id, 7u);

    EXPECT_EQ(loop2.handle(on.exit, cpu, &control), ExitOutcome::Resume);
    EXPECT_EQ(static_cast<int64_t>(cpu.x[0]), psci::kOnPending);
    EXPECT_EQ(log.lines.back(), "vmm: vCPU 0: PSCI CPU_ON for MPIDR 0x1 at 0x40201000 refused: "
                                "being started (ON_PENDING)");
    VcpuPort::Event missing = on;
    missing.exit.call.x1 = 5;
    EXPECT_EQ(loop2.handle(missing.exit, cpu, &control), ExitOutcome::Resume);
    EXPECT_EQ(static_cast<int64_t>(cpu.x[0]), psci::kInvalidParameters);
    EXPECT_EQ(log.lines.back(), "vmm: vCPU 0: PSCI CPU_ON for MPIDR 0x5 at 0x40201000 refused: "
                                "no such vCPU (INVALID_PARAMETERS)");
    EXPECT_EQ(control.starts.size(), 1u);

    psci2.reset();
    control.succeed = false;
    EXPECT_EQ(loop2.handle(on.exit, cpu, &control), ExitOutcome::Resume);
    EXPECT_EQ(static_cast<int64_t>(cpu.x[0]), psci::kInternalFailure);
    EXPECT_EQ(log.lines.back(), "vmm: vCPU 0: PSCI CPU_ON for MPIDR 0x1 at 0x40201000 refused: "
                                "could not be started (INTERNAL_FAILURE)");
}

} // namespace
} // namespace vmm
