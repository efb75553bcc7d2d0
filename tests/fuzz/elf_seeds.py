#!/usr/bin/env python3
"""Write the seed images of the ELF fuzzer (tests/fuzz/seeds/elf/): small ELF64 kernels
with Xen notes as pvx's guest carries them, in a PT_NOTE segment or only in SHT_NOTE
sections, and a few near misses.  Run from the repository root; the output is committed."""
import struct

ENTRY, HYPERCALL_PAGE, VIRT_BASE, PADDR_OFFSET, XEN_VERSION, GUEST_OS, LOADER, PAE_MODE, \
    FEATURES = 1, 2, 3, 4, 5, 6, 8, 9, 10
BASE = 0xffffffff80000000


def note(t, desc, name=b"Xen\0"):
    if isinstance(desc, str):
        desc = desc.encode() + b"\0"
    elif isinstance(desc, int):
        desc = struct.pack("<Q", desc)
    pad = lambda b: b + b"\0" * (-len(b) % 4)
    return struct.pack("<III", len(name), len(desc), t) + pad(name) + pad(desc)


NOTES = b"".join([note(GUEST_OS, "pvx-guest"), note(XEN_VERSION, "xen-3.0"),
                  note(LOADER, "generic"), note(VIRT_BASE, BASE), note(PADDR_OFFSET, 0),
                  note(ENTRY, BASE + 0x100000), note(HYPERCALL_PAGE, BASE + 0x101000),
                  note(PAE_MODE, "yes"), note(FEATURES, "pae_pgdir_above_4gb|dom0"),
                  note(3, 1, name=b"GNU\0")])


def image(notes=NOTES, in_segment=True, in_section=False):
    """ehdr, two phdrs (PT_LOAD over the file; PT_NOTE or PT_NULL), the notes, and when asked
    a section header table with a NULL and an SHT_NOTE section."""
    phoff, notes_off = 64, 64 + 2 * 56
    shoff = (notes_off + len(notes) + 7) & ~7
    shnum = 2 if in_section else 0
    size = shoff + 64 * shnum
    ph = struct.pack("<IIQQQQQQ", 1, 5, 0, BASE + 0x100000, 0x100000, size, size, 0x1000)
    ph += struct.pack("<IIQQQQQQ", 4 if in_segment else 0, 4, notes_off, 0, 0, len(notes),
                      len(notes), 4)
    sh = b""
    if in_section:
        sh = b"\0" * 64 + struct.pack("<IIQQQQIIQQ", 0, 7, 2, 0, notes_off, len(notes), 0, 0,
                                      4, 0)
    head = struct.pack("<16sHHIQQQIHHHHHH", b"\x7fELF\x02\x01\x01", 2, 62, 1, BASE + 0x100000,
                       phoff, shoff if shnum else 0, 0, 64, 56, 2, 64, shnum, 0)
    img = head + ph + notes
    return img + b"\0" * (shoff - len(img)) + sh


seeds = {
    "pvx-notes": image(),
    "section-notes": image(in_segment=False, in_section=True),
    "both": image(in_section=True),
    "no-notes": image(notes=b"", in_segment=False),
    "cut-note": image()[:64 + 2 * 56 + 30],
    "long-name": image(notes=note(6, "x", name=b"Xen-with-a-long-owner-name\0") + NOTES),
}
for name, data in seeds.items():
    with open(f"tests/fuzz/seeds/elf/{name}", "wb") as f:
        f.write(data)
