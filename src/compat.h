/*-------------------------------------------------------------------------
 *
 * compat.h
 *	  Everything that differs between the PostgreSQL major versions we build
 *	  against (15 to 19), in one place.
 *
 * The rest of the code is written once, against the names defined here:
 * static inline shims for functions and fields that moved or split, and
 * macros for hook signatures that gained or lost arguments.  No other file
 * tests PG_VERSION_NUM.  Each boundary is the release that changed the API,
 * so a version in between (16, say) builds by construction.
 *
 * What changed, by release:
 *	16	utils/queryjumble.h moved to nodes/queryjumble.h; varlena macros
 *		(SET_VARSIZE, VARDATA...) moved to varatt.h; instr_time became a
 *		count of nanoseconds (INSTR_TIME_GET_NANOSEC).
 *	17	BufferUsage's blk_read_time/blk_write_time split into shared and
 *		local times; JIT counts tuple deforming apart; PGPROC's lxid moved
 *		into vxid, and its pgprocno gave way to GetNumberFromPGProc.
 *	18	ExecutorRun lost execute_once; ExplainState's functions moved to
 *		commands/explain_state.h and commands/explain_format.h; WalUsage
 *		counts wal_buffers_full; the executor counts parallel workers
 *		planned and launched; the parser starts a statement at its first
 *		token, leaving a leading comment outside stmt_location.
 *	19	post_parse_analyze_hook takes a const JumbleState; planner_hook and
 *		standard_planner take the ExplainState of an EXPLAIN; a plan knows
 *		whether it came from a generic or a custom cached plan;
 *		standard_conforming_strings can no longer be off, and its variable
 *		is gone.
 *
 * src/compat.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PSS_COMPAT_H
#define PSS_COMPAT_H

#include "commands/explain.h"
#include "executor/execdesc.h"
#include "executor/instrument.h"
#include "jit/jit.h"
#include "nodes/execnodes.h"
#include "storage/proc.h"

#include "counters.h"

#if PG_VERSION_NUM >= 160000
#include "nodes/queryjumble.h"
#include "varatt.h"
#else
#include "utils/queryjumble.h"
#endif

#if PG_VERSION_NUM >= 180000
#include "commands/explain_format.h"
#include "commands/explain_state.h"
#endif

#if PG_VERSION_NUM < 190000
#include "parser/parser.h"
#endif

/*---- Hook signatures ----*/

/*
 * post_parse_analyze_hook's JumbleState: const from 19 on.
 */
#if PG_VERSION_NUM >= 190000
typedef const JumbleState PssJumbleState;
#else
typedef JumbleState PssJumbleState;
#endif

/*
 * planner_hook's parameters, and the arguments to pass them on with
 * (standard_planner or the previous hook).  19 adds the ExplainState of an
 * EXPLAIN (NULL otherwise).
 */
#if PG_VERSION_NUM >= 190000
#define PSS_PLANNER_PARAMS \
	Query *parse, const char *query_string, int cursorOptions, \
	ParamListInfo boundParams, ExplainState *es
#define PSS_PLANNER_ARGS \
	parse, query_string, cursorOptions, boundParams, es
#else
#define PSS_PLANNER_PARAMS \
	Query *parse, const char *query_string, int cursorOptions, \
	ParamListInfo boundParams
#define PSS_PLANNER_ARGS \
	parse, query_string, cursorOptions, boundParams
#endif

/*
 * ExecutorRun_hook's parameters, and the arguments to pass them on with.
 * 18 drops execute_once.
 */
#if PG_VERSION_NUM >= 180000
#define PSS_EXECUTOR_RUN_PARAMS \
	QueryDesc *queryDesc, ScanDirection direction, uint64 count
#define PSS_EXECUTOR_RUN_ARGS \
	queryDesc, direction, count
#else
#define PSS_EXECUTOR_RUN_PARAMS \
	QueryDesc *queryDesc, ScanDirection direction, uint64 count, \
	bool execute_once
#define PSS_EXECUTOR_RUN_ARGS \
	queryDesc, direction, count, execute_once
#endif

/*---- Measurements ----*/

/*
 * Does the running server measure a figure first measured by PostgreSQL
 * major version "major"?  For the view: a column whose figure the server
 * does not measure shows NULL rather than a 0 that would read as
 * "measured, nothing happened" (the since column of counterlist.h).
 */
#define PSS_SERVER_HAS(major)		(PG_VERSION_NUM >= (major) * 10000)

/*
 * pss_instr_ns
 *		An instr_time in nanoseconds.
 */
static inline int64
pss_instr_ns(instr_time t)
{
#if PG_VERSION_NUM >= 160000
	return (int64) INSTR_TIME_GET_NANOSEC(t);
#else
	return (int64) t.tv_sec * 1000000000 + t.tv_nsec;
#endif
}

/*
 * pss_shared_read_ns, pss_shared_write_ns, pss_local_read_ns,
 * pss_local_write_ns
 *		A BufferUsage's time reading and writing shared and local blocks,
 *		in nanoseconds.  Before 17 the server times both kinds together:
 *		the sum is reported as shared, local as 0 (and the view shows the
 *		split columns as NULL: their since is 17 in counterlist.h).
 */
static inline int64
pss_shared_read_ns(const BufferUsage *b)
{
#if PG_VERSION_NUM >= 170000
	return pss_instr_ns(b->shared_blk_read_time);
#else
	return pss_instr_ns(b->blk_read_time);
#endif
}

static inline int64
pss_shared_write_ns(const BufferUsage *b)
{
#if PG_VERSION_NUM >= 170000
	return pss_instr_ns(b->shared_blk_write_time);
#else
	return pss_instr_ns(b->blk_write_time);
#endif
}

static inline int64
pss_local_read_ns(const BufferUsage *b)
{
#if PG_VERSION_NUM >= 170000
	return pss_instr_ns(b->local_blk_read_time);
#else
	return 0;
#endif
}

static inline int64
pss_local_write_ns(const BufferUsage *b)
{
#if PG_VERSION_NUM >= 170000
	return pss_instr_ns(b->local_blk_write_time);
#else
	return 0;
#endif
}

/*
 * pss_wal_buffers_full
 *		Times WAL buffers were full and had to be written out (18+; 0
 *		before).
 */
static inline int64
pss_wal_buffers_full(const WalUsage *w)
{
#if PG_VERSION_NUM >= 180000
	return w->wal_buffers_full;
#else
	return 0;
#endif
}

/*
 * pss_jit_deform_ms
 *		Time JIT spent generating tuple deforming code (17+; before, that
 *		time is part of the generation time and this is 0).
 */
static inline double
pss_jit_deform_ms(const JitInstrumentation *j)
{
#if PG_VERSION_NUM >= 170000
	return INSTR_TIME_GET_MILLISEC(j->deform_counter);
#else
	return 0;
#endif
}

/*
 * pss_parallel_workers
 *		Parallel workers an execution planned to launch and launched (18+;
 *		0 before).
 */
static inline void
pss_parallel_workers(const EState *estate, int64 *to_launch, int64 *launched)
{
#if PG_VERSION_NUM >= 180000
	*to_launch = estate->es_parallel_workers_to_launch;
	*launched = estate->es_parallel_workers_launched;
#else
	*to_launch = 0;
	*launched = 0;
#endif
}

/*
 * pss_plan_cache
 *		Whether a plan being executed is a generic or a custom cached plan.
 */
static inline PssPlanCache
pss_plan_cache(const PlannedStmt *plan)
{
#if PG_VERSION_NUM >= 190000
	if (plan->planOrigin == PLAN_STMT_CACHE_GENERIC)
		return PSS_PLAN_GENERIC;
	if (plan->planOrigin == PLAN_STMT_CACHE_CUSTOM)
		return PSS_PLAN_CUSTOM;
#endif
	return PSS_PLAN_UNCACHED;
}

/*---- Backend state ----*/

/*
 * pss_std_strings
 *		The session's standard_conforming_strings, which the lexer follows
 *		(src/fingerprint.h): always on from 19, which rejects off.
 */
static inline bool
pss_std_strings(void)
{
#if PG_VERSION_NUM >= 190000
	return true;
#else
	return standard_conforming_strings;
#endif
}

/*
 * pss_my_lxid
 *		The local id of this backend's current transaction.
 */
static inline LocalTransactionId
pss_my_lxid(void)
{
#if PG_VERSION_NUM >= 170000
	return MyProc->vxid.lxid;
#else
	return MyProc->lxid;
#endif
}

/*
 * pss_proc_number
 *		The number of a PGPROC in ProcGlobal->allProcs, which indexes the
 *		activity slots (activity.c).  17 dropped PGPROC's pgprocno for
 *		GetNumberFromPGProc.
 */
static inline int
pss_proc_number(const PGPROC *proc)
{
#if PG_VERSION_NUM >= 170000
	return (int) GetNumberFromPGProc(proc);
#else
	return proc->pgprocno;
#endif
}

#endif							/* PSS_COMPAT_H */
