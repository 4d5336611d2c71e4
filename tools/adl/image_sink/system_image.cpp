// Model -> image::SystemBuilder (see system_image.hpp). FileServer instances first (the
// VMs connect to them), then the VMs, each with the values its attributes resolved to.
#include "system_image.hpp"

#include <file_server_system.hpp>
#include <vm_system.hpp>

#include <image/board.hpp>

#include <algorithm>
#include <memory>
#include <stdexcept>

namespace adl {
namespace {

const std::string& type_of(const model::Instance& inst) {
    return inst.component->name;
}

std::string elf_of(const SystemImageInputs& in, const model::Instance& inst) {
    return in.component_dir + "/" + type_of(inst) + "/" + type_of(inst) + ".elf";
}

// The FileServer instance a VM's `fs` interface is connected to.
std::string file_server_of(const model::System& system, const model::Instance& vm) {
    for (const auto& c : system.connections) {
        if (c.kind != model::ConnectionKind::Rpc || c.to.size() != 1) continue;
        for (const auto& e : c.from)
            if (e.instance == vm.name && e.interface == "fs") return c.to[0].instance;
    }
    throw std::runtime_error("VM " + vm.name +
                             ": its fs interface is not connected to a FileServer");
}

int64_t integer_attribute(const model::Instance& inst, std::string_view name, int64_t fallback) {
    const model::Attribute* a = inst.attribute(name);
    return a != nullptr && a->value.kind == Value::Kind::Integer ? a->value.integer : fallback;
}

vm_host::VmDescription describe_vm(const model::System& system, const model::Instance& inst,
                                   const image::Board& board) {
    const model::VmConfig& cfg = *inst.vm;
    if (cfg.num_vcpus != 1) {
        throw std::runtime_error("VM " + inst.name + ": num_vcpus " +
                                 std::to_string(cfg.num_vcpus) +
                                 " (the image has one vCPU per VM)");
    }
    vm_host::VmDescription vm;
    vm.name = inst.name;
    vm.linux_ram_base = cfg.ram.base.raw();
    vm.linux_ram_paddr_base = cfg.ram_paddr.raw();
    vm.linux_ram_size = cfg.ram.size;
    vm.linux_ram_offset = cfg.ram_offset;
    vm.map_unity_ram = cfg.unity;
    vm.dtb_addr = cfg.dtb.raw();
    vm.initrd_addr = cfg.initrd.raw();
    vm.initrd_max_size = cfg.initrd_max_size.value_or(0);
    vm.linux_name = cfg.linux_name;
    vm.dtb_name = cfg.dtb_name;
    vm.initrd_name = cfg.initrd_name;
    vm.bootcmdline = cfg.bootargs;
    vm.stdout_path = cfg.stdout_path;
    for (const auto& r : system.regions) {
        if (r.owner != inst.name || r.kind != model::RegionKind::Device) continue;
        // Devices sharing a page became one region named "a, b": the VMM keeps one DTB
        // node per region, so such a region is not lowered yet.
        if (r.source.find(", ") != std::string::npos) {
            throw std::runtime_error("VM " + inst.name + ": devices " + r.source +
                                     " share a page (one passthrough region per node only)");
        }
        vm.passthrough.push_back({r.source, r.phys});
    }
    for (const auto& irq : system.irqs)
        if (irq.owner == inst.name) vm.irqs.push_back(irq.number);
    // upstream: the vCPU runs at base_prio; the VMM thread is placed above it.
    vm.base_prio = static_cast<uint32_t>(integer_attribute(inst, "base_prio", 100) + 20);
    vm.halt_on_unhandled_access = integer_attribute(inst, "halt_on_unhandled_access", 0) != 0;
    vm.log_image_crcs = integer_attribute(inst, "log_image_crcs", 0) != 0;
    vm.gicd = board.gicd.raw();
    vm.gicc = board.gicc.raw();
    return vm;
}

} // namespace

void write_system_image(const model::System& system, const SystemImageInputs& in) {
    const image::Board* board = image::BoardRegistry::find(system.platform);
    if (board == nullptr) throw std::runtime_error("board " + system.platform + " not registered");
    image::SystemBuilder sys(*board);

    std::vector<const model::Instance*> vms;
    std::map<std::string, std::vector<file_server_host::ArchiveFile>> archives;
    for (const auto& inst : system.instances) {
        if (inst.vm) {
            vms.push_back(&inst);
            auto& files = archives[file_server_of(system, inst)];
            for (const std::string* name :
                 {&inst.vm->linux_name, &inst.vm->dtb_name, &inst.vm->initrd_name}) {
                if (std::any_of(files.begin(), files.end(),
                                [&](const auto& f) { return f.name == *name; }))
                    continue;
                auto path = in.files.find(*name);
                if (path == in.files.end()) {
                    throw std::runtime_error("VM " + inst.name + " boots '" + *name +
                                             "'; expected --file " + *name + "=<host file>");
                }
                files.push_back({*name, file_server_host::read_file(path->second)});
            }
        } else if (type_of(inst) != "FileServer") {
            throw std::runtime_error("instance " + inst.name + " of component " + type_of(inst) +
                                     ": no image lowering for this component type");
        }
    }
    std::map<std::string, std::unique_ptr<file_server_host::FileServerSystem>> servers;
    for (const auto& inst : system.instances) {
        if (inst.vm) continue;
        servers[inst.name] = std::make_unique<file_server_host::FileServerSystem>(
            sys, elf_of(in, inst), archives[inst.name],
            static_cast<uint32_t>(inst.priority.value_or(150)));
    }
    for (const model::Instance* vm : vms) {
        vm_host::add_vm(sys, *servers.at(file_server_of(system, *vm)), elf_of(in, *vm),
                        describe_vm(system, *vm, *board));
    }
    for (auto& [name, server] : servers)
        server->finish();
    sys.pack(in.kernel_elf, in.out_elf);
}

} // namespace adl
