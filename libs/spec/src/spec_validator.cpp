// Validation of a system spec: framing first (so that a corrupted blob is never
// parsed), then per-table geometry, then every record's references and addresses.
#include "spec/spec_validator.hpp"

#include "spec/crc32.hpp"
#include "spec/spec_view.hpp"

#include <arch/gic_v2.hpp>

namespace spec {
namespace {

constexpr const char* kTableNames[kTableCount] = {"board",     "domains",       "threads",
                                                  "endpoints", "notifications", "irq handlers",
                                                  "regions",   "mappings",      "caps"};

Verdict fail(const char* what, uint64_t value = 0, uint64_t expected = 0) {
    return Verdict{false, what, "", kNone, value, expected};
}

Verdict fail_at(Table t, uint32_t index, const char* what, uint64_t value = 0) {
    return Verdict{false, what, table_name(t), index, value, 0};
}

bool page_aligned(uint64_t v) {
    return (v & (kPageSize - 1)) == 0;
}

uint32_t capacity(const Limits& l, Table t) {
    switch (t) {
    case Table::Board:
        return 1;
    case Table::Domains:
        return l.domains;
    case Table::Threads:
        return l.threads;
    case Table::Endpoints:
        return l.endpoints;
    case Table::Notifications:
        return l.notifications;
    case Table::IrqHandlers:
        return l.irq_handlers;
    case Table::Regions:
        return l.regions;
    case Table::Mappings:
        return l.mappings;
    case Table::Caps:
        return l.caps;
    case Table::Count:
        break;
    }
    return 0;
}

Verdict check_framing(const uint8_t* data, size_t available) {
    if (available < sizeof(Header)) return fail("spec shorter than its header", available);
    const auto& h = *reinterpret_cast<const Header*>(data);
    if (!same_magic(h.magic, kMagic)) return fail("bad magic (not a Bulkhead system spec)");
    if (h.version != kVersion) return fail("unsupported spec version", h.version, kVersion);
    if (h.header_size != sizeof(Header)) return fail("bad header size", h.header_size);
    if (h.total_size < sizeof(Header) + sizeof(Trailer) || (h.total_size & 7) != 0)
        return fail("bad total size", h.total_size);
    if (h.total_size > available) {
        return fail("spec truncated: header says more bytes than the image holds", h.total_size,
                    available);
    }
    const auto& t = *reinterpret_cast<const Trailer*>(data + h.total_size - sizeof(Trailer));
    if (!same_magic(t.magic, kTrailerMagic) || t.total_size != h.total_size)
        return fail("spec truncated: end marker missing", h.total_size);
    uint32_t crc = spec_checksum(data, h.total_size);
    if (crc != h.checksum) return fail("checksum mismatch (spec corrupted)", crc, h.checksum);
    return {};
}

Verdict check_tables(const Header& h, const Limits& limits) {
    const uint64_t body_end = h.total_size - sizeof(Trailer);
    for (uint32_t i = 0; i < kTableCount; ++i) {
        const TableRef& ref = h.tables[i];
        const auto t = static_cast<Table>(i);
        if (ref.record_size != kRecordSizes[i])
            return fail_at(t, kNone, "record size does not match this kernel", ref.record_size);
        if ((ref.offset & 7) != 0 || ref.offset < sizeof(Header))
            return fail_at(t, kNone, "table offset misaligned or inside the header", ref.offset);
        if (uint64_t{ref.offset} + uint64_t{ref.count} * ref.record_size > body_end)
            return fail_at(t, kNone, "table runs past the end of the spec", ref.offset);
        if (ref.count > capacity(limits, t))
            return fail_at(t, kNone, "more records than the kernel can hold", ref.count);
    }
    if (h.tables[static_cast<uint32_t>(Table::Board)].count != 1)
        return fail_at(Table::Board, kNone, "exactly one board record expected");
    return {};
}

Verdict check_board(const Board& b) {
    if (b.ram_size == 0 || !page_aligned(b.ram_base) || !page_aligned(b.ram_size))
        return fail_at(Table::Board, 0, "RAM range empty or not page aligned", b.ram_base);
    if (b.gic_version != 2 && b.gic_version != 3)
        return fail_at(Table::Board, 0, "GIC version not 2 or 3", b.gic_version);
    if (b.gicd == 0 || (b.gic_version == 2 ? b.gicc : b.gicr) == 0)
        return fail_at(Table::Board, 0, "GIC addresses missing");
    if (b.hyp_timer_irq < 16 || b.hyp_timer_irq >= 32)
        return fail_at(Table::Board, 0, "hypervisor timer IRQ is not a PPI", b.hyp_timer_irq);
    if (b.cpu_count == 0) return fail_at(Table::Board, 0, "no CPUs");
    if ((b.flags & ~kBoardFlagsAll) != 0)
        return fail_at(Table::Board, 0, "unknown board flags", b.flags);
    if (b.boot_dtb != 0 && (b.boot_dtb < b.ram_base || b.boot_dtb - b.ram_base >= b.ram_size))
        return fail_at(Table::Board, 0, "boot DTB address outside RAM", b.boot_dtb);
    return {};
}

// Does `domain` map [ipa, ipa + size) with all of `rights`?
bool mapped_with(const SpecView& s, uint32_t domain, uint64_t ipa, uint64_t size, uint32_t rights) {
    for (const Mapping& m : s.mappings()) {
        if (m.window_size != 0) continue; // movable: not there at start
        if (m.domain == domain && ipa >= m.ipa && ipa - m.ipa + size <= m.size &&
            (m.rights & rights) == rights)
            return true;
    }
    return false;
}

Verdict check_records(const SpecView& s) {
    const Board& board = s.board();
    const auto domains = s.domains().size();
    const auto endpoints = s.endpoints().size();
    const auto notifications = s.notifications().size();
    const auto regions = s.regions();
    const auto caps = s.caps().size();

    for (uint32_t i = 0; i < domains; ++i) {
        const Domain& d = s.domains()[i];
        if (uint64_t{d.cap_first} + d.cap_count > caps) {
            return fail_at(Table::Domains, i, "capability slots run past the caps table",
                           d.cap_first);
        }
    }
    for (uint32_t i = 0; i < s.threads().size(); ++i) {
        const Thread& t = s.threads()[i];
        if (t.domain >= domains) return fail_at(Table::Threads, i, "no such domain", t.domain);
        if (t.priority > 255) return fail_at(Table::Threads, i, "priority above 255", t.priority);
        if (t.fault_endpoint != kNone && t.fault_endpoint >= endpoints)
            return fail_at(Table::Threads, i, "no such fault endpoint", t.fault_endpoint);
        if (t.bound_notification != kNone && t.bound_notification >= notifications)
            return fail_at(Table::Threads, i, "no such bound notification", t.bound_notification);
        if ((t.entry & 3) != 0 || (t.stack_top & 15) != 0)
            return fail_at(Table::Threads, i, "entry or stack misaligned", t.entry);
        if (t.core >= board.cpu_count)
            return fail_at(Table::Threads, i, "pinned to a CPU the board does not have", t.core);
        if ((t.flags & ~kThreadFlagsAll) != 0)
            return fail_at(Table::Threads, i, "unknown flags", t.flags);
    }
    for (uint32_t i = 0; i < notifications; ++i) {
        const Notification& n = s.notifications()[i];
        if (n.parent == kNone) continue;
        if (n.parent >= notifications || n.parent == i)
            return fail_at(Table::Notifications, i, "no such parent notification", n.parent);
        if (s.notifications()[n.parent].parent != kNone)
            return fail_at(Table::Notifications, i, "parent is chained itself", n.parent);
        if (n.parent_bit >= 64)
            return fail_at(Table::Notifications, i, "parent bit above 63", n.parent_bit);
    }
    for (uint32_t i = 0; i < s.irq_handlers().size(); ++i) {
        const IrqHandler& irq = s.irq_handlers()[i];
        if (irq.irq < arm::gicv2::kSgiCount || irq.irq >= arm::gicv2::kMaxIntids)
            return fail_at(Table::IrqHandlers, i, "IRQ is not a PPI or SPI", irq.irq);
        if (irq.irq == board.hyp_timer_irq)
            return fail_at(Table::IrqHandlers, i, "IRQ is the kernel's timer", irq.irq);
        if (irq.notification >= notifications)
            return fail_at(Table::IrqHandlers, i, "no such notification", irq.notification);
        for (uint32_t j = 0; j < i; ++j) {
            if (s.irq_handlers()[j].irq == irq.irq)
                return fail_at(Table::IrqHandlers, i, "IRQ has two handlers", irq.irq);
        }
    }
    for (uint32_t i = 0; i < regions.size(); ++i) {
        const Region& r = regions[i];
        if (r.size == 0 || !page_aligned(r.phys) || !page_aligned(r.size))
            return fail_at(Table::Regions, i, "empty or not page aligned", r.phys);
        if (r.phys + r.size < r.phys) return fail_at(Table::Regions, i, "wraps around", r.phys);
        if (r.init_size > r.size)
            return fail_at(Table::Regions, i, "initial data larger than the region", r.init_size);
        const bool in_ram =
            r.phys >= board.ram_base && r.phys + r.size <= board.ram_base + board.ram_size;
        if (r.kind == static_cast<uint32_t>(RegionKind::Ram)) {
            if (!in_ram) return fail_at(Table::Regions, i, "RAM region outside board RAM", r.phys);
            if ((r.flags & ~uint32_t{RegionZeroOnFirstTouch}) != 0)
                return fail_at(Table::Regions, i, "unknown region flags", r.flags);
        } else if (r.kind == static_cast<uint32_t>(RegionKind::Device)) {
            if (r.init_size != 0)
                return fail_at(Table::Regions, i, "device region with initial data", r.phys);
            if (r.flags != 0)
                return fail_at(Table::Regions, i, "device region with flags", r.flags);
        } else {
            return fail_at(Table::Regions, i, "unknown region kind", r.kind);
        }
        // Sharing is two mappings of one region, never two regions at one address.
        for (uint32_t j = 0; j < i; ++j) {
            const Region& o = regions[j];
            if (r.phys < o.phys + o.size && o.phys < r.phys + r.size)
                return fail_at(Table::Regions, i, "overlaps another region", r.phys);
        }
    }
    for (uint32_t i = 0; i < s.mappings().size(); ++i) {
        const Mapping& m = s.mappings()[i];
        if (m.domain >= domains) return fail_at(Table::Mappings, i, "no such domain", m.domain);
        if (m.region >= regions.size())
            return fail_at(Table::Mappings, i, "no such region", m.region);
        const Region& r = regions[m.region];
        if (!page_aligned(m.ipa) || !page_aligned(m.offset) || !page_aligned(m.size) || m.size == 0)
            return fail_at(Table::Mappings, i, "not page aligned", m.ipa);
        if (m.offset > r.size || m.size > r.size - m.offset)
            return fail_at(Table::Mappings, i, "runs past the end of its region", m.size);
        // What the mapping may cover: itself, or a movable mapping's window.
        const uint64_t extent = m.window_size != 0 ? m.window_size : m.size;
        if (m.window_size != 0) {
            if (!page_aligned(m.window_size) || m.window_size < m.size) {
                return fail_at(Table::Mappings, i, "window smaller than the mapping",
                               m.window_size);
            }
            if ((r.flags & RegionZeroOnFirstTouch) != 0) {
                return fail_at(Table::Mappings, i, "movable mapping of zero-on-first-touch RAM",
                               m.region);
            }
        }
        if (m.ipa >= (uint64_t{1} << kIpaBits) || extent > (uint64_t{1} << kIpaBits) - m.ipa)
            return fail_at(Table::Mappings, i, "outside the domain's address range", m.ipa);
        if (m.rights == 0 || m.rights > 7)
            return fail_at(Table::Mappings, i, "bad rights", m.rights);
        if (m.cacheability > static_cast<uint32_t>(Cacheability::NonCacheable))
            return fail_at(Table::Mappings, i, "bad cacheability", m.cacheability);
        if (r.kind == static_cast<uint32_t>(RegionKind::Device) &&
            m.cacheability != static_cast<uint32_t>(Cacheability::Device))
            return fail_at(Table::Mappings, i, "device region mapped cacheable", m.region);
        for (uint32_t j = 0; j < i; ++j) {
            const Mapping& o = s.mappings()[j];
            const uint64_t o_extent = o.window_size != 0 ? o.window_size : o.size;
            // Movable mappings may share a window (the kernel refuses a move onto another).
            const bool same_window =
                m.window_size != 0 && o.window_size == m.window_size && o.ipa == m.ipa;
            if (o.domain == m.domain && !same_window && m.ipa < o.ipa + o_extent &&
                o.ipa < m.ipa + extent)
                return fail_at(Table::Mappings, i, "overlaps another mapping in its domain", m.ipa);
        }
    }
    for (uint32_t i = 0; i < caps; ++i) {
        const Cap& c = s.caps()[i];
        uint64_t limit = 0;
        switch (static_cast<CapType>(c.type)) {
        case CapType::Null:
            continue;
        case CapType::Endpoint:
            limit = endpoints;
            break;
        case CapType::Notification:
            limit = notifications;
            break;
        case CapType::IrqHandler:
            limit = s.irq_handlers().size();
            break;
        case CapType::Thread:
            limit = s.threads().size();
            break;
        case CapType::SystemControl:
        case CapType::Firmware:
            limit = 1;
            break;
        case CapType::Vcpu:
            limit = s.threads().size();
            if (c.object < limit &&
                (s.threads()[c.object].flags & static_cast<uint32_t>(ThreadFlags::Vcpu)) == 0) {
                return fail_at(Table::Caps, i, "vCPU capability to a thread that is no vCPU",
                               c.object);
            }
            break;
        case CapType::Mapping:
            limit = s.mappings().size();
            if (c.object < limit && s.mappings()[c.object].window_size == 0)
                return fail_at(Table::Caps, i, "mapping capability to a fixed mapping", c.object);
            break;
        default:
            return fail_at(Table::Caps, i, "unknown capability type", c.type);
        }
        if (c.object >= limit) return fail_at(Table::Caps, i, "no such object", c.object);
        if (c.rights == 0 || c.rights > CapAll)
            return fail_at(Table::Caps, i, "bad rights", c.rights);
    }
    // A thread must start on code it may execute, with a stack it may write. A vCPU's
    // entry and SP_EL1 are the guest's business (its VMM usually sets them later).
    for (uint32_t i = 0; i < s.threads().size(); ++i) {
        const Thread& t = s.threads()[i];
        if ((t.flags & static_cast<uint32_t>(ThreadFlags::Vcpu)) != 0) continue;
        if (!mapped_with(s, t.domain, t.entry, 4, RightExecute))
            return fail_at(Table::Threads, i, "entry point not in an executable mapping", t.entry);
        if (!mapped_with(s, t.domain, t.stack_top - 16, 16, RightRead | RightWrite))
            return fail_at(Table::Threads, i, "stack not in a writable mapping", t.stack_top);
    }
    return {};
}

} // namespace

const char* table_name(Table t) {
    const auto i = static_cast<uint32_t>(t);
    return i < kTableCount ? kTableNames[i] : "?";
}

Verdict validate(const uint8_t* data, size_t available, const Limits& limits) {
    if (Verdict v = check_framing(data, available); !v.ok) return v;
    const SpecView view(data);
    if (Verdict v = check_tables(view.header(), limits); !v.ok) return v;
    if (Verdict v = check_board(view.board()); !v.ok) return v;
    return check_records(view);
}

} // namespace spec
