/*
 * sim.h - the discrete-event engine: virtual clock and event queue.
 *
 * Virtual time is an int64 count of nanoseconds (ws_time), exact and
 * deterministic, with 292 years of range.  Events run in order of
 * (time, insertion sequence): two events scheduled for the same instant
 * run in the order they were scheduled, so a run is reproducible.
 *
 * Events live in a pool that grows by doubling and is reused: scheduling
 * on the hot path never calls malloc once the pool has reached the run's
 * high-water mark.  A handler is a function pointer with a context pointer
 * and a 64-bit argument; it may schedule and cancel events freely.
 *
 * Cancellation is lazy: ws_sim_cancel marks the pool slot, and the queue
 * drops it when it reaches the top.  Handles carry a generation count, so
 * cancelling an event that already ran (or a reused slot) is a no-op.
 */
#ifndef WALSIM_SIM_H
#define WALSIM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t ws_time;

#define WS_NSEC ((ws_time)1)
#define WS_USEC ((ws_time)1000)
#define WS_MSEC ((ws_time)1000000)
#define WS_SEC ((ws_time)1000000000)
#define WS_TIME_MAX INT64_MAX

typedef struct ws_sim ws_sim;

typedef void (*ws_event_fn)(ws_sim *sim, void *ctx, uint64_t arg);

/* Handle of a scheduled event; {0,0} is never a valid handle. */
typedef struct ws_event_id {
    uint32_t slot;
    uint32_t gen;
} ws_event_id;

/* Creates an engine at time 0 with room for `capacity_hint` pending events
 * (0 picks a default).  Returns NULL when out of memory. */
ws_sim *ws_sim_new(size_t capacity_hint);
void ws_sim_free(ws_sim *sim);

/* The clock.  Inline (millions of calls a run): struct ws_sim (sim.c)
 * begins with it, which sim.c asserts. */
static inline ws_time ws_sim_now(const ws_sim *sim)
{
    return *(const ws_time *)(const void *)sim;
}

/* Schedules fn(sim, ctx, arg) at absolute time `when` (>= now, asserted).
 * Aborts with a message if memory runs out. */
ws_event_id ws_sim_at(ws_sim *sim, ws_time when, ws_event_fn fn, void *ctx, uint64_t arg);

/* Same, `delay` (>= 0) after now. */
ws_event_id ws_sim_after(ws_sim *sim, ws_time delay, ws_event_fn fn, void *ctx, uint64_t arg);

/* Cancels a pending event.  Returns true if it was pending. */
bool ws_sim_cancel(ws_sim *sim, ws_event_id id);

/* Timers: an event that is moved again and again before it runs (the
 * processor-sharing cores' next completion, moved by every arrival) kept
 * beside the queue, so that moving it leaves no cancelled entry behind.
 * Setting a timer is cancelling its pending event and scheduling
 * fn(sim, ctx, arg) at `when` anew, to the order of events: it takes the
 * next sequence number.  A timer runs once per setting; its handler may
 * set it again.  WS_SIM_TIMERS per engine (more is a programmer error). */
#define WS_SIM_TIMERS 4
int ws_sim_timer_new(ws_sim *sim, ws_event_fn fn, void *ctx);
void ws_sim_timer_set(ws_sim *sim, int timer, ws_time when, uint64_t arg);
void ws_sim_timer_clear(ws_sim *sim, int timer);

/* Runs events in (time, sequence) order while the earliest is at or before
 * `until`; then sets the clock to `until` (unless stopped earlier, or
 * until == WS_TIME_MAX, when the clock stays at the last event).
 * Returns the number of events run by this call. */
uint64_t ws_sim_run(ws_sim *sim, ws_time until);

/* Makes ws_sim_run return after the current handler. */
void ws_sim_stop(ws_sim *sim);

/* Sequence numbers, for work that stands in for an event without
 * scheduling one (device.c's pieces): the one an event scheduled now
 * would get, and that of the event being run (UINT64_MAX outside
 * ws_sim_run).  Such work, due at now with sequence q, is done before the
 * running event when q <= ws_sim_seq_running: as its event would have. */
uint64_t ws_sim_seq_next(const ws_sim *sim);
uint64_t ws_sim_seq_running(const ws_sim *sim);

size_t ws_sim_pending(const ws_sim *sim);    /* events scheduled and not yet run or cancelled */
uint64_t ws_sim_events_run(const ws_sim *sim); /* total handlers run since creation */
size_t ws_sim_pool_capacity(const ws_sim *sim); /* payload slots allocated (grows by doubling, never shrinks) */

#endif
