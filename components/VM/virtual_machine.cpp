// The VM: set-up, image loading and the exit loop (see virtual_machine.hpp).
#include "virtual_machine.hpp"

#include <base/crc32_table.hpp>
#include <vmm/abort_injection.hpp>
#include <vmm/mmio_decode.hpp>
#include <vmm/vm_module.hpp>

#include <cstring>
#include <new>

using runtime::Reg;
using runtime::Status;
using vmm::Dec;
using vmm::Hex;
using vmm::LogLine;

namespace {

constexpr unsigned kVcpu = 0;
constexpr uint64_t kImageKeepClear = 2 * 1024 * 1024; // QEMU's own DTB sits there
alignas(8) std::byte g_dtb_scratch[1 << 20];          // the platform DTB while building

// The instruction word of an ISV=0 abort, which the kernel put in the exit message.
class ExitInstruction final : public vmm::InstructionFetcher {
public:
    explicit ExitInstruction(uint32_t word) : word_(word) {}
    std::optional<uint32_t> fetch() override {
        if (word_ == 0) return std::nullopt;
        return word_;
    }

private:
    uint32_t word_;
};

} // namespace

VirtualMachine::VirtualMachine(const vmm::vm_config::View& config, runtime::EndpointCap fs,
                               std::span<std::byte> fs_buffer)
    : config_(config), c_(config.header()),
      vcpu_(runtime::VcpuCap(runtime::Slot{config.vcpu(0).slot})),
      bus_(c_.halt_on_unhandled_access != 0 ? vmm::UnhandledAccessPolicy::HaltVm
                                            : vmm::UnhandledAccessPolicy::InjectAbort,
           log_),
      vgic_(c_.num_irqs, list_registers_, log_), files_(fs, fs_buffer) {}

bool VirtualMachine::set_up() {
    if (const vmm::LayoutError e =
            vmm::guest_ram_layout(c_.address, c_.map_unity_ram != 0, layout_);
        e != vmm::LayoutError::Ok) {
        LogLine line;
        line << "vm: bad linux_address_config: " << vmm::field_of(e) << " = "
             << Hex{vmm::value_of(c_.address, e)} << " " << vmm::to_string(e);
        line.emit(log_);
        return false;
    }
    const std::span<std::byte> ram(reinterpret_cast<std::byte*>(c_.vmm_ram_addr), layout_.ram.size);
    if (!memory_.add_region(layout_.ram, ram)) return false;
    {
        LogLine line;
        line << "vm: guest RAM " << Hex{layout_.ram.base.raw()} << ".."
             << Hex{layout_.ram.end().raw()} << (c_.map_unity_ram != 0 ? " (unity)" : "")
             << ", DTB at " << Hex{layout_.dtb.base.raw()} << ", initrd at "
             << Hex{layout_.initrd.base.raw()} << " (at most "
             << Dec{static_cast<int64_t>(layout_.initrd.size)} << " bytes)";
        line.emit(log_);
    }
    if (!bus_.add("vgic-distributor",
                  {base::GuestPhysAddr{c_.gicd_base}, vmm::VgicDistributor::kSize}, vgic_)) {
        return false;
    }
    {
        LogLine line;
        line << "vm: vGIC distributor at " << Hex{c_.gicd_base} << " (" << Dec{c_.num_irqs}
             << " IRQs), guest GICC at " << Hex{c_.gicc_base} << " is the GICV, "
             << Dec{vcpu_.count()} << " list registers";
        line.emit(log_);
    }

    std::string_view modules[vmm::vm_config::kMaxModules];
    const unsigned module_count = c_.modules.count; // View::open checked the maximum
    for (unsigned i = 0; i < module_count; ++i)
        modules[i] = config_.module(i);
    vmm::VmContext context{memory_, bus_, vgic_, log_};
    if (vmm::init_modules({modules, module_count}, context) != vmm::ModuleError::Ok) return false;

    route_passthrough_irqs();
    if (!load_guest()) return false;
    if (const Status s = vcpu_.reset_to(boot_.entry.raw(), boot_.dtb.raw()); s != Status::Ok) {
        LogLine line;
        line << "vm: vCPU 0 cannot be set up (kernel status " << Dec{static_cast<int64_t>(s)}
             << "): guest not started";
        line.emit(log_);
        return false;
    }
    return true;
}

void VirtualMachine::route_passthrough_irqs() {
    irq_count_ = c_.irqs.count; // View::open checked the maximum
    for (unsigned i = 0; i < irq_count_; ++i) {
        const vmm::vm_config::PassthroughIrq p = config_.irq(i);
        irqs_[i] =
            PassthroughIrq(p.irq, runtime::IrqHandlerCap(runtime::Slot{p.ack_slot}), p.badge);
        LogLine line;
        line << "vm: IRQ " << Dec{p.irq} << " passed through to the guest"
             << (vgic_.set_acknowledger(p.irq, irqs_[i]) ? "" : " (REFUSED by the vGIC)");
        line.emit(log_);
    }
}

bool VirtualMachine::load_guest() {
    vmm::LinuxImageConfig names;
    names.linux_name = config_.string(c_.linux_name);
    names.dtb_name = config_.string(c_.dtb_name);
    names.initrd_name = config_.string(c_.initrd_name);
    names.image_keep_clear = {layout_.ram.base, kImageKeepClear};

    std::string_view passthrough[vmm::vm_config::kMaxPassthrough];
    const unsigned count = c_.passthrough.count; // View::open checked the maximum
    for (unsigned i = 0; i < count; ++i)
        passthrough[i] = config_.passthrough(i);
    vmm::GuestDtbConfig dtb;
    dtb.bootargs = config_.string(c_.bootargs);
    dtb.stdout_path = config_.string(c_.stdout_path);
    dtb.passthrough = {passthrough, count};
    dtb.gicd = {base::GuestPhysAddr{c_.gicd_base}, vmm::VgicDistributor::kSize};
    dtb.gicc = {base::GuestPhysAddr{c_.gicc_base}, c_.gicc_size};
    dtb.psci = vmm::PsciConduit::Hvc;
    dtb.num_vcpus = 1;

    if (vmm::load_linux(files_, memory_, layout_, names, dtb, g_dtb_scratch, log_, boot_) !=
        vmm::LoadError::Ok) {
        return false;
    }
    // What is in guest RAM now, read back, so a test can compare it with the files
    // (about 0.4 s of CRC for Debian's kernel under TCG, hence only when asked).
    if (c_.log_image_crcs == 0) return true;
    const struct {
        std::string_view name;
        base::GuestPhysRange range;
    } loaded[] = {{names.linux_name, {boot_.entry, boot_.image_size}},
                  {names.initrd_name, boot_.initrd},
                  {"guest DTB", {boot_.dtb, boot_.dtb_size}}};
    for (const auto& l : loaded) {
        const std::span<std::byte> bytes = memory_.window(l.range);
        LogLine line;
        line << "vm: " << l.name << " at " << Hex{l.range.base.raw()} << ": "
             << Dec{static_cast<int64_t>(l.range.size)} << " bytes, crc "
             << Hex{base::TableCrc32::of(bytes)};
        line.emit(log_);
    }
    return true;
}

void VirtualMachine::run() {
    if (const Status s = vcpu_.resume(); s != Status::Ok) {
        LogLine line;
        line << "vm: vCPU 0 does not start (kernel status " << Dec{static_cast<int64_t>(s)} << ")";
        line.emit(log_);
        power_off("the guest could not be started");
    }
    {
        LogLine line;
        line << "vm: vCPU 0 started at " << Hex{boot_.entry.raw()}
             << ", x0 = " << Hex{boot_.dtb.raw()};
        line.emit(log_);
    }
    const runtime::EndpointCap exits(runtime::Slot{c_.exit_slot});
    runtime::VcpuExit exit;
    Status s = exits.recv(exit.message, exit.badge);
    for (;;) {
        runtime::Message reply;
        bool answer = false;
        if (s == Status::Notified) {
            on_interrupts(exit.badge);
        } else if (s == Status::Ok) {
            answer = on_exit(exit, reply);
        } else {
            LogLine line;
            line << "vm: receive on the exit endpoint failed: " << Dec{static_cast<int64_t>(s)};
            line.emit(log_);
            power_off("the VMM lost its exit endpoint");
        }
        if (answer) {
            exit.message = reply;
            s = exits.reply_recv(exit.message, exit.badge);
        } else {
            s = exits.recv(exit.message, exit.badge);
        }
    }
}

bool VirtualMachine::on_exit(const runtime::VcpuExit& exit, runtime::Message& reply) {
    switch (exit.kind()) {
    case runtime::ExitKind::DataAbort:
        return on_data_abort(exit, reply);
    case runtime::ExitKind::Hvc:
    case runtime::ExitKind::Smc:
        return on_psci(exit, reply);
    case runtime::ExitKind::SysReg:
        return on_sysreg(exit, reply);
    case runtime::ExitKind::EoiMaintenance:
        for (uint64_t mask = exit.eoi_mask(); mask != 0; mask &= mask - 1)
            vgic_.on_eoi(kVcpu, static_cast<unsigned>(__builtin_ctzll(mask)));
        return true; // reply MR0 = 0: resume unchanged
    case runtime::ExitKind::Unknown:
        break;
    }
    LogLine line;
    line << "vm: guest exit the VMM cannot handle: kind " << Hex{exit.message.mr[0]} << " esr "
         << Hex{exit.esr()} << " pc " << Hex{exit.pc()} << ": vCPU 0 stopped";
    line.emit(log_);
    return false;
}

bool VirtualMachine::on_data_abort(const runtime::VcpuExit& exit, runtime::Message& reply) {
    const uint64_t esr = exit.esr();
    const bool isv = ((esr >> 24) & 1) != 0;
    const bool write = ((esr >> 6) & 1) != 0;
    vcpu_.begin_exit(exit.pc());
    if (isv && write) vcpu_.seed_gpr(static_cast<unsigned>((esr >> 16) & 31), exit.data());
    const vmm::DataAbortFault fault{esr, exit.far(), exit.hpfar()};
    ExitInstruction instruction(isv ? 0 : static_cast<uint32_t>(exit.data()));
    vmm::MmioAccess access;
    const vmm::DecodeStatus decoded = vmm::decode_data_abort(fault, &instruction, access);
    const vmm::ExitAction action =
        decoded == vmm::DecodeStatus::Ok
            ? bus_.handle(access, kVcpu, vcpu_)
            : bus_.reject(vmm::fault_ipa(fault), exit.pc(), vmm::to_string(decoded));
    switch (action) {
    case vmm::ExitAction::Resume:
        reply = vcpu_.finish_exit();
        return true;
    case vmm::ExitAction::InjectAbort:
        inject_abort(exit);
        reply = runtime::Message{};
        return true;
    case vmm::ExitAction::HaltVm:
        break;
    }
    log_.line("vm: VM halted on an unhandled access (halt_on_unhandled_access)");
    (void)vcpu_.suspend();
    return false;
}

void VirtualMachine::inject_abort(const runtime::VcpuExit& exit) {
    const vmm::GuestFaultState fault{exit.pc(), vcpu_.read(Reg::Pstate), vcpu_.read(Reg::VbarEl1),
                                     exit.far(), ((exit.esr() >> 6) & 1) != 0};
    const vmm::El1ExceptionEntry entry = vmm::external_data_abort(fault);
    (void)vcpu_.write(Reg::ElrEl1, entry.elr_el1);
    (void)vcpu_.write(Reg::SpsrEl1, entry.spsr_el1);
    (void)vcpu_.write(Reg::EsrEl1, entry.esr_el1);
    (void)vcpu_.write(Reg::FarEl1, entry.far_el1);
    (void)vcpu_.write(Reg::Pstate, entry.pstate);
    (void)vcpu_.write(Reg::Pc, entry.pc);
}

bool VirtualMachine::on_psci(const runtime::VcpuExit& exit, runtime::Message& reply) {
    const vmm::PsciAction action =
        psci_.handle(kVcpu, {exit.hvc_arg(0), exit.hvc_arg(1), exit.hvc_arg(2), exit.hvc_arg(3)});
    switch (action.effect) {
    case vmm::PsciAction::Effect::SystemOff:
        power_off("the guest asked for PSCI SYSTEM_OFF");
    case vmm::PsciAction::Effect::SystemReset:
        if (!reset_guest()) power_off("the guest could not be reloaded");
        reply = runtime::Message{}; // resume at the new entry point
        return true;
    case vmm::PsciAction::Effect::StopCaller:
        log_.line("vm: vCPU 0 called CPU_OFF: stopped");
        return false;
    case vmm::PsciAction::Effect::StartVcpu: // one vCPU: Vpsci refuses CPU_ON already
    case vmm::PsciAction::Effect::None:
        break;
    }
    runtime::VcpuReply r;
    r.set_register(0, static_cast<uint64_t>(action.result));
    reply = r.message();
    return true;
}

bool VirtualMachine::on_sysreg(const runtime::VcpuExit& exit, runtime::Message& reply) {
    // The EL1 physical timer belongs to native domains: reads as 0, writes ignored.
    const uint64_t iss = exit.esr() & 0x1ffffff;
    const bool read = (iss & 1) != 0;
    const auto rt = static_cast<unsigned>((iss >> 5) & 31);
    if (sysreg_logs_ < 4) {
        ++sysreg_logs_;
        LogLine line;
        line << "vm: guest " << (read ? "read" : "wrote") << " a trapped system register (iss "
             << Hex{iss} << ") at pc " << Hex{exit.message.mr[2]} << ": ignored";
        line.emit(log_);
    }
    runtime::VcpuReply r;
    if (read) r.set_register(rt, 0);
    r.advance_pc();
    reply = r.message();
    return true;
}

void VirtualMachine::on_interrupts(uint64_t bits) {
    for (unsigned i = 0; i < irq_count_; ++i) {
        if ((bits & irqs_[i].badge()) == 0) continue;
        irqs_[i].fired();
        (void)vgic_.inject(irqs_[i].irq(), kVcpu);
    }
}

bool VirtualMachine::reset_guest() {
    ++resets_;
    {
        LogLine line;
        line << "vm: guest asked for PSCI SYSTEM_RESET: reloading the images (reset "
             << Dec{resets_} << ")";
        line.emit(log_);
    }
    for (unsigned i = 0; i < irq_count_; ++i)
        irqs_[i].release();
    // A fresh distributor: the new guest finds the GIC as at power-on.
    vgic_.~VgicDistributor();
    new (&vgic_) vmm::VgicDistributor(c_.num_irqs, list_registers_, log_);
    route_passthrough_irqs();
    psci_.reset();
    if (!load_guest()) return false;
    if (vcpu_.reset_to(boot_.entry.raw(), boot_.dtb.raw()) != Status::Ok) return false;
    LogLine line;
    line << "vm: vCPU 0 restarted at " << Hex{boot_.entry.raw()};
    line.emit(log_);
    return true;
}

void VirtualMachine::power_off(const char* why) {
    runtime::out() << "vm: " << why << ": powering the system off\n";
    (void)runtime::SystemControlCap(runtime::Slot{c_.power_slot}).power_off();
    runtime::exit();
}
