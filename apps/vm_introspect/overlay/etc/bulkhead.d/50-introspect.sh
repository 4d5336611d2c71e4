# vm_introspect's exchange (upstream's introspect_vm_test): bind the cross-VM link to
# uio_pci_generic and run introspect, which publishes where its numbers are and waits
# until introspect_memdev has looked.
echo "4248 0001" > /sys/bus/pci/drivers/uio_pci_generic/new_id
n=0
while [ ! -e /dev/uio0 ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
introspect /dev/uio0 || exit 1
echo "Finished introspect test script"
