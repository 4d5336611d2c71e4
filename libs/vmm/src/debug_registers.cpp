// The guest's debug registers: read as zero, writes ignored (see debug_registers.hpp).
#include <vmm/debug_registers.hpp>

#include <arch/mdcr.hpp>

namespace vmm {

bool DebugRegisters::take(const arm::SysRegIss& reg, unsigned vcpu) {
    if (reg.op0 != arm::mdcr::kDebugOp0) return false;
    if (accesses_++ == 0) {
        LogLine line;
        line << "vmm: vCPU " << Dec{vcpu}
             << " uses the debug registers: they are the hypervisor's, the guest's read as 0 "
                "and ignore writes";
        line.emit(log_);
    }
    return true;
}

bool DebugRegisters::write(const arm::SysRegIss& reg, unsigned vcpu, uint64_t /*value*/) {
    return take(reg, vcpu);
}

bool DebugRegisters::read(const arm::SysRegIss& reg, unsigned vcpu, uint64_t& value) {
    if (!take(reg, vcpu)) return false;
    value = 0;
    return true;
}

} // namespace vmm
