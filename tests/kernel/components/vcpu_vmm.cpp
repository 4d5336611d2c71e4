// kernel_vcpu VMM: drives the bare-metal guest (vcpu_guest.S) through its exits —
// answers an MMIO read, sees an MMIO write, answers an HVC, checks that WFI blocked
// the vCPU, injects an interrupt through a list register and sees the guest's EOI —
// then powers off. Mode 1 prints the guest's MMIO round-trip benchmark instead.
#include "components/vcpu_slots.hpp"

#include <runtime/capabilities.hpp>
#include <runtime/debug_print.hpp>
#include <runtime/vcpu.hpp>

namespace {

using namespace runtime;

constexpr uint32_t kLrPriority = (0xa0u >> 3) << 23;
constexpr uint64_t kEsrIsv = 1ull << 24;
constexpr uint64_t kEsrWnR = 1ull << 6;

[[noreturn]] void finish(const char* verdict) {
    out() << "vmm: " << verdict << "\n";
    SystemControlCap(Slot{vcpu_test::kPowerSlot}).power_off();
    for (;;) {
    }
}

} // namespace

extern "C" void component_main(uint64_t mode) {
    const VcpuCap vcpu(Slot{vcpu_test::kVcpuSlot});
    const EndpointCap exits(Slot{vcpu_test::kExitSlot});
    const uint32_t lrs = vcpu.list_register_count();
    out() << "vmm: " << Dec{lrs} << " list registers lent, vcpu pc " << Hex{vcpu.read(Reg::Pc)}
          << "\n";
    uint64_t bad = 0;
    if (vcpu.read(static_cast<Reg>(55), bad) != Status::InvalidArgument)
        finish("FAIL: unknown register accepted");
    if (vcpu.write_list_register(lrs, vcpu_abi::kLrPending | 40) != Status::InvalidArgument ||
        vcpu.write_list_register(lrs + 1, 0) != Status::InvalidArgument)
        finish("FAIL: the kernel's list register was lent");
    if (vcpu.write_list_register(lrs, 0) != Status::Ok) finish("FAIL: cannot clear for a reset");
    vcpu.resume();

    Message m;
    uint64_t badge = 0;
    exits.recv(m, badge);
    bool wrote = false;
    uint32_t eoi_seen = 0;
    unsigned smcs = 0;
    for (;;) {
        const VcpuExit e{badge, m};
        VcpuReply r;
        if (badge != 7) finish("FAIL: wrong badge");
        switch (e.kind()) {
        case ExitKind::DataAbort: {
            if ((e.esr() & kEsrIsv) == 0) {
                // Only the guest's `ldp w1, w2, [x20, #16]` (LDP 32-bit, signed offset).
                const uint64_t insn = e.data();
                out() << "vmm: mmio without syndrome at " << Hex{e.ipa()} << ", instruction "
                      << Hex{insn} << "\n";
                if ((insn & 0xffc00000) != 0x29400000) finish("FAIL: not the expected LDP");
                vcpu.write(VcpuCap::x(insn & 0x1f), 0x11110006);
                vcpu.write(VcpuCap::x((insn >> 10) & 0x1f), 0x22220006);
                r.advance_pc();
                break;
            }
            const unsigned rt = (e.esr() >> 16) & 0x1f;
            if ((e.esr() & kEsrWnR) != 0) {
                if (mode == 0)
                    out() << "vmm: mmio write " << Hex{e.data()} << " at " << Hex{e.ipa()} << "\n";
                wrote = e.data() == 0xcafe0002 && e.ipa() == vcpu_test::kDevice + 8;
                r.advance_pc();
            } else {
                if (mode == 0)
                    out() << "vmm: mmio read at " << Hex{e.ipa()} << " into x" << Dec{rt} << "\n";
                r.set_register(rt, 0x5a5a0001).advance_pc();
            }
            break;
        }
        case ExitKind::Hvc:
            if (e.hvc_arg(0) == 0x100) {
                out() << "vmm: hvc echo " << Hex{e.hvc_arg(1)} << "\n";
                vcpu.write(VcpuCap::x(2), 0x77);
                vcpu.write(Reg::TpidrEl1, 0x1234abcd);
                r.set_register(0, e.hvc_arg(1) + 1);
            } else if (e.hvc_arg(0) == 0x102) {
                // The vCPU outranks us: we run again only once it blocks in its WFI.
                const uint64_t wfi = e.hvc_arg(1);
                reply(r.message());
                const uint64_t pc = vcpu.read(Reg::Pc);
                out() << "vmm: vcpu waits at " << Hex{pc} << " (wfi at " << Hex{wfi} << ")\n";
                if (pc != wfi + 4) finish("FAIL: WFI did not block the vCPU");
                vcpu.write_list_register(0, vcpu_abi::kLrPending | vcpu_abi::kLrEoiMaintenance |
                                                kLrPriority | 40);
                exits.recv(m, badge);
                continue;
            } else if (e.hvc_arg(0) == 0x1fe) {
                out() << "vmm: trapped MMIO read round trip: mean " << Dec{e.hvc_arg(1) / 1000}
                      << ", min " << Dec{e.hvc_arg(2)} << " instructions (1000 reads)\n";
                finish("benchmark done");
            } else if (e.hvc_arg(0) == 0x1ff) {
                const uint64_t vbar = vcpu.read(Reg::VbarEl1);
                // The guest enabled its CPU interface with PMR 0xff: GICH_VMCR shows it.
                const uint64_t vmcr = vcpu.read(Reg::GichVmcr);
                out() << "vmm: gich_vmcr " << Hex{vmcr} << "\n";
                if ((vmcr & 1) == 0 || (vmcr >> 27) != 0x1f) finish("FAIL: GICH_VMCR");
                out() << "vmm: guest checks " << Hex{e.hvc_arg(1)} << ", write seen " << Dec{wrote}
                      << ", eoi lr mask " << Hex{eoi_seen} << ", vbar_el1 " << Hex{vbar} << "\n";
                if (e.hvc_arg(1) == 0x7f && wrote && eoi_seen == 1 && vbar == e.hvc_arg(2))
                    finish("vcpu test passed");
                finish("FAIL: a check failed");
            } else {
                finish("FAIL: unknown hvc");
            }
            break;
        case ExitKind::Smc:
            // The kernel moved the PC past the SMC: a second one would be a re-run.
            out() << "vmm: smc " << Hex{e.hvc_arg(0)} << "\n";
            if (++smcs > 1) finish("FAIL: the SMC ran again");
            r.set_register(0, 0x5c);
            break;
        case ExitKind::EoiMaintenance:
            out() << "vmm: eoi maintenance, lr mask " << Hex{e.eoi_mask()} << "\n";
            eoi_seen |= static_cast<uint32_t>(e.eoi_mask());
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
