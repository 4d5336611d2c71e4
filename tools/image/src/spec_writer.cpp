// Spec serialisation: header, tables in spec::Table order, trailer, checksum; the
// result is run through the same validator the kernel uses.
#include "image/spec_writer.hpp"

#include <spec/crc32.hpp>
#include <spec/spec_validator.hpp>

#include <cstring>
#include <stdexcept>

namespace image {
namespace {

template <size_t N> void copy_name(char (&dst)[N], const std::string& src) {
    std::memset(dst, 0, N);
    std::memcpy(dst, src.data(), std::min(src.size(), N - 1));
}

uint32_t count(const SystemDescription& s, spec::Table t) {
    size_t caps = 0;
    for (const auto& d : s.domains)
        caps += d.caps.size();
    switch (t) {
    case spec::Table::Board:
        return 1;
    case spec::Table::Domains:
        return static_cast<uint32_t>(s.domains.size());
    case spec::Table::Threads:
        return static_cast<uint32_t>(s.threads.size());
    case spec::Table::Endpoints:
        return static_cast<uint32_t>(s.endpoints.size());
    case spec::Table::Notifications:
        return static_cast<uint32_t>(s.notifications.size());
    case spec::Table::IrqHandlers:
        return static_cast<uint32_t>(s.irq_handlers.size());
    case spec::Table::Regions:
        return static_cast<uint32_t>(s.regions.size());
    case spec::Table::Mappings:
        return static_cast<uint32_t>(s.mappings.size());
    case spec::Table::Caps:
        return static_cast<uint32_t>(caps);
    case spec::Table::Count:
        break;
    }
    return 0;
}

class Out {
public:
    explicit Out(size_t size) : bytes_(size, 0) {}
    template <class T> void put(size_t offset, const T& record) {
        std::memcpy(bytes_.data() + offset, &record, sizeof record);
    }
    std::vector<uint8_t>& bytes() { return bytes_; }

private:
    std::vector<uint8_t> bytes_;
};

} // namespace

uint64_t spec_size(const SystemDescription& system) {
    uint64_t size = sizeof(spec::Header);
    for (uint32_t t = 0; t < spec::kTableCount; ++t) {
        size += (uint64_t{count(system, static_cast<spec::Table>(t))} * spec::kRecordSizes[t] + 7) &
                ~7ull;
    }
    return size + sizeof(spec::Trailer);
}

std::vector<uint8_t> write_spec(const SystemDescription& s, const Layout& layout) {
    const uint64_t total = spec_size(s);
    Out out(total);
    spec::Header h{};
    std::memcpy(h.magic, spec::kMagic, sizeof h.magic);
    h.version = spec::kVersion;
    h.header_size = sizeof(spec::Header);
    h.total_size = static_cast<uint32_t>(total);
    uint32_t offset = sizeof(spec::Header);
    for (uint32_t t = 0; t < spec::kTableCount; ++t) {
        const uint32_t n = count(s, static_cast<spec::Table>(t));
        h.tables[t] = spec::TableRef{offset, n, spec::kRecordSizes[t], 0};
        offset += (n * spec::kRecordSizes[t] + 7) & ~7u;
    }
    auto at = [&](spec::Table t, size_t i) {
        const auto& ref = h.tables[static_cast<uint32_t>(t)];
        return ref.offset + i * ref.record_size;
    };

    spec::Board b{};
    copy_name(b.name, s.board.name);
    b.ram_base = s.board.ram.base.raw();
    b.ram_size = s.board.ram.size;
    b.gicd = s.board.gicd.raw();
    b.gicc = s.board.gicc.raw();
    b.gich = s.board.gich.raw();
    b.gicv = s.board.gicv.raw();
    b.gicr = s.board.gicr.raw();
    b.boot_dtb = s.board.boot_dtb.raw();
    b.uart_base = s.board.console.base.raw();
    b.uart_irq = s.board.console.irq;
    b.uart_kind = static_cast<uint32_t>(s.board.console.kind);
    b.gic_version = s.board.gic_version;
    b.hyp_timer_irq = s.board.hyp_timer_irq;
    b.virt_timer_irq = s.board.virt_timer_irq;
    b.cpu_count = s.board.cpu_count;
    b.phys_timer_irq = s.board.phys_timer_irq;
    b.flags = s.board.stage2_blocks ? 0u : uint32_t{spec::BoardStage2PagesOnly};
    out.put(at(spec::Table::Board, 0), b);

    uint32_t cap_index = 0;
    for (size_t i = 0; i < s.domains.size(); ++i) {
        spec::Domain d{};
        copy_name(d.name, s.domains[i].name);
        d.cap_first = cap_index;
        d.cap_count = static_cast<uint32_t>(s.domains[i].caps.size());
        out.put(at(spec::Table::Domains, i), d);
        for (const spec::Cap& c : s.domains[i].caps)
            out.put(at(spec::Table::Caps, cap_index++), c);
    }
    for (size_t i = 0; i < s.threads.size(); ++i) {
        const ThreadDesc& t = s.threads[i];
        spec::Thread r{};
        copy_name(r.name, t.name);
        r.domain = t.domain;
        r.priority = t.priority;
        r.entry = t.entry;
        r.stack_top = t.stack_top;
        r.arg = t.arg;
        r.fault_endpoint = t.fault_endpoint;
        r.bound_notification = t.bound_notification;
        r.fault_badge = t.fault_badge;
        r.flags =
            (t.start_suspended ? static_cast<uint32_t>(spec::ThreadFlags::StartSuspended) : 0u) |
            (t.cap_faults ? static_cast<uint32_t>(spec::ThreadFlags::CapFaults) : 0u) |
            (t.vcpu ? static_cast<uint32_t>(spec::ThreadFlags::Vcpu) : 0u);
        r.core = t.core;
        out.put(at(spec::Table::Threads, i), r);
    }
    for (size_t i = 0; i < s.notifications.size(); ++i)
        out.put(at(spec::Table::Notifications, i), spec::Notification{spec::kNone, 0});
    for (const NotificationChain& c : s.chains) {
        out.put(at(spec::Table::Notifications, c.notification),
                spec::Notification{c.parent, c.bit});
    }
    for (size_t i = 0; i < s.irq_handlers.size(); ++i) {
        const IrqHandlerDesc& d = s.irq_handlers[i];
        out.put(at(spec::Table::IrqHandlers, i),
                spec::IrqHandler{d.irq, d.notification, d.badge, d.edge ? 1u : 0u, 0});
    }
    for (size_t i = 0; i < s.regions.size(); ++i) {
        const RegionDesc& d = s.regions[i];
        out.put(at(spec::Table::Regions, i),
                spec::Region{layout.region_base[i].raw(), d.size, d.contents.size(),
                             static_cast<uint32_t>(d.kind),
                             d.zero_on_first_touch ? uint32_t{spec::RegionZeroOnFirstTouch} : 0u});
    }
    for (size_t i = 0; i < s.mappings.size(); ++i) {
        const MappingDesc& m = s.mappings[i];
        out.put(at(spec::Table::Mappings, i),
                spec::Mapping{m.domain, m.region, m.at.raw(), m.offset, m.size, m.rights,
                              static_cast<uint32_t>(m.cacheability), m.window_size});
    }
    spec::Trailer trailer{};
    std::memcpy(trailer.magic, spec::kTrailerMagic, sizeof trailer.magic);
    trailer.total_size = h.total_size;
    out.put(total - sizeof trailer, trailer);
    out.put(0, h);
    h.checksum = spec::spec_checksum(out.bytes().data(), total);
    out.put(0, h);

    const spec::Verdict v = spec::validate(out.bytes().data(), total);
    if (!v.ok) {
        std::string msg = std::string("system spec invalid: ") + v.what;
        if (v.where[0] != '\0')
            msg += std::string(" [") + v.where + " record " + std::to_string(v.index) + "]";
        throw std::runtime_error(msg);
    }
    return std::move(out.bytes());
}

} // namespace image
