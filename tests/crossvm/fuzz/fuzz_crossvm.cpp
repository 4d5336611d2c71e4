// libFuzzer target: a guest driving a cross-VM PCI function: ECAM configuration accesses of
// any size (BAR sizing and placement, command bits, Interrupt Disable), accesses of any
// size to the PCI memory window through the MMIO bus (the register BAR, the dataport BAR
// where its frames are not mapped, nothing), consumed events arriving, and a kernel that
// sometimes refuses a placement. Invariants (trap on failure): the frames are mapped only
// where BAR1 decodes, inside the memory window, exactly when the last placement was
// accepted; INTx is asserted exactly when an event is pending and not masked; the doorbell
// signals once per accepted doorbell write.
#include <crossvm/crossvm_function.hpp>

#include "fake_vcpu.hpp"
#include "fuzz/pci_bench.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace {

constexpr unsigned kSpi = 40;
constexpr uint32_t kMappingSlot = 3;
constexpr uint32_t kEmitSlot = 4;

// The kernel's side: where the mapping is, and refusals when the test says so.
class Port final : public vmm::BackendPort {
public:
    void call(uint32_t, base::RpcMessage&) override {}
    void signal(uint32_t slot) override {
        if (slot != kEmitSlot) __builtin_trap();
        ++signals;
    }
    bool move_mapping(uint32_t slot, std::optional<uint64_t> ipa) override {
        if (slot != kMappingSlot) __builtin_trap();
        if (ipa && refuse) {
            at.reset();
            return false;
        }
        at = ipa;
        return true;
    }
    std::optional<uint64_t> at;
    bool refuse = false;
    uint64_t signals = 0;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    vmm::fuzz::OpsAndRam input(data, size, 0x40000000, 4096);
    vmm::fuzz::PciBench bench;
    vmm::PciHost& host = bench.host;
    Port port;
    // The dataport's size comes from the input too (whole pages or not, too big or not).
    const uint64_t dataport = (data != nullptr && size > 2 ? data[2] : 1) * uint64_t{2048};
    crossvm::CrossvmFunction f({.name = "fuzz",
                                .dataport_size = dataport,
                                .mapping_slot = kMappingSlot,
                                .emit_slot = kEmitSlot,
                                .consumes = true},
                               port, host.memory(), bench.log);
    if (!host.add("fuzz", f.function(), kSpi)) __builtin_trap();
    vmm::test::FakeVcpu vcpu;

    for (vmm::fuzz::Op o{}; input.next(o);) {
        const auto [op, width, offset, value] = o;
        const uint64_t ecam = (uint64_t{op} >> 3 & 3) << 15 | (offset & 0xfff);
        const uint64_t signals = port.signals;
        bool doorbell = false;
        switch (op % 8) {
        case 0: {
            uint64_t out = 0;
            (void)host.read(ecam, width, 0, out);
            break;
        }
        case 1:
        case 2:
            (void)host.write(ecam, width, 0, value);
            break;
        case 3:
        case 4: { // the memory window, where placed BARs decode
            vmm::MmioAccess a;
            a.ipa = vmm::GuestPhysAddr(host.memory().base.raw() + (offset & 0x7fff));
            a.size = static_cast<uint8_t>(width);
            a.rt = 1;
            a.direction = op % 8 == 3 ? vmm::AccessDirection::Read : vmm::AccessDirection::Write;
            vcpu.x[1] = value;
            const auto bar0 = f.function().bar_window(crossvm::kRegisterBar);
            doorbell = a.direction == vmm::AccessDirection::Write && width == 4 && bar0 &&
                       a.ipa.raw() == bar0->base + crossvm::reg::kDoorbell;
            (void)bench.bus.handle(a, 0, vcpu);
            break;
        }
        case 5:
            f.event();
            break;
        case 6:
            port.refuse = (value & 1) != 0;
            break;
        default:
            host.reset();
            f.reset();
            break;
        }
        if (port.signals != signals + (doorbell ? 1 : 0)) __builtin_trap();
        if (port.at != f.placed()) __builtin_trap();
        if (f.placed()) {
            const auto bar1 = f.function().bar_window(crossvm::kDataportBar);
            if (!bar1 || bar1->base != *f.placed() ||
                !host.memory().contains({vmm::GuestPhysAddr(bar1->base), bar1->size}))
                __builtin_trap();
        }
        uint64_t status = 0;
        (void)f.bar_read(crossvm::kRegisterBar, crossvm::reg::kStatus, 4, status);
        const bool masked = (f.function().command() & vmm::pci::kCommandIntxDisable) != 0;
        if (f.function().intx_asserted() != ((status & crossvm::kStatusEvent) != 0 && !masked))
            __builtin_trap();
    }
    return 0;
}
