#!/usr/bin/env python3
"""Write the seeds of the ELF fuzzer (tests/fuzz/seeds/elf/): small ELF64 kernels with Xen
notes as pvx's guest carries them, in a PT_NOTE segment or only in SHT_NOTE sections, and a
few near misses; and of the note and layout fuzzer (tests/fuzz/seeds/elfnote/): some of the
same images with a domain size, and recipes (the form fuzz_elfnote.c reads) for pvx's guest
and its variants.  Run from the repository root; the output is committed."""
import struct

ENTRY, HYPERCALL_PAGE, VIRT_BASE, PADDR_OFFSET, XEN_VERSION, GUEST_OS, LOADER, PAE_MODE, \
    FEATURES, SUPPORTED_FEATURES = 1, 2, 3, 4, 5, 6, 8, 9, 10, 17
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


# --- elfnote-fuzz ---------------------------------------------------------------------------
# Byte 0: 0 = a raw image follows, 1 = a recipe; then nr_pages (8 bytes).  A recipe: flags
# (2 bytes), VIRT_BASE, PADDR_OFFSET, ENTRY, HYPERCALL_PAGE, SUPPORTED_FEATURES (8 bytes
# each), e_entry (8), per PT_LOAD paddr (8), memsz (8), filesz (2), offset (2), then
# GUEST_OS, XEN_VERSION, LOADER, PAE_MODE, FEATURES (a length byte, 255 = no note, and the
# bytes), then further notes (type, length, bytes).  Flag bits 0-4: that number is given,
# bits 5-9: in 4 bytes; the rest as in fuzz_elfnote.c.
NUMBERS = 5
ENTRY_INSIDE, HYPERCALL_INSIDE, IN_SECTION, TWO_SEGMENTS, BASE_ALIGNED = (1 << b for b in
                                                                         range(10, 15))


def raw(nr_pages, img):
    return b"\0" + struct.pack("<Q", nr_pages) + img


def recipe(nr_pages, nums, given=(0, 1, 2, 3, 4), four=(4,), flags=ENTRY_INSIDE |
           HYPERCALL_INSIDE | BASE_ALIGNED, e_entry=0, segs=((0x100000, 0xd0000, 4096, 0),),
           strings=("pvx-guest", "xen-3.0", "generic", "yes", "pae_pgdir_above_4gb|dom0"),
           extra=b""):
    for i in given:
        flags |= 1 << i
    for i in four:
        flags |= 32 << i
    if len(segs) > 1:
        flags |= TWO_SEGMENTS
    out = b"\1" + struct.pack("<QH", nr_pages, flags)
    out += b"".join(struct.pack("<Q", v) for v in nums) + struct.pack("<Q", e_entry)
    out += b"".join(struct.pack("<QQHH", *seg) for seg in segs)
    for text in strings:
        out += b"\xff" if text is None else bytes([len(text) + 1]) + text.encode() + b"\0"
    return out + extra


GUEST = (BASE, 0, 0x1000, 0x1000, 1 << 11)    # VIRT_BASE, PADDR_OFFSET, entry/page offsets
note_seeds = {
    "raw-pvx-notes": raw(8192, image()),
    "raw-section-notes": raw(1024, image(in_segment=False, in_section=True)),
    "guest-4m": recipe(1024, GUEST),
    "guest-32m": recipe(8192, GUEST),
    "guest-1536m": recipe(393216, GUEST),
    "guest-in-section": recipe(8192, GUEST, flags=ENTRY_INSIDE | HYPERCALL_INSIDE | IN_SECTION),
    "two-segments": recipe(8192, GUEST, segs=((0x100000, 0x40000, 4096, 0),
                                              (0x200000, 0x1000, 0, 0))),
    "low-base-four-bytes": recipe(2048, (0, 0, 0x100, 0, 1 << 11), given=(2, 4), four=(2, 4)),
    "required-features": recipe(8192, GUEST, strings=(
        "linux", "xen-3.0", None, "bimodal", "!writable_page_tables|!dom0|made_up")),
    "all-features": recipe(8192, GUEST, strings=(
        "pvx-guest", "xen-3.0", "generic", "yes", "writable_page_tables|"
        "writable_descriptor_tables|auto_translated_physmap|supervisor_mode_kernel|"
        "pae_pgdir_above_4gb|hvm_callback_vector|dom0")),
    "requires-unoffered": recipe(8192, GUEST, strings=(
        "pvx-guest", "xen-3.0", "generic", "yes", "!auto_translated_physmap|dom0|"
        "!writable_descriptor_tables|!supervisor_mode_kernel|!hvm_callback_vector")),
    "near-the-top": recipe(1024, (0xffffffffff000000,) + GUEST[1:]),
    "wraps": recipe(1024, (0xffffffffffc00000,) + GUEST[1:]),
    "host-range": recipe(1024, (0xffff800000000000,) + GUEST[1:]),
    "largest-domain": recipe(1 << 30, (0,) + GUEST[1:]),
    "extra-notes": recipe(8192, GUEST, extra=bytes([18, 8]) + struct.pack("<Q", 0x100200) +
                          bytes([7, 4]) + b"0.1\0" + bytes([0x42, 0])),
}
for name, data in note_seeds.items():
    with open(f"tests/fuzz/seeds/elfnote/{name}", "wb") as f:
        f.write(data)
