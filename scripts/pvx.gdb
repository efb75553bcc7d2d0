# gdb commands for debugging the pvx host and its guest together in QEMU (`make debug`,
# scripts/debug.sh).  The host is linked at 0xffff830000100000 and the guest at
# 0xffffffff80100000: both live in one address space while the guest runs, so both symbol
# files are loaded at once and a breakpoint in either works (QEMU's TCG gdbstub matches
# breakpoints on the virtual program counter).  Run from the top of the tree:
#   gdb -x scripts/pvx.gdb                      attach to QEMU's gdbstub on :1234
#   gdb -ex 'set $pvx_port = 1235' -ex 'set $pvx_host = "build/host-debug.elf"' -x scripts/pvx.gdb
set confirm off
set pagination off
set architecture i386:x86-64
if $_isvoid($pvx_host)
  set $pvx_host = "build/host.elf"
end
if $_isvoid($pvx_guest)
  set $pvx_guest = "build/guest.elf"
end
if $_isvoid($pvx_port)
  set $pvx_port = 1234
end
eval "file %s", $pvx_host
eval "add-symbol-file %s", $pvx_guest
eval "target remote localhost:%d", $pvx_port
