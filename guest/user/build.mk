# The guest's user programs: one multi-call ELF (build/user/ubox.elf), linked at 4 MiB and
# embedded in the kernel image by guest/kernel/programs.S.

USER_CFLAGS := $(COMMON) $(FREESTANDING) -fno-pic -fno-pie -mcmodel=small -Iguest -I.
USER_SRCS   := $(wildcard guest/user/*.S guest/user/*.c)
USER_ELF    := $(BUILD)/user/ubox.elf

USER_OBJS   := $(call objs,$(BUILD)/user,guest/user,$(USER_SRCS)) \
               $(call objs,$(BUILD)/user/lib-common,lib,$(wildcard lib/*.c))
$(eval $(call compile_rules,$(BUILD)/user,guest/user,USER_CFLAGS))
$(eval $(call compile_rules,$(BUILD)/user/lib-common,lib,USER_CFLAGS))

$(USER_ELF): $(USER_OBJS) guest/user/user.ld
	$(call say,LD,$@)
	$(Q)$(LD) -nostdlib -static -z max-page-size=0x1000 -T guest/user/user.ld -o $@ $(USER_OBJS)

# The kernel embeds the binary.
$(BUILD)/guest/kernel/programs.o: $(USER_ELF)
$(BUILD)/guest/kernel/programs.o: GUEST_CFLAGS += -DUSER_ELF='"$(USER_ELF)"'
