// VM instance description (see vm_system.hpp).
#include "vm_system.hpp"

#include <vm_config.hpp>

#include <arch/gic_v2.hpp>

#include <cstring>
#include <stdexcept>

namespace vm_host {
namespace {

template <std::size_t N> void copy(char (&to)[N], const std::string& from, const char* what) {
    if (from.size() >= N) throw std::runtime_error(std::string("VM: ") + what + " too long");
    std::memcpy(to, from.c_str(), from.size() + 1);
}

} // namespace

void add_vm(image::SystemBuilder& sys, file_server_host::FileServerSystem& fs,
            const std::string& vm_elf, const VmDescription& vm) {
    using vm_config::Config;
    if (vm.passthrough.size() > Config::kMaxPassthrough || vm.irqs.size() > Config::kMaxIrqs ||
        vm.modules.size() > Config::kMaxModules)
        throw std::runtime_error("VM " + vm.name + ": too many devices, IRQs or modules");
    if (vm.base_prio < 20 || vm.base_prio > 255)
        throw std::runtime_error("VM " + vm.name + ": base_prio out of range");

    Config c{};
    c.magic = Config::kMagic;
    c.linux_ram_base = vm.linux_ram_base;
    c.linux_ram_paddr_base = vm.linux_ram_paddr_base;
    c.linux_ram_size = vm.linux_ram_size;
    c.linux_ram_offset = vm.linux_ram_offset;
    c.dtb_addr = vm.dtb_addr;
    c.initrd_max_size = vm.initrd_max_size;
    c.initrd_addr = vm.initrd_addr;
    c.map_unity_ram = vm.map_unity_ram ? 1 : 0;
    c.halt_on_unhandled_access = vm.halt_on_unhandled_access ? 1 : 0;
    c.log_image_crcs = vm.log_image_crcs ? 1 : 0;
    c.vmm_ram_addr = vm.linux_ram_base; // the VMM sees guest RAM where the guest does
    copy(c.linux_name, vm.linux_name, "linux_name");
    copy(c.dtb_name, vm.dtb_name, "dtb_name");
    copy(c.initrd_name, vm.initrd_name, "initrd_name");
    copy(c.bootargs, vm.bootcmdline, "linux_bootcmdline");
    copy(c.stdout_path, vm.stdout_path, "linux_stdout");
    c.num_irqs = vm.num_irqs;
    c.gicd_base = vm.gicd;
    c.gicc_base = vm.gicc;
    c.gicc_size = arm::gicv2::gicc::kFrameSize; // the GICV frame mapped there

    // The VMM.
    const image::DomainId vmm = sys.add_domain(vm.name);
    const image::ThreadId thread = sys.add_thread(vmm, {.name = vm.name,
                                                        .priority = vm.base_prio,
                                                        .entry = sys.load_elf(vmm, vm_elf),
                                                        .stack_size = uint64_t{64} * 1024});

    // The guest's physical address space.
    const image::DomainId guest = sys.add_domain(vm.name + "-guest");
    const image::RegionId ram = sys.add_ram_at(
        vm.name + ":ram", {base::PhysAddr{vm.linux_ram_paddr_base}, vm.linux_ram_size});
    // Guest RAM is hundreds of MiB of which a booting guest touches a fraction.
    sys.zero_on_first_touch(ram);
    sys.map(guest, ram, base::VirtAddr{vm.linux_ram_base},
            image::kRead | image::kWrite | image::kExecute);
    sys.map(vmm, ram, base::VirtAddr{c.vmm_ram_addr}, image::kRead | image::kWrite);
    for (std::size_t i = 0; i < vm.passthrough.size(); ++i) {
        const PassthroughDevice& d = vm.passthrough[i];
        const image::RegionId r = sys.add_device(vm.name + ":" + d.dtb_path, d.frame);
        sys.map(guest, r, base::VirtAddr{d.frame.base.raw()}, image::kRead | image::kWrite,
                spec::Cacheability::Device);
        copy(c.passthrough[i], d.dtb_path, "dtb path");
    }
    c.passthrough_count = static_cast<uint32_t>(vm.passthrough.size());
    sys.map_gicv(guest, base::GuestPhysAddr{vm.gicc});

    // vCPU 0, suspended until the VMM has loaded the guest.
    const image::EndpointId exits = sys.add_endpoint(vm.name + ":exits");
    const image::VcpuId vcpu = sys.add_vcpu(guest, {.name = vm.name + ":vcpu0",
                                                    .priority = vm.base_prio - 20,
                                                    .exit_endpoint = exits,
                                                    .badge = 0,
                                                    .entry = base::GuestPhysAddr{vm.linux_ram_base},
                                                    .arg = vm.dtb_addr,
                                                    .start_suspended = true});
    c.vcpu_slot = sys.give_cap(vmm, image::vcpu_cap(vcpu));
    c.exit_slot = sys.give_cap(vmm, image::endpoint_cap(exits, 0, spec::CapReceive));
    c.power_slot = sys.give_cap(vmm, image::system_control_cap());

    // Passed-through interrupts signal the notification bound to the VMM thread.
    if (!vm.irqs.empty()) {
        const image::NotificationId n = sys.add_notification(vm.name + ":irqs");
        for (std::size_t i = 0; i < vm.irqs.size(); ++i) {
            const uint64_t badge = uint64_t{1} << i;
            const image::IrqHandlerId h = sys.add_irq_handler(vm.irqs[i], n, badge);
            c.irqs[i] = {vm.irqs[i], sys.give_cap(vmm, image::irq_handler_cap(h)), badge};
        }
        c.irq_count = static_cast<uint32_t>(vm.irqs.size());
        sys.bind_notification(thread, n);
    }
    for (std::size_t i = 0; i < vm.modules.size(); ++i)
        copy(c.modules[i], vm.modules[i], "module name");
    c.module_count = static_cast<uint32_t>(vm.modules.size());

    const file_server_host::ClientPort port =
        fs.connect(vmm, base::VirtAddr{vm_config::kFsDataportAddr});
    c.fs_slot = port.slot;
    c.fs_dataport_addr = port.dataport_addr;
    c.fs_dataport_size = port.dataport_size;

    std::vector<uint8_t> page(sizeof c);
    std::memcpy(page.data(), &c, sizeof c);
    const image::RegionId config = sys.add_ram(vm.name + ":config", sizeof c, std::move(page));
    sys.map(vmm, config, base::VirtAddr{vm_config::kConfigAddr}, image::kRead);
}

} // namespace vm_host
