#!/bin/busybox sh
# /init of the test initramfs: mount what the tests read (proc for fdinfo and oom_score_adj,
# sysfs for CMA counters, devtmpfs for /dev/dma_heap and /dev/udmabuf, debugfs for
# dma_buf/bufinfo), run the command, report its exit status on the console, power off.
/bin/busybox --install -s /bin
# HEAPWISE_GUEST: the guest suite refuses to run anywhere else (it exhausts the system heap).
export PATH=/bin:/usr/bin HOME=/tmp NO_COLOR=1 NODE_DISABLE_COLORS=1 HEAPWISE_GUEST=1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tmpfs tmpfs /tmp
echo "GUEST_KERNEL=$(uname -r)"
# Only KERN_ALERT and worse on the console: OOM-killer reports must not split test lines.
echo 1 > /proc/sys/kernel/printk
cd /app
sh /command.sh
echo "GUEST_EXIT=$?"
poweroff -f
# poweroff -f returns only if the kernel cannot power off; qemu runs with -no-reboot.
reboot -f
