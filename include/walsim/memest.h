/*
 * memest.h - the memory a variant's model will take, estimated from its
 * settings before anything is built, and compared with the memory the
 * machine has, so that `shared_buffers = 1TB` or `scale = 1000000` is
 * refused at the line that asks for it instead of ending in "out of
 * memory" (or in the OOM killer) minutes into a run.
 *
 * The parts follow the allocations of the model:
 *
 *   buffers     per buffer (shared_buffers / 8kB): page id, LSN and state
 *               (bufpool.c), the page map (a power of two >= 2 x NBuffers
 *               slots), and the checkpoint's sort of every dirty buffer at
 *               worst (checkpointer.c tag_and_sort)
 *   page state  2 bytes per page of every relation (pagestate.c): the
 *               pgbench tables of `scale` or the [table] sizes, and the
 *               pages [bulk] loads add; with tx_sampling other than 1, 8
 *               more per page of each table no larger than shared_buffers
 *               (the set fluid.c counts accesses in bulk with)
 *   series      what grows with the duration: a double per simulated
 *               second (the backlog; four with warmup = auto, MSER-5's
 *               input; window.c, grown by doubling) and one more for the
 *               end's analysis (run.c), and every checkpoint's record
 *               (one per 10 s assumed: the count depends on the WAL rate);
 *               and what does not: a block of timeline rows (the rows
 *               stream to a temporary file, timeline.h; a caller of
 *               ws_run_detailed without a spill folder keeps them all, not
 *               counted) and the window's histograms (hist.c, 256 chunks
 *               of four however long the run)
 *   fixed       the engine, device, page cache, WAL and workload: a bound
 *
 * The estimate is meant as an upper bound: the run itself usually takes
 * less (a checkpoint rarely sorts every buffer; series grow by doubling).
 * Measured: 8GB of shared_buffers and scale 20000, 203MB estimated, 137MB
 * of maximum resident set size for a 20-second run.  It is per variant:
 * variants run in parallel (--jobs) each take their own.
 *
 * The memory available is WALSIM_MEMORY_LIMIT when set (a size with
 * PostgreSQL's memory units, e.g. 512MB; for tests and for shared
 * machines), else MemAvailable from /proc/meminfo, or less when a cgroup
 * v2 limit (/sys/fs/cgroup/memory.max less memory.current) leaves less;
 * when neither is known nothing is refused.
 */
#ifndef WALSIM_MEMEST_H
#define WALSIM_MEMEST_H

#include <stdint.h>

#include "walsim/diag.h"
#include "walsim/scenario.h"

typedef struct ws_memest {
    uint64_t buffers, page_state, series, fixed;
    uint64_t total;
    /* the setting behind the largest part, for messages */
    const ws_value *driver;
    char driver_key[96]; /* as a user writes it: "shared_buffers", "scale", "table.t.size" */
} ws_memest;

/* Estimates the memory of variant c's model. */
void ws_memest_variant(const ws_config *c, ws_memest *out);

/* The memory available to walsim: 0 and *bytes, 1 when unknown (no
 * limit), or WS_EINPUT when WALSIM_MEMORY_LIMIT is malformed. */
int ws_memest_available(uint64_t *bytes, ws_diag *err);

/* Refuses variant c when its estimate exceeds the memory available:
 * WS_EINPUT with "FILE:LINE: KEY: VALUE needs about N of memory to
 * simulate (buffers ..., page state ..., series ...); expected at most the
 * M available (...)". */
int ws_memest_check(const ws_config *c, ws_diag *err);

#endif
