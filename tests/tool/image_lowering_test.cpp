// vm_minimal lowered into the image tool's SystemBuilder (only when tools/image is
// in the tree): the description holds the domains, objects, regions and caps.
#if __has_include(<image/system_builder.hpp>)
#include "image_spec_sink.hpp"
#include "vm_minimal_app.hpp"

#include <image/board.hpp>
#include <image/memory_layout.hpp>

#include <gtest/gtest.h>

namespace {

TEST(ImageLowering, VmMinimalIntoSystemBuilder) {
    const auto* board = image::BoardRegistry::find("qemu-arm-virt");
    ASSERT_NE(board, nullptr);
    image::SystemBuilder builder(*board);
    adl::ImageSpecSink sink(builder);
    auto system = tool_test::vm_minimal_system();
    auto lowered = adl::lower_to_spec(system, sink);
    const auto& d = builder.description();
    ASSERT_EQ(d.domains.size(), 3u);
    EXPECT_EQ(d.domains[2].name, "vm0.guest");
    EXPECT_EQ(d.endpoints.size(), 1u);
    EXPECT_EQ(d.notifications.size(), 1u);
    ASSERT_EQ(d.irq_handlers.size(), 1u);
    EXPECT_EQ(d.irq_handlers[0].irq, 33u);
    EXPECT_EQ(d.regions.size(), 3u);
    EXPECT_EQ(d.mappings.size(), 4u);
    // The physical layout: guest RAM stays at its unity address, the FileServer's
    // buffer lands in the board's kernel pool.
    auto layout = image::lay_out(d, board->kernel_pool.base + 0x100000);
    ASSERT_EQ(layout.region_base.size(), 3u);
    EXPECT_EQ(layout.region_base[1].raw(), 0x40000000u);
    EXPECT_EQ(layout.region_base[2].raw(), 0x9000000u);
    EXPECT_TRUE(board->kernel_pool.contains(base::PhysRange{layout.region_base[0], 0x100000}));
    // The slots the glue names (NumberingSpecSink) are the builder's.
    adl::NumberingSpecSink numbering;
    auto numbered = adl::lower_to_spec(system, numbering);
    for (size_t i = 0; i < lowered.size(); ++i) {
        ASSERT_EQ(lowered[i].caps.size(), numbered[i].caps.size());
        for (size_t c = 0; c < lowered[i].caps.size(); ++c) {
            EXPECT_EQ(lowered[i].caps[c].slot, numbered[i].caps[c].slot) << lowered[i].caps[c].name;
        }
    }
}

} // namespace
#endif
