// kernel_debug_lines: slots, roles and the line format shared by the system, its component
// and the test's patterns (tests/kernel/CMakeLists.txt).
#pragma once

#include <cstdint>

namespace debug_lines {
// One domain per printer, so every slot number is the printer's own.
// Printer 0: its report notification (receive), printer n's stop notification (send) in
// kStopSlot + n - 1, power. Printers 1, 2: report running and done to printer 0 (send, with
// their bits as badges), their own stop notification (receive).
inline constexpr unsigned kReportSlot = 1; // printer 0: receive; the others: running_bit
inline constexpr unsigned kStopSlot = 2;
inline constexpr unsigned kDoneSlot = 3; // printers 1, 2: done_bit
inline constexpr unsigned kPowerSlot = 4;
inline constexpr unsigned kPrinters = 3; // one per core, printer n on core n
// Printers 1 and 2 say they run after kRunningAfter lines and print until stopped;
// printer 0 prints until both run, then kOverlap lines more, then stops them: at least
// that many lines of each core are written while the others write theirs.
inline constexpr unsigned kRunningAfter = 10;
inline constexpr unsigned kOverlap = 400;
// Each line: "debug-lines: core <n> line <ddddd> " then kLetters times the core's letter
// ('a' + n), then " end": 117 bytes, three DebugWrite pieces (56 bytes each).
inline constexpr unsigned kLetters = 80;
// Printer n's report bits: it runs (prints), it has stopped.
inline constexpr uint64_t running_bit(unsigned n) {
    return uint64_t{1} << n;
}
inline constexpr uint64_t done_bit(unsigned n) {
    return uint64_t{1} << (8 + n);
}
} // namespace debug_lines
