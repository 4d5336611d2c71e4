// VirtQueueInit instances run nothing and hold nothing: upstream's assemblies put one at
// the `to` end of each seL4VirtQueues connection only to name it (and its init_topology);
// the connection's lowerer gives the rings and notifications to the `from` ends. Like a
// hardware component, it gets no domain, and a connection that would give it something
// is an error at the instance.
#include <lowering/component_lowerer.hpp>

namespace {

class VirtQueueInitLowerer final : public lowering::ComponentLowerer {
public:
    void create(lowering::Context&, const adl::model::Instance&,
                lowering::InstanceObjects& objects) override {
        objects.hardware = true;
        objects.no_domain_reason = "connection name only";
    }
};

VirtQueueInitLowerer lowerer;
const lowering::ComponentRegistration registration{"VirtQueueInit", lowerer};

} // namespace
