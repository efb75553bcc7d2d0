# Shared build rules for every part of pvx.  Each part has a build.mk fragment that the
# top-level Makefile includes; fragments use the flag sets and the one compile rule defined
# here.
#
#   HOST_CFLAGS   - the hypervisor: freestanding, no red zone, no SIMD, RIP-relative (-fpie,
#                   linked static non-PIE) because it lives at 0xffff83..., outside +-2 GiB.
#   GUEST_CFLAGS  - the guest kernel: freestanding, -mcmodel=kernel (it lives in the top 2 GiB).
#   UNIT_CFLAGS   - userspace builds of portable code, with ASan + UBSan.
#
# Include paths: "lib/..." is the top-level lib/ shared by host and guest (through -I.), and
# nothing else; the host's own library is "hostlib/..." (host/hostlib/, through -Ihost), the
# guest's "guestlib/..." (guest/guestlib/, through -Iguest); <public/...> is the ABI.

BUILD     ?= build
CC        ?= cc
LD        ?= ld
OBJCOPY   ?= objcopy

WARN      := -Wall -Wextra -Werror
COMMON    := -std=gnu11 -g -O2 $(WARN) -Iinclude -I. -fno-common

FREESTANDING := -ffreestanding -fno-builtin -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
                -fno-stack-protector -mno-red-zone -mno-mmx -mno-sse -mno-sse2 -mno-80387 \
                -fno-asynchronous-unwind-tables -fno-omit-frame-pointer -fcf-protection=none

# The host omits frame pointers, as Xen's release builds do (gdb unwinds it with the
# .debug_frame that -g emits); the guest keeps them.
HOST_CFLAGS  := $(COMMON) $(FREESTANDING) -fpie -fvisibility=hidden -Ihost -fomit-frame-pointer
GUEST_CFLAGS := $(COMMON) $(FREESTANDING) -fno-pic -fno-pie -mcmodel=kernel -Iguest -Ipvops
HOST_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 --no-warn-rwx-segments
GUEST_LDFLAGS:= -nostdlib -static -z max-page-size=0x1000 --no-warn-rwx-segments

SANITIZE     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
UNIT_CFLAGS  := -std=gnu11 -g -O1 $(WARN) -Iinclude -I. -Ihost $(SANITIZE)
UNIT_LDFLAGS := $(SANITIZE)

# Quiet by default: one "  CC  file" line per step; `make V=1` shows every command.
ifeq ($(V),1)
Q   :=
say  =
else
Q   := @
say  = @printf '  %-3s %s\n' $(1) $(2)
endif

# The one compile rule.  $(call compile_rules,OUT,SRC,FLAGS[,COMPILER]) defines
#   OUT/%.o: SRC/%.c   and   OUT/%.o: SRC/%.S
# compiled by $(COMPILER) (default CC) with $(FLAGS); both are variable *names*, expanded
# when the rule runs, so target-specific additions (`OUT/x.o: FLAGS += -DX`) apply.  SRC may
# be empty for "the source tree" (OUT/host/mm/frame.o from host/mm/frame.c).  Use it as
# $(eval $(call compile_rules,...)).
define compile_rules
$(1)/%.o: $(if $(2),$(2)/)%.c
	@mkdir -p $$(dir $$@)
	$$(call say,CC,$$@)
	$$(Q)$$($(or $(4),CC)) $$($(3)) -MMD -MP -c $$< -o $$@
$(1)/%.o: $(if $(2),$(2)/)%.S
	@mkdir -p $$(dir $$@)
	$$(call say,CC,$$@)
	$$(Q)$$($(or $(4),CC)) $$($(3)) -MMD -MP -c $$< -o $$@
endef

# The objects OUT/<path>.o for the sources given (paths relative to SRC, or the tree).
#   $(call objs,OUT,SRC,SOURCES)
objs = $(patsubst $(if $(2),$(2)/)%,$(1)/%.o,$(basename $(3)))
