// The plain native component (see native_component.hpp).
#include "lowering/native_component.hpp"

#include "lowering/instance_page.hpp"

#include <adl/diagnostic.hpp>
#include <spec/instance_page.hpp>

namespace lowering {

void NativeComponent::create_thread(Context& context, const adl::model::Instance& instance,
                                    InstanceObjects& objects, uint32_t priority,
                                    uint64_t stack_size) {
    image::SystemBuilder& b = context.builder();
    objects.domain = b.add_domain(instance.name);
    objects.priority = priority;
    image::ThreadOptions thread;
    thread.name = instance.name;
    thread.priority = priority;
    thread.stack_size = stack_size;
    thread.program = context.program_of(instance);
    thread.core = core_of(context, instance);
    objects.thread = b.add_thread(objects.domain, thread);
}

uint32_t NativeComponent::core_of(const Context& context, const adl::model::Instance& instance) {
    if (!instance.affinity) return 0;
    const image::Board& board = context.board();
    if (*instance.affinity >= board.cpu_count) {
        const adl::model::Attribute* a = instance.attribute("_affinity");
        if (a == nullptr) a = instance.attribute("affinity");
        throw adl::Error(a != nullptr ? a->value.where : instance.where,
                         adl::quote(instance.name + "." + (a != nullptr ? a->name : "_affinity")) +
                             " is " + std::to_string(*instance.affinity) + "; board " +
                             adl::quote(board.name) + " has " + std::to_string(board.cpu_count) +
                             " CPUs, expected 0 to " + std::to_string(board.cpu_count - 1));
    }
    return static_cast<uint32_t>(*instance.affinity);
}

void NativeComponent::create(Context& context, const adl::model::Instance& instance,
                             InstanceObjects& objects) {
    if (instance.component->hardware) {
        objects.hardware = true;
        return;
    }
    const auto priority = static_cast<uint32_t>(instance.priority.value_or(kDefaultPriority));
    create_thread(context, instance, objects, priority, kStackSize);
}

void NativeComponent::add_instance_page(Context& context, const adl::model::Instance& instance,
                                        InstanceObjects& objects,
                                        const std::vector<uint8_t>& type_blob) {
    const auto& program = context.inputs().program_definition;
    std::vector<uint8_t> page = write_instance_page(
        instance, objects, type_blob, program ? program(instance.component->name) : nullptr);
    const uint64_t size = page.size();
    image::SystemBuilder& b = context.builder();
    const image::RegionId r = b.add_ram(instance.name + ":instance", size, std::move(page));
    b.map(objects.domain, r, base::VirtAddr{spec::instance::kInstancePageAddr}, image::kRead);
    objects.mappings.push_back({"instance_page", spec::instance::kInstancePageAddr, size});
}

void NativeComponent::finish(Context& context, const adl::model::Instance& instance,
                             InstanceObjects& objects) {
    if (!instance.component->hardware) add_instance_page(context, instance, objects, {});
}

} // namespace lowering
