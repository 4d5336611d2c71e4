// What every static guest program of the project shares (program.cpp): the process entry
// without a C library, the freestanding memset/memcpy, failing with a message and printing
// numbers.
#pragma once

#include <cstddef>
#include <cstdint>

namespace guest {

[[noreturn]] void fail(const char* program, const char* what);
// A decimal argument; 0 when it is none.
size_t number(const char* text);
// Prints `v` in decimal (base 10) or as 0x-prefixed hex (base 16) on standard output.
void print_number(uint64_t v, unsigned base = 10);

} // namespace guest

// Each program's entry (after _start).
int main(int argc, char** argv);
