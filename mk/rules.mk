# Shared build rules for every part of pvx.  Each part has a build.mk fragment that the
# top-level Makefile includes; fragments use the flag sets defined here.
#
#   HOST_CFLAGS   - the hypervisor: freestanding, no red zone, no SIMD, RIP-relative (-fpie,
#                   linked static non-PIE) because it lives at 0xffff83..., outside +-2 GiB.
#   GUEST_CFLAGS  - the guest kernel: freestanding, -mcmodel=kernel (it lives in the top 2 GiB).
#   UNIT_CFLAGS   - userspace builds of portable host code, with ASan + UBSan.

BUILD     ?= build
CC        ?= cc
LD        ?= ld
OBJCOPY   ?= objcopy

WARN      := -Wall -Wextra -Werror
COMMON    := -std=gnu11 -g -O2 $(WARN) -Iinclude -fno-common

FREESTANDING := -ffreestanding -fno-builtin -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
                -fno-stack-protector -mno-red-zone -mno-mmx -mno-sse -mno-sse2 -mno-80387 \
                -fno-asynchronous-unwind-tables -fno-omit-frame-pointer -fcf-protection=none

HOST_CFLAGS  := $(COMMON) $(FREESTANDING) -fpie -fvisibility=hidden -Ihost -DPVX_HOST=1
GUEST_CFLAGS := $(COMMON) $(FREESTANDING) -fno-pic -fno-pie -mcmodel=kernel -Iguest -Ipvops
HOST_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 --no-warn-rwx-segments
GUEST_LDFLAGS:= -nostdlib -static -z max-page-size=0x1000 --no-warn-rwx-segments

SANITIZE     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
UNIT_CFLAGS  := -std=gnu11 -g -O1 $(WARN) -Iinclude -Ihost $(SANITIZE) -DPVX_UNIT=1
UNIT_LDFLAGS := $(SANITIZE)

# Quiet by default: one "  CC  file" line per step; `make V=1` shows every command.
ifeq ($(V),1)
Q   :=
say  =
else
Q   := @
say  = @printf '  %-3s %s\n' $(1) $(2)
endif

# Compile rules, keyed on the output directory so each part gets its own flags.
$(BUILD)/host/%.o: host/%.c
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/host/%.o: host/%.S
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/guest/%.o: guest/%.c
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/guest/%.o: guest/%.S
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/pvops/%.o: pvops/%.c
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/unit/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(UNIT_CFLAGS) -MMD -MP -c $< -o $@
