# The ABI conformance test: build/tests/abi/abi-test, an ordinary userspace program.
# abi_pvx.c sees only include/public/, abi_xen.c only Debian's libxen-dev headers.

ABI_TEST   := $(BUILD)/tests/abi/abi-test
ABI_OBJS   := $(addprefix $(BUILD)/tests/abi/,abi_pvx.o abi_xen.o main.o)
ABI_CFLAGS := -std=gnu11 -g -O1 $(WARN)
$(eval $(call compile_rules,$(BUILD)/tests/abi,tests/abi,ABI_CFLAGS))
$(BUILD)/tests/abi/abi_pvx.o: ABI_CFLAGS += -Iinclude

$(ABI_TEST): $(ABI_OBJS)
	$(call say,LD,$@)
	$(Q)$(CC) -o $@ $^

TEST_BINS += $(ABI_TEST)
