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
 * nest.level counts the planner, executor and utility calls we are
 * inside of; a statement is top level when it starts at level 0.  Below
 * the top level it is restored on error by PG_CATCH blocks, as a function
 * may catch the error.  A top-level statement's planning and execution
 * pay for no PG_TRY block: their failure ends the transaction (or the
 * savepoint's subtransaction), whose abort restores the level
 * (nest.unguarded, xact_aborted, unguarded_subxact_aborted), whether the
 * error is logged or not.
 *
 * A statement that fails is noted (error code, time so far, a copy of its
 * text, in preallocated memory: no allocation, no lock) in its PG_CATCH
 * block, or for a top-level statement in pss_emit_log, and accounted when
 * its (sub)transaction aborts, once the error is cleaned up.
 *
 * The rooms this file calls on: measure.h measures a period (clock,
 * buffers, WAL, CPU, waits); exec_measure.c keeps the executions in
 * progress and what they measured; commit_defer.c keeps a statement that
 * is accounted at its transaction's commit; failures.c keeps the failures
 * noted until they are published; stmt_text.c finds a statement's own
 * text and key; slow_sample.c makes the slowest execution's sample (text,
 * parameters, plan).  This file's own state is the nesting level (nest)
 * and the top-level statement's stage (top), each in one struct.
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
#include "commit_defer.h"
#include "compat.h"
#include "exec_measure.h"
#include "failures.h"
#include "fingerprint.h"
#include "hooks.h"
#include "measure.h"
#include "pg_slow_statements.h"
#include "plan_id.h"
#include "slow_sample.h"
#include "sources.h"
#include "stmt_text.h"
#include "store.h"
#include "xact_calls.h"


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
 * The nesting level of planner, executor and utility calls, and what
 * restores it after an error:
 *
 * level: the current nesting depth of planner/executor/utility calls.
 *
 * cursor_level: the nesting level at which the query of a cursor that
 * DECLARE is opening is planned and started, or -1.  PostgreSQL 19 gives
 * that query an id of its own, so that it would be a nested statement
 * with track = all; on every version we leave it to the statements that
 * run it (the DECLARE, FETCH, MOVE, CLOSE, and the COMMIT that persists a
 * holdable cursor), as 15 to 18 do, so that a workload gives the same
 * entries everywhere.
 *
 * unguarded: a top-level hook raised the nesting level without a PG_TRY
 * block to restore it (pss_planner): an error meanwhile leaves it raised
 * until the abort of the transaction, or of the savepoint's
 * subtransaction, restores it (xact_aborted, unguarded_subxact_aborted).
 *
 * unguarded_first_subid: the first subtransaction started while unguarded
 * was set (by a function's exception block, or a capture), or
 * InvalidSubTransactionId: see unguarded_subxact_aborted.  Subtransaction
 * ids restart with every transaction, so it is cleared when the
 * transaction ends.
 */
static struct
{
	int			level;
	int			cursor_level;
	bool		unguarded;
	SubTransactionId unguarded_first_subid;
}			nest =
{
	0, -1, false, InvalidSubTransactionId
};

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
static void remember_failure(uint64 queryId, const char *source, int location,
							 int len, bool optimizable, bool toplevel,
							 double time_ms, int sqlerrcode);
static void pss_xact_callback(XactEvent event, void *arg);
static void xact_committed(void);
static void xact_aborted(void);
static void pss_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
								 SubTransactionId parentSubid, void *arg);
static void unguarded_subxact_aborted(SubTransactionId mySubid);
static void commit_done(void);
static pg_attribute_always_inline void account(PssStatement *st,
											   PssMeasure *m,
											   QueryDesc *queryDesc);
static inline void top_failure_noted(bool top_level_failed);
static void executor_failed(QueryDesc *queryDesc);
static inline PssTopStage top_stage_now(void);
static bool reads_own_walker(Node *node, void *context);

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

/*---- The hooks, in the order a statement meets them ----*/

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
	if (nest.level == 0)
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
 * reaches pss_emit_log, which restores the nesting level (nest.unguarded)
 * and counts the failure as that of the statement noted by parse analysis
 * (noted here again if a hook took the statement over before: EXECUTE),
 * timed from the statement's start.  Other planning goes through
 * planner_guarded.
 */
static PlannedStmt *
pss_planner(PSS_PLANNER_PARAMS)
{
	PlannedStmt *result;

	if (nest.level != 0 || pss_track_planning)
		return planner_guarded(PSS_PLANNER_ARGS);

	if (query_string != NULL)
		top_event(PSS_TOP_EV_PLANNING, query_string, parse->stmt_location,
				  parse->stmt_len);
	nest.level = 1;
	nest.unguarded = true;
	result = run_planner(PSS_PLANNER_ARGS);
	nest.unguarded = false;
	nest.level = 0;
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
		PSS_ENABLED(nest.level) && nest.level != nest.cursor_level &&
		pss_store_ready();

	/*
	 * The clock is read even without track_planning, so that a planning
	 * failure is timed from the planning's start: a nested statement's
	 * planning may start long after its top-level statement did.
	 */
	if (tracked)
	{
		if (pss_track_planning)
			timed = pss_usage_begin(&usage, true);
		start = pss_now_ns();
	}
	nest.level++;
	PG_TRY();
	{
		result = run_planner(PSS_PLANNER_ARGS);
	}
	PG_CATCH();
	{
		nest.level--;
		if (tracked)
			remember_failure(parse->queryId, query_string,
							 parse->stmt_location, parse->stmt_len, true,
							 nest.level == 0,
							 (pss_now_ns() - start) / 1000000.0, geterrcode());
		PG_RE_THROW();
	}
	PG_END_TRY();
	nest.level--;

	/*
	 * A nested statement that reads our statistics (the compat extension's
	 * views) is not accounted, its planning no more than its execution
	 * (pss_exec_reading_own): looked for only here, below the top level
	 * with track_planning, as it takes a catalog lookup per function call.
	 */
	if (tracked && pss_track_planning &&
		(nest.level == 0 || !reads_own_walker((Node *) parse, NULL)))
	{
		pss_measure_begin(&measure, PSS_PLAN, (pss_now_ns() - start) / 1000000.0);
		pss_usage_end(&usage, timed);
		measure.usage = &usage;
		pss_statement_key(&st, parse->queryId, query_string, parse->stmt_location,
					  parse->stmt_len, true, nest.level == 0);
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
	volatile int64 start = pss_now_ns();

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
							 true, false, (pss_now_ns() - start) / 1000000.0,
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
	if (nest.level == 0)
	{
		/* a failure here is counted by pss_emit_log */
		top_event(PSS_TOP_EV_STARTING, queryDesc->sourceText,
				  queryDesc->plannedstmt->stmt_location,
				  queryDesc->plannedstmt->stmt_len);
		top.qd = queryDesc;
		run_executor_start(queryDesc, eflags);
		top_event(PSS_TOP_EV_STARTED, NULL, 0, 0);
	}
	else if (pss_track == PSS_TRACK_ALL && nest.level != nest.cursor_level)
		executor_start_nested(queryDesc, eflags);
	else
		run_executor_start(queryDesc, eflags);

	/* EXPLAIN without ANALYZE does not run the statement: not a call */
	if (queryDesc->plannedstmt->queryId != UINT64CONST(0) &&
		queryDesc->sourceText != NULL && PSS_ENABLED(nest.level) &&
		(eflags & EXEC_FLAG_EXPLAIN_ONLY) == 0 &&
		nest.level != nest.cursor_level && pss_store_ready())
		pss_exec_begin(queryDesc, queryDesc->plannedstmt->queryId,
					   nest.level == 0);
	else if (pss_execs_active())
	{
		/* a slot left at this address is over (see pss_exec_begin) */
		pss_exec_forget(queryDesc, 0);
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
	pss_exec_period_start(queryDesc);
	if (nest.level == 0)
	{
		/* see nest.unguarded, and pss_emit_log for a failure */
		nest.level = 1;
		nest.unguarded = true;
		run_executor_run(PSS_EXECUTOR_RUN_ARGS);
		nest.unguarded = false;
		nest.level = 0;
	}
	else
		executor_run_guarded(PSS_EXECUTOR_RUN_ARGS);
	pss_exec_period_end(queryDesc, queryDesc->estate->es_processed);
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
	nest.level++;
	PG_TRY();
	{
		run_executor_run(PSS_EXECUTOR_RUN_ARGS);
	}
	PG_CATCH();
	{
		nest.level--;
		executor_failed(queryDesc);
		PG_RE_THROW();
	}
	PG_END_TRY();
	nest.level--;
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
	pss_exec_period_start(queryDesc);
	if (nest.level == 0)
	{
		/* as in pss_ExecutorRun */
		nest.level = 1;
		nest.unguarded = true;
		if (prev_ExecutorFinish)
			prev_ExecutorFinish(queryDesc);
		else
			standard_ExecutorFinish(queryDesc);
		nest.unguarded = false;
		nest.level = 0;
		pss_exec_period_end(queryDesc, 0);
		return;
	}
	nest.level++;
	PG_TRY();
	{
		if (prev_ExecutorFinish)
			prev_ExecutorFinish(queryDesc);
		else
			standard_ExecutorFinish(queryDesc);
	}
	PG_CATCH();
	{
		nest.level--;
		executor_failed(queryDesc);
		PG_RE_THROW();
	}
	PG_END_TRY();
	nest.level--;
	pss_exec_period_end(queryDesc, 0);
}

/*
 * pss_ExecutorEnd
 *		Account the execution of a tracked statement.
 *
 * An execution ended while its transaction aborts (a cursor closed by the
 * abort, where the core closes it so) did not complete: it is counted as a
 * failure, like one whose portal the abort drops (exec_measure.h).
 */
static void
pss_ExecutorEnd(QueryDesc *queryDesc)
{
	const PssExec *e = pss_exec_find(queryDesc);

	if (e != NULL && !IsTransactionState())
	{
		/* closed by an abort: did not complete (see exec_measure.h) */
		top_failure_noted(pss_exec_failed(queryDesc,
										  ERRCODE_TRANSACTION_ROLLBACK));
		pss_exec_forget(queryDesc, 0);
	}
	else if (e != NULL)
	{
		PssStatement st;
		PssMeasure	measure;
		int			slot = (int) (e - pss_execs.slots);

		/* top level or not as it started, however it is closed */
		pss_statement_key(&st, e->queryid, e->source, e->location, e->len,
					  true, e->toplevel);
		pss_measure_begin(&measure, PSS_EXEC, e->elapsed_ns / 1000000.0);
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
		if (e->toplevel && nest.level == 0 &&
			pss_commit_has_work(queryDesc, NULL) && !pss_commit_runs_it())
		{
			/* only the last statement's commit follows it (commit_defer.h) */
			if (pss_commit_pending())
				commit_done();
			pss_commit_defer_exec(&st, &measure, e->elapsed_ns);
		}
		else
			account(&st, &measure, queryDesc);
		pss_exec_release(queryDesc, slot);
	}
	if (top.qd == queryDesc && nest.level == 0)
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
		if (nest.level == 0)
			top_event(PSS_TOP_EV_UTILITY, queryString, pstmt->stmt_location,
					  pstmt->stmt_len);
		run_utility(pstmt, queryString, readOnlyTree, context, params,
					queryEnv, dest, qc);
		if (nest.level == 0)
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
		queryString != NULL && PSS_ENABLED(nest.level) &&
		pss_store_ready();

	if (track)
	{
		timed = pss_usage_begin(&usage, true);
		start = pss_now_ns();
	}
	/* its failure is noted below, or not counted (not tracked) */
	if (nest.level == 0)
		top_event(PSS_TOP_EV_UTILITY, queryString, location, len);

	saved_cursor_level = nest.cursor_level;
	if (IsA(pstmt->utilityStmt, DeclareCursorStmt))
		nest.cursor_level = nest.level + 1;
	nest.level++;
	PG_TRY();
	{
		run_utility(pstmt, queryString, readOnlyTree, context, params,
					queryEnv, dest, qc);
	}
	PG_CATCH();
	{
		nest.level--;
		nest.cursor_level = saved_cursor_level;
		if (track)
			remember_failure(queryId, queryString, location, len, false,
							 nest.level == 0,
							 (pss_now_ns() - start) / 1000000.0, geterrcode());
		PG_RE_THROW();
	}
	PG_END_TRY();
	nest.level--;
	nest.cursor_level = saved_cursor_level;
	if (nest.level == 0)
		top_event(PSS_TOP_EV_UTILITY_ENDED, queryString, location, len);

	if (!track)
		return;

	if (nest.level == 0 && (pss_commit_will(pstmt->utilityStmt) ||
							   pss_commit_has_work(NULL, pstmt->utilityStmt)))
	{
		/* only the last statement's commit follows it, as in ExecutorEnd */
		if (pss_commit_pending())
			commit_done();
		pss_commit_defer(queryId, queryString, location, len, start, timed,
					 &usage);
		return;
	}

	pss_measure_begin(&measure, PSS_EXEC, (pss_now_ns() - start) / 1000000.0);
	pss_usage_end(&usage, timed);
	pss_statement_key(&st, queryId, queryString, location, len, false,
				  nest.level == 0);
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
 * SQLSTATE 40000 (pss_execs_aborted).  Warnings and notices change nothing:
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
	 * An error that escaped a top-level hook (see nest.unguarded) left the
	 * nesting level raised: the abort of the (sub)transaction restores it,
	 * which runs after this whether the error is logged or not.  Here, it
	 * is the top level, and the top-level execution that was running, if
	 * any, failed.
	 */
	top_level = nest.unguarded ? 1 : 0;
	if (nest.unguarded && edata->elevel == ERROR)
		top_failure_noted(pss_exec_top_failed(edata->sqlerrcode));

	/*
	 * A COMMIT whose transaction fails to commit counts once, as a failure;
	 * once accounted (its transaction ran its deferred work), no later
	 * error of the transaction counts.  So does a statement whose implicit
	 * commit fails; an error in a later message (a later statement of the
	 * same implicit transaction) is that statement's, and the deferred one
	 * counts as failed with the transaction's abort.
	 */
	if (edata->elevel == ERROR && nest.level == top_level &&
		pss_commit_owns_error(edata->sqlerrcode))
	{
		/* only noted: see pss_commit_owns_error */
	}
	else if (edata->elevel == ERROR && source != NULL &&
			 edata->sqlerrcode != ERRCODE_IN_FAILED_SQL_TRANSACTION &&
			 PSS_ENABLED(0) && nest.level == top_level &&
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

/*---- Transaction callbacks: what ends with the (sub)transaction ----*/

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
			if (pss_commit_pending())
				pss_commit_fix();
			break;
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
			xact_aborted();
			break;
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_PREPARE:
			if (pss_commit_pending())
				commit_done();
			/* the common case: nothing pending, nothing to reset */
			if (pss_execs_active() || pss_failures_pending() ||
				nest.unguarded_first_subid != InvalidSubTransactionId ||
				pss_commit_busy())
				xact_committed();
			break;
		default:
			break;
	}
}

static void
pss_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
					 SubTransactionId parentSubid, void *arg)
{
	if (event == SUBXACT_EVENT_START_SUB)
	{
		/* see unguarded_subxact_aborted */
		if (!nest.unguarded)
			nest.unguarded_first_subid = InvalidSubTransactionId;
		else if (nest.unguarded_first_subid == InvalidSubTransactionId)
			nest.unguarded_first_subid = mySubid;
	}
	else if (event == SUBXACT_EVENT_ABORT_SUB)
	{
		if (nest.unguarded)
			unguarded_subxact_aborted(mySubid);
		top_failure_noted(pss_execs_aborted(mySubid));
		pss_exec_forget(NULL, mySubid);
		pss_failures_publish();
	}
}

/*
 * commit_done
 *		The transaction of a deferred statement committed (XACT_EVENT_COMMIT
 *		or PREPARE), or a later statement of its implicit transaction takes
 *		its place: account the statement as a success (commit_defer.h).
 *
 * At the commit the transaction is no longer in progress, and an error
 * would come too late to abort it: the store then normalizes a new
 * entry's text without raising one (pss_store_insert), and the slowest
 * sample's capture, a copy of the text in memory (queryDesc is NULL), runs
 * under its own error handler (pss_capture).
 */
static void
commit_done(void)
{
	PssStatement st;
	PssMeasure	measure;

	pss_commit_take(&st, &measure);
	if (st.text != NULL)
		account(&st, &measure, NULL);
	else if (pss_store_record(&st.key, &measure) == PSS_MISSING)
		(void) pss_store_insert(&st.key, NULL, 0, pss_std_strings(),
								&measure, NULL, 0);
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
	pss_execs_clear();
	nest.unguarded_first_subid = InvalidSubTransactionId;
	pss_commit_clear();

	/*
	 * A failed portal dropped by the commit (exec_measure.h), or a
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
	top_failure_noted(pss_commit_aborted());
	top_failure_noted(pss_execs_aborted(0));
	pss_execs_clear();
	/* an error escaped a top-level hook (see nest.unguarded) */
	if (nest.unguarded)
	{
		nest.level = 0;
		nest.unguarded = false;
	}
	nest.unguarded_first_subid = InvalidSubTransactionId;
	pss_failures_publish();
}

/*
 * unguarded_subxact_aborted
 *		A subtransaction aborts while a top-level hook has raised the
 *		nesting level without a PG_TRY block (nest.unguarded): restore the
 *		level if the error escaped that hook.
 *
 * A failure inside a savepoint (BEGIN; SAVEPOINT a; a failing
 * statement; ROLLBACK TO a) aborts only the savepoint's subtransaction,
 * not the transaction: without this, every later statement of the
 * session would be taken for a nested one.  The log hook does not restore
 * the level: it may not run (log_min_messages above error).  A
 * subtransaction that the statement itself started (a function's
 * exception block, a capture: their ids are nest.unguarded_first_subid or
 * higher) aborts while the statement goes on, at its nesting level; one
 * the statement runs in, started before it, aborts only because the
 * error left the statement.  Tracking the subtransactions' starts costs
 * the statement's hot path nothing.
 */
static void
unguarded_subxact_aborted(SubTransactionId mySubid)
{
	if (nest.unguarded_first_subid != InvalidSubTransactionId &&
		mySubid >= nest.unguarded_first_subid)
		return;					/* started inside the statement */
	nest.level = 0;
	nest.unguarded = false;
	nest.unguarded_first_subid = InvalidSubTransactionId;
}

/*---- Accounting a measurement, remembering a failure ----*/

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
		pss_capture(st, m, queryDesc, nest.level == 0, r);
	}
}

/*
 * remember_failure
 *		Note a statement that is ending in an error, to be published once
 *		the error is cleaned up (pss_failure_remember); a top-level one's
 *		failure is this message's outcome (top_event).
 *
 * Called from PG_CATCH blocks (sqlerrcode: geterrcode()) and pss_emit_log:
 * neither allocates nor takes a lock.
 */
static void
remember_failure(uint64 queryId, const char *source, int location, int len,
				 bool optimizable, bool toplevel, double time_ms,
				 int sqlerrcode)
{
	/* in this message: a portal may run in a later one than it started */
	if (toplevel)
		top_event(PSS_TOP_EV_FAILED, NULL, 0, 0);
	pss_failure_remember(queryId, source, location, len, optimizable,
						 toplevel, time_ms, sqlerrcode);
}

/*
 * top_failure_noted
 *		exec_measure.c or commit_defer.c remembered a top-level statement's
 *		failure (top_level_failed): it is this message's outcome, as in
 *		remember_failure.  In error paths: nothing allocated.
 */
static inline void
top_failure_noted(bool top_level_failed)
{
	if (top_level_failed)
		top_event(PSS_TOP_EV_FAILED, NULL, 0, 0);
}

/*
 * executor_failed
 *		Remember the failure of an execution that is being aborted.
 */
static void
executor_failed(QueryDesc *queryDesc)
{
	top_failure_noted(pss_exec_failed(queryDesc, geterrcode()));
}

/*---- The top-level statement's stage (see PssTopStage) ----*/

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

/*---- Statements that read our own statistics ----*/

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
 *		library?  For planning only: see pss_exec_reading_own.
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
