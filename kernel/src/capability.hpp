// Capabilities as the kernel holds them: a typed reference to one object with a
// badge and rights. A domain names them by slot index; lookup checks everything.
#pragma once

#include <spec/call_abi.hpp>
#include <spec/system_spec.hpp>

#include <cstdint>

namespace kernel {

struct Capability {
    spec::CapType type = spec::CapType::Null;
    uint32_t object = 0;
    uint64_t badge = 0;
    uint32_t rights = 0;
};

struct Domain;

// The capability in `slot` of `domain` if it has `type` and all of `rights`;
// otherwise nullptr and `status` says why.
const Capability* lookup_cap(const Domain& domain, uint64_t slot, spec::CapType type,
                             uint32_t rights, call_abi::Status& status);

} // namespace kernel
