// Memory connectors: one RAM buffer mapped by every end (shared dataports, virtqueue
// rings), a hardware component's registers mapped by every user, and the VM's device-tree
// passthrough (whose regions and IRQs the VM's own lowerer puts in the guest space).
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

SharedBuffer shared_buffer;
HardwareMmio hardware_mmio;
DtbPassthrough dtb_passthrough;
const ConnectorRegistration shared_data{"seL4SharedData", shared_buffer};
const ConnectorRegistration shared_data_with_caps{"seL4SharedDataWithCaps", shared_buffer};
const ConnectorRegistration virtqueues{"seL4VirtQueues", shared_buffer};
const ConnectorRegistration mmio{"seL4HardwareMMIO", hardware_mmio};
const ConnectorRegistration passthrough{"seL4VMDTBPassthrough", dtb_passthrough};

} // namespace
} // namespace lowering
