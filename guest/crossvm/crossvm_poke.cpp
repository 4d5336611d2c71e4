// crossvm_poke /dev/uioN <offset> <value> [count] [width]: writes `value` to BAR0 at
// `offset` (decimal) `count` times with `width`-byte stores (1, 2 or 4; default 4), for
// the hostile-guest tests: doorbell storms, writes to read-only or reserved registers, and
// accesses the VMM refuses (the program then takes a bus error).
#include "crossvm_uio.hpp"

int main(int argc, char** argv) {
    if (argc < 4)
        guest::fail("crossvm_poke", "usage: crossvm_poke /dev/uioN offset value [count] [width]");
    const guest::CrossvmLink link = guest::open_link(argv[1], false);
    const size_t offset = guest::number(argv[2]) % 4096;
    const auto value = static_cast<uint32_t>(guest::number(argv[3]));
    const size_t count = argc > 4 ? guest::number(argv[4]) : 1;
    const size_t width = argc > 5 ? guest::number(argv[5]) : 4;
    auto* base = reinterpret_cast<volatile uint8_t*>(link.registers);
    for (size_t i = 0; i < count; ++i) {
        if (width == 1) {
            base[offset] = static_cast<uint8_t>(value);
        } else if (width == 2) {
            *reinterpret_cast<volatile uint16_t*>(base + (offset & ~size_t{1})) =
                static_cast<uint16_t>(value);
        } else {
            *reinterpret_cast<volatile uint32_t*>(base + (offset & ~size_t{3})) = value;
        }
    }
    return 0;
}
