// Which cores the boot core starts: only those with a thread pinned to them. Under QEMU
// TCG every started core costs host time even when idle (its tick every 5 ms, and each
// broadcast TLB invalidation flushes its software TLB too); on hardware an idle core
// left in firmware draws less power. Threads never change core, so a core with none
// would only ever run its idle thread.
#pragma once

#include <spec/system_spec.hpp>

#include <cstdint>
#include <span>

namespace kernel::core_use {

// Bit i set: core i is to run. Core 0 always (it boots the system and takes every SPI);
// cores at or beyond cpu_count never (the spec validator refuses such threads anyway).
uint32_t cores_to_start(std::span<const spec::Thread> threads, uint32_t cpu_count);

} // namespace kernel::core_use
