// Decoding and performing a guest's trapped TLBI locally (see guest_tlbi.hpp).
// Encodings: Arm ARM (DDI 0487) C5.5, TLBI: SYS #op1, C8, Cm, #op2, Xt with op1 = 0 for
// the EL1&0 operations; CRm 3 the inner-shareable (broadcast) forms, CRm 7 the local ones.
#include "guest_tlbi.hpp"

#include <arch/esr.hpp>

namespace kernel::guest_tlbi {
namespace {

constexpr uint8_t kCrnTlbi = 8;
constexpr uint8_t kCrmInnerShareable = 3;
constexpr uint8_t kCrmLocal = 7;

// By op2 for CRm 3 and 7 (the same operation, broadcast or not); op2 4 and 6 are unallocated.
constexpr std::optional<Op> kByOp2[8] = {Op::VmallE1,  Op::VaE1,  Op::AsidE1,   Op::VaaE1,
                                         std::nullopt, Op::ValE1, std::nullopt, Op::VaalE1};

} // namespace

std::optional<Op> decode(uint32_t iss) {
    const arm::SysRegIss s = arm::SysRegIss::decode(iss);
    // SYS (op0 1, a write) in the TLBI space, from EL1 (op1 0).
    if (s.op0 != 1 || s.read || s.crn != kCrnTlbi || s.op1 != 0) return std::nullopt;
    if (s.crm == kCrmInnerShareable || s.crm == kCrmLocal) {
        if (const std::optional<Op> op = kByOp2[s.op2]) return op;
    }
    return Op::VmallE1;
}

bool vcpus_share_one_core(std::span<const spec::Thread> threads, uint32_t domain) {
    constexpr uint32_t kNoCore = ~uint32_t{0};
    uint32_t core = kNoCore;
    for (const spec::Thread& t : threads) {
        if (t.domain != domain || (t.flags & static_cast<uint32_t>(spec::ThreadFlags::Vcpu)) == 0)
            continue;
        if (core != kNoCore && t.core != core) return false;
        core = t.core;
    }
    return core != kNoCore;
}

void perform(Op op, uint64_t xt) {
#if defined(__aarch64__)
    // At EL2 with HCR_EL2.{E2H,TGE} = {0,0} (the guest's HCR is still loaded) these act
    // on the EL1&0 regime of the VMID in VTTBR_EL2: the guest's.
    switch (op) {
    case Op::VmallE1:
        asm volatile("tlbi vmalle1" ::: "memory");
        break;
    case Op::VaE1:
        asm volatile("tlbi vae1, %0" ::"r"(xt) : "memory");
        break;
    case Op::AsidE1:
        asm volatile("tlbi aside1, %0" ::"r"(xt) : "memory");
        break;
    case Op::VaaE1:
        asm volatile("tlbi vaae1, %0" ::"r"(xt) : "memory");
        break;
    case Op::ValE1:
        asm volatile("tlbi vale1, %0" ::"r"(xt) : "memory");
        break;
    case Op::VaalE1:
        asm volatile("tlbi vaale1, %0" ::"r"(xt) : "memory");
        break;
    }
    asm volatile("dsb nsh" ::: "memory");
#else
    (void)op;
    (void)xt;
#endif
}

} // namespace kernel::guest_tlbi
