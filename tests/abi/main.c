/*
 * The ABI conformance test: compares the pvx table with Xen's by name and prints one TAP
 * line per check.  A check present on only one side is a failure too.  Exit status is 1
 * if anything differs.
 */
#include <stdio.h>
#include <string.h>

#include "abi.h"

static const struct abi_value *find(const struct abi_value *t, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].name, name) == 0)
            return &t[i];
    return NULL;
}

static void print_value(uint64_t v)
{
    if (v < 10)
        printf("%llu", (unsigned long long)v);
    else
        printf("%llu (0x%llx)", (unsigned long long)v, (unsigned long long)v);
}

int main(void)
{
    unsigned failed = 0, checked = 0;

    for (size_t i = 0; i < abi_pvx_count; i++) {
        const struct abi_value *p = &abi_pvx_table[i];
        const struct abi_value *x = find(abi_xen_table, abi_xen_count, p->name);
        checked++;
        if (find(abi_pvx_table, i, p->name)) {
            printf("not ok - %s listed twice in checks.def\n", p->name);
            failed++;
        } else if (!x) {
            printf("not ok - %s: only in pvx\n", p->name);
            failed++;
        } else if (p->value != x->value) {
            printf("not ok - %s: pvx ", p->name);
            print_value(p->value);
            printf(", xen ");
            print_value(x->value);
            printf("\n");
            failed++;
        } else {
            printf("ok - %s = ", p->name);
            print_value(p->value);
            printf("\n");
        }
    }
    for (size_t i = 0; i < abi_xen_count; i++) {
        if (!find(abi_pvx_table, abi_pvx_count, abi_xen_table[i].name)) {
            printf("not ok - %s: only in xen\n", abi_xen_table[i].name);
            checked++;
            failed++;
        }
    }
    printf("1..%u\n# %u ABI checks, %u failed\n", checked, checked, failed);
    return failed ? 1 : 0;
}
