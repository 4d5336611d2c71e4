// Passing allowed guest firmware calls on (see smc_forwarder.hpp).
#include <vmm/smc_forwarder.hpp>

#include <algorithm>

namespace vmm {

bool SmcForwarder::install(SmcccDispatcher& dispatcher, std::span<const Range> ranges,
                           LogSink& log) {
    for (const Range& r : ranges) {
        if (!dispatcher.add(name_, r.first, r.last, *this)) {
            LogLine line;
            line << "vmm: " << name_ << ": firmware calls " << Hex{r.first} << ".." << Hex{r.last}
                 << " are already another handler's";
            line.emit(log);
            return false;
        }
    }
    return true;
}

SmcccResult SmcForwarder::call(unsigned vcpu, const SmcccCall& call) {
    const auto id = static_cast<uint32_t>(call.x0);
    const bool allowed = std::find(allowed_.begin(), allowed_.end(), id) != allowed_.end();
    if (allowed && firmware_ != nullptr) {
        const SmcccResult answer = firmware_->forward(call);
        if (forwarded_.admit()) {
            LogLine line;
            line << "vmm: " << name_ << ": forwarded guest call " << Hex{id} << " (x1 "
                 << Hex{call.x1} << ") on vCPU " << Dec{vcpu} << " to the firmware: x0 "
                 << Hex{static_cast<uint64_t>(answer.result)};
            line.emit(forwarded_.sink());
        }
        return answer;
    }
    GuestEventLimit& limit = allowed ? unreachable_ : refused_;
    if (limit.admit()) {
        LogLine line;
        line << "vmm: " << name_ << ": " << (allowed ? "no firmware for" : "refused")
             << " guest call " << Hex{id} << " (x1 " << Hex{call.x1} << ") on vCPU " << Dec{vcpu}
             << ": NOT_SUPPORTED";
        line.emit(limit.sink());
    }
    return SmcccResult{}; // NOT_SUPPORTED
}

} // namespace vmm
