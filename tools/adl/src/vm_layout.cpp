// Guest memory layout of VM instances (see vm_layout.hpp).
#include "adl/vm_layout.hpp"

#include "adl/diagnostic.hpp"
#include "adl/number_format.hpp"

#include <arch/smccc.hpp>
#include <vmm/linux_loader.hpp>
#include <vmm/vm_config.hpp>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace adl {

namespace {

// The field names of one dialect: 3.8's linux_address_config / linux_image_config or the
// current vm_address_config / vm_image_config (the same data under new names, mapped here
// once into vmm::LinuxAddressConfig).
struct Dialect {
    const char* address;
    const char* image;
    const char* ram_base;
    const char* ram_paddr_base;
    const char* ram_size;
    const char* initrd_max_size; // nullptr: the current dialect has none (unbounded)
    const char* kernel_name;
    const char* bootargs;
    const char* stdout_path;
};
constexpr Dialect v38{"linux_address_config", "linux_image_config", "linux_ram_base",
                      "linux_ram_paddr_base", "linux_ram_size",     "initrd_max_size",
                      "linux_name",           "linux_bootcmdline",  "linux_stdout"};
constexpr Dialect current{"vm_address_config", "vm_image_config",    "ram_base",
                          "ram_paddr_base",    "ram_size",           nullptr,
                          "kernel_name",       "kernel_bootcmdline", "kernel_stdout"};

class LayoutReader {
public:
    LayoutReader(const model::Instance& inst, const Dialect& d) : inst_(inst), d_(d) {}

    const Value& field(const char* attribute, const char* name) const {
        const auto* attr = inst_.attribute(attribute);
        const Value* v = attr ? attr->value.field(name) : nullptr;
        if (!v) {
            throw Error(attr ? attr->value.where : inst_.where,
                        quote(inst_.name + "." + attribute + "." + name) +
                            " is not set; expected a value");
        }
        return *v;
    }

    // The dialect's name of a vmm::LinuxAddressConfig field (vmm::field_of's names are 3.8's).
    const char* name_of(const std::string& field) const {
        if (field == "linux_ram_base") return d_.ram_base;
        if (field == "linux_ram_paddr_base") return d_.ram_paddr_base;
        if (field == "linux_ram_size") return d_.ram_size;
        if (field == "initrd_max_size" && d_.initrd_max_size) return d_.initrd_max_size;
        if (field == "dtb_addr") return "dtb_addr";
        return "initrd_addr";
    }

    // Upstream writes addresses as strings ("0x40000000"); they must parse completely.
    int64_t number(const char* name) const {
        const Value& v = field(d_.address, name);
        std::string path = inst_.name + "." + d_.address + "." + name;
        if (v.kind == Value::Kind::Integer) {
            return v.integer;
        }
        const std::string& s = v.string;
        errno = 0;
        char* end = nullptr;
        bool negative = !s.empty() && s[0] == '-';
        unsigned long long magnitude = std::strtoull(s.c_str() + (negative ? 1 : 0), &end, 0);
        if (s.empty() || s.size() == (negative ? 1u : 0u) || *end != '\0' || errno == ERANGE ||
            s.find_first_of(" \t+") != std::string::npos ||
            (negative && s.size() > 1 && s[1] == '-')) {
            throw Error(v.where,
                        quote(path) + " is " + quote(s) +
                            ", not a number; expected decimal or 0x-prefixed hex in the string");
        }
        if (magnitude > static_cast<unsigned long long>(INT64_MAX)) {
            throw Error(v.where,
                        quote(path) + " is " + quote(s) + ", too large; expected a 63-bit value");
        }
        return negative ? -static_cast<int64_t>(magnitude) : static_cast<int64_t>(magnitude);
    }

    std::string text(const char* name) const {
        const Value& v = field(d_.image, name);
        if (v.kind != Value::Kind::String) {
            throw Error(v.where,
                        quote(inst_.name + "." + d_.image + "." + name) + " expects a string");
        }
        return v.string;
    }

    [[nodiscard]] SourceLocation where(const char* name) const {
        return field(d_.address, name).where;
    }

    [[noreturn]] void fail(const char* name, const std::string& what) const {
        throw Error(where(name), quote(inst_.name + "." + d_.address + "." + name) + " " + what);
    }

private:
    const model::Instance& inst_;
    const Dialect& d_;
};

// The current dialect's switches that change nothing here, or that ask for what
// Bulkhead does not do; `provide_initrd` is read into the model. Returns whether
// generate_dtb is set: the VMM always generates the guest DTB from a base DTB (pruned to
// what the VM is given, memory, chosen, GIC and psci its own), and then the base is the
// dtb_base_name file when one is named, as upstream's generated DTB has it.
bool check_image_switches(const model::Instance& inst, model::VmConfig& vm) {
    const auto* image = inst.attribute("vm_image_config");
    if (image == nullptr) {
        return false;
    }
    const auto flag = [&](const char* name) -> const Value* {
        const Value* v = image->value.field(name);
        return v && (v->kind == Value::Kind::Boolean ? v->boolean : v->integer != 0) ? v : nullptr;
    };
    const auto unset = [&](const char* name) -> const Value* {
        const Value* v = image->value.field(name);
        return v && flag(name) == nullptr ? v : nullptr;
    };
    vm.provide_initrd = unset("provide_initrd") == nullptr;
    const bool generate = flag("generate_dtb") != nullptr;
    if (const Value* v = unset("provide_dtb"); v && !generate) {
        throw Error(v->where, quote(inst.name + ".vm_image_config.provide_dtb") +
                                  " is false and generate_dtb is not set; expected one of them "
                                  "(an arm64 guest needs a DTB)");
    }
    if (const Value* v = flag("map_one_to_one"); v && !vm.unity) {
        throw Error(v->where, quote(inst.name + ".vm_image_config.map_one_to_one") +
                                  " asks for guest RAM at its physical address; expected "
                                  "ram_base equal to ram_paddr_base");
    }
    return generate;
}

// plat_keep_devices (the node alone) and plat_keep_devices_and_subtree: lists of absolute
// device-tree paths.
void read_kept_nodes(const model::Instance& inst, model::VmConfig& vm) {
    for (const bool subtree : {false, true}) {
        const std::string name = subtree ? "plat_keep_devices_and_subtree" : "plat_keep_devices";
        const auto* a = inst.attribute(name);
        if (a == nullptr) continue;
        if (a->value.kind != Value::Kind::List) {
            throw Error(a->value.where, quote(inst.name + "." + name) + " is " +
                                            quote(a->value.to_adl()) +
                                            "; expected a list of device-tree paths");
        }
        for (const Value& p : a->value.items) {
            if (p.kind != Value::Kind::String || p.string.empty() || p.string[0] != '/') {
                throw Error(p.where, quote(inst.name + "." + name) + " lists " + quote(p.to_adl()) +
                                         "; expected an absolute device-tree path such as "
                                         "\"/timer\"");
            }
            vm.keep_nodes.push_back({p.string, subtree, p.where});
        }
    }
}
// vcpu_affinity: one core number per vCPU (whether the board has it is the lowering's
// check, which knows the board).
void read_vcpu_affinity(const model::Instance& inst, model::VmConfig& vm) {
    const auto* list = inst.attribute("vcpu_affinity");
    if (list == nullptr) return;
    const std::string name = quote(inst.name + ".vcpu_affinity");
    if (list->value.kind != Value::Kind::List || list->value.items.size() != vm.num_vcpus) {
        throw Error(list->value.where, name + " is " + list->value.to_adl() + "; expected " +
                                           std::to_string(vm.num_vcpus) +
                                           " core number(s), one per vCPU (num_vcpus)");
    }
    for (const Value& c : list->value.items) {
        if (c.kind != Value::Kind::Integer || c.integer < 0 || c.integer > 0xffff) {
            throw Error(c.where, name + " lists " + quote(c.to_adl()) + "; expected a core number");
        }
        vm.vcpu_affinity.push_back({static_cast<uint32_t>(c.integer), c.where});
    }
}

// allow_smc (a boolean) and allowed_smc_functions (SMCCC function IDs, usually from a
// board's plat/smc.h): each ID must be one the kernel forwards (a fast SiP, OEM or
// trusted-OS call, or a read-only standard one), else the guest could never make it.
void read_smc(const model::Instance& inst, model::VmConfig& vm) {
    if (const auto* a = inst.attribute("allow_smc")) {
        const Value& v = a->value;
        if (v.kind != Value::Kind::Boolean && v.kind != Value::Kind::Integer) {
            throw Error(v.where, quote(inst.name + ".allow_smc") + " is " + quote(v.to_adl()) +
                                     "; expected true or false");
        }
        vm.allow_smc = v.kind == Value::Kind::Boolean ? v.boolean : v.integer != 0;
    }
    const auto* list = inst.attribute("allowed_smc_functions");
    if (list == nullptr) return;
    const std::string name = quote(inst.name + ".allowed_smc_functions");
    if (list->value.kind != Value::Kind::List) {
        throw Error(list->value.where, name + " is " + quote(list->value.to_adl()) +
                                           "; expected a list of SMCCC function IDs");
    }
    for (const Value& f : list->value.items) {
        if (f.kind != Value::Kind::Integer || f.integer < 0 || f.integer > 0xffffffff ||
            !arm::smccc::forwardable_to_firmware(static_cast<uint32_t>(f.integer))) {
            const std::string shown = f.kind == Value::Kind::Integer && f.integer >= 0
                                          ? hex(static_cast<uint64_t>(f.integer))
                                          : quote(f.to_adl());
            std::string message = name;
            message += " lists ";
            message += shown;
            message += "; expected the ID of a fast SiP, OEM or trusted-OS call "
                       "(0x82000000..0x83ffffff, 0xc2000000..0xc3ffffff, 0xb0000000.., "
                       "0xf0000000..) or PSCI_VERSION/FEATURES: PSCI's power calls and the "
                       "hypervisor's stay with the VMM";
            throw Error(f.where, message);
        }
        vm.allowed_smc_functions.push_back(static_cast<uint32_t>(f.integer));
    }
    if (vm.allowed_smc_functions.size() > vmm::vm_config::kMaxSmcAllowed) {
        throw Error(list->value.where, name + " lists " +
                                           std::to_string(vm.allowed_smc_functions.size()) +
                                           " functions; expected at most " +
                                           std::to_string(vmm::vm_config::kMaxSmcAllowed));
    }
    if (!vm.allow_smc) {
        vm.no_effect.push_back({inst.name, "allowed_smc_functions", list->value,
                                "allow_smc is not set, so no call reaches the firmware"});
        vm.allowed_smc_functions.clear();
    }
}
} // namespace

std::optional<model::VmConfig> read_vm_layout(const model::Instance& inst) {
    bool is_vm = false;
    for (const auto& a : inst.component->attributes) {
        is_vm |= a.name == "linux_address_config" || a.name == "vm_address_config";
    }
    if (!is_vm) {
        return std::nullopt;
    }
    const auto* legacy = inst.attribute("linux_address_config");
    const auto* modern = inst.attribute("vm_address_config");
    if (legacy && modern) {
        throw Error(modern->value.where,
                    quote(inst.name + ".vm_address_config") + " and " +
                        quote(inst.name + ".linux_address_config") + " (at " +
                        legacy->value.where.str() +
                        ") are both set; expected one of them (the same data under two names)");
    }
    if (!legacy && !modern) {
        throw Error(inst.where,
                    "VM instance " + quote(inst.name) + " has no linux_address_config; expected " +
                        inst.name +
                        ".linux_address_config = {...} or .vm_address_config = {...} (usually "
                        "in <platform>/devices.camkes)");
    }
    const Dialect& d = modern ? current : v38;
    if (const auto* image = inst.attribute(modern ? v38.image : current.image);
        image && !image->from_default) {
        throw Error(image->value.where, quote(inst.name + "." + image->name) + " is set with " +
                                            quote(inst.name + "." + d.address) + "; expected " +
                                            quote(inst.name + "." + d.image) +
                                            ", its dialect's image settings");
    }
    LayoutReader r(inst, d);
    model::VmConfig vm;
    vmm::LinuxAddressConfig& a = vm.address;
    const auto address = [&r](const char* name) {
        const int64_t n = r.number(name);
        if (n < 0) r.fail(name, "is negative; expected an address or size");
        return static_cast<uint64_t>(n);
    };
    a.linux_ram_base = address(d.ram_base);
    a.linux_ram_paddr_base = address(d.ram_paddr_base);
    a.linux_ram_size = address(d.ram_size);
    a.linux_ram_offset = modern ? 0 : address("linux_ram_offset");
    a.dtb_addr = address("dtb_addr");
    a.initrd_addr = address("initrd_addr");
    if (d.initrd_max_size != nullptr) {
        // Upstream writes -1 for "no limit"; the VMM's rule reads 0 so.
        const int64_t initrd_max = r.number(d.initrd_max_size);
        if (initrd_max < -1 || initrd_max == 0) {
            r.fail(d.initrd_max_size, "= " + std::to_string(initrd_max) +
                                          "; expected -1 (unbounded) or a positive size");
        }
        a.initrd_max_size = initrd_max > 0 ? static_cast<uint64_t>(initrd_max) : 0;
    } else if (r.number("kernel_entry_addr") != -1) {
        // Upstream's zcu102 files give ram_base + 0x80000, the old arm64 text_offset: where
        // the Image header asks anyway.
        vm.no_effect.push_back({inst.name, std::string(d.address) + ".kernel_entry_addr",
                                r.field(d.address, "kernel_entry_addr"),
                                "the VMM loads the kernel where its arm64 Image header asks (a "
                                "2 MiB-aligned base in guest RAM plus the header's text_offset) "
                                "and enters it there"});
    }
    // map_unity_ram: upstream's VMs map guest RAM 1:1 exactly when the two bases agree.
    vm.unity = a.linux_ram_base == a.linux_ram_paddr_base;
    const bool generate_dtb = check_image_switches(inst, vm);
    read_kept_nodes(inst, vm);
    read_smc(inst, vm);
    // The VMM's own rule, so that what builds also boots.
    if (const vmm::LayoutError e = vmm::guest_ram_layout(a, vm.unity, vm.layout);
        e != vmm::LayoutError::Ok) {
        // The rule checks RAM and the DTB before the initrd: on an initrd complaint the rest
        // of the layout is complete, and whether it matters depends on an initrd being packed.
        const std::string field = vmm::field_of(e);
        if (e >= vmm::LayoutError::InitrdMisaligned &&
            (field == "initrd_addr" || field == "initrd_max_size")) {
            const char* name = r.name_of(field);
            vm.initrd_defect = quote(inst.name + "." + d.address + "." + name) + " = " +
                               hex(vmm::value_of(a, e)) + " " + vmm::to_string(e) +
                               " (guest RAM [" + hex(a.linux_ram_base) + ", " +
                               hex(a.linux_ram_base + a.linux_ram_size) + "))";
            vm.initrd_where = r.where(name);
            vm.layout.initrd = {};
        } else {
            r.fail(r.name_of(vmm::field_of(e)),
                   "= " + hex(vmm::value_of(a, e)) + " " + vmm::to_string(e) + " (guest RAM [" +
                       hex(a.linux_ram_base) + ", " + hex(a.linux_ram_base + a.linux_ram_size) +
                       "))");
        }
    }

    vm.linux_name = r.text(d.kernel_name);
    vm.dtb_name = r.text("dtb_name");
    // Empty: upstream (without VmDtbFile) makes the guest's DTB from the platform's; here
    // the base is the platform's DTB, which a build packs under the default name.
    if (vm.dtb_name.empty()) vm.dtb_name = vmm::LinuxImageConfig{}.dtb_name;
    if (const auto* image = inst.attribute(d.image); generate_dtb && image != nullptr) {
        if (const Value* base = image->value.field("dtb_base_name");
            base != nullptr && base->kind == Value::Kind::String && !base->string.empty()) {
            vm.dtb_name = base->string;
        }
    }
    vm.initrd_name = r.text("initrd_name");
    vm.bootargs = r.text(d.bootargs);
    vm.stdout_path = r.text(d.stdout_path);
    if (const auto* n = inst.attribute("num_vcpus")) {
        if (n->value.integer < 1 || n->value.integer > 8) {
            throw Error(n->value.where, quote(inst.name + ".num_vcpus") + " is " +
                                            n->value.to_adl() + "; expected 1 to 8 vCPUs");
        }
        vm.num_vcpus = static_cast<uint32_t>(n->value.integer);
    }
    read_vcpu_affinity(inst, vm);
    return vm;
}

} // namespace adl
