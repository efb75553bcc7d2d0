/*
 * The C half of the execution-model test harness: set-up (shared_info mapping, trap table,
 * callbacks, kernel stack, user address space), running code in kernel or user mode, and
 * decoding what the handlers recorded.  Every set-up hypercall is checked; a refusal is the
 * FAILURE of the test that needed it.  State is set up once per boot and kept.
 */
#include <stddef.h>
#include "pvexec.h"
#include "kernel/console.h"

_Static_assert(offsetof(struct pvx_record, kind) == REC_KIND, "record layout");
_Static_assert(offsetof(struct pvx_record, frame) == REC_FRAME, "record layout");
_Static_assert(offsetof(struct pvx_record, rflags) == REC_RFLAGS, "record layout");
_Static_assert(offsetof(struct pvx_record, mask) == REC_MASK, "record layout");
_Static_assert(offsetof(struct pvx_record, gpr) == REC_GPR, "record layout");
_Static_assert(offsetof(struct pvx_record, word) == REC_WORD, "record layout");
_Static_assert(offsetof(struct pvx_record, count) == REC_COUNT, "record layout");
_Static_assert(offsetof(struct pvx_record, cs) == REC_CS, "record layout");
_Static_assert(offsetof(struct pvx_record, ss) == REC_SS, "record layout");
_Static_assert(sizeof(struct pvx_record) == REC_SIZE, "record layout");

int pvx_call(uint64_t (*fn)(uint64_t, uint64_t), uint64_t a0, uint64_t a1);
int pvx_user_enter(uint64_t rip, uint64_t rsp, uint64_t a0, uint64_t a1);
int pvx_iret(const struct iret_context *ctx);
void pvexec_unarmed(void);
extern volatile uint64_t pvx_ret, pvx_resume, pvx_resume_skip, pvx_resume_flags;
extern volatile uint64_t pvx_vcpu_info;

volatile struct shared_info *pvx_shinfo;
volatile struct vcpu_info *pvx_vcpu;
uint64_t *pvx_user_data;
mfn_t pvx_user_data_mfn;
mfn_t pvx_user_l4_mfn;
uint64_t *pvx_user_l1;

static unsigned done_need;       /* what was set up successfully */
static char setup_failure[160];  /* why set-up failed, repeated to every later test */

/* The trap table: exceptions 0-31 at DPL 0 (int3 and into at DPL 3, as native kernels
 * do), 0x80 and 0x81 at DPL 3, 0x82 at DPL 1, 0x83 at DPL 0; 0x84 and 0x85 absent. */
static unsigned trap_dpl(unsigned v)
{
    switch (v) {
    case 3: case 4: case 0x80: case 0x81: return 3;
    case 0x82: return 1;
    default: return 0;
    }
}

long pvexec_trap_table_reset(void)
{
    static struct trap_info table[32 + 4 + 1];
    unsigned n = 0;

    for (unsigned v = 0; v < 0x84; v = (v == 31) ? 0x80 : v + 1) {
        table[n] = (struct trap_info){ .vector = (uint8_t)v, .flags = (uint8_t)trap_dpl(v),
                                       .cs = FLAT_KERNEL_CS,
                                       .address = (unsigned long)(pvx_stubs + 16 * v) };
        n++;
    }
    table[n] = (struct trap_info){ 0 };
    return HYPERVISOR_set_trap_table(table);
}

static long callback(uint16_t type, uint16_t flags, const void *entry)
{
    struct callback_register reg = { .type = type, .flags = flags,
                                     .address = (unsigned long)entry };
    return HYPERVISOR_callback_op(CALLBACKOP_register, &reg);
}

long pvexec_callbacks_reset(void)
{
    long rc = callback(CALLBACKTYPE_event, 0, pvx_event_entry);
    if (!rc)
        rc = callback(CALLBACKTYPE_failsafe, 0, pvx_failsafe_entry);
    if (!rc)
        rc = callback(CALLBACKTYPE_syscall, CALLBACKF_mask_events, pvx_syscall_entry);
    return rc;
}

static bool step(const char *what, long rc)
{
    if (rc && !setup_failure[0])
        snprintf(setup_failure, sizeof(setup_failure), "set-up: %s: expected 0 got %ld",
                 what, rc);
    return rc == 0;
}

/* Map shared_info over a spare frame's VA in the boot region. */
static bool setup_shinfo(void)
{
    pfn_t p = frame_alloc();
    if (!p.v)
        return step("a spare frame for shared_info", -1);
    void *va = pfn_to_virt(p);
    mfn_t m = mfn(boot.si->shared_info >> PAGE_SHIFT);
    if (!step("map shared_info", remap(va, m, PTE_DATA)))
        return false;
    pvx_shinfo = va;
    pvexec_vcpu_info_moved(&pvx_shinfo->vcpu_info[0]);
    return true;
}

void pvexec_vcpu_info_moved(volatile struct vcpu_info *v)
{
    pvx_vcpu = v;
    pvx_vcpu_info = (uint64_t)v;
}

static bool setup_traps(void)
{
    return step("set_trap_table", pvexec_trap_table_reset()) &&
           step("callback_op register", pvexec_callbacks_reset()) &&
           step("stack_switch", HYPERVISOR_stack_switch(FLAT_KERNEL_SS,
                                                        (unsigned long)pvx_kstack_top));
}

/* A zeroed frame of ours, with its boot-region VA; false (and the reason) if none is left. */
static bool spare(struct page *pg)
{
    pg->pfn = frame_alloc();
    if (!pg->pfn.v)
        return step("a spare frame", -1);
    pg->mfn = pfn_to_mfn(pg->pfn);
    pg->va = pfn_to_virt(pg->pfn);
    return true;
}

/*
 * The user address space: L4 slot 0 -> L3 -> L2 slot 2 -> one L1 at USER_BASE holding the
 * pvx_user pages (read-only), a stack page, a data page and a read-only, no-execute alias
 * of it.  The
 * tables are filled while writable, made read-only, then the L4 is pinned (validating the
 * whole tree) and installed as the user base pointer.
 */
static bool setup_user(void)
{
    struct page l4, l3, l2, l1, stack, data;
    if (!spare(&l4) || !spare(&l3) || !spare(&l2) || !spare(&l1) || !spare(&stack) ||
        !spare(&data))
        return false;
    uint64_t code_pages = (uint64_t)(pvx_user_end - pvx_user_start) >> PAGE_SHIFT;
    if (code_pages > USER_CODE_PAGES)
        return step("the pvx_user section fits USER_CODE_PAGES", -1);
    for (uint64_t i = 0; i < code_pages; i++) {
        mfn_t m = pfn_to_mfn(virt_to_pfn(pvx_user_start + i * PAGE_SIZE));
        l1.va[pt_index(USER_CODE_VA + i * PAGE_SIZE, 1)] = pte_make(m, PTE_RDONLY);
    }
    l1.va[pt_index(USER_STACK_VA, 1)] = pte_make(stack.mfn, PTE_DATA);
    l1.va[pt_index(USER_DATA_VA, 1)] = pte_make(data.mfn, PTE_DATA);
    l1.va[pt_index(USER_RO_VA, 1)] = pte_make(data.mfn, PTE_RDONLY | PTE_NX);
    l2.va[pt_index(USER_BASE, 2)] = pte_make(l1.mfn, PTE_TABLE);
    l3.va[pt_index(USER_BASE, 3)] = pte_make(l2.mfn, PTE_TABLE);
    l4.va[pt_index(USER_BASE, 4)] = pte_make(l3.mfn, PTE_TABLE);
    const struct page *tables[] = { &l4, &l3, &l2, &l1 };
    for (unsigned i = 0; i < 4; i++)
        if (!step("make a user pagetable read-only", remap(tables[i]->va, tables[i]->mfn,
                                                           PTE_RDONLY)))
            return false;
    if (!step("pin the user L4", mmuext1(MMUEXT_PIN_L4_TABLE, l4.mfn.v, 0)) ||
        !step("MMUEXT_NEW_USER_BASEPTR", mmuext1(MMUEXT_NEW_USER_BASEPTR, l4.mfn.v, 0)))
        return false;
    pvx_user_data = data.va;
    pvx_user_data_mfn = data.mfn;
    pvx_user_l4_mfn = l4.mfn;
    pvx_user_l1 = l1.va;
    return true;
}

bool pvexec_need(struct xtf_result *res, unsigned need)
{
    if (!mm_need_pv(res))
        return false;
    if (need & NEED_USER)
        need |= NEED_TRAPS;
    if (need & NEED_TRAPS)
        need |= NEED_SHINFO;
    if (!setup_failure[0]) {
        if ((need & ~done_need & NEED_SHINFO) && setup_shinfo())
            done_need |= NEED_SHINFO;
        if ((need & ~done_need & NEED_TRAPS) && !setup_failure[0] && setup_traps())
            done_need |= NEED_TRAPS;
        if ((need & ~done_need & NEED_USER) && !setup_failure[0] && setup_user())
            done_need |= NEED_USER;
    }
    if ((done_need & need) == need)
        return true;
    xtf_failure(res, "%s", setup_failure);
    return false;
}

/* Copy a volatile record the handlers wrote. */
static void record_copy_from(struct pvx_record *out, const volatile struct pvx_record *rec)
{
    const volatile uint64_t *src = (const volatile uint64_t *)rec;
    uint64_t *dst = (uint64_t *)out;
    for (size_t i = 0; i < sizeof(*out) / 8; i++)
        dst[i] = src[i];
}

static void record_copy(struct pvx_record *out)
{
    record_copy_from(out, &pvx_rec);
}

void pvexec_event_record(struct pvx_record *out)
{
    record_copy_from(out, &pvx_ev_rec);
}

static uint8_t mask_get(void)
{
    return pvx_shinfo ? vcpu0()->evtchn_upcall_mask : 1;
}

static void mask_set(uint8_t m)
{
    if (pvx_shinfo)
        vcpu0()->evtchn_upcall_mask = m;
}

bool kcall(uint64_t (*fn)(uint64_t, uint64_t), uint64_t a0, uint64_t a1, uint64_t *ret,
           struct pvx_record *r)
{
    uint8_t m = mask_get();
    int how = pvx_call(fn, a0, a1);
    mask_set(m);
    pvexec_resume_longjmp();
    pvx_ev_longjmp = 0;
    if (how == 0) {
        if (ret)
            *ret = pvx_ret;
        return true;
    }
    record_copy(r);
    return false;
}

uint64_t user_va(const void *snip)
{
    return USER_CODE_VA + (uint64_t)((const char *)snip - pvx_user_start);
}

void ucall(const void *snip, uint64_t a0, uint64_t a1, struct pvx_record *r)
{
    uint8_t m = mask_get();
    pvx_user_enter(user_va(snip), USER_STACK_TOP, a0, a1);
    mask_set(m);
    pvexec_resume_longjmp();
    pvx_ev_longjmp = 0;
    record_copy(r);
}

int iret_with(const struct iret_context *ctx, struct pvx_record *r, long *rc)
{
    uint8_t m = mask_get();
    int how = pvx_iret(ctx);
    mask_set(m);
    pvexec_resume_longjmp();
    if (how == 0)
        *rc = (long)pvx_ret;
    else
        record_copy(r);
    return how;
}

void pvexec_resume_iret(bool ec, uint64_t skip, uint64_t flags)
{
    pvx_resume_skip = skip;
    pvx_resume_flags = flags;
    pvx_resume = ec ? PVX_RESUME_IRET_EC : PVX_RESUME_IRET;
}

void pvexec_resume_longjmp(void)
{
    pvx_resume = PVX_RESUME_LONGJMP;
    pvx_resume_skip = 0;
    pvx_resume_flags = 0;
}

void xframe_decode(const struct pvx_record *r, bool ec, bool segs, struct xframe *f)
{
    const uint64_t *w = r->word;
    unsigned i = 0;

    *f = (struct xframe){ 0 };
    f->rcx = w[i++];
    f->r11 = w[i++];
    if (segs) {
        f->ds = w[i++];
        f->es = w[i++];
        f->fs = w[i++];
        f->gs = w[i++];
    }
    if (ec)
        f->ec = w[i++];
    f->rip = w[i++];
    f->cs = w[i++];
    f->rflags = w[i++];
    f->rsp = w[i++];
    f->ss = w[i++];
    f->nwords = i;
}

bool ex_eq(struct xtf_result *res, const char *what, uint64_t got, uint64_t want)
{
    if (got == want)
        return true;
    xtf_failure(res, "%s: expected %#lx got %#lx", what, want, got);
    return false;
}

static const char *kind_name(uint64_t kind, char *buf, size_t n)
{
    switch (kind) {
    case PVX_KIND_SYSCALL: return "the syscall callback";
    case PVX_KIND_FAILSAFE: return "the failsafe callback";
    case PVX_KIND_LANDING: return "an iret landing";
    case PVX_KIND_EVENT: return "the event callback";
    default: snprintf(buf, n, "vector %#lx", kind); return buf;
    }
}

bool ex_kind(struct xtf_result *res, const char *what, const struct pvx_record *r,
             uint64_t kind)
{
    char a[24], b[24];
    if (r->kind == kind)
        return true;
    xtf_failure(res, "%s: expected %s, got %s (frame %#lx %#lx %#lx %#lx)", what,
                kind_name(kind, a, sizeof(a)), kind_name(r->kind, b, sizeof(b)),
                r->word[0], r->word[1], r->word[2], r->word[3]);
    return false;
}

void pvx_record_print(const char *test, const char *what, const struct pvx_record *r)
{
    char b[24];
    printk("xtf: %s: note: %s: %s at frame %#lx mask %ld words", test, what,
           kind_name(r->kind, b, sizeof(b)), r->frame, (long)r->mask);
    for (unsigned i = 0; i < 8; i++)
        printk(" %#lx", r->word[i]);
    printk("\n");
}

/* An entry no test armed for: say what it was and end the run as a crash. */
void pvexec_unarmed(void)
{
    struct pvx_record r;
    record_copy(&r);
    pvx_record_print("pvexec", "unexpected entry", &r);
    printk("pvexec: no test was waiting for this entry; crashing the domain\n");
    console_flush();
    pvops->shutdown(SHUTDOWN_crash);
}
