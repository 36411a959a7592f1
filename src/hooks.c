/*-------------------------------------------------------------------------
 *
 * hooks.c
 *	  Planner, executor and utility hooks: time every statement.
 *
 * Each hook chains to the one installed before it.  A statement is keyed
 * by the fingerprint of its own text (its slice of a multi-statement
 * string).  When the core does not compute query ids, the parse analysis
 * hook stores the fingerprint as the statement's queryId, so that
 * pg_stat_activity, EXPLAIN VERBOSE and log_line_prefix %Q show it, and the
 * executor finds it in the plan without lexing the text again: a prepared
 * statement is fingerprinted once, however often it runs.  When the core
 * computes its own ids (compute_query_id = on, or another module asked for
 * them), the executor hooks fingerprint the text themselves.
 *
 * nesting_level counts the planner, executor and utility calls we are
 * inside of; a statement is top level when it starts at level 0.  Below
 * the top level it is restored on error by PG_CATCH blocks, as a function
 * may catch the error.  A top-level statement's planning and execution
 * pay for no PG_TRY block: their failure ends the transaction (or the
 * savepoint's subtransaction), whose abort restores the level
 * (top_unguarded, xact_aborted, unguarded_subxact_aborted), whether the
 * error is logged or not.
 *
 * A statement that fails is noted (error code, time so far, a copy of its
 * text, in preallocated memory: no allocation, no lock) in its PG_CATCH
 * block, or for a top-level statement in pss_emit_log, and accounted when
 * its (sub)transaction aborts, once the error is cleaned up.
 *
 * The slowest execution's sample (text, parameters, plan) is made in
 * slow_sample.c; a statement's own text and key are found by stmt_text.c.
 *
 * src/hooks.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>
#include <sys/resource.h>
#include <sys/time.h>

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_language.h"
#include "catalog/pg_proc.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "executor/instrument.h"
#include "jit/jit.h"
#include "mb/pg_wchar.h"
#include "nodes/nodeFuncs.h"
#include "miscadmin.h"
#include "optimizer/planner.h"
#include "parser/analyze.h"
#include "storage/bufmgr.h"
#include "storage/proc.h"
#include "tcop/tcopprot.h"
#include "tcop/utility.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

#include "activity.h"
#include "compat.h"
#include "failures.h"
#include "fingerprint.h"
#include "hooks.h"
#include "pg_slow_statements.h"
#include "plan_id.h"
#include "slow_sample.h"
#include "sources.h"
#include "stmt_text.h"
#include "store.h"
#include "xact_calls.h"


/*
 * What the executor hooks measure of one execution, kept in backend memory
 * from ExecutorStart to ExecutorEnd: time and buffer/WAL usage inside
 * ExecutorRun and ExecutorFinish, as the executor's own totals would, at a
 * fraction of their cost, and the rows of every ExecutorRun (a portal
 * fetched in several calls runs several times; the executor counts only
 * the last).  One slot per execution in progress (nested statements and
 * open cursors make several).
 *
 * An execution is found by its QueryDesc, but a slot is released however
 * the execution ends: by ExecutorEnd; for a nested execution, when the
 * executor's memory goes away without it (a portal marked failed, or
 * dropped by an abort: see exec_context_gone); when its subtransaction
 * aborts (execs_aborted); at the end of the top-level transaction.  A
 * top-level portal marked failed inside a savepoint keeps its slot until
 * then, marked failed: every ExecutorStart drops a slot left at its
 * QueryDesc address, so a slot can never be taken for a later
 * execution's.
 *
 * A period is measured without a snapshot: its start subtracts the
 * backend's running totals (clock, buffer and WAL counters) from the
 * accumulators, its end adds them back, so that between periods the
 * accumulators hold the sum of the finished periods.
 */
typedef struct PssExec
{
	QueryDesc  *queryDesc;
	uint64		serial;			/* tells executions apart, see exec_begin */
	SubTransactionId subid;		/* subtransaction it started in */
	bool		toplevel;		/* started at nesting level 0 */
	bool		failed;			/* its failure is already remembered */
	uint64		queryid;		/* the statement, copied at the start: */
	const char *source;			/* the plan may be gone when the executor's */
	int			location;		/* memory is (exec_context_gone) */
	int			len;
	uint64		rows;			/* rows of the finished ExecutorRun calls */
	uint64		planid;			/* its plan's id (plan_id.h), 0: none */
	bool		running;		/* inside ExecutorRun or ExecutorFinish */
	bool		timed;			/* the running period counts I/O time */
	bool		measured;		/* a period has started: usage is set */
	int64		elapsed_ns;		/* see above */
	struct PssExecCallback *callback;	/* its memory context callback */
	PssUsage	usage;			/* see above, once measured */
} PssExec;

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

/*
 * What the hooks know of the current top-level statement, for a failure
 * that no hook of ours catches (pss_emit_log): a syntax error, an error in
 * parse analysis or rewriting (a missing relation or column, a lock
 * timeout while opening a table), or in ExecutorStart (permission denied).
 * It describes the statement of the client message that set it, tagged
 * with the message's start time; a stage set by an earlier message counts
 * as PSS_TOP_IDLE.
 *
 * A state machine: the hooks report events (PssTopEvent) to top_event,
 * and top_next is the one place that says what each event makes of each
 * stage.
 */
typedef enum PssTopStage
{
	PSS_TOP_IDLE,				/* nothing known of this message yet */
	PSS_TOP_ANALYZED,			/* top.source statement analysed, not started */
	PSS_TOP_STARTING,			/* in ExecutorStart of top.qd */
	PSS_TOP_HANDLED,			/* a hook owns the statement's outcome */
	PSS_TOP_DONE				/* top.source statement ended well */
} PssTopStage;

typedef enum PssTopEvent
{
	PSS_TOP_EV_ANALYZED,		/* parse analysis of a top-level statement
								 * ended (a stage of an earlier message
								 * counts as idle) */
	PSS_TOP_EV_PLANNING,		/* top-level planning starts */
	PSS_TOP_EV_STARTING,		/* top-level ExecutorStart starts */
	PSS_TOP_EV_STARTED,			/* ... and returned */
	PSS_TOP_EV_UTILITY,			/* a top-level utility statement starts */
	PSS_TOP_EV_UTILITY_ENDED,	/* ... and ended well */
	PSS_TOP_EV_EXEC_ENDED,		/* ExecutorEnd of top.qd, at the top level */
	PSS_TOP_EV_FAILED,			/* a hook noted the statement's failure */
	PSS_TOP_EV_ERROR			/* an error was logged: the message is over */
} PssTopEvent;

#define PSS_TOP_KEEP		(-1)	/* the event changes nothing */

/* the events that give the statement's text (where it is, to top_event) */
#define top_event_text(ev) \
	((ev) == PSS_TOP_EV_ANALYZED || (ev) == PSS_TOP_EV_PLANNING || \
	 (ev) == PSS_TOP_EV_STARTING || (ev) == PSS_TOP_EV_UTILITY || \
	 (ev) == PSS_TOP_EV_UTILITY_ENDED)

/*---- Local variables ----*/

/* Current nesting depth of planner/executor/utility calls */
static int	nesting_level = 0;

/*
 * Executions in progress: in exec_slots, or in TopMemoryContext when more
 * than PSS_EXEC_SLOTS are nested or open at once
 */
#define PSS_EXEC_SLOTS		16

static PssExec exec_slots[PSS_EXEC_SLOTS];
static PssExec *execs = exec_slots;
static int	nexecs = 0;
static int	maxexecs = PSS_EXEC_SLOTS;
static uint64 exec_serial = 0;

/* The callback pool: [0, callbacks_used) handed out once, some given back */
static PssExecCallback callback_pool[PSS_CALLBACK_POOL];
static int	callbacks_used = 0;
static int	callback_free = -1;

/*
 * The nesting level at which the query of a cursor that DECLARE is opening
 * is planned and started, or -1.  PostgreSQL 19 gives that query an id of
 * its own, so that it would be a nested statement with track = all; on
 * every version we leave it to the statements that run it (the DECLARE,
 * FETCH, MOVE, CLOSE, and the COMMIT that persists a holdable cursor), as
 * 15 to 18 do, so that a workload gives the same entries everywhere.
 */
static int	cursor_query_level = -1;

/* The current top-level statement (see PssTopStage), set by top_event */
static struct
{
	PssTopStage stage;
	TimestampTz message;		/* start of the message that set it */
	const char *source;			/* its text, when the event gave one */
	int			location;
	int			len;
	QueryDesc  *qd;				/* since PSS_TOP_STARTING, until done */
}			top;

/*
 * A top-level hook raised the nesting level without a PG_TRY block to
 * restore it (pss_planner): an error meanwhile leaves it raised until the
 * abort of the transaction, or of the savepoint's subtransaction, restores
 * it (xact_aborted, unguarded_subxact_aborted).
 */
static bool top_unguarded = false;

/*
 * The first subtransaction started while top_unguarded was set (by a
 * function's exception block, or a capture), or InvalidSubTransactionId:
 * see unguarded_subxact_aborted.  Subtransaction ids restart with every
 * transaction, so it is cleared when the transaction ends.
 */
static SubTransactionId unguarded_first_subid = InvalidSubTransactionId;

/*
 * A top-level COMMIT (or PREPARE TRANSACTION) that will commit: its
 * outcome is known only once the transaction has run its deferred
 * triggers and persisted its holdable cursors, after the utility hook
 * returned.  It is accounted then, at XACT_EVENT_PRE_COMMIT (or
 * PRE_PREPARE), as a success timed up to there, or as a failure if the
 * transaction aborts first (commit_deferred_failed), so that it counts
 * once.  So is a statement outside a transaction block whose implicit
 * commit has such work to do (commit_has_work): a DECLARE ... WITH HOLD,
 * timed up to there too, as persisting the cursor runs its query; and an
 * executor statement that left deferred trigger events on a table it
 * changed, with what its execution measured (executor: its slowest
 * sample is not captured then, as its plan is gone by the commit).  An error meanwhile is only noted (a deferred trigger may catch
 * it), and charged to nothing else.  Its text is copied, up to PSS_COMMIT_TEXT bytes (with a longer
 * one, the COMMIT's success makes an entry without text, and its failure
 * is not counted).
 */
#define PSS_COMMIT_TEXT		1024

static struct
{
	bool		pending;		/* set by utility_nested, until accounted */
	bool		accounted;		/* accounted: no later error counts */
	int			sqlerrcode;		/* of the error seen meanwhile, or 0 */
	PssKey		key;
	uint64		queryid;
	int64		start;
	bool		timed;
	PssUsage	usage;
	bool		executor;		/* measure holds what its execution measured */
	TimestampTz message;		/* executor: start of its message */
	bool		has_jit;
	PssMeasure	measure;
	JitInstrumentation jit;
	int			text_len;		/* -1: too long, not copied */
	char		text[PSS_COMMIT_TEXT + 1];
}			commit_deferred;

/* Saved hook values */
static post_parse_analyze_hook_type prev_post_parse_analyze_hook = NULL;
static planner_hook_type prev_planner_hook = NULL;
static ExecutorStart_hook_type prev_ExecutorStart = NULL;
static ExecutorRun_hook_type prev_ExecutorRun = NULL;
static ExecutorFinish_hook_type prev_ExecutorFinish = NULL;
static ExecutorEnd_hook_type prev_ExecutorEnd = NULL;
static ProcessUtility_hook_type prev_ProcessUtility = NULL;
static emit_log_hook_type prev_emit_log_hook = NULL;

static void pss_post_parse_analyze(ParseState *pstate, Query *query,
								   PssJumbleState *jstate);
static PlannedStmt *pss_planner(PSS_PLANNER_PARAMS);
static PlannedStmt *planner_guarded(PSS_PLANNER_PARAMS);
static void pss_ExecutorStart(QueryDesc *queryDesc, int eflags);
static void pss_ExecutorRun(PSS_EXECUTOR_RUN_PARAMS);
static void executor_run_guarded(PSS_EXECUTOR_RUN_PARAMS);
static void pss_ExecutorFinish(QueryDesc *queryDesc);
static void pss_ExecutorEnd(QueryDesc *queryDesc);
static void pss_ProcessUtility(PlannedStmt *pstmt, const char *queryString,
							   bool readOnlyTree,
							   ProcessUtilityContext context,
							   ParamListInfo params,
							   QueryEnvironment *queryEnv,
							   DestReceiver *dest, QueryCompletion *qc);
static void pss_emit_log(ErrorData *edata);
static pg_attribute_always_inline void top_event(PssTopEvent ev,
												 const char *source,
												 int location, int len);
static void set_fingerprint(const char *source, Query *query);
static void executor_finish_nested(QueryDesc *queryDesc);
static void utility_nested(PlannedStmt *pstmt, const char *queryString,
						   bool readOnlyTree, ProcessUtilityContext context,
						   ParamListInfo params, QueryEnvironment *queryEnv,
						   DestReceiver *dest, QueryCompletion *qc);
static void exec_forget(QueryDesc *queryDesc, SubTransactionId subid);
static void top_execution_failed(int sqlerrcode);
static void execs_aborted(SubTransactionId subid);
static void exec_context_gone(void *arg);
static double exec_elapsed(const PssExec *e);
static void remember_failure(uint64 queryId, const char *source, int location,
							 int len, bool optimizable, bool toplevel,
							 double time_ms, int sqlerrcode);
static void pss_xact_callback(XactEvent event, void *arg);
static void xact_committed(void);
static void xact_aborted(void);
static void pss_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
								 SubTransactionId parentSubid, void *arg);
static void unguarded_subxact_aborted(SubTransactionId mySubid);
static bool will_commit(Node *stmt);
static bool commit_has_work(QueryDesc *queryDesc, Node *utility);
static void exec_defer(const PssStatement *st, const PssMeasure *m,
					   int64 elapsed_ns);
static void commit_deferred_begin(PssStatement *st);
static void commit_defer(uint64 queryId, const char *queryString,
						 int location, int len, int64 start, bool timed,
						 const PssUsage *usage);
static void commit_deferred_done(void);
static void commit_deferred_failed(int sqlerrcode);

/*
 * Utility statements that are not tracked themselves: EXECUTE is counted
 * under the prepared statement's entry by the executor hooks, and PREPARE
 * and DEALLOCATE do no work worth counting.
 */
#define PSS_PREPARE_UTILITY(n) \
	(IsA((n), ExecuteStmt) || IsA((n), PrepareStmt) || \
	 IsA((n), DeallocateStmt))


/*
 * pss_hooks_init
 *		Install the hooks; called from _PG_init.
 */
void
pss_hooks_init(void)
{
	prev_post_parse_analyze_hook = post_parse_analyze_hook;
	post_parse_analyze_hook = pss_post_parse_analyze;
	prev_planner_hook = planner_hook;
	planner_hook = pss_planner;
	prev_ExecutorStart = ExecutorStart_hook;
	ExecutorStart_hook = pss_ExecutorStart;
	prev_ExecutorRun = ExecutorRun_hook;
	ExecutorRun_hook = pss_ExecutorRun;
	prev_ExecutorFinish = ExecutorFinish_hook;
	ExecutorFinish_hook = pss_ExecutorFinish;
	prev_ExecutorEnd = ExecutorEnd_hook;
	ExecutorEnd_hook = pss_ExecutorEnd;
	prev_ProcessUtility = ProcessUtility_hook;
	ProcessUtility_hook = pss_ProcessUtility;
	prev_emit_log_hook = emit_log_hook;
	emit_log_hook = pss_emit_log;

	RegisterXactCallback(pss_xact_callback, NULL);
	RegisterSubXactCallback(pss_subxact_callback, NULL);
}


/*
 * account
 *		Hand a measurement to the store, with its source (sources.h); on a
 *		new maximum time, keep the execution's text, plan and source, and
 *		the text of a plan the entry keeps without it yet or does not keep
 *		(queryDesc may be NULL).
 */
static pg_attribute_always_inline void
account(PssStatement *st, PssMeasure *m, QueryDesc *queryDesc)
{
	int			r;

	if (pss_max_sources > 0 && m->kind == PSS_EXEC && !m->failed)
	{
		/* its slice, untrimmed: pss_tags_find skips white space itself */
		const char *text = st->source + Max(st->location, 0);
		size_t		len = (st->location >= 0 && st->len > 0) ?
			(size_t) st->len : strlen(text);

		m->source = pss_source_of(text, len, text - st->source);
	}
	r = pss_store_record(&st->key, m);
	if (r == PSS_MISSING)
	{
		const char *source = NULL;
		int			source_len = 0;

		pss_statement_stored_text(st);
		if (m->source != NULL)
			source = pss_source_text(false, &source_len);
		r = pss_store_insert(&st->key, st->text, st->text_len,
							 pss_std_strings(), m, source, source_len);
	}
	else if (unlikely(r & (PSS_SOURCE_NEW | PSS_TEXT_WANTED)))
	{
		if (r & PSS_SOURCE_NEW)
		{
			int			source_len;
			const char *source = pss_source_text(false, &source_len);

			pss_store_add_source(&st->key, m, source, source_len);
		}
		if (r & PSS_TEXT_WANTED)
		{
			/* the entry was made without its text (a failure): fill it in */
			pss_statement_stored_text(st);
			pss_store_fill_text(&st->key, st->text, st->text_len,
								pss_std_strings());
		}
	}

	if (unlikely((r & (PSS_SLOWEST | PSS_PLAN_NEW | PSS_PLAN_TEXT)) != 0) &&
		m->kind == PSS_EXEC)
	{
		if ((r & PSS_SLOWEST) && m->source != NULL)
		{
			/* first: the capture may run statements, of other sources */
			int			source_len;
			const char *source = pss_source_text(true, &source_len);

			pss_store_set_slowest_source(&st->key, m->time_ms, source,
										 source_len);
		}
		pss_statement_slice(st);
		pss_capture(st, m, queryDesc, nesting_level == 0, r);
	}
}

/*
 * exec_find
 *		The measurement slot of an execution in progress, or NULL if we do
 *		not track it.  The newest executions are the likeliest: search from
 *		the end.  No allocation, no error: also used in error paths.
 */
static PssExec *
exec_find(QueryDesc *queryDesc)
{
	int			i;

	for (i = nexecs - 1; i >= 0; i--)
	{
		if (execs[i].queryDesc == queryDesc)
			return &execs[i];
	}
	return NULL;
}

/*
 * exec_begin
 *		Start measuring an execution (ExecutorStart).
 *
 * A slot still held for the same QueryDesc address belongs to an execution
 * that is over (the address is free again), whatever missed its end: it is
 * dropped.  A nested execution's slot is released when the executor's
 * memory is freed, if ExecutorEnd has not done so before
 * (exec_context_gone): the callback (from the pool, see PssExecCallback)
 * names the slot by a serial number, as the slot may move.  A top-level
 * execution needs none: nothing but an abort can end it without
 * ExecutorEnd, and execs_aborted sees to that, for less than registering
 * a callback costs.
 */
static void
exec_begin(QueryDesc *queryDesc, uint64 queryId)
{
	PssExec    *e;
	PssExecCallback *cb = NULL;

	if (nexecs > 0)
		exec_forget(queryDesc, 0);
	if (nesting_level > 0)
	{
		if (callback_free >= 0)
		{
			cb = &callback_pool[callback_free];
			callback_free = cb->next_free;
		}
		else if (callbacks_used < PSS_CALLBACK_POOL)
			cb = &callback_pool[callbacks_used++];
		else
			cb = MemoryContextAlloc(queryDesc->estate->es_query_cxt,
									sizeof(PssExecCallback));
	}
	if (nexecs == maxexecs)
	{
		int			n = maxexecs * 2;
		PssExec    *more;

		more = MemoryContextAlloc(TopMemoryContext, n * sizeof(PssExec));
		memcpy(more, execs, nexecs * sizeof(PssExec));
		if (execs != exec_slots)
			pfree(execs);
		execs = more;
		maxexecs = n;
	}
	e = &execs[nexecs++];
	e->queryDesc = queryDesc;
	e->serial = ++exec_serial;
	e->subid = GetCurrentSubTransactionId();
	e->toplevel = (nesting_level == 0);
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
 * now_ns
 *		The monotonic clock, in nanoseconds.
 */
static inline int64
now_ns(void)
{
	instr_time	now;

	INSTR_TIME_SET_CURRENT(now);
	return pss_instr_ns(now);
}

/*
 * pss_timeval_us
 *		A struct timeval in microseconds.
 */
static inline int64
pss_timeval_us(const struct timeval *tv)
{
	return (int64) tv->tv_sec * 1000000 + tv->tv_usec;
}

/*
 * usage_cpu
 *		Subtract (sign -1, at a period's start) or add (+1, at its end) the
 *		process's CPU time so far into u's PSS_CPU fields (track_cpu: two
 *		getrusage calls per period, kept out of line).  With fresh, u's
 *		fields are first taken as zero.  If getrusage fails (it cannot, for
 *		RUSAGE_SELF with a valid buffer), the measurement is not CPU-timed.
 */
static pg_noinline void
usage_cpu(PssUsage *u, int sign, bool fresh)
{
	struct rusage buf;
	const struct rusage *ru = &buf;

	if (getrusage(RUSAGE_SELF, &buf) != 0)
	{
		u->cpu_timed = false;
		return;
	}
#define PSS_CPU(name, ctype, sqltype, since, merge, read) \
	u->name = (fresh ? 0 : u->name) + sign * (read);
#include "counterlist.h"
}

/*
 * usage_begin, usage_end
 *		Start and end measuring buffer and WAL usage into u: subtract the
 *		backend's running totals, then add them back (see PssExec); and
 *		collect the wait events the sampler saw meanwhile (activity.h).  With
 *		fresh, u is first taken as zero, so it need not be cleared.  I/O
 *		times are read only if track_io_timing is on at the start (the
 *		return value, to pass to usage_end), as they do not move otherwise;
 *		CPU times only if track_cpu is on at the start of the measurement
 *		(u->cpu_timed).  Always inlined, so that fresh is a constant.
 */
static pg_attribute_always_inline bool
usage_begin(PssUsage *u, bool fresh)
{
	const BufferUsage *b = &pgBufferUsage;
	const WalUsage *w = &pgWalUsage;
	PssActivitySlot *s = pss_activity_own();

#define PSS_USAGE(name, ctype, sqltype, since, merge, read) \
	u->name = (fresh ? 0 : u->name) - (int64) (read);
#include "counterlist.h"
	pss_activity_begin(s, &u->waits, fresh);
	if (fresh)
		u->cpu_timed = pss_track_cpu;
	if (unlikely(u->cpu_timed))
		usage_cpu(u, -1, fresh);

	if (track_io_timing)
	{
#define PSS_IO(name, ctype, sqltype, since, merge, read) \
		u->name = (fresh ? 0 : u->name) - (read);
#include "counterlist.h"
		return true;
	}
	if (fresh)
	{
#define PSS_IO(name, ctype, sqltype, since, merge, read) u->name = 0;
#include "counterlist.h"
	}
	return false;
}

static pg_attribute_always_inline void
usage_end(PssUsage *u, bool timed)
{
	const BufferUsage *b = &pgBufferUsage;
	const WalUsage *w = &pgWalUsage;
	const PssActivitySlot *s = pss_activity_own();

#define PSS_USAGE(name, ctype, sqltype, since, merge, read) \
	u->name += (int64) (read);
#include "counterlist.h"
	pss_activity_end(s, &u->waits);
	if (unlikely(u->cpu_timed))
		usage_cpu(u, 1, false);

	if (timed)
	{
#define PSS_IO(name, ctype, sqltype, since, merge, read) u->name += (read);
#include "counterlist.h"
	}
}

/*
 * exec_period_start, exec_period_end
 *		Bracket one ExecutorRun or ExecutorFinish call of an execution, if
 *		we track it; rows: what the call processed.  The slot is looked up
 *		each time: nested statements come and go in between, and the array
 *		may move.
 */
static pg_attribute_always_inline void
exec_period_start(QueryDesc *queryDesc)
{
	PssExec    *e = exec_find(queryDesc);

	if (e == NULL)
		return;
	if (e->measured)
		e->timed = usage_begin(&e->usage, false);
	else
		e->timed = usage_begin(&e->usage, true);
	e->measured = true;
	e->running = true;
	e->elapsed_ns -= now_ns();
}

static pg_attribute_always_inline void
exec_period_end(QueryDesc *queryDesc, uint64 rows)
{
	PssExec    *e = exec_find(queryDesc);

	if (e == NULL)
		return;
	e->elapsed_ns += now_ns();
	e->rows += rows;
	e->running = false;
	usage_end(&e->usage, e->timed);
}

/*
 * exec_elapsed
 *		Milliseconds an execution has run so far, including the period in
 *		progress if any (when it fails).
 */
static double
exec_elapsed(const PssExec *e)
{
	int64		ns = e->elapsed_ns;

	if (e->running)
		ns += now_ns();
	return ns / 1000000.0;
}

/*
 * exec_remove
 *		Drop slot i.
 */
static inline void
exec_remove(int i)
{
	/* usually the last one: no copy then */
	if (i != nexecs - 1)
		execs[i] = execs[nexecs - 1];
	nexecs--;
}

/*
 * exec_forget
 *		Drop executions that are over: one that ended (queryDesc), or, with
 *		queryDesc NULL, those of an aborted subtransaction subid and of the
 *		subtransactions it started (0: all of them, the transaction
 *		aborted).
 */
static void
exec_forget(QueryDesc *queryDesc, SubTransactionId subid)
{
	int			i;

	for (i = nexecs - 1; i >= 0; i--)
	{
		if (queryDesc != NULL ? execs[i].queryDesc == queryDesc :
			execs[i].subid >= subid)
		{
			exec_remove(i);
			if (queryDesc != NULL)
				return;
		}
	}
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
 *
 * Runs while memory is being freed, possibly during an abort: no
 * allocation, no lock, no error (remember_failure takes none).
 */
static void
exec_context_gone(void *arg)
{
	PssExecCallback *cb = (PssExecCallback *) arg;
	uint64		serial = cb->serial;
	int			i;

	/* the executor's memory is going: give the callback back to the pool */
	if (cb >= callback_pool && cb < callback_pool + PSS_CALLBACK_POOL)
	{
		cb->next_free = callback_free;
		callback_free = (int) (cb - callback_pool);
	}
	if (serial == 0)
		return;					/* ExecutorEnd released the slot */

	for (i = nexecs - 1; i >= 0; i--)
	{
		PssExec    *e = &execs[i];

		if (e->serial != serial)
			continue;
		if (!e->failed)
			remember_failure(e->queryid, e->source, e->location, e->len,
							 true, e->toplevel, exec_elapsed(e),
							 ERRCODE_TRANSACTION_ROLLBACK);
		exec_remove(i);
		return;
	}
}

/*
 * execs_aborted
 *		The top-level executions of subtransaction subid and of those it
 *		started (0: of the transaction) are being aborted: remember those
 *		that had not failed as failed, SQLSTATE 40000 (transaction rollback),
 *		as exec_context_gone does for the others.
 *
 * A top-level execution registers no memory context callback (see
 * exec_begin): its text, that of the client's message or of a prepared
 * statement, lasts until after the abort, so it can be read here, where
 * the executor's memory may already be gone.  No allocation, no lock.
 */
static void
execs_aborted(SubTransactionId subid)
{
	int			i;

	for (i = 0; i < nexecs; i++)
	{
		PssExec    *e = &execs[i];

		if (e->callback == NULL && !e->failed && e->subid >= subid)
		{
			remember_failure(e->queryid, e->source, e->location, e->len,
							 true, e->toplevel, exec_elapsed(e),
							 ERRCODE_TRANSACTION_ROLLBACK);
			e->failed = true;
		}
	}
}

/*
 * pss_hooks_reading_own
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
pss_hooks_reading_own(void)
{
	PssExec    *last = NULL;
	int			i;

	for (i = 0; i < nexecs; i++)
	{
		if (execs[i].running &&
			(last == NULL || execs[i].serial > last->serial))
			last = &execs[i];
	}
	if (last == NULL || last->toplevel)
		return;
	if (last->callback != NULL)
		last->callback->serial = 0;
	exec_remove((int) (last - execs));
}

/*
 * own_function
 *		Is funcid a function of this library (a C function whose library
 *		file is named pg_slow_statements)?
 */
static bool
own_function(Oid funcid)
{
	HeapTuple	tuple;
	bool		own = false;

	tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(funcid));
	if (!HeapTupleIsValid(tuple))
		return false;
	if (((Form_pg_proc) GETSTRUCT(tuple))->prolang == ClanguageId)
	{
		bool		isnull;
		Datum		probin = SysCacheGetAttr(PROCOID, tuple,
											 Anum_pg_proc_probin, &isnull);

		if (!isnull)
		{
			char	   *path = TextDatumGetCString(probin);
			const char *base = strrchr(path, '/');

			base = base ? base + 1 : path;
			own = strcmp(base, "pg_slow_statements") == 0 ||
				strcmp(base, "pg_slow_statements" DLSUFFIX) == 0;
			pfree(path);
		}
	}
	ReleaseSysCache(tuple);
	return own;
}

/*
 * reads_own_walker
 *		Does the tree (a Query or an expression) call a function of this
 *		library?  For planning only: see pss_hooks_reading_own.
 */
static bool
reads_own_walker(Node *node, void *context)
{
	if (node == NULL)
		return false;
	if (IsA(node, FuncExpr) && own_function(((FuncExpr *) node)->funcid))
		return true;
	if (IsA(node, Query))
		return query_tree_walker((Query *) node, reads_own_walker, context, 0);
	return expression_tree_walker(node, reads_own_walker, context);
}

/*
 * measure_init
 *		Start a measurement of one planning or execution: every field as
 *		pss_measure_init leaves it (none can be forgotten), then the time
 *		and what follows from it.
 */
static inline void
measure_init(PssMeasure *m, PssKind kind, double time_ms)
{
	int			bucket = 0;
	bool		slow = false;
	TimestampTz start = 0;

	if (kind == PSS_EXEC)
	{
		bucket = pss_hist_bucket(time_ms);
		slow = pss_slow_threshold >= 0 && time_ms >= pss_slow_threshold;
		/* the statement's start, which the core keeps: no clock read */
		start = GetCurrentStatementStartTimestamp();
	}

	/* no call in between: the compiler drops the stores overwritten */
	pss_measure_init(m);
	m->kind = kind;
	m->time_ms = time_ms;
	m->hist_bucket = bucket;
	m->slow = slow;
	m->start = start;
}

/*
 * remember_failure
 *		Note a statement that is ending in an error, to be published once
 *		the error is cleaned up (failures.h).
 *
 * Called from PG_CATCH blocks (sqlerrcode: geterrcode()), pss_emit_log,
 * exec_context_gone and execs_aborted: neither allocates nor takes a lock.
 */
static void
remember_failure(uint64 queryId, const char *source, int location, int len,
				 bool optimizable, bool toplevel, double time_ms,
				 int sqlerrcode)
{
	PssStatement st;

	/* in this message: a portal may run in a later one than it started */
	if (toplevel)
		top_event(PSS_TOP_EV_FAILED, NULL, 0, 0);
	if (source == NULL)
		return;
	pss_statement_key(&st, queryId, source, location, len, optimizable, toplevel);
	pss_statement_slice(&st);
	st.text = pss_with_leading_comments(st.source, st.text, &st.text_len);
	pss_failure_note(&st, sqlerrcode, time_ms);
}

/*
 * top_stage_now
 *		The current top-level statement's stage, as of this message.
 */
static inline PssTopStage
top_stage_now(void)
{
	if (top.message != GetCurrentStatementStartTimestamp())
		return PSS_TOP_IDLE;
	return top.stage;
}

/*
 * top_next
 *		The transitions of the top-level statement's stage, written down
 *		once: the stage an event leads to from stage from, or PSS_TOP_KEEP
 *		when the event is ignored.
 *
 * An analysis after a hook took the statement over is that of a part of
 * it (the statement of a PREPARE, an EXPLAIN): the hook keeps it.
 * Planning at the top level tells something only after a hook took the
 * statement over: it plans the statement an EXECUTE runs.  Every other
 * event leads to one stage whatever the stage before.  Every event that
 * moves the stage stamps it with the current message, but the end of
 * ExecutorStart or of an execution and a logged error, which come in the
 * message that stamped it; the events that give a text are those of
 * top_event_text.
 *
 * A function of two arguments rather than a table: top_event's callers
 * give a constant event, and the compiler reduces each call to the stores
 * it makes.
 */
static pg_attribute_always_inline int
top_next(PssTopStage from, PssTopEvent ev)
{
	switch (ev)
	{
		case PSS_TOP_EV_ANALYZED:
			return from == PSS_TOP_HANDLED ? PSS_TOP_KEEP : PSS_TOP_ANALYZED;
		case PSS_TOP_EV_PLANNING:
			return from == PSS_TOP_HANDLED ? PSS_TOP_ANALYZED : PSS_TOP_KEEP;
		case PSS_TOP_EV_STARTING:
			return PSS_TOP_STARTING;
		case PSS_TOP_EV_STARTED:
		case PSS_TOP_EV_UTILITY:
		case PSS_TOP_EV_FAILED:
			return PSS_TOP_HANDLED;
		case PSS_TOP_EV_UTILITY_ENDED:
		case PSS_TOP_EV_EXEC_ENDED:
			return PSS_TOP_DONE;
		case PSS_TOP_EV_ERROR:
			return PSS_TOP_IDLE;
	}
	pg_unreachable();
}

/*
 * top_event
 *		Move the current top-level statement's stage on an event (see
 *		top_next), noting the message that moved it, and where the
 *		statement's text is when the event gives it.
 */
static pg_attribute_always_inline void
top_event(PssTopEvent ev, const char *source, int location, int len)
{
	PssTopStage from = top.stage;
	TimestampTz now = 0;
	int			to;

	/* the clock of the message is read once */
	if (ev == PSS_TOP_EV_ANALYZED)
	{
		now = GetCurrentStatementStartTimestamp();
		if (top.message != now)
			from = PSS_TOP_IDLE;
	}
	to = top_next(from, ev);
	if (to == PSS_TOP_KEEP)
		return;
	top.stage = (PssTopStage) to;
	if (ev == PSS_TOP_EV_STARTED || ev == PSS_TOP_EV_EXEC_ENDED ||
		ev == PSS_TOP_EV_ERROR)
		return;
	top.message = ev == PSS_TOP_EV_ANALYZED ? now :
		GetCurrentStatementStartTimestamp();
	if (top_event_text(ev))
	{
		top.source = source;
		top.location = location;
		top.len = len;
	}
}


/*
 * pss_emit_log
 *		Count the failure of a top-level statement that none of our hooks
 *		caught: it failed before they ran (in the parser, parse analysis,
 *		the rewriter, ExecutorStart, Bind) or outside them.
 *
 * An error reaches the client through here, before its transaction
 * aborts.  If a hook has already noted the statement's failure, or owns
 * its outcome, there is nothing to do.  Otherwise the failing statement is
 * the one whose ExecutorStart failed, the one analysed last, the one at
 * the error's position, the one after the statement that ended last in
 * the same string, or the first one, in that order; it is fingerprinted
 * from its own text.  Like the PG_CATCH blocks, this allocates nothing and
 * takes no lock: the failure is published when the transaction aborts.
 *
 * Only errors that are logged come here (log_min_messages at ERROR or
 * below, the default); with the log above that, such a failure is not
 * counted, and an execution that was running counts as failed with
 * SQLSTATE 40000 (execs_aborted).  Warnings and notices change nothing:
 * the statement goes on.  A statement rejected because its transaction has
 * already failed (25P02) was never run: it is not counted.
 */
static void
pss_emit_log(ErrorData *edata)
{
	const char *source = debug_query_string;
	int			top_level;
	double		ms;

	/*
	 * Warnings and notices say nothing of the statement's outcome (and are
	 * logged or not as log_min_messages says).
	 */
	if (edata->elevel < ERROR)
	{
		if (prev_emit_log_hook)
			prev_emit_log_hook(edata);
		return;
	}

	/*
	 * An error that escaped a top-level hook (see top_unguarded) left the
	 * nesting level raised: the abort of the (sub)transaction restores it,
	 * which runs after this whether the error is logged or not.  Here, it
	 * is the top level, and the top-level execution that was running, if
	 * any, failed.
	 */
	top_level = top_unguarded ? 1 : 0;
	if (top_unguarded && edata->elevel == ERROR)
		top_execution_failed(edata->sqlerrcode);

	/*
	 * A COMMIT whose transaction fails to commit counts once, as a failure;
	 * once accounted (its transaction ran its deferred work), no later
	 * error of the transaction counts.  So does a statement whose implicit
	 * commit fails; an error in a later message (a later statement of the
	 * same implicit transaction) is that statement's, and the deferred one
	 * counts as failed with the transaction's abort.
	 */
	if (edata->elevel == ERROR && nesting_level == top_level &&
		(commit_deferred.pending || commit_deferred.accounted) &&
		(!commit_deferred.executor ||
		 commit_deferred.message == GetCurrentStatementStartTimestamp()))
	{
		/*
		 * Only noted: a deferred trigger may catch the error, and the
		 * transaction commit after all.  The abort remembers the failure.
		 */
		if (commit_deferred.pending)
			commit_deferred.sqlerrcode = edata->sqlerrcode;
	}
	else if (edata->elevel == ERROR && source != NULL &&
			 edata->sqlerrcode != ERRCODE_IN_FAILED_SQL_TRANSACTION &&
			 PSS_ENABLED(0) && nesting_level == top_level &&
			 pss_store_ready())
	{
		PssTopStage stage = top_stage_now();

		ms = (GetCurrentTimestamp() -
			  GetCurrentStatementStartTimestamp()) / 1000.0;

		if (stage == PSS_TOP_STARTING)
			remember_failure(top.qd->plannedstmt->queryId,
							 top.qd->sourceText,
							 top.qd->plannedstmt->stmt_location,
							 top.qd->plannedstmt->stmt_len,
							 true, true, ms, edata->sqlerrcode);
		else if (stage == PSS_TOP_ANALYZED && top.source != NULL)
			remember_failure(0, top.source, top.location, top.len,
							 false, true, ms, edata->sqlerrcode);
		else if (stage != PSS_TOP_HANDLED)
		{
			size_t		len = strlen(source);
			int			location;
			int			stmt_len;

			if (edata->cursorpos > 0)
			{
				size_t		pos = pg_mbcharcliplen(source, (int) len,
												   edata->cursorpos - 1);

				pss_find_statement(source, len, 0, pos, &location, &stmt_len);
			}
			else if (stage == PSS_TOP_DONE && top.source == source &&
					 top.location >= 0 && top.len > 0 &&
					 (size_t) top.location + top.len <= len)
				pss_find_statement(source, len, top.location + top.len, 0,
								   &location, &stmt_len);
			else
				pss_find_statement(source, len, 0, 0, &location, &stmt_len);
			remember_failure(0, source, location, stmt_len, false, true, ms,
							 edata->sqlerrcode);
		}
	}
	top_event(PSS_TOP_EV_ERROR, NULL, 0, 0);

	if (prev_emit_log_hook)
		prev_emit_log_hook(edata);
}

/*
 * will_commit
 *		Is this utility statement, that has just run at the top level, a
 *		COMMIT or PREPARE TRANSACTION that is going to commit (rather than
 *		to roll back an aborted transaction block)?  See commit_deferred.
 */
static bool
will_commit(Node *stmt)
{
	TransactionStmt *ts;

	if (!IsA(stmt, TransactionStmt))
		return false;
	ts = (TransactionStmt *) stmt;
	if (ts->kind != TRANS_STMT_COMMIT && ts->kind != TRANS_STMT_PREPARE)
		return false;
	/* 'T': a transaction block that ends by committing */
	return TransactionBlockStatusCode() == 'T';
}

/*
 * commit_has_work
 *		Is this top-level statement (an execution, or else a utility
 *		statement), just run outside a transaction block, one whose implicit
 *		commit has work to do that may fail?  See commit_deferred.
 *
 * A DECLARE ... WITH HOLD's cursor is persisted by the commit; an
 * execution's deferred trigger events (deferred constraints, foreign keys
 * among them) are checked for the tables it changed, tuple routing's
 * partitions included.  Other work a commit may fail in (deferred events
 * on tables changed by cascades or triggers only, a serializable
 * transaction's conflict) is not looked for: the statement counts as a
 * success and the commit's failure apart, as before.  The check costs a
 * few loads for a SELECT and for a utility statement other than a
 * DECLARE ... WITH HOLD (every statement's ExecutorEnd or utility hook
 * runs it), a call more for one that changed a table.
 */
static bool
commit_has_work(QueryDesc *queryDesc, Node *utility)
{
	ListCell   *lc;

	/* the tests on the statement first: they cost no call */
	if (queryDesc == NULL)
		return utility != NULL && IsA(utility, DeclareCursorStmt) &&
			(((DeclareCursorStmt *) utility)->options & CURSOR_OPT_HOLD) != 0 &&
			!IsTransactionBlock();
	if (queryDesc->operation == CMD_SELECT &&
		!queryDesc->plannedstmt->hasModifyingCTE)
		return false;
	if (IsTransactionBlock())
		return false;
	foreach(lc, queryDesc->estate->es_opened_result_relations)
	{
		ResultRelInfo *r = (ResultRelInfo *) lfirst(lc);

		if (AfterTriggerPendingOnRel(RelationGetRelid(r->ri_RelationDesc)))
			return true;
	}
	foreach(lc, queryDesc->estate->es_tuple_routing_result_relations)
	{
		ResultRelInfo *r = (ResultRelInfo *) lfirst(lc);

		if (AfterTriggerPendingOnRel(RelationGetRelid(r->ri_RelationDesc)))
			return true;
	}
	return false;
}

/*
 * commit_defer
 *		Keep what is known of a COMMIT that will commit, to account it once
 *		its transaction has (commit_deferred_done) or has failed to
 *		(commit_deferred_failed).  Allocates nothing.
 */
static void
commit_defer(uint64 queryId, const char *queryString, int location, int len,
			 int64 start, bool timed, const PssUsage *usage)
{
	PssStatement st;

	pss_statement_key(&st, queryId, queryString, location, len, false, true);
	commit_deferred_begin(&st);
	commit_deferred.start = start;
	commit_deferred.timed = timed;
	commit_deferred.usage = *usage;
	commit_deferred.executor = false;
}

/*
 * commit_deferred_begin
 *		Start keeping the statement st until its commit: its key, and its
 *		stored text if it is short enough (PSS_COMMIT_TEXT), as a
 *		statement's source may be gone by its commit.  The caller keeps
 *		what was measured.
 */
static void
commit_deferred_begin(PssStatement *st)
{
	pss_statement_stored_text(st);
	commit_deferred.pending = true;
	commit_deferred.accounted = false;
	commit_deferred.sqlerrcode = 0;
	commit_deferred.key = st->key;
	commit_deferred.queryid = st->key.queryid;
	if (st->text_len <= PSS_COMMIT_TEXT)
	{
		memcpy(commit_deferred.text, st->text, st->text_len);
		commit_deferred.text[st->text_len] = '\0';
		commit_deferred.text_len = st->text_len;
	}
	else
		commit_deferred.text_len = -1;
}

/*
 * exec_defer
 *		Keep what the top-level execution st measured (m, in elapsed_ns),
 *		to account it once its implicit transaction has committed
 *		(commit_deferred_done) or has failed to (commit_deferred_failed).
 *
 * Several statements may share an implicit transaction (Executes before
 * one Sync): one still waiting is accounted as done now, as only the last
 * one's commit follows it.
 */
static void
exec_defer(const PssStatement *st, const PssMeasure *m, int64 elapsed_ns)
{
	PssStatement copy = *st;

	if (commit_deferred.pending)
		commit_deferred_done();
	commit_deferred_begin(&copy);
	commit_deferred.start = now_ns() - elapsed_ns;
	commit_deferred.executor = true;
	commit_deferred.message = GetCurrentStatementStartTimestamp();
	commit_deferred.measure = *m;
	commit_deferred.timed = (m->usage != NULL);
	if (m->usage != NULL)
		commit_deferred.usage = *m->usage;
	commit_deferred.has_jit = (m->jitusage != NULL);
	if (m->jitusage != NULL)
		commit_deferred.jit = *m->jitusage;
}

/*
 * commit_deferred_done
 *		The transaction of a deferred COMMIT ran its deferred triggers and
 *		persisted its holdable cursors (XACT_EVENT_PRE_COMMIT): account the
 *		COMMIT as a success, timed up to here.  Still in the transaction, so
 *		the store may allocate, as for any statement.
 */
static void
commit_deferred_done(void)
{
	PssStatement st;
	PssMeasure	measure;

	commit_deferred.pending = false;
	commit_deferred.accounted = true;
	memset(&st, 0, sizeof(st));
	st.key = commit_deferred.key;
	st.optimizable = false;
	st.source = commit_deferred.text;
	st.location = -1;
	st.text = commit_deferred.text_len >= 0 ? commit_deferred.text : NULL;
	st.text_len = Max(commit_deferred.text_len, 0);
	if (commit_deferred.executor)
	{
		st.optimizable = true;
		measure = commit_deferred.measure;
		measure.usage = commit_deferred.timed ? &commit_deferred.usage : NULL;
		measure.jitusage = commit_deferred.has_jit ? &commit_deferred.jit :
			NULL;
	}
	else
	{
		measure_init(&measure, PSS_EXEC,
					 (now_ns() - commit_deferred.start) / 1000000.0);
		usage_end(&commit_deferred.usage, commit_deferred.timed);
		measure.usage = &commit_deferred.usage;
		measure.calls_in_xact = pss_calls_in_xact(&st.key);
	}
	if (st.text != NULL)
		account(&st, &measure, NULL);
	else if (pss_store_record(&st.key, &measure) == PSS_MISSING)
		(void) pss_store_insert(&st.key, NULL, 0, pss_std_strings(),
								&measure, NULL, 0);
}

/*
 * commit_deferred_failed
 *		The transaction of a deferred COMMIT fails before it commits (a
 *		deferred constraint, a holdable cursor that fails to persist):
 *		remember the COMMIT's failure, in place of its success.  From the
 *		abort, with the code of the error pss_emit_log saw, or 40000 if the
 *		error was not logged.  Allocates nothing.
 */
static void
commit_deferred_failed(int sqlerrcode)
{
	commit_deferred.pending = false;
	if (commit_deferred.text_len < 0)
		return;					/* too long to find again: not counted */
	remember_failure(commit_deferred.queryid, commit_deferred.text, -1, 0,
					 commit_deferred.executor, true,
					 (now_ns() - commit_deferred.start) / 1000000.0,
					 sqlerrcode);
}

/*
 * pss_xact_callback, pss_subxact_callback
 *		Publish failures when the transaction or subtransaction that saw
 *		them aborts; release the slots of executions that are over.
 *
 * When a top-level transaction ends, however it ends, no execution of it
 * is in progress any more (a holdable cursor's ran to its end before the
 * commit): every slot is released.  Failures noted while a commit dropped
 * portals are published then too: pss_failures_publish raises no error (the
 * store allocates without failing for a failure), as nothing may fail
 * once the transaction has committed.  A subtransaction's abort ends the
 * executions it started, and those of the subtransactions it started,
 * whose ids are higher.
 */
static void
pss_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_PRE_COMMIT:
		case XACT_EVENT_PRE_PREPARE:
			if (commit_deferred.pending)
				commit_deferred_done();
			break;
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
			xact_aborted();
			break;
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_PREPARE:
			/* the common case: nothing pending, nothing to reset */
			if (nexecs != 0 || pss_failures_pending() ||
				unguarded_first_subid != InvalidSubTransactionId ||
				commit_deferred.pending || commit_deferred.accounted)
				xact_committed();
			break;
		default:
			break;
	}
}

/*
 * xact_committed
 *		The top-level transaction committed (or was prepared) with some of
 *		this backend's transaction state set: reset it, and publish the
 *		failures noted meanwhile.
 *
 * Kept out of pss_xact_callback, which runs for every statement: that one
 * only tests whether anything is set (nothing is, nearly always).
 */
static pg_noinline void
xact_committed(void)
{
	nexecs = 0;
	unguarded_first_subid = InvalidSubTransactionId;
	commit_deferred.pending = false;
	commit_deferred.accounted = false;

	/*
	 * A failed portal dropped by the commit (exec_context_gone), or a
	 * failure inside a transaction block that had already failed (a
	 * ROLLBACK TO a savepoint that does not exist), which aborts nothing.
	 */
	pss_failures_publish();
}

/*
 * xact_aborted
 *		The top-level transaction aborted: account a deferred statement as
 *		failed, end every execution, restore the nesting level if an
 *		error escaped a top-level hook, and publish the failures noted.
 *
 * Out of line, like xact_committed, to keep pss_xact_callback small.
 */
static pg_noinline void
xact_aborted(void)
{
	if (commit_deferred.pending)
		commit_deferred_failed(commit_deferred.sqlerrcode != 0 ?
							   commit_deferred.sqlerrcode :
							   ERRCODE_TRANSACTION_ROLLBACK);
	commit_deferred.accounted = false;
	execs_aborted(0);
	nexecs = 0;
	/* an error escaped a top-level hook (see top_unguarded) */
	if (top_unguarded)
	{
		nesting_level = 0;
		top_unguarded = false;
	}
	unguarded_first_subid = InvalidSubTransactionId;
	pss_failures_publish();
}

static void
pss_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
					 SubTransactionId parentSubid, void *arg)
{
	if (event == SUBXACT_EVENT_START_SUB)
	{
		/* see unguarded_subxact_aborted */
		if (!top_unguarded)
			unguarded_first_subid = InvalidSubTransactionId;
		else if (unguarded_first_subid == InvalidSubTransactionId)
			unguarded_first_subid = mySubid;
	}
	else if (event == SUBXACT_EVENT_ABORT_SUB)
	{
		if (top_unguarded)
			unguarded_subxact_aborted(mySubid);
		execs_aborted(mySubid);
		exec_forget(NULL, mySubid);
		pss_failures_publish();
	}
}

/*
 * unguarded_subxact_aborted
 *		A subtransaction aborts while a top-level hook has raised the
 *		nesting level without a PG_TRY block (top_unguarded): restore the
 *		level if the error escaped that hook.
 *
 * A failure inside a savepoint (BEGIN; SAVEPOINT a; a failing
 * statement; ROLLBACK TO a) aborts only the savepoint's subtransaction,
 * not the transaction: without this, every later statement of the
 * session would be taken for a nested one.  The log hook does not restore
 * the level: it may not run (log_min_messages above error).  A
 * subtransaction that the statement itself started (a function's
 * exception block, a capture: their ids are unguarded_first_subid or
 * higher) aborts while the statement goes on, at its nesting level; one
 * the statement runs in, started before it, aborts only because the
 * error left the statement.  Tracking the subtransactions' starts costs
 * the statement's hot path nothing.
 */
static void
unguarded_subxact_aborted(SubTransactionId mySubid)
{
	if (unguarded_first_subid != InvalidSubTransactionId &&
		mySubid >= unguarded_first_subid)
		return;					/* started inside the statement */
	nesting_level = 0;
	top_unguarded = false;
	unguarded_first_subid = InvalidSubTransactionId;
}

/*
 * executor_failed
 *		Remember the failure of an execution that is being aborted.
 */
static void
executor_failed(QueryDesc *queryDesc)
{
	PssExec    *e = exec_find(queryDesc);

	if (e != NULL && !e->failed)
	{
		remember_failure(e->queryid, e->source, e->location, e->len,
						 true, e->toplevel, exec_elapsed(e), geterrcode());
		e->failed = true;
	}
}

/*
 * top_execution_failed
 *		Remember the failure of the top-level execution that was running
 *		when an error escaped the top-level ExecutorRun or ExecutorFinish
 *		(pss_emit_log).  At most one top-level execution runs at a time.
 */
static void
top_execution_failed(int sqlerrcode)
{
	int			i;

	for (i = nexecs - 1; i >= 0; i--)
	{
		PssExec    *e = &execs[i];

		if (e->toplevel && e->running && !e->failed)
		{
			remember_failure(e->queryid, e->source, e->location, e->len,
							 true, true, exec_elapsed(e), sqlerrcode);
			e->failed = true;
			return;
		}
	}
}

/*
 * pss_post_parse_analyze
 *		Give the statement our fingerprint as its queryId when the core
 *		computes none.
 */
static void
pss_post_parse_analyze(ParseState *pstate, Query *query,
					   PssJumbleState *jstate)
{
	if (prev_post_parse_analyze_hook)
		prev_post_parse_analyze_hook(pstate, query, jstate);

	/*
	 * A top-level statement that fails from here until a hook of ours takes
	 * it over is this one, unless the statement analysed is part of one
	 * that a hook already owns (the statement of a PREPARE).
	 */
	if (nesting_level == 0)
		top_event(PSS_TOP_EV_ANALYZED, pstate->p_sourcetext,
				  query->stmt_location, query->stmt_len);

	/*
	 * Statements at every level get an id, as the core's would: the inner
	 * statement of an EXPLAIN, analysed inside the utility, must show it.
	 */
	if (IsQueryIdEnabled() || pss_track == PSS_TRACK_NONE ||
		!pss_store_ready() || pstate->p_sourcetext == NULL)
		return;

	/* EXECUTE inherits the id of the statement it runs */
	if (query->utilityStmt && PSS_PREPARE_UTILITY(query->utilityStmt))
	{
		query->queryId = UINT64CONST(0);
		return;
	}

	set_fingerprint(pstate->p_sourcetext, query);
}

/*
 * set_fingerprint
 *		Set a statement's queryId to the fingerprint of its text.  Out of
 *		line, so that EXECUTE does not pay for its set-up.
 */
static pg_noinline void
set_fingerprint(const char *source, Query *query)
{
	const char *text;
	int			text_len;

	text = pss_statement_text(source, query->stmt_location, query->stmt_len,
						  &text_len);
	if (query->utilityStmt == NULL)
		text = pss_explained_statement(text, &text_len);
	query->queryId = pss_statement_fingerprint(text, text_len, true);
}

/*
 * run_planner
 *		Plan through the next hook or the core; keep the plan's id in it
 *		where the server allows (plan_id.c).
 */
static inline PlannedStmt *
run_planner(PSS_PLANNER_PARAMS)
{
	PlannedStmt *result;

	if (prev_planner_hook)
		result = prev_planner_hook(PSS_PLANNER_ARGS);
	else
		result = standard_planner(PSS_PLANNER_ARGS);
	if (pss_max_plans > 0)
		pss_plan_id_planned(result);
	return result;
}

/*
 * pss_planner
 *		Raise the nesting level while planning, so that functions evaluated
 *		during planning are not taken for top-level statements; time
 *		planning when track_planning is on.
 *
 * A top-level statement's planning, untimed, costs nothing more: no clock
 * read, no PG_TRY.  Its failure ends the top-level transaction: the error
 * reaches pss_emit_log, which restores the nesting level (top_unguarded)
 * and counts the failure as that of the statement noted by parse analysis
 * (noted here again if a hook took the statement over before: EXECUTE),
 * timed from the statement's start.  Other planning goes through
 * planner_guarded.
 */
static PlannedStmt *
pss_planner(PSS_PLANNER_PARAMS)
{
	PlannedStmt *result;

	if (nesting_level != 0 || pss_track_planning)
		return planner_guarded(PSS_PLANNER_ARGS);

	if (query_string != NULL)
		top_event(PSS_TOP_EV_PLANNING, query_string, parse->stmt_location,
				  parse->stmt_len);
	nesting_level = 1;
	top_unguarded = true;
	result = run_planner(PSS_PLANNER_ARGS);
	top_unguarded = false;
	nesting_level = 0;
	return result;
}

/*
 * planner_guarded
 *		Planning below the top level, or timed (track_planning): the nesting
 *		level is restored in a PG_CATCH block, where a failure is noted
 *		with the time since planning started (a nested statement's planning
 *		may start long after its top-level statement did).  Out of line, so
 *		that a top-level statement's planning does not pay for its set-up.
 */
static pg_noinline PlannedStmt *
planner_guarded(PSS_PLANNER_PARAMS)
{
	PlannedStmt *result;
	volatile bool tracked;
	volatile int64 start = 0;
	volatile bool timed = false;
	PssUsage	usage;
	PssMeasure	measure;
	PssStatement st;

	tracked = query_string != NULL && parse->queryId != UINT64CONST(0) &&
		PSS_ENABLED(nesting_level) && nesting_level != cursor_query_level &&
		pss_store_ready();

	/*
	 * The clock is read even without track_planning, so that a planning
	 * failure is timed from the planning's start: a nested statement's
	 * planning may start long after its top-level statement did.
	 */
	if (tracked)
	{
		if (pss_track_planning)
			timed = usage_begin(&usage, true);
		start = now_ns();
	}
	nesting_level++;
	PG_TRY();
	{
		result = run_planner(PSS_PLANNER_ARGS);
	}
	PG_CATCH();
	{
		nesting_level--;
		if (tracked)
			remember_failure(parse->queryId, query_string,
							 parse->stmt_location, parse->stmt_len, true,
							 nesting_level == 0,
							 (now_ns() - start) / 1000000.0, geterrcode());
		PG_RE_THROW();
	}
	PG_END_TRY();
	nesting_level--;

	/*
	 * A nested statement that reads our statistics (the compat extension's
	 * views) is not accounted, its planning no more than its execution
	 * (pss_hooks_reading_own): looked for only here, below the top level
	 * with track_planning, as it takes a catalog lookup per function call.
	 */
	if (tracked && pss_track_planning &&
		(nesting_level == 0 || !reads_own_walker((Node *) parse, NULL)))
	{
		measure_init(&measure, PSS_PLAN, (now_ns() - start) / 1000000.0);
		usage_end(&usage, timed);
		measure.usage = &usage;
		pss_statement_key(&st, parse->queryId, query_string, parse->stmt_location,
					  parse->stmt_len, true, nesting_level == 0);
		account(&st, &measure, NULL);
	}
	return result;
}

/*
 * run_executor_start
 *		ExecutorStart through the next hook or the core.
 */
static inline void
run_executor_start(QueryDesc *queryDesc, int eflags)
{
	if (prev_ExecutorStart)
		prev_ExecutorStart(queryDesc, eflags);
	else
		standard_ExecutorStart(queryDesc, eflags);
}

/*
 * executor_start_nested
 *		ExecutorStart of a statement inside a function, with track = all:
 *		note its failure (permission denied, say), which the function may
 *		catch, so that pss_emit_log never sees it.
 */
static pg_noinline void
executor_start_nested(QueryDesc *queryDesc, int eflags)
{
	volatile int64 start = now_ns();

	PG_TRY();
	{
		run_executor_start(queryDesc, eflags);
	}
	PG_CATCH();
	{
		if (queryDesc->plannedstmt->queryId != UINT64CONST(0) &&
			queryDesc->sourceText != NULL &&
			(eflags & EXEC_FLAG_EXPLAIN_ONLY) == 0 && pss_store_ready())
			remember_failure(queryDesc->plannedstmt->queryId,
							 queryDesc->sourceText,
							 queryDesc->plannedstmt->stmt_location,
							 queryDesc->plannedstmt->stmt_len,
							 true, false, (now_ns() - start) / 1000000.0,
							 geterrcode());
		PG_RE_THROW();
	}
	PG_END_TRY();
}

/*
 * pss_ExecutorStart
 *		Start measuring an execution we track.
 */
static void
pss_ExecutorStart(QueryDesc *queryDesc, int eflags)
{
	if (nesting_level == 0)
	{
		/* a failure here is counted by pss_emit_log */
		top_event(PSS_TOP_EV_STARTING, queryDesc->sourceText,
				  queryDesc->plannedstmt->stmt_location,
				  queryDesc->plannedstmt->stmt_len);
		top.qd = queryDesc;
		run_executor_start(queryDesc, eflags);
		top_event(PSS_TOP_EV_STARTED, NULL, 0, 0);
	}
	else if (pss_track == PSS_TRACK_ALL && nesting_level != cursor_query_level)
		executor_start_nested(queryDesc, eflags);
	else
		run_executor_start(queryDesc, eflags);

	/* EXPLAIN without ANALYZE does not run the statement: not a call */
	if (queryDesc->plannedstmt->queryId != UINT64CONST(0) &&
		queryDesc->sourceText != NULL && PSS_ENABLED(nesting_level) &&
		(eflags & EXEC_FLAG_EXPLAIN_ONLY) == 0 &&
		nesting_level != cursor_query_level && pss_store_ready())
		exec_begin(queryDesc, queryDesc->plannedstmt->queryId);
	else if (nexecs > 0)
	{
		/* a slot left at this address is over (see exec_begin) */
		exec_forget(queryDesc, 0);
	}
}

/*
 * run_executor_run
 *		ExecutorRun through the next hook or the core.
 */
static inline void
run_executor_run(PSS_EXECUTOR_RUN_PARAMS)
{
	if (prev_ExecutorRun)
		prev_ExecutorRun(PSS_EXECUTOR_RUN_ARGS);
	else
		standard_ExecutorRun(PSS_EXECUTOR_RUN_ARGS);
}

/*
 * pss_ExecutorRun
 *		Keep the nesting level while the statement runs, and measure it.
 *
 * At the top level, as in pss_planner, without a PG_TRY block: a failure
 * ends the top-level transaction, and pss_emit_log restores the nesting
 * level and notes the failure of the execution that was running.
 */
static void
pss_ExecutorRun(PSS_EXECUTOR_RUN_PARAMS)
{
	exec_period_start(queryDesc);
	if (nesting_level == 0)
	{
		/* see top_unguarded, and pss_emit_log for a failure */
		nesting_level = 1;
		top_unguarded = true;
		run_executor_run(PSS_EXECUTOR_RUN_ARGS);
		top_unguarded = false;
		nesting_level = 0;
	}
	else
		executor_run_guarded(PSS_EXECUTOR_RUN_ARGS);
	exec_period_end(queryDesc, queryDesc->estate->es_processed);
}

/*
 * executor_run_guarded
 *		ExecutorRun of a nested statement: the nesting level is restored,
 *		and the failure noted, in a PG_CATCH block, as a function may catch
 *		the error.  Out of line, so that a top-level statement does not pay
 *		for its set-up.
 */
static pg_noinline void
executor_run_guarded(PSS_EXECUTOR_RUN_PARAMS)
{
	nesting_level++;
	PG_TRY();
	{
		run_executor_run(PSS_EXECUTOR_RUN_ARGS);
	}
	PG_CATCH();
	{
		nesting_level--;
		executor_failed(queryDesc);
		PG_RE_THROW();
	}
	PG_END_TRY();
	nesting_level--;
}

/*
 * pss_ExecutorFinish
 *		Keep the nesting level while AFTER triggers and the like run; note a
 *		failure (a foreign key violation, say).
 *
 * A SELECT without data-modifying WITH queries has nothing to do here (it
 * queues no trigger events and has no auxiliary ModifyTable nodes), so it
 * is passed through unmeasured: its ExecutorRun holds all its work.
 */
static void
pss_ExecutorFinish(QueryDesc *queryDesc)
{
	if (queryDesc->operation == CMD_SELECT &&
		!queryDesc->plannedstmt->hasModifyingCTE)
	{
		if (prev_ExecutorFinish)
			prev_ExecutorFinish(queryDesc);
		else
			standard_ExecutorFinish(queryDesc);
		return;
	}
	executor_finish_nested(queryDesc);
}

/*
 * executor_finish_nested
 *		ExecutorFinish one nesting level down, measured.  Out of line, so
 *		that a SELECT does not pay for its set-up.
 */
static pg_noinline void
executor_finish_nested(QueryDesc *queryDesc)
{
	exec_period_start(queryDesc);
	if (nesting_level == 0)
	{
		/* as in pss_ExecutorRun */
		nesting_level = 1;
		top_unguarded = true;
		if (prev_ExecutorFinish)
			prev_ExecutorFinish(queryDesc);
		else
			standard_ExecutorFinish(queryDesc);
		top_unguarded = false;
		nesting_level = 0;
		exec_period_end(queryDesc, 0);
		return;
	}
	nesting_level++;
	PG_TRY();
	{
		if (prev_ExecutorFinish)
			prev_ExecutorFinish(queryDesc);
		else
			standard_ExecutorFinish(queryDesc);
	}
	PG_CATCH();
	{
		nesting_level--;
		executor_failed(queryDesc);
		PG_RE_THROW();
	}
	PG_END_TRY();
	nesting_level--;
	exec_period_end(queryDesc, 0);
}

/*
 * pss_ExecutorEnd
 *		Account the execution of a tracked statement.
 *
 * An execution ended while its transaction aborts (a cursor closed by the
 * abort, where the core closes it so) did not complete: it is counted as a
 * failure, like one whose portal the abort drops (exec_context_gone).
 */
static void
pss_ExecutorEnd(QueryDesc *queryDesc)
{
	PssExec    *e = exec_find(queryDesc);

	if (e != NULL && !IsTransactionState())
	{
		/* closed by an abort: did not complete (see exec_context_gone) */
		if (!e->failed)
			remember_failure(e->queryid, e->source, e->location, e->len,
							 true, e->toplevel, exec_elapsed(e),
							 ERRCODE_TRANSACTION_ROLLBACK);
		exec_forget(queryDesc, 0);
	}
	else if (e != NULL)
	{
		PssStatement st;
		PssMeasure	measure;
		int			i = (int) (e - execs);

		/* top level or not as it started, however it is closed */
		pss_statement_key(&st, e->queryid, e->source, e->location, e->len,
					  true, e->toplevel);
		measure_init(&measure, PSS_EXEC, e->elapsed_ns / 1000000.0);
		measure.calls_in_xact = pss_calls_in_xact(&st.key);
		measure.rows = e->rows;
		pss_parallel_workers(queryDesc->estate,
							 &measure.parallel_workers_to_launch,
							 &measure.parallel_workers_launched);
		measure.plan_cache = pss_plan_cache(queryDesc->plannedstmt);
		measure.planid = e->planid;
		measure.usage = e->measured ? &e->usage : NULL;
		measure.jitusage = queryDesc->estate->es_jit ?
			&queryDesc->estate->es_jit->instr : NULL;
		if (e->toplevel && nesting_level == 0 &&
			commit_has_work(queryDesc, NULL))
			exec_defer(&st, &measure, e->elapsed_ns);
		else
			account(&st, &measure, queryDesc);

		/*
		 * Release the slot, found again if the capture of a sample moved
		 * it, and tell the callback it has nothing to do.
		 */
		if (i >= nexecs || execs[i].queryDesc != queryDesc)
			e = exec_find(queryDesc);
		if (e != NULL)
		{
			if (e->callback != NULL)
				e->callback->serial = 0;
			exec_remove((int) (e - execs));
		}
	}
	if (top.qd == queryDesc && nesting_level == 0)
		top_event(PSS_TOP_EV_EXEC_ENDED, NULL, 0, 0);

	if (prev_ExecutorEnd)
		prev_ExecutorEnd(queryDesc);
	else
		standard_ExecutorEnd(queryDesc);
}

/*
 * run_utility
 *		Run a utility statement through the next hook or the core.
 */
static inline void
run_utility(PlannedStmt *pstmt, const char *queryString, bool readOnlyTree,
			ProcessUtilityContext context, ParamListInfo params,
			QueryEnvironment *queryEnv, DestReceiver *dest,
			QueryCompletion *qc)
{
	if (prev_ProcessUtility)
		prev_ProcessUtility(pstmt, queryString, readOnlyTree, context,
							params, queryEnv, dest, qc);
	else
		standard_ProcessUtility(pstmt, queryString, readOnlyTree, context,
								params, queryEnv, dest, qc);
}

/*
 * pss_ProcessUtility
 *		Time utility statements, and raise the nesting level around them so
 *		that what they run (a DO block, a procedure) is not top level.
 *
 * EXECUTE is passed through at the same level, and at once: the statement
 * it runs is the top-level statement, counted by the executor hooks.
 */
static void
pss_ProcessUtility(PlannedStmt *pstmt, const char *queryString,
				   bool readOnlyTree, ProcessUtilityContext context,
				   ParamListInfo params, QueryEnvironment *queryEnv,
				   DestReceiver *dest, QueryCompletion *qc)
{
	if (PSS_PREPARE_UTILITY(pstmt->utilityStmt))
	{
		/* a failure is the executor hooks' (EXECUTE) or not counted */
		if (nesting_level == 0)
			top_event(PSS_TOP_EV_UTILITY, queryString, pstmt->stmt_location,
					  pstmt->stmt_len);
		run_utility(pstmt, queryString, readOnlyTree, context, params,
					queryEnv, dest, qc);
		if (nesting_level == 0)
			top_event(PSS_TOP_EV_UTILITY_ENDED, queryString,
					  pstmt->stmt_location, pstmt->stmt_len);
	}
	else
		utility_nested(pstmt, queryString, readOnlyTree, context, params,
					   queryEnv, dest, qc);
}

/*
 * utility_nested
 *		Run any other utility statement one nesting level down, timing it
 *		if it is tracked.  Out of line, so that EXECUTE does not pay for
 *		this function's set-up.
 */
static pg_noinline void
utility_nested(PlannedStmt *pstmt, const char *queryString,
			   bool readOnlyTree, ProcessUtilityContext context,
			   ParamListInfo params, QueryEnvironment *queryEnv,
			   DestReceiver *dest, QueryCompletion *qc)
{
	uint64		queryId = pstmt->queryId;
	int			location = pstmt->stmt_location;
	int			len = pstmt->stmt_len;
	volatile bool track;
	volatile int64 start = 0;
	volatile bool timed = false;
	int			saved_cursor_level;
	PssUsage	usage;
	PssMeasure	measure;
	PssStatement st;

	/*
	 * When the core computes the query ids, another module may have cleared
	 * a utility statement's (pg_stat_statements does): the fingerprint is
	 * computed from the text then anyway.
	 */
	track = pss_track_utility &&
		(queryId != UINT64CONST(0) || IsQueryIdEnabled()) &&
		queryString != NULL && PSS_ENABLED(nesting_level) &&
		pss_store_ready();

	if (track)
	{
		timed = usage_begin(&usage, true);
		start = now_ns();
	}
	/* its failure is noted below, or not counted (not tracked) */
	if (nesting_level == 0)
		top_event(PSS_TOP_EV_UTILITY, queryString, location, len);

	saved_cursor_level = cursor_query_level;
	if (IsA(pstmt->utilityStmt, DeclareCursorStmt))
		cursor_query_level = nesting_level + 1;
	nesting_level++;
	PG_TRY();
	{
		run_utility(pstmt, queryString, readOnlyTree, context, params,
					queryEnv, dest, qc);
	}
	PG_CATCH();
	{
		nesting_level--;
		cursor_query_level = saved_cursor_level;
		if (track)
			remember_failure(queryId, queryString, location, len, false,
							 nesting_level == 0,
							 (now_ns() - start) / 1000000.0, geterrcode());
		PG_RE_THROW();
	}
	PG_END_TRY();
	nesting_level--;
	cursor_query_level = saved_cursor_level;
	if (nesting_level == 0)
		top_event(PSS_TOP_EV_UTILITY_ENDED, queryString, location, len);

	if (!track)
		return;

	if (nesting_level == 0 && (will_commit(pstmt->utilityStmt) ||
							   commit_has_work(NULL, pstmt->utilityStmt)))
	{
		commit_defer(queryId, queryString, location, len, start, timed,
					 &usage);
		return;
	}

	measure_init(&measure, PSS_EXEC, (now_ns() - start) / 1000000.0);
	usage_end(&usage, timed);
	pss_statement_key(&st, queryId, queryString, location, len, false,
				  nesting_level == 0);
	measure.calls_in_xact = pss_calls_in_xact(&st.key);
	/* Rows only where the command reports a meaningful count */
	measure.rows = (qc && (qc->commandTag == CMDTAG_COPY ||
						   qc->commandTag == CMDTAG_FETCH ||
						   qc->commandTag == CMDTAG_SELECT ||
						   qc->commandTag == CMDTAG_REFRESH_MATERIALIZED_VIEW)) ?
		qc->nprocessed : 0;
	measure.usage = &usage;
	account(&st, &measure, NULL);
}
