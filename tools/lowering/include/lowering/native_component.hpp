// A native component as the lowering makes one: a domain named after the instance, one
// thread running <Type>/<Type>.elf at the instance's priority, and its instance page
// (spec/instance_page.hpp: slots, badges, buffers, attribute values), which the type's
// generated glue reads. Component lowerers that need more (the VM's guest space, the
// FileServer's archive) build on it.
#pragma once

#include "lowering/component_lowerer.hpp"

namespace lowering {

class NativeComponent : public ComponentLowerer {
public:
    void create(Context& context, const adl::model::Instance& instance,
                InstanceObjects& objects) override;
    void finish(Context& context, const adl::model::Instance& instance,
                InstanceObjects& objects) override;

    // Defaults when the assembly sets none (CAmkES's: priority 100 per thread).
    static constexpr uint32_t kDefaultPriority = 100;
    static constexpr uint64_t kStackSize = uint64_t{16} * 1024;

protected:
    // The domain, and a thread at `priority` with `stack_size` bytes of stack.
    static void create_thread(Context& context, const adl::model::Instance& instance,
                              InstanceObjects& objects, uint32_t priority, uint64_t stack_size);
    // The CPU the instance's threads are pinned to (a VM's vCPUs are counted from it):
    // its _affinity, or 0. A CPU the board lacks is an error at the attribute.
    static uint32_t core_of(const Context& context, const adl::model::Instance& instance);
    // The instance page, with `type_blob` for the type's own configuration.
    static void add_instance_page(Context& context, const adl::model::Instance& instance,
                                  InstanceObjects& objects, const std::vector<uint8_t>& type_blob);
};

} // namespace lowering
