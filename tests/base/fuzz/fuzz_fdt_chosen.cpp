// libFuzzer target: the FDT reader the kernel runs on whatever DTB its boot loader left
// (or on whatever x0 pointed at). Any input: no read outside it, and a found value lies
// inside it.
#include <base/fdt_chosen.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::span<const std::byte> blob(reinterpret_cast<const std::byte*>(data), size);
    for (const char* name : {"rng-seed", "bootargs", ""}) {
        const auto p = base::fdt::find_chosen_property(blob, name);
        if (p.found && (p.offset > size || p.size > size - p.offset)) abort();
    }
    (void)base::fdt::total_size(blob);
    return 0;
}
