// Which cores the boot core starts: core 0, and every core a thread is pinned to.
#include <spec/core_use.hpp>

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

using spec::core_use::cores_to_start;
using spec::core_use::machine_cores;

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

TEST(CoreUse, AMachineNeedsCoresUpToTheHighestThatRuns) {
    EXPECT_EQ(machine_cores(0b0001u), 1u) << "vm_minimal: QEMU -smp 1";
    EXPECT_EQ(machine_cores(0b0011u), 2u) << "a VM on core 1";
    EXPECT_EQ(machine_cores(0b0101u), 3u) << "core 1 off, still there";
    EXPECT_EQ(machine_cores(0b1111u), 4u);
    EXPECT_EQ(machine_cores(0x80000001u), 32u);
}

} // namespace
