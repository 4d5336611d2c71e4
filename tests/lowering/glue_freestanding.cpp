// The generated glue must build for the board too: this translation unit is
// compiled by the freestanding aarch64 compiler in a test (syntax and types only).
#include "FileServer_glue.hpp"
#include "VM_glue.hpp"

struct NullTransport {
    void call(base::RpcMessage&) {}
};

int open_linux() {
    NullTransport t;
    bulkhead::glue::VM::fs_client<NullTransport> fs(t);
    const auto vm = bulkhead::glue::VM::Instance::mapped();
    return static_cast<int>(fs.open(vm.linux_image_config().linux_name, 0) + vm.fs_slot());
}
