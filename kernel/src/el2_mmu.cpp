// EL2 stage-1 translation: four 1 GiB blocks, identity. Identity keeps physical
// addresses from the spec directly usable (page-table pool, regions to zero).
#include "el2_mmu.hpp"

#include "sysreg.hpp"

#include <arch/sctlr.hpp>

namespace kernel::el2_mmu {
namespace {

constexpr uint64_t kGiB = 1ull << 30;
constexpr uint64_t kBlock = 0b01;
constexpr uint64_t kAttrDevice = 0 << 2; // MAIR index 0
constexpr uint64_t kAttrNormal = 1 << 2; // MAIR index 1
constexpr uint64_t kInnerShareable = 3ull << 8;
constexpr uint64_t kAccessFlag = 1ull << 10;
constexpr uint64_t kExecuteNever = 1ull << 54;

alignas(4096) uint64_t g_level1[512];

} // namespace

void enable(uint64_t ram_base, uint64_t ram_size) {
    // A GiB holding any of the board's RAM is Normal memory, the rest Device (ZynqMP's
    // RAM starts at 0 and its devices sit in the fourth GiB).
    for (uint64_t i = 0; i < 4; ++i) {
        const uint64_t base = i * kGiB;
        const bool ram = base < ram_base + ram_size && base + kGiB > ram_base;
        g_level1[i] = base | kBlock | kAccessFlag |
                      (ram ? (kAttrNormal | kInnerShareable) : (kAttrDevice | kExecuteNever));
    }
    enable_this_core();
}

void enable_this_core() {
    // MAIR: index 0 Device-nGnRnE, index 1 Normal write-back read/write-allocate.
    BH_WRITE_SYSREG(mair_el2, 0xff00ull);
    // TCR_EL2: T0SZ=32 (4 GiB, walk starts at level 1), WB walks, inner shareable,
    // 4 KiB granule, PS=40 bits, RES1 bits 31 and 23.
    BH_WRITE_SYSREG(tcr_el2, 32ull | (1ull << 8) | (1ull << 10) | (3ull << 12) | (2ull << 16) |
                                 (1ull << 23) | (1ull << 31));
    BH_WRITE_SYSREG(ttbr0_el2, reinterpret_cast<uint64_t>(g_level1));
    arch::dsb_sy();
    asm volatile("tlbi alle2" ::: "memory");
    arch::dsb_sy();
    arch::isb();
    // Alignment checks stay off (A = 0).
    BH_WRITE_SYSREG(sctlr_el2, arm::sctlr::kEl2Res1 | arm::sctlr::kM | arm::sctlr::kC |
                                   arm::sctlr::kSa | arm::sctlr::kI);
    arch::isb();
}

} // namespace kernel::el2_mmu
