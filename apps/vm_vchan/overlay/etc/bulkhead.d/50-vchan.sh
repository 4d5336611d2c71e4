# vm_vchan: bind the vchan's cross-VM link (vendor 4248, device 0001) to uio_pci_generic;
# the system test then runs vchan_guest on /dev/uio0.
echo "4248 0001" > /sys/bus/pci/drivers/uio_pci_generic/new_id
n=0
while [ ! -e /dev/uio0 ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
ls /sys/class/uio
echo "vchan link ready"
