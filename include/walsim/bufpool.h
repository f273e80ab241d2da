/*
 * bufpool.h - shared buffers: descriptors, the page -> buffer map, and the
 * clock sweep (freelist.c StrategyGetBuffer, buf_internals.h).
 *
 * Each of NBuffers descriptors holds the page it caches, the page LSN
 * (end of the last WAL record that changed it: a write must flush WAL up
 * to here first, bufmgr.c FlushBuffer), usage_count (0..5,
 * BM_MAX_USAGE_COUNT) and flags.  The map is an open-addressing hash table
 * with linear probing and backward-shift deletion, sized to at least twice
 * NBuffers, so a lookup touches one or two cache lines.
 *
 * Clock sweep: the hand moves over the descriptors; a buffer with
 * usage_count > 0 is decremented and skipped, the first with 0 is the
 * victim.  walsim runs a transaction's buffer accesses as one step, so no
 * buffer is ever pinned when the sweep looks at it.  A newly loaded page
 * starts at usage_count 1; each later access adds 1 up to 5.
 *
 * Memory: 24 bytes a buffer plus 16 a map slot (x2): ~56 bytes per 8 kB
 * buffer, 112 MB for 16 GB of shared_buffers.
 */
#ifndef WALSIM_BUFPOOL_H
#define WALSIM_BUFPOOL_H

#include <stdbool.h>
#include <stdint.h>

#define WS_BUF_NONE UINT64_MAX  /* page of an empty buffer */
#define WS_BUF_MAX_USAGE 5

#define WS_BUF_DIRTY 0x01
#define WS_BUF_CKPT_NEEDED 0x02 /* tagged by the running checkpoint (BM_CHECKPOINT_NEEDED) */
#define WS_BUF_PERMANENT 0x04   /* logged relation (BM_PERMANENT) */

typedef struct ws_buf {
    uint64_t page;  /* global page number, WS_BUF_NONE when empty */
    uint64_t lsn;   /* page LSN */
    uint16_t rel;   /* relation index (for sorting writes and naming files) */
    uint8_t usage;  /* usage_count */
    uint8_t flags;  /* WS_BUF_* */
} ws_buf;

typedef struct ws_map_slot {
    uint64_t page;  /* WS_BUF_NONE: free slot */
    uint32_t buf;
} ws_map_slot;

typedef struct ws_bufpool {
    ws_buf *bufs;
    uint32_t n;           /* NBuffers */
    uint32_t hand;        /* clock hand: next buffer the sweep looks at */
    uint64_t passes;      /* complete passes of the hand (StrategySyncStart's complete_passes) */
    uint64_t allocs;      /* buffers_alloc */
    uint32_t dirty;       /* buffers with WS_BUF_DIRTY */
    ws_map_slot *map;
    uint64_t map_mask;    /* map size - 1 (power of two) */
    unsigned map_shift;   /* 64 - log2(map size): Fibonacci hashing takes the top bits */
} ws_bufpool;

/* Home slot of `page` in the map (Fibonacci hashing: page numbers of a
 * relation are consecutive, the multiplication spreads them). */
static inline uint64_t ws_bufpool_slot(const ws_bufpool *bp, uint64_t page)
{
    return (page * UINT64_C(0x9E3779B97F4A7C15)) >> bp->map_shift;
}

/* Starts loading the cache lines a lookup of `page` will touch. */
static inline void ws_bufpool_prefetch(const ws_bufpool *bp, uint64_t page)
{
    __builtin_prefetch(&bp->map[ws_bufpool_slot(bp, page)]);
}

/* Returns 0, or -1 when out of memory. */
int ws_bufpool_init(ws_bufpool *bp, uint32_t nbuffers);
void ws_bufpool_destroy(ws_bufpool *bp);

/* The buffer holding `page`, or -1. */
int64_t ws_bufpool_lookup(const ws_bufpool *bp, uint64_t page);

/* Runs the clock sweep and returns the victim's index (usage_count 0).
 * Counts an allocation.  The caller writes the victim if it is dirty, then
 * calls ws_bufpool_load. */
uint32_t ws_bufpool_victim(ws_bufpool *bp);

/* Makes buffer `b` hold `page` of relation `rel` (clean, usage_count 1),
 * replacing whatever it held. */
void ws_bufpool_load(ws_bufpool *bp, uint32_t b, uint64_t page, uint16_t rel, bool permanent);

/* An access to a resident buffer (PinBuffer): usage_count + 1, up to 5. */
static inline void ws_bufpool_hit(ws_bufpool *bp, uint32_t b)
{
    if (bp->bufs[b].usage < WS_BUF_MAX_USAGE)
        bp->bufs[b].usage++;
}

/* Marks buffer b dirty with page LSN `lsn`. */
static inline void ws_bufpool_dirty(ws_bufpool *bp, uint32_t b, uint64_t lsn)
{
    ws_buf *x = &bp->bufs[b];
    if (!(x->flags & WS_BUF_DIRTY)) {
        x->flags |= WS_BUF_DIRTY;
        bp->dirty++;
    }
    if (lsn > x->lsn)
        x->lsn = lsn;
}

/* Marks buffer b clean (it was written), clearing the checkpoint tag. */
static inline void ws_bufpool_clean(ws_bufpool *bp, uint32_t b)
{
    ws_buf *x = &bp->bufs[b];
    if (x->flags & WS_BUF_DIRTY)
        bp->dirty--;
    x->flags &= (uint8_t)~(WS_BUF_DIRTY | WS_BUF_CKPT_NEEDED);
}

#endif
