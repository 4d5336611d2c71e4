// Access to AArch64 system registers and barriers from C++.
#pragma once

#include <cstdint>

#define BH_READ_SYSREG(name)                                                                       \
    ({                                                                                             \
        uint64_t _v;                                                                               \
        asm volatile("mrs %0, " #name : "=r"(_v));                                                 \
        _v;                                                                                        \
    })
#define BH_WRITE_SYSREG(name, value)                                                               \
    asm volatile("msr " #name ", %0" ::"r"(static_cast<uint64_t>(value)) : "memory")

namespace kernel::arch {

inline void isb() {
    asm volatile("isb" ::: "memory");
}
inline void dsb_sy() {
    asm volatile("dsb sy" ::: "memory");
}
inline void dsb_ish() {
    asm volatile("dsb ish" ::: "memory");
}
inline void dsb_ishst() {
    asm volatile("dsb ishst" ::: "memory");
}

template <class T> inline T mmio_read(uint64_t addr) {
    return *reinterpret_cast<volatile T*>(addr);
}
template <class T> inline void mmio_write(uint64_t addr, T value) {
    *reinterpret_cast<volatile T*>(addr) = value;
}

} // namespace kernel::arch
