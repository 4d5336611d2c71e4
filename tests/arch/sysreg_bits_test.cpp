// System-register values the kernel writes, checked against their documented encodings.
#include <arch/cptr.hpp>
#include <arch/hcr.hpp>
#include <arch/pstate.hpp>
#include <arch/sctlr.hpp>
#include <arch/timer.hpp>

#include <gtest/gtest.h>

namespace {

TEST(SysRegBits, HcrForGuestsAndNativeThreads) {
    using namespace arm::hcr;
    // The kernel's guest and native-thread settings (vcpu.cpp, el2_config.hpp), as hex.
    EXPECT_EQ(kVm | kSwio | kFmo | kImo | kAmo | kTwi | kTwe | kTsc | kRw, 0x8008603bu);
    EXPECT_EQ(kVm | kDc | kTge | kRw, 0x88001001u);
}

TEST(SysRegBits, ResetAndTrapValues) {
    EXPECT_EQ(arm::sctlr::kEl1Res1, 0x30d00800u);
    EXPECT_EQ(arm::sctlr::kEl2Res1 | arm::sctlr::kM | arm::sctlr::kC | arm::sctlr::kSa |
                  arm::sctlr::kI,
              0x30c5183du);
    EXPECT_EQ(arm::cptr::kRes1 | arm::cptr::kTfp, 0x37ffu);
    EXPECT_EQ(arm::cpacr::kFpenNoTrap, 0x300000u);
    EXPECT_EQ(arm::cnthctl::kEl1pcten | arm::cnthctl::kEl1pcen, 3u);
}

TEST(SysRegBits, Pstate) {
    EXPECT_EQ(arm::pstate::kEl1hMasked, 0x3c5u);
    EXPECT_EQ(arm::pstate::exception_level(0x3c5), 1u);
    EXPECT_EQ(arm::pstate::exception_level(0x0), 0u);
    EXPECT_EQ(arm::pstate::exception_level(0x3c9), 2u);
}

} // namespace
