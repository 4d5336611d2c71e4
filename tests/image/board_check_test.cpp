// Board record checks: every registered board passes; each kind of mistake in a record is
// found, with the field it is in, and the lookup the tool does names the board's file.
#include <image/board.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>

namespace {

using base::PhysAddr;
using base::PhysRange;

image::Board good() {
    return image::Board{
        .name = "test-board",
        .ram = PhysRange{PhysAddr{0x80000000}, 0x40000000},
        .kernel_pool = PhysRange{PhysAddr{0xa0000000}, 0x20000000},
        .gicd = PhysAddr{0x2c001000},
        .gicc = PhysAddr{0x2c002000},
        .gich = PhysAddr{0x2c004000},
        .gicv = PhysAddr{0x2c006000},
        .console = {.kind = spec::ConsoleKind::Ns16550,
                    .base = PhysAddr{0x1c090000},
                    .irq = 37,
                    .reg_shift = 2},
    };
}

bool has_problem(const image::Board& b, const std::string& field, const std::string& part) {
    const auto problems = image::check_board(b);
    return std::any_of(problems.begin(), problems.end(), [&](const image::BoardProblem& p) {
        return p.field == field && p.message.find(part) != std::string::npos;
    });
}

TEST(BoardCheck, EveryRegisteredBoardIsValid) {
    const auto names = image::BoardRegistry::names();
    ASSERT_FALSE(names.empty());
    for (const auto& name : names) {
        const image::Board* b = image::BoardRegistry::find(name);
        ASSERT_NE(b, nullptr);
        for (const auto& p : image::check_board(*b))
            ADD_FAILURE() << b->where << ": " << name << ": " << p.field << ": " << p.message;
        EXPECT_NE(b->where.find("platforms/" + name + "/board.cpp"), std::string::npos) << b->where;
    }
}

TEST(BoardCheck, AGoodRecordHasNoProblems) {
    EXPECT_TRUE(image::check_board(good()).empty());
}

// The kernel reads the boot DTB through its map of RAM: an address elsewhere is a board bug.
TEST(BoardCheck, BootDtbOutsideRamOrUnaligned) {
    image::Board b = good();
    b.boot_dtb = PhysAddr{0x80000000};
    EXPECT_TRUE(image::check_board(b).empty());
    b.boot_dtb = PhysAddr{0x40000000};
    EXPECT_TRUE(has_problem(b, "boot_dtb", "in ram"));
    b.boot_dtb = PhysAddr{0xc0000000}; // the end of RAM
    EXPECT_TRUE(has_problem(b, "boot_dtb", "in ram"));
    b.boot_dtb = PhysAddr{0x80000004};
    EXPECT_TRUE(has_problem(b, "boot_dtb", "8-byte aligned"));
}

TEST(BoardCheck, OverlappingFrames) {
    image::Board b = good();
    b.gicc = PhysAddr{0x2c001000}; // on top of the distributor
    EXPECT_TRUE(has_problem(b, "gicc", "overlaps gicd"));
    b = good();
    b.console.base = PhysAddr{0x2c007000}; // inside the 8 KiB GICV frame
    EXPECT_TRUE(has_problem(b, "console.base", "overlaps gicv"));
}

TEST(BoardCheck, FramesInsideRamOrMissing) {
    image::Board b = good();
    b.gicd = PhysAddr{0x90000000};
    EXPECT_TRUE(has_problem(b, "gicd", "inside ram"));
    b = good();
    b.gich = PhysAddr{0};
    EXPECT_TRUE(has_problem(b, "gich", "missing"));
}

TEST(BoardCheck, ConsoleTheBoardCannotHave) {
    image::Board b = good();
    b.console.base = PhysAddr{0x80001000}; // in RAM
    EXPECT_TRUE(has_problem(b, "console.base", "inside ram"));
    b = good();
    b.console.base = PhysAddr{0};
    EXPECT_TRUE(has_problem(b, "console.base", "missing"));
    b = good();
    b.console.kind = spec::ConsoleKind::Pl011; // a PL011 has no register shift
    EXPECT_TRUE(has_problem(b, "console.reg_shift", "only an NS16550"));
    b = good();
    b.console.irq = 27;
    EXPECT_TRUE(has_problem(b, "console.irq", "not an SPI"));
}

TEST(BoardCheck, PoolOutsideRamTimersGicVersionCpus) {
    image::Board b = good();
    b.kernel_pool = PhysRange{PhysAddr{0xb0000000}, 0x20000000}; // runs past RAM's end
    EXPECT_TRUE(has_problem(b, "kernel_pool", "not inside ram"));
    b = good();
    b.hyp_timer_irq = 40;
    EXPECT_TRUE(has_problem(b, "hyp_timer_irq", "not a PPI"));
    b = good();
    b.gic_version = 4;
    EXPECT_TRUE(has_problem(b, "gic_version", "drives GICv2 and GICv3"));
    b = good();
    b.gic_version = 3; // GICv3 frames: GICD and the redistributors, no GICR given
    EXPECT_TRUE(has_problem(b, "gicr", "missing"));
    b = good();
    b.cpu_count = 0;
    EXPECT_TRUE(has_problem(b, "cpu_count", "no CPUs"));
}

// qemu-arm-virt runs with GICv2 (its record) or GICv3 (its gicv3 frames); the record for
// GICv3 has GICD and GICR only and passes the check; a board without GICv3 frames refuses.
TEST(BoardCheck, GicV3ConfigurationOfABoardThatOffersIt) {
    const image::Board virt = image::BoardRegistry::checked(BULKHEAD_REFERENCE_BOARD, 3);
    EXPECT_EQ(virt.gic_version, 3u);
    EXPECT_EQ(virt.gicd.raw(), 0x08000000u);
    EXPECT_EQ(virt.gicr.raw(), 0x080a0000u);
    EXPECT_EQ(virt.gicc.raw(), 0u);
    EXPECT_EQ(virt.gicv.raw(), 0u);
    EXPECT_TRUE(image::check_board(virt).empty());
    EXPECT_EQ(image::gic_versions(virt), std::vector<uint32_t>{3});
    const image::Board& v2 = image::BoardRegistry::checked(BULKHEAD_REFERENCE_BOARD);
    EXPECT_EQ(image::gic_versions(v2), (std::vector<uint32_t>{2, 3}));
    EXPECT_EQ(image::BoardRegistry::checked(BULKHEAD_REFERENCE_BOARD, 0).gic_version, 2u);
    // Redistributors overlapping the distributor: named.
    image::Board bad = virt;
    bad.gicr = bad.gicd;
    EXPECT_TRUE(has_problem(bad, "gicr", "overlaps gicd"));
    // A board with no GICv3 frames: refused, naming the board.
    const image::Board plain = good();
    try {
        (void)image::for_gic_version(plain, 3);
        FAIL() << "no error";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("offers no GICv3"), std::string::npos) << e.what();
    }
}

TEST(BoardCheck, CheckedLookupNamesFileBoardAndField) {
    image::Board b = good();
    b.name = "broken-test-board";
    b.gicv = b.gicc;
    const image::BoardRegistration reg{b};
    try {
        (void)image::BoardRegistry::checked("broken-test-board");
        FAIL() << "no error";
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("board_check_test.cpp:"), std::string::npos) << what;
        EXPECT_NE(what.find("board broken-test-board: gicv: 0x2c002000 overlaps gicc"),
                  std::string::npos)
            << what;
    }
    EXPECT_THROW((void)image::BoardRegistry::checked("no-such-board"), std::runtime_error);
}

} // namespace
