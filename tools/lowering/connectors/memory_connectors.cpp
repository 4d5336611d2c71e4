// Memory connectors: one RAM buffer mapped by every end (shared dataports), virtqueue
// rings between two ends that signal each other, a hardware component's registers mapped by every
// user, and the VM's device-tree passthrough (whose regions and IRQs the VM's own lowerer puts in
// the guest space).
#include "lowering/connector_lowerer.hpp"

#include <adl/diagnostic.hpp>
#include <adl/number_format.hpp>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace lowering {
namespace {

// `read_only_but`: when set, every end but that instance maps the buffer read-only.
void map_into_every_end(Context& context, const adl::model::Connection& c,
                        const std::vector<adl::model::End>& ends, image::RegionId region,
                        uint64_t size, uint64_t offset = 0,
                        const std::string* read_only_but = nullptr) {
    for (const auto& e : ends) {
        InstanceObjects& inst = context.instance(e.instance);
        const bool read_only = read_only_but != nullptr && e.instance != *read_only_but;
        const uint64_t at =
            context.map_shared(inst, e.interface, region, size,
                               read_only ? image::kRead : image::kRead | image::kWrite, offset);
        context.interface(inst, e.interface).buffers.push_back({at, size, 0});
    }
    (void)c;
}

// seL4SharedData; with `with_caps` (seL4SharedDataWithCaps) every end also learns the frames
// themselves (InterfaceObjects::frames), so an end that runs a guest can map them into it
// (the VM's crossvm links).
class SharedBuffer final : public ConnectorLowerer {
public:
    explicit SharedBuffer(bool with_caps) : with_caps_(with_caps) {}
    void lower(Context& context, const adl::model::Connection& c) override {
        const Placed buffer =
            c.paddr ? at_paddr(context, c)
                    : Placed{context.builder().add_ram(c.name + ".buffer", c.shared_bytes), 0};
        // A window onto a VM's guest RAM (upstream's vm_introspect): the other ends look,
        // they do not write.
        const std::string guest = guest_ram_owner(context, buffer.region);
        const std::string* read_only_but = guest.empty() ? nullptr : &guest;
        map_into_every_end(context, c, c.from, buffer.region, c.shared_bytes, buffer.offset,
                           read_only_but);
        map_into_every_end(context, c, c.to, buffer.region, c.shared_bytes, buffer.offset,
                           read_only_but);
        if (!with_caps_) return;
        for (const auto* ends : {&c.from, &c.to}) {
            for (const auto& e : *ends) {
                context.interface(context.instance(e.instance), e.interface).frames =
                    InterfaceObjects::Frames{buffer.region, buffer.offset, c.shared_bytes};
            }
        }
    }

private:
    struct Placed {
        image::RegionId region;
        uint64_t offset;
    };

    // The VM whose guest RAM `region` is (its RAM's place and size), or "".
    static std::string guest_ram_owner(Context& context, image::RegionId region) {
        const image::RegionDesc& r = context.builder().description().regions[region.index];
        for (const auto& inst : context.system().instances) {
            if (inst.vm && r.fixed && *r.fixed == inst.vm->layout.ram_paddr &&
                r.size == inst.vm->layout.ram.size) {
                return inst.name;
            }
        }
        return {};
    }

    // `<connection>.paddr`: the buffer is that physical memory. Inside a region already
    // placed there (a VM's guest RAM, which upstream's introspection app shares this way)
    // it is that region's part; elsewhere it is RAM of its own at that address, or device
    // memory outside the board's RAM. Half inside another region is an error.
    static Placed at_paddr(Context& context, const adl::model::Connection& c) {
        const base::PhysRange want{base::PhysAddr{*c.paddr}, c.shared_bytes};
        const auto& regions = context.builder().description().regions;
        for (uint32_t i = 0; i < regions.size(); ++i) {
            const image::RegionDesc& r = regions[i];
            if (!r.fixed) continue;
            const base::PhysRange have{*r.fixed, r.size};
            if (have.contains(want)) return {image::RegionId{i}, want.base - have.base};
            if (have.overlaps(want)) {
                throw adl::Error(c.paddr_where,
                                 adl::quote(c.name + ".paddr") + " = " + adl::hex(*c.paddr) +
                                     ": the buffer runs over the edge of " + adl::quote(r.name) +
                                     "; expected it inside that region or apart from it");
            }
        }
        image::SystemBuilder& b = context.builder();
        if (context.board().ram.contains(want)) return {b.add_ram_at(c.name + ".buffer", want), 0};
        return {b.add_device(c.name + ".buffer", want), 0};
    }

    bool with_caps_;
};

// seL4VirtQueues: rings between pairs of `from` ends, a VirtQueueDrv and a VirtQueueDev
// each: the two ends when there are two, else the pairs the `to` end's
// `<interface>_topology` lists (upstream's `init_topology = [{"drv": "a.send", "dev":
// "b.recv"}, ...]`). Each ring is one buffer (`<from-interface>_shmem_size`, equal at every
// end) mapped by its two ends; each end may signal the other's bound notification with the
// bit the resolver gave the other end, and its interface's badge is its own bit. The `to`
// end (VirtQueueInit) gets nothing. Both ends compute the ring's layout from the size
// (virtio::SharedRingLayout).
class VirtQueues final : public ConnectorLowerer {
public:
    void lower(Context& context, const adl::model::Connection& c) override {
        for (const auto& [drv, dev] : pairs(context, c)) {
            const image::RegionId ring = context.builder().add_ram(
                c.name + "." + drv->instance + "." + drv->interface, c.shared_bytes);
            give(context, c, ring, *drv, *dev);
            give(context, c, ring, *dev, *drv);
        }
    }

private:
    using Pair = std::pair<const adl::model::End*, const adl::model::End*>;

    static void give(Context& context, const adl::model::Connection& c, image::RegionId ring,
                     const adl::model::End& self, const adl::model::End& peer) {
        InstanceObjects& mine = context.instance(self.instance);
        (void)context.notification(mine); // its bit arrives there
        const image::NotificationId theirs = context.notification(context.instance(peer.instance));
        const uint64_t at = context.map_shared(mine, self.interface, ring, c.shared_bytes,
                                               image::kRead | image::kWrite);
        InterfaceObjects& iface = context.interface(mine, self.interface);
        iface.buffers.push_back({at, c.shared_bytes, 0});
        iface.badge = self.badge;
        iface.slot = context.give(mine, self.interface,
                                  image::notification_cap(theirs, peer.badge, spec::CapSend));
    }

    static std::string role(const adl::model::End& e) {
        return e.declaration == nullptr ? std::string() : e.declaration->type;
    }

    static std::vector<Pair> pairs(Context& context, const adl::model::Connection& c) {
        const adl::model::End& to = c.to.front();
        const adl::model::Instance* init = context.system().instance(to.instance);
        const adl::model::Attribute* topology =
            init == nullptr ? nullptr : init->attribute(to.interface + "_topology");
        if (topology == nullptr || topology->value.items.empty()) {
            if (c.from.size() != 2) {
                throw adl::Error(
                    c.where, "connection " + adl::quote(c.name) + " (seL4VirtQueues) has " +
                                 std::to_string(c.from.size()) + " 'from' ends; expected two, or " +
                                 adl::quote(to.instance + "." + to.interface + "_topology") +
                                 " pairing them");
            }
            const bool first_drives = role(c.from[0]) == "VirtQueueDrv";
            const Pair p{&c.from[first_drives ? 0 : 1], &c.from[first_drives ? 1 : 0]};
            check(c, p, c.where);
            return {p};
        }
        std::vector<Pair> out;
        std::vector<const adl::model::End*> used;
        for (const adl::Value& entry : topology->value.items) {
            const Pair p{end_named(c, entry, "drv", used), end_named(c, entry, "dev", used)};
            check(c, p, entry.where);
            out.push_back(p);
        }
        for (const auto& f : c.from) {
            if (std::find(used.begin(), used.end(), &f) == used.end()) {
                throw adl::Error(topology->value.where,
                                 adl::quote(to.instance + "." + to.interface + "_topology") +
                                     " leaves " + adl::quote(f.instance + "." + f.interface) +
                                     " of connection " + adl::quote(c.name) +
                                     " out; expected every 'from' end in one pair");
            }
        }
        return out;
    }

    static const adl::model::End* end_named(const adl::model::Connection& c,
                                            const adl::Value& entry, const std::string& key,
                                            std::vector<const adl::model::End*>& used) {
        const adl::Value* v = entry.field(key);
        const std::string name = v != nullptr ? v->string : std::string();
        for (const auto& f : c.from) {
            if (f.instance + "." + f.interface != name) continue;
            if (std::find(used.begin(), used.end(), &f) != used.end()) {
                throw adl::Error(entry.where, adl::quote(name) + " is in two pairs of " +
                                                  adl::quote(c.name) +
                                                  "'s topology; expected it in one");
            }
            used.push_back(&f);
            return &f;
        }
        throw adl::Error(entry.where, "topology entry " + entry.to_adl() + ": " + adl::quote(key) +
                                          " names no 'from' end of " + adl::quote(c.name) +
                                          "; expected \"<instance>.<interface>\" of one");
    }

    static void check(const adl::model::Connection& c, const Pair& p,
                      const adl::SourceLocation& where) {
        if (role(*p.first) != "VirtQueueDrv" || role(*p.second) != "VirtQueueDev") {
            throw adl::Error(where, "connection " + adl::quote(c.name) + " (seL4VirtQueues): " +
                                        adl::quote(p.first->instance + "." + p.first->interface) +
                                        " and " +
                                        adl::quote(p.second->instance + "." + p.second->interface) +
                                        " are " + role(*p.first) + " and " + role(*p.second) +
                                        "; expected a VirtQueueDrv (drv) and a VirtQueueDev (dev)");
        }
    }
};

// The registers of a `hardware` component (<dataport>_paddr/_size, resolved into one
// region per hardware dataport), shared by every `from` end of every connection naming
// that dataport: one region, however many users and connections.
class HardwareMmio final : public ConnectorLowerer {
public:
    void lower(Context& context, const adl::model::Connection& c) override {
        const adl::model::End& to = c.to.front();
        const std::string source = to.instance + "." + to.interface;
        for (const auto& r : context.system().regions) {
            if (r.kind != adl::model::RegionKind::Device || r.source != source) continue;
            const image::RegionId region = device_region(context, r);
            map_into_every_end(context, c, c.from, region, r.phys.size);
        }
    }

private:
    // Named after the connection that owns it; added when the first connection is lowered.
    static image::RegionId device_region(Context& context, const adl::model::MemoryRegion& r) {
        const std::string name = r.owner + ":" + r.source;
        const auto& regions = context.builder().description().regions;
        for (uint32_t i = 0; i < regions.size(); ++i) {
            if (regions[i].name == name) return image::RegionId{i};
        }
        return context.builder().add_device(name, r.phys);
    }
};

// Nothing of its own: the matched nodes are the VM's regions and IRQs in the model.
class DtbPassthrough final : public ConnectorLowerer {
public:
    void lower(Context&, const adl::model::Connection&) override {}
};

SharedBuffer shared_buffer{false};
SharedBuffer shared_buffer_with_caps{true};
HardwareMmio hardware_mmio;
DtbPassthrough dtb_passthrough;
const ConnectorRegistration shared_data{"seL4SharedData", shared_buffer};
const ConnectorRegistration shared_data_with_caps{"seL4SharedDataWithCaps",
                                                  shared_buffer_with_caps};
VirtQueues virt_queues;
const ConnectorRegistration virtqueues{"seL4VirtQueues", virt_queues};
const ConnectorRegistration mmio{"seL4HardwareMMIO", hardware_mmio};
const ConnectorRegistration passthrough{"seL4VMDTBPassthrough", dtb_passthrough};

} // namespace
} // namespace lowering
