// VM modules (virtio devices, vchan, platform quirks, ...) register themselves by
// being linked in: BULKHEAD_VMM_MODULE defines a descriptor and places a pointer to it
// in the linker section `bulkhead_vmm_modules`, which the registry walks (pointers, not
// the descriptors themselves, so that the compiler's padding of larger objects cannot
// leave gaps in the array). No list to edit and no static
// constructors to run. The app enables modules by name; the VM initialises the enabled
// ones in (order, name) order after guest RAM and the vGIC exist and before
// passed-through IRQs are routed, logging one line per module.
//
// A module's object file must be linked into the VM (an OBJECT library, or the
// component's own sources): a static archive member nothing references is left out.
#pragma once

#include <vmm/log.hpp>

#include <cstddef>
#include <span>
#include <string_view>

namespace vmm {

class GuestMemory;
class MmioBus;
class VgicDistributor;

// What a module may use while it initialises.
struct VmContext {
    GuestMemory& memory;
    MmioBus& mmio;
    VgicDistributor& vgic;
    LogSink& log;
};

struct ModuleDescriptor {
    const char* name;
    int order; // lower first; ties by name
    bool (*init)(VmContext& vm);
};

// Every module linked into this program.
[[nodiscard]] std::span<const ModuleDescriptor* const> linked_modules();

enum class ModuleError : uint8_t { Ok, UnknownModule, InitFailed };

// Initialises the linked modules named in `enabled`; stops at the first failure.
// Logs "vmm: module <name> started" per module (or why it did not start).
[[nodiscard]] ModuleError init_modules(std::span<const std::string_view> enabled, VmContext& vm);

} // namespace vmm

#define BULKHEAD_VMM_MODULE_CAT2(a, b) a##b
#define BULKHEAD_VMM_MODULE_CAT(a, b) BULKHEAD_VMM_MODULE_CAT2(a, b)
// BULKHEAD_VMM_MODULE("virtio_net", 100, init_function);
#define BULKHEAD_VMM_MODULE(name, order, init)                                                     \
    static const ::vmm::ModuleDescriptor BULKHEAD_VMM_MODULE_CAT(bulkhead_vmm_module_,             \
                                                                 __LINE__){name, order, init};     \
    [[gnu::used, gnu::retain,                                                                      \
      gnu::section("bulkhead_vmm_modules")]] static const ::vmm::ModuleDescriptor* const           \
    BULKHEAD_VMM_MODULE_CAT(bulkhead_vmm_module_ptr_, __LINE__) =                                  \
        &BULKHEAD_VMM_MODULE_CAT(bulkhead_vmm_module_, __LINE__)
