// Connectors that give components memory: shared dataports, virtqueue rings, and
// device-tree passthrough into a VM (its regions come from the `dtb` query).
#include "adl/connector_registry.hpp"

namespace adl {
namespace {
using model::ConnectionKind;
const ConnectorRegistry::Registration shared_data{{"seL4SharedData", ConnectionKind::SharedMemory,
                                                   true, true, 0x1000,
                                                   "one buffer mapped by every end"}};
const ConnectorRegistry::Registration shared_data_with_caps{
    {"seL4SharedDataWithCaps", ConnectionKind::SharedMemory, true, true, 0x1000,
     "one buffer mapped by every end, whose frames a VM end may also map into its guest"}};
const ConnectorRegistry::Registration virtqueues{
    {.name = "seL4VirtQueues",
     .kind = ConnectionKind::SharedMemory,
     .ends_share_type = false,
     .shared_buffer = true,
     .default_buffer = 0x2000,
     .description = "virtqueue rings shared by the ends, signalled by notifications",
     .signals_ends = true}};
const ConnectorRegistry::Registration hardware_mmio{
    {"seL4HardwareMMIO", ConnectionKind::DeviceMemory, true, false, 0,
     "a hardware component's registers (<to>_paddr, <to>_size) mapped by every 'from' end: "
     "the way two components share one device region"}};
const ConnectorRegistry::Registration dtb_passthrough{
    {"seL4VMDTBPassthrough", ConnectionKind::DtbPassthrough, true, false, 0,
     "devices matched by the VM's dtb() query are mapped into the guest, their IRQs routed to it"}};
} // namespace
} // namespace adl
