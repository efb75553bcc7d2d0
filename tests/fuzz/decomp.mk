# The decompressor fuzz targets, built as every fuzz target is (tests/fuzz/build.mk), seeds
# in tests/fuzz/seeds/<name>/: gzip-fuzz, xz-fuzz and bzimage-fuzz (any bytes as a gzip
# file, an xz file, a kernel image).  Their fuzz_target lines live here, not in
# tests/fuzz/build.mk, so 25-fuzz.sh leaves them to 22-decompress.sh, which runs each for a
# fixed number of executions.  `make fuzz` runs them too; `make fuzz-decomp` only them.

$(eval $(call fuzz_target,gzip,tests/fuzz/fuzz_gzip.c))
$(eval $(call fuzz_target,xz,tests/fuzz/fuzz_xz.c))
$(eval $(call fuzz_target,bzimage,tests/fuzz/fuzz_bzimage.c))

ifneq ($(shell command -v $(FUZZ_CC) 2>/dev/null),)
TEST_BINS += $(addprefix $(BUILD)/tests/fuzz/,gzip-fuzz xz-fuzz bzimage-fuzz)
endif

.PHONY: fuzz-decomp
fuzz-decomp: fuzz-gzip fuzz-xz fuzz-bzimage
