// Memory connectors: one RAM buffer mapped by every end (shared dataports), virtqueue
// rings between two ends that signal each other, a hardware component's registers mapped by every
// user, and the VM's device-tree passthrough (whose regions and IRQs the VM's own lowerer puts in
// the guest space).
#include "lowering/connector_lowerer.hpp"

#include <adl/diagnostic.hpp>
#include <adl/number_format.hpp>

namespace lowering {
namespace {

void map_into_every_end(Context& context, const adl::model::Connection& c,
                        const std::vector<adl::model::End>& ends, image::RegionId region,
                        uint64_t size, uint64_t offset = 0) {
    for (const auto& e : ends) {
        InstanceObjects& inst = context.instance(e.instance);
        const uint64_t at = context.map_shared(inst, e.interface, region, size,
                                               image::kRead | image::kWrite, offset);
        context.interface(inst, e.interface).buffers.push_back({at, size, 0});
    }
    (void)c;
}

class SharedBuffer final : public ConnectorLowerer {
public:
    void lower(Context& context, const adl::model::Connection& c) override {
        const Placed buffer =
            c.paddr ? at_paddr(context, c)
                    : Placed{context.builder().add_ram(c.name + ".buffer", c.shared_bytes), 0};
        map_into_every_end(context, c, c.from, buffer.region, c.shared_bytes, buffer.offset);
        map_into_every_end(context, c, c.to, buffer.region, c.shared_bytes, buffer.offset);
    }

private:
    struct Placed {
        image::RegionId region;
        uint64_t offset;
    };

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
};

// seL4VirtQueues: one ring buffer (`<from-interface>_shmem_size`, equal at both ends),
// mapped by the two `from` ends, one VirtQueueDrv and one VirtQueueDev (the `to` end,
// VirtQueueInit, gets nothing). Each end may signal the other's bound notification with
// the bit the resolver gave the other end; its interface's badge is its own bit, which
// tells it the other end signalled. Both ends compute the ring's layout from the size
// (virtio::SharedRingLayout).
class VirtQueues final : public ConnectorLowerer {
public:
    void lower(Context& context, const adl::model::Connection& c) override {
        if (c.from.size() != 2 || role(c.from[0]) == role(c.from[1]) || role(c.from[0]).empty() ||
            role(c.from[1]).empty()) {
            throw adl::Error(c.where, "connection " + adl::quote(c.name) +
                                          " (seL4VirtQueues): expected two 'from' ends, one "
                                          "VirtQueueDrv and one VirtQueueDev");
        }
        const image::RegionId ring = context.builder().add_ram(c.name + ".ring", c.shared_bytes);
        for (std::size_t k = 0; k < 2; ++k) {
            const adl::model::End& self = c.from[k];
            const adl::model::End& peer = c.from[1 - k];
            InstanceObjects& mine = context.instance(self.instance);
            (void)context.notification(mine); // its bit arrives there
            const image::NotificationId theirs =
                context.notification(context.instance(peer.instance));
            const uint64_t at = context.map_shared(mine, self.interface, ring, c.shared_bytes,
                                                   image::kRead | image::kWrite);
            InterfaceObjects& iface = context.interface(mine, self.interface);
            iface.buffers.push_back({at, c.shared_bytes, 0});
            iface.badge = self.badge;
            iface.slot = context.give(mine, self.interface,
                                      image::notification_cap(theirs, peer.badge, spec::CapSend));
        }
    }

private:
    static std::string role(const adl::model::End& e) {
        if (e.declaration == nullptr) return {};
        return e.declaration->type == "VirtQueueDrv" || e.declaration->type == "VirtQueueDev"
                   ? e.declaration->type
                   : std::string();
    }
};

// The registers of a `hardware` component (<dataport>_paddr/_size, resolved into regions
// owned by the connection), shared by every `from` end: one region, however many users.
class HardwareMmio final : public ConnectorLowerer {
public:
    void lower(Context& context, const adl::model::Connection& c) override {
        for (const auto& r : context.system().regions) {
            if (r.owner != c.name) continue;
            const image::RegionId region =
                context.builder().add_device(c.name + ":" + r.source, r.phys);
            map_into_every_end(context, c, c.from, region, r.phys.size);
        }
    }
};

// Nothing of its own: the matched nodes are the VM's regions and IRQs in the model.
class DtbPassthrough final : public ConnectorLowerer {
public:
    void lower(Context&, const adl::model::Connection&) override {}
};

SharedBuffer shared_buffer;
HardwareMmio hardware_mmio;
DtbPassthrough dtb_passthrough;
const ConnectorRegistration shared_data{"seL4SharedData", shared_buffer};
const ConnectorRegistration shared_data_with_caps{"seL4SharedDataWithCaps", shared_buffer};
VirtQueues virt_queues;
const ConnectorRegistration virtqueues{"seL4VirtQueues", virt_queues};
const ConnectorRegistration mmio{"seL4HardwareMMIO", hardware_mmio};
const ConnectorRegistration passthrough{"seL4VMDTBPassthrough", dtb_passthrough};

} // namespace
} // namespace lowering
