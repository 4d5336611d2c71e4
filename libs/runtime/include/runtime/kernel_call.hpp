// Raw kernel calls (spec/call_abi.hpp): x0/x1 arguments, x2..x7 message registers,
// x8 call number, `svc #0`. Everything else is preserved by the kernel.
#pragma once

#include <spec/call_abi.hpp>

#include <cstdint>

namespace runtime {

struct Message {
    uint64_t mr[call_abi::kMessageRegisters] = {};
};

struct CallResult {
    call_abi::Status status;
    uint64_t value; // badge (receive), bits (wait/poll)
};

inline CallResult kernel_call(call_abi::Call call, uint64_t a0, uint64_t a1, Message& m) {
    register uint64_t x0 asm("x0") = a0;
    register uint64_t x1 asm("x1") = a1;
    register uint64_t x2 asm("x2") = m.mr[0];
    register uint64_t x3 asm("x3") = m.mr[1];
    register uint64_t x4 asm("x4") = m.mr[2];
    register uint64_t x5 asm("x5") = m.mr[3];
    register uint64_t x6 asm("x6") = m.mr[4];
    register uint64_t x7 asm("x7") = m.mr[5];
    register uint64_t x8 asm("x8") = static_cast<uint64_t>(call);
    asm volatile("svc #0"
                 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5), "+r"(x6), "+r"(x7)
                 : "r"(x8)
                 : "memory");
    m.mr[0] = x2;
    m.mr[1] = x3;
    m.mr[2] = x4;
    m.mr[3] = x5;
    m.mr[4] = x6;
    m.mr[5] = x7;
    return CallResult{static_cast<call_abi::Status>(x0), x1};
}

inline CallResult kernel_call(call_abi::Call call, uint64_t a0 = 0) {
    Message m;
    return kernel_call(call, a0, 0, m);
}

} // namespace runtime
