# The guest's user programs: one multi-call ELF (build/user/ubox.elf), linked at 4 MiB and
# embedded in the kernel image by guest/kernel/programs.S.

USER_CFLAGS := $(COMMON) $(FREESTANDING) -fno-pic -fno-pie -mcmodel=small -Iguest -I.
USER_SRCS   := $(wildcard guest/user/*.S guest/user/*.c)
USER_OBJS   := $(patsubst guest/user/%,$(BUILD)/user/%.o,$(basename $(USER_SRCS))) \
               $(patsubst lib/%.c,$(BUILD)/user/lib-common/%.o,$(wildcard lib/*.c))
USER_ELF    := $(BUILD)/user/ubox.elf

$(BUILD)/user/%.o: guest/user/%.c
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(USER_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/user/%.o: guest/user/%.S
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(USER_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/user/lib-common/%.o: lib/%.c
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(USER_CFLAGS) -MMD -MP -c $< -o $@

$(USER_ELF): $(USER_OBJS) guest/user/user.ld
	$(call say,LD,$@)
	$(Q)$(LD) -nostdlib -static -z max-page-size=0x1000 -T guest/user/user.ld -o $@ $(USER_OBJS)

# The kernel embeds the binary.
$(BUILD)/guest/kernel/programs.o: $(USER_ELF)
$(BUILD)/guest/kernel/programs.o: GUEST_CFLAGS += -DUSER_ELF='"$(USER_ELF)"'
