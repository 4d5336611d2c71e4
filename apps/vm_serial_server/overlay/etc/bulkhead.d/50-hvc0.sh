# vm_serial_server overlay: says on hvc0 which tty is the console, then writes a known
# pattern of about 100 KB to it as fast as it can, framed by markers and its MD5, so the
# test can check that every byte came through the SerialServer.
echo "BULKHEAD-HVC0: console is $(cat /sys/class/tty/console/active)" > /dev/hvc0
# The kernel's console is hvc0 too: a warning printed meanwhile would land inside the
# pattern (once "hrtimer: interrupt took 18933248 ns", a vCPU held up on a loaded host).
# Errors (level 3 and up) still reach the console, where the tests look for them.
dmesg -n 4
i=0
while [ $i -lt 2000 ]; do
    echo "pattern line $i abcdefghijklmnopqrstuvwxyz 0123456789"
    i=$((i + 1))
done > /tmp/pattern
{
    echo "PATTERN-BEGIN"
    cat /tmp/pattern
    echo "PATTERN-END $(md5sum < /tmp/pattern | cut -d ' ' -f 1)"
} > /dev/hvc0
# A shell on hvc0 even when the kernel's console is elsewhere (an assembly without
# console=hvc0, such as camkes-arm-vm 3.8's vm_serial_server.camkes, whose rootfs ran a
# getty on hvc0 from its inittab for the same reason).
if [ "$(cat /sys/class/tty/console/active)" != hvc0 ]; then
    setsid sh -c 'while true; do sh -i < /dev/hvc0 > /dev/hvc0 2>&1; done' &
fi
