// PSCI 1.0 function dispatch for the guest (return codes per Arm DEN 0022).
#include <vmm/vpsci.hpp>

namespace vmm {
namespace {

constexpr uint64_t kAffinityMask = 0xff00ffffffull; // Aff3 [39:32], Aff2..Aff0 [23:0]

bool is_smc32(uint32_t function) {
    return (function & 0x40000000u) == 0;
}

} // namespace

Vpsci::Vpsci(unsigned num_vcpus) : num_vcpus_(num_vcpus > kMaxVcpus ? kMaxVcpus : num_vcpus) {
    reset();
}

void Vpsci::reset() {
    states_.fill(State::Off);
    if (num_vcpus_ > 0) states_[0] = State::On;
}

void Vpsci::vcpu_running(unsigned vcpu) {
    if (vcpu < num_vcpus_) states_[vcpu] = State::On;
}

bool Vpsci::install(SmcccDispatcher& dispatcher) {
    return dispatcher.add("psci", psci::kFirst32, psci::kLast32, *this) &&
           dispatcher.add("psci", psci::kFirst64, psci::kLast64, *this);
}

bool Vpsci::implemented(uint32_t function) {
    switch (function) {
    case smccc::kVersion: // answered by the SmcccDispatcher (PSCI 1.0, 5.1.14)
    case psci::kVersion:
    case psci::kCpuOff:
    case psci::kCpuOn32:
    case psci::kCpuOn64:
    case psci::kAffinityInfo32:
    case psci::kAffinityInfo64:
    case psci::kMigrateInfoType:
    case psci::kSystemOff:
    case psci::kSystemReset:
    case psci::kFeatures:
        return true;
    default:
        return false;
    }
}

PsciAction Vpsci::handle(unsigned caller, const PsciCall& call) {
    const auto function = static_cast<uint32_t>(call.x0);
    PsciAction action;
    if ((call.x0 >> 32) != 0 || caller >= num_vcpus_) return action; // NOT_SUPPORTED
    // SMC32 calls pass 32-bit arguments; the upper halves are not the caller's.
    const uint64_t mask = is_smc32(function) ? 0xffffffffu : ~uint64_t{0};
    const uint64_t a1 = call.x1 & mask, a2 = call.x2 & mask, a3 = call.x3 & mask;
    switch (function) {
    case psci::kVersion:
        action.result = psci::kVersion1_0;
        break;
    case psci::kFeatures:
        // CPU_SUSPEND is not offered, so no feature flags to report.
        action.result = implemented(static_cast<uint32_t>(call.x1)) && (call.x1 >> 32) == 0
                            ? psci::kSuccess
                            : psci::kNotSupported;
        break;
    case psci::kCpuOn32:
    case psci::kCpuOn64:
        return cpu_on(a1, a2, a3);
    case psci::kCpuOff:
        states_[caller] = State::Off;
        action.effect = PsciAction::Effect::StopCaller;
        action.result = psci::kSuccess;
        break;
    case psci::kAffinityInfo32:
    case psci::kAffinityInfo64:
        action.result = affinity_info(a1, a2);
        break;
    case psci::kMigrateInfoType:
        action.result = psci::kMigrateNotRequired;
        break;
    case psci::kSystemOff:
        action.effect = PsciAction::Effect::SystemOff;
        action.result = psci::kSuccess;
        break;
    case psci::kSystemReset:
        action.effect = PsciAction::Effect::SystemReset;
        action.result = psci::kSuccess;
        break;
    default:
        break; // every other PSCI or SMCCC function: NOT_SUPPORTED
    }
    return action;
}

PsciAction Vpsci::cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context) {
    PsciAction action;
    const uint64_t affinity = mpidr & kAffinityMask;
    if (affinity >= num_vcpus_) {
        action.result = psci::kInvalidParameters;
        return action;
    }
    const auto target = static_cast<unsigned>(affinity);
    if (states_[target] == State::On) {
        action.result = psci::kAlreadyOn;
        return action;
    }
    if (states_[target] == State::OnPending) {
        action.result = psci::kOnPending;
        return action;
    }
    if ((entry & 3) != 0 || !entries_.contains(base::GuestPhysAddr{entry})) {
        action.result = psci::kInvalidAddress;
        return action;
    }
    states_[target] = State::OnPending;
    action.effect = PsciAction::Effect::StartVcpu;
    action.result = psci::kSuccess;
    action.target = target;
    action.entry = entry;
    action.context_id = context;
    return action;
}

int64_t Vpsci::affinity_info(uint64_t mpidr, uint64_t level) const {
    const uint64_t affinity = mpidr & kAffinityMask;
    // PSCI 1.0 only defines lowest affinity level 0.
    if (level != 0 || affinity >= num_vcpus_) return psci::kInvalidParameters;
    switch (states_[affinity]) {
    case State::On:
        return psci::kAffinityOn;
    case State::OnPending:
        return psci::kAffinityOnPending;
    default:
        return psci::kAffinityOff;
    }
}

} // namespace vmm
