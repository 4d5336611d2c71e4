// A board record against the board DTB (lowering/board_dtb_check.hpp), on the reference
// board's own DTB: its record passes; a console at an address where the DTB has no device,
// or has another device, of the wrong kind or with another SPI, and GIC frames or a GIC
// version the DTB's GIC does not have are errors naming the record's file, the board, the
// field and what the DTB has there.
#include <lowering/board_dtb_check.hpp>

#include <gtest/gtest.h>
#include <libfdt.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace {

adl::DeviceTree reference_dtb() {
    return adl::DeviceTree::load(BULKHEAD_PLATFORM_DTB, {});
}

image::Board reference_board() {
    return image::BoardRegistry::checked(BULKHEAD_REFERENCE_BOARD);
}

bool has_problem(const image::Board& b, const std::string& field, const std::string& part) {
    const auto problems = lowering::check_board_against_dtb(b, reference_dtb());
    return std::any_of(problems.begin(), problems.end(), [&](const image::BoardProblem& p) {
        return p.field == field && p.message.find(part) != std::string::npos;
    });
}

TEST(BoardDtbCheck, TheReferenceBoardsConsoleIsItsDtbsUart) {
    for (const auto& p : lowering::check_board_against_dtb(reference_board(), reference_dtb()))
        ADD_FAILURE() << p.field << ": " << p.message;
    EXPECT_NO_THROW(lowering::require_board_matches_dtb(reference_board(), reference_dtb()));
}

TEST(BoardDtbCheck, AConsoleUartTheBoardLacks) {
    image::Board b = reference_board();
    b.console.base = base::PhysAddr{0x09500000}; // nothing there in QEMU virt
    EXPECT_TRUE(has_problem(b, "console.base", "0x9500000: the DTB has no device there"));
    b.console.base = base::PhysAddr{0x09010000}; // the PL031 RTC, not a UART
    EXPECT_TRUE(has_problem(b, "console.kind", "PL011, but /pl031@9010000 is \"arm,pl031\""));
}

TEST(BoardDtbCheck, TheWrongKindOrInterrupt) {
    image::Board b = reference_board();
    b.console.kind = spec::ConsoleKind::Imx;
    EXPECT_TRUE(has_problem(b, "console.kind", "i.MX, but /pl011@9000000 is \"arm,pl011\""));
    b = reference_board();
    b.console.irq = 34;
    EXPECT_TRUE(has_problem(b, "console.irq", "34, but /pl011@9000000 has interrupt 33"));
    b.console.kind = spec::ConsoleKind::None; // no console: nothing to check
    EXPECT_TRUE(lowering::check_board_against_dtb(b, reference_dtb()).empty());
}

TEST(BoardDtbCheck, TheErrorNamesTheRecordsFileBoardFieldAndDtb) {
    image::Board b = reference_board();
    b.name = "dtb-mismatch-test-board";
    b.console.base = base::PhysAddr{0x09500000};
    const image::BoardRegistration reg{b};
    try {
        lowering::require_board_matches_dtb(*image::BoardRegistry::find(b.name), reference_dtb());
        FAIL() << "no error";
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("board_dtb_check_test.cpp:"), std::string::npos) << what;
        EXPECT_NE(what.find("board dtb-mismatch-test-board: console.base: 0x9500000"),
                  std::string::npos)
            << what;
        EXPECT_NE(what.find(BULKHEAD_PLATFORM_DTB), std::string::npos) << what;
    }
}

TEST(BoardDtbCheck, GicFramesOrVersionTheDtbDoesNotHave) {
    image::Board b = reference_board();
    b.gicv = base::PhysAddr{0x08050000};
    EXPECT_TRUE(has_problem(b, "gicv", "0x8050000, but /intc@8000000's reg entry 3 is 0x8040000"));
    b = reference_board();
    b.gicd = base::PhysAddr{0x09500000};
    EXPECT_TRUE(has_problem(b, "gicd", "0x9500000: the DTB has no device there"));
    // The reference board's GICv3 configuration against its GICv2 DTB.
    b = image::BoardRegistry::checked(BULKHEAD_REFERENCE_BOARD, 3);
    EXPECT_TRUE(
        has_problem(b, "gic_version", "GICv3, but /intc@8000000 is \"arm,cortex-a15-gic\""));
}

// A DTB whose GIC node lists only the distributor and the CPU interface at the reference
// board's addresses (as seL4's own tx2 DTB does), written to a file for DeviceTree::load.
std::string dtb_without_virtualization_frames(const image::Board& b) {
    std::vector<char> blob(4096);
    void* fdt = blob.data();
    auto be64 = [](uint64_t v) { return cpu_to_fdt64(v); };
    const uint64_t reg[4] = {be64(b.gicd.raw()), be64(0x10000), be64(b.gicc.raw()), be64(0x10000)};
    const uint32_t two = cpu_to_fdt32(2);
    EXPECT_EQ(fdt_create(fdt, static_cast<int>(blob.size())), 0);
    EXPECT_EQ(fdt_finish_reservemap(fdt), 0);
    EXPECT_EQ(fdt_begin_node(fdt, ""), 0);
    EXPECT_EQ(fdt_property(fdt, "#address-cells", &two, sizeof two), 0);
    EXPECT_EQ(fdt_property(fdt, "#size-cells", &two, sizeof two), 0);
    EXPECT_EQ(fdt_begin_node(fdt, "intc"), 0);
    EXPECT_EQ(fdt_property_string(fdt, "compatible", "arm,cortex-a15-gic"), 0);
    EXPECT_EQ(fdt_property(fdt, "reg", reg, sizeof reg), 0);
    EXPECT_EQ(fdt_end_node(fdt), 0);
    EXPECT_EQ(fdt_end_node(fdt), 0);
    EXPECT_EQ(fdt_finish(fdt), 0);
    const std::string path = testing::TempDir() + "gic_without_virtualization_frames.dtb";
    std::ofstream(path, std::ios::binary).write(blob.data(), fdt_totalsize(fdt));
    return path;
}

} // namespace

TEST(BoardDtbCheck, ADtbWithoutTheGicsVirtualizationFramesIsNoContradiction) {
    const image::Board b = reference_board();
    const auto problems = lowering::check_board_against_dtb(
        b, adl::DeviceTree::load(dtb_without_virtualization_frames(b), {}));
    for (const auto& p : problems) {
        EXPECT_NE(p.field, "gich") << p.message;
        EXPECT_NE(p.field, "gicv") << p.message;
        EXPECT_NE(p.field, "gicc") << p.message;
        EXPECT_NE(p.field, "gic_version") << p.message;
    }
    // The CPU interface is not optional: a GIC node without it is still an error.
    image::Board moved = b;
    moved.gicc = base::PhysAddr{b.gicc.raw() + 0x100000};
    const auto wrong = lowering::check_board_against_dtb(
        moved, adl::DeviceTree::load(dtb_without_virtualization_frames(b), {}));
    EXPECT_TRUE(std::any_of(wrong.begin(), wrong.end(),
                            [](const image::BoardProblem& p) { return p.field == "gicc"; }));
}
