// Capability lookup: slot range, type and rights, each with its own error.
#include "capability.hpp"

#include "domain.hpp"

namespace kernel {

const Capability* lookup_cap(const Domain& domain, uint64_t slot, spec::CapType type,
                             uint32_t rights, call_abi::Status& status) {
    if (slot >= domain.cap_count || domain.caps[slot].type == spec::CapType::Null) {
        status = call_abi::Status::InvalidSlot;
        return nullptr;
    }
    const Capability& cap = domain.caps[slot];
    if (cap.type != type) {
        status = call_abi::Status::WrongType;
        return nullptr;
    }
    if ((cap.rights & rights) != rights) {
        status = call_abi::Status::NoRights;
        return nullptr;
    }
    status = call_abi::Status::Ok;
    return &cap;
}

} // namespace kernel
