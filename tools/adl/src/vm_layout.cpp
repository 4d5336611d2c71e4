// Guest memory layout of VM instances (see vm_layout.hpp).
#include "adl/vm_layout.hpp"

#include "adl/diagnostic.hpp"
#include "adl/number_format.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace adl {

namespace {

class LayoutReader {
public:
    explicit LayoutReader(const model::Instance& inst) : inst_(inst) {}

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

    // Upstream writes addresses as strings ("0x40000000"); they must parse completely.
    int64_t number(const char* name) const {
        const Value& v = field("linux_address_config", name);
        std::string path = inst_.name + ".linux_address_config." + name;
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

    std::string text(const char* attribute, const char* name) const {
        const Value& v = field(attribute, name);
        if (v.kind != Value::Kind::String) {
            throw Error(v.where,
                        quote(inst_.name + "." + attribute + "." + name) + " expects a string");
        }
        return v.string;
    }

    [[noreturn]] void fail(const char* name, const std::string& what) const {
        throw Error(field("linux_address_config", name).where,
                    quote(inst_.name + ".linux_address_config." + name) + " " + what);
    }

private:
    const model::Instance& inst_;
};
} // namespace

std::optional<model::VmConfig> read_vm_layout(const model::Instance& inst) {
    bool is_vm = false;
    for (const auto& a : inst.component->attributes) {
        is_vm |= a.name == "linux_address_config";
    }
    if (!is_vm) {
        return std::nullopt;
    }
    if (!inst.attribute("linux_address_config")) {
        throw Error(inst.where,
                    "VM instance " + quote(inst.name) + " has no linux_address_config; expected " +
                        inst.name +
                        ".linux_address_config = {...} (usually in <platform>/devices.camkes)");
    }
    LayoutReader r(inst);
    model::VmConfig vm;
    vmm::LinuxAddressConfig& a = vm.address;
    const auto address = [&r](const char* name) {
        const int64_t n = r.number(name);
        if (n < 0) r.fail(name, "is negative; expected an address or size");
        return static_cast<uint64_t>(n);
    };
    a.linux_ram_base = address("linux_ram_base");
    a.linux_ram_paddr_base = address("linux_ram_paddr_base");
    a.linux_ram_size = address("linux_ram_size");
    a.linux_ram_offset = address("linux_ram_offset");
    a.dtb_addr = address("dtb_addr");
    a.initrd_addr = address("initrd_addr");
    // Upstream writes -1 for "no limit"; the VMM's rule reads 0 so.
    const int64_t initrd_max = r.number("initrd_max_size");
    if (initrd_max < -1 || initrd_max == 0) {
        r.fail("initrd_max_size",
               "= " + std::to_string(initrd_max) + "; expected -1 (unbounded) or a positive size");
    }
    a.initrd_max_size = initrd_max > 0 ? static_cast<uint64_t>(initrd_max) : 0;
    // map_unity_ram: upstream's VMs map guest RAM 1:1 exactly when the two bases agree.
    vm.unity = a.linux_ram_base == a.linux_ram_paddr_base;
    // The VMM's own rule, so that what builds also boots.
    if (const vmm::LayoutError e = vmm::guest_ram_layout(a, vm.unity, vm.layout);
        e != vmm::LayoutError::Ok) {
        r.fail(vmm::field_of(e), "= " + hex(vmm::value_of(a, e)) + " " + vmm::to_string(e) +
                                     " (guest RAM [" + hex(a.linux_ram_base) + ", " +
                                     hex(a.linux_ram_base + a.linux_ram_size) + "))");
    }

    vm.linux_name = r.text("linux_image_config", "linux_name");
    vm.dtb_name = r.text("linux_image_config", "dtb_name");
    vm.initrd_name = r.text("linux_image_config", "initrd_name");
    vm.bootargs = r.text("linux_image_config", "linux_bootcmdline");
    vm.stdout_path = r.text("linux_image_config", "linux_stdout");
    if (const auto* n = inst.attribute("num_vcpus")) {
        if (n->value.integer < 1 || n->value.integer > 8) {
            throw Error(n->value.where, quote(inst.name + ".num_vcpus") + " is " +
                                            n->value.to_adl() + "; expected 1 to 8 vCPUs");
        }
        vm.num_vcpus = static_cast<uint32_t>(n->value.integer);
    }
    return vm;
}

} // namespace adl
