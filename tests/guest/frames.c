/*
 * Hypotheses:
 *  frames-free-count:  frames taken from the allocator and given back return the free count
 *                      to its value, and the same frames are handed out again (a free list,
 *                      not a bump pointer); a frame shared by two holders (get) is freed only
 *                      when the last one puts it.
 *  frames-dmap:        every frame the allocator hands out is zeroed and writable through the
 *                      direct map, and the direct map's entry for it maps the frame the p2m
 *                      names (checked through the live pagetables).
 */
#include "mm.h"

#define N_FRAMES 64

XTF_TEST(frames_free_count, "frames-free-count", "freed frames return to the free count")
{
    pfn_t got[N_FRAMES];
    uint64_t before = frames_free();

    if (before < N_FRAMES)
        return xtf_error(res, "only %lu free frames", before);
    for (unsigned i = 0; i < N_FRAMES; i++)
        got[i] = frame_alloc();
    if (!xtf_expect(res, frames_free() == before - N_FRAMES, "count did not drop by 64"))
        return;
    for (unsigned i = 0; i < N_FRAMES; i++)
        frame_put(got[i]);
    if (!xtf_expect(res, frames_free() == before, "count did not return"))
        return;
    pfn_t again = frame_alloc();
    xtf_expect(res, again.v == got[N_FRAMES - 1].v, "last freed frame not handed out first");
    frame_get(again);
    frame_put(again);
    xtf_expect(res, frames_free() == before - 1 && frame_refs(again) == 1,
               "a shared frame was freed while still held");
    frame_put(again);
    xtf_expect(res, frames_free() == before, "count did not return after the shared frame");
    xtf_success(res);
}

XTF_TEST(frames_dmap, "frames-dmap", "allocated frames are zeroed and writable in the direct map")
{
    pfn_t p = frame_alloc();

    if (!p.v)
        return xtf_error(res, "out of frames");
    uint64_t *va = pfn_to_virt(p);
    bool zero = true;
    for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
        zero &= va[i] == 0;
    xtf_expect(res, zero, "frame not zeroed");
    poke(va, MAGIC_A);
    xtf_expect(res, peek(va) == MAGIC_A, "write through the direct map lost");
    pteval_t *e = pt_lookup((uint64_t)va, 1);
    if (xtf_expect(res, e != NULL, "no L1 entry for the direct-map VA")) {
        xtf_expect(res, pte_mfn(*e).v == pfn_to_mfn(p).v, "direct map entry maps another frame");
        xtf_expect(res, (*e & (PTE_P | PTE_RW)) == (PTE_P | PTE_RW), "entry not present+writable");
    }
    poke(va, 0);
    frame_put(p);
    xtf_success(res);
}
