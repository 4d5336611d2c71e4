// Capability lookup: slot range, type and rights, each with its own error.
#include "capability.hpp"

#include "domain.hpp"

namespace kernel {

const Capability* lookup_cap(const Domain& domain, uint64_t slot, spec::CapType type,
                             uint32_t rights, abi::Status& status) {
    if (slot >= domain.cap_count || domain.caps[slot].type == spec::CapType::Null) {
        status = abi::Status::InvalidSlot;
        return nullptr;
    }
    const Capability& cap = domain.caps[slot];
    if (cap.type != type) {
        status = abi::Status::WrongType;
        return nullptr;
    }
    if ((cap.rights & rights) != rights) {
        status = abi::Status::NoRights;
        return nullptr;
    }
    status = abi::Status::Ok;
    return &cap;
}

} // namespace kernel
