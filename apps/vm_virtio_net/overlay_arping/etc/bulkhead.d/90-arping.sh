# vm_virtio_net overlay, ARP-responder variant (upstream's arping_test init script): five
# ARP requests for 192.168.1.2, which the VMM's ARP responder answers.
echo "Testing arping on virtual interface:"
arping -c 5 -I eth0 192.168.1.2 | tee /tmp/arping.log
if grep -q "Received 5 response" /tmp/arping.log; then
    echo "arping test was successful"
else
    echo "arping test failed"
fi
