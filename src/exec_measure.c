/*-------------------------------------------------------------------------
 *
 * exec_measure.c
 *	  The executions in progress and what they measured so far (see
 *	  exec_measure.h).
 *
 * The slots live in one static struct, changed only by this file's
 * functions: a fixed array, replaced by a larger one in TopMemoryContext
 * when more executions than it holds are nested or open at once, and a
 * small pool of memory context callbacks (see PssExecCallback).
 *
 * src/exec_measure.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "utils/memutils.h"

#include "exec_measure.h"
#include "failures.h"
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

#define PSS_CALLBACK_POOL	64
#define PSS_EXEC_SLOTS		16

/* The executions in progress, and the callback pool */
static struct
{
	PssExec    *slots;			/* fixed, or a larger array */
	int			n;				/* slots in use */
	int			max;			/* slots allocated */
	uint64		serial;			/* the last execution's serial */
	int			callbacks_used; /* [0, callbacks_used) handed out once */
	int			callback_free;	/* the first given back, or -1 */
	PssExec		fixed[PSS_EXEC_SLOTS];
	PssExecCallback pool[PSS_CALLBACK_POOL];
}			ex =
{
	.slots = ex.fixed,
		.max = PSS_EXEC_SLOTS,
		.callback_free = -1
};

static void exec_context_gone(void *arg);


/*
 * exec_find
 *		The slot of an execution in progress, or NULL if we do not track
 *		it.  The newest executions are the likeliest: search from the end.
 *		No allocation, no error: also used in error paths.
 */
static inline PssExec *
exec_find(QueryDesc *queryDesc)
{
	int			i;

	for (i = ex.n - 1; i >= 0; i--)
	{
		if (ex.slots[i].queryDesc == queryDesc)
			return &ex.slots[i];
	}
	return NULL;
}

/*
 * pss_exec_find
 *		exec_find, for the hooks: read only.
 */
const PssExec *
pss_exec_find(QueryDesc *queryDesc)
{
	return exec_find(queryDesc);
}

/*
 * exec_remove
 *		Drop slot i.
 */
static inline void
exec_remove(int i)
{
	/* usually the last one: no copy then */
	if (i != ex.n - 1)
		ex.slots[i] = ex.slots[ex.n - 1];
	ex.n--;
}

/*
 * pss_exec_begin
 *		Start measuring an execution (ExecutorStart).
 *
 * A slot still held for the same QueryDesc address belongs to an execution
 * that is over (the address is free again), whatever missed its end: it is
 * dropped.  A nested execution's slot is released when the executor's
 * memory is freed, if ExecutorEnd has not done so before
 * (exec_context_gone): the callback (from the pool, see PssExecCallback)
 * names the slot by a serial number, as the slot may move.  A top-level
 * execution needs none: nothing but an abort can end it without
 * ExecutorEnd, and pss_execs_aborted sees to that, for less than
 * registering a callback costs.
 */
void
pss_exec_begin(QueryDesc *queryDesc, uint64 queryId, bool toplevel)
{
	PssExec    *e;
	PssExecCallback *cb = NULL;

	if (ex.n > 0)
		pss_exec_forget(queryDesc, 0);
	if (!toplevel)
	{
		if (ex.callback_free >= 0)
		{
			cb = &ex.pool[ex.callback_free];
			ex.callback_free = cb->next_free;
		}
		else if (ex.callbacks_used < PSS_CALLBACK_POOL)
			cb = &ex.pool[ex.callbacks_used++];
		else
			cb = MemoryContextAlloc(queryDesc->estate->es_query_cxt,
									sizeof(PssExecCallback));
	}
	if (ex.n == ex.max)
	{
		int			n = ex.max * 2;
		PssExec    *more;

		more = MemoryContextAlloc(TopMemoryContext, n * sizeof(PssExec));
		memcpy(more, ex.slots, ex.n * sizeof(PssExec));
		if (ex.slots != ex.fixed)
			pfree(ex.slots);
		ex.slots = more;
		ex.max = n;
	}
	e = &ex.slots[ex.n++];
	e->queryDesc = queryDesc;
	e->serial = ++ex.serial;
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
	e->callback = cb;

	if (cb != NULL)
	{
		cb->serial = e->serial;
		cb->cb.func = exec_context_gone;
		cb->cb.arg = cb;
		MemoryContextRegisterResetCallback(queryDesc->estate->es_query_cxt,
										   &cb->cb);
	}
}

/*
 * pss_exec_period_start, pss_exec_period_end
 *		Bracket one ExecutorRun or ExecutorFinish call of an execution, if
 *		we track it; rows: what the call processed.  The slot is looked up
 *		each time: nested statements come and go in between, and the array
 *		may move.
 */
void
pss_exec_period_start(QueryDesc *queryDesc)
{
	PssExec    *e = exec_find(queryDesc);

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

void
pss_exec_period_end(QueryDesc *queryDesc, uint64 rows)
{
	PssExec    *e = exec_find(queryDesc);

	if (e == NULL)
		return;
	e->elapsed_ns += pss_now_ns();
	e->rows += rows;
	e->running = false;
	pss_usage_end(&e->usage, e->timed);
}

/*
 * pss_exec_elapsed
 *		Milliseconds an execution has run so far, including the period in
 *		progress if any (when it fails).
 */
double
pss_exec_elapsed(const PssExec *e)
{
	int64		ns = e->elapsed_ns;

	if (e->running)
		ns += pss_now_ns();
	return ns / 1000000.0;
}

/*
 * pss_exec_release
 *		The execution of queryDesc, whose slot was e, ended well and is
 *		accounted: release its slot, found again if accounting it (the
 *		capture of a sample) moved it, and tell its callback it has nothing
 *		to do.
 */
void
pss_exec_release(QueryDesc *queryDesc, const PssExec *e)
{
	int			i = (int) (e - ex.slots);

	if (i < 0 || i >= ex.n || ex.slots[i].queryDesc != queryDesc)
	{
		e = exec_find(queryDesc);
		if (e == NULL)
			return;
		i = (int) (e - ex.slots);
	}
	if (e->callback != NULL)
		e->callback->serial = 0;
	exec_remove(i);
}

/*
 * pss_exec_forget
 *		Drop executions that are over: one that ended (queryDesc), or, with
 *		queryDesc NULL, those of an aborted subtransaction subid and of the
 *		subtransactions it started (0: all of them, the transaction
 *		aborted).
 */
void
pss_exec_forget(QueryDesc *queryDesc, SubTransactionId subid)
{
	int			i;

	for (i = ex.n - 1; i >= 0; i--)
	{
		if (queryDesc != NULL ? ex.slots[i].queryDesc == queryDesc :
			ex.slots[i].subid >= subid)
		{
			exec_remove(i);
			if (queryDesc != NULL)
				return;
		}
	}
}

/*
 * exec_fail
 *		Remember e's failure, with its time so far, unless it is already
 *		remembered; return whether it was a top-level execution's.
 */
static bool
exec_fail(PssExec *e, int sqlerrcode)
{
	if (e->failed)
		return false;
	pss_failure_remember(e->queryid, e->source, e->location, e->len, true,
						 e->toplevel, pss_exec_elapsed(e), sqlerrcode);
	e->failed = true;
	return e->toplevel;
}

/*
 * pss_exec_failed
 *		Remember the failure of queryDesc's execution, if we track it and
 *		have not yet; true if it was a top-level execution's.
 */
bool
pss_exec_failed(QueryDesc *queryDesc, int sqlerrcode)
{
	PssExec    *e = exec_find(queryDesc);

	return e != NULL && exec_fail(e, sqlerrcode);
}

/*
 * pss_exec_top_failed
 *		Remember the failure of the top-level execution that was running
 *		when an error escaped the top-level ExecutorRun or ExecutorFinish
 *		(the log hook).  At most one top-level execution runs at a time.
 */
bool
pss_exec_top_failed(int sqlerrcode)
{
	int			i;

	for (i = ex.n - 1; i >= 0; i--)
	{
		PssExec    *e = &ex.slots[i];

		if (e->toplevel && e->running && !e->failed)
			return exec_fail(e, sqlerrcode);
	}
	return false;
}

/*
 * exec_context_gone
 *		Memory context callback: the executor's memory of an execution is
 *		being freed.  If its slot is still there, ExecutorEnd never ran:
 *		the portal was marked failed (its failure is already remembered),
 *		or was dropped by an abort while suspended, a cursor whose
 *		transaction rolled back: that execution did not complete, and is
 *		remembered as failed (SQLSTATE 40000, transaction rollback), to be
 *		published when the abort is done.  Then the slot is released.
 *		Only nested executions register one (see pss_exec_begin).
 *
 * Runs while memory is being freed, possibly during an abort: no
 * allocation, no lock, no error (pss_failure_remember takes none).
 */
static void
exec_context_gone(void *arg)
{
	PssExecCallback *cb = (PssExecCallback *) arg;
	uint64		serial = cb->serial;
	int			i;

	/* the executor's memory is going: give the callback back to the pool */
	if (cb >= ex.pool && cb < ex.pool + PSS_CALLBACK_POOL)
	{
		cb->next_free = ex.callback_free;
		ex.callback_free = (int) (cb - ex.pool);
	}
	if (serial == 0)
		return;					/* ExecutorEnd released the slot */

	for (i = ex.n - 1; i >= 0; i--)
	{
		PssExec    *e = &ex.slots[i];

		if (e->serial != serial)
			continue;
		Assert(!e->toplevel);
		(void) exec_fail(e, ERRCODE_TRANSACTION_ROLLBACK);
		exec_remove(i);
		return;
	}
}

/*
 * pss_execs_aborted
 *		The top-level executions of subtransaction subid and of those it
 *		started (0: of the transaction) are being aborted: remember those
 *		that had not failed as failed, SQLSTATE 40000 (transaction rollback),
 *		as exec_context_gone does for the others.  True if it remembered
 *		one.
 *
 * A top-level execution registers no memory context callback (see
 * pss_exec_begin): its text, that of the client's message or of a
 * prepared statement, lasts until after the abort, so it can be read
 * here, where the executor's memory may already be gone.  No allocation,
 * no lock.
 */
bool
pss_execs_aborted(SubTransactionId subid)
{
	bool		any = false;
	int			i;

	for (i = 0; i < ex.n; i++)
	{
		PssExec    *e = &ex.slots[i];

		if (e->callback == NULL && e->subid >= subid &&
			exec_fail(e, ERRCODE_TRANSACTION_ROLLBACK))
			any = true;
	}
	return any;
}

/*
 * pss_execs_active, pss_execs_clear
 *		Is any execution in progress?  Release every slot: the top-level
 *		transaction ended, and no execution of it is in progress any more.
 */
bool
pss_execs_active(void)
{
	return ex.n != 0;
}

void
pss_execs_clear(void)
{
	ex.n = 0;
}

/*
 * pss_exec_reading_own
 *		Called by the functions that show or reset our statistics: if the
 *		statement calling one is a nested statement we measure (track =
 *		all), forget it, so that it is never accounted.
 *
 * A monitoring read must leave no trace of itself.  The compat
 * extension's views are SQL functions whose bodies call ours: with track
 * = all, every poll would otherwise leave an entry of its own, a long
 * SELECT that no application sends.  A top-level statement that reads the
 * view is kept, as any other (and as pg_stat_statements keeps it).
 *
 * The caller is the running execution started last: ours run in the scan
 * of the statement that calls them, after every statement nested deeper
 * has ended.  Its slot is released; the executor's hooks then find none
 * for it, and the memory context callback, told so, does nothing.
 */
void
pss_exec_reading_own(void)
{
	PssExec    *last = NULL;
	int			i;

	for (i = 0; i < ex.n; i++)
	{
		if (ex.slots[i].running &&
			(last == NULL || ex.slots[i].serial > last->serial))
			last = &ex.slots[i];
	}
	if (last == NULL || last->toplevel)
		return;
	if (last->callback != NULL)
		last->callback->serial = 0;
	exec_remove((int) (last - ex.slots));
}
