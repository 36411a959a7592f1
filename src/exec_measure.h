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
 * The slots are exec_measure.c's: callers read a slot through the const
 * pointer pss_exec_find gives, valid until the next call of this file's
 * functions (the array may move), and change it only through them.  An
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

extern void pss_exec_begin(QueryDesc *queryDesc, uint64 queryId,
						   bool toplevel);
extern const PssExec *pss_exec_find(QueryDesc *queryDesc);
extern void pss_exec_period_start(QueryDesc *queryDesc);
extern void pss_exec_period_end(QueryDesc *queryDesc, uint64 rows);
extern double pss_exec_elapsed(const PssExec *e);
extern void pss_exec_release(QueryDesc *queryDesc, const PssExec *e);
extern void pss_exec_forget(QueryDesc *queryDesc, SubTransactionId subid);
extern bool pss_exec_failed(QueryDesc *queryDesc, int sqlerrcode);
extern bool pss_exec_top_failed(int sqlerrcode);
extern bool pss_execs_aborted(SubTransactionId subid);
extern bool pss_execs_active(void);
extern void pss_execs_clear(void);
extern void pss_exec_reading_own(void);

#endif							/* PSS_EXEC_MEASURE_H */
