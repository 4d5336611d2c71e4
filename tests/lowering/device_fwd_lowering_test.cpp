// The VM's forwarded devices and introspection windows in the lowering, with apps/
// vm_device_fwd and apps/vm_introspect as the tool loads them. device_fwd: a `uses
// DeviceFwd` interface of the VM with <iface>_address becomes a ForwardedDevice of the VM's
// configuration (its server's endpoint, the range) and the device_fwd module is started;
// a missing, misaligned or taken address is an error at file:line:column. Introspection: a
// seL4SharedDataWithCaps connection whose paddr is guest RAM is a read-only window onto
// it for the native end, no cross-VM link, no warning, and the guest reaches nothing of
// the component's but the link it is meant to.
#include "lowering_error.hpp"
#include "vm_minimal_app.hpp"

#include <adl/diagnostic.hpp>
#include <image/board.hpp>
#include <lowering/lowering.hpp>
#include <spec/instance_page.hpp>
#include <vmm/vm_config.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <set>

namespace {

const image::Board& qemu() {
    return *image::BoardRegistry::find(BULKHEAD_REFERENCE_BOARD);
}

adl::model::System app_system(const std::string& name,
                              const std::function<void(adl::model::System&)>& edit = {}) {
    // The model points into the loaded files: each app is loaded once and kept.
    static std::map<std::string, adl::LoadedApp> apps;
    if (apps.count(name) == 0) apps.emplace(name, tool_test::load_app(name));
    adl::model::System system =
        adl::resolve(apps.at(name).merged, {BULKHEAD_REFERENCE_BOARD, BULKHEAD_PLATFORM_DTB});
    if (edit) edit(system);
    return system;
}

void set_attribute(adl::model::System& system, const std::string& name, int64_t value) {
    for (auto& i : system.instances)
        for (auto& a : i.attributes)
            if (i.name == "vm0" && a.name == name) a.value.integer = value;
}

using tool_test::lowering_error;

const lowering::InstanceObjects& named(const std::vector<lowering::InstanceObjects>& objects,
                                       const std::string& name) {
    const auto it =
        std::find_if(objects.begin(), objects.end(), [&](const auto& o) { return o.name == name; });
    EXPECT_NE(it, objects.end()) << name;
    return *it;
}

TEST(DeviceFwdLowering, AForwardingInterfaceIsAForwardedDeviceOfTheConfiguration) {
    const auto system = app_system("vm_device_fwd");
    image::SystemBuilder b(qemu());
    const auto objects = lowering::lower_system(system, b, {});
    const auto& vm = named(objects, "vm0");
    std::vector<uint8_t> page;
    for (const auto& r : b.description().regions)
        if (r.name == "vm0:instance") page = r.contents;
    // Written for the app's VM type here (no program definition given): its hash, read back.
    spec::instance::Header header{};
    ASSERT_GE(page.size(), sizeof header);
    std::memcpy(&header, page.data(), sizeof header);
    const spec::instance::PageView view(page.data(), header.type_hash);
    uint64_t length = 0;
    const char* blob = view.bytes(header.type_blob, length);
    vmm::vm_config::View config;
    ASSERT_TRUE(config.open({reinterpret_cast<const std::byte*>(blob), length}));
    ASSERT_EQ(config.header().forwards.count, 1u);
    const auto f = config.forward(0);
    EXPECT_EQ(config.string(f.interface), "regs");
    EXPECT_EQ(f.guest_base, 0x30000000u);
    EXPECT_EQ(f.size, 0x1000u);
    ASSERT_TRUE(vm.interface("regs") != nullptr && vm.interface("regs")->slot);
    EXPECT_EQ(f.slot, *vm.interface("regs")->slot);
    const auto& caps = b.description().domains[vm.domain.index].caps;
    EXPECT_EQ(caps[f.slot].type, static_cast<uint32_t>(spec::CapType::Endpoint));
    std::vector<std::string_view> modules;
    for (uint32_t i = 0; i < config.header().modules.count; ++i)
        modules.push_back(config.module(i));
    EXPECT_NE(std::find(modules.begin(), modules.end(), "device_fwd"), modules.end());
    // Nothing is mapped there in the guest: its accesses trap to the VMM.
    for (const auto& m : b.description().mappings) {
        if (m.domain != vm.extra_domains.front().index) continue;
        EXPECT_FALSE(m.at.raw() < 0x30001000 && m.at.raw() + m.size > 0x30000000);
    }
}

TEST(DeviceFwdLowering, AMissingMisalignedOrTakenAddressIsAnErrorAtTheSetting) {
    const auto missing = lowering_error(app_system("vm_device_fwd", [](auto& s) {
        for (auto& i : s.instances)
            std::erase_if(i.attributes, [](const auto& a) { return a.name == "regs_address"; });
    }));
    EXPECT_NE(missing.find("'vm0.regs' forwards a device (DeviceFwd); expected "
                           "'vm0.regs_address' = its guest-physical address"),
              std::string::npos)
        << missing;
    EXPECT_NE(missing.find("vm_device_fwd.camkes:"), std::string::npos) << missing;
    const auto misaligned = lowering_error(
        app_system("vm_device_fwd", [](auto& s) { set_attribute(s, "regs_address", 0x30000100); }));
    EXPECT_NE(misaligned.find("'vm0.regs' forwards 0x1000 bytes at 0x30000100; expected whole "
                              "pages at a page-aligned guest-physical address below 4 GiB"),
              std::string::npos)
        << misaligned;
    EXPECT_NE(misaligned.find("devices.camkes:"), std::string::npos) << misaligned;
    const auto in_ram = lowering_error(
        app_system("vm_device_fwd", [](auto& s) { set_attribute(s, "regs_address", 0x48000000); }));
    EXPECT_NE(in_ram.find("'vm0.regs_address': 0x1000 bytes at 0x48000000 overlap "
                          "0x40000000..0x60000000, which the guest already uses"),
              std::string::npos)
        << in_ram;
}

TEST(IntrospectLowering, GuestRamSharedWithANativeComponentIsAReadOnlyWindowForIt) {
    const auto system = app_system("vm_introspect");
    image::SystemBuilder b(qemu());
    std::vector<std::string> warnings;
    lowering::Inputs inputs;
    inputs.warnings = &warnings;
    const auto objects = lowering::lower_system(system, b, inputs);
    EXPECT_TRUE(warnings.empty()) << warnings.front();
    const auto& vm = named(objects, "vm0");
    const auto& md = named(objects, "md");
    EXPECT_FALSE(vm.cap("memdev:guest")) << "guest RAM is no cross-VM link";
    EXPECT_TRUE(vm.cap("introspect_data:guest"));
    const auto& d = b.description();
    // md maps guest RAM itself (the VM's region), all of it, read-only.
    std::set<uint32_t> md_regions;
    bool window = false;
    for (const auto& m : d.mappings) {
        if (m.domain != md.domain.index) continue;
        md_regions.insert(m.region);
        if (d.regions[m.region].name != "vm0:ram") continue;
        window = true;
        EXPECT_EQ(m.rights, image::kRead);
        EXPECT_EQ(m.offset, 0u);
        EXPECT_EQ(m.size, 0x10000000u);
    }
    EXPECT_TRUE(window);
    // The guest reaches nothing of md's but guest RAM and the link's frames.
    for (const auto& m : d.mappings) {
        if (m.domain != vm.extra_domains.front().index || md_regions.count(m.region) == 0) continue;
        const std::string& r = d.regions[m.region].name;
        EXPECT_TRUE(r == "vm0:ram" || r == "data_conn.buffer") << r;
    }
}

} // namespace
