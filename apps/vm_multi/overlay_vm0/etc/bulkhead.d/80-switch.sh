# vm_multi, vm0 (the switch's hub; upstream bridges its two ports with brctl and asks a DHCP
# server for an address): eth0 is its port on the VMM's switch, 192.168.1.1/24.
# Its line goes to hvc0: the console init's scripts inherit is not hvc0 yet.
ifconfig eth0 192.168.1.1 netmask 255.255.255.0 up
echo "BULKHEAD-NET: $(hostname) eth0 $(cat /sys/class/net/eth0/address) 192.168.1.1" > /dev/hvc0
