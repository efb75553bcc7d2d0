# The mm unit tests: host/mm/*.c and host/hypercall.c built for userspace with ASan and
# UBSan (UNIT_CFLAGS, build/unit/...), over the fake machine in tests/unit/.  The debug
# audit in hypercall.c is on, so every hypercall the tests make is audited as well.

UNIT_TEST      := $(BUILD)/tests/unit/mm-unit
UNIT_MM_SRCS   := $(wildcard host/mm/*.c) host/hypercall.c
UNIT_FAKE_SRCS := tests/unit/fake_arch.c tests/unit/world.c
UNIT_SRCS      := $(UNIT_MM_SRCS) $(UNIT_FAKE_SRCS) tests/unit/helpers.c \
                  tests/unit/test_frames.c tests/unit/test_ops.c tests/unit/main.c
UNIT_OBJS      := $(patsubst %.c,$(BUILD)/unit/%.o,$(UNIT_SRCS))

$(BUILD)/unit/host/%.o: UNIT_CFLAGS += -DPVX_DEBUG=1
$(BUILD)/unit/tests/unit/%.o: UNIT_CFLAGS += -Itests/unit

$(UNIT_TEST): $(UNIT_OBJS)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)
	$(Q)$(CC) $(UNIT_LDFLAGS) -o $@ $^ -lcmocka

TEST_BINS += $(UNIT_TEST)

