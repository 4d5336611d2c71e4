# vm_multi's build settings: upstream's CMake options, which start VMM modules in every VM
# whose assembly names no `vmm_modules` (each device type names its option; docs/VM.md):
# a virtio-console (hvc0 through the SerialServer) and a virtio-net whose frames travel the
# virtqueues to vm0's switch. Evaluated on its own by cmake/AppSettings.cmake.
set(VmVirtioConsole ON)
set(VmVirtioNetVirtqueue ON)
