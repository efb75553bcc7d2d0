# pvx — one top-level build.  Each part keeps its rules in <part>/build.mk, all built with the
# one compile rule of mk/rules.mk.
#   make          build/host.elf, build/host-debug.elf, build/guest.elf and the profiler plugin
#   make run      the main job: workloads under the traced pvx host, batched and unbatched,
#                 compared, with a report in build/report/ (scripts/run.sh, docs/trace.md)
#   make boot     boot the guest under the pvx host in QEMU and show it (GUEST=linux:
#                 Debian's kernel; make run GUEST=linux does the same)
#   make test     build the test programs, run every suite (tests/run.sh); ends with one
#                 "N passed, N failed, N skipped" line
#   make fuzz     run every fuzz target longer (FUZZ_SECONDS each)
#   make debug    QEMU paused under gdb with the host's and the guest's symbols (scripts/debug.sh)
#   make bench    the microbenchmarks in exact instruction counts (docs/bench.md)
#   make bench-pin  the longest single hypercall: pinning whole pagetable trees (docs/bench.md)
#   make profile  per-symbol instruction profiles under pvx and Xen (docs/bench.md)

BUILD := build
.DEFAULT_GOAL := all

include mk/rules.mk

ALL       :=   # every part appends the files `make` must produce
TEST_BINS :=   # userspace test programs `make test` needs built

include host/build.mk
include guest/build.mk
include tests/build.mk
include tools/profile/build.mk
include tools/pvxtrace/build.mk

.PHONY: all run boot test debug deps clean bench bench-pin profile
all: $(ALL)

deps:
	@scripts/deps.sh

# The main job: the workloads with pvx.batch=off and on under the traced pvx host, both
# traces decoded and compared, the report in build/report/ (WORKLOADS=, ITERS=, ACCEL=,
# PLATFORMS=: scripts/run.sh).  GUEST=linux boots Debian's kernel instead, as make boot.
run: deps all $(if $(filter linux,$(GUEST)),$(LINUX_INITRAMFS))
	@scripts/run.sh

# Boot the pvops guest under the pvx host in QEMU (GUEST_ARGS=, HOST_ARGS=, ACCEL=); GUEST=linux
# boots Debian's kernel with the project's busybox initramfs and a shell on the serial line.
boot: deps all $(if $(filter linux,$(GUEST)),$(LINUX_INITRAMFS))
	@scripts/boot.sh

test: deps all $(TEST_BINS)
	@tests/run.sh

# QEMU's gdbstub, paused at the first instruction, with the host and the guest loaded; gdb
# with both symbol files (scripts/pvx.gdb).  DEBUG_HOST=build/host-debug.elf for the debug host.
debug: all
	@scripts/debug.sh

# The microbenchmarks natively, under pvx and under Xen 4.17, in exact instruction counts
# (docs/bench.md).  BENCH_ARGS passes options, e.g. BENCH_ARGS="-w" for the wall-clock table.
bench: deps all
	@scripts/bench.sh $(BENCH_ARGS)

# The longest single hypercall: one pin of pagetable trees up to all of dom0's free frames,
# under pvx and Xen, and the worst case per dom0 size (docs/bench.md).  BENCH_PIN_ARGS="-b 4".
bench-pin: deps all
	@scripts/bench-pin.sh $(BENCH_PIN_ARGS)

# Where the instructions go: per-symbol profiles of probes under pvx and Xen side by side,
# e.g. make profile PROBES="null uvm" (docs/bench.md).
profile: deps all
	@scripts/profile.sh $(PROFILE_ARGS) $(PROBES)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
