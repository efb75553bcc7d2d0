# The instruction decoder (host/arch/x86/insn.c) outside the hypervisor: insn-unit (cmocka,
# ASan + UBSan) checks it against the oracle tests/unit/insn_oracle.py generates and GNU as
# assembles; insn-fuzz (clang, libFuzzer + ASan + UBSan) feeds it arbitrary bytes.
#   make fuzz-insn FUZZ_SECONDS=600    fuzz longer than tests/suites/21-insn.sh does

INSN_UNIT   := $(BUILD)/tests/unit/insn-unit
INSN_GEN    := $(BUILD)/tests/unit/insn-oracle
INSN_OBJS   := $(BUILD)/unit/host/arch/x86/insn.o $(BUILD)/unit/tests/unit/test_insn.o \
               $(INSN_GEN)/insn_oracle.o $(INSN_GEN)/insn_oracle_cases.o

# The generator writes the forms (.s) and what each must decode to (_cases.c) together.
$(INSN_GEN)/insn_oracle.s: tests/unit/insn_oracle.py
	@mkdir -p $(dir $@)
	$(call say,GEN,$@)
	$(Q)python3 $< $(INSN_GEN) > /dev/null
$(INSN_GEN)/insn_oracle_cases.c: $(INSN_GEN)/insn_oracle.s ;

# GNU as itself is the oracle for lengths: not the compiler driver (clang's would use its own).
$(INSN_GEN)/insn_oracle.o: $(INSN_GEN)/insn_oracle.s
	$(call say,AS,$@)
	$(Q)as --64 -o $@ $<

# A table of data: no optimisation to wait for.
$(INSN_GEN)/insn_oracle_cases.o: $(INSN_GEN)/insn_oracle_cases.c tests/unit/insn_oracle.h \
                                 host/arch/x86/insn.h
	$(call say,CC,$@)
	$(Q)$(CC) $(UNIT_CFLAGS) -O0 -Itests/unit -c $< -o $@

$(INSN_UNIT): $(INSN_OBJS)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)
	$(Q)$(CC) $(UNIT_LDFLAGS) -o $@ $^ -lcmocka

TEST_BINS += $(INSN_UNIT)

INSN_FUZZ    := $(BUILD)/tests/fuzz/insn-fuzz
INSN_FUZZ_CC := $(or $(FUZZ_CC),clang)

$(INSN_FUZZ): host/arch/x86/insn.c host/arch/x86/insn.h tests/fuzz/fuzz_insn.c
	@mkdir -p $(dir $@)
	$(call say,FUZZ,$@)
	$(Q)$(INSN_FUZZ_CC) -std=gnu11 -g -O2 $(WARN) -Ihost -fno-omit-frame-pointer \
	    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $@ \
	    host/arch/x86/insn.c tests/fuzz/fuzz_insn.c

ifneq ($(shell command -v $(INSN_FUZZ_CC) 2>/dev/null),)
TEST_BINS += $(INSN_FUZZ)
endif

.PHONY: fuzz-insn
fuzz-insn: $(INSN_FUZZ) $(INSN_UNIT)
	@mkdir -p $(BUILD)/tests/fuzz/insn-corpus
	$(INSN_UNIT) --write-seeds $(BUILD)/tests/fuzz/insn-corpus
	$(INSN_FUZZ) -max_total_time=$(or $(FUZZ_SECONDS),60) -max_len=32 \
	    -artifact_prefix=$(BUILD)/tests/fuzz/insn- $(BUILD)/tests/fuzz/insn-corpus
