// Which of the board's cores a system runs on: only those with a thread pinned to them.
// The kernel starts those and leaves the others off (under QEMU TCG every started core
// costs host time even when idle; on hardware an idle core left in firmware draws less
// power); the image tool tells QEMU how many cores to offer. Threads never change core,
// so a core with none would only ever run its idle thread.
#pragma once

#include <spec/system_spec.hpp>

#include <cstdint>
#include <span>

namespace spec::core_use {

// Bit i set: core i is to run. Core 0 always (it boots the system and takes every SPI);
// cores at or beyond cpu_count never (the spec validator refuses such threads anyway).
constexpr uint32_t cores_to_start(std::span<const Thread> threads, uint32_t cpu_count) {
    uint32_t mask = 1;
    for (const Thread& t : threads)
        if (t.core < cpu_count && t.core < 32) mask |= uint32_t{1} << t.core;
    return mask;
}

// How many cores a machine needs for the cores in `mask` (they are numbered from 0, so
// one more than the highest): QEMU's -smp for the system. Under TCG each emulated core
// that the system leaves off still costs the ones that run: every broadcast TLB
// invalidation (all Linux issues) is work queued on each core, which wakes its host thread.
constexpr uint32_t machine_cores(uint32_t mask) {
    uint32_t n = 0;
    for (; mask != 0; mask >>= 1)
        ++n;
    return n;
}

} // namespace spec::core_use
