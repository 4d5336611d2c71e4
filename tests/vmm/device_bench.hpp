// What a host test of a VMM device puts under it: a recording log, the MMIO bus (aborts
// injected for what nobody handles), a vGIC of 64 IRQs with one vCPU's four list registers,
// guest memory and the notification router. A test fixture derives from it and adds its
// DeviceHost over these.
#pragma once

#include "fake_list_registers.hpp"
#include "fake_log.hpp"

#include <vmm/device.hpp>
#include <vmm/guest_memory.hpp>
#include <vmm/mmio_bus.hpp>
#include <vmm/vgic_distributor.hpp>

#include <array>

namespace vmm::test {

struct DeviceBench {
    RecordingLog log;
    MmioBus bus{UnhandledAccessPolicy::InjectAbort, log};
    FakeListRegisters lrs{4};
    std::array<ListRegisters*, 1> vcpus{&lrs};
    VgicDistributor vgic{64, vcpus, log};
    MappedGuestMemory memory;
    NotificationRouter notifications;
};

} // namespace vmm::test
