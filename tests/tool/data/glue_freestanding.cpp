// The generated glue must build for the board too: this translation unit is
// compiled by the freestanding aarch64 compiler in a test (syntax and types only).
#include "fserv_glue.hpp"
#include "vm0_glue.hpp"

struct NullTransport {
    void call(base::RpcMessage&) {}
};

int open_linux() {
    NullTransport t;
    bulkhead::glue::vm0::fs_client<NullTransport> fs(t);
    return fs.open(bulkhead::glue::vm0::vm_layout::linux_name, 0);
}
