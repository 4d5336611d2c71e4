// SystemBuilder: records the description; checks references as they are made so
// errors surface at the call that caused them.
#include "image/system_builder.hpp"

#include "image/elf_file.hpp"
#include "image/image_packer.hpp"

#include <arch/gic_v2.hpp>
#include <arch/granule.hpp>
#include <elf.h>

#include <stdexcept>

namespace image {
namespace {

constexpr uint64_t kPage = arm::granule::kPageBytes;
// Each domain's stacks: one 1 MiB slot per thread (unmapped gaps are guards).
constexpr uint64_t kStackAreaBase = 0x7000'0000;
constexpr uint64_t kStackSlot = 0x10'0000;

uint64_t page_up(uint64_t v) {
    return (v + kPage - 1) & ~(kPage - 1);
}

template <class Id> void check(const char* what, Id id, size_t count) {
    if (id.index >= count)
        throw std::runtime_error(std::string("no such ") + what + " " + std::to_string(id.index));
}

// One region per ELF segment, mapped at its link address with the segment's rights.
base::VirtAddr load_program(SystemDescription& system, DomainId d, const std::string& path) {
    const ElfImage elf = read_elf(path);
    uint64_t previous_end = 0;
    for (size_t i = 0; i < elf.segments.size(); ++i) {
        const ElfSegment& s = elf.segments[i];
        const uint64_t base = s.vaddr & ~(kPage - 1);
        const uint64_t end = page_up(s.vaddr + s.memsz);
        if (base < previous_end)
            throw std::runtime_error(path + ": segments share a page (link with component.ld)");
        previous_end = end;
        RegionDesc r;
        r.name = system.domains[d.index].name + ":" + std::to_string(i);
        r.size = end - base;
        r.contents.assign(s.vaddr - base, 0);
        r.contents.insert(r.contents.end(), s.data.begin(), s.data.end());
        system.regions.push_back(std::move(r));
        uint32_t rights = 0;
        if (s.flags & PF_R) rights |= kRead;
        if (s.flags & PF_W) rights |= kWrite;
        if (s.flags & PF_X) rights |= kExecute;
        system.mappings.push_back(MappingDesc{
            d.index, static_cast<uint32_t>(system.regions.size() - 1), base::VirtAddr{base}, 0,
            end - base, rights, spec::Cacheability::WriteBack});
    }
    return base::VirtAddr{elf.entry};
}

} // namespace

spec::Cap endpoint_cap(EndpointId ep, uint64_t badge, uint32_t rights) {
    return spec::Cap{static_cast<uint32_t>(spec::CapType::Endpoint), ep.index, badge, rights, 0};
}
spec::Cap notification_cap(NotificationId n, uint64_t badge, uint32_t rights) {
    return spec::Cap{static_cast<uint32_t>(spec::CapType::Notification), n.index, badge, rights, 0};
}
spec::Cap irq_handler_cap(IrqHandlerId h) {
    return spec::Cap{static_cast<uint32_t>(spec::CapType::IrqHandler), h.index, 0, spec::CapAll, 0};
}
spec::Cap thread_cap(ThreadId t) {
    return spec::Cap{static_cast<uint32_t>(spec::CapType::Thread), t.index, 0, spec::CapAll, 0};
}
spec::Cap firmware_cap() {
    return spec::Cap{static_cast<uint32_t>(spec::CapType::Firmware), 0, 0, spec::CapAll, 0};
}

spec::Cap system_control_cap() {
    return spec::Cap{static_cast<uint32_t>(spec::CapType::SystemControl), 0, 0, spec::CapAll, 0};
}

spec::Cap vcpu_cap(VcpuId v) {
    return spec::Cap{static_cast<uint32_t>(spec::CapType::Vcpu), v.index, 0, spec::CapAll, 0};
}

spec::Cap mapping_cap(MappingId m) {
    return spec::Cap{static_cast<uint32_t>(spec::CapType::Mapping), m.index, 0, spec::CapAll, 0};
}

SystemBuilder::SystemBuilder(const Board& board) {
    system_.board = board;
}

DomainId SystemBuilder::add_domain(const std::string& name) {
    DomainDesc d;
    d.name = name;
    d.caps.push_back(spec::Cap{}); // slot 0 is always empty
    system_.domains.push_back(std::move(d));
    return DomainId{static_cast<uint32_t>(system_.domains.size() - 1)};
}

EndpointId SystemBuilder::add_endpoint(const std::string& name) {
    system_.endpoints.push_back(name);
    return EndpointId{static_cast<uint32_t>(system_.endpoints.size() - 1)};
}

NotificationId SystemBuilder::add_notification(const std::string& name) {
    system_.notifications.push_back(name);
    return NotificationId{static_cast<uint32_t>(system_.notifications.size() - 1)};
}

void SystemBuilder::chain_notification(NotificationId n, NotificationId parent, uint32_t bit) {
    check("notification", n, system_.notifications.size());
    check("notification", parent, system_.notifications.size());
    if (n.index == parent.index || bit >= 64)
        throw std::runtime_error("notification chained into itself or with a bit above 63");
    for (const auto& c : system_.chains) {
        if (c.notification == n.index || c.notification == parent.index || c.parent == n.index) {
            throw std::runtime_error("notification '" + system_.notifications[n.index] +
                                     "' chained twice or two levels deep");
        }
    }
    system_.chains.push_back({n.index, parent.index, bit});
}

IrqHandlerId SystemBuilder::add_irq_handler(uint32_t irq, NotificationId n, uint64_t badge,
                                            bool edge) {
    check("notification", n, system_.notifications.size());
    for (const auto& h : system_.irq_handlers) {
        if (h.irq == irq)
            throw std::runtime_error("IRQ " + std::to_string(irq) + " has two handlers");
    }
    system_.irq_handlers.push_back(IrqHandlerDesc{irq, n.index, badge, edge});
    return IrqHandlerId{static_cast<uint32_t>(system_.irq_handlers.size() - 1)};
}

RegionId SystemBuilder::add_ram(const std::string& name, uint64_t size,
                                std::vector<uint8_t> contents) {
    if (size == 0 || contents.size() > size)
        throw std::runtime_error("region '" + name + "': bad size");
    RegionDesc r;
    r.name = name;
    r.size = page_up(size);
    r.contents = std::move(contents);
    system_.regions.push_back(std::move(r));
    return RegionId{static_cast<uint32_t>(system_.regions.size() - 1)};
}

RegionId SystemBuilder::add_ram_at(const std::string& name, base::PhysRange range,
                                   std::vector<uint8_t> contents) {
    if (!range.base.aligned(kPage))
        throw std::runtime_error("region '" + name + "' not page aligned");
    if (!system_.board.ram.contains(base::PhysRange{range.base, page_up(range.size)})) {
        throw std::runtime_error("region '" + name + "' is not in " + system_.board.name +
                                 "'s RAM");
    }
    const RegionId id = add_ram(name, range.size, std::move(contents));
    system_.regions[id.index].fixed = range.base;
    return id;
}

RegionId SystemBuilder::add_device(const std::string& name, base::PhysRange range) {
    if (!range.base.aligned(kPage) || range.size == 0)
        throw std::runtime_error("device region '" + name + "' not page aligned");
    for (const auto& r : system_.regions) {
        if (r.kind == spec::RegionKind::Device &&
            base::PhysRange{*r.fixed, r.size}.overlaps(
                base::PhysRange{range.base, page_up(range.size)})) {
            throw std::runtime_error("device region '" + name + "' overlaps '" + r.name +
                                     "' (share the region instead)");
        }
    }
    RegionDesc r;
    r.name = name;
    r.kind = spec::RegionKind::Device;
    r.size = page_up(range.size);
    r.fixed = range.base;
    system_.regions.push_back(std::move(r));
    return RegionId{static_cast<uint32_t>(system_.regions.size() - 1)};
}

void SystemBuilder::zero_on_first_touch(RegionId r) {
    check("region", r, system_.regions.size());
    RegionDesc& region = system_.regions[r.index];
    if (region.kind != spec::RegionKind::Ram)
        throw std::runtime_error("region '" + region.name + "' is not RAM: nothing to zero");
    region.zero_on_first_touch = true;
}

void SystemBuilder::map(DomainId d, RegionId r, base::VirtAddr at, uint32_t rights,
                        spec::Cacheability cache, uint64_t offset, uint64_t size) {
    check("domain", d, system_.domains.size());
    check("region", r, system_.regions.size());
    const RegionDesc& region = system_.regions[r.index];
    if (size == 0) size = region.size - offset;
    if (region.kind == spec::RegionKind::Device) cache = spec::Cacheability::Device;
    system_.mappings.push_back(MappingDesc{d.index, r.index, at, offset, size, rights, cache});
}

MappingId SystemBuilder::map_movable(DomainId d, RegionId r, base::Range<base::VirtAddr> window,
                                     uint32_t rights, spec::Cacheability cache, uint64_t offset,
                                     uint64_t size) {
    map(d, r, window.base, rights, cache, offset, size);
    MappingDesc& m = system_.mappings.back();
    if (window.size < m.size) {
        throw std::runtime_error("movable mapping of '" + system_.regions[r.index].name +
                                 "' is larger than its window");
    }
    m.window_size = window.size;
    return MappingId{static_cast<uint32_t>(system_.mappings.size() - 1)};
}

base::VirtAddr SystemBuilder::load_elf(DomainId d, const std::string& path) {
    check("domain", d, system_.domains.size());
    return load_program(system_, d, path);
}

SystemDescription SystemBuilder::with_programs() const {
    SystemDescription loaded = system_;
    for (ThreadDesc& t : loaded.threads) {
        if (t.program.empty()) continue;
        t.entry = load_program(loaded, DomainId{t.domain}, t.program).raw();
        t.program.clear();
    }
    return loaded;
}

ThreadId SystemBuilder::add_thread(DomainId d, const ThreadOptions& o) {
    check("domain", d, system_.domains.size());
    if (o.priority > 255) throw std::runtime_error("thread '" + o.name + "': priority above 255");
    const uint64_t stack = page_up(o.stack_size);
    if (stack == 0 || stack >= kStackSlot)
        throw std::runtime_error("thread '" + o.name + "': stack size out of range");
    DomainDesc& dom = system_.domains[d.index];
    const uint64_t slot_base = kStackAreaBase + dom.threads++ * kStackSlot;
    const RegionId r = add_ram(dom.name + ":stack:" + o.name, stack);
    // Leave the lowest page of the slot unmapped below the stack as a guard.
    const uint64_t stack_base = slot_base + kStackSlot - stack;
    map(d, r, base::VirtAddr{stack_base}, kRead | kWrite);
    ThreadDesc t;
    t.name = o.name;
    t.domain = d.index;
    t.priority = o.priority;
    t.entry = o.entry.raw();
    t.program = o.program;
    t.stack_top = stack_base + stack;
    t.arg = o.arg;
    t.start_suspended = o.start_suspended;
    t.cap_faults = o.cap_faults;
    t.core = o.core;
    system_.threads.push_back(std::move(t));
    return ThreadId{static_cast<uint32_t>(system_.threads.size() - 1)};
}

void SystemBuilder::set_fault_endpoint(ThreadId t, EndpointId ep, uint64_t badge) {
    check("thread", t, system_.threads.size());
    check("endpoint", ep, system_.endpoints.size());
    system_.threads[t.index].fault_endpoint = ep.index;
    system_.threads[t.index].fault_badge = badge;
}

void SystemBuilder::bind_notification(ThreadId t, NotificationId n) {
    check("thread", t, system_.threads.size());
    check("notification", n, system_.notifications.size());
    for (const auto& other : system_.threads) {
        if (other.bound_notification == n.index)
            throw std::runtime_error("notification bound to two threads");
    }
    system_.threads[t.index].bound_notification = n.index;
}

VcpuId SystemBuilder::add_vcpu(DomainId guest, const VcpuOptions& o) {
    check("domain", guest, system_.domains.size());
    check("endpoint", o.exit_endpoint, system_.endpoints.size());
    if (o.priority > 255) throw std::runtime_error("vCPU '" + o.name + "': priority above 255");
    ThreadDesc t;
    t.name = o.name;
    t.domain = guest.index;
    t.priority = o.priority;
    t.entry = o.entry.raw();
    t.arg = o.arg;
    t.fault_endpoint = o.exit_endpoint.index;
    t.fault_badge = o.badge;
    t.start_suspended = o.start_suspended;
    t.vcpu = true;
    t.core = o.core;
    system_.threads.push_back(std::move(t));
    return VcpuId{static_cast<uint32_t>(system_.threads.size() - 1)};
}

void SystemBuilder::map_gicv(DomainId guest, base::GuestPhysAddr gicc) {
    check("domain", guest, system_.domains.size());
    // A GICv3 guest's CPU interface is its ICC_* system registers: nothing to map.
    if (system_.board.gic_version == 3) return;
    if (system_.board.gicv.raw() == 0)
        throw std::runtime_error(system_.board.name + " has no GICV frame");
    // One region for every guest: the frame shows whichever vCPU runs (GICH switches).
    std::optional<RegionId> gicv;
    for (uint32_t i = 0; i < system_.regions.size(); ++i) {
        if (system_.regions[i].kind == spec::RegionKind::Device &&
            system_.regions[i].fixed == system_.board.gicv)
            gicv = RegionId{i};
    }
    if (!gicv) {
        gicv =
            add_device("gicv", base::PhysRange{system_.board.gicv, arm::gicv2::gicc::kFrameSize});
    }
    map(guest, *gicv, base::VirtAddr{gicc.raw()}, kRead | kWrite);
}

uint32_t SystemBuilder::give_cap(DomainId d, const spec::Cap& cap) {
    check("domain", d, system_.domains.size());
    auto& caps = system_.domains[d.index].caps;
    caps.push_back(cap);
    return static_cast<uint32_t>(caps.size() - 1);
}

void SystemBuilder::pack(const std::string& kernel_elf, const std::string& out_elf,
                         const PackOptions& options) const {
    pack_image(with_programs(), kernel_elf, out_elf, options);
}

} // namespace image
