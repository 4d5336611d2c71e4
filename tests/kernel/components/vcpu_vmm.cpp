// kernel_vcpu VMM: drives the bare-metal guest (vcpu_guest.S) through its exits —
// answers an MMIO read, sees an MMIO write and a pair load without syndrome, answers
// an HVC and an SMC, hears of a WFI it asked for (an Idle exit, Reg::IdleExit) and checks
// that the next one blocked the vCPU, injects an interrupt through a
// list register and sees the guest's EOI — then powers off. Argument bits: kBench
// (print the guest's MMIO round-trip benchmark instead), kTwoVcpus (a second guest on a
// second vCPU at the same priority: list registers, EL1 state and virtual timers
// switch between them), kStay (on success only say so: kernel_two_vms_on_two_cores runs
// two of these VMMs on two cores).
#include "components/vcpu_slots.hpp"

#include <arch/list_register.hpp>
#include <runtime/capabilities.hpp>
#include <runtime/debug_print.hpp>
#include <runtime/vcpu.hpp>

#include <span>

namespace {

using namespace runtime;

using arm::gicv2::ListRegister;

// vINTIDs 40 and 41 for the guest, pending, asking for an EOI maintenance interrupt; 40's
// EOI is reported at once (an exit of its own), 41's rides on the vCPU's next exit.
constexpr uint64_t kVirq40 = ListRegister{.virq = 40,
                                          .state = ListRegister::State::Pending,
                                          .priority = 0xa0,
                                          .eoi_maintenance = true}
                                 .encode() |
                             vcpu_abi::kLrEoiAtOnce;
constexpr uint64_t kVirq41 = ListRegister{.virq = 41,
                                          .state = ListRegister::State::Pending,
                                          .priority = 0xa0,
                                          .eoi_maintenance = true}
                                 .encode();

struct Guest {
    VcpuCap vcpu{Slot{vcpu_test::kVcpuSlot}};
    bool wrote = false;
    uint32_t eoi_seen = 0;    // list registers whose EOI was reported, by any exit
    uint32_t eoi_alone = 0;   // ... by EoiMaintenance exits
    uint32_t eoi_carried = 0; // ... riding on other exits
    // The vCPU's interrupt exits (ExitCounter::Irq) when 41 was injected and at the LDP's
    // exit: a kernel tick between them reports 41's EOI at once (its 5 ms bound), which a
    // loaded host can make happen.
    uint64_t irqs_at_inject = 0;
    uint64_t irqs_at_ldp = 0;
    unsigned smcs = 0;
    bool done = false;
    uint64_t wfi = 0; // the guest's WFI of step 5 (vcpu_guest.S)
};

[[noreturn]] void finish(const char* verdict) {
    out() << "vmm: " << verdict << "\n";
    SystemControlCap(Slot{vcpu_test::kPowerSlot}).power_off();
    for (;;) {
    }
}

void check_refusals(const VcpuCap& vcpu) {
    const uint32_t lrs = vcpu.list_register_count();
    uint64_t bad = 0;
    if (vcpu.read(static_cast<Reg>(55), bad) != Status::InvalidArgument)
        finish("FAIL: unknown register accepted");
    if (vcpu.write_list_register(lrs, kVirq40) != Status::InvalidArgument ||
        vcpu.write_list_register(lrs + 1, 0) != Status::InvalidArgument)
        finish("FAIL: the kernel's list register was lent");
    if (vcpu.write_list_register(lrs, 0) != Status::Ok) finish("FAIL: cannot clear for a reset");
    if (vcpu.write(Reg::IdleExit, 2) != Status::InvalidArgument)
        finish("FAIL: IdleExit took a value other than 0 or 1");
    if (vcpu.write_list_register(0, uint64_t{1} << 33) != Status::InvalidArgument)
        finish("FAIL: a list-register word with an unknown flag accepted");
    if (vcpu.write(Reg::EoiAtOnce, 2) != Status::InvalidArgument ||
        vcpu.write(Reg::EoiAtOnce, 1) != Status::Ok || vcpu.read(Reg::EoiAtOnce) != 1 ||
        vcpu.write(Reg::EoiAtOnce, 0) != Status::Ok || vcpu.read(Reg::EoiAtOnce) != 0)
        finish("FAIL: EoiAtOnce does not hold 0 or 1");
}

// The kernel's exit counters of a vCPU (VcpuReadRegisters, six at a time), printed and
// checked against what the guest did by the time of its final HVC: three emulated
// accesses, one SMC, one EOI report (vINTID 40's, asked for at once), one exit that carried
// an EOI (the LDP, with vINTID 41's), at least one WFI and four HVCs. Also: a batch write
// of two registers reads back, and the counters refuse writes.
void check_exit_counters(const VcpuCap& vcpu, unsigned id, bool ticked_between) {
    using vcpu_abi::ExitCounter;
    uint64_t n[vcpu_abi::kExitCounters] = {};
    Reg regs[vcpu_abi::kExitCounters];
    for (unsigned k = 0; k < vcpu_abi::kExitCounters; ++k)
        regs[k] = static_cast<Reg>(static_cast<uint64_t>(Reg::ExitCount0) + k);
    for (unsigned k = 0; k < vcpu_abi::kExitCounters; k += 6) {
        const unsigned batch = vcpu_abi::kExitCounters - k < 6 ? vcpu_abi::kExitCounters - k : 6;
        if (vcpu.read(std::span<const Reg>(regs + k, batch), std::span<uint64_t>(n + k, batch)) !=
            Status::Ok)
            finish("FAIL: exit counters not readable");
    }
    auto at = [&n](ExitCounter c) { return n[static_cast<unsigned>(c)]; };
    out() << "vmm: vcpu " << Dec{id} << " exits counted: mmio " << Dec{at(ExitCounter::Mmio)}
          << ", hvc " << Dec{at(ExitCounter::Hvc)} << ", smc " << Dec{at(ExitCounter::Smc)}
          << ", eoi-report " << Dec{at(ExitCounter::EoiReport)} << ", eoi-carried "
          << Dec{at(ExitCounter::EoiCarried)} << ", wfi " << Dec{at(ExitCounter::Wfi)} << ", timer "
          << Dec{at(ExitCounter::Timer)} << "\n";
    // 41's EOI: carried, or (a kernel tick came first) an EOI report of its own.
    const bool carried = at(ExitCounter::EoiReport) == 1 && at(ExitCounter::EoiCarried) == 1;
    const bool ticked =
        at(ExitCounter::EoiReport) == 2 && at(ExitCounter::EoiCarried) == 0 && ticked_between;
    if (at(ExitCounter::Mmio) != 3 || at(ExitCounter::Smc) != 1 || !(carried || ticked) ||
        at(ExitCounter::Wfi) < 1 || at(ExitCounter::Hvc) < 4)
        finish("FAIL: exit counters do not match the guest's exits");
    const Reg pair[] = {VcpuCap::x(9), VcpuCap::x(10)};
    const uint64_t values[] = {0x99, 0x1010};
    uint64_t back[2] = {};
    if (vcpu.write(pair, values) != Status::Ok || vcpu.read(pair, back) != Status::Ok ||
        back[0] != 0x99 || back[1] != 0x1010)
        finish("FAIL: batch register write/read");
    const Reg counter[] = {Reg::ExitCount0};
    if (vcpu.write(counter, values) != Status::InvalidArgument)
        finish("FAIL: an exit counter accepted a write");
}

uint64_t irq_exits(const VcpuCap& vcpu) {
    return vcpu.read(static_cast<Reg>(static_cast<uint64_t>(Reg::ExitCount0) +
                                      static_cast<uint64_t>(vcpu_abi::ExitCounter::Irq)));
}

// Answers one MMIO exit (stops the machine on an access the guest should not make).
void data_abort(Guest& g, const VcpuExit& e, VcpuReply& r, bool verbose) {
    const arm::DataAbortIss abort = e.syndrome().data_abort();
    if (!abort.isv) {
        g.irqs_at_ldp = irq_exits(g.vcpu);
        // Only the guest's `ldp w1, w2, [x20, #16]` (LDP 32-bit, signed offset).
        const uint64_t insn = e.data();
        out() << "vmm: mmio without syndrome at " << Hex{e.ipa()} << ", instruction " << Hex{insn}
              << "\n";
        if ((insn & 0xffc00000) != 0x29400000) finish("FAIL: not the expected LDP");
        g.vcpu.write(VcpuCap::x(insn & 0x1f), 0x11110006);
        g.vcpu.write(VcpuCap::x((insn >> 10) & 0x1f), 0x22220006);
        r.advance_pc();
        return;
    }
    const unsigned rt = abort.srt;
    if (abort.wnr) {
        if (verbose) out() << "vmm: mmio write " << Hex{e.data()} << " at " << Hex{e.ipa()} << "\n";
        g.wrote = e.data() == 0xcafe0002 && e.ipa() == vcpu_test::kDevice + 8;
        r.advance_pc();
    } else {
        if (verbose) out() << "vmm: mmio read at " << Hex{e.ipa()} << " into x" << Dec{rt} << "\n";
        r.set_register(rt, 0x5a5a0001).advance_pc();
    }
}

// EL0's thread registers, which the guest has just set (vcpu_guest.S, step 3): this thread
// must read its own TPIDR_EL0 (set below, kept across the guest's turn) and a TPIDRRO_EL0
// of zero, never the guest's.
constexpr uint64_t kOwnThreadRegister = 0x7e5d0001;
void check_thread_registers() {
    uint64_t rw = 0;
    uint64_t ro = 0;
    asm volatile("mrs %0, tpidr_el0" : "=r"(rw));
    asm volatile("mrs %0, tpidrro_el0" : "=r"(ro));
    out() << "vmm: thread registers " << Hex{rw} << " " << Hex{ro} << "\n";
    if (rw != kOwnThreadRegister || ro != 0) finish("FAIL: the guest's thread registers leaked");
}

} // namespace

extern "C" void component_main(uint64_t flags) {
    asm volatile("msr tpidr_el0, %0" ::"r"(kOwnThreadRegister));
    const bool bench = (flags & vcpu_test::kBench) != 0;
    const unsigned count = (flags & vcpu_test::kTwoVcpus) != 0 ? 2 : 1;
    Guest guests[2];
    guests[1].vcpu = VcpuCap(Slot{vcpu_test::kSecondVcpuSlot});
    const EndpointCap exits(Slot{vcpu_test::kExitSlot});
    out() << "vmm: " << Dec{guests[0].vcpu.list_register_count()}
          << " list registers lent, vcpu pc " << Hex{guests[0].vcpu.read(Reg::Pc)} << "\n";
    for (unsigned i = 0; i < count; ++i) {
        check_refusals(guests[i].vcpu);
        guests[i].vcpu.resume();
    }

    Message m;
    uint64_t badge = 0;
    unsigned finished = 0;
    exits.recv(m, badge);
    for (;;) {
        const VcpuExit e{badge, m};
        if (badge < vcpu_test::kFirstBadge || badge >= vcpu_test::kFirstBadge + count)
            finish("FAIL: wrong badge");
        const unsigned id = static_cast<unsigned>(badge - vcpu_test::kFirstBadge);
        Guest& g = guests[id];
        const bool verbose = !bench && count == 1;
        Message reply_message;
        VcpuReply r{reply_message};
        // EOIs ride on any exit; an EoiMaintenance exit carries nothing else.
        const auto eois = static_cast<uint32_t>(e.eoi_mask());
        if (eois != 0 && verbose) {
            out() << "vmm: eoi of lr mask " << Hex{eois} << " on exit " << Hex{m.mr[0] & 0xff}
                  << "\n";
        }
        g.eoi_seen |= eois;
        (e.kind() == ExitKind::EoiMaintenance ? g.eoi_alone : g.eoi_carried) |= eois;
        switch (e.kind()) {
        case ExitKind::DataAbort:
            data_abort(g, e, r, verbose);
            break;
        case ExitKind::Hvc:
            if (e.hvc_arg(0) == 0x100) {
                if (verbose) out() << "vmm: hvc echo " << Hex{e.hvc_arg(1)} << "\n";
                check_thread_registers();
                g.vcpu.write(VcpuCap::x(2), 0x77);
                g.vcpu.write(Reg::TpidrEl1, 0x1234abcd);
                // The guest's timer is still loaded in the hardware: the write must reach it.
                g.vcpu.write(Reg::CntvCval, 0x5eed0000);
                r.set_register(0, e.hvc_arg(1) + 1);
            } else if (e.hvc_arg(0) == 0x102) {
                // Its WFI comes to us first (an Idle exit), once.
                g.wfi = e.hvc_arg(1);
                if (g.vcpu.write(Reg::IdleExit, 1) != Status::Ok) finish("FAIL: IdleExit refused");
            } else if (e.hvc_arg(0) == 0x104) {
                g.irqs_at_inject = irq_exits(g.vcpu);
                g.vcpu.write_list_register(1, kVirq41);
            } else if (e.hvc_arg(0) == 0x1fe) {
                out() << "vmm: trapped MMIO read round trip: mean " << Dec{e.hvc_arg(1) / 1000}
                      << ", min " << Dec{e.hvc_arg(2)} << " instructions (1000 reads)\n";
                finish("benchmark done");
            } else if (e.hvc_arg(0) == 0x1ff) {
                const uint64_t vbar = g.vcpu.read(Reg::VbarEl1);
                // The guest enabled its CPU interface with PMR 0xff: GICH_VMCR shows it.
                const uint64_t vmcr = g.vcpu.read(Reg::GichVmcr);
                out() << "vmm: vcpu " << Dec{id} << " guest checks " << Hex{e.hvc_arg(1)}
                      << ", write seen " << Dec{g.wrote} << ", eoi lr mask " << Hex{g.eoi_seen}
                      << " (alone " << Hex{g.eoi_alone} << ", carried " << Hex{g.eoi_carried}
                      << "), vbar_el1 " << Hex{vbar} << ", gich_vmcr " << Hex{vmcr} << "\n";
                if (e.hvc_arg(1) != 0xff || !g.wrote || g.eoi_seen != 3 || vbar != e.hvc_arg(2) ||
                    (vmcr & 1) == 0 || (vmcr >> 27) != 0x1f)
                    finish("FAIL: a check failed");
                // One vCPU alone on its core: 40's EOI came at once, 41's on the LDP's exit
                // unless a kernel tick came between (two vCPUs: the other one taking the
                // GIC reports it at once too).
                const bool ticked = g.irqs_at_ldp != g.irqs_at_inject;
                if (count == 1 && ((g.eoi_alone & 1) == 0 ||
                                   (g.eoi_carried != 2 && !(ticked && g.eoi_alone == 3))))
                    finish("FAIL: an EOI came the wrong way");
                if (count == 1 && ticked)
                    out() << "vmm: a kernel tick came between 41's injection and the LDP\n";
                if (count == 1 && !bench) check_exit_counters(g.vcpu, id, ticked);
                if (!g.done) ++finished;
                g.done = true;
                if (finished == count && (flags & vcpu_test::kStay) != 0) {
                    out() << "vmm: vcpu test passed on its own core\n";
                    exit();
                }
                if (finished == count) finish("vcpu test passed");
                exits.recv(m, badge); // this vCPU stays stopped in its exit
                continue;
            } else {
                finish("FAIL: unknown hvc");
            }
            break;
        case ExitKind::Smc:
            // The kernel moved the PC past the SMC: a second one would be a re-run.
            if (verbose) out() << "vmm: smc " << Hex{e.hvc_arg(0)} << "\n";
            if (++g.smcs > 1) finish("FAIL: the SMC ran again");
            r.set_register(0, 0x5c);
            break;
        case ExitKind::Idle: {
            const uint64_t pc = g.vcpu.read(Reg::Pc);
            out() << "vmm: vcpu " << Dec{id} << " idle at " << Hex{pc} << " (wfi at " << Hex{g.wfi}
                  << ")\n";
            if (pc != g.wfi + 4 || g.vcpu.read(Reg::IdleExit) != 0)
                finish("FAIL: the Idle exit is not the guest's WFI, or IdleExit stayed armed");
            // Back to its WFI, which blocks now. The vCPUs outrank us: we run again only
            // once they all block, this one in its WFI.
            g.vcpu.write(Reg::Pc, g.wfi);
            reply(r.message());
            const uint64_t blocked = g.vcpu.read(Reg::Pc);
            out() << "vmm: vcpu " << Dec{id} << " waits at " << Hex{blocked} << " (wfi at "
                  << Hex{g.wfi} << ")\n";
            if (blocked != g.wfi + 4) finish("FAIL: WFI did not block the vCPU");
            g.vcpu.write_list_register(0, kVirq40);
            exits.recv(m, badge);
            continue;
        }
        case ExitKind::EoiMaintenance: // its EOIs: above
            break;
        default:
            out() << "vmm: unexpected exit " << Hex{m.mr[0]} << " esr " << Hex{e.esr()} << " pc "
                  << Hex{e.pc()} << "\n";
            finish("FAIL: unexpected exit");
        }
        m = r.message();
        exits.reply_recv(m, badge);
    }
}
