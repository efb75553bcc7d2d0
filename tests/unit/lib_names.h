/*
 * The unit and fuzz builds of the shared lib/ rename its functions to lib_*, so the code under
 * test calls pvx's functions rather than libc's, and libc, cmocka and the sanitizers keep
 * their own.  Force-included (-include) into the lib/ and host/ objects of those builds
 * (tests/unit/build.mk, tests/fuzz/build.mk); test_lib.c includes it itself, after the
 * system headers.
 */
#ifndef PVX_LIB_NAMES_H
#define PVX_LIB_NAMES_H

#define memcpy    lib_memcpy
#define memmove   lib_memmove
#define memset    lib_memset
#define memcmp    lib_memcmp
#define strlen    lib_strlen
#define strnlen   lib_strnlen
#define strcmp    lib_strcmp
#define strncmp   lib_strncmp
#define strchr    lib_strchr
#define strstr    lib_strstr
#define strlcpy   lib_strlcpy
#define strtoull  lib_strtoull
#define vsnprintf lib_vsnprintf
#define snprintf  lib_snprintf

#endif
