# bench/net's directly booted guest: eth0 on QEMU's user network (slirp's default
# 10.0.2.0/24; the gateway 10.0.2.2 answers ICMP echo itself).
ifconfig eth0 10.0.2.15 netmask 255.255.255.0 up
