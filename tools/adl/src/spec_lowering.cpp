// Lowering of the resolved system to kernel objects (see spec_lowering.hpp).
#include "adl/spec_lowering.hpp"

#include <map>

namespace adl {

namespace {

class Lowering {
public:
    Lowering(const model::System& s, SpecSink& sink) : s_(s), sink_(sink) {}

    std::vector<LoweredInstance> run() {
        for (const auto& inst : s_.instances) {
            LoweredInstance l;
            l.name = inst.name;
            l.domain = sink_.add_domain(inst.name);
            l.priority = static_cast<uint32_t>(inst.priority.value_or(100));
            next_va_[l.domain] = shared_buffer_base;
            if (inst.vm) {
                l.guest_space = sink_.add_domain(inst.name + ".guest");
            }
            out_.push_back(l);
        }
        notifications();
        for (const auto& c : s_.connections) {
            connection(c);
        }
        guests();
        return std::move(out_);
    }

private:
    LoweredInstance& lowered(const std::string& name) {
        for (auto& l : out_) {
            if (l.name == name) {
                return l;
            }
        }
        return out_.front(); // unreachable: the resolver bound every name
    }

    void give(LoweredInstance& l, const std::string& name, CapKind kind, uint32_t object,
              uint64_t badge, uint32_t rights) {
        l.caps.push_back({name, sink_.give_cap(l.domain, kind, object, badge, rights)});
    }

    // Each instance that receives events or IRQs waits on one notification.
    void notifications() {
        std::map<std::string, bool> receives;
        for (const auto& c : s_.connections) {
            if (c.kind == model::ConnectionKind::Event) {
                receives[c.to.front().instance] = true;
            }
        }
        for (const auto& q : s_.irqs) {
            receives[q.owner] = true;
        }
        for (auto& l : out_) {
            if (!receives.count(l.name)) {
                continue;
            }
            uint32_t n = sink_.add_notification(l.name + ".notification");
            notification_[l.name] = n;
            give(l, "notification", CapKind::Notification, n, 0, cap_receive);
        }
        for (const auto& q : s_.irqs) {
            auto& l = lowered(q.owner);
            uint32_t h =
                sink_.add_irq_handler(q.number, notification_.at(q.owner), q.badge, !q.level);
            give(l, "irq" + std::to_string(q.number), CapKind::IrqHandler, h, 0, 0);
        }
    }

    // A hardware component's registers, shared by every 'from' end of the connection.
    void share_device(const model::Connection& c) {
        for (const auto& r : s_.regions) {
            if (r.owner != c.name) {
                continue;
            }
            map_into(c.from, sink_.add_device(c.name + ":" + r.source, r.phys), r.phys.size, true);
        }
    }

    void share(const model::Connection& c) {
        if (c.kind == model::ConnectionKind::Rpc) {
            // One buffer per caller, so callers never see each other's data; the server
            // maps each as <interface>_buffer_<badge>.
            for (const auto& f : c.from) {
                uint32_t region = sink_.add_ram(c.name + "." + f.instance + ".buffer",
                                                c.shared_bytes, std::nullopt);
                map_into({f}, region, c.shared_bytes, false);
                map_into(c.to, region, c.shared_bytes, false, "_" + std::to_string(f.badge));
            }
            return;
        }
        uint32_t region = sink_.add_ram(c.name + ".buffer", c.shared_bytes, std::nullopt);
        map_into(c.from, region, c.shared_bytes, false);
        map_into(c.to, region, c.shared_bytes, false);
    }

    void map_into(const std::vector<model::End>& ends, uint32_t region, uint64_t size, bool device,
                  const std::string& suffix = "") {
        for (const auto& e : ends) {
            auto& l = lowered(e.instance);
            uint64_t& va = next_va_[l.domain];
            sink_.map(l.domain, region, va, map_read | map_write, device);
            l.mappings.push_back({e.interface + "_buffer" + suffix, va, size});
            va += (size + 0xfff) & ~uint64_t{0xfff};
            va += 0x1000; // an unmapped guard page between buffers
        }
    }

    void connection(const model::Connection& c) {
        switch (c.kind) {
        case model::ConnectionKind::Rpc: {
            uint32_t ep = sink_.add_endpoint(c.name);
            for (const auto& t : c.to) {
                give(lowered(t.instance), t.interface, CapKind::Endpoint, ep, 0, cap_receive);
            }
            for (const auto& f : c.from) {
                give(lowered(f.instance), f.interface, CapKind::Endpoint, ep, f.badge, cap_send);
            }
            break;
        }
        case model::ConnectionKind::Event:
            for (const auto& f : c.from) {
                give(lowered(f.instance), f.interface, CapKind::Notification,
                     notification_.at(c.to.front().instance), f.badge, cap_send);
            }
            break;
        case model::ConnectionKind::DeviceMemory:
            share_device(c);
            return;
        case model::ConnectionKind::SharedMemory:
        case model::ConnectionKind::DtbPassthrough:
            break;
        }
        if (c.shared_bytes) {
            share(c);
        }
    }

    // Guest RAM (1:1 when asked) and passed-through devices in each VM's guest space.
    void guests() {
        for (const auto& r : s_.regions) {
            if (!s_.instance(r.owner)) {
                continue; // device memory owned by a connection
            }
            auto& l = lowered(r.owner);
            if (!l.guest_space) {
                continue;
            }
            uint32_t region = r.kind == model::RegionKind::GuestRam
                                  ? sink_.add_ram(r.owner + ".ram", r.phys.size,
                                                  s_.instance(r.owner)->vm->unity
                                                      ? std::optional<base::PhysAddr>(r.phys.base)
                                                      : std::nullopt)
                                  : sink_.add_device(r.owner + ":" + r.source, r.phys);
            bool device = r.kind == model::RegionKind::Device;
            sink_.map(*l.guest_space, region, r.guest.base.raw(),
                      map_read | map_write | (device ? 0 : map_execute), device);
            l.mappings.push_back(
                {device ? r.source : "guest_ram", r.guest.base.raw(), r.guest.size});
        }
    }

    const model::System& s_;
    SpecSink& sink_;
    std::vector<LoweredInstance> out_;
    std::map<std::string, uint32_t> notification_;
    std::map<uint32_t, uint64_t> next_va_;
};

} // namespace

uint32_t NumberingSpecSink::add_domain(const std::string&) {
    next_slot_.push_back(1);
    return static_cast<uint32_t>(next_slot_.size() - 1);
}

uint32_t NumberingSpecSink::give_cap(uint32_t domain, CapKind, uint32_t, uint64_t, uint32_t) {
    return next_slot_.at(domain)++;
}

std::vector<LoweredInstance> lower_to_spec(const model::System& system, SpecSink& sink) {
    return Lowering(system, sink).run();
}

} // namespace adl
