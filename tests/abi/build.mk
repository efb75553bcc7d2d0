# The ABI conformance test: build/tests/abi/abi-test, an ordinary userspace program.
# abi_pvx.c sees only include/public/, abi_xen.c only Debian's libxen-dev headers.

ABI_TEST   := $(BUILD)/tests/abi/abi-test
ABI_OBJS   := $(addprefix $(BUILD)/tests/abi/,abi_pvx.o abi_xen.o main.o)
ABI_CFLAGS := -std=gnu11 -g -O1 $(WARN)

$(BUILD)/tests/abi/abi_pvx.o: tests/abi/abi_pvx.c tests/abi/checks.def tests/abi/abi.h $(wildcard include/public/*.h)
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(ABI_CFLAGS) -Iinclude -MMD -MP -c $< -o $@
$(BUILD)/tests/abi/abi_xen.o: tests/abi/abi_xen.c tests/abi/checks.def tests/abi/abi.h
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(ABI_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/tests/abi/main.o: tests/abi/main.c tests/abi/abi.h
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(ABI_CFLAGS) -MMD -MP -c $< -o $@

$(ABI_TEST): $(ABI_OBJS)
	$(call say,CC,$@)
	$(Q)$(CC) -o $@ $^

TEST_BINS += $(ABI_TEST)
