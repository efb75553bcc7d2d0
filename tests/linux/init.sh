#!/bin/sh
# /init of the Linux boot test's initramfs (scripts/mkinitramfs.py puts it there).  It reports
# the TSC on entry, forks and execs $forks processes (kernel command line forks=N, default
# 300), checks they all ran, and powers the machine off; with shell=1 it starts an
# interactive shell on the console instead.  Every line it prints starts with "init:".
export PATH=/bin
/bin/rdtsc "init: started,"
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
echo "init: kernel $(uname -r), uptime $(cut -d' ' -f1 /proc/uptime) s"

forks=${forks:-300}
n=0 ok=0
while [ "$n" -lt "$forks" ]; do
    /bin/true && ok=$((ok + 1))
    n=$((n + 1))
done
echo "init: $ok of $forks processes ran"
/bin/rdtsc "init: done,"
echo "init: uptime $(cut -d' ' -f1 /proc/uptime) s"
if [ "$ok" -ne "$forks" ]; then
    echo "init: FAILURE"
elif [ "${shell:-0}" = 1 ]; then
    echo "init: SUCCESS; starting a shell (exit it to power off)"
    setsid cttyhack sh
else
    echo "init: SUCCESS"
fi
echo "init: powering off"
poweroff -f
echo "init: poweroff returned"
sleep 5
