// Shared by boot.S, vectors.S and thread.hpp: one kernel stack per core, 16 KiB each,
// at kernel_stacks + core * size (the top of core i's is at (i + 1) * size), and the
// offset of Thread::kernel_stack (the top of its core's stack) the vectors read.
#pragma once
#define KERNEL_STACK_SHIFT 14
#define KERNEL_STACK_SIZE (1 << KERNEL_STACK_SHIFT)
#define KERNEL_MAX_CORES 8
#define THREAD_KERNEL_STACK 984
