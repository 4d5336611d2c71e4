// Which cores the boot core starts: core 0, and every core a thread is pinned to.
#include "core_use.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace {

std::vector<spec::Thread> threads_on(std::initializer_list<uint32_t> cores) {
    std::vector<spec::Thread> threads;
    for (uint32_t c : cores) {
        spec::Thread t{};
        t.core = c;
        threads.push_back(t);
    }
    return threads;
}

using kernel::core_use::cores_to_start;

TEST(CoreUse, EveryThreadOnCoreZeroStartsNoOtherCore) {
    EXPECT_EQ(cores_to_start(threads_on({0, 0, 0}), 4), 0b0001u);
}

TEST(CoreUse, CoresWithThreadsStartOthersStayOff) {
    EXPECT_EQ(cores_to_start(threads_on({0, 1, 2, 3}), 4), 0b1111u) << "vm_minimal_smp";
    EXPECT_EQ(cores_to_start(threads_on({2, 0, 2}), 4), 0b0101u);
}

TEST(CoreUse, CoreZeroRunsEvenWithoutThreads) {
    // It boots the system and takes every SPI: the VM on core 1 still needs it.
    EXPECT_EQ(cores_to_start(threads_on({1}), 4), 0b0011u);
    EXPECT_EQ(cores_to_start({}, 1), 0b1u);
}

TEST(CoreUse, CoresTheBoardDoesNotHaveAreNeverStarted) {
    EXPECT_EQ(cores_to_start(threads_on({0, 5, 31, 40}), 4), 0b0001u);
}

} // namespace
