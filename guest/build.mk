# The pvx test guest: one ELF (build/guest.elf) that boots natively (QEMU PVH entry), under
# the pvx host and under Xen (PV entry).  Linked at VIRT_BASE + paddr by its own script.
# In-guest tests (tests/guest/) are linked in and run by `test=<name>|all`.

GUEST_SRCS := $(wildcard guest/arch/x86/*.S guest/arch/x86/*.c guest/kernel/*.c guest/lib/*.c)
PVOPS_SRCS := $(wildcard pvops/*.c)
GTEST_SRCS := $(wildcard tests/guest/*.c tests/guest/*.S)

# The string functions and formatter shared with the host (top-level lib/, included as
# "lib/string.h"), built with the guest's flags into their own directory.  The kernel-image
# decompressors in lib/ are the host's alone: left out, so the guest stays small.
GUEST_CFLAGS   += -I.
GUEST_LIB_SKIP := lib/bzimage.c lib/crc.c lib/inflate.c lib/lzma2.c lib/xz.c
GUEST_LIB_OBJS := $(patsubst lib/%.c,$(BUILD)/guest/lib-common/%.o,\
                  $(filter-out $(GUEST_LIB_SKIP),$(wildcard lib/*.c)))

$(BUILD)/guest/lib-common/%.o: lib/%.c
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@

GUEST_OBJS := $(patsubst %,$(BUILD)/%.o,$(basename $(GUEST_SRCS))) \
              $(patsubst %,$(BUILD)/%.o,$(basename $(PVOPS_SRCS))) \
              $(patsubst %,$(BUILD)/%.o,$(basename $(GTEST_SRCS))) \
              $(GUEST_LIB_OBJS)

# The in-guest tests are guest code: same flags, own output directory.
$(BUILD)/tests/guest/%.o: tests/guest/%.c
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(GUEST_CFLAGS) -Itests/guest -MMD -MP -c $< -o $@
$(BUILD)/tests/guest/%.o: tests/guest/%.S
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/guest.elf: $(GUEST_OBJS) guest/arch/x86/guest.ld
	$(call say,LD,$@)
	$(Q)$(LD) $(GUEST_LDFLAGS) -T guest/arch/x86/guest.ld -o $@ $(GUEST_OBJS)

ALL += $(BUILD)/guest.elf
