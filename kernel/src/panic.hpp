// Fatal kernel errors: report and power off (tests see "BULKHEAD PANIC").
#pragma once

#include <cstdint>

namespace kernel {

[[noreturn]] void panic(const char* why);
[[noreturn]] void panic(const char* why, uint64_t value);

} // namespace kernel
