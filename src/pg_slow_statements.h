/*-------------------------------------------------------------------------
 *
 * pg_slow_statements.h
 *	  Entry point of the extension: configuration shared by all subsystems.
 *
 * The extension is made of these subsystems, one file each (with its
 * header), in the order a statement meets them:
 *
 *	pg_slow_statements.c	_PG_init and the GUCs (this header)
 *	hooks.c					planner/executor/utility hooks, the nesting level
 *							and the top-level statement's stage: the trunk
 *	measure.h, measure.c	measuring one period: clock, buffers, WAL, I/O
 *							and CPU time, waits (inlined)
 *	exec_measure.c			the executions in progress and what they measured
 *	commit_defer.c			a statement accounted at its transaction's commit
 *	failures.c				failures noted in error paths, published later
 *	xact_calls.c			N+1 counting: calls per statement in a transaction
 *	stmt_text.c				a statement's own text, slice and key
 *	fingerprint.c			lexer, normalizer, hash (pure C; the lexical rules
 *							in fingerprint_int.h, the scanner in
 *							fingerprint_scan.h and .c, the fast path and the
 *							normalizer in fingerprint_fast.c and
 *							fingerprint_normalize.c)
 *	plan_id.c				the id of a plan's shape
 *	sources.c, tags.c		who sent it: application, address, comment tags
 *	slow_sample.c			the slowest execution's text, parameters and plan
 *	histogram.c				latency buckets and percentiles (pure C)
 *	counterlist.h			the view's columns and the counters behind them,
 *							one line each (counters.h: the structs made of it)
 *	store.c					shared-memory hash table, locking, eviction
 *	text_store.c			the texts' bytes, in chunks of shared memory
 *	waits.c, history.c		an entry's wait events; its recent intervals
 *	activity.c				per-backend slots and the sampler of wait events
 *	persist.c				saving and loading the store across restarts
 *	sql_interface.c			SQL-callable functions behind the views
 *	view_copy.c				memory of a read of the view, kept between reads
 *
 * A statement flows: hooks.c times it (exec_measure.c, measure.h) and
 * asks fingerprint.c for its fingerprint, store.c accumulates it
 * (counters_add, as counterlist.h says), sql_interface.c shows it.
 * persist.c depends on store.c, never the other way.
 *
 * src/pg_slow_statements.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PG_SLOW_STATEMENTS_H
#define PG_SLOW_STATEMENTS_H

#include "access/parallel.h"

/* Which statements are tracked: pg_slow_statements.track */
typedef enum PssTrackLevel
{
	PSS_TRACK_NONE,				/* nothing */
	PSS_TRACK_TOP,				/* only statements sent by clients */
	PSS_TRACK_ALL				/* also statements inside functions */
} PssTrackLevel;

/* GUC variables, named after their settings */
extern int	pss_max;
extern int	pss_track;
extern bool pss_track_utility;
extern bool pss_track_planning;
extern bool pss_save;
/*
 * Largest pg_slow_statements.text_memory, kB: 2^31 - 1 chunks of 128 bytes
 * (about 256 GB), as chunk numbers are int32 (store.c)
 */
#define PSS_TEXT_MEMORY_MAX_KB	Min(PG_INT32_MAX / 8, MAX_KILOBYTES)

extern int	pss_text_memory;
extern int	pss_slow_threshold;
extern bool pss_capture_plan;
extern bool pss_capture_constants;
extern int	pss_slowest_text_max;
extern bool pss_test_capture_wait;
extern int	pss_sample_interval;
extern bool pss_track_cpu;
extern int	pss_max_plans;
extern int	pss_max_sources;

/* Largest pg_slow_statements.max_plans */
#define PSS_MAX_PLANS_LIMIT		64

/*
 * Largest pg_slow_statements.slowest_text_max, bytes: no slowest text or
 * plan is ever longer, whatever a session set (persist.c checks the saved
 * file against it)
 */
#define PSS_SLOWEST_TEXT_LIMIT	(1024 * 1024)

/*
 * Is tracking enabled for a statement at the given nesting level?  Never in
 * a parallel worker: the leader accounts the whole statement (the workers'
 * buffer usage is added to the leader's).
 */
#define PSS_ENABLED(level) \
	(!IsParallelWorker() && \
	 (pss_track == PSS_TRACK_ALL || \
	  (pss_track == PSS_TRACK_TOP && (level) == 0)))

#endif							/* PG_SLOW_STATEMENTS_H */
