# pvx — one top-level build.  `make` builds build/host.elf, build/guest.elf, the profiler
# plugin and the test programs; `make run` boots them; `make test` runs every test and ends
# with one "N passed, N failed" line; `make bench` and `make profile` measure.  Each part keeps its own rules in <part>/build.mk.

BUILD := build
.DEFAULT_GOAL := all

include mk/rules.mk

ALL       :=   # every part appends the files `make` must produce
TEST_BINS :=   # userspace test programs `make test` needs built

include host/build.mk
include guest/build.mk
include tests/build.mk
include tools/profile/build.mk

.PHONY: all run test fuzz deps clean bench profile
all: $(ALL)

deps:
	@scripts/deps.sh

# The main job: boot the pvops guest under the pvx host in QEMU.
run: deps all
	@scripts/run.sh

test: deps all $(TEST_BINS)
	@tests/run.sh

# The microbenchmarks natively, under pvx and under Xen 4.17, in exact instruction counts
# (docs/bench.md).  BENCH_ARGS passes options, e.g. BENCH_ARGS="-w" for the wall-clock table.
bench: deps all
	@scripts/bench.sh $(BENCH_ARGS)

# Where the instructions go: per-symbol profiles of probes under pvx and Xen side by side,
# e.g. make profile PROBES="null uvm" (docs/bench.md).
profile: deps all
	@scripts/profile.sh $(PROFILE_ARGS) $(PROBES)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
