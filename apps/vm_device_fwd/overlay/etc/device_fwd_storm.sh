# vm_device_fwd's hostile guest: `sh /etc/device_fwd_storm.sh N ADDRESS` reads ADDRESS N
# times with busybox devmem, each read refused (a bus error the shell shrugs off).
i=0
while [ $i -lt "$1" ]; do
    devmem "$2" 32 2>/dev/null
    i=$((i + 1))
done
