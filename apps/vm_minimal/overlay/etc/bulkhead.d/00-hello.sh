# vm_minimal overlay: tell the console which application this guest belongs to.
echo "vm_minimal: guest overlay ran"
