// For libs/base's own memcpy/memset/memmove loops: the compiler must not recognise them as
// those functions and turn them into calls (on the target, calls to themselves).
#pragma once

#if defined(__clang__)
#define BULKHEAD_NO_LIBCALL __attribute__((no_builtin))
#else
#define BULKHEAD_NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))
#endif
