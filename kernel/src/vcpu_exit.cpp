// Exit messages and replies for vCPUs: the layout documented in spec/vcpu_abi.hpp.
#include "vcpu_exit.hpp"

namespace kernel::vcpu_exit {
namespace {

using arm::ExceptionClass;

uint64_t reg_or_zero(const Context& ctx, uint64_t n) {
    return n < vcpu_abi::kXRegs ? ctx.x[n] : 0; // 31 is xzr here
}

} // namespace

void build_message(const Context& ctx, const Syndrome& s, uint64_t (&mr)[6]) {
    // Every kind writes all six words itself (no clearing first: every exit comes here).
    using vcpu_abi::ExitKind;
    mr[1] = s.esr;
    const arm::Esr esr{s.esr};
    const ExceptionClass ec = esr.ec();
    if (ec == ExceptionClass::Hvc64 || ec == ExceptionClass::Smc64) {
        mr[0] = static_cast<uint64_t>(ec == ExceptionClass::Hvc64 ? ExitKind::Hvc : ExitKind::Smc);
        for (unsigned i = 0; i < 4; ++i)
            mr[2 + i] = ctx.x[i];
        return;
    }
    if (ec == ExceptionClass::SysReg64) {
        mr[0] = static_cast<uint64_t>(ExitKind::SysReg);
        mr[2] = ctx.elr;
        mr[3] = reg_or_zero(ctx, esr.sysreg().rt);
        mr[4] = 0;
        mr[5] = 0;
        return;
    }
    mr[2] = s.far;
    mr[3] = s.hpfar;
    mr[4] = ctx.elr;
    mr[5] = 0;
    if (ec == ExceptionClass::DataAbortLower) {
        mr[0] = static_cast<uint64_t>(ExitKind::DataAbort);
        const uint32_t iss = esr.iss(); // field by field: every MMIO exit comes this way
        if (!arm::data_abort::isv(iss)) {
            mr[5] = s.instruction;
        } else if (arm::data_abort::wnr(iss)) {
            mr[5] = reg_or_zero(ctx, arm::data_abort::srt(iss));
        }
        return;
    }
    mr[0] = static_cast<uint64_t>(ExitKind::Unknown);
}

namespace {
// The exits that carry one word (MR1) and zeros.
void build_one_word_message(vcpu_abi::ExitKind kind, uint64_t word, uint64_t (&mr)[6]) {
    for (uint64_t& m : mr)
        m = 0;
    mr[0] = static_cast<uint64_t>(kind);
    mr[1] = word;
}
} // namespace

void build_eoi_message(uint32_t lr_mask, uint64_t (&mr)[6]) {
    build_one_word_message(vcpu_abi::ExitKind::EoiMaintenance, 0, mr);
    mr[vcpu_abi::kMrKind] |= uint64_t{lr_mask} << vcpu_abi::kMrEoiShift; // as on any exit
}

void build_idle_message(uint64_t esr, uint64_t (&mr)[6]) {
    build_one_word_message(vcpu_abi::ExitKind::Idle, esr, mr);
}

void apply_reply(Context& ctx, const uint64_t* mr) {
    if ((mr[0] & vcpu_abi::SetRegister) != 0 && mr[1] < vcpu_abi::kXRegs) ctx.x[mr[1]] = mr[2];
    if ((mr[0] & vcpu_abi::AdvancePc) != 0) ctx.elr += 4;
}

} // namespace kernel::vcpu_exit
