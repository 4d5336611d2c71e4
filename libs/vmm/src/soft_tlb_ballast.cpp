// The reading itself (soft_tlb_ballast.hpp): a volatile load per page, which the compiler
// may not drop; what it reads does not matter.
#include "vmm/soft_tlb_ballast.hpp"

namespace vmm {

bool SoftTlbBallast::before_block(uint64_t now) {
    if (!enabled() || (readings_ != 0 && now - last_ < interval_)) return false;
    last_ = now;
    ++readings_;
    const auto* base = reinterpret_cast<const volatile std::byte*>(memory_.data());
    for (std::size_t page = 0; page < pages(); ++page)
        (void)base[page * kPageSize];
    return true;
}

} // namespace vmm
