// dataport_write /dev/uioN [size]: copies standard input into the dataport (at most its
// size, or `size` bytes), as upstream's program of that name does.
#include "crossvm_uio.hpp"
#include "linux_syscall.hpp"

int main(int argc, char** argv) {
    if (argc < 2) guest::fail("dataport_write", "usage: dataport_write /dev/uioN [size]");
    const guest::CrossvmLink link =
        guest::open_link(argv[1], true, argc > 2 ? guest::number(argv[2]) : 0);
    size_t at = 0;
    char chunk[256];
    while (at < link.dataport_size) {
        const long n = guest::read(0, chunk, sizeof chunk);
        if (n <= 0) break;
        for (long i = 0; i < n && at < link.dataport_size; ++i)
            link.dataport[at++] = static_cast<uint8_t>(chunk[i]);
    }
    return 0;
}
