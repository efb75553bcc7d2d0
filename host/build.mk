# The pvx host: build/host.elf, a multiboot image (see host/host.ld and
# host/arch/x86/boot.S).  Every .c/.S under host/arch/x86, host/, host/lib, host/mm and the
# shared lib/ is linked in, so new files are picked up without editing this fragment.

HOST_SRCS := $(wildcard host/arch/x86/*.S host/arch/x86/*.c host/*.c host/lib/*.c host/mm/*.c)
HOST_OBJS := $(patsubst host/%,$(BUILD)/host/%.o,$(basename $(HOST_SRCS)))

# The string functions and formatter shared with the guest (top-level lib/, included as
# "lib/string.h"), built with the host's flags into their own directory.  They have no
# PVX_DEBUG code, so the debug host links the same objects.
HOST_CFLAGS   += -I.
HOST_LIB_OBJS := $(patsubst lib/%.c,$(BUILD)/host/lib-common/%.o,$(wildcard lib/*.c))
HOST_OBJS     += $(HOST_LIB_OBJS)

$(BUILD)/host/lib-common/%.o: lib/%.c
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

ALL += $(BUILD)/host.elf

# xen_version(XENVER_changeset) reports the commit the host was built from.
$(BUILD)/host/version.o: HOST_CFLAGS += \
    -DPVX_CHANGESET='"$(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)"'

# --no-relax: -fpie code reaches other files' symbols through the GOT; ld's relaxation of a
# non-PIE link would turn those loads into 32-bit absolute moves, which cannot hold an
# address at 0xffff83....  Kept GOT entries are filled at link time (host.ld puts .got in
# the image), so nothing is relocated at run time.
$(BUILD)/host.elf: $(HOST_OBJS) $(BUILD)/host/host.ld host/build.mk
	$(call say,LD,$@)
	$(Q)$(LD) $(HOST_LDFLAGS) --no-relax -T $(BUILD)/host/host.ld -o $@ $(HOST_OBJS)

# The linker script shares host/layout.h with C and assembly.
$(BUILD)/host/host.ld: host/host.ld.S host/layout.h
	@mkdir -p $(dir $@)
	$(call say,CPP,$@)
	$(Q)$(CC) -E -P -x assembler-with-cpp -Iinclude -Ihost -MMD -MP -MT $@ -MF $@.d $< -o $@

# The debug host: the same sources with -DPVX_DEBUG=1, which audits every paging invariant
# after every hypercall (host/hypercall.c) and crashes the domain on a violation.  The
# in-guest memory tests run on it, so the real hypervisor is audited operation by operation.
HOST_DEBUG_OBJS := $(patsubst host/%,$(BUILD)/host-debug/%.o,$(basename $(HOST_SRCS))) \
                   $(HOST_LIB_OBJS)
ALL += $(BUILD)/host-debug.elf

$(BUILD)/host-debug/%.o: host/%.c
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(HOST_CFLAGS) -DPVX_DEBUG=1 -MMD -MP -c $< -o $@
$(BUILD)/host-debug/%.o: host/%.S
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(HOST_CFLAGS) -DPVX_DEBUG=1 -MMD -MP -c $< -o $@
$(BUILD)/host-debug/version.o: HOST_CFLAGS += \
    -DPVX_CHANGESET='"$(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)"'

$(BUILD)/host-debug.elf: $(HOST_DEBUG_OBJS) $(BUILD)/host/host.ld host/build.mk
	$(call say,LD,$@)
	$(Q)$(LD) $(HOST_LDFLAGS) --no-relax -T $(BUILD)/host/host.ld -o $@ $(HOST_DEBUG_OBJS)
