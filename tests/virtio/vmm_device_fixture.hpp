// What a VMM device test needs around DeviceHost: fake RAM, the MMIO bus, a vGIC with fake
// list registers, the notification router, a device window at 0xa000000 and a PCI window
// at 0x3fc00000.
#pragma once

#include "../vmm/fake_list_registers.hpp"
#include "../vmm/fake_log.hpp"
#include "fake_driver.hpp"

#include <vmm/device.hpp>
#include <vmm/mmio_bus.hpp>
#include <vmm/vgic_distributor.hpp>

#include <array>

namespace virtio::test {

struct VmmDeviceFixture {
    vmm::test::RecordingLog log;
    FakeRam ram;
    vmm::MmioBus bus{vmm::UnhandledAccessPolicy::InjectAbort, log};
    vmm::test::FakeListRegisters lrs{4};
    std::array<vmm::ListRegisters*, 1> vcpus{&lrs};
    vmm::VgicDistributor vgic{64, vcpus, log};
    vmm::NotificationRouter router;
    // The VM's device window and PCI window (the lowerer picks them clear of RAM, devices
    // and the GIC).
    vmm::DeviceHost host{ram.memory(),
                         bus,
                         vgic,
                         64,
                         router,
                         log,
                         {GuestPhysAddr(0xa000000), 0x10000},
                         nullptr,
                         {GuestPhysAddr(0x3fc00000), 0x200000}};
};

} // namespace virtio::test
