# vm_minimal's tests on tx2 (included by ../CMakeLists.txt): the guest RAM is upstream
# camkes-vm-examples 3.8's tx2 map (128 MiB at 0xf1000000, 1:1), checked in the guest DTB.
set(VM_MINIMAL_GUEST_DTB_ARGS --ram 0xf1000000:0x8000000)
