/*-------------------------------------------------------------------------
 *
 * exec_measure.h
 *	  The executions in progress and what they measured so far.
 *
 * What the executor hooks measure of one execution is kept in backend
 * memory from ExecutorStart to ExecutorEnd: time and buffer/WAL usage
 * inside ExecutorRun and ExecutorFinish (measure.h), as the executor's own
 * totals would, at a fraction of their cost, and the rows of every
 * ExecutorRun (a portal fetched in several calls runs several times; the
 * executor counts only the last).  One slot per execution in progress
 * (nested statements and open cursors make several).
 *
 * An execution is found by its QueryDesc, but a slot is released however
 * the execution ends: by ExecutorEnd (pss_exec_release); for a nested
 * execution, when the executor's memory goes away without it (a portal
 * marked failed, or dropped by an abort); when its subtransaction aborts
 * (pss_execs_aborted, pss_exec_forget); at the end of the top-level
 * transaction (pss_execs_clear).  A top-level portal marked failed inside
 * a savepoint keeps its slot until then, marked failed: every
 * pss_exec_begin drops a slot left at its QueryDesc address, so a slot can
 * never be taken for a later execution's.
 *
 * The slots are this subsystem's: callers read a slot through the const
 * pointer pss_exec_find gives, valid until the next call of its functions
 * (the array may move), and change it only through them.  What runs for
 * every execution (begin, the periods, release) is inlined from this
 * header, as it was when it lived in hooks.c (a call each costs about 70
 * instructions per statement in all); the rest is in exec_measure.c.  An
 * execution that ends in an error is noted with pss_failure_remember
 * (failures.h); the functions that note one return whether it was a
 * top-level execution's, for the hooks' own bookkeeping.
 *
 * src/exec_measure.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PSS_EXEC_MEASURE_H
#define PSS_EXEC_MEASURE_H

#include "executor/execdesc.h"

#include "counters.h"
#include "measure.h"
#include "plan_id.h"

/*
 * The memory context callback that releases an execution's slot when the
 * executor's memory is freed.  It must live until then, which may be after
 * the slot is gone: it comes from a small pool in backend memory, given
 * back when the callback runs (every registered callback runs exactly once,
 * when the memory is reset or deleted), so that an execution allocates
 * nothing.  Only when more executor states than the pool holds are alive at
 * once is one allocated in the executor's memory itself.
 */
typedef struct PssExecCallback
{
	MemoryContextCallback cb;
	uint64		serial;			/* of the slot; 0 once ExecutorEnd freed it */
	int			next_free;		/* pool index of the next free one, or -1 */
} PssExecCallback;

typedef struct PssExec
{
	QueryDesc  *queryDesc;
	uint64		serial;			/* tells executions apart */
	SubTransactionId subid;		/* subtransaction it started in */
	bool		toplevel;		/* started at nesting level 0 */
	bool		failed;			/* its failure is already remembered */
	uint64		queryid;		/* the statement, copied at the start: */
	const char *source;			/* the plan may be gone when the executor's */
	int			location;		/* memory is */
	int			len;
	uint64		rows;			/* rows of the finished ExecutorRun calls */
	uint64		planid;			/* its plan's id (plan_id.h), 0: none */
	bool		running;		/* inside ExecutorRun or ExecutorFinish */
	bool		timed;			/* the running period counts I/O time */
	bool		measured;		/* a period has started: usage is set */
	int64		elapsed_ns;		/* see measure.h */
	struct PssExecCallback *callback;	/* its memory context callback */
	PssUsage	usage;			/* see measure.h, once measured */
} PssExec;

/*
 * The slots in use, [0, n) of slots: exported only for this header's
 * inline functions, which run for every execution; changed by them and by
 * exec_measure.c only.
 */
typedef struct PssExecSlots
{
	PssExec    *slots;			/* a fixed array, or a larger one */
	int			n;				/* slots in use */
	int			max;			/* slots allocated */
	uint64		serial;			/* the last execution's serial */
} PssExecSlots;

extern PGDLLIMPORT PssExecSlots pss_execs;

extern void pss_exec_grow(void);
extern struct PssExecCallback *pss_exec_callback(QueryDesc *queryDesc,
												 uint64 serial);
extern double pss_exec_elapsed(const PssExec *e);
extern void pss_exec_forget(QueryDesc *queryDesc, SubTransactionId subid);
extern bool pss_exec_failed(QueryDesc *queryDesc, int sqlerrcode);
extern bool pss_exec_top_failed(int sqlerrcode);
extern bool pss_execs_aborted(SubTransactionId subid);
extern void pss_execs_clear(void);
extern void pss_exec_reading_own(void);

/*
 * pss_exec_find
 *		The slot of an execution in progress, or NULL if we do not track
 *		it.  The newest executions are the likeliest: search from the end.
 *		No allocation, no error: also used in error paths.
 */
static inline const PssExec *
pss_exec_find(QueryDesc *queryDesc)
{
	int			i;

	for (i = pss_execs.n - 1; i >= 0; i--)
	{
		if (pss_execs.slots[i].queryDesc == queryDesc)
			return &pss_execs.slots[i];
	}
	return NULL;
}

/*
 * pss_execs_active
 *		Is any execution in progress?
 */
static inline bool
pss_execs_active(void)
{
	return pss_execs.n != 0;
}

/*
 * pss_exec_mutable
 *		pss_exec_find, for this subsystem's functions, which change the
 *		slot.
 */
static inline PssExec *
pss_exec_mutable(QueryDesc *queryDesc)
{
	return unconstify(PssExec *, pss_exec_find(queryDesc));
}

/*
 * pss_exec_remove
 *		Drop slot i.
 */
static inline void
pss_exec_remove(int i)
{
	/* usually the last one: no copy then */
	if (i != pss_execs.n - 1)
		pss_execs.slots[i] = pss_execs.slots[pss_execs.n - 1];
	pss_execs.n--;
}

/*
 * pss_exec_begin
 *		Start measuring an execution (ExecutorStart).
 *
 * A slot still held for the same QueryDesc address belongs to an execution
 * that is over (the address is free again), whatever missed its end: it is
 * dropped.  A nested execution's slot is released when the executor's
 * memory is freed, if ExecutorEnd has not done so before
 * (pss_exec_callback).  A top-level execution needs none: nothing but an
 * abort can end it without ExecutorEnd, and pss_execs_aborted sees to
 * that, for less than registering a callback costs.
 */
static inline void
pss_exec_begin(QueryDesc *queryDesc, uint64 queryId, bool toplevel)
{
	PssExec    *e;

	if (pss_execs.n > 0)
		pss_exec_forget(queryDesc, 0);
	if (unlikely(pss_execs.n == pss_execs.max))
		pss_exec_grow();
	e = &pss_execs.slots[pss_execs.n++];
	e->queryDesc = queryDesc;
	e->serial = ++pss_execs.serial;
	e->subid = GetCurrentSubTransactionId();
	e->toplevel = toplevel;
	e->failed = false;
	e->queryid = queryId;
	e->source = queryDesc->sourceText;
	e->location = queryDesc->plannedstmt->stmt_location;
	e->len = queryDesc->plannedstmt->stmt_len;
	e->rows = 0;
	e->planid = pss_max_plans > 0 ?
		pss_plan_id(queryDesc->plannedstmt) : 0;
	e->running = false;
	e->measured = false;
	e->elapsed_ns = 0;
	e->callback = toplevel ? NULL :
		pss_exec_callback(queryDesc, e->serial);
}

/*
 * pss_exec_period_start, pss_exec_period_end
 *		Bracket one ExecutorRun or ExecutorFinish call of an execution, if
 *		we track it; rows: what the call processed.  The slot is looked up
 *		each time: nested statements come and go in between, and the array
 *		may move.
 */
static pg_attribute_always_inline void
pss_exec_period_start(QueryDesc *queryDesc)
{
	PssExec    *e = pss_exec_mutable(queryDesc);

	if (e == NULL)
		return;
	if (e->measured)
		e->timed = pss_usage_begin(&e->usage, false);
	else
		e->timed = pss_usage_begin(&e->usage, true);
	e->measured = true;
	e->running = true;
	e->elapsed_ns -= pss_now_ns();
}

static pg_attribute_always_inline void
pss_exec_period_end(QueryDesc *queryDesc, uint64 rows)
{
	PssExec    *e = pss_exec_mutable(queryDesc);

	if (e == NULL)
		return;
	e->elapsed_ns += pss_now_ns();
	e->rows += rows;
	e->running = false;
	pss_usage_end(&e->usage, e->timed);
}

/*
 * pss_exec_release
 *		The execution of queryDesc, in slot i when its accounting began,
 *		ended well and is accounted: release its slot (found again if
 *		accounting it, the capture of a sample, moved it), and tell its
 *		callback it has nothing to do.
 */
static inline void
pss_exec_release(QueryDesc *queryDesc, int i)
{
	PssExec    *e;

	if (i >= pss_execs.n || pss_execs.slots[i].queryDesc != queryDesc)
	{
		e = pss_exec_mutable(queryDesc);
		if (e == NULL)
			return;
		i = (int) (e - pss_execs.slots);
	}
	e = &pss_execs.slots[i];
	if (e->callback != NULL)
		e->callback->serial = 0;
	pss_exec_remove(i);
}

#endif							/* PSS_EXEC_MEASURE_H */
