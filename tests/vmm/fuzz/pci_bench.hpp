// What the PCI fuzzers drive a function through: a log that drops lines, the MMIO bus,
// a one-vCPU vGIC and the virtual PCI host bridge with its ECAM at kPciWindow and its
// memory window after it.
#pragma once

#include "../fake_list_registers.hpp"
#include "fuzz_support.hpp"

#include <vmm/mmio_bus.hpp>
#include <vmm/pci_host.hpp>
#include <vmm/vgic_distributor.hpp>

#include <array>
#include <cstdint>

namespace vmm::fuzz {

struct PciBench {
    static constexpr uint64_t kPciWindow = 0x3fc00000;

    NullLog log;
    MmioBus bus{UnhandledAccessPolicy::InjectAbort, log};
    test::FakeListRegisters lrs{4};
    std::array<ListRegisters*, 1> vcpus{&lrs};
    VgicDistributor vgic{64, vcpus, log};
    PciHost host{{GuestPhysAddr(kPciWindow), 2 * PciHost::kEcamSize}, bus, vgic, log};
};

} // namespace vmm::fuzz
