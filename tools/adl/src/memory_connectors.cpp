// Connectors that give components memory: shared dataports, virtqueue rings, and
// device-tree passthrough into a VM (its regions come from the `dtb` query), and a compound
// component's own device from the DTB (seL4DTBHardware).
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
const ConnectorRegistry::Registration dtb_hardware{
    {"seL4DTBHardware", ConnectionKind::DtbPassthrough, true, false, 0,
     "a compound component's device from the board's DTB (<to>.dtb = dtb({...})): its registers "
     "mapped into the component, its interrupts (<to>.generate_interrupts) as events of the "
     "'to' end"}};
} // namespace
} // namespace adl
