/*-------------------------------------------------------------------------
 *
 * history.h
 *	  Each statement's recent history: its calls, execution time, failures
 *	  and rows by interval of pg_slow_statements.history_interval.
 *
 * The intervals live in one log of records in shared memory, shared by all
 * entries: an entry's record for an interval is taken from the log when
 * the entry is first executed in that interval, and links to the entry's
 * record before it.  The log is a ring of PSS_HISTORY_PER_ENTRY records
 * per entry, taken in turn (one atomic add): the oldest records are
 * overwritten first, so an entry's intervals go back history_size
 * intervals, or less when more than pss_max * PSS_HISTORY_PER_ENTRY
 * (entry, interval) records were taken since (README: 6 per entry, 40
 * bytes each; with the default 5,000 entries, 30,000 records: an hour of
 * minutes for 500 statements active every minute, longer for fewer).
 *
 * The protocol:
 *	- The entry's head (its newest record, index + 1) and that record's
 *	  interval are fields of the entry, read and written under its
 *	  spinlock; so are the head record's counters, which only the entry
 *	  adds to, and only while the interval is the current one.
 *	- A record is taken by writing its tag (owner and interval, one 8-byte
 *	  store), then, after a write barrier, its counters.  A reader copies
 *	  the head under the entry's spinlock and the older records without
 *	  it, each the same way: it reads the tag, copies, and reads the tag
 *	  again (read barriers between); the copy is good if both tags are the
 *	  owner and an interval older than the record read before it (the head:
 *	  its own interval), since another entry may take a record over.  A record is overwritten only after every other record of
 *	  the ring was taken, which takes at least PSS_HISTORY_PER_ENTRY
 *	  intervals: never while its owner still adds to it.
 *
 * src/history.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PSS_HISTORY_H
#define PSS_HISTORY_H

#include "port/atomics.h"

#include "counters.h"

/* Records of the log per entry of pg_slow_statements.max */
#define PSS_HISTORY_PER_ENTRY	6

/* The largest pg_slow_statements.history_size */
#define PSS_HISTORY_SIZE_MAX	100000

/*
 * One entry's figures for one interval: 40 bytes.  The total is a double:
 * a float4 sum of many short calls would lose them to rounding.
 */
typedef struct PssHistRecord
{
	pg_atomic_uint64 tag;		/* PSS_HIST_TAG(owner, interval); 0: unused */
	double		total_ms;
	uint32		prev;			/* the owner's record before, index + 1 */
	uint32		calls;			/* counts saturate */
	uint32		failed_calls;
	uint32		rows;
	float4		max_ms;
} PssHistRecord;

StaticAssertDecl(sizeof(PssHistRecord) == 40,
				 "a history record takes 40 bytes (README)");

#define PSS_HIST_TAG(owner, interval) \
	(((uint64) (owner) << 32) | (uint64) (interval))
#define PSS_HIST_OWNER(tag)		((uint32) ((tag) >> 32))
#define PSS_HIST_INTERVAL(tag)	((uint32) (tag))

/*
 * An entry's end of its history, kept in the entry under its spinlock: its
 * newest record (index + 1, 0 for none), that record's interval, and when
 * the interval ends (so that the hot path compares, with no division).
 */
typedef struct PssHistHead
{
	uint32		head;
	uint32		interval;
	TimestampTz until;
} PssHistHead;

/* One interval of one entry, as readers copy it */
typedef struct PssHistCopy
{
	uint32		interval;
	uint32		calls;
	uint32		failed_calls;
	uint32		rows;
	double		total_ms;
	double		max_ms;
} PssHistCopy;

/* The log, in the store's shared memory */
typedef struct PssHistLog
{
	pg_atomic_uint64 taken;		/* records taken since the start */
	uint32		nrecords;
	PssHistRecord records[FLEXIBLE_ARRAY_MEMBER];
} PssHistLog;

extern int	pss_history_interval;
extern int	pss_history_size;

extern Size pss_history_log_size(int max_entries);
extern void pss_history_log_init(PssHistLog *log, int max_entries);
extern uint32 pss_history_interval_of(TimestampTz t);
extern TimestampTz pss_history_interval_start(uint32 interval);
extern PssHistRecord *pss_history_take(PssHistLog *log, uint32 owner,
									   PssHistHead *h, TimestampTz end);
extern void pss_history_load(PssHistLog *log, uint32 owner, PssHistHead *h,
							 const PssHistCopy *in, int n);
extern int	pss_history_copy_rest(const PssHistLog *log, uint32 owner,
								  uint32 *prev, uint32 *newer, uint32 oldest,
								  PssHistCopy *out, int max);

/*
 * pss_history_count
 *		Add execution m to record r.  Under the entry's spinlock.
 */
static inline void
pss_history_count(PssHistRecord *r, const PssMeasure *m)
{
	uint64		rows;

	if (m->failed)
	{
		r->failed_calls += (r->failed_calls != PG_UINT32_MAX);
		return;
	}
	r->calls += (r->calls != PG_UINT32_MAX);
	r->total_ms += m->time_ms;
	if (m->time_ms > r->max_ms)
		r->max_ms = (float4) m->time_ms;
	rows = (uint64) r->rows + m->rows;
	r->rows = (uint32) Min(rows, (uint64) PG_UINT32_MAX);
}

/*
 * pss_history_add
 *		Add an execution (m) of entry owner to its interval, the entry's
 *		end of history h updated: the interval of the execution's end, from
 *		its start and time, or when it failed (no clock is read).  Under the
 *		entry's spinlock.  Inline: within the head's interval, the usual
 *		case, it costs a comparison, the record's tag checked, and the
 *		counting (h->until is 0 while there is no head).
 */
static inline void
pss_history_add(PssHistLog *log, uint32 owner, PssHistHead *h,
				const PssMeasure *m)
{
	TimestampTz end = m->failed ? m->error_at :
		m->start + (int64) (m->time_ms * 1000.0);
	PssHistRecord *r;

	if (likely(end < h->until) &&
		likely(pg_atomic_read_u64(&log->records[h->head - 1].tag) ==
			   PSS_HIST_TAG(owner, h->interval)))
		r = &log->records[h->head - 1];
	else
		r = pss_history_take(log, owner, h, end);
	pss_history_count(r, m);
}

#endif							/* PSS_HISTORY_H */
