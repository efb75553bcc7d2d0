/*
 * The guest's freestanding C library: the string functions and formatter shared with the
 * host (top-level lib/) and a few guest-wide definitions.  No allocation, no state; safe to
 * call before anything else is set up.
 */
#ifndef GUEST_LIB_H
#define GUEST_LIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/format.h"
#include "lib/string.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define __noreturn __attribute__((__noreturn__))

#endif
