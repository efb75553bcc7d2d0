# The unit-test programs: portable pvx code built for userspace with ASan and UBSan
# (UNIT_CFLAGS; objects in build/unit/<source path>.o) and linked with cmocka, one program
# per module, each from its own tests/unit/test_<module>.c with a main():
#   mm-unit    host/mm and host/hypercall.c over the fake machine of fake_arch.c and world.c
#              (the debug audit in hypercall.c on, so every hypercall the tests make is audited)
#   lib-unit   the shared lib/
#   elf-unit   the ELF reader, host/hostlib/elf.c, over images built by tests/unit/elf_image.c
#   elfnote-unit  the Xen ELF-note parser, host/elfnote.c, over the same images, with the host
#              log captured (tests/unit/log_capture.c)
#   dom0_layout-unit  the dom0 layout arithmetic, host/dom0_layout.c, against Xen's layouts and
#              the promises of tests/unit/layout_check.c
#   pvops-unit the pvops hypercall backend over a recording fake hypervisor (fake_hv.c)
#   insn-unit  the instruction decoder, host/arch/x86/insn.c, against the oracle that
#              tests/unit/insn.mk generates and GNU as assembles
#   pvxtrace-unit the trace tool's reader and analysis with the host's trace ring
# Portable host code and lib/ are compiled with their string functions renamed lib_*
# (lib_names.h) and every program links lib/, so the code under test calls pvx's functions
# while libc, cmocka and the sanitizers keep their own.
#
# A new module: write tests/unit/test_<module>.c (cmocka groups, a main() that runs them and
# returns non-zero if one failed), then add one line below:
#   $(eval $(call unit_program,<module>-unit,<sources under test> tests/unit/test_<module>.c))
# tests/suites/20-unit.sh runs every program named on such a line.

UNIT_LIB_SRCS := $(wildcard lib/*.c)
$(eval $(call compile_rules,$(BUILD)/unit,,UNIT_CFLAGS))
$(BUILD)/unit/host/%.o $(BUILD)/unit/lib/%.o: UNIT_CFLAGS += -include tests/unit/lib_names.h
# The fake machine's inline mm hooks (tests/unit/mm_arch_inline.h) are on the host code's path.
$(BUILD)/unit/host/%.o: UNIT_CFLAGS += -DPVX_DEBUG=1 -Itests/unit
$(BUILD)/unit/tests/unit/%.o: UNIT_CFLAGS += -Itests/unit

#   $(call unit_program,NAME,SOURCES): build/tests/unit/NAME from SOURCES and lib/
define unit_program
$(BUILD)/tests/unit/$(1): $(call objs,$(BUILD)/unit,,$(2) $(UNIT_LIB_SRCS))
	@mkdir -p $$(dir $$@)
	$$(call say,LD,$$@)
	$$(Q)$$(CC) $$(UNIT_LDFLAGS) -o $$@ $$^ -lcmocka
TEST_BINS += $(BUILD)/tests/unit/$(1)
endef

UNIT_MM_SRCS := $(wildcard host/mm/*.c) host/hypercall.c host/trace.c host/refuse.c \
                tests/unit/fake_arch.c tests/unit/world.c tests/unit/helpers.c

$(eval $(call unit_program,mm-unit,$(UNIT_MM_SRCS) tests/unit/test_frames.c tests/unit/test_ops.c tests/unit/main.c))
$(eval $(call unit_program,lib-unit,tests/unit/test_lib.c))
$(eval $(call unit_program,elf-unit,host/hostlib/elf.c tests/unit/elf_image.c tests/unit/test_elf.c))
$(eval $(call unit_program,elfnote-unit,host/elfnote.c host/hostlib/elf.c tests/unit/elf_image.c \
    tests/unit/log_capture.c tests/unit/test_elfnote.c))
$(eval $(call unit_program,dom0_layout-unit,host/dom0_layout.c tests/unit/layout_check.c \
    tests/unit/log_capture.c tests/unit/test_dom0_layout.c))

# The pvops hypercall backend (pvops/pv.c, multicall.c, hypercall.c) over a recording fake
# hypervisor and kernel (tests/unit/fake_hv.c, which implements pvops' pvenv_* interface).
$(BUILD)/unit/pvops/%.o $(BUILD)/unit/tests/unit/fake_hv.o \
$(BUILD)/unit/tests/unit/test_pvops.o: UNIT_CFLAGS += -Ipvops -Iguest
$(eval $(call unit_program,pvops-unit,pvops/pv.c pvops/multicall.c pvops/hypercall.c pvops/trace.c tests/unit/fake_hv.c tests/unit/test_pvops.c))
$(eval $(call unit_program,insn-unit,host/arch/x86/insn.c tests/unit/test_insn.c))

# The trace reader and analysis (tools/pvxtrace, all but main.c) with the host's trace
# ring (host/trace/ring.c), on records the ring writes and on the traces in tests/trace/.
$(BUILD)/unit/tests/unit/test_pvxtrace.o: UNIT_CFLAGS += -Itools/pvxtrace
$(eval $(call unit_program,pvxtrace-unit,$(filter-out tools/pvxtrace/main.c,$(wildcard tools/pvxtrace/*.c)) host/trace/ring.c tests/unit/test_pvxtrace.c))
