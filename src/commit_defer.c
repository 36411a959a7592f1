/*-------------------------------------------------------------------------
 *
 * commit_defer.c
 *	  A statement whose outcome is known only at its transaction's commit
 *	  (see commit_defer.h).
 *
 * The statement lives in one static struct, changed only by this file's
 * functions; whether one waits is exported (pss_commit_flags) for the
 * inline tests of commit_defer.h, which every transaction's end makes.
 * The hooks defer it (pss_commit_defer, pss_commit_defer_exec) and, from
 * the transaction callbacks, fix its measurement (pss_commit_fix), take it
 * to account it (pss_commit_take) or have its failure remembered
 * (pss_commit_aborted).
 *
 * src/commit_defer.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "commands/trigger.h"
#include "nodes/parsenodes.h"
#include "utils/rel.h"

#include "commit_defer.h"
#include "failures.h"
#include "measure.h"
#include "xact_calls.h"

#define PSS_COMMIT_TEXT		1024

/* Whether one waits (commit_defer.h) */
PssCommitFlags pss_commit_flags;

static struct
{
	int			sqlerrcode;		/* of the error seen meanwhile, or 0 */
	PssKey		key;
	int64		start;
	bool		timed;
	PssUsage	usage;
	bool		executor;		/* measure holds what its execution measured */
	bool		fixed;			/* measure holds what it measured up to its
								 * transaction's deferred work (a utility
								 * statement's, pss_commit_fix) */
	TimestampTz message;		/* executor: start of its message */
	bool		has_jit;
	PssMeasure	measure;
	JitInstrumentation jit;
	int			text_len;		/* -1: too long, not copied */
	char		text[PSS_COMMIT_TEXT + 1];
}			deferred;


/*
 * pss_commit_will
 *		Is this utility statement, that has just run at the top level, a
 *		COMMIT or PREPARE TRANSACTION that is going to commit (rather than
 *		to roll back an aborted transaction block)?
 */
bool
pss_commit_will(Node *stmt)
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
 * pss_commit_has_work_slow
 *		Is this top-level statement (an execution, or else a utility
 *		statement), just run outside a transaction block, one whose implicit
 *		commit has work to do that may fail?  See pss_commit_has_work.
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
bool
pss_commit_has_work_slow(QueryDesc *queryDesc, Node *utility)
{
	ListCell   *lc;

	/* the test on the statement first: it costs no call */
	if (queryDesc == NULL)
		return utility != NULL && IsA(utility, DeclareCursorStmt) &&
			(((DeclareCursorStmt *) utility)->options & CURSOR_OPT_HOLD) != 0 &&
			!IsTransactionBlock();
	/* a SELECT that changes nothing was answered by pss_commit_has_work */
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
 * defer_begin
 *		Start keeping the statement st until its commit: its key, and its
 *		stored text if it is short enough (PSS_COMMIT_TEXT), as a
 *		statement's source may be gone by its commit.  The caller keeps
 *		what was measured.
 */
static void
defer_begin(PssStatement *st)
{
	/* one still waiting is accounted first (pss_commit_defer_exec) */
	Assert(!pss_commit_flags.pending);
	pss_statement_stored_text(st);
	pss_commit_flags.pending = true;
	pss_commit_flags.accounted = false;
	pss_commit_flags.committing = false;
	deferred.sqlerrcode = 0;
	deferred.fixed = false;
	deferred.key = st->key;
	if (st->text_len <= PSS_COMMIT_TEXT)
	{
		memcpy(deferred.text, st->text, st->text_len);
		deferred.text[st->text_len] = '\0';
		deferred.text_len = st->text_len;
	}
	else
		deferred.text_len = -1;
}

/*
 * pss_commit_defer
 *		Keep what is known of a top-level utility statement (a COMMIT that
 *		will commit, a DECLARE ... WITH HOLD outside a transaction block),
 *		started at start, measuring usage since (timed: with I/O times), to
 *		account it once its transaction has committed or has failed to.
 */
void
pss_commit_defer(uint64 queryId, const char *queryString, int location,
				 int len, int64 start, bool timed, const PssUsage *usage)
{
	PssStatement st;

	pss_statement_key(&st, queryId, queryString, location, len, false, true);
	defer_begin(&st);
	deferred.start = start;
	deferred.timed = timed;
	deferred.usage = *usage;
	deferred.executor = false;
}

/*
 * pss_commit_defer_exec
 *		Keep what the top-level execution st measured (m, in elapsed_ns),
 *		to account it once its implicit transaction has committed or has
 *		failed to.
 *
 * Several statements may share an implicit transaction (Executes before
 * one Sync): the caller first accounts one still waiting as done, as only
 * the last one's commit follows it.
 */
void
pss_commit_defer_exec(const PssStatement *st, const PssMeasure *m,
					  int64 elapsed_ns)
{
	PssStatement copy = *st;

	defer_begin(&copy);
	deferred.start = pss_now_ns() - elapsed_ns;
	deferred.executor = true;
	deferred.message = GetCurrentStatementStartTimestamp();
	deferred.measure = *m;
	deferred.timed = (m->usage != NULL);
	if (m->usage != NULL)
		deferred.usage = *m->usage;
	deferred.has_jit = (m->jitusage != NULL);
	if (m->jitusage != NULL)
		deferred.jit = *m->jitusage;
}

/*
 * pss_commit_fix
 *		The transaction of the deferred statement ran its deferred triggers
 *		and persisted its holdable cursors (XACT_EVENT_PRE_COMMIT or
 *		PRE_PREPARE): a utility statement's measurement ends here, with the
 *		work its commit does for it.  It still waits: what the commit checks
 *		next may fail it.
 */
void
pss_commit_fix(void)
{
	if (!pss_commit_flags.pending || deferred.executor || deferred.fixed)
		return;
	pss_measure_begin(&deferred.measure, PSS_EXEC,
					  (pss_now_ns() - deferred.start) / 1000000.0);
	pss_usage_end(&deferred.usage, deferred.timed);
	deferred.measure.calls_in_xact = pss_calls_in_xact(&deferred.key);
	deferred.fixed = true;
}

/*
 * pss_commit_take
 *		The deferred statement's transaction committed (XACT_EVENT_COMMIT or
 *		PREPARE), or a later statement of its implicit transaction takes its
 *		place: give the statement (st: its key, and its text, NULL if too
 *		long) and its measurement (m, a success timed up to its
 *		transaction's deferred work, or up to now) to account, and mark it
 *		accounted.  The measurement's usage lives here until the next
 *		deferral.
 */
void
pss_commit_take(PssStatement *st, PssMeasure *m)
{
	Assert(pss_commit_flags.pending);
	pss_commit_fix();
	pss_commit_flags.pending = false;
	pss_commit_flags.accounted = true;
	pss_commit_flags.committing = !IsTransactionState();
	memset(st, 0, sizeof(*st));
	st->key = deferred.key;
	st->optimizable = false;
	st->source = deferred.text;
	st->location = -1;
	st->text = deferred.text_len >= 0 ? deferred.text : NULL;
	st->text_len = Max(deferred.text_len, 0);
	*m = deferred.measure;
	if (deferred.executor)
	{
		st->optimizable = true;
		m->usage = deferred.timed ? &deferred.usage : NULL;
		m->jitusage = deferred.has_jit ? &deferred.jit : NULL;
	}
	else
		m->usage = &deferred.usage;
}

/*
 * pss_commit_owns_error
 *		Does an error logged at the top level belong to the deferred
 *		statement?  Once accounted (its transaction committed, or a later
 *		statement took its place), no later error of the transaction
 *		counts; an error in a later message (a later statement of the same
 *		implicit transaction) is that statement's.  While it waits, the
 *		error's code is only noted: a deferred trigger may catch the error,
 *		and the transaction commit after all; the abort remembers the
 *		failure.
 */
bool
pss_commit_owns_error(int sqlerrcode)
{
	if (!(pss_commit_flags.pending || pss_commit_flags.accounted))
		return false;
	if (deferred.executor &&
		deferred.message != GetCurrentStatementStartTimestamp())
		return false;
	if (pss_commit_flags.pending)
		deferred.sqlerrcode = sqlerrcode;
	return true;
}

/*
 * pss_commit_runs_it
 *		Is the top-level statement ending now one that the waiting
 *		statement's commit runs (a deferred trigger's), rather than a later
 *		statement of its implicit transaction?  Between a deferred
 *		statement and its commit, only a later Execute message of the same
 *		implicit transaction runs statements of the client's: one of the
 *		same message (the commit of a simple Query; of a Sync, whose
 *		statement start is the last Execute's, when that is the waiting
 *		statement), or after a COMMIT, is the commit's.  Such a statement is
 *		accounted as it ends; what it leaves for the commit to check is the
 *		waiting statement's.
 */
bool
pss_commit_runs_it(void)
{
	return pss_commit_flags.pending &&
		(!deferred.executor ||
		 deferred.message == GetCurrentStatementStartTimestamp());
}

/*
 * pss_commit_aborted
 *		The transaction aborts: a statement still waiting for its commit
 *		failed (a deferred constraint, a holdable cursor that fails to
 *		persist, a serialization failure at the commit).  Remember its
 *		failure in place of its success, with the code of the error noted,
 *		or 40000 if the error was not logged; return whether it was
 *		remembered (a text too long to find again is not counted).
 *		Allocates nothing.
 */
bool
pss_commit_aborted(void)
{
	bool		pending = pss_commit_flags.pending;

	pss_commit_flags.pending = false;
	pss_commit_flags.accounted = false;
	pss_commit_flags.committing = false;
	if (!pending || deferred.text_len < 0)
		return false;
	pss_failure_remember(deferred.key.queryid, deferred.text, -1, 0,
						 deferred.executor, true,
						 (pss_now_ns() - deferred.start) / 1000000.0,
						 deferred.sqlerrcode != 0 ? deferred.sqlerrcode :
						 ERRCODE_TRANSACTION_ROLLBACK);
	return true;
}

/*
 * pss_commit_clear
 *		The transaction committed: nothing waits any more.
 */
void
pss_commit_clear(void)
{
	pss_commit_flags.pending = false;
	pss_commit_flags.accounted = false;
	pss_commit_flags.committing = false;
}
