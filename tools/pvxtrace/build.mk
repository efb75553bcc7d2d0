# The trace tool: build/tools/pvxtrace, an ordinary program for the machine QEMU runs on
# (docs/trace.md).  Its modules other than main.c are also linked into the pvxtrace-unit
# tests (tests/unit/build.mk).

PVXTRACE := $(BUILD)/tools/pvxtrace
PVXTRACE_LIB_SRCS := $(filter-out tools/pvxtrace/main.c,$(wildcard tools/pvxtrace/*.c))
PVXTRACE_CFLAGS := -std=gnu11 -g -O2 $(WARN) -Iinclude -Itools/pvxtrace
PVXTRACE_OBJS := $(call objs,$(BUILD)/tools/pvxtrace-obj,tools/pvxtrace,$(wildcard tools/pvxtrace/*.c))
$(eval $(call compile_rules,$(BUILD)/tools/pvxtrace-obj,tools/pvxtrace,PVXTRACE_CFLAGS))

$(PVXTRACE): $(PVXTRACE_OBJS)
	$(call say,LD,$@)
	$(Q)$(CC) -o $@ $^

ALL += $(PVXTRACE)
