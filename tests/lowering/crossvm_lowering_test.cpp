// Cross-VM links in the lowering (apps/vm_cross_connector as the tool loads it): each VM
// dataport a seL4SharedDataWithCaps connection shares becomes a movable mapping of its
// frames in the guest's PCI memory window with a Mapping capability for the VMM, and
// the VM's configuration lists the links with their events; a VM that names a dataport
// nobody shares with it is an error at the attribute's file:line:column.
#include "lowering_error.hpp"
#include "vm_minimal_app.hpp"

#include <adl/diagnostic.hpp>
#include <image/board.hpp>
#include <lowering/lowering.hpp>

#include <gtest/gtest.h>

#include <algorithm>

namespace {

// The model points into the loaded files: each variant is loaded once and kept.
const adl::LoadedApp& loaded(bool drop_second_link) {
    static const adl::LoadedApp whole = tool_test::load_app("vm_cross_connector");
    static const adl::LoadedApp dropped = [] {
        adl::LoadedApp app = tool_test::load_app("vm_cross_connector");
        for (auto& assembly : app.merged.assemblies) {
            std::erase_if(assembly.connections, [](const auto& c) { return c.name == "dp1_conn"; });
        }
        return app;
    }();
    return drop_second_link ? dropped : whole;
}

adl::model::System cross_connector(bool drop_second_link = false) {
    return adl::resolve(loaded(drop_second_link).merged,
                        {BULKHEAD_REFERENCE_BOARD, BULKHEAD_PLATFORM_DTB});
}

const image::Board& qemu() {
    return *image::BoardRegistry::find(BULKHEAD_REFERENCE_BOARD);
}

TEST(CrossvmLowering, EachSharedDataportIsAMovableMappingInThePciWindow) {
    const auto system = cross_connector();
    image::SystemBuilder b(qemu());
    const auto objects = lowering::lower_system(system, b, {});
    const auto vm =
        std::find_if(objects.begin(), objects.end(), [](const auto& o) { return o.name == "vm0"; });
    ASSERT_NE(vm, objects.end());
    ASSERT_TRUE(vm->cap("crossvm_dp_0:guest"));
    ASSERT_TRUE(vm->cap("crossvm_dp_1:guest"));
    const auto& d = b.description();
    std::vector<const image::MappingDesc*> movable;
    for (const auto& m : d.mappings)
        if (m.window_size != 0) movable.push_back(&m);
    ASSERT_EQ(movable.size(), 2u);
    for (const auto* m : movable) {
        EXPECT_EQ(m->domain, vm->extra_domains.front().index) << "in the guest's space";
        EXPECT_EQ(m->size, 4096u);
        EXPECT_EQ(m->window_size, 0x100000u) << "the PCI memory window";
        EXPECT_EQ(m->at.raw() % 0x100000, 0u);
    }
    // The capabilities name those mappings.
    const auto& caps = d.domains[vm->domain.index].caps;
    const auto& cap = caps[*vm->cap("crossvm_dp_0:guest")];
    EXPECT_EQ(cap.type, static_cast<uint32_t>(spec::CapType::Mapping));
    EXPECT_EQ(d.mappings[cap.object].window_size, 0x100000u);
}

TEST(CrossvmLowering, ADataportTheVmNamesButNobodySharesIsAnErrorAtTheAttribute) {
    const auto system = cross_connector(true);
    image::SystemBuilder b(qemu());
    try {
        (void)lowering::lower_system(system, b, {});
        FAIL() << "no error";
    } catch (const adl::Error& e) {
        const std::string text = adl::render(e);
        EXPECT_NE(text.find("'vm0.crossvm_dp_1_size' names 'vm0.crossvm_dp_1', which no "
                            "component shares with it; expected a seL4SharedDataWithCaps "
                            "connection to it"),
                  std::string::npos)
            << text;
        EXPECT_NE(text.find("vm_cross_connector.camkes:"), std::string::npos) << text;
    }
}

// A shared dataport bigger than a PCI BAR holds (upstream's vm_introspect shares guest RAM's
// size): the guest is not offered it, the tool says so at the dataport, the rest builds.
TEST(CrossvmLowering, ADataportTooBigForABarIsNotOfferedToTheGuestWithAWarning) {
    auto system = cross_connector();
    constexpr uint64_t kBig = 0x8001000; // 128 MiB and a page, as vm_introspect's memdev
    for (auto& c : system.connections)
        if (c.name == "dp1_conn") c.shared_bytes = kBig;
    for (auto& i : system.instances)
        for (auto& a : i.attributes)
            if (i.name == "vm0" && a.name == "crossvm_dp_1_size")
                a.value.integer = static_cast<int64_t>(kBig);
    image::SystemBuilder b(qemu());
    std::vector<std::string> warnings;
    lowering::Inputs inputs;
    inputs.warnings = &warnings;
    const auto objects = lowering::lower_system(system, b, inputs);
    const auto vm =
        std::find_if(objects.begin(), objects.end(), [](const auto& o) { return o.name == "vm0"; });
    ASSERT_NE(vm, objects.end());
    EXPECT_TRUE(vm->cap("crossvm_dp_0:guest"));
    EXPECT_FALSE(vm->cap("crossvm_dp_1:guest"));
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("vm_cross_connector.camkes:"), std::string::npos) << warnings[0];
    EXPECT_NE(warnings[0].find("'vm0.crossvm_dp_1' shares 134221824 bytes, more than a cross-VM "
                               "PCI BAR holds"),
              std::string::npos)
        << warnings[0];
}

// map_frame_hack: vm0.num_extra_frame_caps pages of the shared frames at
// vm0.extra_frame_map_address in the guest, fixed; too many pages or a taken address is an
// error at the attribute.
adl::model::System with_extra_frames(int64_t pages, int64_t address) {
    auto system = cross_connector();
    for (auto& i : system.instances) {
        for (auto& a : i.attributes) {
            if (i.name != "vm0") continue;
            if (a.name == "num_extra_frame_caps") a.value.integer = pages;
            if (a.name == "extra_frame_map_address") a.value.integer = address;
        }
    }
    return system;
}

using tool_test::lowering_error;

TEST(CrossvmLowering, MapFrameHackMapsTheSharedPagesAtTheAddress) {
    const auto system = with_extra_frames(2, 0x3e000000);
    image::SystemBuilder b(qemu());
    const auto objects = lowering::lower_system(system, b, {});
    const auto vm =
        std::find_if(objects.begin(), objects.end(), [](const auto& o) { return o.name == "vm0"; });
    ASSERT_NE(vm, objects.end());
    std::vector<const image::MappingDesc*> fixed;
    for (const auto& m : b.description().mappings) {
        if (m.domain == vm->extra_domains.front().index && m.window_size == 0 &&
            m.at.raw() >= 0x3e000000 && m.at.raw() < 0x3e002000)
            fixed.push_back(&m);
    }
    ASSERT_EQ(fixed.size(), 2u);
    EXPECT_EQ(fixed[0]->at.raw(), 0x3e000000u);
    EXPECT_EQ(fixed[1]->at.raw(), 0x3e001000u);
    EXPECT_EQ(fixed[0]->size, 4096u);
    // The same regions the crossvm links move (dp0's, then dp1's).
    std::vector<uint32_t> movable;
    for (const auto& m : b.description().mappings)
        if (m.window_size != 0) movable.push_back(m.region);
    ASSERT_EQ(movable.size(), 2u);
    EXPECT_EQ(fixed[0]->region, movable[0]);
    EXPECT_EQ(fixed[1]->region, movable[1]);

    EXPECT_NE(lowering_error(with_extra_frames(3, 0x3e000000))
                  .find("'vm0.num_extra_frame_caps' is 3; the VM is shared only 2 page(s) "
                        "through seL4SharedDataWithCaps"),
              std::string::npos);
    const std::string over_ram = lowering_error(with_extra_frames(1, 0x40000000));
    EXPECT_NE(over_ram.find("'vm0.extra_frame_map_address': 1 page(s) at 0x40000000 overlap "
                            "0x40000000..0x60000000"),
              std::string::npos)
        << over_ram;
    EXPECT_NE(lowering_error(with_extra_frames(1, 0x3e000800)).find("expected a page-aligned"),
              std::string::npos);
}

} // namespace
