// introspect /dev/uioN: the guest's side of vm_introspect (upstream's program of that name):
// puts the first ten Fibonacci numbers in a page of its own memory, publishes that memory's
// guest-physical address (from /proc/self/pagemap) in the link's dataport, emits the event
// and waits for the native component's answer, which comes after it has read the numbers
// through its read-only window onto guest RAM. The page stays in place meanwhile: the
// process holds it, touched, until the answer.
#include "crossvm_uio.hpp"
#include "linux_syscall.hpp"

namespace {

constexpr uint64_t kPage = 4096;
constexpr uint64_t kPresent = uint64_t{1} << 63;
constexpr uint64_t kPfnMask = (uint64_t{1} << 55) - 1;
constexpr int kCount = 10;

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) guest::fail("introspect", "usage: introspect /dev/uioN");
    const guest::CrossvmLink link = guest::open_link(argv[1], true);
    if (link.dataport_size < sizeof(uint64_t)) guest::fail("introspect", "dataport too small");
    auto* fib = static_cast<volatile uint32_t*>(guest::mmap_anonymous(kPage));
    if (fib == nullptr) guest::fail("introspect", "mmap failed");
    fib[0] = 0;
    fib[1] = 1;
    for (int i = 2; i < kCount; ++i)
        fib[i] = fib[i - 1] + fib[i - 2];
    const auto va = reinterpret_cast<uint64_t>(fib);
    const int pagemap = guest::open("/proc/self/pagemap", guest::kORdonly);
    uint64_t entry = 0;
    if (pagemap < 0 ||
        guest::pread(pagemap, &entry, sizeof entry, static_cast<long>(va / kPage * 8)) !=
            sizeof entry ||
        (entry & kPresent) == 0 || (entry & kPfnMask) == 0) {
        guest::fail("introspect", "no physical address in /proc/self/pagemap");
    }
    const uint64_t pa = (entry & kPfnMask) * kPage + va % kPage;
    for (unsigned i = 0; i < sizeof pa; ++i)
        link.dataport[i] = static_cast<uint8_t>(pa >> (8 * i));
    guest::print(1, "introspect: fib[0..9] published at guest physical ");
    guest::print_number(pa, 16);
    guest::print(1, "\n");
    guest::set_reg(link, crossvm::reg::kDoorbell, 1);
    guest::wait_event(link, "introspect");
    return fib[kCount - 1] == 34 ? 0 : 1;
}
