#!/usr/bin/env bash
# Boot build/guest.elf under the pvx host (build/host.elf) in QEMU with TCG and check the
# whole path from both sides: the multiboot image shape, the host's boot and its Xen-style
# layout lines, the guest's own report of start_info and its pagetable walk, agreement
# between the host's layout and what the guest saw, option parsing, a clean poweroff, a
# deliberate guest crash (the domain dies with a register dump, the host does not), and a
# module that is not a PV kernel.  Then tiny kernels generated here: hostile guests (a
# hypercall returning into the canonical hole, 32-bit syscall, TF/MOV SS, sysenter, bad
# hypercall arguments) and malformed images, each of which must end with the domain's status
# and reason, never a host panic; and the host's selftest= options for the paths no guest can
# reach under TCG.  The main boot runs three times (the median wall time is printed); each
# of its checks must hold in all three.
set -u
cd "$(dirname "$0")/../.."
. tests/guest/tap.sh
out=build/tests/31-boot-pvx; mkdir -p "$out"

boot() {  # boot LOG HOST_ARGS MODULE_STRING -> qemu.sh status; the log without the serial CRs
  local log=$1 hargs=$2 mod=$3 rc
  scripts/qemu.sh -t 60 -- -kernel build/host.elf -append "$hargs" -initrd "$mod" > "$log" 2>&1
  rc=$?
  sed -i 's/\r$//' "$log"
  return $rc
}

hex() { echo $((16#$1)); }   # 64-bit two's complement, like the addresses

# --- the image: a multiboot header with load addresses (QEMU refuses plain ELF64) ------------
hdr=$(od -A d -t x4 -v -N 8192 build/host.elf | awk '
  { for (i = 2; i <= NF; i++) w[n++] = $i }
  END { for (i = 0; i < n; i++) if (w[i] == "1badb002") { print i * 4, w[i+1], w[i+4]; exit } }')
off=${hdr%% *}; rest=${hdr#* }; flags=${rest%% *}; load=${rest#* }
[ -n "$hdr" ] && [ $((0x$flags & 0x10000)) -ne 0 ] && [ "$load" = "00100000" ] && [ "$off" -lt 8192 ]
tap "pvx: multiboot header in the first 8 KiB, a.out kludge, load at 1 MiB" $? \
    "header '${hdr:-none}'"

# --- the main boot, three times for the wall time; every check holds in all three ------------
run() { boot "$out/boot$1.log" "dom0_mem=32M" "build/guest.elf exit=poweroff"; }
timed_thrice run
cat "$out/boot1.log"
checks() {  # checks N: run N's log and status
  local log=$out/boot$1.log rc=${rcs[$1-1]} kern p2m si pt stack total ok r g n_pt
  local ks ke ps pe ss pts pte sts ste vs ve
  tap_grep "pvx: host banner on the serial console" '^pvx: hypervisor starting' "$log"
  tap_grep "pvx: memory map read, frame table built" \
      '^pvx: memory: frame table [0-9]+ KiB, [0-9]+ frames free for domains' "$log"
  tap_grep "pvx: guest module found" "^pvx: module 0: .* 'build/guest.elf exit=poweroff'" "$log"

  # The builder's layout lines, as Xen prints them.
  layout() { sed -nE "s/^pvx:  $1 *([0-9a-f]{16})->([0-9a-f]{16})\$/\1 \2/p" "$log" | head -1; }
  kern=$(layout "Loaded kernel:"); p2m=$(layout "Phys-Mach map:"); si=$(layout "Start info:")
  pt=$(layout "Page tables:"); stack=$(layout "Boot stack:"); total=$(layout "TOTAL:")
  [ -n "$kern" ] && [ -n "$p2m" ] && [ -n "$si" ] && [ -n "$pt" ] && [ -n "$stack" ] &&
    [ -n "$total" ] && grep -qE '^pvx:  ENTRY ADDRESS: [0-9a-f]{16}$' "$log"
  tap "pvx: builder prints the Xen-style layout (kernel, p2m, start_info, pagetables, stack, total, entry)" $?

  # Order, alignment, padding and size rules of the bootstrap region.
  ok=1
  if [ -n "$total" ]; then
    set -- $kern $p2m $si $pt $stack $total
    ks=$(hex "$1") ke=$(hex "$2") ps=$(hex "$3") pe=$(hex "$4") ss=$(hex "$5") pts=$(hex "$7")
    pte=$(hex "$8") sts=$(hex "$9") ste=$(hex "${10}") vs=$(hex "${11}") ve=$(hex "${12}")
    page() { echo $(( ($1 + 4095) & ~4095 )); }
    [ "$vs" -le "$ks" ] && [ "$ps" -eq "$(page "$ke")" ] && [ "$ss" -eq "$(page "$pe")" ] &&
      [ "$pts" -eq "$(page "$(hex "$6")")" ] && [ "$sts" -eq "$pte" ] && [ $((ste - sts)) -eq 4096 ] &&
      [ $((ve & 0x3fffff)) -eq 0 ] && [ $((ve - ste)) -ge 524288 ] &&
      [ $((pe - ps)) -eq $((8192 * 8)) ] && ok=0
  fi
  tap "pvx: region in order, page aligned, p2m 8 bytes per page, stack one page, >= 512 KiB padding to 4 MiB" \
      $ok "kernel $kern p2m $p2m start_info $si pt $pt stack $stack total $total"

  tap_grep "pvx: copy_from/to_guest refuse unmapped, host, non-canonical, wrapping and read-only addresses" \
      '^pvx: guest memory access checks: 9 of 9 as expected' "$log"
  tap_grep "pvx: guest arrays: one range check refuses the hole, host, wrapping and overflowing arrays; the word copy's faults are -EFAULT" \
      '^pvx: guest array access checks: 12 of 12 as expected' "$log"
  tap_grep "pvx: guest banner through console_io, prefixed (d0)" \
      '^\(d0\) pvx-guest: hello from the pvx test guest' "$log"
  tap_grep "pvx: guest sees pvx through xen_version (4.17-pvx, PV ring 3)" \
      '^\(d0\) pvx-guest: platform: pvx 4\.17-pvx \(PV, ring 3\)' "$log"
  tap_grep "pvx: hypercall page and bare syscall agree" \
      '^\(d0\) pvx-guest: hypercall page and bare syscall agree \(xen_version 0x40011 / 0x40011\)' "$log"
  tap_grep "pvx: start_info magic, nr_pages (dom0_mem=32M), flags SIF_PRIVILEGED|SIF_INITDOMAIN" \
      '^\(d0\) start_info: magic "xen-3\.0-x86_64p" nr_pages 8192 shared_info 0x[0-9a-f]+ flags 0x3$' "$log"
  tap_grep "pvx: guest command line is the module string minus the file name" \
      '^\(d0\) start_info: cmd_line "exit=poweroff"$' "$log"

  # What the guest saw must be what the host laid out.
  if [ -n "$pt" ]; then
    set -- $pt; n_pt=$(( ($(hex "$2") - $(hex "$1")) / 4096 ))
    grep -qE "^\(d0\) start_info: pt_base 0x$1 nr_pt_frames $n_pt mfn_list 0x${p2m%% *}\$" "$log"
    r=$?
  else
    r=1
  fi
  tap "pvx: start_info pt_base, nr_pt_frames and mfn_list match the host's layout" $r
  g=$(grep -m1 -E '^\(d0\) layout: pagetables' "$log")
  [ -n "$g" ] && [ -n "$stack" ] && grep -q "stack 0x${stack%% *}-0x${stack##* } region end 0x${total##* }" <<<"$g"
  tap "pvx: guest-derived stack and region end match the host's" $? "guest: ${g:-none}"
  tap_walk "pvx: guest pagetable walk against the p2m" "$log"
  grep -q '^pvx: d0 shut down: poweroff' "$log" &&
    grep -qE '^pvx: d0 torn down: 8193 frames released' "$log"
  tap "pvx: shutdown(poweroff) tears down all 8192 pages + shared_info" $?
  tap "pvx: clean poweroff through the exit port (QEMU status 33)" "$rc" "qemu.sh status $rc"
}
every_run checks

# --- host options ------------------------------------------------------------------------
boot "$out/mem64.log" "dom0_mem=64M bogus_opt" "build/guest.elf"; rc=$?
grep -qE '^\(d0\) start_info: magic "xen-3\.0-x86_64p" nr_pages 16384 ' "$out/mem64.log" &&
  grep -q "^pvx: unknown option 'bogus_opt' ignored" "$out/mem64.log" && [ $rc -eq 0 ]
tap "pvx: dom0_mem=64M gives 16384 pages; an unknown option is warned about" $? "rc $rc"

# dom0_mem values that are garbage, zero or too big for 64 bits (one used to wrap to 1 GiB)
# are named and the default kept.
bad_mem="0x4000000001G 99999999999999999999 0 abc 18446744073709551615K"
boot "$out/badmem.log" "$(printf 'dom0_mem=%s ' $bad_mem)" "build/guest.elf"; rc=$?
r=0
for v in $bad_mem; do grep -q "^pvx: bad dom0_mem '$v' .*keeping 32 MiB" "$out/badmem.log" || r=1; done
grep -qE '^\(d0\) start_info: magic "xen-3\.0-x86_64p" nr_pages 8192 ' "$out/badmem.log" && [ $rc -eq 0 ] || r=1
tap "pvx: bad dom0_mem values ($bad_mem) are each named and 32 MiB kept" $r \
    "rc $rc; $(grep -hE 'dom0_mem|nr_pages' "$out/badmem.log" | tr '\n' ' ')"

# A command line past the 1023 bytes kept: the cut is named on a line of its own (the echo of
# the command line, cut by printk, must not swallow it) and the options before it still count.
boot "$out/longcmd.log" "dom0_mem=64M $(printf 'x%.0s' $(seq 1 1100))" "build/guest.elf"; rc=$?
grep -q '^pvx: command line longer than 1023 bytes: the rest is ignored' "$out/longcmd.log" &&
  grep -q '^pvx: option too long, ignored' "$out/longcmd.log" &&
  grep -qE '^\(d0\) start_info: magic "xen-3\.0-x86_64p" nr_pages 16384 ' "$out/longcmd.log" && [ $rc -eq 0 ]
tap "pvx: a host command line over 1023 bytes is cut with a message; dom0_mem before the cut holds" $? "rc $rc"

# --- a guest crash kills the domain, not the host ----------------------------------------
boot "$out/crash.log" "dom0_mem=32M" "build/guest.elf crash=pagefault"; rc=$?
cat "$out/crash.log"
grep -qE '^pvx: d0 crashed: page fault at ffffffff[0-9a-f]{8} cr2 [0-9a-f]{16}' "$out/crash.log" &&
  grep -qE '^    rip ffffffff[0-9a-f]{8}  cs e033 .* vector 14 ' "$out/crash.log" &&
  grep -qE '^    rax [0-9a-f]{16}  rbx ' "$out/crash.log" &&
  grep -q 'guest crashed (status 39)' "$out/crash.log" && ! grep -q 'PANIC' "$out/crash.log"
tap "pvx: crash=pagefault crashes d0 with reason and register dump, status 39, no host panic" \
    $? "rc $rc"
grep -qE '^pvx: d0 torn down: 8193 frames released' "$out/crash.log"
tap "pvx: a crashed domain's frames are all released" $?

# --- a fault in the host itself: no fixup, so a dump and the panic status -------------------
boot "$out/hostfault.log" "selftest=host_fault" "build/guest.elf"; rc=$?
grep -qE '^pvx: host page fault at ffff8300[0-9a-f]{8} cr2 0000000000000008' "$out/hostfault.log" &&
  grep -qE '^    rip ffff8300[0-9a-f]{8}  cs e008 ' "$out/hostfault.log" &&
  grep -q '^pvx: PANIC: exception 14 in the host' "$out/hostfault.log" &&
  grep -q 'host panicked (status 63)' "$out/hostfault.log"
tap "pvx: an unfixed host fault panics with a dump and status 63 (selftest=host_fault)" $? "rc $rc"

# --- a module that is not a PV kernel ------------------------------------------------------
printf 'not an elf\n' > "$out/not-a-kernel"
boot "$out/bad.log" "" "$out/not-a-kernel"; rc=$?
grep -q '^pvx: cannot build d0: not an ELF file' "$out/bad.log" &&
  grep -q 'guest crashed (status 39)' "$out/bad.log" && ! grep -q 'PANIC' "$out/bad.log"
tap "pvx: a non-ELF module is refused with the reason (status 39, no panic)" $? "rc $rc"
boot "$out/nonotes.log" "" "build/host.elf"; rc=$?
grep -q '^pvx: cannot build d0: no Xen ELF notes' "$out/nonotes.log" && [ $rc -ne 0 ] &&
  ! grep -q 'PANIC' "$out/nonotes.log"
tap "pvx: an ELF64 without Xen notes is refused with the reason" $? "rc $rc"

# A guest that claims another Xen ABI, and one cut short: refused by the builder, not a crash.
python3 - "$out" <<'PY'
import sys
out = sys.argv[1]
img = open("build/guest.elf", "rb").read()
assert img.count(b"xen-3.0\0") == 1
open(out + "/xen-2.0.elf", "wb").write(img.replace(b"xen-3.0\0", b"xen-2.0\0"))
open(out + "/truncated.elf", "wb").write(img[:len(img) // 3])
PY
boot "$out/xen20.log" "" "$out/xen-2.0.elf"; rc=$?
grep -q '^pvx: cannot build d0: XEN_VERSION is not "xen-3.0"' "$out/xen20.log" &&
  grep -q 'guest crashed (status 39)' "$out/xen20.log"
tap "pvx: a kernel with XEN_VERSION \"xen-2.0\" is refused" $? "rc $rc"
boot "$out/trunc.log" "" "$out/truncated.elf"; rc=$?
grep -qE '^pvx: cannot build d0: ' "$out/trunc.log" && ! grep -q 'PANIC' "$out/trunc.log" &&
  grep -q 'guest crashed (status 39)' "$out/trunc.log"
r=$?
tap "pvx: a truncated kernel image is refused with a reason ($(sed -nE 's/^pvx: cannot build d0: //p' "$out/trunc.log"))" \
    $r "rc $rc"

# bzImages made here around the guest's ELF (Linux's x86 boot protocol: "HdrS" at 0x202, the
# version at 0x206, setup_sects at 0x1f1, payload_offset/length at 0x248/0x24c): gzip and xz
# payloads boot; a corrupt payload, another compressor, an old protocol and a payload
# outside the image are refused by name.  And the guest with an initrd module: the builder
# maps it after the kernel and the guest reads it back (mod_start, mod_len).
python3 - "$out" <<'PY'
import gzip, lzma, struct, sys
out = sys.argv[1]
elf = open("build/guest.elf", "rb").read()
def bz(payload, version=0x020f, off=0, length=None):
    setup = bytearray(2 * 512)                    # boot sector + setup_sects (1) sectors
    setup[0x1f1] = 1
    setup[0x202:0x206] = b"HdrS"
    struct.pack_into("<H", setup, 0x206, version)
    struct.pack_into("<II", setup, 0x248, off, len(payload) if length is None else length)
    return bytes(setup) + payload
gz = gzip.compress(elf, 6, mtime=0)
xz = lzma.compress(elf, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32,
                   filters=[{"id": lzma.FILTER_X86}, {"id": lzma.FILTER_LZMA2}])
bad = bytearray(gz); bad[len(bad) // 2] ^= 0x40
images = {"bz-gzip": bz(gz), "bz-xz": bz(xz + struct.pack("<I", len(elf))),
          "bz-corrupt": bz(bytes(bad)), "bz-bzip2": bz(b"BZh91AY&SY" + bytes(64)),
          "bz-old": bz(gz, version=0x0207), "bz-outside": bz(gz, length=len(gz) + 4096)}
for name, img in images.items():
    open(f"{out}/{name}", "wb").write(img)
open(out + "/initrd.bin", "wb").write(bytes(range(256)) * 40 + b"end")
PY
for fmt in gzip xz; do
  boot "$out/bz-$fmt.log" "dom0_mem=32M" "$out/bz-$fmt exit=poweroff"; rc=$?
  grep -qE "^pvx:  bzImage: boot protocol 2.15, $fmt payload of [0-9]+ bytes, ELF of $(stat -c %s build/guest.elf) bytes" "$out/bz-$fmt.log" &&
    [ $rc -eq 0 ] && grep -q 'pagetable walk: .* 0 mismatches' "$out/bz-$fmt.log" &&
    grep -qE '^pvx: d0 torn down: ' "$out/bz-$fmt.log"
  tap "pvx: a bzImage with a $fmt payload is unpacked and boots (its host run of frames given back)" $? "rc $rc"
done
for case in "bz-corrupt|gzip: " "bz-bzip2|bzImage: payload is bzip2-compressed (only gzip and xz are supported)" \
            "bz-old|bzImage: boot protocol older than 2.08" "bz-outside|bzImage: payload lies outside the image"; do
  name=${case%%|*} why=${case#*|}
  boot "$out/$name.log" "" "$out/$name"; rc=$?
  grep -qF "pvx: cannot build d0: $why" "$out/$name.log" && ! grep -q 'PANIC' "$out/$name.log" &&
    grep -q 'guest crashed (status 39)' "$out/$name.log"
  r=$?
  tap "pvx: bzImage refused: $(sed -nE 's/^pvx: cannot build d0: //p' "$out/$name.log" | head -1)" $r "rc $rc"
done
boot "$out/initrd.log" "dom0_mem=32M" "build/guest.elf exit=poweroff,$out/initrd.bin"; rc=$?
mod=$(sed -nE 's/^\(d0\) start_info: mod_start (0x[0-9a-f]+) mod_len ([0-9]+).*/\1 \2/p' "$out/initrd.log")
vi=$(sed -nE 's/^pvx:  Init. ramdisk: ([0-9a-f]+)->([0-9a-f]+)$/\1 \2/p' "$out/initrd.log")
[ $rc -eq 0 ] && [ -n "$vi" ] && [ "${mod%% *}" = "0x${vi%% *}" ] && [ "${mod#* }" = 10243 ] &&
  [ $((16#${vi#* } - 16#${vi%% *})) -eq 10243 ]
tap "pvx: the second module is the initrd, mapped after the kernel (mod_start ${mod%% *}, mod_len ${mod#* })" $? "rc $rc"

# --- tiny hand-made kernels: hostile guests and malformed images -----------------------------
# Generated here (python3, no toolchain): ELF64 files with Xen notes and a few hand-assembled
# instructions, so each one does exactly one thing the host must survive.  The host must end
# every one with the domain's own status (0, or 39 and the reason), never a panic (63).
mk=$out/mk; mkdir -p "$mk"
python3 - "$mk" <<'PY'
import struct, sys

ENTRY, HYPERCALL_PAGE, VIRT_BASE, PADDR_OFFSET, XEN_VERSION, GUEST_OS, LOADER, PAE_MODE, \
    FEATURES = 1, 2, 3, 4, 5, 6, 8, 9, 10
# push $0; mov %rsp,%rsi; mov $SCHEDOP_shutdown,%edi; mov $__HYPERVISOR_sched_op,%eax;
# syscall; ud2  --  sched_op(shutdown, {SHUTDOWN_poweroff})
POWEROFF = bytes.fromhex("6a00 4889e6 bf02000000 b81d000000 0f05 0f0b")

def note(t, desc, namesz=4, descsz=None):
    if isinstance(desc, str):
        desc = desc.encode() + b"\0"
    elif isinstance(desc, int):
        desc = struct.pack("<Q", desc)
    n = struct.pack("<III", namesz, len(desc) if descsz is None else descsz, t)
    return n + b"Xen\0" + desc + b"\0" * (-len(desc) % 4)

def elf(code=POWEROFF, base=0xffffffff80000000, paddr=0x100000, memsz=0x1000, entry=None,
        notes=None, extra=(), drop=(), segs=None, note_off=None, note_size=None):
    """A kernel of one PT_LOAD at `paddr` (VA base + paddr) and a PT_NOTE; `notes` replaces
    the default notes, `extra` adds raw ones, `drop` removes types, `segs` replaces the
    PT_LOAD list with (offset, paddr, filesz, memsz) tuples."""
    vaddr = (base + paddr) & (2**64 - 1)
    entry = vaddr if entry is None else entry
    if notes is None:
        notes = [(GUEST_OS, "pvx-sec"), (XEN_VERSION, "xen-3.0"), (LOADER, "generic"),
                 (PAE_MODE, "yes"), (VIRT_BASE, base), (PADDR_OFFSET, 0), (ENTRY, entry)]
    blob = b"".join(note(t, d) for t, d in notes if t not in drop) + b"".join(extra)
    data = code + b"\0" * (-len(code) % 0x1000)
    if segs is None:
        segs = [(0x1000, paddr, len(data), memsz)]
    ph_off = 64
    blob_off = ph_off + 56 * (len(segs) + 1)
    ph = b"".join(struct.pack("<IIQQQQQQ", 1, 7, off, (base + pa) & (2**64 - 1), pa, fs, ms,
                              0x1000) for off, pa, fs, ms in segs)
    ph += struct.pack("<IIQQQQQQ", 4, 4, blob_off if note_off is None else note_off, 0, 0,
                      len(blob) if note_size is None else note_size, len(blob), 4)
    head = struct.pack("<16sHHIQQQIHHHHHH", b"\x7fELF\x02\x01\x01", 2, 62, 1, entry, ph_off,
                       0, 0, 64, 56, len(segs) + 1, 64, 0, 0)
    img = head + ph + blob
    assert len(img) <= 0x1000
    return img + b"\0" * (0x1000 - len(img)) + data

cases = {
    # A well-formed tiny kernel: it must boot and power off, or the refusals prove nothing.
    "good": elf(),
    # No VIRT_BASE/PADDR_OFFSET notes: base 0, the region starts at virtual address 0.
    "low-base": elf(base=0, drop=(VIRT_BASE, PADDR_OFFSET)),
    # ljmp *6(%rip) to 0xe023:0x100016 (32-bit compatibility code), which executes syscall.
    "compat-syscall": elf(base=0, code=bytes.fromhex("ff2d06000000 0f0b0f0b0f0b")
                          + struct.pack("<IH", 0x100016, 0xe023)
                          + bytes.fromhex("0f0b0f0b 0f05 0f0b")),
    # A region ending at the canonical hole (dom0_mem=4M): write `syscall` into its last two
    # bytes and jump there, so the hypercall's return address (rcx) is 0x800000000000.
    # movabs $0x7ffffffffffe,%rbx; movw $0x050f,(%rbx); mov $17,%eax; xor %edi,%edi; jmp *%rbx
    "sysret-hole": elf(base=0x7fffffc00000, paddr=0, code=bytes.fromhex(
        "48bbfeffffffff7f0000 66c7030f05 b811000000 31ff ffe3")),
    # Hypercall (xen_version) with TF set, plain and in a MOV SS shadow (mov %ss,%ecx ...
    # mov %ecx,%ss; syscall): any #DB must reach the guest side, never panic the host.
    "tf-syscall": elf(code=bytes.fromhex("9c 48810c2400010000 9d b811000000 31ff 0f05 90 90")
                      + POWEROFF),
    "movss-tf-syscall": elf(code=bytes.fromhex("8cd1 9c 48810c2400010000 9d b811000000 31ff"
                                               " 8ed1 0f05 90 90") + POWEROFF),
    # sysenter (Intel: ring 0 at SYSENTER_EIP unless SYSENTER_CS is 0) and icebp (int1).
    "sysenter": elf(code=bytes.fromhex("0f34") + POWEROFF),
    "icebp": elf(code=bytes.fromhex("f1") + POWEROFF),
}

# Hypercalls with hostile arguments, each followed by a check of its result: a wrong result
# jumps to a ud2, so d0 crashes with the failing call's index in r15; all right: poweroff.
def checked_calls(calls):
    q = lambda v: struct.pack("<Q", v & (2**64 - 1))
    code, jumps = b"", []
    for i, (nr, a1, a2, a3, want) in enumerate(calls):
        code += b"\x41\xbf" + struct.pack("<I", i)                 # mov $i,%r15d
        code += b"\x48\xb8" + q(nr) + b"\x48\xbf" + q(a1)          # rax, rdi
        code += (bytes.fromhex("6a63 4889e6") if a2 == "reason99"  # push $99; mov %rsp,%rsi
                 else b"\x48\xbe" + q(a2))
        code += b"\x48\xba" + q(a3) + b"\x0f\x05"                 # rdx; syscall
        code += b"\x48\xbb" + q(want) + bytes.fromhex("4839d8 0f85")  # cmp %rbx,%rax; jne
        jumps.append(len(code))
        code += b"\0\0\0\0"
    code += POWEROFF
    fail = len(code)
    code = bytearray(code + bytes.fromhex("0f0b"))
    for at in jumps:
        struct.pack_into("<i", code, at, fail - (at + 4))
    return bytes(code)

HOST, EFAULT, EINVAL, ENOSYS = 0xffff830000100000, -14, -22, -38
CONSOLE, VERSION, SCHED = 18, 17, 29
cases["hostile-args"] = elf(code=checked_calls([
    (CONSOLE, 0, 0xffffffff, 0x1000, EFAULT),                 # huge count, unmapped buffer
    (CONSOLE, 0, 16, HOST, EFAULT),                           # the host's own text
    (CONSOLE, 0, 16, 0xfffffffffffffff8, EFAULT),             # wraps past 2^64
    (CONSOLE, 0, 16, 0x0000800000000000, EFAULT),             # non-canonical
    (CONSOLE, 0, 0, 0, 0),                                    # nothing to write
    (CONSOLE, 99, 0, 0, ENOSYS),
    (VERSION, 1, HOST, 0, EFAULT),                            # extraversion into the host
    (VERSION, 9, 0xffffffff803ffe00, 0, EFAULT),              # 1 KiB across the region end
    (VERSION, 6, HOST, 0, EFAULT),                            # get_features from the host
    (VERSION, 2, 0xffff800000000000, 0, EFAULT),              # compile_info into the M2P
    (VERSION, 999, 0, 0, ENOSYS),
    (SCHED, 2, HOST, 0, EFAULT),                              # shutdown reason from the host
    (SCHED, 2, "reason99", 0, EINVAL),                        # reason 99
    (SCHED, 0xffffffff, 0, 0, ENOSYS),
    (64, 0, 0, 0, ENOSYS),                                    # unknown hypercall
    (0xffffffff00000000 + VERSION, 0, 0, 0, ENOSYS),          # number with high bits
]))

# Host lines a guest can cause at will are limited (printk_guest): 70 console writes one byte
# over the 16 KiB kept, each of which makes the host log a "cut" line.  The buffer is the
# kernel's zeroed bss, so the guest text is rows of '?'.  A failing write crashes d0 (ud2).
# mov $70,%r12d; 1: mov $18,%eax; xor %edi,%edi; mov $16385,%esi; movabs $buf,%rdx; syscall;
# test %rax,%rax; jnz 2f; dec %r12d; jnz 1b; <poweroff>; 2: ud2
FLOOD = 70
flood = (bytes.fromhex("41bc") + struct.pack("<I", FLOOD)                    # 0: count
         + bytes.fromhex("b812000000 31ff be01400000 48ba")                  # 6: loop
         + struct.pack("<Q", 0xffffffff80101000)
         + bytes.fromhex("0f05 4885c0 75%02x 41ffcc 75%02x" % (24, (6 - 40) & 0xff))
         + POWEROFF + bytes.fromhex("0f0b"))                                 # 40, 59: ud2
assert len(flood) == 61 and flood[59:] == bytes.fromhex("0f0b")
cases["log-flood"] = elf(code=bytes(flood), memsz=0x6000)

# Malformed images: each breaks one rule the builder must check.
B = 0xffffffff80000000
def patched(img, off, fmt, v):
    b = bytearray(img)
    struct.pack_into(fmt, b, off, v)
    return bytes(b)
def notes_with(**kw):
    d = {GUEST_OS: "pvx-sec", XEN_VERSION: "xen-3.0", LOADER: "generic", PAE_MODE: "yes",
         VIRT_BASE: B, PADDR_OFFSET: 0, ENTRY: B + 0x100000}
    for k, v in kw.items():
        d[globals()[k]] = v
    return [(t, v) for t, v in d.items() if v is not None]
cases.update({
    # Kernels written for Xen (Linux, XTF) require writable_page_tables; Xen builds them.
    "wpt-required": elf(notes=notes_with(FEATURES="!writable_page_tables|pae_pgdir_above_4gb|dom0")),
    "bad-filesz-gt-memsz": elf(segs=[(0x1000, 0x100000, 0x1000, 0x800)]),
    "bad-seg-beyond-file": elf(segs=[(0x100000, 0x100000, 0x1000, 0x1000)]),
    "bad-seg-wraps": elf(segs=[(0x1000, 2**64 - 0x1000, 0x1000, 0x2000)]),
    "bad-seg-huge": elf(memsz=1 << 62),
    "bad-kernel-too-big": elf(memsz=8 << 20),                  # booted with dom0_mem=4M
    "bad-no-load": elf(segs=[]),
    "bad-note-namesz": elf(extra=[struct.pack("<III", 0xffffffff, 0, 1)]),
    "bad-note-descsz": elf(extra=[struct.pack("<III", 4, 0xfffffff0, 1) + b"Xen\0"]),
    "bad-note-number-size": elf(extra=[struct.pack("<III", 4, 3, ENTRY) + b"Xen\0abc\0"]),
    "bad-note-area-outside": elf(note_off=0x100000),
    "bad-note-area-huge": elf(note_size=2**64 - 8),
    "bad-base-above-kernel": elf(notes=notes_with(PADDR_OFFSET=0x200000)),
    "bad-base-wraps": elf(notes=notes_with(VIRT_BASE=0xffffffffffff0000)),
    "bad-base-unaligned": elf(base=B + 0x800),
    "bad-base-host": elf(base=0xffff800000000000),
    "bad-base-host-end": elf(base=0xffff87ffffc00000, paddr=0),
    "bad-base-noncanonical": elf(base=0x0000800000000000),
    "bad-base-hole": elf(base=0x7ffffff80000, paddr=0),        # region crosses the hole
    "bad-region-wraps": elf(base=0xfffffffffc000000, paddr=0, memsz=63 << 20),  # 128M
    "bad-entry-outside": elf(notes=notes_with(ENTRY=B + 0x200000)),
    "bad-entry-below": elf(notes=notes_with(ENTRY=B)),
    "bad-hypercall-outside": elf(notes=notes_with(HYPERCALL_PAGE=B + 0x200000)),
    "bad-hypercall-unaligned": elf(notes=notes_with(HYPERCALL_PAGE=B + 0x100008)),
    "bad-phnum-huge": patched(elf(), 56, "<H", 0xffff),
    "bad-phentsize": patched(elf(), 54, "<H", 32),
    "bad-phoff-huge": patched(elf(), 32, "<Q", 2**64 - 64),
    "bad-elf32": patched(elf(), 4, "<B", 1),
    "bad-machine": patched(elf(), 18, "<H", 3),
    "bad-feature-unknown": elf(notes=notes_with(FEATURES="!no_such_feature")),
    "bad-feature-unoffered": elf(notes=notes_with(FEATURES="!auto_translated_physmap")),
    # Note strings with a newline and an escape: they must not forge a host log line.
    "note-forge": elf(notes=notes_with(GUEST_OS="x\npvx: FORGED\x1b[2J")),
    # Two PT_LOADs over the same bytes are legal (the later wins): it must boot.
    "overlap": elf(segs=[(0x1000, 0x100000, 0x1000, 0x1000), (0x1000, 0x100000, 0x1000, 0x1000)]),
})
for name, img in cases.items():
    open(f"{sys.argv[1]}/{name}.elf", "wb").write(img)
PY

# mk_boot NAME [HOST_ARGS]: boot $mk/NAME.elf; the log is $mk/NAME.log, the status qemu.sh's.
mk_boot() { boot "$mk/$1.log" "${2:-dom0_mem=32M}" "$mk/$1.elf"; }
# mk_crash NAME REGEX [HOST_ARGS]: d0 crashes with a reason matching REGEX, status 39, no panic.
mk_crash() {
  mk_boot "$1" "${3:-}"
  grep -qE "^pvx: d0 crashed: $2" "$mk/$1.log" &&
    grep -q 'guest crashed (status 39)' "$mk/$1.log" && ! grep -q 'PANIC' "$mk/$1.log"
}
# mk_why NAME: the lines that say how a run ended, for a failing check's explanation.
mk_why() { grep -hE 'crashed|cannot build|PANIC|shut down|qemu.sh' "$mk/$1.log" | tr '\n' ' '; }

mk_boot good; rc=$?
grep -q '^pvx: d0 shut down: poweroff' "$mk/good.log" && [ $rc -eq 0 ]
tap "pvx: a tiny generated kernel boots and powers off (the generator works)" $? "$(mk_why good)"
mk_boot wpt-required; rc=$?
grep -q '^pvx: d0 shut down: poweroff' "$mk/wpt-required.log" && [ $rc -eq 0 ]
tap "pvx: a kernel whose FEATURES require writable_page_tables is built and runs, as under Xen" \
    $? "$(mk_why wpt-required)"
mk_boot low-base; rc=$?
grep -q '^pvx: guest memory access checks: 9 of 9 as expected' "$mk/low-base.log" && [ $rc -eq 0 ]
tap "pvx: a kernel without VIRT_BASE (region from address 0) boots; the host's self-check uses an address outside it" \
    $? "$(mk_why low-base)"
mk_crash compat-syscall "syscall from 32-bit code|invalid opcode"
tap "pvx: syscall from 32-bit compatibility code crashes d0 (status 39), not the host" $? \
    "$(mk_why compat-syscall)"
mk_crash sysret-hole "hypercall return address 0000800000000000 is not canonical" dom0_mem=4M
tap "pvx: a hypercall whose return address is non-canonical crashes d0 before sysretq/iretq (CVE-2012-0217)" \
    $? "$(mk_why sysret-hole)"
boot "$mk/bad-iret.log" "selftest=bad_iret" "$mk/good.elf"
grep -qE '^pvx: d0 crashed: cannot return to the guest: iretq to e033:[0-9a-f]{16} ss 0000 .*general protection' \
    "$mk/bad-iret.log" && grep -q 'guest crashed (status 39)' "$mk/bad-iret.log" &&
  ! grep -q PANIC "$mk/bad-iret.log"
tap "pvx: an iretq the CPU refuses (selftest=bad_iret: null ss) crashes d0, not the host" $? \
    "$(grep -hE 'crashed|PANIC|qemu.sh' "$mk/bad-iret.log" | tr '\n' ' ')"
for c in tf-syscall movss-tf-syscall; do
  mk_crash $c "debug at ffffffff801000"
  tap "pvx: $c: the single-step #DB lands in the guest (d0 crashed, status 39), not in the host" \
      $? "$(mk_why $c)"
done
for c in sysenter icebp; do
  mk_crash $c "(general protection fault|invalid opcode|debug) at ffffffff8010000[01]"
  tap "pvx: $c from the guest kernel faults in the guest (d0 crashed, status 39), never enters ring 0" \
      $? "$(mk_why $c)"
done
mk_boot hostile-args; rc=$?
grep -q '^pvx: d0 shut down: poweroff' "$mk/hostile-args.log" && [ $rc -eq 0 ]
tap "pvx: console_io, xen_version and sched_op with host, unmapped, wrapping and non-canonical buffers and bad commands give Xen errnos" \
    $? "$(mk_why hostile-args) $(grep -h '^    r13' "$mk/hostile-args.log") (r15 = failing call)"
tap_grep "pvx: unknown hypercall 64 refused with -ENOSYS and logged" \
  '^pvx: d0: hypercall 64 not implemented' "$mk/hostile-args.log"

# A guest repeating something the host logs gets PRINTK_GUEST_BURST (64) such lines, one line
# saying the rest are suppressed, and their count when it shuts down.
mk_boot log-flood; rc=$?
n=$(grep -c '^pvx: d0: console write of 16385 bytes cut to 16384$' "$mk/log-flood.log")
[ "$n" -eq 64 ] && [ $rc -eq 0 ] &&
  grep -q '^pvx: d0: 64 guest-caused host messages printed; further ones suppressed$' "$mk/log-flood.log" &&
  grep -q '^pvx: d0: 6 guest-caused host messages suppressed$' "$mk/log-flood.log" &&
  grep -q '^pvx: d0 shut down: poweroff' "$mk/log-flood.log"
tap "pvx: host lines a guest causes are limited: 70 cut console writes log 64 lines, then a note and the count at shutdown" \
    $? "$n cut lines; $(grep -h 'suppressed' "$mk/log-flood.log" | tr '\n' ' ') $(mk_why log-flood)"

# Every malformed image is refused by name: "cannot build d0: <reason>", status 39, no panic.
while IFS='|' read -r name args want; do
  mk_crash "$name" "domain build failed" "$args" &&
    grep -qE "^pvx: cannot build d0: $want" "$mk/$name.log"
  tap "pvx: builder refuses $name${args:+ ($args)}: $want" $? "$(mk_why "$name")"
done <<'CASES'
bad-filesz-gt-memsz||a PT_LOAD segment has p_filesz > p_memsz
bad-seg-beyond-file||a PT_LOAD segment lies outside the file
bad-seg-wraps||a PT_LOAD segment wraps
bad-seg-huge||the kernel's virtual range wraps around the address space
bad-kernel-too-big|dom0_mem=4M|dom0_mem is too small for the kernel image
bad-no-load||no PT_LOAD segment
bad-note-namesz||note name runs past its area
bad-note-descsz||note descriptor runs past its area
bad-note-number-size||numeric Xen note with a size other than 4 or 8
bad-note-area-outside||note area outside the file
bad-note-area-huge||note area outside the file
bad-base-above-kernel||VIRT_BASE / PADDR_OFFSET put the kernel below its base
bad-base-wraps||VIRT_BASE / PADDR_OFFSET put the kernel below its base
bad-base-unaligned||VIRT_BASE is not page aligned
bad-base-host||the bootstrap region overlaps the hypervisor's area
bad-base-host-end||the bootstrap region overlaps the hypervisor's area
bad-base-noncanonical||the bootstrap region is not canonical
bad-base-hole||the bootstrap region is not canonical
bad-region-wraps|dom0_mem=128M|the bootstrap region would wrap around the address space
bad-entry-outside||the entry point is outside the kernel
bad-entry-below||the entry point is outside the kernel
bad-hypercall-outside||HYPERCALL_PAGE is not a page inside the kernel
bad-hypercall-unaligned||HYPERCALL_PAGE is not a page inside the kernel
bad-phnum-huge||bad program header table
bad-phentsize||bad program header table
bad-phoff-huge||bad program header table
bad-elf32||not a 64-bit ELF
bad-machine||not an x86_64 ELF
bad-feature-unknown||the kernel requires a feature pvx does not know
bad-feature-unoffered||the kernel requires features pvx does not offer
good|dom0_mem=2G|dom0_mem is larger than the free memory
CASES
mk_boot note-forge; rc=$?
grep -q '^pvx: ELF: GUEST_OS "x?pvx: FORGED?\[2J"' "$mk/note-forge.log" &&
  ! grep -q '^pvx: FORGED' "$mk/note-forge.log" && [ $rc -eq 0 ] &&
  ! grep -q $'\x1b' "$mk/note-forge.log"
tap "pvx: ELF note strings are logged with control characters as '?' (no forged host line, no escapes)" \
    $? "$(grep -h 'GUEST_OS' "$mk/note-forge.log" | cat -v)"
mk_boot overlap; rc=$?
grep -q '^pvx: d0 shut down: poweroff' "$mk/overlap.log" && [ $rc -eq 0 ]
tap "pvx: two PT_LOADs over the same bytes load and boot" $? "$(mk_why overlap)"

boot "$mk/exec-guest.log" "selftest=exec_guest" "$mk/good.elf"
a=$(sed -nE 's/^pvx: selftest: the host calls guest memory at ([0-9a-f]{16})$/\1/p' "$mk/exec-guest.log")
[ -n "$a" ] && grep -q "^pvx: host page fault at $a cr2 $a" "$mk/exec-guest.log" &&
  grep -qE "^    rip $a  cs e008 .* vector 14  error 11\$" "$mk/exec-guest.log" &&
  ! grep -q 'the host ran guest memory' "$mk/exec-guest.log"
tap "pvx: the direct map is not executable outside the host image (selftest=exec_guest: fetch fault)" $? \
    "$(grep -hE 'selftest|host page fault|error' "$mk/exec-guest.log" | tr '\n' ' ')"
boot "$mk/host-debug.log" "selftest=host_debug" "$mk/good.elf"; rc=$?
grep -q '^pvx: debug exception in the host at ffff8300[0-9a-f]*, ignored' "$mk/host-debug.log" &&
  grep -q '^pvx: selftest: host single-step survived' "$mk/host-debug.log" && [ $rc -eq 0 ]
tap "pvx: a #DB in the host (selftest=host_debug) is dropped, not a panic" $? \
    "$(grep -hE 'debug|PANIC|qemu.sh' "$mk/host-debug.log" | tr '\n' ' ')"

echo "pvx boot wall time (TCG): median $(median "${times[@]}") s of ${times[*]}"
