// The VM component's entry: checks its configuration page, sets the VM up (RAM, vGIC,
// devices, images through the FileServer) and runs it.
#include "virtual_machine.hpp"

#include <runtime/debug_print.hpp>

#include <new>

extern "C" void component_main(uint64_t) {
    const auto& config = *reinterpret_cast<const vm_config::Config*>(vm_config::kConfigAddr);
    if (config.magic != vm_config::Config::kMagic) {
        runtime::out() << "vm: bad configuration page\n";
        runtime::exit();
    }
    runtime::out() << "vm: starting: images '" << config.linux_name << "', '" << config.dtb_name
                   << "', '" << config.initrd_name << "' from the FileServer\n";
    static VirtualMachine* vm = nullptr;
    alignas(VirtualMachine) static unsigned char storage[sizeof(VirtualMachine)];
    vm = new (storage) VirtualMachine(config);
    if (!vm->set_up()) {
        runtime::out() << "vm: set-up failed: powering the system off\n";
        (void)runtime::SystemControlCap(runtime::Slot{config.power_slot}).power_off();
        runtime::exit();
    }
    vm->run();
}
