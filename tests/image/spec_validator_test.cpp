// The validator names what is wrong with a damaged spec.
#include "spec_fixture.hpp"

#include <image/memory_layout.hpp>
#include <image/spec_writer.hpp>
#include <spec/crc32.hpp>
#include <spec/spec_validator.hpp>
#include <spec/spec_view.hpp>

#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <string>

namespace {

std::vector<uint8_t> good() {
    const auto sys = image_test::small_system();
    return image::write_spec(sys.description(),
                             image::lay_out(sys.description(), base::PhysAddr{0x60200000}));
}

void reseal(std::vector<uint8_t>& b) {
    const uint32_t crc = spec::spec_checksum(b.data(), b.size());
    std::memcpy(b.data() + offsetof(spec::Header, checksum), &crc, 4);
}

template <class T> T* record(std::vector<uint8_t>& b, spec::Table t, size_t i) {
    const spec::SpecView v(b.data());
    const auto& ref = v.header().tables[static_cast<uint32_t>(t)];
    return reinterpret_cast<T*>(b.data() + ref.offset + i * ref.record_size);
}

std::string what(const std::vector<uint8_t>& b, size_t available) {
    return spec::validate(b.data(), available).what;
}

TEST(SpecValidator, Truncated) {
    const auto b = good();
    EXPECT_NE(what(b, b.size() - 8).find("truncated"), std::string::npos);
    EXPECT_NE(what(b, 10).find("shorter than its header"), std::string::npos);
}

TEST(SpecValidator, MissingEndMarker) {
    auto b = good();
    b[b.size() - 16] = 'X';
    EXPECT_NE(what(b, b.size()).find("end marker"), std::string::npos);
}

TEST(SpecValidator, BadMagicAndVersion) {
    auto b = good();
    b[0] = 'X';
    EXPECT_NE(what(b, b.size()).find("magic"), std::string::npos);
    b = good();
    b[8] = static_cast<uint8_t>(spec::kVersion + 1);
    EXPECT_NE(what(b, b.size()).find("version"), std::string::npos);
}

TEST(SpecValidator, DanglingReferences) {
    auto b = good();
    record<spec::Thread>(b, spec::Table::Threads, 0)->domain = 5;
    reseal(b);
    auto v = spec::validate(b.data(), b.size());
    EXPECT_STREQ(v.what, "no such domain");
    EXPECT_STREQ(v.where, "threads");
    EXPECT_EQ(v.index, 0u);

    b = good();
    record<spec::Cap>(b, spec::Table::Caps, 1)->object = 3;
    reseal(b);
    EXPECT_STREQ(spec::validate(b.data(), b.size()).what, "no such object");

    b = good();
    record<spec::IrqHandler>(b, spec::Table::IrqHandlers, 0)->irq = 26;
    reseal(b);
    EXPECT_STREQ(spec::validate(b.data(), b.size()).what, "IRQ is the kernel's timer");
}

TEST(SpecValidator, AddressChecks) {
    auto b = good();
    record<spec::Region>(b, spec::Table::Regions, 0)->phys = 0x1000; // RAM outside RAM
    reseal(b);
    EXPECT_STREQ(spec::validate(b.data(), b.size()).what, "RAM region outside board RAM");

    b = good();
    record<spec::Mapping>(b, spec::Table::Mappings, 0)->size = 0x100000;
    reseal(b);
    EXPECT_STREQ(spec::validate(b.data(), b.size()).what, "runs past the end of its region");

    b = good();
    record<spec::Mapping>(b, spec::Table::Mappings, 4)->cacheability =
        static_cast<uint32_t>(spec::Cacheability::WriteBack); // the UART, cacheable
    reseal(b);
    EXPECT_STREQ(spec::validate(b.data(), b.size()).what, "device region mapped cacheable");
}

TEST(SpecValidator, RegionFlags) {
    const auto g = good();
    const spec::SpecView view(g.data());
    uint32_t ram = spec::kNone, device = spec::kNone;
    for (uint32_t i = 0; i < view.regions().size(); ++i) {
        if (view.regions()[i].kind == static_cast<uint32_t>(spec::RegionKind::Device))
            device = i;
        else
            ram = i;
    }
    ASSERT_NE(ram, spec::kNone);
    ASSERT_NE(device, spec::kNone);

    auto b = good();
    record<spec::Region>(b, spec::Table::Regions, ram)->flags = spec::RegionZeroOnFirstTouch;
    reseal(b);
    EXPECT_TRUE(spec::validate(b.data(), b.size()).ok) << "RAM may be zeroed on first touch";

    b = good();
    record<spec::Region>(b, spec::Table::Regions, ram)->flags = 0x80;
    reseal(b);
    EXPECT_STREQ(spec::validate(b.data(), b.size()).what, "unknown region flags");

    b = good();
    record<spec::Region>(b, spec::Table::Regions, device)->flags = spec::RegionZeroOnFirstTouch;
    reseal(b);
    EXPECT_STREQ(spec::validate(b.data(), b.size()).what, "device region with flags")
        << "a device's registers are never zeroed";
}

TEST(SpecValidator, BoardFlags) {
    auto b = good();
    record<spec::Board>(b, spec::Table::Board, 0)->flags = spec::BoardStage2PagesOnly;
    reseal(b);
    EXPECT_TRUE(spec::validate(b.data(), b.size()).ok);

    b = good();
    record<spec::Board>(b, spec::Table::Board, 0)->flags = 0x2; // the retired QEMU TLB flag
    reseal(b);
    EXPECT_STREQ(spec::validate(b.data(), b.size()).what, "unknown board flags");

    b = good();
    record<spec::Board>(b, spec::Table::Board, 0)->flags = 0x10;
    reseal(b);
    EXPECT_STREQ(spec::validate(b.data(), b.size()).what, "unknown board flags");
}

TEST(SpecValidator, BootDtbInsideRamOrNone) {
    auto b = good();
    auto* board = record<spec::Board>(b, spec::Table::Board, 0);
    board->boot_dtb = board->ram_base;
    reseal(b);
    EXPECT_TRUE(spec::validate(b.data(), b.size()).ok);

    b = good();
    board = record<spec::Board>(b, spec::Table::Board, 0);
    board->boot_dtb = board->ram_base + board->ram_size;
    reseal(b);
    EXPECT_STREQ(spec::validate(b.data(), b.size()).what, "boot DTB address outside RAM");
}

// A chained notification names an unchained parent and a bit of its word; every other
// notification names none.
TEST(SpecValidator, ChainedNotifications) {
    auto sys = image_test::small_system();
    const auto word = sys.add_notification("word");
    sys.chain_notification(word, image::NotificationId{0}, 63);
    const auto spec = [&] {
        return image::write_spec(sys.description(),
                                 image::lay_out(sys.description(), base::PhysAddr{0x60200000}));
    };
    auto b = spec();
    ASSERT_TRUE(spec::validate(b.data(), b.size()).ok) << what(b, b.size());
    EXPECT_EQ(record<spec::Notification>(b, spec::Table::Notifications, 0)->parent, spec::kNone);
    EXPECT_EQ(record<spec::Notification>(b, spec::Table::Notifications, 1)->parent, 0u);
    EXPECT_EQ(record<spec::Notification>(b, spec::Table::Notifications, 1)->parent_bit, 63u);
    const auto damaged = [&](uint32_t index, uint32_t parent, uint32_t bit) {
        auto d = spec();
        *record<spec::Notification>(d, spec::Table::Notifications, index) = {parent, bit};
        reseal(d);
        return std::string(what(d, d.size()));
    };
    EXPECT_EQ(damaged(1, 7, 0), "no such parent notification");
    EXPECT_EQ(damaged(1, 1, 0), "no such parent notification"); // itself
    EXPECT_EQ(damaged(1, 0, 64), "parent bit above 63");
    EXPECT_EQ(damaged(0, 1, 0), "parent is chained itself"); // two levels
}

TEST(SpecValidator, KernelLimits) {
    const auto b = good();
    spec::Limits tiny;
    tiny.threads = 1;
    const auto v = spec::validate(b.data(), b.size(), tiny);
    EXPECT_STREQ(v.what, "more records than the kernel can hold");
    EXPECT_STREQ(v.where, "threads");
}

} // namespace

namespace {

// Random damage with a valid checksum must be refused or accepted, never read
// outside the spec (this file is built with AddressSanitizer, validator included).
TEST(SpecValidator, SurvivesRandomDamage) {
    const auto base = good();
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    auto next = [&] {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        return seed;
    };
    unsigned refused = 0;
    for (int round = 0; round < 20000; ++round) {
        // An exact-size heap copy so that any overread trips ASan.
        std::vector<uint8_t> b(base);
        const int flips = 1 + static_cast<int>(next() % 4);
        for (int f = 0; f < flips; ++f) {
            const size_t at = 16 + next() % (b.size() - 16); // keep magic/version mostly
            b[at] = static_cast<uint8_t>(next());
        }
        reseal(b);
        if (!spec::validate(b.data(), b.size()).ok) ++refused;
    }
    EXPECT_GT(refused, 1000u);
}

} // namespace

namespace {

TEST(SpecValidator, ThreadsPinnedToExistingCores) {
    auto b = good();
    record<spec::Thread>(b, spec::Table::Threads, 1)->core = 3; // qemu-arm-virt: 4 CPUs
    reseal(b);
    EXPECT_TRUE(spec::validate(b.data(), b.size()).ok);
    record<spec::Thread>(b, spec::Table::Threads, 1)->core = 4;
    reseal(b);
    const auto v = spec::validate(b.data(), b.size());
    EXPECT_STREQ(v.what, "pinned to a CPU the board does not have");
    EXPECT_EQ(v.index, 1u);
}

} // namespace

namespace {

TEST(SpecValidator, MappingsAndThreadsMakeSense) {
    auto b = good();
    record<spec::Mapping>(b, spec::Table::Mappings, 2)->ipa = 0x400000; // onto the code
    reseal(b);
    EXPECT_STREQ(spec::validate(b.data(), b.size()).what, "overlaps another mapping in its domain");

    b = good();
    record<spec::Thread>(b, spec::Table::Threads, 0)->entry = 0x1000000; // shared data, RW
    reseal(b);
    EXPECT_STREQ(spec::validate(b.data(), b.size()).what,
                 "entry point not in an executable mapping");

    b = good();
    record<spec::Thread>(b, spec::Table::Threads, 0)->stack_top = 0x402000; // top of code
    reseal(b);
    EXPECT_STREQ(spec::validate(b.data(), b.size()).what, "stack not in a writable mapping");
}

} // namespace

namespace {

// small_system() plus a movable mapping of a page of "shared" in the client's window at
// 0x5000000 (64 KiB) and a Mapping capability to it.
std::vector<uint8_t> with_movable(const std::function<void(image::SystemBuilder&)>& change = {}) {
    auto sys = image_test::small_system();
    const image::MappingId m =
        sys.map_movable(image::DomainId{0}, image::RegionId{1},
                        base::Range<base::VirtAddr>{base::VirtAddr{0x5000000}, 0x10000},
                        image::kRead | image::kWrite, spec::Cacheability::WriteBack, 0, 0x1000);
    sys.give_cap(image::DomainId{0}, image::mapping_cap(m));
    if (change) change(sys);
    return image::write_spec(sys.description(),
                             image::lay_out(sys.description(), base::PhysAddr{0x60200000}));
}

// What the spec writer (which validates what it writes) says of such a system.
std::string refusal(const std::function<void(image::SystemBuilder&)>& change) {
    try {
        (void)with_movable(change);
    } catch (const std::exception& e) {
        return e.what();
    }
    return "accepted";
}

TEST(SpecValidator, MovableMappings) {
    auto b = with_movable();
    ASSERT_TRUE(spec::validate(b.data(), b.size()).ok) << spec::validate(b.data(), b.size()).what;
    const uint32_t movable = spec::SpecView(b.data()).mappings().size() - 1;
    EXPECT_EQ(record<spec::Mapping>(b, spec::Table::Mappings, movable)->window_size, 0x10000u);

    record<spec::Mapping>(b, spec::Table::Mappings, movable)->window_size = 0x800;
    reseal(b);
    EXPECT_STREQ(what(b, b.size()).c_str(), "window smaller than the mapping");

    // A fixed mapping inside the window; two movable ones may share it.
    EXPECT_NE(refusal([](image::SystemBuilder& sys) {
                  sys.map(image::DomainId{0}, image::RegionId{0}, base::VirtAddr{0x5008000},
                          image::kRead);
              }).find("overlaps another mapping in its domain"),
              std::string::npos);
    EXPECT_EQ(refusal([](image::SystemBuilder& sys) {
                  (void)sys.map_movable(
                      image::DomainId{0}, image::RegionId{0},
                      base::Range<base::VirtAddr>{base::VirtAddr{0x5000000}, 0x10000},
                      image::kRead);
              }),
              "accepted");
    EXPECT_NE(refusal([](image::SystemBuilder& sys) {
                  sys.zero_on_first_touch(image::RegionId{1});
              }).find("movable mapping of zero-on-first-touch RAM"),
              std::string::npos);

    // A Mapping capability must name a movable mapping.
    b = with_movable();
    const spec::SpecView v(b.data());
    for (uint32_t i = 0; i < v.caps().size(); ++i) {
        if (v.caps()[i].type == static_cast<uint32_t>(spec::CapType::Mapping))
            record<spec::Cap>(b, spec::Table::Caps, i)->object = 0;
    }
    reseal(b);
    EXPECT_STREQ(what(b, b.size()).c_str(), "mapping capability to a fixed mapping");
}

} // namespace
