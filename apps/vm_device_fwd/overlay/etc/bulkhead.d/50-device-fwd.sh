# vm_device_fwd's exchange: busybox devmem reads and writes the forwarded register file at
# 0x30000000 (FwdRegisters: ID, COUNT, scratch); each access reaches the native component
# as a call, in this order, and the reads print what it answered.
devmem 0x30000000 32
devmem 0x30000008 32 0x12345678
devmem 0x3000000c 32 0xcafef00d
devmem 0x30000008 32
devmem 0x3000000c 32
devmem 0x30000004 32
echo "Finished device_fwd test script"
