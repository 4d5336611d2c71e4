// Exit counter reports (see exit_counts.hpp).
#include "exit_counts.hpp"

using vcpu_abi::kExitCounterNames;
using vcpu_abi::kExitCounters;

namespace {

void log_range(unsigned id, const char* what, const uint64_t* counts, unsigned first, unsigned last,
               vmm::LogSink& log) {
    vmm::LogLine line;
    line << "vm: vCPU " << vmm::Dec{id} << " exits " << what << ":";
    for (unsigned k = first; k < last; ++k)
        line << ' ' << kExitCounterNames[k] << '=' << vmm::Dec{static_cast<int64_t>(counts[k])};
    line.emit(log);
}

} // namespace

void log_exit_counts(std::span<const KernelVcpu> vcpus, vmm::LogSink& log) {
    for (const KernelVcpu& v : vcpus) {
        uint64_t counts[kExitCounters] = {};
        if (!v.read_exit_counts(counts)) {
            vmm::LogLine line;
            line << "vm: vCPU " << vmm::Dec{v.id()} << ": the kernel has no exit counters";
            line.emit(log);
            continue;
        }
        log_range(v.id(), "to the VMM", counts, 0, vcpu_abi::kExitCountersToVmm, log);
        log_range(v.id(), "in the kernel", counts, vcpu_abi::kExitCountersToVmm,
                  vcpu_abi::kExitKinds, log);
        // Not exits: what they carried (EOI reports riding on exits of other kinds).
        log_range(v.id(), "carrying", counts, vcpu_abi::kExitKinds, kExitCounters, log);
    }
}

vmm::SmcccResult ExitCountService::call(unsigned /*vcpu*/, const vmm::SmcccCall& /*call*/) {
    log_exit_counts(vcpus_, log_);
    vmm::SmcccResult result;
    result.result = vmm::smccc::kSuccess;
    return result;
}
