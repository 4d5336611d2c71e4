# vm_serial_server overlay: says on hvc0 that it is the console, then writes a known
# pattern of about 100 KB to it as fast as it can, framed by markers and its MD5, so the
# test can check that every byte came through the SerialServer.
echo "BULKHEAD-HVC0: console is $(cat /sys/class/tty/console/active)" > /dev/hvc0
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
