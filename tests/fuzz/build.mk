# The mm fuzzer: host/mm/*.c, host/hypercall.c (with the debug audit on) and the fake machine
# of tests/unit/, built by clang with libFuzzer, ASan and UBSan into one program.
#   make fuzz FUZZ_SECONDS=600     fuzz for as long as asked (default 60 s); findings and new
#                                  inputs go to build/tests/fuzz/{corpus,crash-*}
# tests/suites/25-fuzz.sh runs a short fixed-seed run as part of `make test`.

FUZZ_CC      ?= clang
FUZZ_BIN     := $(BUILD)/tests/fuzz/mm-fuzz
FUZZ_SECONDS ?= 60
FUZZ_SRCS    := $(filter-out host/mm/audit.c,$(wildcard host/mm/*.c)) host/hypercall.c host/refuse.c \
                tests/unit/fake_arch.c tests/unit/world.c tests/fuzz/fuzz_mm.c
FUZZ_BASE    := -std=gnu11 -g -O2 $(WARN) -Iinclude -Ihost -Itests/unit -DPVX_UNIT=1 \
                -DPVX_DEBUG=1 -DFAKE_FRAMES=64 -fno-sanitize-recover=all -fno-omit-frame-pointer
# The audit is the oracle, not the code under test: no coverage feedback from its loops
# (they would steer the fuzzer and cost most of its time), sanitizers still on.
FUZZ_AUDIT_O := $(BUILD)/tests/fuzz/audit.o

$(FUZZ_AUDIT_O): host/mm/audit.c $(wildcard host/mm/*.h)
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_BASE) -fsanitize=address,undefined -c -o $@ $<

$(FUZZ_BIN): $(FUZZ_SRCS) $(FUZZ_AUDIT_O) $(wildcard host/mm/*.h) tests/unit/fake_arch.h \
             tests/unit/world.h
	@mkdir -p $(dir $@)
	$(call say,FUZZ,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_BASE) -fsanitize=fuzzer,address,undefined -o $@ $(FUZZ_SRCS) $(FUZZ_AUDIT_O)

# Only where clang is installed; 25-fuzz.sh reports a SKIP otherwise.
ifneq ($(shell command -v $(FUZZ_CC) 2>/dev/null),)
TEST_BINS += $(FUZZ_BIN)
endif

fuzz: $(FUZZ_BIN)
	@mkdir -p $(BUILD)/tests/fuzz/corpus
	$(FUZZ_BIN) -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=$(BUILD)/tests/fuzz/ \
	    $(BUILD)/tests/fuzz/corpus tests/fuzz/seeds
