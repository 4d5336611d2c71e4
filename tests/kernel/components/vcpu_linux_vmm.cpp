// kernel_vcpu_linux VMM: the least a VMM needs to boot Linux on the kernel's vCPU —
// the emulated GICD (libs/vmm VgicDistributor on an MmioBus), vPSCI over HVC, the
// passed-through PL011 interrupt, EOI maintenance — so the kernel side is tested with
// the real guest. The VM component (components/VM) is the full version.
#include "components/vcpu_linux_slots.hpp"

#include <runtime/capabilities.hpp>
#include <runtime/debug_print.hpp>
#include <runtime/vcpu.hpp>
#include <vmm/debug_registers.hpp>
#include <vmm/list_registers.hpp>
#include <vmm/log.hpp>
#include <vmm/mmio_bus.hpp>
#include <vmm/mmio_decode.hpp>
#include <vmm/vgic_distributor.hpp>
#include <vmm/vpsci.hpp>

namespace {

using namespace runtime;

class Registers final : public vmm::VcpuRegisters {
public:
    explicit Registers(VcpuCap v) : v_(v) {}
    [[nodiscard]] uint64_t gpr(unsigned n) const override { return v_.read(VcpuCap::x(n)); }
    void set_gpr(unsigned n, uint64_t value) override { v_.write(VcpuCap::x(n), value); }
    [[nodiscard]] uint64_t sp() const override { return v_.read(sp_reg()); }
    void set_sp(uint64_t value) override { v_.write(sp_reg(), value); }
    [[nodiscard]] uint64_t pc() const override { return v_.read(Reg::Pc); }
    void set_pc(uint64_t value) override { v_.write(Reg::Pc, value); }

private:
    [[nodiscard]] Reg sp_reg() const {
        return (v_.read(Reg::Pstate) & 1) != 0 ? Reg::SpEl1 : Reg::SpEl0;
    }
    VcpuCap v_;
};

class ListRegs final : public vmm::ListRegisters {
public:
    explicit ListRegs(VcpuCap v) : v_(v), count_(v.list_register_count()) {}
    [[nodiscard]] unsigned count() const override { return count_; }
    void write(unsigned index, const vmm::ListRegisterEntry& e, vmm::EoiReport report) override {
        v_.write_list_register(
            index, e.encode() | (report == vmm::EoiReport::AtOnce ? vcpu_abi::kLrEoiAtOnce : 0));
    }
    void want_eoi_at_once() override { v_.write(Reg::EoiAtOnce, 1); }

private:
    VcpuCap v_;
    unsigned count_;
};

class UartAck final : public vmm::IrqAcknowledger {
public:
    void acknowledge(unsigned) override { IrqHandlerCap(Slot{vcpu_linux::kUartIrqSlot}).ack(); }
};

class Log final : public vmm::LogSink {
public:
    void line(std::string_view text) override {
        for (char c : text)
            out() << c;
        out() << "\n";
    }
};

class InstructionFromExit final : public vmm::InstructionFetcher {
public:
    explicit InstructionFromExit(uint64_t insn) : insn_(insn) {}
    [[nodiscard]] std::optional<uint32_t> fetch() override {
        if (insn_ == 0) return std::nullopt;
        return static_cast<uint32_t>(insn_);
    }

private:
    uint64_t insn_;
};

[[noreturn]] void stop(const char* why) {
    out() << "vmm: " << why << "\n";
    SystemControlCap(Slot{vcpu_linux::kPowerSlot}).power_off();
    for (;;) {
    }
}

} // namespace

extern "C" void component_main(uint64_t) {
    const VcpuCap vcpu(Slot{vcpu_linux::kVcpuSlot});
    const EndpointCap exits(Slot{vcpu_linux::kExitSlot});
    static Log log;
    static Registers regs(vcpu);
    static ListRegs lrs(vcpu);
    static UartAck uart_ack;
    vmm::ListRegisters* const vcpus[] = {&lrs};
    static vmm::VgicDistributor vgic(96, vcpus, log);
    static vmm::MmioBus bus(vmm::UnhandledAccessPolicy::HaltVm, log);
    static vmm::Vpsci psci(1);
    if (!bus.add("gicd", {base::GuestPhysAddr(vcpu_linux::kGicd), vmm::VgicDistributor::kSize},
                 vgic) ||
        !vgic.set_acknowledger(vcpu_linux::kUartIrq, uart_ack))
        stop("setup failed");
    out() << "vmm: starting Linux, " << Dec{lrs.count()} << " list registers\n";
    vcpu.resume();

    Message m;
    uint64_t badge = 0;
    Status st = exits.recv(m, badge);
    for (;;) {
        Message reply_message;
        VcpuReply r{reply_message};
        if (st == Status::Notified) {
            if ((badge & vcpu_linux::kUartBadge) != 0) vgic.inject(vcpu_linux::kUartIrq);
            st = exits.recv(m, badge);
            continue;
        }
        const VcpuExit e{badge, m};
        // EOIs ride on any exit (MR0's upper half) and happened before it.
        for (unsigned i = 0; i < lrs.count(); ++i)
            if ((e.eoi_mask() & (1u << i)) != 0) vgic.on_eoi(0, i);
        switch (e.kind()) {
        case ExitKind::DataAbort: {
            vmm::MmioAccess access;
            InstructionFromExit fetcher(e.data());
            const vmm::DataAbortFault fault{e.esr(), e.far(), e.hpfar()};
            const vmm::DecodeStatus d = vmm::decode_data_abort(fault, &fetcher, access);
            const vmm::ExitAction a =
                d == vmm::DecodeStatus::Ok
                    ? bus.handle(access, 0, regs)
                    : bus.reject(vmm::fault_ipa(fault), e.pc(), vmm::to_string(d));
            if (a != vmm::ExitAction::Resume) stop("guest halted on an unhandled access");
            break;
        }
        case ExitKind::Hvc:
        case ExitKind::Smc: {
            const vmm::PsciAction a =
                psci.handle(0, {e.hvc_arg(0), e.hvc_arg(1), e.hvc_arg(2), e.hvc_arg(3)});
            if (a.effect == vmm::PsciAction::Effect::SystemOff) stop("guest powered off");
            if (a.effect == vmm::PsciAction::Effect::SystemReset) stop("guest reset");
            r.set_register(0, static_cast<uint64_t>(a.result));
            break;
        }
        case ExitKind::SysReg: {
            // The debug registers Linux touches at boot (the kernel traps them): as the VM
            // component answers them.
            // (A SysReg exit's message: mr[2] its PC, mr[3] the value an MSR writes.)
            static vmm::DebugRegisters debug(log);
            const arm::SysRegIss reg = e.syndrome().sysreg();
            uint64_t value = 0;
            if (!(reg.read ? debug.read(reg, 0, value) : debug.write(reg, 0, e.message.mr[3])))
                stop("guest stopped on a trapped system register");
            if (reg.read && reg.rt != 31) r.set_register(reg.rt, value);
            r.advance_pc();
            break;
        }
        case ExitKind::EoiMaintenance: // nothing but the EOIs, handled above
            break;
        default:
            out() << "vmm: unexpected exit " << Hex{m.mr[0]} << " esr " << Hex{e.esr()} << " far "
                  << Hex{e.far()} << " pc " << Hex{e.pc()} << "\n";
            stop("guest stopped");
        }
        m = r.message();
        st = exits.reply_recv(m, badge);
    }
}
