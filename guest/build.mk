# The pvx test guest: one ELF (build/guest.elf) that boots natively (QEMU PVH entry), under
# the pvx host and under Xen (PV entry).  Linked at VIRT_BASE + paddr by its own script.
# In-guest tests (tests/guest/) are linked in and run by `test=<name>|all`; the user
# programs (guest/user/build.mk) are embedded.

include guest/user/build.mk

GUEST_SRCS := $(wildcard guest/arch/x86/*.S guest/arch/x86/*.c guest/kernel/*.S guest/kernel/*.c \
                          guest/guestlib/*.c)
PVOPS_SRCS := $(wildcard pvops/*.c)
GTEST_SRCS := $(wildcard tests/guest/*.c tests/guest/*.S)

# Guest code, the hook table and the in-guest tests share the guest's flags; the shared lib/
# is built with them into its own directory.  The kernel-image decompressors in lib/ are the
# host's alone: left out, so the guest stays small.
GUEST_LIB_SKIP := lib/bzimage.c lib/crc.c lib/inflate.c lib/lzma2.c lib/xz.c
GUEST_OBJS := $(call objs,$(BUILD),,$(GUEST_SRCS) $(PVOPS_SRCS) $(GTEST_SRCS)) \
              $(call objs,$(BUILD)/guest/lib-common,lib,\
                     $(filter-out $(GUEST_LIB_SKIP),$(wildcard lib/*.c)))
$(eval $(call compile_rules,$(BUILD)/guest,guest,GUEST_CFLAGS))
$(eval $(call compile_rules,$(BUILD)/pvops,pvops,GUEST_CFLAGS))
$(eval $(call compile_rules,$(BUILD)/tests/guest,tests/guest,GUEST_CFLAGS))
$(eval $(call compile_rules,$(BUILD)/guest/lib-common,lib,GUEST_CFLAGS))
$(BUILD)/tests/guest/%.o: GUEST_CFLAGS += -Itests/guest

$(BUILD)/guest.elf: $(GUEST_OBJS) guest/arch/x86/guest.ld
	$(call say,LD,$@)
	$(Q)$(LD) $(GUEST_LDFLAGS) -T guest/arch/x86/guest.ld -o $@ $(GUEST_OBJS)

ALL += $(BUILD)/guest.elf
