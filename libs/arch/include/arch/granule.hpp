// The 4 KiB translation granule of the VMSAv8-64 tables Bulkhead builds: a page, and the
// block one level-2 entry maps. Arm ARM (DDI 0487) D8.2 (translation granule sizes).
#pragma once

#include <cstdint>

namespace arm::granule {

inline constexpr uint64_t kPageBytes = 4096;
inline constexpr uint64_t kBlockBytes = uint64_t{2} << 20; // a level-2 block

} // namespace arm::granule
