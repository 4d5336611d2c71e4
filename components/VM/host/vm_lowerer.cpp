// The VM component type's part of the lowering: the VMM's domain and thread, the guest's
// address space (RAM, passed-through devices, the GICV at the guest's GICC), the vCPU and
// its exit endpoint, passed-through IRQs on the VMM's bound notification, and the VM's
// configuration page, written from the instance's resolved attributes and the slots the
// connections gave it (its FileServer connection, `fs`).
#include <vm_config.hpp>

#include <lowering/native_component.hpp>

#include <adl/diagnostic.hpp>

#include <cstring>

namespace vm_host {
namespace {

using adl::model::Instance;
using lowering::Context;
using lowering::InstanceObjects;

constexpr uint64_t kVmmStack = uint64_t{64} * 1024;
constexpr uint64_t kGiccSize = 0x2000;
constexpr uint32_t kEmulatedIrqs = 96; // distributor size (multiple of 32)

int64_t integer(const Instance& inst, std::string_view name, int64_t fallback) {
    const adl::model::Attribute* a = inst.attribute(name);
    return a != nullptr && a->value.kind == adl::Value::Kind::Integer ? a->value.integer : fallback;
}

template <std::size_t N>
void copy(char (&to)[N], const std::string& from, const Instance& inst, const char* what) {
    if (from.size() >= N) {
        throw adl::Error(inst.where, "VM " + adl::quote(inst.name) + ": " + what + " is " +
                                         std::to_string(from.size()) + " characters; expected " +
                                         "fewer than " + std::to_string(N));
    }
    std::memcpy(to, from.c_str(), from.size() + 1);
}

class VmLowerer final : public lowering::NativeComponent {
public:
    void create(Context& context, const Instance& inst, InstanceObjects& vmm) override {
        const adl::model::VmConfig& cfg = *inst.vm;
        if (cfg.num_vcpus != 1) {
            const adl::model::Attribute* n = inst.attribute("num_vcpus");
            throw adl::Error(n != nullptr ? n->value.where : inst.where,
                             adl::quote(inst.name + ".num_vcpus") + " is " +
                                 std::to_string(cfg.num_vcpus) +
                                 "; expected 1 (one vCPU per VM for now)");
        }
        // upstream: the vCPU runs at base_prio; the VMM thread is placed above it.
        const int64_t base_prio = integer(inst, "base_prio", 100);
        if (base_prio < 0 || base_prio > 235) {
            throw adl::Error(inst.attribute("base_prio")->value.where,
                             adl::quote(inst.name + ".base_prio") + " is " +
                                 std::to_string(base_prio) + "; expected 0 to 235");
        }
        // upstream: vCPUs run at base_prio, the VMM (the component's own thread) at its
        // _priority, which must be above them so that it answers their exits.
        const auto vcpu_prio = static_cast<uint32_t>(base_prio);
        const auto vmm_prio = static_cast<uint32_t>(inst.priority.value_or(base_prio + 20));
        if (vmm_prio <= vcpu_prio) {
            const adl::model::Attribute* p = inst.attribute("_priority");
            throw adl::Error(p != nullptr ? p->value.where : inst.where,
                             adl::quote(inst.name + "._priority") + " is " +
                                 std::to_string(vmm_prio) + "; expected above base_prio (" +
                                 std::to_string(vcpu_prio) + "), where its vCPUs run");
        }
        create_thread(context, inst, vmm, vmm_prio, kVmmStack);

        image::SystemBuilder& b = context.builder();
        const image::DomainId guest = b.add_domain(inst.name + "-guest");
        vmm.extra_domains.push_back(guest);
        const image::RegionId ram = b.add_ram_at(inst.name + ":ram", {cfg.ram_paddr, cfg.ram.size});
        // Guest RAM is hundreds of MiB of which a booting guest touches a fraction.
        b.zero_on_first_touch(ram);
        b.map(guest, ram, base::VirtAddr{cfg.ram.base.raw()},
              image::kRead | image::kWrite | image::kExecute);
        // The VMM sees guest RAM where the guest does.
        b.map(vmm.domain, ram, base::VirtAddr{cfg.ram.base.raw()}, image::kRead | image::kWrite);
        vmm.mappings.push_back({"guest_ram", cfg.ram.base.raw(), cfg.ram.size});
        for (const auto& r : context.system().regions) {
            if (r.owner != inst.name || r.kind != adl::model::RegionKind::Device) continue;
            // Devices sharing a page became one region named "a, b": the VMM keeps one
            // DTB node per region, so such a region is not lowered yet.
            if (r.source.find(", ") != std::string::npos) {
                throw adl::Error(r.where, "VM " + adl::quote(inst.name) + ": devices " + r.source +
                                              " share a page; expected one node per page");
            }
            const image::RegionId d = b.add_device(inst.name + ":" + r.source, r.phys);
            b.map(guest, d, base::VirtAddr{r.guest.base.raw()}, image::kRead | image::kWrite,
                  spec::Cacheability::Device);
        }
        b.map_gicv(guest, base::GuestPhysAddr{context.board().gicc.raw()});

        // vCPU 0, suspended until the VMM has loaded the guest.
        const image::EndpointId exits = b.add_endpoint(inst.name + ":exits");
        const image::VcpuId vcpu = b.add_vcpu(guest, {.name = inst.name + ":vcpu0",
                                                      .priority = vcpu_prio,
                                                      .exit_endpoint = exits,
                                                      .badge = 0,
                                                      .entry = cfg.ram.base,
                                                      .arg = cfg.dtb.raw(),
                                                      .start_suspended = true});
        context.give(vmm, "vcpu0", image::vcpu_cap(vcpu));
        context.give(vmm, "exits", image::endpoint_cap(exits, 0, spec::CapReceive));
        context.give(vmm, "power", image::system_control_cap());

        // Passed-through interrupts signal the VMM's bound notification.
        for (const auto& q : context.system().irqs) {
            if (q.owner != inst.name) continue;
            const image::IrqHandlerId h =
                b.add_irq_handler(q.number, context.notification(vmm), q.badge, !q.level);
            context.give(vmm, "irq" + std::to_string(q.number), image::irq_handler_cap(h));
        }
        if (!context.inputs().describe_only()) {
            for (const std::string* file : {&cfg.linux_name, &cfg.dtb_name, &cfg.initrd_name}) {
                if (!file->empty() && context.inputs().files.count(*file) == 0) {
                    throw adl::Error(inst.where, "VM " + adl::quote(inst.name) + " boots " +
                                                     adl::quote(*file) + "; expected --file " +
                                                     *file + "=<host file>");
                }
            }
        }
    }

    void finish(Context& context, const Instance& inst, InstanceObjects& vmm) override {
        using vm_config::Config;
        const adl::model::VmConfig& cfg = *inst.vm;
        Config c{};
        c.magic = Config::kMagic;
        c.linux_ram_base = cfg.ram.base.raw();
        c.linux_ram_paddr_base = cfg.ram_paddr.raw();
        c.linux_ram_size = cfg.ram.size;
        c.linux_ram_offset = cfg.ram_offset;
        c.dtb_addr = cfg.dtb.raw();
        c.initrd_max_size = cfg.initrd_max_size.value_or(0);
        c.initrd_addr = cfg.initrd.raw();
        c.map_unity_ram = cfg.unity ? 1 : 0;
        c.halt_on_unhandled_access = integer(inst, "halt_on_unhandled_access", 0) != 0 ? 1 : 0;
        c.log_image_crcs = integer(inst, "log_image_crcs", 0) != 0 ? 1 : 0;
        c.vmm_ram_addr = cfg.ram.base.raw();
        copy(c.linux_name, cfg.linux_name, inst, "linux_image_config.linux_name");
        copy(c.dtb_name, cfg.dtb_name, inst, "linux_image_config.dtb_name");
        copy(c.initrd_name, cfg.initrd_name, inst, "linux_image_config.initrd_name");
        copy(c.bootargs, cfg.bootargs, inst, "linux_image_config.linux_bootcmdline");
        copy(c.stdout_path, cfg.stdout_path, inst, "linux_image_config.linux_stdout");
        c.num_irqs = kEmulatedIrqs;
        c.gicd_base = context.board().gicd.raw();
        c.gicc_base = context.board().gicc.raw();
        c.gicc_size = kGiccSize;
        for (const auto& r : context.system().regions) {
            if (r.owner != inst.name || r.kind != adl::model::RegionKind::Device) continue;
            if (c.passthrough_count == Config::kMaxPassthrough)
                throw adl::Error(r.where, "VM " + adl::quote(inst.name) + ": too many devices");
            copy(c.passthrough[c.passthrough_count++], r.source, inst, "a dtb path");
        }
        for (const auto& q : context.system().irqs) {
            if (q.owner != inst.name) continue;
            if (c.irq_count == Config::kMaxIrqs)
                throw adl::Error(q.where, "VM " + adl::quote(inst.name) + ": too many IRQs");
            c.irqs[c.irq_count++] = {q.number, *vmm.cap("irq" + std::to_string(q.number)), q.badge};
        }
        c.vcpu_slot = *vmm.cap("vcpu0");
        c.exit_slot = *vmm.cap("exits");
        c.power_slot = *vmm.cap("power");
        const lowering::InterfaceObjects* fs = vmm.interface("fs");
        if (fs == nullptr || !fs->slot || fs->buffers.empty()) {
            throw adl::Error(inst.where, "VM " + adl::quote(inst.name) +
                                             ": fs is not connected; expected a seL4RPCDataport "
                                             "connection to a FileServer");
        }
        c.fs_slot = *fs->slot;
        c.fs_dataport_addr = fs->buffers.front().at;
        c.fs_dataport_size = fs->buffers.front().size;

        std::vector<uint8_t> page(sizeof c);
        std::memcpy(page.data(), &c, sizeof c);
        image::SystemBuilder& b = context.builder();
        const image::RegionId config = b.add_ram(inst.name + ":config", sizeof c, std::move(page));
        b.map(vmm.domain, config, base::VirtAddr{vm_config::kConfigAddr}, image::kRead);
        vmm.mappings.push_back({"config", vm_config::kConfigAddr, sizeof c});
        add_instance_page(context, inst, vmm, {});
    }
};

VmLowerer lowerer;
const lowering::ComponentRegistration registration{"VM", lowerer};

} // namespace
} // namespace vm_host
