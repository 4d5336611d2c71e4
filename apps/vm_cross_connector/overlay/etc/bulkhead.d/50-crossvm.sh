# vm_cross_connector's exchange (upstream's cross_vm_test, over uio_pci_generic): bind the
# cross-VM links (vendor 4248, device 0001) to uio_pci_generic, read the native
# component's string from the first link's dataport, write ours, read it back, then wait
# for its event in the background while emitting ours.
echo "4248 0001" > /sys/bus/pci/drivers/uio_pci_generic/new_id
n=0
while [ ! -e /dev/uio1 ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
ls /sys/class/uio
dataport_read /dev/uio0 4096 || exit 1
echo -ne "This is a test user string\n\0" | dataport_write /dev/uio0 4096 || exit 1
dataport_read /dev/uio0 4096 || exit 1
consumes_event_wait /dev/uio0 &
sleep 1
emits_event_emit /dev/uio0 || exit 1
wait
echo "Finished crossvm test script"
