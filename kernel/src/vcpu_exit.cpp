// Exit messages and replies for vCPUs: the layout documented in spec/vcpu_abi.hpp.
#include "vcpu_exit.hpp"

namespace kernel::vcpu_exit {
namespace {

constexpr uint64_t kEsrIsv = 1ull << 24;
constexpr uint64_t kEsrWnR = 1ull << 6;

uint64_t reg_or_zero(const Context& ctx, uint64_t n) {
    return n < vcpu_abi::kXRegs ? ctx.x[n] : 0; // 31 is xzr here
}

} // namespace

void build_message(const Context& ctx, const Syndrome& s, uint64_t (&mr)[6]) {
    using vcpu_abi::ExitKind;
    for (uint64_t& m : mr)
        m = 0;
    mr[1] = s.esr;
    const uint32_t ec = exception_class(s.esr);
    if (ec == kEcHvc64 || ec == kEcSmc64) {
        mr[0] = static_cast<uint64_t>(ec == kEcHvc64 ? ExitKind::Hvc : ExitKind::Smc);
        for (unsigned i = 0; i < 4; ++i)
            mr[2 + i] = ctx.x[i];
        return;
    }
    if (ec == kEcSysReg) {
        mr[0] = static_cast<uint64_t>(ExitKind::SysReg);
        mr[2] = ctx.elr;
        mr[3] = reg_or_zero(ctx, (s.esr >> 5) & 0x1f);
        return;
    }
    mr[2] = s.far;
    mr[3] = s.hpfar;
    mr[4] = ctx.elr;
    if (ec == kEcDataAbortLower) {
        mr[0] = static_cast<uint64_t>(ExitKind::DataAbort);
        if ((s.esr & kEsrIsv) == 0) {
            mr[5] = s.instruction;
        } else if ((s.esr & kEsrWnR) != 0) {
            mr[5] = reg_or_zero(ctx, (s.esr >> 16) & 0x1f);
        }
        return;
    }
    mr[0] = static_cast<uint64_t>(ExitKind::Unknown);
}

void build_eoi_message(uint32_t lr_mask, uint64_t (&mr)[6]) {
    for (uint64_t& m : mr)
        m = 0;
    mr[0] = static_cast<uint64_t>(vcpu_abi::ExitKind::EoiMaintenance);
    mr[1] = lr_mask;
}

void apply_reply(Context& ctx, const uint64_t* mr) {
    if ((mr[0] & vcpu_abi::SetRegister) != 0 && mr[1] < vcpu_abi::kXRegs) ctx.x[mr[1]] = mr[2];
    if ((mr[0] & vcpu_abi::AdvancePc) != 0) ctx.elr += 4;
}

} // namespace kernel::vcpu_exit
