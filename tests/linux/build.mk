# The Linux boot test's initramfs (scripts/mkinitramfs.py, suite 35): Debian's busybox-static,
# the test's /init (tests/linux/init.sh) and /bin/rdtsc.  Part of `make test` where
# busybox-static is installed (scripts/deps.sh installs it).
LINUX_RDTSC := $(BUILD)/linux/rdtsc
LINUX_INITRAMFS := $(BUILD)/linux/initramfs.cpio

$(LINUX_RDTSC): tests/linux/rdtsc.c tests/linux/build.mk
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) -O2 $(WARN) -static -nostdlib -fno-pie -no-pie -fno-stack-protector -o $@ $<

$(LINUX_INITRAMFS): $(LINUX_RDTSC) tests/linux/init.sh scripts/mkinitramfs.py \
                    $(wildcard /bin/busybox)
	$(call say,GEN,$@)
	$(Q)scripts/mkinitramfs.py $@ $(LINUX_RDTSC)

ifneq ($(wildcard /bin/busybox),)
TEST_BINS += $(LINUX_INITRAMFS)
endif
