/*-------------------------------------------------------------------------
 *
 * store.h
 *	  Shared-memory store of per-statement statistics.
 *
 * See store.c for the design and the locking protocol.
 *
 * src/store.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PSS_STORE_H
#define PSS_STORE_H

#include "executor/instrument.h"
#include "jit/jit.h"
#include "utils/timestamp.h"

#include "compat.h"
#include "histogram.h"

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

/* Planning and execution each keep their own call and time counters */
typedef enum PssKind
{
	PSS_PLAN = 0,
	PSS_EXEC,
	PSS_NUM_KINDS
} PssKind;

/*
 * The statistics of one entry, with pg_stat_statements' meaning and units
 * (times in milliseconds).  minmax_set[kind] is false after a min/max reset
 * until the next call sets min and max again.
 */
typedef struct PssCounters
{
	int64		calls[PSS_NUM_KINDS];
	double		total_time[PSS_NUM_KINDS];
	double		min_time[PSS_NUM_KINDS];
	double		max_time[PSS_NUM_KINDS];
	double		mean_time[PSS_NUM_KINDS];
	double		sum_var_time[PSS_NUM_KINDS];	/* sum of squared deviations */
	bool		minmax_set[PSS_NUM_KINDS];
	int64		rows;
	int64		shared_blks_hit;
	int64		shared_blks_read;
	int64		shared_blks_dirtied;
	int64		shared_blks_written;
	int64		local_blks_hit;
	int64		local_blks_read;
	int64		local_blks_dirtied;
	int64		local_blks_written;
	int64		temp_blks_read;
	int64		temp_blks_written;
	double		shared_blk_read_time;	/* before 17: shared and local */
	double		shared_blk_write_time;
	double		local_blk_read_time;	/* 17+ */
	double		local_blk_write_time;
	double		temp_blk_read_time;
	double		temp_blk_write_time;
	int64		wal_records;
	int64		wal_fpi;
	uint64		wal_bytes;
	int64		wal_buffers_full;	/* 18+ */
	int64		jit_functions;
	double		jit_generation_time;
	int64		jit_inlining_count;
	double		jit_inlining_time;
	int64		jit_optimization_count;
	double		jit_optimization_time;
	int64		jit_emission_count;
	double		jit_emission_time;
	int64		jit_deform_count;	/* 17+ */
	double		jit_deform_time;
	int64		parallel_workers_to_launch; /* 18+ */
	int64		parallel_workers_launched;
	int64		generic_plan_calls; /* 19+ */
	int64		custom_plan_calls;

	/* insights beyond pg_stat_statements */
	int64		slow_calls;		/* executions at or above slow_threshold */
	double		slow_exec_time;
	int64		failed_calls;	/* executions ended by an error */
	double		failed_exec_time;
	int			last_error;		/* sqlerrcode of the latest, or 0 */
	TimestampTz last_error_at;
	int64		xacts;			/* top-level transactions it ran in */
	int64		max_calls_per_xact;
	TimestampTz last_call;		/* start of the latest execution */
	double		slowest_time;	/* time of the slowest execution, ms */
	TimestampTz slowest_at;
	int16		hist_lo;		/* lowest non-empty bucket */
	int16		hist_hi;		/* highest non-empty bucket */
	uint32		hist[PSS_HIST_BUCKETS]; /* executions per latency bucket */
} PssCounters;

/*
 * Buffer and WAL usage of one planning or execution: the counters of the
 * core's BufferUsage and WalUsage, with I/O times in nanoseconds (counted
 * only while track_io_timing is on; before 17 the server times shared and
 * local block I/O together, counted as shared).  Kept as plain integers so that the
 * hooks can accumulate it with one subtraction at the start of a period
 * and one addition at its end (see usage_begin and usage_end in hooks.c).
 */
typedef enum PssIoTime
{
	PSS_IO_SHARED_READ,
	PSS_IO_SHARED_WRITE,
	PSS_IO_LOCAL_READ,
	PSS_IO_LOCAL_WRITE,
	PSS_IO_TEMP_READ,
	PSS_IO_TEMP_WRITE,
	PSS_NUM_IO_TIMES
} PssIoTime;

typedef struct PssUsage
{
	int64		shared_blks_hit;
	int64		shared_blks_read;
	int64		shared_blks_dirtied;
	int64		shared_blks_written;
	int64		local_blks_hit;
	int64		local_blks_read;
	int64		local_blks_dirtied;
	int64		local_blks_written;
	int64		temp_blks_read;
	int64		temp_blks_written;
	int64		wal_records;
	int64		wal_fpi;
	int64		wal_bytes;
	int64		wal_buffers_full;	/* 18+ */
	int64		io_ns[PSS_NUM_IO_TIMES];
} PssUsage;

/*
 * The counters of PssUsage (and PssCounters) that come from the core's
 * BufferUsage and WalUsage, for code that treats them alike: X(field) for
 * each.
 */
#define PSS_BUFFER_COUNTERS(X) \
	X(shared_blks_hit) X(shared_blks_read) X(shared_blks_dirtied) \
	X(shared_blks_written) X(local_blks_hit) X(local_blks_read) \
	X(local_blks_dirtied) X(local_blks_written) X(temp_blks_read) \
	X(temp_blks_written)
#define PSS_WAL_COUNTERS(X) \
	X(wal_records) X(wal_fpi) X(wal_bytes)

/* What one planning or one execution of a statement measured */
typedef struct PssMeasure
{
	PssKind		kind;
	bool		failed;			/* ended by an error (sqlerrcode) */
	int			sqlerrcode;
	double		time_ms;
	bool		slow;			/* at or above slow_threshold */
	int			hist_bucket;	/* pss_hist_bucket(time_ms) */
	int64		calls_in_xact;	/* this call's rank in its transaction */
	TimestampTz start;			/* statement start, for last_call */
	TimestampTz error_at;		/* when it failed, if failed */
	uint64		rows;
	int64		parallel_workers_to_launch;
	int64		parallel_workers_launched;
	PssPlanCache plan_cache;	/* generic or custom cached plan (19+) */
	const PssUsage *usage;		/* may be NULL */
	const JitInstrumentation *jitusage; /* may be NULL */
} PssMeasure;

/*
 * A copy of one entry, taken by readers (the SQL functions, persistence).
 * query is NULL when the text was not asked for or was not stored.
 */
typedef struct PssEntryCopy
{
	PssKey		key;
	PssCounters counters;
	double		usage;
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
	PssCounters counters;		/* truncated: no hist, see above */
} PssViewEntry;

#define PSS_VIEW_ENTRY_SIZE		offsetof(PssViewEntry, counters.hist)

/*
 * A copy of every entry as the view reads it: rows[0 .. nrows), in blocks
 * of memory filled in the order of the rows, so that a reader forming rows
 * in that order may free each block as soon as it is done with the rows
 * it holds (pss_view_copy_release): blocks[j] holds nothing of the rows
 * after last_row[j].
 */
/*
 * The longest text a row of the view shows (a longer one is NULL): with
 * the slow sample's text and plan (1 MB each at most, four times that
 * once converted) and the other columns, a row stays within what one
 * allocation, hence one row sent to the client, may take.
 */
#define PSS_TEXT_SHOW_MAX		((Size) MaxAllocSize - 16 * 1024 * 1024)

/* Size of a block of a copy */
#define PSS_VIEW_BLOCK			(256 * 1024)

typedef struct PssViewCopy
{
	PssViewEntry **rows;
	int			nrows;
	int			nblocks;
	char	  **blocks;
	int		   *last_row;
	int			nfreed;			/* blocks[0 .. nfreed) already freed */
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
	PSS_MISSING = 1 << 2		/* no entry: call pss_store_insert */
} PssRecorded;

extern int	pss_store_record(const PssKey *key, const PssMeasure *measure);
extern bool pss_store_insert(const PssKey *key, const char *text,
							 int text_len, bool std_strings,
							 const PssMeasure *measure);
extern void pss_store_fill_text(const PssKey *key, const char *text,
								int text_len, bool std_strings);
extern void pss_store_sample_dropped(void);
extern char *pss_store_normalize(const char *text, int text_len,
								 bool std_strings, int limit, bool no_oom,
								 int *norm_len, bool *cut);
extern void pss_store_set_slowest(const PssKey *key, double time_ms,
								  const char *query, int query_len,
								  const char *plan, int plan_len);
extern PssEntryCopy *pss_store_copy_all(bool with_text, int *nentries);
extern void pss_store_copy_view(bool with_text, PssViewCopy *copy);
extern void pss_view_copy_release(PssViewCopy *copy, int done);
extern TimestampTz pss_store_reset(Oid userid, Oid dbid, uint64 queryid,
								   bool minmax_only);
extern void pss_store_get_info(PssStoreInfo *info);
extern bool pss_store_load_entry(const PssEntryCopy *copy);
extern int64 pss_store_text_max(void);
extern void pss_store_load_info(int64 dealloc, TimestampTz stats_reset,
								int64 texts_dropped);

#endif							/* PSS_STORE_H */
