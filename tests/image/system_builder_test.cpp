// The description API: slot numbering, stacks, reference checks, board registry.
#include "spec_fixture.hpp"

#include <gtest/gtest.h>

namespace {

TEST(SystemBuilder, BoardsRegisterThemselves) {
    const auto names = image::BoardRegistry::names();
    EXPECT_NE(std::find(names.begin(), names.end(), BULKHEAD_REFERENCE_BOARD), names.end());
    EXPECT_EQ(image::BoardRegistry::find("no-such-board"), nullptr);
}

TEST(SystemBuilder, SlotsStartAtOne) {
    image::SystemBuilder sys(image_test::board());
    const auto d = sys.add_domain("d");
    const auto ep = sys.add_endpoint("ep");
    EXPECT_EQ(sys.give_cap(d, image::endpoint_cap(ep, 0, spec::CapAll)), 1u);
    EXPECT_EQ(sys.give_cap(d, image::system_control_cap()), 2u);
}

TEST(SystemBuilder, ThreadsGetSeparateStacks) {
    image::SystemBuilder sys(image_test::board());
    const auto d = sys.add_domain("d");
    sys.add_thread(d, {.name = "a", .entry = base::VirtAddr{0x400000}});
    sys.add_thread(d, {.name = "b", .entry = base::VirtAddr{0x400000}, .stack_size = 8192});
    const auto& t = sys.description().threads;
    EXPECT_NE(t[0].stack_top, t[1].stack_top);
    EXPECT_EQ(t[0].stack_top % 16, 0u);
}

TEST(SystemBuilder, RefusesBadReferences) {
    image::SystemBuilder sys(image_test::board());
    const auto d = sys.add_domain("d");
    EXPECT_THROW(sys.add_irq_handler(40, image::NotificationId{3}, 1), std::runtime_error);
    const auto n = sys.add_notification("n");
    sys.add_irq_handler(40, n, 1);
    EXPECT_THROW(sys.add_irq_handler(40, n, 2), std::runtime_error);
    EXPECT_THROW(sys.map(image::DomainId{9}, image::RegionId{0}, base::VirtAddr{0}, image::kRead),
                 std::runtime_error);
    EXPECT_THROW(sys.add_thread(d, {.name = "t", .priority = 300}), std::runtime_error);
}

// One level of chaining, a bit of the parent's word, each notification chained once.
TEST(SystemBuilder, ChainsNotificationsOneLevelDeep) {
    image::SystemBuilder sys(image_test::board());
    const auto bound = sys.add_notification("bound");
    const auto word1 = sys.add_notification("word1");
    const auto word2 = sys.add_notification("word2");
    sys.chain_notification(word1, bound, 0);
    EXPECT_THROW(sys.chain_notification(word1, bound, 1), std::runtime_error); // twice
    EXPECT_THROW(sys.chain_notification(word2, word1, 0), std::runtime_error); // two levels
    EXPECT_THROW(sys.chain_notification(bound, word2, 0), std::runtime_error); // under a parent
    EXPECT_THROW(sys.chain_notification(word2, word2, 0), std::runtime_error); // itself
    EXPECT_THROW(sys.chain_notification(word2, bound, 64), std::runtime_error);
    sys.chain_notification(word2, bound, 1);
    ASSERT_EQ(sys.description().chains.size(), 2u);
    EXPECT_EQ(sys.description().chains[1].parent, bound.index);
    EXPECT_EQ(sys.description().chains[1].bit, 1u);
}

TEST(SystemBuilder, RefusesOverlappingDevices) {
    image::SystemBuilder sys(image_test::board());
    sys.add_device("uart", base::PhysRange{base::PhysAddr{0x9000000}, 0x1000});
    EXPECT_THROW(sys.add_device("uart2", base::PhysRange{base::PhysAddr{0x9000000}, 0x1000}),
                 std::runtime_error);
}

TEST(SystemBuilder, DevicesAreNeverZeroedOnFirstTouch) {
    auto sys = image_test::small_system();
    const auto uart2 = sys.add_device("uart2", base::PhysRange{base::PhysAddr{0x9040000}, 0x1000});
    EXPECT_THROW(sys.zero_on_first_touch(uart2), std::runtime_error);
}

} // namespace
