/*-------------------------------------------------------------------------
 *
 * slow_sample.c
 *	  The slowest execution's sample: its text, parameters and plan; and
 *	  the text of a plan new to its entry.
 *
 * When an execution sets a new maximum time for its entry, the store asks
 * for its sample (the slowest_* columns); when it ran a plan its entry
 * does not keep (plan_id.c), for the plan's text (pg_slow_statements_plans).
 * Making them runs EXPLAIN and the parameters' output functions, which may
 * fail: pss_capture makes it so that nothing of that can change the
 * statement's outcome.  This
 * file keeps no state of its own: what it reads is the statement, the
 * execution's QueryDesc and the settings, and what it writes goes to the
 * store.
 *
 * src/slow_sample.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/detoast.h"
#include "access/xact.h"
#include "commands/explain.h"
#include "executor/execdesc.h"
#include "mb/pg_wchar.h"
#include "mb/stringinfo_mb.h"
#include "miscadmin.h"
#include "utils/lsyscache.h"
#include "utils/resowner.h"
#include "utils/timeout.h"

#include "commit_defer.h"
#include "compat.h"
#include "pg_slow_statements.h"
#include "slow_sample.h"
#include "stmt_text.h"
#include "store.h"

static void keep_sample(const PssStatement *st, const PssMeasure *m,
						QueryDesc *queryDesc, bool slowest, bool plan_text,
						bool plan_new, volatile bool *kept_slowest,
						volatile bool *kept_plan);
static void plan_text_none(const PssStatement *st, const PssMeasure *m,
						   bool plan_new, bool later);
static void capture_guarded(const PssStatement *st, const PssMeasure *m,
							QueryDesc *queryDesc, bool toplevel, bool slowest,
							bool plan_text, bool plan_new);
static void capture_timed_out(bool cancel_before);
static void capture_test_wait(void);


/*
 * pss_capture
 *		Act on what pss_store_record reported (recorded): keep the text and
 *		plan of an execution that set a new maximum time (PSS_SLOWEST), and
 *		the text of its plan, new to its entry (PSS_PLAN_NEW) or kept
 *		without its text so far (PSS_PLAN_TEXT), as keep_sample does,
 *		without ever changing the statement's outcome.  If the sample cannot
 *		be kept, no older sample stays beside the new maximum: the sample
 *		columns are then empty; a plan whose text cannot be made is kept
 *		without it.
 *
 * keep_sample runs EXPLAIN and the parameters' output functions, which
 * read the catalogs and can raise an error (out of memory, a function
 * dropped since the plan was made).  Catching an error is sound only if
 * what the failed code held is given back: locks, buffer pins, relcache
 * references, snapshots and memory belong to the resource owner of the
 * (sub)transaction that took them, and only ending that (sub)transaction
 * releases them; merely catching would leave them held, or released
 * later in the wrong state.  So the capture runs in an internal
 * subtransaction, rolled back if it fails, as a PL/pgSQL exception block
 * does: what it took is released and nothing outside it changes.
 * Interrupts are held throughout, so that a cancel or statement_timeout
 * arriving meanwhile waits for the next check after the capture rather
 * than failing a statement that has completed; a statement_timeout that
 * fired during the capture of a top-level statement is then withdrawn
 * (capture_timed_out), as that statement is done (toplevel: it started
 * at nesting level 0).  The capture's cost is
 * bounded by slowest_text_max (keep_sample), EXPLAIN's by the plan.
 *
 * Only an executor statement's capture needs the subtransaction, and only
 * ExecutorEnd starts one: it runs in a transaction in progress (never in a
 * transaction block state where a subtransaction is refused, such as just
 * after BEGIN, SAVEPOINT or ROLLBACK: those last only until the end of the
 * transaction command itself, which runs no query), or while a commit or
 * PREPARE TRANSACTION persists a holdable cursor, where one may start.  A
 * utility statement is accounted in any state, BEGIN and ROLLBACK
 * included, and its capture needs none: keep_sample then only copies its
 * text in memory, so the only error possible is palloc running out of
 * memory with nothing held, which is sound to catch as it is.
 *
 * Outside a transaction in progress, or in parallel mode, the capture is
 * skipped, except for a statement accounted once its transaction has
 * committed (pss_commit_committing: queryDesc is NULL, its capture a copy
 * of its text).  A capture skipped or failed is counted in samples_dropped
 * (once, whether it was a sample, a plan's text or both).  An execution
 * accounted after its executor is gone (queryDesc NULL: a statement
 * accounted at its commit) leaves its plan's text to the plan's next
 * execution.
 */
void
pss_capture(const PssStatement *st, const PssMeasure *m,
			QueryDesc *queryDesc, bool toplevel, int recorded)
{
	bool		slowest = (recorded & PSS_SLOWEST) != 0;
	bool		plan_new = (recorded & PSS_PLAN_NEW) != 0;
	bool		plan_text = (recorded & (PSS_PLAN_NEW | PSS_PLAN_TEXT)) != 0;

	/* a plan's text is made only with EXPLAIN, from its execution */
	if (plan_text &&
		(!pss_capture_plan || queryDesc == NULL || queryDesc->planstate == NULL))
	{
		plan_text_none(st, m, plan_new, pss_capture_plan && queryDesc == NULL);
		plan_text = plan_new = false;
	}
	if (!slowest && !plan_text)
		return;
	if (pss_slowest_text_max <= 0 ||
		(!IsTransactionState() && !pss_commit_committing()) ||
		IsInParallelMode())
	{
		if (slowest)
			pss_store_set_slowest(&st->key, m->time_ms, NULL, 0, NULL, 0);
		if (plan_text)
			plan_text_none(st, m, plan_new, false);
		if (pss_slowest_text_max > 0)
			pss_store_sample_dropped();
		return;
	}
	capture_guarded(st, m, queryDesc, toplevel, slowest, plan_text, plan_new);
}

/*
 * capture_guarded
 *		pss_capture's capture proper, in a subtransaction for an executor
 *		statement, with interrupts held (see pss_capture).
 */
static void
capture_guarded(const PssStatement *st, const PssMeasure *m,
				QueryDesc *queryDesc, bool toplevel, bool slowest,
				bool plan_text, bool plan_new)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	uint32		holdoff = InterruptHoldoffCount;
	uint32		cancel_holdoff = QueryCancelHoldoffCount;
	volatile bool in_subxact = false;
	volatile bool kept_slowest = false;
	volatile bool kept_plan = false;
	bool		timeout_before;
	bool		cancel_before;

	timeout_before = get_timeout_indicator(STATEMENT_TIMEOUT, false);
	cancel_before = QueryCancelPending;
	HOLD_INTERRUPTS();
	if (pss_test_capture_wait)
		capture_test_wait();
	PG_TRY();
	{
		if (queryDesc != NULL)
		{
			BeginInternalSubTransaction(NULL);
			in_subxact = true;
			/* allocate in the caller's memory, not the subtransaction's */
			MemoryContextSwitchTo(oldcxt);
		}
		keep_sample(st, m, queryDesc, slowest, plan_text, plan_new,
					&kept_slowest, &kept_plan);
		if (in_subxact)
		{
			ReleaseCurrentSubTransaction();
			in_subxact = false;
		}
	}
	PG_CATCH();
	{
		/* errfinish cleared the holdoff counts: restore ours */
		InterruptHoldoffCount = holdoff + 1;
		QueryCancelHoldoffCount = cancel_holdoff;
		MemoryContextSwitchTo(oldcxt);
		FlushErrorState();
		if (in_subxact)
			RollbackAndReleaseCurrentSubTransaction();
	}
	PG_END_TRY();
	MemoryContextSwitchTo(oldcxt);
	CurrentResourceOwner = oldowner;
	RESUME_INTERRUPTS();
	if (!timeout_before && toplevel &&
		get_timeout_indicator(STATEMENT_TIMEOUT, false))
		capture_timed_out(cancel_before);

	if (slowest && !kept_slowest)
		pss_store_set_slowest(&st->key, m->time_ms, NULL, 0, NULL, 0);
	if (plan_text && !kept_plan)
		plan_text_none(st, m, plan_new, false);
	if ((slowest && !kept_slowest) || (plan_text && !kept_plan))
		pss_store_sample_dropped();
}

/*
 * plan_text_none
 *		A plan's text is not made: a new plan is added without it, to be
 *		made at its next execution if later; a plan kept without its text
 *		is no longer asked for it, unless later.
 */
static void
plan_text_none(const PssStatement *st, const PssMeasure *m, bool plan_new,
			   bool later)
{
	if (plan_new)
		pss_store_add_plan(&st->key, m, NULL, 0, later);
	else if (!later)
		pss_store_set_plan_text(&st->key, m->planid, NULL, 0);
}

/*
 * capture_timed_out
 *		The statement_timeout fired during the capture of a top-level
 *		statement that has completed: withdraw it.
 *
 * The timeout was held off by the capture; left pending, it would be
 * raised at the next check, which may come only once the backend waits
 * for the client's next command: that command, or the statement, would
 * fail with "canceling statement due to statement timeout" for time the
 * statement did not take.  The query cancel it raised is withdrawn too,
 * unless one was pending before the capture or a lock timeout asked for
 * it.  (A cancel sent by a user during the capture is withdrawn with it:
 * it came after the statement's work was done, as when it comes between
 * two commands, where the server ignores it too.)
 */
static void
capture_timed_out(bool cancel_before)
{
	(void) get_timeout_indicator(STATEMENT_TIMEOUT, true);
	if (!cancel_before && !get_timeout_indicator(LOCK_TIMEOUT, false))
		QueryCancelPending = false;
}

/*
 * capture_test_wait
 *		For the tests (pg_slow_statements.test_capture_wait): hold the
 *		capture until the statement_timeout fires, for up to 10 s, so that
 *		a test can make it fire there without depending on timing.
 */
static void
capture_test_wait(void)
{
	int			waited_ms;

	for (waited_ms = 0; waited_ms < 10000 &&
		 !get_timeout_indicator(STATEMENT_TIMEOUT, false); waited_ms += 10)
		pg_usleep(10000L);
}

/*
 * sample_params
 *		Append the parameters of a prepared statement's execution to buf,
 *		as "$1 = '...', $2 = ..." (the server log's form), until buf holds
 *		more than cap bytes: the rest would be cut anyway.
 *
 * A statement may have 65535 parameters, each as long as the client
 * likes: the parameters after the cap are not even printed, and each one
 * is cut to what is left of cap.  A variable-length value more than
 * PSS_PARAM_SHOWN_MAX times longer than what is left is not given to its
 * output function at all (which would convert all of it, with interrupts
 * held): it is shown as its size, "(N bytes)".  So the work is bounded by
 * cap, not by the input.
 */
#define PSS_PARAM_SHOWN_MAX		8

static void
sample_params(StringInfo buf, ParamListInfo params, int cap)
{
	int			i;

	appendStringInfoString(buf, "\nparameters: ");
	for (i = 0; i < params->numParams && buf->len <= cap; i++)
	{
		ParamExternData *p = &params->params[i];

		appendStringInfo(buf, "%s$%d = ", i > 0 ? ", " : "", i + 1);
		if (p->isnull || !OidIsValid(p->ptype))
			appendStringInfoString(buf, "NULL");
		else
		{
			Oid			typoutput;
			bool		typisvarlena;
			char	   *value;

			getTypeOutputInfo(p->ptype, &typoutput, &typisvarlena);
			if (typisvarlena)
			{
				Size		size = toast_raw_datum_size(p->value) - VARHDRSZ;

				if (size > (Size) Max(cap - buf->len, 1) * PSS_PARAM_SHOWN_MAX)
				{
					appendStringInfo(buf, "(%zu bytes)", size);
					continue;
				}
			}
			value = OidOutputFunctionCall(typoutput, p->value);
			appendStringInfoStringQuoted(buf, value,
										 Max(cap - buf->len, 1));
			pfree(value);
		}
	}
}

/*
 * keep_sample
 *		Store the text (and, for the executor, the parameters and the plan)
 *		of an execution that set a new maximum time, if slowest; the text
 *		of its plan, if plan_text: as the entry's new plan, if plan_new.  Sets *kept_slowest
 *		and *kept_plan as each is stored (the caller counts the others as
 *		dropped).
 *
 * Runs only when pss_store_record reported a new maximum or a plan to
 * explain, which become rare as an entry ages: this is where the cost of EXPLAIN is
 * paid, once for both.
 *
 * The sample never holds what the statement carries as values unless they
 * may be kept: a utility statement's constants can be credentials (CREATE
 * ROLE ... PASSWORD, USER MAPPING and SERVER options, SUBSCRIPTION
 * connection strings), so a utility statement is always kept as its
 * normalized text; with capture_constants off, every statement is, and its
 * plan is printed without costs and with its constants replaced by $n too.
 *
 * Every piece is at most slowest_text_max bytes, and no more than that is
 * produced of it: the statement is hostile input (its normalized text can
 * be twenty times its length, past MaxAllocSize), and the capture runs
 * with interrupts held, so its cost must not grow with the statement.
 * Only EXPLAIN's own output is not bounded this way (it is cut after).
 */
static void
keep_sample(const PssStatement *st, const PssMeasure *m, QueryDesc *queryDesc,
			bool slowest, bool plan_text, bool plan_new,
			volatile bool *kept_slowest, volatile bool *kept_plan)
{
	StringInfoData text;
	char	   *plan = NULL;
	int			plan_len = 0;
	int			cap = pss_slowest_text_max;
	bool		values = st->optimizable && pss_capture_constants;
	bool		cut;

	if (pss_capture_plan && queryDesc != NULL && queryDesc->planstate != NULL)
	{
		ExplainState *es = NewExplainState();

		es->format = EXPLAIN_FORMAT_TEXT;
		es->costs = values;
		ExplainBeginOutput(es);
		ExplainPrintPlan(es, queryDesc);
		ExplainEndOutput(es);
		while (es->str->len > 0 && es->str->data[es->str->len - 1] == '\n')
			es->str->len--;
		plan = es->str->data;
		plan_len = es->str->len;
		if (!values)
			plan = pss_text_normalize(plan, plan_len,
									  pss_std_strings(), cap, false,
									  &plan_len, &cut);
		if (plan == NULL)
			return;
		if (plan_len > cap)
			plan_len = pg_mbcliplen(plan, plan_len, cap);
	}
	if (plan_text)
	{
		if (plan_new)
			pss_store_add_plan(&st->key, m, plan, plan_len, false);
		else
			pss_store_set_plan_text(&st->key, m->planid, plan, plan_len);
		*kept_plan = true;
	}
	if (!slowest)
		return;

	if (values)
	{
		/* a whole last character past cap, for pg_mbcliplen below */
		initStringInfo(&text);
		appendBinaryStringInfo(&text, st->text,
							   Min(st->text_len, cap + MAX_MULTIBYTE_CHAR_LEN));
		if (queryDesc != NULL && queryDesc->params != NULL &&
			queryDesc->params->numParams > 0 &&
			queryDesc->params->paramFetch == NULL && text.len <= cap)
			sample_params(&text, queryDesc->params, cap);
		if (text.len > cap)
			text.len = pg_mbcliplen(text.data, text.len, cap);
	}
	else
	{
		text.data = pss_text_normalize(st->text, st->text_len,
									   pss_std_strings(), cap,
									   false, &text.len, &cut);
		if (text.data == NULL)
			return;
	}

	pss_store_set_slowest(&st->key, m->time_ms, text.data, text.len,
						  plan, plan_len);
	pfree(text.data);
	*kept_slowest = true;
}
