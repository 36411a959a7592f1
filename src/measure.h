/*-------------------------------------------------------------------------
 *
 * measure.h
 *	  Measuring one period of work: the clock, the backend's buffer, WAL,
 *	  I/O-time, CPU and wait counters, and the measurement handed to the
 *	  store.
 *
 * A period is measured without a snapshot: pss_usage_begin subtracts the
 * backend's running totals from an accumulator, pss_usage_end adds them
 * back, so that between periods the accumulator holds the sum of the
 * finished periods (an execution run by a portal in several calls is
 * several periods).  Used by the hooks (planning, utility statements), the
 * execution slots (exec.c) and the deferred COMMIT (commit_defer.c).
 *
 * Everything here but the CPU time is inlined: it runs two to four times
 * per statement.  Nothing allocates, locks or raises an error.
 *
 * src/measure.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PSS_MEASURE_H
#define PSS_MEASURE_H

#include "access/xact.h"
#include "executor/instrument.h"
#include "portability/instr_time.h"
#include "storage/bufmgr.h"
#include "utils/timestamp.h"

#include "activity.h"
#include "compat.h"
#include "counters.h"
#include "histogram.h"
#include "pg_slow_statements.h"

extern void pss_usage_cpu(PssUsage *u, int sign, bool fresh);

/*
 * pss_now_ns
 *		The monotonic clock, in nanoseconds.
 */
static inline int64
pss_now_ns(void)
{
	instr_time	now;

	INSTR_TIME_SET_CURRENT(now);
	return pss_instr_ns(now);
}

/*
 * pss_usage_begin, pss_usage_end
 *		Start and end measuring buffer and WAL usage into u: subtract the
 *		backend's running totals, then add them back; and collect the wait
 *		events the sampler saw meanwhile (activity.h).  With fresh, u is
 *		first taken as zero, so it need not be cleared.  I/O times are read
 *		only if track_io_timing is on at the start (the return value, to
 *		pass to pss_usage_end), as they do not move otherwise; CPU times
 *		only if track_cpu is on at the start of the measurement
 *		(u->cpu_timed).  Always inlined, so that fresh is a constant.
 */
static pg_attribute_always_inline bool
pss_usage_begin(PssUsage *u, bool fresh)
{
	const BufferUsage *b = &pgBufferUsage;
	const WalUsage *w = &pgWalUsage;
	PssActivitySlot *s = pss_activity_own();

#define PSS_USAGE(name, ctype, sqltype, since, merge, read) \
	u->name = (fresh ? 0 : u->name) - (int64) (read);
#include "counterlist.h"
	pss_activity_begin(s, &u->waits, fresh);
	if (fresh)
		u->cpu_timed = pss_track_cpu;
	if (unlikely(u->cpu_timed))
		pss_usage_cpu(u, -1, fresh);

	if (track_io_timing)
	{
#define PSS_IO(name, ctype, sqltype, since, merge, read) \
		u->name = (fresh ? 0 : u->name) - (read);
#include "counterlist.h"
		return true;
	}
	if (fresh)
	{
#define PSS_IO(name, ctype, sqltype, since, merge, read) u->name = 0;
#include "counterlist.h"
	}
	return false;
}

static pg_attribute_always_inline void
pss_usage_end(PssUsage *u, bool timed)
{
	const BufferUsage *b = &pgBufferUsage;
	const WalUsage *w = &pgWalUsage;
	const PssActivitySlot *s = pss_activity_own();

#define PSS_USAGE(name, ctype, sqltype, since, merge, read) \
	u->name += (int64) (read);
#include "counterlist.h"
	pss_activity_end(s, &u->waits);
	if (unlikely(u->cpu_timed))
		pss_usage_cpu(u, 1, false);

	if (timed)
	{
#define PSS_IO(name, ctype, sqltype, since, merge, read) u->name += (read);
#include "counterlist.h"
	}
}

/*
 * pss_measure_begin
 *		Start a measurement of one planning or execution: every field as
 *		pss_measure_init leaves it (none can be forgotten), then the time
 *		and what follows from it.
 */
static inline void
pss_measure_begin(PssMeasure *m, PssKind kind, double time_ms)
{
	int			bucket = 0;
	bool		slow = false;
	TimestampTz start = 0;

	if (kind == PSS_EXEC)
	{
		bucket = pss_hist_bucket(time_ms);
		slow = pss_slow_threshold >= 0 && time_ms >= pss_slow_threshold;
		/* the statement's start, which the core keeps: no clock read */
		start = GetCurrentStatementStartTimestamp();
	}

	/* no call in between: the compiler drops the stores overwritten */
	pss_measure_init(m);
	m->kind = kind;
	m->time_ms = time_ms;
	m->hist_bucket = bucket;
	m->slow = slow;
	m->start = start;
}

#endif							/* PSS_MEASURE_H */
