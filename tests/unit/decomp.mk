# The decompressor tests: lib/ (built for userspace with ASan + UBSan and its functions
# renamed, as for lib-unit) with tests/unit/test_decomp.c, and the files they decompress,
# made by Debian's gzip and xz (tests/unit/decomp-data.sh, from build/guest.elf and
# generated inputs).  tests/suites/22-decompress.sh runs the program on them.

DECOMP_UNIT_TEST := $(BUILD)/tests/unit/decomp-unit
DECOMP_DATA      := $(BUILD)/tests/decomp/manifest
DECOMP_UNIT_OBJS := $(patsubst %.c,$(BUILD)/unit/%.o,$(wildcard lib/*.c) tests/unit/test_decomp.c)

$(BUILD)/unit/tests/unit/test_decomp.o: UNIT_CFLAGS += -I.

$(DECOMP_UNIT_TEST): $(DECOMP_UNIT_OBJS)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)
	$(Q)$(CC) $(UNIT_LDFLAGS) -o $@ $^ -lcmocka

$(DECOMP_DATA): tests/unit/decomp-data.sh $(BUILD)/guest.elf
	$(call say,GEN,$(dir $@))
	$(Q)tests/unit/decomp-data.sh $(dir $@) $(BUILD)/guest.elf > /dev/null

TEST_BINS += $(DECOMP_UNIT_TEST) $(DECOMP_DATA)
