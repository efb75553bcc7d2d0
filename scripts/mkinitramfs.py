#!/usr/bin/env python3
"""Build the Linux boot test's initramfs: an uncompressed newc cpio archive holding Debian's
busybox-static as /bin/busybox (with a link per applet), the project's /init
(tests/linux/init.sh) and /bin/rdtsc, and the device nodes the kernel needs before /init runs
(/dev/console, /dev/null).  The archive is written directly, so no root rights or cpio tool
are needed.

    scripts/mkinitramfs.py OUT.cpio RDTSC [BUSYBOX]

BUSYBOX defaults to /bin/busybox (package busybox-static, installed by scripts/deps.sh)."""
import os
import subprocess
import sys

S_IFDIR, S_IFREG, S_IFLNK, S_IFCHR = 0o040000, 0o100000, 0o120000, 0o020000


class Cpio:
    def __init__(self):
        self.out = bytearray()
        self.ino = 1

    def add(self, name, mode, data=b"", rdev=(0, 0)):
        """One newc entry: header, name (NUL-terminated, padded to 4), data (padded to 4)."""
        fields = [self.ino, mode, 0, 0, 1 if not mode & S_IFDIR else 2, 0, len(data),
                  0, 0, rdev[0], rdev[1], len(name) + 1, 0]
        self.ino += 1
        self.out += b"070701" + b"".join(b"%08X" % f for f in fields)
        self.out += name.encode() + b"\0"
        self.out += b"\0" * (-len(self.out) % 4)
        self.out += data
        self.out += b"\0" * (-len(self.out) % 4)

    def trailer(self):
        self.ino = 0
        self.add("TRAILER!!!", 0)
        return bytes(self.out) + b"\0" * (-len(self.out) % 512)


def applets(busybox):
    """Busybox's applet names, as it lists them itself."""
    out = subprocess.run([busybox, "--list"], check=True, capture_output=True, text=True)
    return sorted(set(out.stdout.split()))


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    out, rdtsc = sys.argv[1], sys.argv[2]
    busybox = sys.argv[3] if len(sys.argv) == 4 else "/bin/busybox"
    here = os.path.dirname(os.path.abspath(__file__))
    init = os.path.join(here, "..", "tests", "linux", "init.sh")
    for f, why in ((busybox, "install busybox-static: make deps"), (rdtsc, "run make"),
                   (init, "the source tree is incomplete")):
        if not os.path.isfile(f):
            sys.exit(f"mkinitramfs: {f} missing ({why})")

    c = Cpio()
    for d in ("bin", "dev", "proc", "sys", "tmp"):
        c.add(d, S_IFDIR | 0o755)
    c.add("dev/console", S_IFCHR | 0o600, rdev=(5, 1))
    c.add("dev/null", S_IFCHR | 0o666, rdev=(1, 3))
    c.add("init", S_IFREG | 0o755, open(init, "rb").read())
    c.add("bin/busybox", S_IFREG | 0o755, open(busybox, "rb").read())
    c.add("bin/rdtsc", S_IFREG | 0o755, open(rdtsc, "rb").read())
    for a in applets(busybox):
        if a != "busybox" and "/" not in a:
            c.add("bin/" + a, S_IFLNK | 0o777, b"busybox")
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(c.trailer())
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
