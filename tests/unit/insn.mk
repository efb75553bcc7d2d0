# The oracle of insn-unit (tests/unit/build.mk), the instruction decoder's unit program:
# tests/unit/insn_oracle.py writes thousands of instruction forms (insn_oracle.s) and what each
# must decode to (insn_oracle_cases.c); GNU as assembles the forms, so it decides every length.

INSN_GEN := $(BUILD)/tests/unit/insn-oracle

$(INSN_GEN)/insn_oracle.s: tests/unit/insn_oracle.py
	@mkdir -p $(dir $@)
	$(call say,GEN,$@)
	$(Q)python3 $< $(INSN_GEN) > /dev/null
$(INSN_GEN)/insn_oracle_cases.c: $(INSN_GEN)/insn_oracle.s ;

# GNU as itself, not the compiler driver (clang's would use its own assembler).
$(INSN_GEN)/insn_oracle.o: $(INSN_GEN)/insn_oracle.s
	$(call say,AS,$@)
	$(Q)as --64 -o $@ $<

# A table of data: nothing to optimise.
$(INSN_GEN)/insn_oracle_cases.o: $(INSN_GEN)/insn_oracle_cases.c tests/unit/insn_oracle.h \
                                 host/arch/x86/insn.h
	$(call say,CC,$@)
	$(Q)$(CC) $(UNIT_CFLAGS) -O0 -Itests/unit -c $< -o $@

$(BUILD)/tests/unit/insn-unit: $(INSN_GEN)/insn_oracle.o $(INSN_GEN)/insn_oracle_cases.o
