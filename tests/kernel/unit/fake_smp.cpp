// The fake's definitions of kernel::smp (see fake_smp.hpp).
#include "fake_smp.hpp"

#include "smp.hpp"

namespace kernel::smp {

uint32_t this_core() {
    return fake_smp::executing_core;
}

void kick(uint32_t core) {
    if (core != fake_smp::executing_core) fake_smp::kicks.push_back(core);
}

} // namespace kernel::smp
