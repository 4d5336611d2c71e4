// dataport_read /dev/uioN [size]: prints the dataport's text (up to its first NUL or `size`
// bytes), as upstream's program of that name does.
#include "crossvm_uio.hpp"
#include "linux_syscall.hpp"

int main(int argc, char** argv) {
    if (argc < 2) guest::fail("dataport_read", "usage: dataport_read /dev/uioN [size]");
    const guest::CrossvmLink link =
        guest::open_link(argv[1], true, argc > 2 ? guest::number(argv[2]) : 0);
    char chunk[256];
    size_t used = 0;
    for (size_t i = 0; i < link.dataport_size && link.dataport[i] != 0; ++i) {
        chunk[used++] = static_cast<char>(link.dataport[i]);
        if (used == sizeof chunk) {
            (void)guest::write(1, chunk, used);
            used = 0;
        }
    }
    (void)guest::write(1, chunk, used);
    return 0;
}
