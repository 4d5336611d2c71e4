# vm_multi, every VM: the host name says which VM a shell belongs to (vm0, vm1, vm2, from
# the last byte of its switch MAC), so a test can tell where a command ran.
mac=$(cat /sys/class/net/eth0/address 2>/dev/null)
hostname "vm$(($((0x${mac##*:})) - 1))"
