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

    uint64_t address(const char* name, uint64_t alignment, const char* why) const {
        int64_t n = number(name);
        const Value& v = field("linux_address_config", name);
        std::string path = inst_.name + ".linux_address_config." + name;
        if (n < 0) {
            throw Error(v.where, quote(path) + " is negative; expected an address or size");
        }
        auto u = static_cast<uint64_t>(n);
        if (u % alignment != 0) {
            throw Error(v.where, quote(path) + " = " + hex(u) + " is not aligned to " +
                                     hex(alignment) + " (" + why + "); expected a multiple of " +
                                     hex(alignment));
        }
        return u;
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
    constexpr uint64_t page = 4096;
    model::VmConfig vm;
    uint64_t ram_base = r.address("linux_ram_base", page, "guest RAM is mapped in pages");
    uint64_t ram_size = r.address("linux_ram_size", page, "guest RAM is mapped in pages");
    uint64_t ram_paddr = r.address("linux_ram_paddr_base", page, "guest RAM is mapped in pages");
    if (ram_size == 0) {
        r.fail("linux_ram_size", "is 0; expected the size of guest RAM");
    }
    if (ram_base + ram_size < ram_base) {
        r.fail("linux_ram_size", "makes guest RAM wrap past the end of the address space");
    }
    if (r.number("linux_ram_offset") < 0) {
        r.fail("linux_ram_offset", "is negative; expected 0 or an offset");
    }
    vm.ram = {base::GuestPhysAddr(ram_base), ram_size};
    vm.ram_offset = static_cast<uint64_t>(r.number("linux_ram_offset"));
    vm.ram_paddr = base::PhysAddr(ram_paddr);
    vm.unity = ram_base == ram_paddr;

    uint64_t dtb =
        r.address("dtb_addr", 8, "the arm64 boot protocol places the DTB on an 8-byte boundary");
    uint64_t initrd = r.address("initrd_addr", page, "the initrd is loaded in whole pages");
    int64_t initrd_max = r.number("initrd_max_size");
    if (initrd_max < -1 || initrd_max == 0) {
        r.fail("initrd_max_size",
               "= " + std::to_string(initrd_max) + "; expected -1 (unbounded) or a positive size");
    }
    base::GuestPhysRange dtb_window{base::GuestPhysAddr(dtb), dtb_max_size};
    if (!vm.ram.contains(base::GuestPhysAddr(dtb)) || !vm.ram.contains(dtb_window)) {
        r.fail("dtb_addr", "= " + hex(dtb) + ": the DTB (up to " + hex(dtb_max_size) +
                               " bytes) does not fit in guest RAM [" + hex(ram_base) + ", " +
                               hex(ram_base + ram_size) + "); expected an address inside it");
    }
    if (!vm.ram.contains(base::GuestPhysAddr(initrd))) {
        r.fail("initrd_addr", "= " + hex(initrd) + " is outside guest RAM [" + hex(ram_base) +
                                  ", " + hex(ram_base + ram_size) +
                                  "); expected an address inside it");
    }
    base::GuestPhysRange initrd_range{base::GuestPhysAddr(initrd),
                                      initrd_max > 0 ? static_cast<uint64_t>(initrd_max)
                                                     : ram_base + ram_size - initrd};
    if (initrd_max > 0) {
        vm.initrd_max_size = static_cast<uint64_t>(initrd_max);
        if (!vm.ram.contains(initrd_range)) {
            r.fail("initrd_max_size", "= " + hex(static_cast<uint64_t>(initrd_max)) +
                                          ": the initrd at " + hex(initrd) +
                                          " would end past guest RAM (" + hex(ram_base + ram_size) +
                                          "); expected it to fit");
        }
    }
    if (initrd_range.overlaps(dtb_window) &&
        (initrd_max > 0 || dtb_window.contains(base::GuestPhysAddr(initrd)))) {
        r.fail("initrd_addr", "= " + hex(initrd) + ": the initrd [" + hex(initrd) + ", " +
                                  hex(initrd_range.end().raw()) + ") overlaps the DTB [" +
                                  hex(dtb) + ", " + hex(dtb + dtb_max_size) +
                                  ") at dtb_addr; expected them apart");
    }
    // The kernel Image goes at the start of RAM (2 MiB-aligned base + text_offset).
    constexpr uint64_t kernel_window = uint64_t{2} << 20;
    if (dtb - ram_base < kernel_window) {
        r.fail("dtb_addr", "= " + hex(dtb) +
                               " is in the first 2 MiB of guest RAM, where the kernel is loaded; "
                               "expected it higher");
    }
    if (initrd - ram_base < kernel_window) {
        r.fail("initrd_addr", "= " + hex(initrd) +
                                  " is in the first 2 MiB of guest RAM, where the kernel is "
                                  "loaded; expected it higher");
    }
    vm.dtb = base::GuestPhysAddr(dtb);
    vm.initrd = base::GuestPhysAddr(initrd);

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
