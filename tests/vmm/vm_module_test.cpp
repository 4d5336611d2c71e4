// Module registry: modules linked into this test register themselves; enabled ones
// start in (order, name) order with one log line each.
#include <vmm/vm_module.hpp>

#include <vmm/guest_memory.hpp>
#include <vmm/mmio_bus.hpp>
#include <vmm/vgic_distributor.hpp>

#include "fake_list_registers.hpp"
#include "fake_log.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

namespace vmm {
namespace {

std::vector<std::string> started;

bool init_virtio_net(VmContext&) {
    started.emplace_back("virtio_net");
    return true;
}
bool init_platform_quirks(VmContext&) {
    started.emplace_back("platform_quirks");
    return true;
}
bool init_virtio_con(VmContext&) {
    started.emplace_back("virtio_con");
    return true;
}
bool init_broken(VmContext&) {
    return false;
}
// A module that really uses the context: it claims an MMIO range.
class NullDevice final : public MmioDevice {
public:
    bool read(uint64_t, unsigned, unsigned, uint64_t& value) override {
        value = 0;
        return true;
    }
    bool write(uint64_t, unsigned, unsigned, uint64_t) override { return true; }
} null_device;
bool init_claims_mmio(VmContext& vm) {
    started.emplace_back("claims_mmio");
    return vm.mmio.add("null", {base::GuestPhysAddr(0xa000000), 0x200}, null_device);
}

BULKHEAD_VMM_MODULE("virtio_net", 100, init_virtio_net);
BULKHEAD_VMM_MODULE("platform_quirks", 10, init_platform_quirks);
BULKHEAD_VMM_MODULE("virtio_con", 100, init_virtio_con);
BULKHEAD_VMM_MODULE("broken", 50, init_broken);
BULKHEAD_VMM_MODULE("claims_mmio", 200, init_claims_mmio);

struct ModuleTest : ::testing::Test {
    test::RecordingLog log;
    MappedGuestMemory memory;
    MmioBus bus{UnhandledAccessPolicy::InjectAbort, log};
    test::FakeListRegisters lrs{4};
    std::array<ListRegisters*, 1> vcpus{&lrs};
    VgicDistributor vgic{64, vcpus, log};
    VmContext vm{memory, bus, vgic, log};
    void SetUp() override { started.clear(); }
};

TEST_F(ModuleTest, LinkedModulesAreFoundWithoutAList) {
    std::vector<std::string> names;
    for (const ModuleDescriptor* m : linked_modules())
        names.emplace_back(m->name);
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"broken", "claims_mmio", "platform_quirks",
                                               "virtio_con", "virtio_net"}));
}

TEST_F(ModuleTest, EnabledModulesStartInOrderWithOneLogLineEach) {
    const std::string_view enabled[] = {"virtio_net", "claims_mmio", "virtio_con",
                                        "platform_quirks"};
    ASSERT_EQ(init_modules(enabled, vm), ModuleError::Ok);
    EXPECT_EQ(started, (std::vector<std::string>{"platform_quirks", "virtio_con", "virtio_net",
                                                 "claims_mmio"}));
    EXPECT_EQ(log.lines, (std::vector<std::string>{"vmm: module platform_quirks started",
                                                   "vmm: module virtio_con started",
                                                   "vmm: module virtio_net started",
                                                   "vmm: module claims_mmio started"}));
    EXPECT_EQ(bus.size(), 1u);
}

TEST_F(ModuleTest, ModulesNotEnabledDoNotStart) {
    const std::string_view enabled[] = {"virtio_con"};
    ASSERT_EQ(init_modules(enabled, vm), ModuleError::Ok);
    EXPECT_EQ(started, (std::vector<std::string>{"virtio_con"}));
    ASSERT_EQ(init_modules({}, vm), ModuleError::Ok);
}

TEST_F(ModuleTest, UnknownOrFailingModulesStopTheVm) {
    const std::string_view unknown[] = {"virtio_net", "vchan"};
    EXPECT_EQ(init_modules(unknown, vm), ModuleError::UnknownModule);
    EXPECT_TRUE(started.empty()); // checked before anything starts
    EXPECT_EQ(log.lines.back(), "vmm: module vchan is enabled but not linked into this VM");
    const std::string_view failing[] = {"virtio_net", "broken", "platform_quirks"};
    EXPECT_EQ(init_modules(failing, vm), ModuleError::InitFailed);
    EXPECT_EQ(started, (std::vector<std::string>{"platform_quirks"}));
    EXPECT_EQ(log.lines.back(), "vmm: module broken failed to start");
}

} // namespace
} // namespace vmm
