# The mm unit tests: host/mm/*.c and host/hypercall.c built for userspace with ASan and
# UBSan (UNIT_CFLAGS, build/unit/...), over the fake machine in tests/unit/.  The debug
# audit in hypercall.c is on, so every hypercall the tests make is audited as well.

UNIT_TEST      := $(BUILD)/tests/unit/mm-unit
UNIT_MM_SRCS   := $(wildcard host/mm/*.c) host/hypercall.c host/refuse.c
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


# The shared freestanding library (lib/), as an ordinary program under ASan and UBSan.  Its
# functions are renamed lib_* (tests/unit/lib_names.h), so the test runs pvx's code while
# libc, cmocka and the sanitizers keep their own.
LIB_UNIT_TEST := $(BUILD)/tests/unit/lib-unit
LIB_UNIT_SRCS := $(wildcard lib/*.c) tests/unit/test_lib.c
LIB_UNIT_OBJS := $(patsubst %.c,$(BUILD)/unit/%.o,$(LIB_UNIT_SRCS))

$(BUILD)/unit/lib/%.o: UNIT_CFLAGS += -I. -include tests/unit/lib_names.h
$(BUILD)/unit/tests/unit/test_lib.o: UNIT_CFLAGS += -I.

$(LIB_UNIT_TEST): $(LIB_UNIT_OBJS)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)
	$(Q)$(CC) $(UNIT_LDFLAGS) -o $@ $^ -lcmocka

TEST_BINS += $(LIB_UNIT_TEST)


# The pvops hypercall backend (pvops/pv.c, multicall.c, hypercall.c) as an ordinary
# program over a recording fake hypervisor and kernel (tests/unit/fake_hv.c).
PVOPS_UNIT_TEST := $(BUILD)/tests/unit/pvops-unit
PVOPS_UNIT_SRCS := pvops/pv.c pvops/multicall.c pvops/hypercall.c tests/unit/fake_hv.c \
                   tests/unit/test_pvops.c
PVOPS_UNIT_OBJS := $(patsubst %.c,$(BUILD)/unit/%.o,$(PVOPS_UNIT_SRCS))

$(BUILD)/unit/pvops/%.o: UNIT_CFLAGS += -Ipvops -Iguest
$(PVOPS_UNIT_OBJS): UNIT_CFLAGS += -Ipvops -Iguest

$(PVOPS_UNIT_TEST): $(PVOPS_UNIT_OBJS)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)
	$(Q)$(CC) $(UNIT_LDFLAGS) -o $@ $^ -lcmocka

TEST_BINS += $(PVOPS_UNIT_TEST)
