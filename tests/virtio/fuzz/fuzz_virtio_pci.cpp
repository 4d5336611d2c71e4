// libFuzzer target: a guest driving a virtio-net function on the virtual PCI host bridge:
// ECAM configuration accesses of any size anywhere on bus 0 (BAR sizing and placement,
// command bits, the capability list and its configuration access window), accesses to
// the PCI memory window through the MMIO bus (the common configuration, notify, ISR and
// device structures, or nothing), over fuzzed RAM holding its rings, while frames arrive
// and the guest rewrites RAM. Invariants (trap on failure): a frame handed to the backend
// is never larger than the device's limit; INTx is asserted exactly when the ISR byte is
// non-zero and the driver has not disabled it; ASan catches any access outside the fake
// RAM's buffer.
#include <virtio/net.hpp>
#include <virtio/pci.hpp>
#include <vmm/guest_memory.hpp>
#include <vmm/mmio_bus.hpp>
#include <vmm/pci_host.hpp>
#include <vmm/vgic_distributor.hpp>

#include "../../vmm/fake_vcpu.hpp"
#include "../../vmm/fuzz/pci_bench.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace {

constexpr uint64_t kRamBase = 0x40000000;
constexpr std::size_t kRamSize = 16384;
constexpr unsigned kSpi = 40;

class Backend final : public virtio::NetBackend {
public:
    bool can_send() override { return true; }
    bool send(std::span<const std::byte> frame) override {
        if (frame.size() > virtio::NetDevice::kMaxFrameBytes || frame.empty()) __builtin_trap();
        return true;
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    vmm::fuzz::OpsAndRam input(data, size, kRamBase, kRamSize);
    vmm::MappedGuestMemory& memory = input.memory;
    std::vector<std::byte>& ram = input.ram;

    vmm::fuzz::PciBench bench;
    vmm::PciHost& host = bench.host;
    vmm::fuzz::NullLog& log = bench.log;
    Backend backend;
    virtio::VirtioPci transport("fuzz_net_pci", virtio::kDeviceIdNet, log);
    virtio::NetDevice net(memory, backend, transport, {2, 0, 0, 0, 0, 1});
    transport.attach(net);
    if (!host.add("fuzz_net_pci", transport.function(), kSpi)) __builtin_trap();
    vmm::test::FakeVcpu vcpu;

    std::array<std::byte, 2048> frame{};
    for (vmm::fuzz::Op o{}; input.next(o);) {
        const auto [op, width, offset, value] = o;
        // Devices 0..3 of bus 0 (1 is the function), any register; the high bits of `op`
        // sometimes reach further (other functions, other buses).
        const uint64_t ecam = (uint64_t{op} >> 3 & 3) << 15 |
                              (op & 0x80 ? uint64_t{value} << 12 : 0) | (offset & 0xfff);
        switch (op % 8) {
        case 0: {
            uint64_t out = 0;
            (void)host.read(ecam % vmm::PciHost::kEcamSize, width, 0, out);
            break;
        }
        case 1:
        case 2:
            (void)host.write(ecam % vmm::PciHost::kEcamSize, width, 0, value);
            break;
        case 3:
        case 4:
        case 5: { // the memory window, where a placed BAR decodes
            vmm::MmioAccess a;
            a.ipa = vmm::GuestPhysAddr(host.memory().base.raw() + offset);
            a.size = static_cast<uint8_t>(width);
            a.rt = 1;
            a.direction = op % 8 == 3 ? vmm::AccessDirection::Read : vmm::AccessDirection::Write;
            vcpu.x[1] = value;
            (void)bench.bus.handle(a, 0, vcpu);
            break;
        }
        case 6: // the guest changes RAM under the device
            std::memcpy(ram.data() + offset % (kRamSize - 4), &value, 4);
            break;
        case 7:
            (void)net.receive(std::span(frame).first(value % frame.size()));
            break;
        default:
            break;
        }
        const bool disabled = (transport.function().command() & vmm::pci::kCommandIntxDisable) != 0;
        if (transport.function().intx_asserted() !=
            (transport.interrupt_status() != 0 && !disabled)) {
            __builtin_trap();
        }
    }
    return 0;
}
