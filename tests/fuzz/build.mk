# The libFuzzer targets: portable pvx code built by clang with libFuzzer, ASan and UBSan
# (FUZZ_CFLAGS; objects in build/fuzz/<source path>.o), one program per target,
# build/tests/fuzz/<name>-fuzz, with its seeds in tests/fuzz/seeds/<name>/:
#   mm-fuzz   host/mm and host/hypercall.c (debug audit on) over tests/unit's fake machine:
#             random guest hypercall sequences against two simulated domains
#   elf-fuzz  the ELF reader (host/hostlib/elf.c): any bytes as an image, every note walked
#   elfnote-fuzz  the Xen notes and the dom0 layout (host/elfnote.c, host/dom0_layout.c)
#             behind the ELF reader: a raw image, or one built from a recipe by
#             tests/unit/elf_image.c, and a domain size; every accepted layout checked by
#             tests/unit/layout_check.c
#   insn-fuzz the instruction decoder (host/arch/x86/insn.c): any bytes as guest code, every
#             promise of insn.h checked on what decodes (seeds: insn-unit --write-seeds)
#   pvxtrace-fuzz the trace reader (tools/pvxtrace): any bytes as a trace file, every output
#             run over what it accepts (seeds: small recorded traces)
#
#   make fuzz FUZZ_SECONDS=600        every target in turn, each for as long as asked (60 s)
#   make fuzz-elf FUZZ_SECONDS=600    one target
# New inputs and findings go to build/tests/fuzz/<name>/{corpus,crash-*}.
# tests/suites/25-fuzz.sh runs each target for a fixed number of executions in `make test`.
#
# A new target: tests/fuzz/fuzz_<name>.c with LLVMFuzzerTestOneInput, seeds in
# tests/fuzz/seeds/<name>/, one line below, and its execution count in 25-fuzz.sh.

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
# The audit is the oracle, not the code under test: no coverage feedback from its loops
# (they would steer the fuzzer and cost most of its time), sanitizers still on.
FUZZ_COVERAGE := -fsanitize=fuzzer-no-link
FUZZ_CFLAGS   = -std=gnu11 -g -O2 $(WARN) -Iinclude -I. -Ihost -Itests/unit -DPVX_DEBUG=1 \
                -DFAKE_FRAMES=64 $(FUZZ_COVERAGE) -fsanitize=address,undefined \
                -fno-sanitize-recover=all -fno-omit-frame-pointer
$(eval $(call compile_rules,$(BUILD)/fuzz,,FUZZ_CFLAGS,FUZZ_CC))
$(BUILD)/fuzz/host/%.o $(BUILD)/fuzz/lib/%.o: FUZZ_CFLAGS += -include tests/unit/lib_names.h
$(BUILD)/fuzz/host/mm/audit.o: FUZZ_COVERAGE :=

.PHONY: fuzz
#   $(call fuzz_target,NAME,SOURCES): build/tests/fuzz/NAME-fuzz from SOURCES and lib/, and
#   `make fuzz-NAME`
define fuzz_target
$(BUILD)/tests/fuzz/$(1)-fuzz: $(call objs,$(BUILD)/fuzz,,$(2) $(wildcard lib/*.c))
	@mkdir -p $$(dir $$@)
	$$(call say,LD,$$@)
	$$(Q)$$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $$@ $$^
FUZZ_BINS += $(BUILD)/tests/fuzz/$(1)-fuzz
.PHONY: fuzz-$(1)
fuzz-$(1): $(BUILD)/tests/fuzz/$(1)-fuzz
	@mkdir -p $(BUILD)/tests/fuzz/$(1)/corpus
	$(BUILD)/tests/fuzz/$(1)-fuzz -max_total_time=$$(FUZZ_SECONDS) \
	    -artifact_prefix=$(BUILD)/tests/fuzz/$(1)/ $(BUILD)/tests/fuzz/$(1)/corpus tests/fuzz/seeds/$(1)
fuzz: fuzz-$(1)
endef

$(eval $(call fuzz_target,mm,$(wildcard host/mm/*.c) host/hypercall.c host/trace.c host/refuse.c \
    tests/unit/fake_arch.c tests/unit/world.c tests/fuzz/fuzz_mm.c))
$(eval $(call fuzz_target,elf,host/hostlib/elf.c tests/fuzz/fuzz_elf.c))
$(eval $(call fuzz_target,elfnote,host/elfnote.c host/dom0_layout.c host/hostlib/elf.c \
    tests/unit/elf_image.c tests/unit/log_capture.c tests/unit/layout_check.c \
    tests/fuzz/fuzz_elfnote.c))
$(eval $(call fuzz_target,insn,host/arch/x86/insn.c tests/fuzz/fuzz_insn.c))
# the trace reader and every output over what it accepts (tools/pvxtrace, not plot/main)
$(BUILD)/fuzz/tests/fuzz/fuzz_pvxtrace.o: FUZZ_CFLAGS += -Itools/pvxtrace
$(eval $(call fuzz_target,pvxtrace,$(filter-out tools/pvxtrace/main.c tools/pvxtrace/plot.c,\
    $(wildcard tools/pvxtrace/*.c)) tests/fuzz/fuzz_pvxtrace.c))

# Only where clang is installed; 25-fuzz.sh reports a SKIP otherwise.
ifneq ($(shell command -v $(FUZZ_CC) 2>/dev/null),)
TEST_BINS += $(FUZZ_BINS)
endif
