// The few Linux system calls (arm64: svc #0, x8 = number) the cross-VM guest programs
// make, without a C library: they are static and freestanding, built by the project's
// cross compiler (no arm64 libc is installed).
#pragma once

#include <cstddef>
#include <cstdint>

namespace guest {

namespace nr {
inline constexpr long kOpenat = 56, kClose = 57, kRead = 63, kWrite = 64, kExit = 93, kPread = 67,
                      kPwrite = 68, kMmap = 222, kMunmap = 215, kMlock = 228, kNanosleep = 101;
} // namespace nr
inline constexpr int kAtFdcwd = -100;
inline constexpr int kORdonly = 0, kORdwr = 2, kOSync = 0x101000;
inline constexpr int kOWronly = 1;
inline constexpr int kProtRead = 1, kProtWrite = 2, kMapShared = 1, kMapPrivate = 2,
                     kMapAnonymous = 0x20, kMapLocked = 0x2000, kMapPopulate = 0x8000;

inline long syscall(long n, long a = 0, long b = 0, long c = 0, long d = 0, long e = 0,
                    long f = 0) {
    register long x0 asm("x0") = a;
    register long x1 asm("x1") = b;
    register long x2 asm("x2") = c;
    register long x3 asm("x3") = d;
    register long x4 asm("x4") = e;
    register long x5 asm("x5") = f;
    register long x8 asm("x8") = n;
    asm volatile("svc #0"
                 : "+r"(x0)
                 : "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5), "r"(x8)
                 : "memory");
    return x0;
}

inline int open(const char* path, int flags) {
    return static_cast<int>(syscall(nr::kOpenat, kAtFdcwd, reinterpret_cast<long>(path), flags));
}
inline long read(int fd, void* buf, size_t n) {
    return syscall(nr::kRead, fd, reinterpret_cast<long>(buf), static_cast<long>(n));
}
inline long write(int fd, const void* buf, size_t n) {
    return syscall(nr::kWrite, fd, reinterpret_cast<long>(buf), static_cast<long>(n));
}
inline long pread(int fd, void* buf, size_t n, long offset) {
    return syscall(nr::kPread, fd, reinterpret_cast<long>(buf), static_cast<long>(n), offset);
}
inline long pwrite(int fd, const void* buf, size_t n, long offset) {
    return syscall(nr::kPwrite, fd, reinterpret_cast<long>(buf), static_cast<long>(n), offset);
}
inline void close(int fd) {
    (void)syscall(nr::kClose, fd);
}
// MAP_FAILED is a small negative errno.
inline void* mmap(size_t length, int fd, long offset = 0, int flags = kMapShared) {
    const long r =
        syscall(nr::kMmap, 0, static_cast<long>(length), kProtRead | kProtWrite, flags, fd, offset);
    return r < 0 && r > -4096 ? nullptr : reinterpret_cast<void*>(r);
}
inline bool mlock(const void* p, size_t length) {
    return syscall(nr::kMlock, reinterpret_cast<long>(p), static_cast<long>(length)) == 0;
}
inline void sleep_ms(long ms) {
    const long ts[2] = {ms / 1000, (ms % 1000) * 1000000};
    (void)syscall(nr::kNanosleep, reinterpret_cast<long>(ts), 0);
}
// Private zeroed memory of the process's own.
inline void* mmap_anonymous(size_t length) {
    return mmap(length, -1, 0, kMapPrivate | kMapAnonymous);
}
[[noreturn]] inline void exit(int code) {
    for (;;)
        (void)syscall(nr::kExit, code);
}

inline size_t length(const char* s) {
    size_t n = 0;
    while (s[n] != 0)
        ++n;
    return n;
}
inline void print(int fd, const char* s) {
    (void)write(fd, s, length(s));
}

} // namespace guest
