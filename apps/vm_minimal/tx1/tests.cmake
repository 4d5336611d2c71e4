# vm_minimal's tests on tx1 (included by ../CMakeLists.txt): the guest RAM is upstream
# camkes-vm-examples 3.8's tx1 map (128 MiB at 0x80000000), checked in the guest DTB.
set(VM_MINIMAL_GUEST_DTB_ARGS --ram 0x80000000:0x8000000)
