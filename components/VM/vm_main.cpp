// The VM component's entry: reads its instance page (through its generated glue: the
// FileServer connection `fs`, and the binary VM configuration in the page's type blob),
// sets the VM up (RAM, vGIC, modules, images through the FileServer) and runs it.
#include "VM_glue.hpp"
#include "virtual_machine.hpp"

#include <runtime/debug_print.hpp>

#include <new>

extern "C" void component_main(uint64_t) {
    const auto self = bulkhead::glue::VM::Instance::mapped();
    static vmm::vm_config::View config;
    if (!self.valid() || !config.open(self.type_blob()) || !self.fs_connected()) {
        runtime::out() << "vm: bad instance page or VM configuration\n";
        runtime::exit();
    }
    const vmm::vm_config::Header& c = config.header();
    runtime::out() << "vm: starting: images '" << config.string(c.linux_name) << "', '"
                   << config.string(c.dtb_name) << "', '" << config.string(c.initrd_name)
                   << "' from the FileServer\n";
    alignas(VirtualMachine) static unsigned char storage[sizeof(VirtualMachine)];
    auto* vm = new (storage) VirtualMachine(
        config, runtime::EndpointCap(runtime::Slot{self.fs_slot()}), self.fs_buffer().span());
    if (!vm->set_up()) {
        runtime::out() << "vm: set-up failed: powering the system off\n";
        (void)runtime::SystemControlCap(runtime::Slot{c.power_slot}).power_off();
        runtime::exit();
    }
    vm->run();
}
