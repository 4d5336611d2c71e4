# vm_virtio_net overlay (upstream's network interfaces file and arping_test init script in
# one): eth0 at 192.168.1.1/24, then five ARP requests for 192.168.1.2, which the VMM's
# ARP responder answers.
ifconfig eth0 192.168.1.1 netmask 255.255.255.0 up
echo "Testing arping on virtual interface:"
arping -c 5 -I eth0 192.168.1.2 | tee /tmp/arping.log
if grep -q "Received 5 response" /tmp/arping.log; then
    echo "arping test was successful"
else
    echo "arping test failed"
fi
