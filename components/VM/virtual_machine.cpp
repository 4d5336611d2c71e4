// The VM: set-up, image loading and the exit loop (see virtual_machine.hpp).
#include "virtual_machine.hpp"

#include <base/crc32_table.hpp>
#include <vmm/vm_guest_dtb.hpp>

#include <algorithm>
#include <array>
#include <cstring>
#include <new>

using runtime::Status;
using vmm::Dec;
using vmm::Hex;
using vmm::LogLine;

namespace {

constexpr uint64_t kImageKeepClear = uint64_t{2} << 20; // QEMU's own DTB sits there
alignas(8) std::byte g_dtb_scratch[1 << 20];            // the platform DTB while building
vmm::VmGuestDtb g_guest_dtb;                            // its node lists, off the 16 KiB stack

} // namespace

VirtualMachine::VirtualMachine(const vmm::vm_config::View& config, runtime::EndpointCap fs,
                               std::span<std::byte> fs_buffer)
    : config_(config), c_(config.header()),
      num_vcpus_(c_.vcpus.count), // View::open checked 1..kMaxVcpus
      bus_(c_.halt_on_unhandled_access != 0 ? vmm::UnhandledAccessPolicy::HaltVm
                                            : vmm::UnhandledAccessPolicy::InjectAbort,
           log_),
      vgic_(c_.num_irqs, list_registers(), log_), psci_(num_vcpus_),
      devices_(memory_, bus_, vgic_, c_.num_irqs, notifications_, log_,
               {base::GuestPhysAddr{c_.device_window_base}, c_.device_window_size}, &smccc_,
               {base::GuestPhysAddr{c_.pci_window_base}, c_.pci_window_size}),
      loop_(bus_, vgic_, smccc_, notifications_, log_), files_(fs, fs_buffer) {
    for (unsigned i = 0; i < num_vcpus_; ++i)
        vcpus_[i] = KernelVcpu(runtime::VcpuCap(runtime::Slot{config.vcpu(i).slot}), i);
    devices_.use_idle_watch(&loop_.idle_watch());
    for (uint32_t i = 0; i < c_.smc_allowed.count; ++i) // View::open checked the count
        smc_allowed_[i] = config.smc_allowed(i);
}

std::span<vmm::ListRegisters* const> VirtualMachine::list_registers() {
    for (unsigned i = 0; i < num_vcpus_; ++i)
        list_registers_[i] = &vcpus_[i];
    return {list_registers_, num_vcpus_};
}

bool VirtualMachine::prepare_vcpus() {
    constexpr uint64_t kMpidrRes1 = uint64_t{1} << 31;
    for (unsigned i = 0; i < num_vcpus_; ++i) {
        if (i != 0) {
            vcpus_[i].suspend();
            vcpus_[i].clear_list_registers();
        }
        if (vcpus_[i].write(runtime::Reg::Vmpidr, kMpidrRes1 | i) != Status::Ok) return false;
    }
    return true;
}

bool VirtualMachine::start_vcpu(unsigned target, uint64_t entry, uint64_t context_id) {
    if (target >= num_vcpus_) return false;
    KernelVcpu& v = vcpus_[target];
    v.suspend(); // after CPU_OFF it still waits for the answer to that call
    if (v.reset_to(entry, context_id) != Status::Ok || v.resume() != Status::Ok) return false;
    psci_.vcpu_running(target);
    LogLine line;
    line << "vm: vCPU " << Dec{target} << " started at " << Hex{entry} << " (PSCI CPU_ON)";
    line.emit(log_);
    return true;
}

bool VirtualMachine::install_firmware_calls() {
    if (c_.firmware_slot == 0) return true;
    devices_.use_firmware(&firmware_);
    LogLine line;
    line << "vm: firmware calls (allow_smc): ";
    if (c_.smc_allowed.count == 0) {
        line << "as the VMM modules allow";
        line.emit(log_);
        return true;
    }
    line << Dec{c_.smc_allowed.count} << " function(s) allowed (allowed_smc_functions)";
    line.emit(log_);
    return firmware_calls_.install(smccc_, vmm::SmcForwarder::kAllRanges, log_);
}

// On a board under QEMU's TCG: the first pages of guest RAM, read before the VMM blocks
// (vmm::SoftTlbBallast says why).
void VirtualMachine::set_up_tlb_ballast(std::span<const std::byte> ram) {
    const std::size_t bytes = std::min<std::size_t>(
        std::size_t{c_.soft_tlb_ballast_pages} * vmm::SoftTlbBallast::kPageSize, ram.size());
    if (bytes == 0) return;
    uint64_t frequency = 0;
    asm volatile("mrs %0, cntfrq_el0" : "=r"(frequency));
    ballast_ =
        vmm::SoftTlbBallast(ram.first(bytes), frequency * vmm::SoftTlbBallast::kIntervalMs / 1000);
    LogLine line;
    line << "vm: the board runs under QEMU (TCG): the VMM reads "
         << Dec{static_cast<int64_t>(ballast_.pages())}
         << " pages of guest RAM before it blocks, at most every "
         << Dec{vmm::SoftTlbBallast::kIntervalMs}
         << " ms, so that its switches leave QEMU's TLB for the guest its size";
    line.emit(log_);
}

bool VirtualMachine::set_up() {
    if (const vmm::LayoutError e = vmm::guest_ram_layout(c_.address, c_.map_unity_ram != 0, layout_,
                                                         !config_.string(c_.initrd_name).empty());
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
    set_up_tlb_ballast(ram);
    if (!install_vgic() || !loop_.add_system_registers(debug_registers_)) return false;

    if (!psci_.install(smccc_) || !exit_counts_.install(smccc_)) return false;
    psci_.set_entry_range(layout_.ram);
    if (!install_firmware_calls() || !create_devices()) return false;
    attach_passthrough_irqs();
    if (!load_guest()) return false;
    if (!prepare_vcpus()) {
        log_.line("vm: the vCPUs cannot be set up: guest not started");
        return false;
    }
    if (const Status s = vcpus_[0].reset_to(boot_.entry.raw(), boot_.dtb.raw()); s != Status::Ok) {
        LogLine line;
        line << "vm: vCPU 0 cannot be set up (kernel status " << Dec{static_cast<int64_t>(s)}
             << "): guest not started";
        line.emit(log_);
        return false;
    }
    return true;
}

bool VirtualMachine::install_vgic() {
    const base::GuestPhysAddr gicd{c_.gicd_base};
    if (c_.gic_version == 3) {
        if (!bus_.add("vgic-v3-distributor", {gicd, vmm::VgicV3Distributor::kSize}, vgic_v3_) ||
            !bus_.add("vgic-redistributors",
                      {base::GuestPhysAddr{c_.gicc_base}, redistributors_.size()},
                      redistributors_) ||
            !loop_.add_system_registers(redistributors_)) {
            return false;
        }
        LogLine line;
        line << "vm: vGICv3 distributor at " << Hex{c_.gicd_base} << " (" << Dec{c_.num_irqs}
             << " IRQs), redistributors at " << Hex{c_.gicc_base} << ".."
             << Hex{c_.gicc_base + redistributors_.size()} << ", " << Dec{vcpus_[0].count()}
             << " list registers, " << Dec{num_vcpus_} << " vCPUs";
        line.emit(log_);
        return true;
    }
    if (!bus_.add("vgic-distributor", {gicd, vmm::VgicDistributor::kSize}, vgic_)) return false;
    LogLine line;
    line << "vm: vGIC distributor at " << Hex{c_.gicd_base} << " (" << Dec{c_.num_irqs}
         << " IRQs), guest GICC at " << Hex{c_.gicc_base} << " is the GICV, "
         << Dec{vcpus_[0].count()} << " list registers, " << Dec{num_vcpus_} << " vCPUs";
    line.emit(log_);
    return true;
}

// The VM's connections (their capability, shared memory and the bits the peer signals
// here) as backend connections, offered to every module; a module takes the ones it names.
void VirtualMachine::collect_backends() {
    const auto self = bulkhead::glue::VM::Instance::mapped();
    backend_count_ = 0;
    const auto add = [&](std::string_view name, bool connected, uint32_t slot, uint64_t badge,
                         std::span<std::byte> memory, uint32_t wake_slot = 0) {
        if (!connected || backend_count_ == kMaxBackends) return;
        backends_[backend_count_++] = {name, slot, memory, badge, &backend_port_, wake_slot};
    };
    // seL4SerialServer: batch's wake-up capability tells the server output waits.
    add("batch", self.batch_connected(), self.batch_slot(), 0, self.batch_buffer().span(),
        self.batch_wake_slot());
    add("putchar", self.putchar_connected(), self.putchar_slot(), 0, {});
    // seL4SerialServer: the interface's badge is the bit the server signals.
    add("serial_getchar", self.serial_getchar_connected(), self.serial_getchar_slot(),
        self.serial_getchar_badge(), self.serial_getchar_buffer().span());
    add("send", self.send_connected(), self.send_slot(), self.send_badge(),
        self.send_buffer().span());
    add("recv", self.recv_connected(), self.recv_slot(), self.recv_badge(),
        self.recv_buffer().span());
    // vm_multi's second and third pairs (a virtual switch's ports, vswitch_layout).
    add("send1", self.send1_connected(), self.send1_slot(), self.send1_badge(),
        self.send1_buffer().span());
    add("recv1", self.recv1_connected(), self.recv1_slot(), self.recv1_badge(),
        self.recv1_buffer().span());
    add("send2", self.send2_connected(), self.send2_slot(), self.send2_badge(),
        self.send2_buffer().span());
    add("recv2", self.recv2_connected(), self.recv2_slot(), self.recv2_badge(),
        self.recv2_buffer().span());
    // Cross-VM links come from the configuration (the app's own VM type declares their
    // interfaces, which this program's glue does not know).
    crossvm_count_ = c_.crossvm.count; // View::open checked the maximum
    for (unsigned i = 0; i < crossvm_count_; ++i) {
        const vmm::vm_config::CrossvmLink l = config_.crossvm(i);
        crossvm_[i] = {config_.string(l.dataport), config_.string(l.emits),
                       config_.string(l.consumes)};
        // NOLINTNEXTLINE(performance-no-int-to-ptr): where the lowering maps the frames
        auto* frames = reinterpret_cast<std::byte*>(l.vmm_addr);
        add(crossvm_[i].dataport, true, l.mapping_slot, 0, {frames, l.size});
        add(crossvm_[i].emits, l.emit_slot != 0, l.emit_slot, 0, {});
        add(crossvm_[i].consumes, l.consume_bits != 0, 0, l.consume_bits, {});
    }
    // Forwarded devices too: their servers' endpoints are the app's VM type's interfaces.
    forward_count_ = c_.forwards.count; // View::open checked the maximum
    for (unsigned i = 0; i < forward_count_; ++i) {
        const vmm::vm_config::ForwardedDevice f = config_.forward(i);
        forwards_[i] = {config_.string(f.interface), {base::GuestPhysAddr{f.guest_base}, f.size}};
        add(forwards_[i].interface, true, f.slot, 0, {});
    }
}

// The configuration's virtual switch (vswitch_mac_address, vswitch_layout) for the devices.
vmm::SwitchConfig VirtualMachine::collect_switch() {
    const unsigned count = c_.vswitch_ports.count; // View::open checked the maximum
    for (unsigned i = 0; i < count; ++i) {
        const vmm::vm_config::SwitchPort p = config_.switch_port(i);
        switch_ports_[i].send = config_.string(p.send);
        switch_ports_[i].recv = config_.string(p.recv);
        std::memcpy(switch_ports_[i].mac.data(), p.mac, sizeof p.mac);
    }
    vmm::SwitchConfig out;
    out.ports = {switch_ports_, count};
    if (c_.has_vswitch_mac != 0) {
        std::array<uint8_t, 6> mac{};
        std::memcpy(mac.data(), c_.vswitch_mac, sizeof c_.vswitch_mac);
        out.mac = mac;
    }
    return out;
}

// The configuration's module names become device records with the VM's connections.
bool VirtualMachine::create_devices() {
    collect_backends();
    // Chained words first: their bit of the bound word makes the VMM poll them.
    for (unsigned k = 0; k < c_.irq_words.count; ++k) { // View::open checked the maximum
        const vmm::vm_config::IrqWord word = config_.irq_word(k);
        irq_word_sources_[k] = KernelNotificationWord(runtime::Slot{word.slot});
        irq_words_[k] = vmm::ChainedNotification(irq_word_sources_[k]);
        if (!notifications_.add(word.badge, irq_words_[k])) {
            LogLine line;
            line << "vm: chained IRQ word " << Dec{k + 1} << ": notification bits "
                 << Hex{word.badge} << " are taken";
            line.emit(log_);
            return false;
        }
    }
    irq_count_ = c_.irqs.count; // View::open checked the maximum
    for (unsigned i = 0; i < irq_count_; ++i) {
        const vmm::vm_config::PassthroughIrq p = config_.irq(i);
        irqs_[i] = PassthroughIrq(p.irq, runtime::IrqHandlerCap(runtime::Slot{p.ack_slot}), p.badge,
                                  vgic_);
        // Taken from the devices' SPIs; a refusal shows in the routing line below.
        (void)devices_.spis().reserve(p.irq);
        // View::open checked that p.word names a chained word (or is 0, the bound one).
        const bool routed = p.word == 0 ? notifications_.add(p.badge, irqs_[i])
                                        : irq_words_[p.word - 1].add(p.badge, irqs_[i]);
        if (!routed) {
            LogLine line;
            line << "vm: IRQ " << Dec{p.irq} << ": notification bits " << Hex{p.badge}
                 << " are taken";
            line.emit(log_);
            return false;
        }
    }
    const unsigned count = c_.modules.count; // View::open checked the maximum
    const vmm::SwitchConfig vswitch = collect_switch();
    for (unsigned i = 0; i < count; ++i) {
        device_records_[i] = {config_.module(i),           {},
                              {backends_, backend_count_}, vswitch,
                              {crossvm_, crossvm_count_},  {forwards_, forward_count_}};
    }
    return devices_.create({device_records_, count}) == vmm::DeviceError::Ok;
}

// Each distributor (at set-up and after every reset) learns the passed-through IRQs.
void VirtualMachine::attach_passthrough_irqs() {
    for (unsigned i = 0; i < irq_count_; ++i) {
        LogLine line;
        line << "vm: IRQ " << Dec{irqs_[i].irq()} << " passed through to the guest"
             << (vgic_.set_acknowledger(irqs_[i].irq(), irqs_[i]) ? "" : " (REFUSED by the vGIC)");
        line.emit(log_);
    }
}

bool VirtualMachine::load_guest() {
    vmm::LinuxImageConfig names;
    names.linux_name = config_.string(c_.linux_name);
    names.dtb_name = config_.string(c_.dtb_name);
    names.initrd_name = config_.string(c_.initrd_name);
    names.image_keep_clear = {layout_.ram.base, kImageKeepClear};

    vmm::vm_guest_dtb(config_, g_guest_dtb);
    vmm::GuestDtbConfig& dtb = g_guest_dtb.config;
    dtb.devices = &devices_;
    // Fresh for every boot of the guest (a reset draws again): Linux credits rng-seed as
    // entropy, and with none its CRNG runs unseeded, a full BLAKE2s extraction per random
    // number it takes (every exec and socket), until it has gathered its own.
    std::array<std::byte, call_abi::kEntropyBytes> seed{};
    const bool seeded = runtime::take_entropy(seed);
    dtb.rng_seed = seeded ? std::span<const std::byte>(seed) : std::span<const std::byte>();
    {
        LogLine line;
        line << (seeded ? "vm: /chosen/rng-seed: 32 bytes of this boot's entropy from the kernel"
                        : "vm: no boot entropy from the kernel: the guest gets no rng-seed");
        line.emit(log_);
    }
    const vmm::LoadError load_error =
        vmm::load_linux(files_, memory_, layout_, names, dtb, g_dtb_scratch, log_, boot_);
    seed.fill(std::byte{0});
    dtb.rng_seed = {};
    if (load_error != vmm::LoadError::Ok) return false;
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
    if (const Status s = vcpus_[0].resume(); s != Status::Ok) {
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
    KernelExitPort port(runtime::EndpointCap(runtime::Slot{c_.exit_slot}), {vcpus_, num_vcpus_},
                        log_, ballast_);
    switch (loop_.run(port, *this)) {
    case vmm::StopReason::PowerOff:
        stop("the guest asked for PSCI SYSTEM_OFF");
    case vmm::StopReason::ResetFailed:
        stop("the guest could not be reloaded");
    case vmm::StopReason::PortLost:
        break;
    }
    power_off("the VMM lost its exit endpoint");
}

bool VirtualMachine::reset_guest() {
    log_exit_counts({vcpus_, num_vcpus_}, log_); // the old guest's
    ++resets_;
    {
        LogLine line;
        line << "vm: guest asked for PSCI SYSTEM_RESET: reloading the images (reset "
             << Dec{resets_} << ") for " << bulkhead::glue::VM::Instance::mapped().name();
        line.emit(log_);
    }
    for (unsigned i = 0; i < irq_count_; ++i)
        irqs_[i].release();
    // A fresh distributor: the new guest finds the GIC as at power-on.
    vgic_.~VgicDistributor();
    new (&vgic_) vmm::VgicDistributor(c_.num_irqs, list_registers(), log_);
    vgic_v3_.reset();
    redistributors_.reset();
    attach_passthrough_irqs();
    psci_.reset();
    devices_.reset();
    if (!load_guest()) return false;
    // Whichever vCPU asked, vCPU 0 starts the new guest: stopped (out of any exit or
    // WFI), reset, started. The loop's answer to the caller then finds no caller.
    if (!prepare_vcpus()) return false;
    vcpus_[0].suspend();
    if (vcpus_[0].reset_to(boot_.entry.raw(), boot_.dtb.raw()) != Status::Ok ||
        vcpus_[0].resume() != Status::Ok)
        return false;
    LogLine line;
    line << "vm: vCPU 0 restarted at " << Hex{boot_.entry.raw()};
    line.emit(log_);
    return true;
}

// This VM stops (its vCPUs suspended, the VMM's thread gone); the others run on. The last
// VM of the system to stop powers it off.
void VirtualMachine::stop(const char* why) {
    for (unsigned i = 0; i < num_vcpus_; ++i)
        vcpus_[i].suspend();
    uint64_t left = 0;
    if (c_.running_vms_addr != 0) {
        // NOLINTNEXTLINE(performance-no-int-to-ptr): where the lowering maps the shared word
        auto* running = reinterpret_cast<uint64_t*>(c_.running_vms_addr);
        left = __atomic_sub_fetch(running, 1, __ATOMIC_ACQ_REL);
    }
    if (left == 0) power_off(why);
    runtime::out() << "vm: " << bulkhead::glue::VM::Instance::mapped().name() << ": " << why
                   << ": this VM stops; " << base::Dec{left} << " other VM(s) run on\n";
    runtime::exit();
}

void VirtualMachine::power_off(const char* why) {
    log_exit_counts({vcpus_, num_vcpus_}, log_);
    if (ballast_.enabled()) {
        runtime::out() << "vm: TLB ballast for QEMU read " << base::Dec{ballast_.readings()}
                       << " times\n";
    }
    runtime::out() << "vm: " << why << ": powering the system off\n";
    (void)runtime::SystemControlCap(runtime::Slot{c_.power_slot}).power_off();
    runtime::exit();
}
