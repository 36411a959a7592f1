/*-------------------------------------------------------------------------
 *
 * exec_measure.c
 *	  The executions in progress and what they measured so far (see
 *	  exec_measure.h).
 *
 * The slots in use are pss_execs, exported only for the inline functions
 * of exec_measure.h that run for every execution; the fixed array they
 * start in, replaced by a larger one in TopMemoryContext when more
 * executions than it holds are nested or open at once, and the small pool
 * of memory context callbacks (see PssExecCallback) are this file's own
 * static struct.  Nothing else changes either.
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

#define PSS_CALLBACK_POOL	64
#define PSS_EXEC_SLOTS		16

/* The fixed slots, and the callback pool */
static struct
{
	int			callbacks_used; /* [0, callbacks_used) handed out once */
	int			callback_free;	/* the first given back, or -1 */
	PssExec		fixed[PSS_EXEC_SLOTS];
	PssExecCallback pool[PSS_CALLBACK_POOL];
}			ex =
{
	.callback_free = -1
};

/* The slots in use (exec_measure.h) */
PssExecSlots pss_execs = {ex.fixed, 0, PSS_EXEC_SLOTS, 0};

static void exec_context_gone(void *arg);


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
 * pss_exec_grow
 *		Make room for one more slot: more executions are nested or open at
 *		once than the slots hold (pss_exec_begin).  Doubles the array, in
 *		TopMemoryContext.
 */
void
pss_exec_grow(void)
{
	int			n = pss_execs.max * 2;
	PssExec    *more;

	more = MemoryContextAlloc(TopMemoryContext, n * sizeof(PssExec));
	memcpy(more, pss_execs.slots, pss_execs.n * sizeof(PssExec));
	if (pss_execs.slots != ex.fixed)
		pfree(pss_execs.slots);
	pss_execs.slots = more;
	pss_execs.max = n;
}

/*
 * pss_exec_callback
 *		Register the memory context callback that releases the slot of the
 *		nested execution queryDesc (serial) when the executor's memory is
 *		freed, if ExecutorEnd has not done so before (exec_context_gone).
 *		The callback comes from the pool (see PssExecCallback) and names the
 *		slot by its serial number, as the slot may move.
 */
struct PssExecCallback *
pss_exec_callback(QueryDesc *queryDesc, uint64 serial)
{
	PssExecCallback *cb;

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
	cb->serial = serial;
	cb->cb.func = exec_context_gone;
	cb->cb.arg = cb;
	MemoryContextRegisterResetCallback(queryDesc->estate->es_query_cxt,
									   &cb->cb);
	return cb;
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

	for (i = pss_execs.n - 1; i >= 0; i--)
	{
		if (queryDesc != NULL ? pss_execs.slots[i].queryDesc == queryDesc :
			pss_execs.slots[i].subid >= subid)
		{
			pss_exec_remove(i);
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
	PssExec    *e = pss_exec_mutable(queryDesc);

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

	for (i = pss_execs.n - 1; i >= 0; i--)
	{
		PssExec    *e = &pss_execs.slots[i];

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

	for (i = pss_execs.n - 1; i >= 0; i--)
	{
		PssExec    *e = &pss_execs.slots[i];

		if (e->serial != serial)
			continue;
		Assert(!e->toplevel);
		(void) exec_fail(e, ERRCODE_TRANSACTION_ROLLBACK);
		pss_exec_remove(i);
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

	for (i = 0; i < pss_execs.n; i++)
	{
		PssExec    *e = &pss_execs.slots[i];

		if (e->callback == NULL && e->subid >= subid &&
			exec_fail(e, ERRCODE_TRANSACTION_ROLLBACK))
			any = true;
	}
	return any;
}

/*
 * pss_execs_clear
 *		Release every slot: the top-level transaction ended, and no
 *		execution of it is in progress any more.
 */
void
pss_execs_clear(void)
{
	pss_execs.n = 0;
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

	for (i = 0; i < pss_execs.n; i++)
	{
		if (pss_execs.slots[i].running &&
			(last == NULL || pss_execs.slots[i].serial > last->serial))
			last = &pss_execs.slots[i];
	}
	if (last == NULL || last->toplevel)
		return;
	if (last->callback != NULL)
		last->callback->serial = 0;
	pss_exec_remove((int) (last - pss_execs.slots));
}
