// The boot loader's rng-seed, found and folded into the domains' entropy streams
// (boot_entropy.hpp).
#include "boot_entropy.hpp"

#include "console.hpp"

#include <base/entropy_pool.hpp>
#include <base/fdt_chosen.hpp>

namespace kernel::boot_entropy {
namespace {

base::EntropyPool<spec::kKernelLimits.domains> g_pool; // under the kernel lock after boot
static_assert(decltype(g_pool)::kDraw == kDraw);

// The blob at `pa` if it is an FDT lying wholly inside the board's RAM (which the
// kernel's map covers); empty otherwise.
std::span<std::byte> blob_at(uint64_t pa, const spec::Board& board) {
    const uint64_t ram_end = board.ram_base + board.ram_size;
    if (pa == 0 || pa % 8 != 0 || pa < board.ram_base || pa > ram_end - base::fdt::kHeaderSize)
        return {};
    auto* header = reinterpret_cast<std::byte*>(pa);
    const std::size_t size = base::fdt::total_size({header, base::fdt::kHeaderSize});
    if (size == 0 || size > ram_end - pa) return {};
    return {header, size};
}

} // namespace

void init(uint64_t boot_x0, const spec::Board& board) {
    for (const uint64_t pa : {boot_x0, board.boot_dtb}) {
        const std::span<std::byte> blob = blob_at(pa, board);
        if (blob.empty()) continue;
        const base::fdt::PropertyValue seed = base::fdt::find_chosen_property(blob, "rng-seed");
        if (!seed.found) {
            log() << "kernel: the DTB at " << Hex{pa} << " has no /chosen/rng-seed\n";
            continue;
        }
        const std::span<std::byte> value = blob.subspan(seed.offset, seed.size);
        const bool taken = g_pool.seed(value);
        for (std::byte& b : value) // no domain is ever to read it, whatever RAM it is in
            b = std::byte{0};
        if (taken) {
            log() << "kernel: " << Dec{seed.size} << " bytes of /chosen/rng-seed from the DTB at "
                  << Hex{pa} << ": each domain draws its own entropy stream from them\n";
            return;
        }
        log() << "kernel: the rng-seed at " << Hex{pa} << " has " << Dec{seed.size}
              << " bytes, fewer than the " << Dec{g_pool.kMinSeed} << " a guest's CRNG needs\n";
    }
    log() << "kernel: no boot entropy (no DTB with an rng-seed at x0 or the board's boot DTB "
             "address): guests get no rng-seed\n";
}

bool take(uint32_t domain, std::span<std::byte, kDraw> out) {
    return g_pool.take(domain, out);
}

} // namespace kernel::boot_entropy
