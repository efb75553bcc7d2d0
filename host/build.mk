# The pvx host: build/host.elf, a multiboot image (see host/host.ld.S and
# host/arch/x86/boot.S), build/host-debug.elf, the same sources with -DPVX_DEBUG=1, and
# build/host-trace.elf, the release host with -DPVX_TRACE=1 plus host/trace/ (docs/trace.md).
# Every .c/.S under host/, host/arch/x86, host/hostlib and host/mm is linked into all three,
# so new files are picked up without editing this fragment; host/trace/ only into the last.

# The x86 inline hooks of host/mm/arch.h (mm_arch_inline.h) live in host/arch/x86/include/.
HOST_CFLAGS += -Ihost/arch/x86/include

HOST_SRCS := $(wildcard host/arch/x86/*.S host/arch/x86/*.c host/*.c host/hostlib/*.c host/mm/*.c)

# The string functions and formatter shared with the guest (top-level lib/), built with the
# host's flags into their own directory.  They have no PVX_DEBUG code, so the debug host
# links the same objects.
HOST_LIB_OBJS := $(call objs,$(BUILD)/host/lib-common,lib,$(wildcard lib/*.c))
$(eval $(call compile_rules,$(BUILD)/host/lib-common,lib,HOST_CFLAGS))

# xen_version(XENVER_changeset) reports the commit the host was built from.
$(BUILD)/host/version.o $(BUILD)/host-debug/version.o $(BUILD)/host-trace/version.o: HOST_CFLAGS += \
    -DPVX_CHANGESET='"$(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)"'

# --no-relax: -fpie code reaches other files' symbols through the GOT; ld's relaxation of a
# non-PIE link would turn those loads into 32-bit absolute moves, which cannot hold an
# address at 0xffff83....  Kept GOT entries are filled at link time (host.ld puts .got in
# the image), so nothing is relocated at run time.
#   $(call host_image,ELF,OBJS)
define host_image
$(1): $(2) $(BUILD)/host/host.ld host/build.mk
	$$(call say,LD,$$@)
	$$(Q)$$(LD) $$(HOST_LDFLAGS) --no-relax -T $(BUILD)/host/host.ld -o $$@ $(2)
ALL += $(1)
endef

# The linker script shares host/layout.h with C and assembly.
$(BUILD)/host/host.ld: host/host.ld.S host/layout.h
	@mkdir -p $(dir $@)
	$(call say,CPP,$@)
	$(Q)$(CC) -E -P -x assembler-with-cpp -Iinclude -Ihost -MMD -MP -MT $@ -MF $@.d $< -o $@

HOST_OBJS := $(call objs,$(BUILD)/host,host,$(HOST_SRCS)) $(HOST_LIB_OBJS)
$(eval $(call compile_rules,$(BUILD)/host,host,HOST_CFLAGS))
$(eval $(call host_image,$(BUILD)/host.elf,$(HOST_OBJS)))

# The debug host audits every paging invariant after every hypercall (host/hypercall.c) and
# crashes the domain on a violation.  The in-guest memory tests run on it, so the real
# hypervisor is audited operation by operation.
HOST_DEBUG_CFLAGS = $(HOST_CFLAGS) -DPVX_DEBUG=1
HOST_DEBUG_OBJS := $(call objs,$(BUILD)/host-debug,host,$(HOST_SRCS)) $(HOST_LIB_OBJS)
$(eval $(call compile_rules,$(BUILD)/host-debug,host,HOST_DEBUG_CFLAGS))
$(eval $(call host_image,$(BUILD)/host-debug.elf,$(HOST_DEBUG_OBJS)))

# The traced host: the release host's flags and sources, the hooks of host/trace.h made
# real (-DPVX_TRACE=1) and host/trace/ linked in.  Its records go to the debug console at
# shutdown; in the release host the hooks are macros that vanish (host/trace.h).
HOST_TRACE_CFLAGS = $(HOST_CFLAGS) -DPVX_TRACE=1
HOST_TRACE_OBJS := $(call objs,$(BUILD)/host-trace,host,$(HOST_SRCS) $(wildcard host/trace/*.c)) \
                   $(HOST_LIB_OBJS)
$(eval $(call compile_rules,$(BUILD)/host-trace,host,HOST_TRACE_CFLAGS))
$(eval $(call host_image,$(BUILD)/host-trace.elf,$(HOST_TRACE_OBJS)))

