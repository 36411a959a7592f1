/*-------------------------------------------------------------------------
 *
 * store.h
 *	  Shared-memory store of per-statement statistics.
 *
 * See store.c for the design and the locking protocol.  The store knows
 * nothing of the saved file: persist.c uses the functions for readers and
 * for loading below, and the store never calls persist.c.
 *
 * src/store.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PSS_STORE_H
#define PSS_STORE_H

#include "datatype/timestamp.h"

#include "counters.h"
#include "waits.h"

/*
 * Key of an entry.  Callers zero the whole struct before filling it: the
 * padding after toplevel takes part in hashing and comparison.
 */
typedef struct PssKey
{
	Oid			userid;			/* user who ran the statement */
	Oid			dbid;			/* database it ran in */
	uint64		queryid;		/* fingerprint of its text */
	bool		toplevel;		/* sent by a client, not run in a function */
} PssKey;

/*
 * A copy of one entry, taken by readers (the SQL functions, persistence).
 * query is NULL when the text was not asked for or was not stored.
 */
/*
 * A copy of one of an entry's plans: text NULL when not asked for or not
 * stored (text_len -1).
 */
typedef struct PssPlanCopy
{
	uint64		planid;
	int64		calls;
	double		total_ms;
	TimestampTz first_seen;
	TimestampTz last_seen;
	int64		last_call;		/* the entry's calls when it last ran */
	int32		text_len;
	char	   *text;
} PssPlanCopy;

typedef struct PssEntryCopy
{
	PssKey		key;
	PssCounters counters;
	double		usage;
	PssEntryWaits waits;
	int			nhistory;		/* intervals in history, oldest first */
	struct PssHistCopy *history;
	int			nplans;			/* plans (with_plans), in slot order */
	PssPlanCopy *plans;
	int			nsources;		/* sources (with_sources), in slot order */
	struct PssSourceCopy *sources;
	double		rest_max_ms;	/* the remainder of its sources: max time */
	TimestampTz rest_last_call; /* and last call */
	int			slowest_source_len; /* -1: none */
	char	   *slowest_source; /* the slowest run's source (sources.h) */
	TimestampTz stats_since;
	TimestampTz minmax_stats_since;
	int			encoding;
	int			query_len;
	char	   *query;
	int			slowest_query_len;	/* -1: none */
	char	   *slowest_query;
	int			slowest_plan_len;	/* -1: none */
	char	   *slowest_plan;
} PssEntryCopy;

/*
 * One entry as the view reads it (pss_store_copy_view): what the view
 * shows, without what it does not.  counters must stay last: a copy ends
 * where counters.hist would begin (PSS_VIEW_ENTRY_SIZE bytes), and only the
 * occupied buckets hist_lo to hist_hi are copied, to hist.  Texts are text
 * datums, NULL when not asked for or not stored.
 */
typedef struct PssViewEntry
{
	PssKey		key;
	TimestampTz stats_since;
	TimestampTz minmax_stats_since;
	int			encoding;
	int			hist_lo;		/* 0 <= hist_lo <= hist_hi < buckets */
	int			hist_hi;
	const uint32 *hist;			/* counts of buckets hist_lo .. hist_hi */
	text	   *query;
	text	   *slowest_query;
	text	   *slowest_plan;
	text	   *slowest_source; /* its source (sources.h), length prefixed */
	text	   *top_source;		/* its source of most calls, the same way
								 * (with_top_source) */
	PssCounters counters;		/* truncated: no hist, see above */
} PssViewEntry;

#define PSS_VIEW_ENTRY_SIZE		offsetof(PssViewEntry, counters.hist)

/*
 * The longest text a row of the view shows (a longer one is NULL): with
 * the slow sample's text and plan (1 MB each at most, four times that
 * once converted) and the other columns, a row stays within what one
 * allocation, hence one row sent to the client, may take.
 */
#define PSS_TEXT_SHOW_MAX		((Size) MaxAllocSize - 16 * 1024 * 1024)

/*
 * A copy of every entry as the view reads it: rows[0 .. nrows), the copies
 * and their texts in the buffer of the read (see view_copy.c), which stays
 * until the read ends.
 */
typedef struct PssViewCopy
{
	PssViewEntry **rows;
	int			nrows;
} PssViewCopy;

/* Store-wide figures shown by pg_slow_statements_info */
typedef struct PssStoreInfo
{
	int64		dealloc;		/* entries evicted */
	TimestampTz stats_reset;	/* last full reset */
	int64		entries;		/* entries in use */
	int64		max_entries;	/* pg_slow_statements.max */
	int64		text_bytes;		/* text memory in use */
	int64		text_capacity;	/* text memory reserved */
	int64		texts_dropped;	/* texts not stored when offered, or never
								 * offered (see pss_store_insert) */
	int64		samples_dropped;	/* slow samples that could not be
									 * captured */
} PssStoreInfo;

extern PGDLLIMPORT bool pss_store_attached;

/*
 * pss_store_ready
 *		Is the store available (library preloaded, shared memory attached)?
 *		Inline: every hook asks.
 */
static inline bool
pss_store_ready(void)
{
	return pss_store_attached;
}

extern void pss_store_init(void);
extern void pss_store_check_ready(void);
extern bool pss_store_created(void);
extern bool pss_store_torn(void);
/*
 * What pss_store_record did: PSS_MISSING alone, or PSS_RECORDED with the
 * flags PSS_SLOWEST and PSS_TEXT_WANTED
 */
typedef enum PssRecorded
{
	PSS_RECORDED = 0,			/* accounted */
	PSS_SLOWEST = 1 << 0,		/* the slowest so far: capture a sample */
	PSS_TEXT_WANTED = 1 << 1,	/* the entry has no text yet: pass it to
								 * pss_store_fill_text */
	PSS_MISSING = 1 << 2,		/* no entry: call pss_store_insert */
	PSS_PLAN_NEW = 1 << 3,		/* the execution's plan is not among the
								 * entry's: pass it to pss_store_add_plan */
	PSS_PLAN_TEXT = 1 << 4,		/* its plan is, without its text yet: pass
								 * that to pss_store_set_plan_text */
	PSS_SOURCE_NEW = 1 << 5		/* the execution's source is not among the
								 * entry's: pass it to pss_store_add_source */
} PssRecorded;

extern int	pss_store_record(const PssKey *key, const PssMeasure *measure);
extern int	pss_store_insert(const PssKey *key, const char *text,
							 int text_len, bool std_strings,
							 const PssMeasure *measure,
							 const char *source, int source_len);
extern void pss_store_fill_text(const PssKey *key, const char *text,
								int text_len, bool std_strings);
extern void pss_store_sample_dropped(void);
extern void pss_store_add_plan(const PssKey *key, const PssMeasure *measure,
							   const char *plan, int plan_len,
							   bool text_later);
extern void pss_store_set_plan_text(const PssKey *key, uint64 planid,
									const char *plan, int plan_len);
extern void pss_store_set_slowest(const PssKey *key, double time_ms,
								  const char *query, int query_len,
								  const char *plan, int plan_len);
extern void pss_store_add_source(const PssKey *key, const PssMeasure *measure,
								 const char *text, int text_len);
extern void pss_store_set_slowest_source(const PssKey *key, double time_ms,
										 const char *text, int text_len);
extern PssEntryCopy *pss_store_copy_all(bool with_text, bool with_history,
										bool with_plans, bool with_sources,
										int *nentries);
extern void pss_store_copy_view(bool with_text, bool with_top_source,
								PssViewCopy *copy);
/* The most intervals pss_store_recent_totals gives per entry */
#define PSS_RECENT_TOTALS_MAX	16

extern void pss_store_recent_totals(PssViewEntry *const *rows, int n,
									int nint, double *out);
extern TimestampTz pss_store_reset(Oid userid, Oid dbid, uint64 queryid,
								   bool minmax_only);
extern void pss_store_get_info(PssStoreInfo *info);
extern bool pss_store_load_entry(const PssEntryCopy *copy);
extern int64 pss_store_text_max(void);
extern void pss_store_load_info(int64 dealloc, TimestampTz stats_reset,
								int64 texts_dropped);

#endif							/* PSS_STORE_H */
