// The module registry: the linker-collected descriptor array and ordered initialisation.
#include <vmm/vm_module.hpp>

#include <cstring>

// Defined by the linker when at least one descriptor is linked; weak so that a VM
// without modules links too (both are then null).
extern "C" {
extern const vmm::ModuleDescriptor* const __start_bulkhead_vmm_modules[] __attribute__((weak));
extern const vmm::ModuleDescriptor* const __stop_bulkhead_vmm_modules[] __attribute__((weak));
}

namespace vmm {
namespace {

bool before(const ModuleDescriptor& a, const ModuleDescriptor& b) {
    if (a.order != b.order) return a.order < b.order;
    return std::string_view(a.name) < std::string_view(b.name); // no strcmp freestanding
}

bool is_enabled(const ModuleDescriptor& m, std::span<const std::string_view> enabled) {
    for (std::string_view name : enabled) {
        if (name == m.name) return true;
    }
    return false;
}

} // namespace

std::span<const ModuleDescriptor* const> linked_modules() {
    if (__start_bulkhead_vmm_modules == nullptr) return {};
    return {__start_bulkhead_vmm_modules, __stop_bulkhead_vmm_modules};
}

ModuleError init_modules(std::span<const std::string_view> enabled, VmContext& vm) {
    const std::span<const ModuleDescriptor* const> modules = linked_modules();
    for (std::string_view name : enabled) {
        bool found = false;
        for (const ModuleDescriptor* m : modules)
            found = found || name == m->name;
        if (!found) {
            LogLine line;
            line << "vmm: module " << name << " is enabled but not linked into this VM";
            line.emit(vm.log);
            return ModuleError::UnknownModule;
        }
    }
    // Selection by repeated minimum: few modules, no allocation, a total order.
    const ModuleDescriptor* previous = nullptr;
    for (;;) {
        const ModuleDescriptor* next = nullptr;
        for (const ModuleDescriptor* m : modules) {
            if (!is_enabled(*m, enabled) || (previous != nullptr && !before(*previous, *m))) {
                continue;
            }
            if (next == nullptr || before(*m, *next)) next = m;
        }
        if (next == nullptr) return ModuleError::Ok;
        previous = next;
        const bool ok = next->init(vm);
        LogLine line;
        line << "vmm: module " << next->name << (ok ? " started" : " failed to start");
        line.emit(vm.log);
        if (!ok) return ModuleError::InitFailed;
    }
}

} // namespace vmm
