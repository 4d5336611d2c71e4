// Memory connectors: one RAM buffer mapped by every end (shared dataports, virtqueue
// rings), a hardware component's registers mapped by every user, and the VM's device-tree
// passthrough (whose regions and IRQs the VM's own lowerer puts in the guest space).
#include "lowering/connector_lowerer.hpp"

namespace lowering {
namespace {

void map_into_every_end(Context& context, const adl::model::Connection& c,
                        const std::vector<adl::model::End>& ends, image::RegionId region,
                        uint64_t size) {
    for (const auto& e : ends) {
        InstanceObjects& inst = context.instance(e.instance);
        const uint64_t at =
            context.map_shared(inst, e.interface, region, size, image::kRead | image::kWrite);
        context.interface(inst, e.interface).buffers.push_back({at, size, 0});
    }
    (void)c;
}

class SharedBuffer final : public ConnectorLowerer {
public:
    void lower(Context& context, const adl::model::Connection& c) override {
        const image::RegionId region =
            context.builder().add_ram(c.name + ".buffer", c.shared_bytes);
        map_into_every_end(context, c, c.from, region, c.shared_bytes);
        map_into_every_end(context, c, c.to, region, c.shared_bytes);
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
const ConnectorRegistration virtqueues{"seL4VirtQueues", shared_buffer};
const ConnectorRegistration mmio{"seL4HardwareMMIO", hardware_mmio};
const ConnectorRegistration passthrough{"seL4VMDTBPassthrough", dtb_passthrough};

} // namespace
} // namespace lowering
