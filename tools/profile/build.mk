# The profiler: build/tools/profile/libprofile.so, a QEMU TCG plugin (an ordinary shared
# object for the machine QEMU runs on), loaded by scripts/profile.sh with -plugin.

PROFILE_PLUGIN := $(BUILD)/tools/profile/libprofile.so
PROFILE_CFLAGS := -std=gnu11 -g -O2 $(WARN) -fPIC -fvisibility=hidden

$(PROFILE_PLUGIN): tools/profile/profile.c tools/profile/plugin-api.h tools/profile/marker.h
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(PROFILE_CFLAGS) -shared -o $@ $<

ALL += $(PROFILE_PLUGIN)
