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
 * restored on error by PG_CATCH blocks.
 *
 * A statement that fails is noted in its PG_CATCH block (error code, time
 * so far, a copy of its text, in preallocated memory: no allocation, no
 * lock) and accounted when its (sub)transaction aborts, once the error is
 * cleaned up.
 *
 * src/hooks.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>

#include "access/xact.h"
#include "catalog/namespace.h"
#include "commands/explain.h"
#include "executor/executor.h"
#include "executor/instrument.h"
#include "jit/jit.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "optimizer/planner.h"
#include "parser/analyze.h"
#include "storage/bufmgr.h"
#include "storage/proc.h"
#include "tcop/utility.h"
#include "utils/memutils.h"
#include "utils/queryjumble.h"

#include "fingerprint.h"
#include "hooks.h"
#include "pg_slow_statements.h"
#include "store.h"

/*
 * A statement about to be accounted: its key, and where its own text is.
 * The text is sliced out of the source only when needed (statement_slice):
 * to fingerprint it when the core computes the query ids, or to create its
 * entry.
 */
typedef struct PssStatement
{
	PssKey		key;
	const char *source;
	int			location;
	int			len;
	bool		optimizable;
	const char *text;			/* NULL until sliced */
	int			text_len;
} PssStatement;

/*
 * What the executor hooks measure of one execution, kept in backend memory
 * from ExecutorStart to ExecutorEnd: time and buffer/WAL usage inside
 * ExecutorRun and ExecutorFinish, as the executor's own totals would, at a
 * fraction of their cost.  One slot per execution in progress (nested
 * statements and open cursors make several).
 *
 * A period is measured without a snapshot: its start subtracts the
 * backend's running totals (clock, buffer and WAL counters) from the
 * accumulators, its end adds them back, so that between periods the
 * accumulators hold the sum of the finished periods.
 */
typedef struct PssExec
{
	QueryDesc  *queryDesc;
	SubTransactionId subid;		/* subtransaction it started in */
	bool		running;		/* inside ExecutorRun or ExecutorFinish */
	bool		timed;			/* the running period counts I/O time */
	bool		measured;		/* a period has started: usage is set */
	int64		elapsed_ns;		/* see above */
	PssUsage	usage;			/* see above, once measured */
} PssExec;

/*
 * Backend-local count of each statement's executions in the current
 * top-level transaction (N+1 loops); see calls_in_xact.
 */
#define PSS_XACT_SLOTS		1024	/* power of two */
#define PSS_XACT_PROBES		8

typedef struct PssXactSlot
{
	uint64		queryid;
	Oid			userid;
	Oid			dbid;
	LocalTransactionId lxid;	/* transaction the count belongs to */
	bool		toplevel;
	int64		calls;
} PssXactSlot;

/*
 * A failure noted in an error path, published when the (sub)transaction
 * aborts.  Preallocated: nothing is allocated while an error is raised.
 */
#define PSS_PENDING_MAX		8
#define PSS_PENDING_TEXT	8192

typedef struct PssPendingFailure
{
	PssKey		key;
	int			sqlerrcode;
	double		time_ms;
	TimestampTz at;
	int			text_len;		/* -1: text too long, not kept */
	char		text[PSS_PENDING_TEXT];
} PssPendingFailure;

/*
 * instr_ns
 *		An instr_time in nanoseconds.
 */
#ifdef INSTR_TIME_GET_NANOSEC
#define instr_ns(t)	((int64) INSTR_TIME_GET_NANOSEC(t))
#else
static inline int64
instr_ns(instr_time t)
{
	return (int64) t.tv_sec * 1000000000 + t.tv_nsec;
}
#endif

/*---- Local variables ----*/

/* Current nesting depth of planner/executor/utility calls */
static int	nesting_level = 0;

static PssXactSlot xact_slots[PSS_XACT_SLOTS];

/*
 * Executions in progress: in exec_slots, or in TopMemoryContext when more
 * than PSS_EXEC_SLOTS are nested or open at once
 */
#define PSS_EXEC_SLOTS		16

static PssExec exec_slots[PSS_EXEC_SLOTS];
static PssExec *execs = exec_slots;
static int	nexecs = 0;
static int	maxexecs = PSS_EXEC_SLOTS;

static PssPendingFailure pending[PSS_PENDING_MAX];
static int	npending = 0;

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
static void set_fingerprint(const char *source, Query *query);
static void executor_finish_nested(QueryDesc *queryDesc);
static void utility_nested(PlannedStmt *pstmt, const char *queryString,
						   bool readOnlyTree, ProcessUtilityContext context,
						   ParamListInfo params, QueryEnvironment *queryEnv,
						   DestReceiver *dest, QueryCompletion *qc);
static void statement_slice(PssStatement *st);
static void keep_slowest(const PssStatement *st, double time_ms,
						 QueryDesc *queryDesc);
static void pss_xact_callback(XactEvent event, void *arg);
static void pss_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
								 SubTransactionId parentSubid, void *arg);

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

	RegisterXactCallback(pss_xact_callback, NULL);
	RegisterSubXactCallback(pss_subxact_callback, NULL);
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
	const char *s;
	const char *next;

	/* the text is trimmed: it starts with EXPLAIN or with a comment */
	if (*text_len == 0 || ((text[0] | 0x20) != 'e' && text[0] != '/' &&
						   text[0] != '-'))
		return text;
	s = pss_skip_space(text, end);
	if ((next = skip_word(s, end, "explain")) == NULL)
		return text;
	s = pss_skip_space(next, end);
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
		s = pss_skip_space(s, end);
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
 * pss_fingerprint_text
 *		The fingerprint of a statement's text, computed over its UTF-8 form,
 *		so that it is the same in databases of every encoding.
 *
 * Only a text with a byte above 0x7f, in a database whose encoding is
 * neither UTF8 nor SQL_ASCII (which says nothing about its bytes), is
 * converted: others cost nothing more.  The conversion function and a
 * buffer are looked up and sized only when prepare is true, during parse
 * analysis (in a transaction, where that may fail or allocate); with
 * prepare false, as in error paths, where nothing may be allocated, only
 * what was prepared before is used.  A text that cannot be converted then,
 * or at all, is hashed as its own bytes (the README says so).
 */
uint64
pss_fingerprint_text(const char *text, int len, bool prepare)
{
	static FmgrInfo *to_utf8 = NULL;
	static char *buf = NULL;
	static Size buflen = 0;
	int			encoding = GetDatabaseEncoding();
	char	   *out;
	Size		need;
	int			i;
	uint64		fp;

	if (encoding == PG_UTF8 || encoding == PG_SQL_ASCII)
		return pss_fingerprint(text, len);
	for (i = 0; i < len && !IS_HIGHBIT_SET(text[i]); i++)
		;
	if (i == len || len >= (int) ((MaxAllocSize - 1) / MAX_CONVERSION_GROWTH))
		return pss_fingerprint(text, len);

	need = (Size) len * MAX_CONVERSION_GROWTH + 1;
	if (prepare && to_utf8 == NULL && IsTransactionState())
	{
		Oid			proc = FindDefaultConversionProc(encoding, PG_UTF8);

		if (OidIsValid(proc))
		{
			FmgrInfo   *f = MemoryContextAlloc(TopMemoryContext,
											   sizeof(FmgrInfo));

			fmgr_info_cxt(proc, f, TopMemoryContext);
			to_utf8 = f;
		}
	}
	if (to_utf8 == NULL)
		return pss_fingerprint(text, len);

	/* a buffer kept for texts up to 64 kB; a bigger one only for a call */
	out = buf;
	if (need > buflen)
	{
		if (!prepare)
			return pss_fingerprint(text, len);
		if (need <= 65536)
		{
			out = MemoryContextAlloc(TopMemoryContext, 65536);
			if (buf != NULL)
				pfree(buf);
			buf = out;
			buflen = 65536;
		}
		else
			out = palloc(need);
	}

	/* noError: returns how many bytes it converted, raises nothing */
	if (DatumGetInt32(FunctionCall6(to_utf8,
									Int32GetDatum(encoding),
									Int32GetDatum(PG_UTF8),
									CStringGetDatum(text),
									CStringGetDatum(out),
									Int32GetDatum(len),
									BoolGetDatum(true))) == len)
		fp = pss_fingerprint(out, strlen(out));
	else
		fp = pss_fingerprint(text, len);
	if (out != buf)
		pfree(out);
	return fp;
}

/*
 * statement_key
 *		The key of a statement about to be accounted.
 *
 * queryId is the id the statement carries: our fingerprint when the core
 * computes none (we put it there), otherwise the core's, and then the
 * fingerprint is computed from the text here.  optimizable is false for
 * utility statements: only an optimizable statement can be the one inside
 * an EXPLAIN, whose text starts with the EXPLAIN command.
 *
 * Allocates nothing and raises no error: it also runs in error paths.
 */
static void
statement_key(PssStatement *st, uint64 queryId, const char *source,
			  int location, int len, bool optimizable, bool toplevel)
{
	st->source = source;
	st->location = location;
	st->len = len;
	st->optimizable = optimizable;
	st->text = NULL;
	st->text_len = 0;

	memset(&st->key, 0, sizeof(PssKey));
	st->key.userid = GetUserId();
	st->key.dbid = MyDatabaseId;
	st->key.toplevel = toplevel;
	if (IsQueryIdEnabled())
	{
		statement_slice(st);
		st->key.queryid = pss_fingerprint_text(st->text, st->text_len, false);
	}
	else
		st->key.queryid = queryId;
}

/*
 * statement_slice
 *		Find the statement's own text in its source, once.
 */
static void
statement_slice(PssStatement *st)
{
	if (st->text != NULL)
		return;
	st->text = statement_text(st->source, st->location, st->len,
							  &st->text_len);
	if (st->optimizable)
		st->text = explained_statement(st->text, &st->text_len);
}

/*
 * account
 *		Hand a measurement to the store; on a new maximum time, keep the
 *		execution's text and plan (queryDesc may be NULL).
 */
static void
account(PssStatement *st, const PssMeasure *m, QueryDesc *queryDesc)
{
	PssRecorded r = pss_store_record(&st->key, m);
	bool		slowest;

	if (r == PSS_MISSING)
	{
		statement_slice(st);
		slowest = pss_store_insert(&st->key, st->text, st->text_len, m);
	}
	else
		slowest = (r == PSS_SLOWEST);

	/*
	 * EXPLAIN reads the catalogs: only in a transaction in progress, never
	 * while one aborts (a cursor closed by the abort may end here).
	 */
	if (slowest && m->kind == PSS_EXEC && pss_slowest_text_max > 0 &&
		IsTransactionState())
	{
		statement_slice(st);
		keep_slowest(st, m->time_ms, queryDesc);
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
 */
static void
exec_begin(QueryDesc *queryDesc)
{
	PssExec    *e;

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
	e->subid = GetCurrentSubTransactionId();
	e->running = false;
	e->measured = false;
	e->elapsed_ns = 0;
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
	return instr_ns(now);
}

/*
 * usage_begin, usage_end
 *		Start and end measuring buffer and WAL usage into u: subtract the
 *		backend's running totals, then add them back (see PssExec).  With
 *		fresh, u is first taken as zero, so it need not be cleared.  I/O
 *		times are read only if track_io_timing is on at the start (the
 *		return value, to pass to usage_end), as they do not move otherwise.
 *		Always inlined, so that fresh is a constant.
 */
static pg_attribute_always_inline bool
usage_begin(PssUsage *u, bool fresh)
{
	const BufferUsage *b = &pgBufferUsage;
	const WalUsage *w = &pgWalUsage;
	int			i;

#define PSS_BEGIN_BUF(f) u->f = (fresh ? 0 : u->f) - b->f;
#define PSS_BEGIN_WAL(f) u->f = (fresh ? 0 : u->f) - (int64) w->f;
	PSS_BUFFER_COUNTERS(PSS_BEGIN_BUF)
	PSS_WAL_COUNTERS(PSS_BEGIN_WAL)
#undef PSS_BEGIN_BUF
#undef PSS_BEGIN_WAL

	if (track_io_timing)
	{
		int64		ns[PSS_NUM_IO_TIMES];

		ns[PSS_IO_BLK_READ] = instr_ns(b->blk_read_time);
		ns[PSS_IO_BLK_WRITE] = instr_ns(b->blk_write_time);
		ns[PSS_IO_TEMP_READ] = instr_ns(b->temp_blk_read_time);
		ns[PSS_IO_TEMP_WRITE] = instr_ns(b->temp_blk_write_time);
		for (i = 0; i < PSS_NUM_IO_TIMES; i++)
			u->io_ns[i] = (fresh ? 0 : u->io_ns[i]) - ns[i];
		return true;
	}
	if (fresh)
	{
		for (i = 0; i < PSS_NUM_IO_TIMES; i++)
			u->io_ns[i] = 0;
	}
	return false;
}

static pg_attribute_always_inline void
usage_end(PssUsage *u, bool timed)
{
	const BufferUsage *b = &pgBufferUsage;
	const WalUsage *w = &pgWalUsage;

#define PSS_END_BUF(f) u->f += b->f;
#define PSS_END_WAL(f) u->f += (int64) w->f;
	PSS_BUFFER_COUNTERS(PSS_END_BUF)
	PSS_WAL_COUNTERS(PSS_END_WAL)
#undef PSS_END_BUF
#undef PSS_END_WAL

	if (timed)
	{
		u->io_ns[PSS_IO_BLK_READ] += instr_ns(b->blk_read_time);
		u->io_ns[PSS_IO_BLK_WRITE] += instr_ns(b->blk_write_time);
		u->io_ns[PSS_IO_TEMP_READ] += instr_ns(b->temp_blk_read_time);
		u->io_ns[PSS_IO_TEMP_WRITE] += instr_ns(b->temp_blk_write_time);
	}
}

/*
 * exec_period_start, exec_period_end
 *		Bracket one ExecutorRun or ExecutorFinish call of an execution, if
 *		we track it.  The slot is looked up each time: nested statements
 *		come and go in between, and the array may move.
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
exec_period_end(QueryDesc *queryDesc)
{
	PssExec    *e = exec_find(queryDesc);

	if (e == NULL)
		return;
	e->elapsed_ns += now_ns();
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
			/* usually the last one: no copy then */
			if (i != nexecs - 1)
				execs[i] = execs[nexecs - 1];
			nexecs--;
			if (queryDesc != NULL)
				return;
		}
	}
}

/*
 * calls_in_xact
 *		Count an execution of key in the current top-level transaction and
 *		return its rank there (1 for the first), or 0 if not known.
 *
 * A small backend-local table, tagged with the local transaction id so
 * that nothing needs clearing when a transaction ends.  A statement whose
 * probe sequence is full of other statements of the same transaction is
 * not counted (0): the table holds PSS_XACT_SLOTS statements per
 * transaction before that happens.
 */
static int64
calls_in_xact(const PssKey *key)
{
	LocalTransactionId lxid;
	uint64		h;
	int			i;

	/* alone in its transaction: a top-level statement outside a block */
	if (key->toplevel && !IsTransactionBlock())
		return 1;
	if (MyProc == NULL)
		return 0;
	lxid = MyProc->lxid;
	h = key->queryid ^ key->userid ^ ((uint64) key->dbid << 32) ^
		(key->toplevel ? 1 : 0);
	h ^= h >> 29;
	for (i = 0; i < PSS_XACT_PROBES; i++)
	{
		PssXactSlot *slot = &xact_slots[(h + i) & (PSS_XACT_SLOTS - 1)];

		if (slot->lxid != lxid || slot->calls == 0)
		{
			slot->lxid = lxid;
			slot->queryid = key->queryid;
			slot->userid = key->userid;
			slot->dbid = key->dbid;
			slot->toplevel = key->toplevel;
			slot->calls = 1;
			return 1;
		}
		if (slot->queryid == key->queryid && slot->userid == key->userid &&
			slot->dbid == key->dbid && slot->toplevel == key->toplevel)
			return ++slot->calls;
	}
	return 0;
}

/*
 * measure_init
 *		Start a measurement of one planning or execution.
 */
static void
measure_init(PssMeasure *m, PssKind kind, double time_ms)
{
	memset(m, 0, sizeof(PssMeasure));
	m->kind = kind;
	m->time_ms = time_ms;
	if (kind == PSS_EXEC)
	{
		m->hist_bucket = pss_hist_bucket(time_ms);
		m->slow = pss_slow_threshold >= 0 && time_ms >= pss_slow_threshold;
		/* the statement's start, which the core keeps: no clock read */
		m->start = GetCurrentStatementStartTimestamp();
	}
}

/*
 * keep_slowest
 *		Store the actual text (and, for the executor, the parameters and
 *		the plan) of an execution that set a new maximum time.
 *
 * Runs only when pss_store_record reported a new maximum, which becomes
 * rare as an entry ages: this is where the cost of EXPLAIN is paid.
 */
static void
keep_slowest(const PssStatement *st, double time_ms, QueryDesc *queryDesc)
{
	StringInfoData text;
	char	   *plan = NULL;
	int			plan_len = 0;
	int			cap = pss_slowest_text_max;

	initStringInfo(&text);
	appendBinaryStringInfo(&text, st->text, st->text_len);
	if (queryDesc != NULL && queryDesc->params != NULL &&
		queryDesc->params->numParams > 0 &&
		queryDesc->params->paramFetch == NULL)
	{
		char	   *params = BuildParamLogString(queryDesc->params, NULL, cap);

		if (params != NULL)
			appendStringInfo(&text, "\nparameters: %s", params);
	}
	if (text.len > cap)
		text.len = pg_mbcliplen(text.data, text.len, cap);

	if (pss_capture_plan && queryDesc != NULL && queryDesc->planstate != NULL)
	{
		ExplainState *es = NewExplainState();

		es->format = EXPLAIN_FORMAT_TEXT;
		es->costs = true;
		ExplainBeginOutput(es);
		ExplainPrintPlan(es, queryDesc);
		ExplainEndOutput(es);
		while (es->str->len > 0 && es->str->data[es->str->len - 1] == '\n')
			es->str->len--;
		plan = es->str->data;
		plan_len = Min(es->str->len, cap);
		if (plan_len < es->str->len)
			plan_len = pg_mbcliplen(plan, es->str->len, plan_len);
	}

	pss_store_set_slowest(&st->key, time_ms, text.data, text.len,
						  plan, plan_len);
	pfree(text.data);
}

/*
 * remember_failure
 *		Note a statement that is ending in an error, to be published once
 *		the error is cleaned up (publish_failures).
 *
 * Called from PG_CATCH blocks: reads the error code, copies into
 * preallocated backend memory, and neither allocates nor takes a lock.
 * A text longer than PSS_PENDING_TEXT is not kept (the fingerprint is);
 * a new entry made for it has no text.
 */
static void
remember_failure(uint64 queryId, const char *source, int location, int len,
				 bool optimizable, bool toplevel, double time_ms)
{
	PssPendingFailure *f;
	PssStatement st;

	if (npending >= PSS_PENDING_MAX || source == NULL)
		return;
	f = &pending[npending++];
	statement_key(&st, queryId, source, location, len, optimizable, toplevel);
	statement_slice(&st);
	f->key = st.key;
	f->sqlerrcode = geterrcode();
	f->time_ms = time_ms;
	f->at = GetCurrentTimestamp();
	if (st.text_len <= PSS_PENDING_TEXT)
	{
		memcpy(f->text, st.text, st.text_len);
		f->text_len = st.text_len;
	}
	else
		f->text_len = -1;
}

/*
 * publish_failures
 *		Account the failures remembered since the last call.
 *
 * Runs when a (sub)transaction aborts, after the error's cleanup: locks
 * and memory are usable again, and the store does not raise an error for
 * lack of memory here.
 */
static void
publish_failures(void)
{
	int			n = npending;
	int			i;

	/* first, so that nothing is published twice even if this fails */
	npending = 0;
	for (i = 0; i < n; i++)
	{
		PssPendingFailure *f = &pending[i];
		PssMeasure	m;

		memset(&m, 0, sizeof(m));
		m.kind = PSS_EXEC;
		m.failed = true;
		m.sqlerrcode = f->sqlerrcode;
		m.time_ms = f->time_ms;
		m.error_at = f->at;
		if (pss_store_record(&f->key, &m) == PSS_MISSING)
			pss_store_insert(&f->key, f->text_len >= 0 ? f->text : NULL,
							 f->text_len, &m);
	}
}

/*
 * pss_xact_callback, pss_subxact_callback
 *		Publish failures when the transaction or subtransaction that saw
 *		them aborts.
 */
static void
pss_xact_callback(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT)
	{
		nexecs = 0;
		if (npending > 0)
			publish_failures();
	}
}

static void
pss_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
					 SubTransactionId parentSubid, void *arg)
{
	if (event == SUBXACT_EVENT_ABORT_SUB)
	{
		exec_forget(NULL, mySubid);
		if (npending > 0)
			publish_failures();
	}
}

/*
 * executor_failed
 *		Remember the failure of an execution that is being aborted.
 */
static void
executor_failed(QueryDesc *queryDesc)
{
	PssExec    *e = exec_find(queryDesc);

	if (e != NULL)
		remember_failure(queryDesc->plannedstmt->queryId,
						 queryDesc->sourceText,
						 queryDesc->plannedstmt->stmt_location,
						 queryDesc->plannedstmt->stmt_len,
						 true, nesting_level == 0, exec_elapsed(e));
}

/*
 * pss_post_parse_analyze
 *		Give the statement our fingerprint as its queryId when the core
 *		computes none.
 */
static void
pss_post_parse_analyze(ParseState *pstate, Query *query, JumbleState *jstate)
{
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

	text = statement_text(source, query->stmt_location, query->stmt_len,
						  &text_len);
	if (query->utilityStmt == NULL)
		text = explained_statement(text, &text_len);
	query->queryId = pss_fingerprint_text(text, text_len, true);
}

/*
 * pss_planner
 *		Time planning when track_planning is on; note a planning failure.
 *
 * The nesting level is raised in any case, so that functions evaluated
 * during planning are not taken for top-level statements.
 */
static PlannedStmt *
pss_planner(Query *parse, const char *query_string, int cursorOptions,
			ParamListInfo boundParams)
{
	PlannedStmt *result;
	volatile bool tracked;
	volatile int64 start = 0;
	volatile bool timed = false;
	PssUsage	usage;
	PssMeasure	measure;
	PssStatement st;

	tracked = query_string != NULL && parse->queryId != UINT64CONST(0) &&
		PSS_ENABLED(nesting_level) && pss_store_ready();

	/*
	 * Without track_planning, no clock is read here: a planning failure is
	 * then timed from the statement's start (see planning_failed_ms).
	 */
	if (tracked && pss_track_planning)
	{
		timed = usage_begin(&usage, true);
		start = now_ns();
	}
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
	PG_CATCH();
	{
		nesting_level--;
		if (tracked)
		{
			double		ms;

			if (pss_track_planning)
				ms = (now_ns() - start) / 1000000.0;
			else
				ms = (GetCurrentTimestamp() -
					  GetCurrentStatementStartTimestamp()) / 1000.0;
			remember_failure(parse->queryId, query_string,
							 parse->stmt_location, parse->stmt_len, true,
							 nesting_level == 0, ms);
		}
		PG_RE_THROW();
	}
	PG_END_TRY();
	nesting_level--;

	if (tracked && pss_track_planning)
	{
		measure_init(&measure, PSS_PLAN, (now_ns() - start) / 1000000.0);
		usage_end(&usage, timed);
		measure.usage = &usage;
		statement_key(&st, parse->queryId, query_string, parse->stmt_location,
					  parse->stmt_len, true, nesting_level == 0);
		account(&st, &measure, NULL);
	}
	return result;
}

/*
 * pss_ExecutorStart
 *		Start measuring an execution we track.
 */
static void
pss_ExecutorStart(QueryDesc *queryDesc, int eflags)
{
	if (prev_ExecutorStart)
		prev_ExecutorStart(queryDesc, eflags);
	else
		standard_ExecutorStart(queryDesc, eflags);

	/* EXPLAIN without ANALYZE does not run the statement: not a call */
	if (queryDesc->plannedstmt->queryId != UINT64CONST(0) &&
		queryDesc->sourceText != NULL && PSS_ENABLED(nesting_level) &&
		(eflags & EXEC_FLAG_EXPLAIN_ONLY) == 0 && pss_store_ready())
		exec_begin(queryDesc);
}

/*
 * pss_ExecutorRun
 *		Keep the nesting level while the statement runs; note a failure.
 */
static void
pss_ExecutorRun(QueryDesc *queryDesc, ScanDirection direction, uint64 count,
				bool execute_once)
{
	exec_period_start(queryDesc);
	nesting_level++;
	PG_TRY();
	{
		if (prev_ExecutorRun)
			prev_ExecutorRun(queryDesc, direction, count, execute_once);
		else
			standard_ExecutorRun(queryDesc, direction, count, execute_once);
	}
	PG_CATCH();
	{
		nesting_level--;
		executor_failed(queryDesc);
		PG_RE_THROW();
	}
	PG_END_TRY();
	nesting_level--;
	exec_period_end(queryDesc);
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
	exec_period_end(queryDesc);
}

/*
 * pss_ExecutorEnd
 *		Account the execution of a tracked statement.
 */
static void
pss_ExecutorEnd(QueryDesc *queryDesc)
{
	PssExec    *e = exec_find(queryDesc);

	if (e != NULL)
	{
		PssStatement st;
		PssMeasure	measure;

		statement_key(&st, queryDesc->plannedstmt->queryId,
					  queryDesc->sourceText,
					  queryDesc->plannedstmt->stmt_location,
					  queryDesc->plannedstmt->stmt_len,
					  true, nesting_level == 0);
		measure_init(&measure, PSS_EXEC, e->elapsed_ns / 1000000.0);
		measure.calls_in_xact = calls_in_xact(&st.key);
		measure.rows = queryDesc->estate->es_processed;
		measure.usage = e->measured ? &e->usage : NULL;
		measure.jitusage = queryDesc->estate->es_jit ?
			&queryDesc->estate->es_jit->instr : NULL;
		account(&st, &measure, queryDesc);
		exec_forget(queryDesc, 0);
	}

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
		run_utility(pstmt, queryString, readOnlyTree, context, params,
					queryEnv, dest, qc);
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
	PssUsage	usage;
	PssMeasure	measure;
	PssStatement st;

	track = pss_track_utility && queryId != UINT64CONST(0) &&
		queryString != NULL && PSS_ENABLED(nesting_level) &&
		pss_store_ready();

	if (track)
	{
		timed = usage_begin(&usage, true);
		start = now_ns();
	}

	nesting_level++;
	PG_TRY();
	{
		run_utility(pstmt, queryString, readOnlyTree, context, params,
					queryEnv, dest, qc);
	}
	PG_CATCH();
	{
		nesting_level--;
		if (track)
			remember_failure(queryId, queryString, location, len, false,
							 nesting_level == 0,
							 (now_ns() - start) / 1000000.0);
		PG_RE_THROW();
	}
	PG_END_TRY();
	nesting_level--;

	if (!track)
		return;

	measure_init(&measure, PSS_EXEC, (now_ns() - start) / 1000000.0);
	usage_end(&usage, timed);
	statement_key(&st, queryId, queryString, location, len, false,
				  nesting_level == 0);
	measure.calls_in_xact = calls_in_xact(&st.key);
	/* Rows only where the command reports a meaningful count */
	measure.rows = (qc && (qc->commandTag == CMDTAG_COPY ||
						   qc->commandTag == CMDTAG_FETCH ||
						   qc->commandTag == CMDTAG_SELECT ||
						   qc->commandTag == CMDTAG_REFRESH_MATERIALIZED_VIEW)) ?
		qc->nprocessed : 0;
	measure.usage = &usage;
	account(&st, &measure, NULL);
}
