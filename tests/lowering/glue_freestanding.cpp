// The generated glue must build for the board too: this translation unit is
// compiled by the freestanding aarch64 compiler in a test (syntax and types only).
#include "FileServer_glue.hpp"
#include "VM_glue.hpp"

struct NullTransport {
    void call(base::RpcMessage&) {}
};

// In a component the glue has typed capabilities and the IPC transport.
int64_t open_through_ipc() {
    const auto vm = bulkhead::glue::VM::Instance::mapped();
    runtime::IpcTransport transport = vm.fs_transport();
    bulkhead::glue::VM::fs_client<runtime::IpcTransport> fs(transport);
    const runtime::EndpointCap server =
        bulkhead::glue::FileServer::Instance::mapped().fs_ctrl_cap();
    const runtime::NotificationCap events = vm.notification();
    (void)events;
    return fs.open("linux", 0) + server.slot();
}

int open_linux() {
    NullTransport t;
    bulkhead::glue::VM::fs_client<NullTransport> fs(t);
    const auto vm = bulkhead::glue::VM::Instance::mapped();
    return static_cast<int>(fs.open(vm.linux_image_config().linux_name, 0) + vm.fs_slot());
}
