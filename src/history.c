/*-------------------------------------------------------------------------
 *
 * history.c
 *	  The log of each statement's recent intervals (see history.h for the
 *	  design and the protocol between writers and readers).
 *
 * src/history.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "datatype/timestamp.h"

#include "history.h"

/* The settings (pg_slow_statements.c defines them) */
int			pss_history_interval = 60;
int			pss_history_size = 60;

/*
 * pss_history_log_size
 *		Shared memory for the log of a store of max_entries entries; none
 *		when history_size is 0.
 */
Size
pss_history_log_size(int max_entries)
{
	if (pss_history_size <= 0)
		return 0;
	return add_size(offsetof(PssHistLog, records),
					mul_size(mul_size(max_entries, PSS_HISTORY_PER_ENTRY),
							 sizeof(PssHistRecord)));
}

/*
 * pss_history_log_init
 *		Make the log empty, at the store's creation.
 */
void
pss_history_log_init(PssHistLog *log, int max_entries)
{
	log->nrecords = (uint32) max_entries * PSS_HISTORY_PER_ENTRY;
	pg_atomic_init_u64(&log->taken, 0);
	for (uint32 i = 0; i < log->nrecords; i++)
	{
		pg_atomic_init_u64(&log->records[i].tag, 0);
		log->records[i].prev = 0;
	}
}

/*
 * pss_history_interval_of
 *		The interval a time falls in: its number since 2000-01-01, when
 *		timestamps start (an earlier time is interval 0).  32 bits last
 *		until 2136 at the shortest interval, a second.
 */
uint32
pss_history_interval_of(TimestampTz t)
{
	if (t <= 0)
		return 0;
	return (uint32) (t / ((int64) pss_history_interval * USECS_PER_SEC));
}

/*
 * pss_history_interval_start
 *		When an interval starts.
 */
TimestampTz
pss_history_interval_start(uint32 interval)
{
	return (TimestampTz) interval * pss_history_interval * USECS_PER_SEC;
}

/*
 * take_record
 *		Take the log's next record for owner's interval, after its record
 *		head (index + 1, 0 for none): its tag first, then its counters
 *		(history.h).
 */
static PssHistRecord *
take_record(PssHistLog *log, uint32 owner, uint32 interval, uint32 head,
			uint32 *index)
{
	uint64		n = pg_atomic_fetch_add_u64(&log->taken, 1);
	PssHistRecord *r;

	*index = (uint32) (n % log->nrecords);
	r = &log->records[*index];
	pg_atomic_write_u64(&r->tag, PSS_HIST_TAG(owner, interval));
	pg_write_barrier();
	r->prev = head;
	r->calls = 0;
	r->failed_calls = 0;
	r->rows = 0;
	r->total_ms = 0;
	r->max_ms = 0;
	return r;
}

/*
 * pss_history_take
 *		The record of an execution that ended at end, for entry owner whose
 *		head record (if any, in h) is of an earlier interval or no longer
 *		its own: a new one, h updated.  A time older than the head's
 *		interval (a clock gone back) is taken as of the head's interval.
 *		Under the entry's spinlock: a division and an atomic add, once per
 *		interval.
 */
PssHistRecord *
pss_history_take(PssHistLog *log, uint32 owner, PssHistHead *h,
				 TimestampTz end)
{
	uint32		interval = pss_history_interval_of(end);
	uint32		index;
	PssHistRecord *r;

	if (h->head != 0 && interval < h->interval)
		interval = h->interval;
	r = take_record(log, owner, interval, h->head, &index);
	h->head = index + 1;
	h->interval = interval;
	h->until = pss_history_interval_start(interval + 1);
	return r;
}

/*
 * copy_fields
 *		A record's figures, without its tag.
 */
static inline void
copy_fields(const PssHistRecord *r, uint32 interval, PssHistCopy *out)
{
	out->interval = interval;
	out->calls = r->calls;
	out->failed_calls = r->failed_calls;
	out->rows = r->rows;
	out->total_ms = r->total_ms;
	out->max_ms = r->max_ms;
}

/*
 * pss_history_copy_rest
 *		Copy up to max of owner's records from index + 1 *prev back, newest
 *		first, as long as they are owner's, older than the one after them
 *		(*newer, at first the head's interval) and not older than oldest.
 *		Without a lock: each copy is checked against its tag (history.h).
 *		Returns how many were copied; *prev and *newer are left where a next
 *		call goes on (*prev 0 at the end).
 */
int
pss_history_copy_rest(const PssHistLog *log, uint32 owner, uint32 *prev_p,
					  uint32 *newer_p, uint32 oldest, PssHistCopy *out,
					  int max)
{
	int			n = 0;
	uint32		prev = *prev_p;
	uint32		newer = *newer_p;

	while (prev != 0 && prev <= log->nrecords && n < max)
	{
		const PssHistRecord *r = &log->records[prev - 1];
		uint64		tag = pg_atomic_read_u64(unconstify(pg_atomic_uint64 *,
														&r->tag));
		uint32		next;

		pg_read_barrier();
		copy_fields(r, PSS_HIST_INTERVAL(tag), &out[n]);
		next = r->prev;
		pg_read_barrier();
		if (pg_atomic_read_u64(unconstify(pg_atomic_uint64 *, &r->tag)) != tag ||
			PSS_HIST_OWNER(tag) != owner ||
			PSS_HIST_INTERVAL(tag) >= newer ||
			PSS_HIST_INTERVAL(tag) < oldest)
		{
			prev = 0;
			break;
		}
		newer = PSS_HIST_INTERVAL(tag);
		prev = next;
		n++;
	}
	*prev_p = prev;
	*newer_p = newer;
	return n;
}

/*
 * pss_history_load
 *		Give entry owner the n intervals of in (oldest first, as saved), h
 *		set to the newest: records taken in turn.  At start, under the
 *		store's exclusive lock, before any backend runs.  Intervals not
 *		after the one before are left out (the loader refuses such a file
 *		anyway).
 */
void
pss_history_load(PssHistLog *log, uint32 owner, PssHistHead *h,
				 const PssHistCopy *in, int n)
{
	for (int i = 0; i < n; i++)
	{
		PssHistRecord *r;
		uint32		index;

		if (h->head != 0 && in[i].interval <= h->interval)
			continue;
		r = take_record(log, owner, in[i].interval, h->head, &index);
		r->calls = in[i].calls;
		r->failed_calls = in[i].failed_calls;
		r->rows = in[i].rows;
		r->total_ms = in[i].total_ms;
		r->max_ms = (float4) in[i].max_ms;
		h->head = index + 1;
		h->interval = in[i].interval;
		h->until = pss_history_interval_start(in[i].interval + 1);
	}
}
