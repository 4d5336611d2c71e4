// The lowering's driver and context (see lowering.hpp): instances first (each by its
// type's lowerer), then connections (each by its connector's lowerer), then every
// instance's finish step, which sees every slot.
#include "lowering/lowering.hpp"

#include "lowering/component_lowerer.hpp"
#include "lowering/connector_lowerer.hpp"
#include "lowering/native_component.hpp"

#include <adl/diagnostic.hpp>
#include <arch/granule.hpp>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <stdexcept>

namespace lowering {
namespace {

constexpr uint64_t kPage = arm::granule::kPageBytes;

template <class T> std::vector<std::pair<std::string_view, T*>>& registry() {
    static std::vector<std::pair<std::string_view, T*>> entries;
    return entries;
}

template <class T> T* find_in(std::string_view name) {
    for (const auto& [n, l] : registry<T>())
        if (n == name) return l;
    return nullptr;
}

template <class T> void add_to(std::string_view name, T& lowerer, const char* what) {
    if (find_in<T>(name) != nullptr)
        throw std::logic_error(std::string(what) + " " + std::string(name) + " registered twice");
    registry<T>().emplace_back(name, &lowerer);
}

template <class T> std::vector<std::string_view> names_in() {
    std::vector<std::string_view> out;
    for (const auto& [n, l] : registry<T>())
        out.push_back(n);
    std::sort(out.begin(), out.end());
    return out;
}

NativeComponent& native_component() {
    static NativeComponent lowerer;
    return lowerer;
}

ComponentLowerer& lowerer_of(const adl::model::Instance& instance) {
    ComponentLowerer* l = ComponentRegistry::find(instance.component->name);
    return l != nullptr ? *l : native_component();
}

} // namespace

ComponentLowerer* ComponentRegistry::find(std::string_view type) {
    return find_in<ComponentLowerer>(type);
}
std::vector<std::string_view> ComponentRegistry::names() {
    return names_in<ComponentLowerer>();
}
void ComponentRegistry::add(std::string_view type, ComponentLowerer& lowerer) {
    add_to(type, lowerer, "component type");
}
ConnectorLowerer* ConnectorLowerers::find(std::string_view connector) {
    return find_in<ConnectorLowerer>(connector);
}
std::vector<std::string_view> ConnectorLowerers::names() {
    return names_in<ConnectorLowerer>();
}
void ConnectorLowerers::add(std::string_view connector, ConnectorLowerer& lowerer) {
    add_to(connector, lowerer, "connector");
}

const InterfaceObjects* InstanceObjects::interface(std::string_view n) const {
    for (const auto& i : interfaces)
        if (i.name == n) return &i;
    return nullptr;
}

std::optional<uint32_t> InstanceObjects::cap(std::string_view n) const {
    for (const auto& c : caps)
        if (c.name == n) return c.slot;
    return std::nullopt;
}

Context::Context(const adl::model::System& system, image::SystemBuilder& builder,
                 const Inputs& inputs)
    : system_(system), builder_(builder), inputs_(inputs) {}

InstanceObjects& Context::instance(std::string_view name) {
    for (auto& i : instances_)
        if (i.name == name) return i;
    throw std::logic_error("lowering: no instance " + std::string(name) + " (yet)");
}

InterfaceObjects& Context::interface(InstanceObjects& instance, std::string_view name) {
    for (auto& i : instance.interfaces)
        if (i.name == name) return i;
    instance.interfaces.push_back({});
    instance.interfaces.back().name = std::string(name);
    return instance.interfaces.back();
}

namespace {

// A connection that would give a hardware component a capability or a mapping: it has no
// domain to hold them (its registers and interrupt go to the other ends).
void needs_domain(const adl::model::System& system, const InstanceObjects& instance,
                  const std::string& what) {
    if (!instance.hardware) return;
    const adl::model::Instance* inst = system.instance(instance.name);
    throw adl::Error(inst->where, std::string(instance.no_domain_reason) + " " +
                                      adl::quote(instance.name) + " would be given " + what +
                                      ", but it runs nothing; expected its registers and "
                                      "interrupts to reach others through seL4HardwareMMIO and "
                                      "seL4HardwareInterrupt");
}

} // namespace

uint32_t Context::give(InstanceObjects& instance, const std::string& name, const spec::Cap& cap) {
    needs_domain(system_, instance, "the capability " + adl::quote(name));
    const uint32_t slot = builder_.give_cap(instance.domain, cap);
    instance.caps.push_back({name, slot});
    return slot;
}

uint64_t shared_window_base(const image::Board& board) {
    constexpr uint64_t kGiB = uint64_t{1} << 30;
    const uint64_t above_ram = (board.ram.end().raw() + kGiB - 1) / kGiB * kGiB;
    return std::max(4 * kGiB, above_ram);
}

uint64_t Context::map_shared(InstanceObjects& instance, const std::string& name,
                             image::RegionId region, uint64_t size, uint32_t rights,
                             uint64_t offset) {
    needs_domain(system_, instance, "the mapping " + adl::quote(name));
    auto [it, fresh] = next_shared_.try_emplace(instance.name, shared_window_base(board()));
    // A buffer of 2 MiB or more starts on a 2 MiB boundary, so that the kernel can map it
    // with blocks (a window onto a VM's RAM is hundreds of MiB: in pages it would take
    // more stage-2 tables than the kernel has).
    constexpr uint64_t kBlock = arm::granule::kBlockBytes;
    if (size >= kBlock) it->second = (it->second + kBlock - 1) / kBlock * kBlock;
    const uint64_t at = it->second;
    builder_.map(instance.domain, region, base::VirtAddr{at}, rights, spec::Cacheability::WriteBack,
                 offset, (size + kPage - 1) / kPage * kPage);
    instance.mappings.push_back({name, at, size});
    it->second += (size + kPage - 1) / kPage * kPage + kPage; // and a guard page
    (void)fresh;
    return at;
}

image::NotificationId Context::notification(InstanceObjects& instance) {
    if (instance.notification) return *instance.notification;
    const image::NotificationId n = builder_.add_notification(instance.name + ".notification");
    instance.notification = n;
    give(instance, "notification", image::notification_cap(n, 0, spec::CapReceive));
    if (instance.thread) builder_.bind_notification(*instance.thread, n);
    return n;
}

std::string Context::program_of(const adl::model::Instance& instance) const {
    namespace fs = std::filesystem;
    const std::string& type = instance.component->name;
    const std::string elf = type + ".elf";
    if (inputs_.describe_only()) return (fs::path("<components>") / type / elf).string();
    for (const auto& dir : inputs_.component_dirs) {
        for (const fs::path& path : {fs::path(dir) / type / elf, fs::path(dir) / elf}) {
            if (fs::is_regular_file(path)) return path.string();
        }
    }
    return (fs::path(inputs_.component_dirs.front()) / type / elf).string();
}

std::vector<InstanceObjects> lower_system(const adl::model::System& system,
                                          image::SystemBuilder& builder, const Inputs& inputs) {
    Context context(system, builder, inputs);
    for (const auto& inst : system.instances) {
        context.instances().push_back({});
        InstanceObjects& objects = context.instances().back();
        objects.name = inst.name;
        objects.type = inst.component->name;
        lowerer_of(inst).create(context, inst, objects);
    }
    for (const auto& c : system.connections) {
        ConnectorLowerer* l = ConnectorLowerers::find(c.connector);
        if (l == nullptr) {
            throw adl::Error(c.where, "connector " + adl::quote(c.connector) +
                                          " has no lowering into the image; expected one of the "
                                          "connectors registered in tools/lowering/connectors");
        }
        l->lower(context, c);
    }
    for (const auto& inst : system.instances)
        lowerer_of(inst).finish(context, inst, context.instance(inst.name));
    return std::move(context.instances());
}

void check_programs(const adl::model::System& system, const std::vector<InstanceObjects>& instances,
                    const image::SystemDescription& description) {
    for (const auto& i : instances) {
        if (!i.thread) continue;
        const std::string& program = description.threads.at(i.thread->index).program;
        if (program.empty() || std::filesystem::is_regular_file(program)) continue;
        const adl::model::Instance* inst = system.instance(i.name);
        throw adl::Error(inst->where,
                         "component type " + adl::quote(i.type) + " of instance " +
                             adl::quote(i.name) + " has no binary (looked for " + program +
                             "); expected one built by bulkhead_component(NAME " + i.type +
                             " ...) in the CMakeLists.txt of the folder that defines it");
    }
}

namespace {

void domain_lines(std::ostringstream& out, const image::SystemDescription& d, image::DomainId id,
                  const std::vector<InstanceObjects::Cap>& names) {
    const image::DomainDesc& dom = d.domains.at(id.index);
    out << "    domain " << id.index << " " << dom.name << "\n";
    for (uint32_t slot = 1; slot < dom.caps.size(); ++slot) {
        const spec::Cap& cap = dom.caps[slot];
        out << "      slot " << slot << ": " << spec::cap_type_name(cap.type) << " " << cap.object
            << " badge 0x" << std::hex << cap.badge << std::dec << " rights " << cap.rights;
        for (const auto& n : names)
            if (n.slot == slot) out << "  (" << n.name << ")";
        out << "\n";
    }
}

} // namespace

std::string write_objects_report(const std::vector<InstanceObjects>& instances,
                                 const image::SystemDescription& description) {
    std::ostringstream out;
    for (const auto& i : instances) {
        out << "  " << i.name << " : " << i.type;
        if (i.hardware) {
            out << "  " << i.no_domain_reason << ": no domain\n";
            continue;
        }
        out << "  priority " << i.priority << "\n";
        domain_lines(out, description, i.domain, i.caps);
        for (const auto& m : i.mappings) {
            out << "      map 0x" << std::hex << m.at << std::dec << "  " << m.size << " bytes  "
                << m.name << "\n";
        }
        for (const image::DomainId extra : i.extra_domains)
            domain_lines(out, description, extra, {});
    }
    return out.str();
}

} // namespace lowering
