# vm_virtio_net overlay, ping variant (upstream's ping_test init script): five echo
# requests to 192.168.1.2, which PingClient answers over the virtqueues.
echo "Testing ping on virtual interface:"
if ping 192.168.1.2 -c 5 -W 2; then
    echo "Ping test was successful"
else
    echo "Ping test failed"
fi
