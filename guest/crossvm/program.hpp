// What every static guest program of the project shares (program.cpp): the process entry
// without a C library, the freestanding memset/memcpy, and failing with a message.
#pragma once

#include <cstddef>

namespace guest {

[[noreturn]] void fail(const char* program, const char* what);
// A decimal argument; 0 when it is none.
size_t number(const char* text);

} // namespace guest

// Each program's entry (after _start).
int main(int argc, char** argv);
