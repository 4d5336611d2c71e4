// The copy behind the freestanding memcpy (libs/base/src/freestanding_memory.cpp), as a
// function of its own so that host tests run the same code the target does.
#pragma once

#include <cstddef>

namespace base {

// memcpy's contract (no overlap). Only aligned 8-byte loads and stores and single
// bytes: the target is built -mstrict-align, so unaligned words are not to be had.
// Ends that share their alignment copy 64 bytes per iteration; ends that do not (a
// frame 12 bytes into a guest buffer) still move a word per load: the destination is
// aligned first and each stored word is put together from two aligned source words.
// Never reads outside [src, src + n). It copies upwards and reads every source byte before
// it writes at or above it, so a destination below an overlapping source is fine too
// (memmove's downward case uses it).
void* copy_memory(void* dst, const void* src, size_t n);

} // namespace base
