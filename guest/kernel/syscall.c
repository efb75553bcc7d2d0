/*
 * The system calls (guest/user/sysnum.h for the numbers).  Arguments come from the trap
 * frame and are untrusted: every pointer goes through the user copy functions and every
 * range through the address-space checks.
 */
#include <public/errno.h>
#include "arch/x86/cpu.h"
#include "kernel/boot.h"
#include "kernel/console.h"
#include "kernel/exec.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/trace.h"
#include "user/sysnum.h"

static long sys_write(uint64_t fd, uint64_t buf, uint64_t len)
{
    char chunk[128];

    if (fd != 1 && fd != 2)
        return -XEN_EINVAL;
    console_flush();
    for (uint64_t done = 0; done < len; ) {
        size_t n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);
        if (user_read(chunk, buf + done, n))
            return done ? (long)done : -XEN_EFAULT;
        pvops->console_write(chunk, n);
        done += n;
    }
    return (long)len;
}

/* Console input, without waiting: what has arrived, or 0. */
static long sys_read(uint64_t fd, uint64_t buf, uint64_t len)
{
    char chunk[64];
    if (fd != 0)
        return -XEN_EINVAL;
    size_t n = pvops->console_read ? pvops->console_read(chunk, len < 64 ? len : 64) : 0;
    if (n && user_write(buf, chunk, n))
        return -XEN_EFAULT;
    return (long)n;
}

static long sys_exec(uint64_t uname, uint64_t uargv)
{
    static char names[MAX_ARGS][64];   /* uniprocessor, no preemption in the kernel */
    const char *argv[MAX_ARGS + 1];
    char name[32];
    int argc = 0;

    if (user_strcpy(name, uname, sizeof(name)))
        return -XEN_EFAULT;
    for (; argc < MAX_ARGS; argc++) {
        uint64_t p;
        if (user_read(&p, uargv + 8 * (uint64_t)argc, 8))
            return -XEN_EFAULT;
        if (!p)
            break;
        if (user_strcpy(names[argc], p, sizeof(names[argc])))
            return -XEN_EFAULT;
        argv[argc] = names[argc];
    }
    argv[argc] = NULL;
    return proc_exec(name, argv);
}

static unsigned prot_of(uint64_t prot)
{
    return ((prot & PROT_READ) ? VM_READ : 0) | ((prot & PROT_WRITE) ? VM_WRITE : 0) |
           ((prot & PROT_EXEC) ? VM_EXEC : 0);
}

static uint64_t page_up(uint64_t v) { return (v + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1); }

static long sys_mmap(uint64_t hint, uint64_t len, uint64_t prot)
{
    struct mm *mm = myproc()->mm;
    if (!len || len > (1ULL << 32))
        return -XEN_EINVAL;
    len = page_up(len);
    uint64_t a = vm_find_free(mm, hint > MMAP_BASE ? page_up(hint) : MMAP_BASE, len);
    if (!a || a + len > USTACK_TOP - USTACK_SIZE)
        return -XEN_ENOMEM;
    int rc = vm_map_area(mm, a, len, prot_of(prot));
    return rc ? rc : (long)a;
}

/* The break moves the end of the heap area, which starts where the program image ends. */
static long sys_brk(uint64_t addr)
{
    struct mm *mm = myproc()->mm;
    uint64_t old = page_up(mm->brk), new = page_up(addr);

    if (!addr)
        return (long)mm->brk;
    if (addr < mm->brk_start || new > MMAP_BASE)
        return (long)mm->brk;
    if (new > old) {
        struct vm_area *heap = NULL;
        for (unsigned i = 0; i < MAX_AREAS; i++)
            if (mm->areas[i].end == old && mm->areas[i].start >= mm->brk_start)
                heap = &mm->areas[i];
        if (heap && vm_find_free(mm, old, new - old) == old)
            heap->end = new;
        else if (vm_map_area(mm, old, new - old, VM_READ | VM_WRITE))
            return (long)mm->brk;
    } else if (new < old) {
        vm_unmap(mm, new, old - new);
    }
    mm->brk = addr;
    return (long)addr;
}

static struct hcstat counters(void)
{
    return (struct hcstat){ pv_counts.total, pv_counts.multicalls, pv_counts.mc_entries_total,
                            pv_counts.flushes, kernel_entries };
}

static long sys_hcstat(uint64_t uva)
{
    struct hcstat s = counters();
    return user_write(uva, &s, sizeof(s));
}

/* The order makes the window exact (sysnum.h): a copy-on-write fault of the structure is
 * taken before a beginning reads the counters and after an end has. */
static long sys_tmark(uint64_t uva)
{
    struct tmark t;
    long rc;

    if (user_read(&t, uva, sizeof(t)) != 0)
        return -XEN_EFAULT;
    if (t.flags != TMARK_BEGIN && t.flags != TMARK_END)
        return -XEN_EINVAL;
    t.name[sizeof(t.name) - 1] = '\0';
    if (t.flags == TMARK_BEGIN && (rc = user_write(uva, &t, sizeof(t))) != 0)
        return rc;
    t.hc = counters();
    t.tsc = rdtsc();
    trace_mark(t.flags, t.name, t.ops, t.tsc);
    return user_write(uva, &t, sizeof(t));
}

static long sys_wait(uint64_t status) { return proc_wait(status); }

void syscall(struct trapframe *tf)
{
    struct mm *mm = myproc()->mm;
    uint64_t a0 = tf->rdi, a1 = tf->rsi, a2 = tf->rdx;
    long r;

    switch (tf->rax) {
    case SYS_write:    r = sys_write(a0, a1, a2); break;
    case SYS_read:     r = sys_read(a0, a1, a2); break;
    case SYS_fork:     r = proc_fork(); break;
    case SYS_exec:     r = sys_exec(a0, a1); break;
    case SYS_exit:     proc_exit((int)a0);
    case SYS_wait:     r = sys_wait(a0); break;
    case SYS_mmap:     r = sys_mmap(a0, a1, a2); break;
    case SYS_munmap:   r = vm_unmap(mm, a0, page_up(a1)); break;
    case SYS_mprotect: r = vm_protect(mm, a0, page_up(a1), prot_of(a2)); break;
    case SYS_brk:      r = sys_brk(a0); break;
    case SYS_yield:    proc_yield(); r = 0; break;
    case SYS_getpid:   r = myproc()->pid; break;
    case SYS_time:     r = (long)rdtsc(); break;
    case SYS_sleep:    proc_sleep(a0); r = 0; break;
    case SYS_hcstat:   r = sys_hcstat(a0); break;
    case SYS_frames:   r = (long)frames_free(); break;
    case SYS_platform: r = boot.platform; break;
    case SYS_ticks:    r = (long)proc_ticks(); break;
    case SYS_tmark:    r = sys_tmark(a0); break;
    default:           r = -XEN_ENOSYS; break;
    }
    tf->rax = (uint64_t)r;
}
