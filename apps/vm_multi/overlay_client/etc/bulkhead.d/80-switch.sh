# vm_multi, vm1 and vm2 (one initrd for both, as upstream's client VMs share theirs): eth0
# gets 192.168.1.<n> from its MAC 02:00:00:00:aa:0<n> (upstream asks a DHCP server instead).
mac=$(cat /sys/class/net/eth0/address)
n=$((0x${mac##*:}))
ifconfig eth0 192.168.1.$n netmask 255.255.255.0 up
echo "BULKHEAD-NET: $(hostname) eth0 $mac 192.168.1.$n" > /dev/hvc0
