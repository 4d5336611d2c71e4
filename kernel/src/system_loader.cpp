// Spec -> kernel objects. Runs once at boot, before any thread.
#include "system_loader.hpp"

#include "console.hpp"
#include "el2_mmu.hpp"
#include "gic.hpp"
#include "kernel_objects.hpp"
#include "ram_scrub.hpp"
#include "scheduler.hpp"
#include "vcpu.hpp"

#include <arch/gic_v3.hpp>

namespace kernel {
namespace {

constexpr uint64_t kCntkctlCounters = 0b11;           // EL0PCTEN, EL0VCTEN
constexpr uint64_t kCntkctlPhysicalTimer = 1ull << 9; // EL0PTEN

bool overlaps(uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_end) {
    return a < b_end && b < a_end;
}

bool refuse(const char* what, uint32_t index, uint64_t value) {
    log() << "spec refused: " << what << " (record " << Dec{index} << ", value " << Hex{value}
          << ")\n";
    return false;
}

void copy_name(char (&dst)[16], const char (&src)[16]) {
    for (int i = 0; i < 15; ++i)
        dst[i] = src[i];
    dst[15] = '\0';
}

struct GicFrame {
    uint64_t base, size;
};

bool check_regions(const spec::SpecView& s, const KernelFootprint& k) {
    const spec::Board& b = s.board();
    for (uint32_t i = 0; i < s.regions().size(); ++i) {
        const spec::Region& r = s.regions()[i];
        const uint64_t end = r.phys + r.size;
        if (overlaps(r.phys, end, k.base, k.end) || overlaps(r.phys, end, k.spec_base, k.spec_end))
            return refuse("region overlaps the kernel or the spec", i, r.phys);
        if (r.kind == static_cast<uint32_t>(spec::RegionKind::Ram) && end > el2_mmu::kMappedLimit)
            return refuse("RAM region beyond the kernel's own map", i, r.phys);
        // The kernel owns the interrupt controller: no domain may map it.
        const GicFrame frames[] = {
            {b.gicd, b.gic_version == 3 ? arm::gicv3::gicd::kFrameSize : 0x1000},
            {b.gic_version == 3 ? b.gicr : b.gicc,
             b.gic_version == 3 ? arm::gicv3::gicr::kStride * b.cpu_count : 0x1000},
            {b.gich, 0x1000}};
        for (const GicFrame& gic : frames) {
            if (gic.base != 0 && overlaps(r.phys, end, gic.base, gic.base + gic.size))
                return refuse("region overlaps the kernel's GIC", i, r.phys);
        }
    }
    return true;
}

// Just past the highest IPA any domain maps, movable windows included: it picks the
// system's stage-2 geometry.
uint64_t highest_ipa_end(const spec::SpecView& s) {
    uint64_t end = 0;
    for (const spec::Mapping& m : s.mappings()) {
        const uint64_t last = m.ipa + (m.window_size > m.size ? m.window_size : m.size);
        if (last > end) end = last;
    }
    return end;
}

bool zero_on_first_touch(const spec::Region& r) {
    return (r.flags & spec::RegionZeroOnFirstTouch) != 0;
}

} // namespace

bool load_system(const spec::SpecView& s, const KernelFootprint& footprint) {
    if (!check_regions(s, footprint)) return false;
    KernelObjects& o = objects();

    for (uint32_t i = 0; i < s.caps().size(); ++i) {
        const spec::Cap& c = s.caps()[i];
        o.caps[i] = Capability{static_cast<spec::CapType>(c.type), c.object, c.badge, c.rights};
    }
    o.domain_count = static_cast<uint32_t>(s.domains().size());
    o.stage2 = Stage2Geometry::for_ipa_end(highest_ipa_end(s));
    const Stage2Leaves leaves = (s.board().flags & spec::BoardStage2PagesOnly) != 0
                                    ? Stage2Leaves::PagesOnly
                                    : Stage2Leaves::BlocksWherePossible;
    for (uint32_t i = 0; i < o.domain_count; ++i) {
        const spec::Domain& d = s.domains()[i];
        Domain& dom = o.domains[i];
        dom.index = i;
        copy_name(dom.name, d.name);
        dom.caps = &o.caps[d.cap_first];
        dom.cap_count = d.cap_count;
        if (!dom.space.init(static_cast<uint16_t>(i + 1), leaves, o.stage2))
            return refuse("out of stage-2 page tables", i, 0);
        dom.cntkctl = kCntkctlCounters;
        for (uint32_t c = 0; c < dom.cap_count; ++c) {
            const Capability& cap = dom.caps[c];
            if (cap.type == spec::CapType::IrqHandler &&
                s.irq_handlers()[cap.object].irq == s.board().phys_timer_irq)
                dom.cntkctl |= kCntkctlPhysicalTimer;
        }
    }
    // RAM the image did not fill starts zeroed, whatever the loader left there: now, or
    // when first touched.
    for (uint32_t i = 0; i < s.regions().size(); ++i) {
        const spec::Region& r = s.regions()[i];
        if (r.kind != static_cast<uint32_t>(spec::RegionKind::Ram)) continue;
        if (!zero_on_first_touch(r)) {
            ram_scrub::zero_at_boot(r.phys + r.init_size, r.phys + r.size);
        } else if (!ram_scrub::add_deferred(r.phys, r.size, r.init_size)) {
            return refuse("too much zero-on-first-touch RAM", i, r.size);
        }
    }
    for (uint32_t i = 0; i < s.mappings().size(); ++i) {
        const spec::Mapping& m = s.mappings()[i];
        const spec::Region& r = s.regions()[m.region];
        if (m.window_size != 0) continue; // movable: after every fixed one
        const MapResult res = o.domains[m.domain].space.map(
            m.ipa, r.phys + m.offset, m.size, m.rights,
            static_cast<spec::Cacheability>(m.cacheability), zero_on_first_touch(r));
        if (res == MapResult::OutOfTables) return refuse("out of stage-2 page tables", i, m.ipa);
        if (res == MapResult::AlreadyMapped)
            return refuse("mapping overlaps another in its domain", i, m.ipa);
        if (res == MapResult::BeyondIpaSpace)
            return refuse("mapping beyond the IPA space", i, m.ipa);
    }
    for (uint32_t i = 0; i < s.notifications().size(); ++i) {
        const spec::Notification& n = s.notifications()[i];
        if (n.parent == spec::kNone) continue;
        o.notifications[i].parent = &o.notifications[n.parent];
        o.notifications[i].parent_badge = uint64_t{1} << n.parent_bit;
    }
    for (uint32_t i = 0; i < s.mappings().size(); ++i) {
        const spec::Mapping& m = s.mappings()[i];
        if (m.window_size == 0) continue;
        if (!o.movable[i].init(o.domains[m.domain].space, m, s.regions()[m.region].phys))
            return refuse("no stage-2 tables for a movable mapping's window", i, m.ipa);
    }
    o.irq_handler_count = static_cast<uint32_t>(s.irq_handlers().size());
    for (uint32_t i = 0; i < o.irq_handler_count; ++i) {
        const spec::IrqHandler& h = s.irq_handlers()[i];
        IrqHandler& ih = o.irq_handlers[i];
        ih = IrqHandler{h.irq, h.edge != 0, &o.notifications[h.notification], h.badge};
        o.handler_for_irq[h.irq] = &ih;
        gic::enable(h.irq, ih.edge);
    }
    o.thread_count = static_cast<uint32_t>(s.threads().size());
    for (uint32_t i = 0; i < o.thread_count; ++i) {
        const spec::Thread& st = s.threads()[i];
        Thread& t = o.threads[i];
        t.index = i;
        copy_name(t.name, st.name);
        t.domain = &o.domains[st.domain];
        t.priority = static_cast<uint8_t>(st.priority);
        t.core = st.core;
        t.kernel_stack = kernel_stack_top(st.core);
        t.context.elr = st.entry;
        t.context.sp_el0 = st.stack_top;
        t.context.x[0] = st.arg;
        t.context.spsr = 0; // EL0t, interrupts unmasked
        t.cap_faults = (st.flags & static_cast<uint32_t>(spec::ThreadFlags::CapFaults)) != 0;
        if (st.fault_endpoint != spec::kNone) {
            t.fault_endpoint = &o.endpoints[st.fault_endpoint];
            t.fault_badge = st.fault_badge;
        }
        if (st.bound_notification != spec::kNone) {
            t.bound_notification = &o.notifications[st.bound_notification];
            t.bound_notification->bound_thread = &t;
        }
        t.state = ThreadState::Inactive;
        if ((st.flags & static_cast<uint32_t>(spec::ThreadFlags::Vcpu)) != 0 &&
            !vcpu::attach(t, st))
            return refuse("too many vCPUs", i, vcpu::kMaxVcpus);
        if ((st.flags & static_cast<uint32_t>(spec::ThreadFlags::StartSuspended)) == 0)
            scheduler_of(&t).make_ready(&t);
    }
    return true;
}

} // namespace kernel
