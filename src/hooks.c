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
 * inside of; a statement is top level when it starts at level 0.  It is
 * restored on error by PG_FINALLY blocks.
 *
 * src/hooks.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>

#include "executor/executor.h"
#include "executor/instrument.h"
#include "jit/jit.h"
#include "optimizer/planner.h"
#include "parser/analyze.h"
#include "tcop/utility.h"
#include "utils/queryjumble.h"

#include "fingerprint.h"
#include "hooks.h"
#include "pg_slow_statements.h"
#include "store.h"

/*---- Local variables ----*/

/* Current nesting depth of planner/executor/utility calls */
static int	nesting_level = 0;

/* Saved hook values */
static post_parse_analyze_hook_type prev_post_parse_analyze_hook = NULL;
static planner_hook_type prev_planner_hook = NULL;
static ExecutorStart_hook_type prev_ExecutorStart = NULL;
static ExecutorRun_hook_type prev_ExecutorRun = NULL;
static ExecutorFinish_hook_type prev_ExecutorFinish = NULL;
static ExecutorEnd_hook_type prev_ExecutorEnd = NULL;
static ProcessUtility_hook_type prev_ProcessUtility = NULL;

static void pss_post_parse_analyze(ParseState *pstate, Query *query,
								   JumbleState *jstate);
static PlannedStmt *pss_planner(Query *parse, const char *query_string,
								int cursorOptions, ParamListInfo boundParams);
static void pss_ExecutorStart(QueryDesc *queryDesc, int eflags);
static void pss_ExecutorRun(QueryDesc *queryDesc, ScanDirection direction,
							uint64 count, bool execute_once);
static void pss_ExecutorFinish(QueryDesc *queryDesc);
static void pss_ExecutorEnd(QueryDesc *queryDesc);
static void pss_ProcessUtility(PlannedStmt *pstmt, const char *queryString,
							   bool readOnlyTree,
							   ProcessUtilityContext context,
							   ParamListInfo params,
							   QueryEnvironment *queryEnv,
							   DestReceiver *dest, QueryCompletion *qc);

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
}

/*
 * statement_text
 *		The slice of source that holds one statement, without surrounding
 *		white space.
 *
 * location < 0 means the whole string; len <= 0 means up to its end (the
 * parser's conventions for a statement's location and length).
 */
static const char *
statement_text(const char *source, int location, int len, int *text_len)
{
	const char *s = source;
	int			n;

	if (location > 0)
		s += location;
	n = (location >= 0 && len > 0) ? len : (int) strlen(s);

	while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' ||
					 *s == '\f' || *s == '\v'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
					 s[n - 1] == '\n' || s[n - 1] == '\r' ||
					 s[n - 1] == '\f' || s[n - 1] == '\v'))
		n--;
	*text_len = n;
	return s;
}

/*
 * skip_space
 *		Skip white space and comments (nested block comments, line
 *		comments) from s, returning where the next token starts.
 */
static const char *
skip_space(const char *s, const char *end)
{
	while (s < end)
	{
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' ||
			*s == '\f' || *s == '\v')
			s++;
		else if (s + 1 < end && s[0] == '-' && s[1] == '-')
		{
			while (s < end && *s != '\n')
				s++;
		}
		else if (s + 1 < end && s[0] == '/' && s[1] == '*')
		{
			int			depth = 0;

			while (s < end)
			{
				if (s + 1 < end && s[0] == '/' && s[1] == '*')
					depth++, s += 2;
				else if (s + 1 < end && s[0] == '*' && s[1] == '/')
				{
					s += 2;
					if (--depth == 0)
						break;
				}
				else
					s++;
			}
		}
		else
			break;
	}
	return s;
}

/*
 * skip_word
 *		If s starts with the keyword word (any letter case) as a whole
 *		word, return the position after it, else NULL.
 */
static const char *
skip_word(const char *s, const char *end, const char *word)
{
	size_t		n = strlen(word);

	if ((size_t) (end - s) < n || pg_strncasecmp(s, word, n) != 0)
		return NULL;
	if (s + n < end && (isalnum((unsigned char) s[n]) || s[n] == '_' ||
						s[n] == '$' || IS_HIGHBIT_SET(s[n])))
		return NULL;
	return s + n;
}

/*
 * explained_statement
 *		For the statement inside an EXPLAIN, whose text the parser gives as
 *		the whole EXPLAIN command, the slice that holds the statement alone.
 *
 * Skips "EXPLAIN", an option list in parentheses and the ANALYZE and
 * VERBOSE keywords of the old syntax.  Leaves the text as it is if it does
 * not start with EXPLAIN.
 */
static const char *
explained_statement(const char *text, int *text_len)
{
	const char *end = text + *text_len;
	const char *s = skip_space(text, end);
	const char *next;

	if ((next = skip_word(s, end, "explain")) == NULL)
		return text;
	s = skip_space(next, end);
	if (s < end && *s == '(')
	{
		int			depth = 0;

		for (; s < end; s++)
		{
			if (*s == '(')
				depth++;
			else if (*s == ')' && --depth == 0)
			{
				s++;
				break;
			}
		}
	}
	for (;;)
	{
		s = skip_space(s, end);
		if ((next = skip_word(s, end, "analyze")) == NULL &&
			(next = skip_word(s, end, "analyse")) == NULL &&
			(next = skip_word(s, end, "verbose")) == NULL)
			break;
		s = next;
	}
	*text_len = (int) (end - s);
	return s;
}

/*
 * record
 *		Look up the statement's key and hand a measurement to the store.
 *
 * queryId is the id the statement carries: our fingerprint when the core
 * computes none (we put it there), otherwise the core's, and then the
 * fingerprint is computed from the text here.  optimizable is false for
 * utility statements: only an optimizable statement can be the one inside
 * an EXPLAIN, whose text starts with the EXPLAIN command.
 */
static void
record(uint64 queryId, const char *source, int location, int len,
	   bool optimizable, bool toplevel, const PssMeasure *measure)
{
	const char *text;
	int			text_len;
	uint64		fingerprint;

	text = statement_text(source, location, len, &text_len);
	if (optimizable)
		text = explained_statement(text, &text_len);
	if (IsQueryIdEnabled())
		fingerprint = pss_fingerprint(text, text_len);
	else
		fingerprint = queryId;
	pss_store_record(fingerprint, toplevel, text, text_len, measure);
}

/*
 * pss_post_parse_analyze
 *		Give the statement our fingerprint as its queryId when the core
 *		computes none.
 */
static void
pss_post_parse_analyze(ParseState *pstate, Query *query, JumbleState *jstate)
{
	const char *text;
	int			text_len;

	if (prev_post_parse_analyze_hook)
		prev_post_parse_analyze_hook(pstate, query, jstate);

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

	text = statement_text(pstate->p_sourcetext, query->stmt_location,
						  query->stmt_len, &text_len);
	if (query->utilityStmt == NULL)
		text = explained_statement(text, &text_len);
	query->queryId = pss_fingerprint(text, text_len);
}

/*
 * pss_planner
 *		Time planning when track_planning is on.
 *
 * The nesting level is raised in any case, so that functions evaluated
 * during planning are not taken for top-level statements.
 */
static PlannedStmt *
pss_planner(Query *parse, const char *query_string, int cursorOptions,
			ParamListInfo boundParams)
{
	PlannedStmt *result;

	if (pss_track_planning && query_string != NULL &&
		parse->queryId != UINT64CONST(0) && PSS_ENABLED(nesting_level) &&
		pss_store_ready())
	{
		instr_time	start;
		instr_time	duration;
		BufferUsage bufusage_start = pgBufferUsage;
		BufferUsage bufusage;
		WalUsage	walusage_start = pgWalUsage;
		WalUsage	walusage;
		PssMeasure	measure;

		INSTR_TIME_SET_CURRENT(start);
		nesting_level++;
		PG_TRY();
		{
			if (prev_planner_hook)
				result = prev_planner_hook(parse, query_string, cursorOptions,
										   boundParams);
			else
				result = standard_planner(parse, query_string, cursorOptions,
										  boundParams);
		}
		PG_FINALLY();
		{
			nesting_level--;
		}
		PG_END_TRY();
		INSTR_TIME_SET_CURRENT(duration);
		INSTR_TIME_SUBTRACT(duration, start);

		memset(&bufusage, 0, sizeof(bufusage));
		BufferUsageAccumDiff(&bufusage, &pgBufferUsage, &bufusage_start);
		memset(&walusage, 0, sizeof(walusage));
		WalUsageAccumDiff(&walusage, &pgWalUsage, &walusage_start);

		measure.kind = PSS_PLAN;
		measure.time_ms = INSTR_TIME_GET_MILLISEC(duration);
		measure.rows = 0;
		measure.bufusage = &bufusage;
		measure.walusage = &walusage;
		measure.jitusage = NULL;
		record(parse->queryId, query_string, parse->stmt_location,
			   parse->stmt_len, true, nesting_level == 0, &measure);
	}
	else
	{
		nesting_level++;
		PG_TRY();
		{
			if (prev_planner_hook)
				result = prev_planner_hook(parse, query_string, cursorOptions,
										   boundParams);
			else
				result = standard_planner(parse, query_string, cursorOptions,
										  boundParams);
		}
		PG_FINALLY();
		{
			nesting_level--;
		}
		PG_END_TRY();
	}
	return result;
}

/*
 * pss_ExecutorStart
 *		Ask the executor to keep totals for a statement we track.
 */
static void
pss_ExecutorStart(QueryDesc *queryDesc, int eflags)
{
	if (prev_ExecutorStart)
		prev_ExecutorStart(queryDesc, eflags);
	else
		standard_ExecutorStart(queryDesc, eflags);

	/*
	 * totaltime is allocated in the query's context, so that it goes away
	 * with the query.  Another module may have set it up already: it is
	 * shared then.
	 */
	if (queryDesc->plannedstmt->queryId != UINT64CONST(0) &&
		PSS_ENABLED(nesting_level) && queryDesc->totaltime == NULL &&
		(eflags & EXEC_FLAG_EXPLAIN_ONLY) == 0 && pss_store_ready())
	{
		MemoryContext oldcxt;

		oldcxt = MemoryContextSwitchTo(queryDesc->estate->es_query_cxt);
		queryDesc->totaltime = InstrAlloc(1, INSTRUMENT_ALL, false);
		MemoryContextSwitchTo(oldcxt);
	}
}

/*
 * pss_ExecutorRun
 *		Keep the nesting level while the statement runs.
 */
static void
pss_ExecutorRun(QueryDesc *queryDesc, ScanDirection direction, uint64 count,
				bool execute_once)
{
	nesting_level++;
	PG_TRY();
	{
		if (prev_ExecutorRun)
			prev_ExecutorRun(queryDesc, direction, count, execute_once);
		else
			standard_ExecutorRun(queryDesc, direction, count, execute_once);
	}
	PG_FINALLY();
	{
		nesting_level--;
	}
	PG_END_TRY();
}

/*
 * pss_ExecutorFinish
 *		Keep the nesting level while AFTER triggers and the like run.
 */
static void
pss_ExecutorFinish(QueryDesc *queryDesc)
{
	nesting_level++;
	PG_TRY();
	{
		if (prev_ExecutorFinish)
			prev_ExecutorFinish(queryDesc);
		else
			standard_ExecutorFinish(queryDesc);
	}
	PG_FINALLY();
	{
		nesting_level--;
	}
	PG_END_TRY();
}

/*
 * pss_ExecutorEnd
 *		Account the execution of a tracked statement.
 */
static void
pss_ExecutorEnd(QueryDesc *queryDesc)
{
	uint64		queryId = queryDesc->plannedstmt->queryId;

	/* EXPLAIN without ANALYZE did not run the statement: not a call */
	if (queryId != UINT64CONST(0) && queryDesc->totaltime &&
		queryDesc->sourceText != NULL && PSS_ENABLED(nesting_level) &&
		(queryDesc->estate->es_top_eflags & EXEC_FLAG_EXPLAIN_ONLY) == 0 &&
		pss_store_ready())
	{
		PssMeasure	measure;

		/* Make sure the totals are complete */
		InstrEndLoop(queryDesc->totaltime);

		measure.kind = PSS_EXEC;
		measure.time_ms = queryDesc->totaltime->total * 1000.0;
		measure.rows = queryDesc->estate->es_processed;
		measure.bufusage = &queryDesc->totaltime->bufusage;
		measure.walusage = &queryDesc->totaltime->walusage;
		measure.jitusage = queryDesc->estate->es_jit ?
			&queryDesc->estate->es_jit->instr : NULL;
		record(queryId, queryDesc->sourceText,
			   queryDesc->plannedstmt->stmt_location,
			   queryDesc->plannedstmt->stmt_len,
			   true, nesting_level == 0, &measure);
	}

	if (prev_ExecutorEnd)
		prev_ExecutorEnd(queryDesc);
	else
		standard_ExecutorEnd(queryDesc);
}

/*
 * pss_ProcessUtility
 *		Time utility statements, and raise the nesting level around them so
 *		that what they run (a DO block, a procedure) is not top level.
 *
 * EXECUTE is passed through at the same level: the statement it runs is
 * the top-level statement, counted by the executor hooks.
 */
static void
pss_ProcessUtility(PlannedStmt *pstmt, const char *queryString,
				   bool readOnlyTree, ProcessUtilityContext context,
				   ParamListInfo params, QueryEnvironment *queryEnv,
				   DestReceiver *dest, QueryCompletion *qc)
{
	Node	   *parsetree = pstmt->utilityStmt;
	uint64		queryId = pstmt->queryId;
	int			location = pstmt->stmt_location;
	int			len = pstmt->stmt_len;
	bool		track;
	instr_time	start;
	instr_time	duration;
	BufferUsage bufusage_start = pgBufferUsage;
	BufferUsage bufusage;
	WalUsage	walusage_start = pgWalUsage;
	WalUsage	walusage;
	PssMeasure	measure;

	if (PSS_PREPARE_UTILITY(parsetree))
	{
		if (prev_ProcessUtility)
			prev_ProcessUtility(pstmt, queryString, readOnlyTree, context,
								params, queryEnv, dest, qc);
		else
			standard_ProcessUtility(pstmt, queryString, readOnlyTree, context,
									params, queryEnv, dest, qc);
		return;
	}

	track = pss_track_utility && queryId != UINT64CONST(0) &&
		queryString != NULL && PSS_ENABLED(nesting_level) &&
		pss_store_ready();

	if (track)
		INSTR_TIME_SET_CURRENT(start);

	nesting_level++;
	PG_TRY();
	{
		if (prev_ProcessUtility)
			prev_ProcessUtility(pstmt, queryString, readOnlyTree, context,
								params, queryEnv, dest, qc);
		else
			standard_ProcessUtility(pstmt, queryString, readOnlyTree, context,
									params, queryEnv, dest, qc);
	}
	PG_FINALLY();
	{
		nesting_level--;
	}
	PG_END_TRY();

	if (!track)
		return;

	INSTR_TIME_SET_CURRENT(duration);
	INSTR_TIME_SUBTRACT(duration, start);

	memset(&bufusage, 0, sizeof(bufusage));
	BufferUsageAccumDiff(&bufusage, &pgBufferUsage, &bufusage_start);
	memset(&walusage, 0, sizeof(walusage));
	WalUsageAccumDiff(&walusage, &pgWalUsage, &walusage_start);

	measure.kind = PSS_EXEC;
	measure.time_ms = INSTR_TIME_GET_MILLISEC(duration);
	/* Rows only where the command reports a meaningful count */
	measure.rows = (qc && (qc->commandTag == CMDTAG_COPY ||
						   qc->commandTag == CMDTAG_FETCH ||
						   qc->commandTag == CMDTAG_SELECT ||
						   qc->commandTag == CMDTAG_REFRESH_MATERIALIZED_VIEW)) ?
		qc->nprocessed : 0;
	measure.bufusage = &bufusage;
	measure.walusage = &walusage;
	measure.jitusage = NULL;
	record(queryId, queryString, location, len, false, nesting_level == 0,
		   &measure);
}
