# vm_virtio_net overlay, both variants (upstream's network interfaces file): eth0 at
# 192.168.1.1/24.
ifconfig eth0 192.168.1.1 netmask 255.255.255.0 up
