# libFuzzer targets for the decompressors and the bzImage reader: tests/fuzz/fuzz_decomp.c
# built three times by clang with ASan and UBSan, against the lib/ files they need (their
# functions renamed lib_*, as in the unit build).  Seeds: tests/fuzz/seeds-decomp/<target>/.
#   make fuzz-decomp FUZZ_SECONDS=600    each target for that long; new inputs and findings
#                                        go to build/tests/fuzz/decomp-<target>/
# tests/suites/22-decompress.sh runs a fixed number of executions of each in `make test`.

DECOMP_FUZZ_CC      ?= clang
DECOMP_FUZZ_TARGETS := gzip xz bzimage
DECOMP_FUZZ_BINS    := $(addprefix $(BUILD)/tests/fuzz/fuzz-,$(DECOMP_FUZZ_TARGETS))
DECOMP_FUZZ_LIB     := lib/string.c lib/crc.c lib/inflate.c lib/lzma2.c lib/xz.c lib/bzimage.c
DECOMP_FUZZ_FLAGS   := -std=gnu11 -g -O2 $(WARN) -I. -include tests/unit/lib_names.h \
                       -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
                       -fno-omit-frame-pointer

$(BUILD)/tests/fuzz/fuzz-%: tests/fuzz/fuzz_decomp.c $(DECOMP_FUZZ_LIB) $(wildcard lib/*.h)
	@mkdir -p $(dir $@)
	$(call say,FUZZ,$@)
	$(Q)$(DECOMP_FUZZ_CC) $(DECOMP_FUZZ_FLAGS) -DFUZZ_$*=1 -o $@ tests/fuzz/fuzz_decomp.c \
	    $(DECOMP_FUZZ_LIB)

# Only where clang is installed; 22-decompress.sh reports a SKIP otherwise.
ifneq ($(shell command -v $(DECOMP_FUZZ_CC) 2>/dev/null),)
TEST_BINS += $(DECOMP_FUZZ_BINS)
endif

.PHONY: fuzz-decomp
fuzz-decomp: $(DECOMP_FUZZ_BINS)
	@for t in $(DECOMP_FUZZ_TARGETS); do \
	    mkdir -p $(BUILD)/tests/fuzz/decomp-$$t; \
	    $(BUILD)/tests/fuzz/fuzz-$$t -max_total_time=$(or $(FUZZ_SECONDS),60) \
	        -artifact_prefix=$(BUILD)/tests/fuzz/decomp-$$t/ \
	        $(BUILD)/tests/fuzz/decomp-$$t tests/fuzz/seeds-decomp/$$t || exit 1; \
	done
