# The decompressor tests (lib/inflate.c, lib/xz.c, lib/lzma2.c, lib/bzimage.c): decomp-unit,
# built as every unit program is (tests/unit/build.mk), and the files it decompresses, made
# by Debian's gzip and xz (tests/unit/decomp-data.sh, from generated inputs and guest.elf).
# tests/suites/22-decompress.sh runs it on them; the unit_program line lives here, not in
# tests/unit/build.mk, so 20-unit.sh does not run it a second time without its data.

DECOMP_DATA := $(BUILD)/tests/decomp/manifest

$(eval $(call unit_program,decomp-unit,tests/unit/test_decomp.c))

$(DECOMP_DATA): tests/unit/decomp-data.sh $(BUILD)/guest.elf
	$(call say,GEN,$(dir $@))
	$(Q)tests/unit/decomp-data.sh $(dir $@) $(BUILD)/guest.elf > /dev/null

TEST_BINS += $(DECOMP_DATA)
