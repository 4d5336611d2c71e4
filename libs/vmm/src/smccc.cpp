// SMCCC function-ID routing (see smccc.hpp).
#include <vmm/smccc.hpp>

namespace vmm {

bool SmcccDispatcher::add(std::string_view name, uint32_t first, uint32_t last,
                          SmcccHandler& handler) {
    if (count_ == kMaxHandlers || last < first) return false;
    if (first <= smccc::kArchFeatures && last >= smccc::kVersion) return false;
    for (std::size_t i = 0; i < count_; ++i) {
        if (first <= entries_[i].last && last >= entries_[i].first) return false;
    }
    entries_[count_++] = Entry{name, first, last, &handler};
    return true;
}

const SmcccDispatcher::Entry* SmcccDispatcher::find(uint32_t id) const {
    for (std::size_t i = 0; i < count_; ++i) {
        if (id >= entries_[i].first && id <= entries_[i].last) return &entries_[i];
    }
    return nullptr;
}

int64_t SmcccDispatcher::arch_features(uint32_t id) const {
    if (id == smccc::kVersion || id == smccc::kArchFeatures) return smccc::kSuccess;
    // Only Arm Architecture functions are discovered this way (PSCI has PSCI_FEATURES).
    const Entry* entry = smccc::owner(id) == smccc::Owner::Arch ? find(id) : nullptr;
    return entry != nullptr ? entry->handler->arch_features(id) : smccc::kNotSupported;
}

SmcccResult SmcccDispatcher::call(unsigned vcpu, SmcccConduit conduit, const SmcccCall& call) {
    SmcccResult result; // NOT_SUPPORTED
    const auto id = static_cast<uint32_t>(call.x0);
    const bool valid_id = (call.x0 >> 32) == 0;
    if (valid_id && id == smccc::kVersion) {
        result.result = smccc::kVersion1_1;
        return result;
    }
    if (valid_id && id == smccc::kArchFeatures) {
        result.result = arch_features(static_cast<uint32_t>(call.x1));
        return result;
    }
    if (const Entry* entry = valid_id ? find(id) : nullptr; entry != nullptr) {
        return entry->handler->call(vcpu, call);
    }
    if (valid_id && smccc::is_discovery_probe(id)) {
        ++probes_;
        return result;
    }
    if (unsupported_log_.admit()) {
        LogLine line;
        line << "vmm: guest " << (conduit == SmcccConduit::Hvc ? "HVC" : "SMC") << " function "
             << Hex{call.x0} << " (x1 " << Hex{call.x1} << ") on vCPU " << Dec{vcpu}
             << " has no handler: NOT_SUPPORTED";
        line.emit(unsupported_log_.sink());
    }
    return result;
}

} // namespace vmm
