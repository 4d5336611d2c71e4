// Kernel calls on a vCPU from a thread of another core (a VMM whose vCPUs are spread over
// cores): what such a call may do while the vCPU's state is in its own core's registers,
// and the list-register mailbox that carries the VMM's writes there. Portable (no system
// registers): vcpu.cpp applies it, host tests check it (tests/kernel/unit/vcpu_remote_test).
#pragma once

#include <arch/list_register.hpp>

#include <cstdint>

namespace kernel::vcpu_remote {

// Where the vCPU's state is, as seen by the core making the call (under the kernel lock,
// so the vCPU's core is not in the kernel meanwhile).
struct Residence {
    bool same_core;    // the caller is pinned to the vCPU's core: the usual, lazy rules
    bool running;      // its core's current thread: x0..x30, PC and PSTATE are in registers
    bool el1_loaded;   // its core holds its EL1 system registers
    bool timer_loaded; // its core holds its virtual timer
    bool gic_loaded;   // its core's list registers are its
};

enum class Access : uint8_t {
    Here, // work on the saved copy (or, on its own core, through the usual lazy rules)
    Post, // a list-register write: into the mailbox, applied by its core before it runs
    Busy, // its core must save the state first: ask it (kick), the caller tries again
};

// A register read or write, suspend's follow-ups, a reset's timer list register: any of
// the vCPU's state may be touched, so it must all be in memory.
constexpr Access state_access(const Residence& r) {
    if (r.same_core) return Access::Here;
    return r.running || r.el1_loaded || r.timer_loaded || r.gic_loaded ? Access::Busy
                                                                       : Access::Here;
}

// A list-register write (not the reset of the kernel's timer register): the mailbox when
// the list registers are in the other core's hardware, else the saved copy.
constexpr Access list_register_access(const Residence& r) {
    if (r.same_core) return Access::Here;
    return r.gic_loaded ? Access::Post : Access::Here;
}

// List-register words posted by another core, one slot per list register; a later write
// to the same register replaces the earlier one, as it would in the hardware.
template <unsigned kSlots> struct LrMailbox {
    static_assert(kSlots <= 32, "one bit per slot");
    uint32_t word[kSlots] = {};
    uint32_t full = 0; // bit i: word[i] waits to be written

    bool post(unsigned i, uint32_t w) {
        if (i >= kSlots) return false;
        word[i] = w;
        full |= 1u << i;
        return true;
    }
    // A posted word that is pending: the vCPU must not wait in WFI for it.
    [[nodiscard]] bool pending() const {
        for (uint32_t f = full; f != 0; f &= f - 1)
            if ((word[__builtin_ctz(f)] & arm::gicv2::lr::kPending) != 0) return true;
        return false;
    }
    [[nodiscard]] bool empty() const { return full == 0; }
    // Hands every posted word to `write(index, word)` in index order and empties the box.
    template <class Write> void drain(Write write) {
        for (uint32_t f = full; f != 0; f &= f - 1) {
            const auto i = static_cast<unsigned>(__builtin_ctz(f));
            write(i, word[i]);
        }
        full = 0;
    }
};

} // namespace kernel::vcpu_remote
