/*
 * The reference side of the ABI check: checks.def evaluated against Debian's libxen-dev
 * headers (/usr/include/xen), asking for the newest interface version they offer so the
 * modern names (vcpu_time_info.flags, CALLBACKTYPE_sysenter = 5, ...) are the ones seen.
 */
#define __XEN_INTERFACE_VERSION__ __XEN_LATEST_INTERFACE_VERSION__

#include <stddef.h>
#include <stdint.h>   /* Xen's headers expect their includer to provide these */

#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/elfnote.h>
#include <xen/features.h>
#include <xen/version.h>
#include <xen/sched.h>
#include <xen/event_channel.h>
#include <xen/physdev.h>
#include <xen/vcpu.h>
#include <xen/callback.h>
#include <xen/memory.h>
#include <xen/grant_table.h>
#include <xen/arch-x86/hvm/start_info.h>
#include <xen/trace.h>

#include "abi.h"

const struct abi_value abi_xen_table[] = {
#include "checks.def"
};
const size_t abi_xen_count = sizeof(abi_xen_table) / sizeof(abi_xen_table[0]);
