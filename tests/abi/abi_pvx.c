/*
 * The pvx side of the ABI check: checks.def evaluated against include/public/ only.
 */
#include <public/xen.h>
#include <public/arch-x86_64.h>
#include <public/errno.h>
#include <public/elfnote.h>
#include <public/features.h>
#include <public/version.h>
#include <public/sched.h>
#include <public/event_channel.h>
#include <public/physdev.h>
#include <public/vcpu.h>
#include <public/callback.h>
#include <public/memory.h>
#include <public/grant_table.h>
#include <public/hvm_start_info.h>
#include <public/trace.h>

#include "abi.h"

const struct abi_value abi_pvx_table[] = {
#include "checks.def"
};
const size_t abi_pvx_count = sizeof(abi_pvx_table) / sizeof(abi_pvx_table[0]);
