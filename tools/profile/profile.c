/*
 * libprofile.so, a QEMU TCG plugin: counts every instruction the virtual CPU executes in a
 * window the guest marks (marker.h) -- the guest's and the hypervisor's under it -- charges
 * each to a symbol, follows calls, returns, syscalls and exceptions into a call tree, and
 * writes the tree and a caller-attributed flat profile per iteration when the window closes.
 * It trusts its symbol files; all a guest can do to it is open and close windows.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin-api.h"
#include "marker.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

/* ---- Symbols ---------------------------------------------------------------------- */

struct sym {
    uint64_t start, end;        /* [start, end) */
    char *name;
    const char *tag;            /* the image: "guest", "host", "xen", or "?" */
};

static struct sym *syms;
static size_t nr_syms, nr_file_syms, cap_syms;

static struct sym *sym_add(void)
{
    if (nr_syms == cap_syms) {
        cap_syms = cap_syms ? cap_syms * 2 : 4096;
        syms = realloc(syms, cap_syms * sizeof(*syms));
        if (!syms) {
            fprintf(stderr, "profile: out of memory\n");
            exit(1);
        }
    }
    return &syms[nr_syms++];
}

/* GCC's out-of-line cold parts ("f.cold", "f.cold.12") count as the function itself. */
static char *base_name(const char *name)
{
    char *n = strdup(name);
    char *cold = n ? strstr(n, ".cold") : NULL;
    if (cold && (cold[5] == '\0' || cold[5] == '.'))
        *cold = '\0';
    return n;
}

static int by_start(const void *a, const void *b)
{
    const struct sym *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* Read one image's text symbols from `nm -n [-S]` output: "ADDR [SIZE] TYPE NAME". */
static int syms_load(const char *tag, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "profile: cannot read symbols %s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t first = nr_syms;
    char line[512], f1[64], f2[64], f3[400], f4[400];
    while (fgets(line, sizeof(line), f)) {
        int n = sscanf(line, "%63s %63s %399s %399s", f1, f2, f3, f4);
        const char *type = n == 4 ? f3 : f2, *name = n == 4 ? f4 : f3;
        if ((n != 3 && n != 4) || !strchr("TtWw", type[0]) || type[1])
            continue;
        struct sym *s = sym_add();
        s->start = strtoull(f1, NULL, 16);
        s->end = n == 4 ? s->start + strtoull(f2, NULL, 16) : s->start;
        s->name = base_name(name);
        s->tag = tag;
    }
    fclose(f);
    if (nr_syms == first) {
        fprintf(stderr, "profile: no text symbols in %s\n", path);
        return -1;
    }
    /* A symbol without a size ends where the next one starts (the last: one page on). */
    qsort(&syms[first], nr_syms - first, sizeof(*syms), by_start);
    for (size_t i = first; i < nr_syms; i++) {
        uint64_t next = i + 1 < nr_syms ? syms[i + 1].start : syms[i].start + 4096;
        if (syms[i].end == syms[i].start || syms[i].end > next)
            syms[i].end = next;
    }
    return 0;
}

/* After every image is loaded: one sorted table; addresses no image claims get one
 * "?" symbol per 4 KiB page, made on first sight (sym_find). */
static void syms_done(void)
{
    qsort(syms, nr_syms, sizeof(*syms), by_start);
    nr_file_syms = nr_syms;
}

static uint32_t sym_find(uint64_t va)
{
    size_t lo = 0, hi = nr_file_syms;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (syms[mid].start <= va)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > 0 && va < syms[lo - 1].end)
        return (uint32_t)(lo - 1);
    uint64_t page = va & ~0xfffULL;
    for (size_t i = nr_file_syms; i < nr_syms; i++)
        if (syms[i].start == page)
            return (uint32_t)i;
    struct sym *s = sym_add();
    char name[32];
    snprintf(name, sizeof(name), "%#" PRIx64, page);
    *s = (struct sym){ page, page + 4096, strdup(name), "?" };
    return (uint32_t)(nr_syms - 1);
}

/* ---- Instructions, classified once at translation ------------------------------------ */

enum kind {
    K_OTHER,    /* falls through, or faults */
    K_JUMP,     /* jmp, jcc, loop: stays in the same frame */
    K_CALL,     /* call, syscall, sysenter, int: opens a frame */
    K_RET,      /* ret, iret, sysret, sysexit: closes one */
};

struct insn {
    uint64_t vaddr, target;     /* target: of a direct jump or call */
    uint32_t sym;
    uint8_t size, kind, bytes[16];
    uint8_t direct;             /* target is the only place it can go besides falling through */
    uint32_t mark;              /* PROFILE_MARK_* or 0 */
};

static bool is_legacy_prefix(uint8_t b)
{
    return b == 0x66 || b == 0x67 || b == 0x2e || b == 0x3e || b == 0x26 || b == 0x64 ||
           b == 0x65 || b == 0x36 || b == 0xf0 || b == 0xf2 || b == 0xf3;
}

static int64_t rel(const uint8_t *p, size_t width)
{
    return width == 1 ? (int8_t)p[0] : (int32_t)(p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24);
}

/* Classify the instruction (64-bit mode) and find a direct branch's target. */
static void classify(struct insn *in)
{
    const uint8_t *b = in->bytes;
    size_t n = in->size, i = 0;

    while (i < n && is_legacy_prefix(b[i]))
        i++;
    if (i < n && (b[i] & 0xf0) == 0x40)
        i++;
    if (i >= n)
        return;
    uint8_t op = b[i], next = i + 1 < n ? b[i + 1] : 0, reg = (next >> 3) & 7;
    size_t width = 0;

    if (op == 0xe8) {
        in->kind = K_CALL, width = 4;
    } else if (op == 0xe9) {
        in->kind = K_JUMP, width = 4;
    } else if (op == 0xeb || (op >= 0x70 && op <= 0x7f) || (op >= 0xe0 && op <= 0xe3)) {
        in->kind = K_JUMP, width = 1;
    } else if (op == 0x0f && next >= 0x80 && next <= 0x8f) {
        in->kind = K_JUMP, width = 4, i++;
    } else if (op == 0x0f && (next == 0x05 || next == 0x34)) {
        in->kind = K_CALL;                              /* syscall, sysenter */
    } else if (op == 0x0f && (next == 0x07 || next == 0x35)) {
        in->kind = K_RET;                               /* sysret, sysexit */
    } else if (op == 0xcc || op == 0xcd || op == 0xce || op == 0xf1 || op == 0x9a) {
        in->kind = K_CALL;                              /* int3, int n, into, icebp, lcall */
    } else if (op == 0xc2 || op == 0xc3 || op == 0xca || op == 0xcb || op == 0xcf) {
        in->kind = K_RET;                               /* ret, lret, iret */
    } else if (op == 0xff && (reg == 2 || reg == 3)) {
        in->kind = K_CALL;                              /* indirect call */
    } else if (op == 0xff && (reg == 4 || reg == 5)) {
        in->kind = K_JUMP;                              /* indirect jump */
    } else if (op == 0xea) {
        in->kind = K_JUMP;
    }
    if (width && i + 1 + width == n) {
        in->direct = 1;
        in->target = in->vaddr + n + (uint64_t)rel(&b[i + 1], width);
    }
}

static uint32_t marker_of(const uint8_t *b, size_t n)
{
    if (n != 7 || b[0] != 0x0f || b[1] != 0x1f || b[2] != 0x80)
        return 0;
    uint32_t m = b[3] | b[4] << 8 | b[5] << 16 | (uint32_t)b[6] << 24;
    return (m & ~0xffu) == PROFILE_MARK_BASE ? m : 0;
}

/* Translations of the same bytes at the same address share one record. */
static struct insn **cache;
static size_t cache_cap, cache_used;

static size_t hash_va(uint64_t va)
{
    return (size_t)((va * 0x9e3779b97f4a7c15ULL) >> 20);
}

static void cache_grow(void)
{
    size_t old_cap = cache_cap;
    struct insn **old = cache;
    cache_cap = old_cap ? old_cap * 2 : 1 << 16;
    cache = calloc(cache_cap, sizeof(*cache));
    if (!cache) {
        fprintf(stderr, "profile: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < old_cap; i++) {
        if (!old[i])
            continue;
        size_t h = hash_va(old[i]->vaddr) & (cache_cap - 1);
        while (cache[h])
            h = (h + 1) & (cache_cap - 1);
        cache[h] = old[i];
    }
    free(old);
}

static struct insn *insn_get(uint64_t va, const uint8_t *bytes, size_t size)
{
    if (size > sizeof(((struct insn *)0)->bytes))
        size = sizeof(((struct insn *)0)->bytes);
    if (2 * (cache_used + 1) > cache_cap)
        cache_grow();
    size_t h = hash_va(va) & (cache_cap - 1);
    for (; cache[h]; h = (h + 1) & (cache_cap - 1))
        if (cache[h]->vaddr == va && cache[h]->size == size &&
            !memcmp(cache[h]->bytes, bytes, size))
            return cache[h];
    struct insn *in = calloc(1, sizeof(*in));
    if (!in) {
        fprintf(stderr, "profile: out of memory\n");
        exit(1);
    }
    in->vaddr = va;
    in->size = (uint8_t)size;
    memcpy(in->bytes, bytes, size);
    in->mark = marker_of(bytes, size);
    in->sym = sym_find(va);
    classify(in);
    cache[h] = in;
    cache_used++;
    return in;
}

/* ---- The window: a call tree built as instructions execute --------------------------- */

struct node {
    uint32_t sym, parent, first_child, next_sibling;
    uint64_t self;              /* instructions executed in this frame */
    uint64_t entries;           /* times this frame was entered (call, jump, exception) */
    uint64_t incl;              /* self + all descendants (filled at report time) */
};

#define ROOT      0
#define NO_NODE   UINT32_MAX
#define MAX_DEPTH 512

static struct {
    bool open;
    unsigned number;            /* windows opened so far */
    const struct insn *prev;    /* the previous instruction in the window */
    uint64_t insns, iters, overflows;
    struct node *nodes;
    uint32_t nr_nodes, cap_nodes;
    uint32_t stack[MAX_DEPTH];
    unsigned depth;
} win;

static FILE *out;
static double min_per_iter = 0.5;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (out)
        fputs(buf, out);
    else
        qemu_plugin_outs(buf);
}

static uint32_t node_child(uint32_t parent, uint32_t sym)
{
    for (uint32_t c = win.nodes[parent].first_child; c != NO_NODE; c = win.nodes[c].next_sibling)
        if (win.nodes[c].sym == sym)
            return c;
    if (win.nr_nodes == win.cap_nodes) {
        win.cap_nodes *= 2;
        win.nodes = realloc(win.nodes, win.cap_nodes * sizeof(*win.nodes));
        if (!win.nodes) {
            fprintf(stderr, "profile: out of memory\n");
            exit(1);
        }
    }
    uint32_t id = win.nr_nodes++;
    win.nodes[id] = (struct node){ sym, parent, NO_NODE, win.nodes[parent].first_child, 0, 0, 0 };
    win.nodes[parent].first_child = id;
    return id;
}

static uint32_t top(void)
{
    return win.depth ? win.stack[win.depth - 1] : ROOT;
}

/* A new frame for `sym` under the current one (call, hypercall, exception, interrupt). */
static void enter(uint32_t sym)
{
    uint32_t id = node_child(top(), sym);
    win.nodes[id].entries++;
    if (win.depth < MAX_DEPTH)
        win.stack[win.depth++] = id;
    else
        win.stack[win.depth - 1] = id, win.overflows++;
}

/* A jump into another function: it replaces the current frame (a tail call). */
static void jump(uint32_t sym)
{
    if (win.depth)
        win.depth--;
    enter(sym);
}

/* A return landing in `sym`: back to the nearest frame of that function; a return to a
 * frame entered before the window opened makes a new one. */
static void leave(uint32_t sym)
{
    if (win.depth)
        win.depth--;
    for (unsigned d = win.depth; d > 0; d--) {
        if (win.nodes[win.stack[d - 1]].sym == sym) {
            win.depth = d;
            return;
        }
    }
    enter(sym);
}

/* Can `in` follow `p` without an exception or interrupt in between? */
static bool is_successor(const struct insn *p, const struct insn *in)
{
    if (in->vaddr == p->vaddr + p->size || in->vaddr == p->vaddr)  /* next, or rep again */
        return true;
    if (p->kind == K_OTHER)
        return false;
    return !p->direct || in->vaddr == p->target;
}

static void step(const struct insn *in)
{
    const struct insn *p = win.prev;

    if (!p || p->mark == PROFILE_MARK_START)
        enter(in->sym);
    else if (!is_successor(p, in))
        enter(in->sym);                                 /* exception or interrupt */
    else if (p->kind == K_CALL && in->vaddr != p->vaddr + p->size)
        enter(in->sym);
    else if (p->kind == K_RET)
        leave(in->sym);
    else if (in->sym != win.nodes[top()].sym)
        jump(in->sym);
    win.nodes[top()].self++;
    win.insns++;
    win.prev = in;
}

static void window_open(void)
{
    win.open = true;
    win.number++;
    win.prev = NULL;
    win.insns = win.iters = win.overflows = 0;
    win.depth = 0;
    if (!win.nodes) {
        win.cap_nodes = 1024;
        win.nodes = malloc(win.cap_nodes * sizeof(*win.nodes));
        if (!win.nodes) {
            fprintf(stderr, "profile: out of memory\n");
            exit(1);
        }
    }
    win.nr_nodes = 1;
    win.nodes[ROOT] = (struct node){ UINT32_MAX, NO_NODE, NO_NODE, NO_NODE, 0, 0, 0 };
}

/* ---- The report ---------------------------------------------------------------------- */

static double per_iter(uint64_t v)
{
    return (double)v / (double)(win.iters ? win.iters : 1);
}

static const char *sym_label(uint32_t s, char *buf, size_t size)
{
    snprintf(buf, size, "[%s] %s", syms[s].tag, syms[s].name);
    return buf;
}

/* The children of node `id`, largest inclusive count first. */
static size_t sorted_children(uint32_t id, uint32_t *kids, size_t max)
{
    size_t n = 0;
    for (uint32_t c = win.nodes[id].first_child; c != NO_NODE && n < max; c = win.nodes[c].next_sibling) {
        size_t j = n++;
        while (j > 0 && win.nodes[kids[j - 1]].incl < win.nodes[c].incl) {
            kids[j] = kids[j - 1];
            j--;
        }
        kids[j] = c;
    }
    return n;
}

static uint64_t hidden_insns;
static unsigned hidden_nodes;

static void print_tree(uint32_t id, unsigned depth)
{
    uint32_t kids[256];
    size_t n = sorted_children(id, kids, 256);
    char label[512];

    for (size_t i = 0; i < n; i++) {
        const struct node *c = &win.nodes[kids[i]];
        if (per_iter(c->incl) < min_per_iter) {
            hidden_insns += c->incl;
            hidden_nodes++;
            continue;
        }
        say("  %10.2f %10.2f %8.2f  %*s%s\n", per_iter(c->incl), per_iter(c->self),
            per_iter(c->entries), (int)(2 * depth), "", sym_label(c->sym, label, sizeof(label)));
        print_tree(kids[i], depth + 1);
    }
}

struct flat {
    uint32_t sym;
    uint64_t self;
};

static int by_self(const void *a, const void *b)
{
    const struct flat *x = a, *y = b;
    return x->self < y->self ? 1 : x->self > y->self ? -1 : (x->sym > y->sym) - (x->sym < y->sym);
}

/* Who entered the frames of `sym`: "caller xN", N entries per iteration. */
static void print_callers(uint32_t sym)
{
    struct { uint32_t sym; uint64_t entries; } by[16];
    size_t n = 0, len = 0;
    char label[512], line[1024] = "";

    for (uint32_t i = 1; i < win.nr_nodes; i++) {
        const struct node *nd = &win.nodes[i];
        if (nd->sym != sym || !nd->entries)
            continue;
        uint32_t psym = nd->parent == ROOT ? UINT32_MAX : win.nodes[nd->parent].sym;
        size_t j = 0;
        while (j < n && by[j].sym != psym)
            j++;
        if (j == n && n == 16)
            continue;
        if (j == n)
            by[n++] = (typeof(by[0])){ psym, 0 };
        by[j].entries += nd->entries;
    }
    for (size_t j = 0; j < n && len < sizeof(line) - 1; j++)
        len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s x%.2f", j ? ", " : "",
                                by[j].sym == UINT32_MAX ? "(window start)"
                                                        : sym_label(by[j].sym, label, sizeof(label)),
                                per_iter(by[j].entries));
    if (len)
        say("  %10s %6s  <- %s\n", "", "", line);
}

static void print_flat(void)
{
    struct flat *f = calloc(nr_syms, sizeof(*f));
    char label[512];
    if (!f)
        return;
    for (uint32_t s = 0; s < (uint32_t)nr_syms; s++)
        f[s].sym = s;
    for (uint32_t i = 1; i < win.nr_nodes; i++)
        f[win.nodes[i].sym].self += win.nodes[i].self;
    qsort(f, nr_syms, sizeof(*f), by_self);
    say("flat profile (instructions per iteration in each symbol; <- who entered it, entries per iteration):\n");
    say("  %10s %6s  %s\n", "self", "%", "symbol");
    for (size_t i = 0; i < nr_syms && f[i].self; i++) {
        say("  %10.2f %5.1f%%  %s\n", per_iter(f[i].self),
            100.0 * (double)f[i].self / (double)(win.insns ? win.insns : 1),
            sym_label(f[i].sym, label, sizeof(label)));
        print_callers(f[i].sym);
    }
    free(f);
}

static void window_report(bool closed)
{
    for (uint32_t i = win.nr_nodes; i-- > 0;) {
        win.nodes[i].incl += win.nodes[i].self;
        if (i != ROOT)
            win.nodes[win.nodes[i].parent].incl += win.nodes[i].incl;
    }
    say("profile: window %u%s: %" PRIu64 " instructions, %" PRIu64 " iterations, %.2f per iteration\n",
        win.number, closed ? "" : " (never closed)", win.insns, win.iters, per_iter(win.insns));
    if (win.overflows)
        say("profile: call stack deeper than %d: %" PRIu64 " frames merged\n", MAX_DEPTH,
            win.overflows);
    say("call tree (per iteration; the start and stop markers not counted):\n");
    say("  %10s %10s %8s  %s\n", "inclusive", "self", "entries", "symbol");
    hidden_insns = 0;
    hidden_nodes = 0;
    print_tree(ROOT, 0);
    if (hidden_nodes)
        say("  (%u frames under %.2f instructions per iteration left out: %.2f per iteration)\n",
            hidden_nodes, min_per_iter, per_iter(hidden_insns));
    print_flat();
    say("profile: end of window %u\n", win.number);
    if (out)
        fflush(out);
    win.open = false;
}

/* ---- QEMU callbacks ------------------------------------------------------------------ */

/* START and STOP bound the window and are not counted; an ITER marker is an instruction
 * of the measured loop like any other (the TSC counts it too) and also counts an iteration. */
static void on_exec(unsigned int vcpu, void *udata)
{
    const struct insn *in = udata;
    (void)vcpu;
    if (in->mark == PROFILE_MARK_START) {
        if (win.open)
            window_report(false);
        window_open();
        win.prev = in;
        return;
    }
    if (!win.open)
        return;
    if (in->mark == PROFILE_MARK_STOP)
        return window_report(true);
    if (in->mark == PROFILE_MARK_ITER)
        win.iters++;
    step(in);
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    for (size_t i = 0, n = qemu_plugin_tb_n_insns(tb); i < n; i++) {
        struct qemu_plugin_insn *qi = qemu_plugin_tb_get_insn(tb, i);
        struct insn *in = insn_get(qemu_plugin_insn_vaddr(qi), qemu_plugin_insn_data(qi),
                                   qemu_plugin_insn_size(qi));
        qemu_plugin_register_vcpu_insn_exec_cb(qi, on_exec, QEMU_PLUGIN_CB_NO_REGS, in);
    }
}

static void at_exit(qemu_plugin_id_t id, void *udata)
{
    (void)id, (void)udata;
    if (win.open)
        window_report(false);
    say("profile: %u window%s\n", win.number, win.number == 1 ? "" : "s");
    if (out)
        fclose(out);
    out = NULL;
}

/*
 * Options (-plugin libprofile.so,OPTION,OPTION...):
 *   syms=TAG:FILE  `nm -n` output, with or without -S sizes, for one image (repeatable;
 *                  TAG names the image in the report, e.g. guest, host, xen)
 *   out=FILE       the report (default: QEMU's log, shown with -d plugin)
 *   min=N          leave call-tree nodes under N instructions per iteration out of the tree
 *                  (default 0.5; the flat profile always has every symbol)
 */
static int option(const char *arg)
{
    if (!strncmp(arg, "syms=", 5)) {
        char *tag = strdup(arg + 5), *colon = tag ? strchr(tag, ':') : NULL;
        if (!colon) {
            fprintf(stderr, "profile: syms= wants TAG:FILE, not '%s'\n", arg + 5);
            return -1;
        }
        *colon = '\0';
        return syms_load(tag, colon + 1);
    }
    if (!strncmp(arg, "out=", 4)) {
        out = fopen(arg + 4, "w");
        if (!out)
            fprintf(stderr, "profile: cannot write %s: %s\n", arg + 4, strerror(errno));
        return out ? 0 : -1;
    }
    if (!strncmp(arg, "min=", 4)) {
        char *end;
        min_per_iter = strtod(arg + 4, &end);
        if (end != arg + 4 && !*end && min_per_iter >= 0)
            return 0;
    }
    fprintf(stderr, "profile: unknown or bad option '%s' (syms=TAG:FILE, out=FILE, min=N)\n", arg);
    return -1;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv)
{
    if (!info->system_emulation || strcmp(info->target_name, "x86_64")) {
        fprintf(stderr, "profile: only x86_64 system emulation is supported\n");
        return -1;
    }
    if (info->system.smp_vcpus != 1) {
        fprintf(stderr, "profile: one vCPU only (-smp 1), not %d\n", info->system.smp_vcpus);
        return -1;
    }
    for (int i = 0; i < argc; i++)
        if (option(argv[i]))
            return -1;
    syms_done();
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}
