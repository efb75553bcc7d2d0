# pvx — one top-level build.  `make` builds build/host.elf, build/guest.elf and the test
# programs; `make run` boots them; `make test` runs every test and ends with one
# "N passed, N failed" line.  Each part keeps its own rules in <part>/build.mk.

BUILD := build
.DEFAULT_GOAL := all

include mk/rules.mk

ALL       :=   # every part appends the files `make` must produce
TEST_BINS :=   # userspace test programs `make test` needs built

include host/build.mk
include guest/build.mk
include tests/build.mk

.PHONY: all run test fuzz deps clean
all: $(ALL)

deps:
	@scripts/deps.sh

# The main job: boot the pvops guest under the pvx host in QEMU.
run: deps all
	@scripts/run.sh

test: deps all $(TEST_BINS)
	@tests/run.sh

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
