/*-------------------------------------------------------------------------
 *
 * commit_defer.h
 *	  A statement whose outcome is known only at its transaction's commit.
 *
 * A top-level COMMIT (or PREPARE TRANSACTION) that will commit: its
 * outcome is known only once the transaction has committed, after the
 * utility hook returned.  It is timed when the transaction has run its
 * deferred triggers and persisted its holdable cursors, at
 * XACT_EVENT_PRE_COMMIT (or PRE_PREPARE: pss_commit_fix), and accounted
 * as a success once the commit is done, at XACT_EVENT_COMMIT (or PREPARE:
 * pss_commit_take), or as a failure if the transaction aborts first
 * (pss_commit_aborted), so that it counts once: in a deferred trigger, or
 * in what the commit checks after them (a serializable transaction's
 * conflict, a full NOTIFY queue).  So is a statement outside a transaction
 * block whose implicit commit has such work to do (pss_commit_has_work): a
 * DECLARE ... WITH HOLD, timed up to there too, as persisting the cursor
 * runs its query; and an executor statement that left deferred trigger
 * events on a table it changed, with what its execution measured (its
 * slowest sample is not captured then, as its plan is gone by the
 * commit).  An error
 * meanwhile is only noted (pss_commit_owns_error: a deferred trigger may
 * catch it), and charged to nothing else.
 *
 * One statement at a time, kept in commit_defer.c's own memory: its key,
 * what was measured, and its text up to PSS_COMMIT_TEXT bytes (with a
 * longer one, the statement's success makes an entry without text, and its
 * failure is not counted).  Nothing here allocates.
 *
 * src/commit_defer.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PSS_COMMIT_DEFER_H
#define PSS_COMMIT_DEFER_H

#include "executor/execdesc.h"
#include "nodes/plannodes.h"
#include "nodes/nodes.h"

#include "counters.h"
#include "stmt_text.h"

/* Whether a statement waits: commit_defer.c's, read by the tests below */
typedef struct PssCommitFlags
{
	bool		pending;		/* deferred, until accounted */
	bool		accounted;		/* accounted: no later error counts */
	bool		committing;		/* being accounted at its commit, outside a
								 * transaction in progress */
} PssCommitFlags;

extern PGDLLIMPORT PssCommitFlags pss_commit_flags;

extern bool pss_commit_will(Node *stmt);
extern bool pss_commit_has_work_slow(QueryDesc *queryDesc, Node *utility);
extern void pss_commit_defer(uint64 queryId, const char *queryString,
							 int location, int len, int64 start, bool timed,
							 const PssUsage *usage);
extern void pss_commit_defer_exec(const PssStatement *st, const PssMeasure *m,
								  int64 elapsed_ns);
extern void pss_commit_fix(void);
extern void pss_commit_take(PssStatement *st, PssMeasure *m);
extern bool pss_commit_owns_error(int sqlerrcode);
extern bool pss_commit_runs_it(void);
extern bool pss_commit_aborted(void);
extern void pss_commit_clear(void);

/*
 * pss_commit_has_work
 *		Is this top-level statement (an execution, or else a utility
 *		statement), just run outside a transaction block, one whose implicit
 *		commit has work to do that may fail?  The test of a SELECT that
 *		changes nothing inline, as every top-level execution asks it; the
 *		rest in pss_commit_has_work_slow.
 */
static inline bool
pss_commit_has_work(QueryDesc *queryDesc, Node *utility)
{
	if (queryDesc != NULL && queryDesc->operation == CMD_SELECT &&
		!queryDesc->plannedstmt->hasModifyingCTE)
		return false;
	return pss_commit_has_work_slow(queryDesc, utility);
}

/*
 * pss_commit_pending, pss_commit_busy
 *		Is a statement waiting for its commit?  Is one waiting, or
 *		accounted in this transaction (so that its later errors are not
 *		counted)?
 */
static inline bool
pss_commit_pending(void)
{
	return pss_commit_flags.pending;
}

static inline bool
pss_commit_busy(void)
{
	return pss_commit_flags.pending || pss_commit_flags.accounted;
}

/*
 * pss_commit_committing
 *		Is the statement being accounted the deferred one, at its commit
 *		(XACT_EVENT_COMMIT, outside a transaction in progress)?
 */
static inline bool
pss_commit_committing(void)
{
	return pss_commit_flags.committing;
}

#endif							/* PSS_COMMIT_DEFER_H */
