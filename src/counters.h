/*-------------------------------------------------------------------------
 *
 * counters.h
 *	  The statistics of an entry, and what one planning or execution
 *	  measured, as made from the table of counterlist.h.
 *
 * PssCounters holds, in this order: the calls and times of planning and
 * execution (one element per PssKind) and the bounds of the histogram,
 * the table's stored counters in the order of their columns, then the
 * slowest execution's time and the latency histogram.  The histogram must
 * stay last, and end the struct with no padding after it (a StaticAssert
 * says so): readers copy the fields before it, and only the occupied
 * buckets of it (store.c), so a field after it would never be read.
 *
 * src/counters.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PSS_COUNTERS_H
#define PSS_COUNTERS_H

#include "datatype/timestamp.h"

#include "histogram.h"

/* Only pointed to here: no executor header for the store's includers */
struct JitInstrumentation;

/* Planning and execution each keep their own call and time counters */
typedef enum PssKind
{
	PSS_PLAN = 0,
	PSS_EXEC,
	PSS_NUM_KINDS
} PssKind;

/*
 * Where an executed plan came from: a generic cached plan, a custom one,
 * or neither (planned for this execution alone, or a server before 19,
 * which does not say: see pss_plan_cache in compat.h).
 */
typedef enum PssPlanCache
{
	PSS_PLAN_UNCACHED,
	PSS_PLAN_GENERIC,
	PSS_PLAN_CUSTOM
} PssPlanCache;

/*
 * How a measurement merges into a stored counter (the merge column of
 * counterlist.h).  MIN and MAX take 0 as "none yet"; COUNT counts the
 * measurements for which a condition holds.
 */
#define PSS_MERGE_SUM(field, v)		((field) += (v))
#define PSS_MERGE_LAST(field, v)	((field) = (v))
#define PSS_MERGE_MAX(field, v) \
	do { if ((v) > (field)) (field) = (v); } while (0)
#define PSS_MERGE_MIN(field, v) \
	do { if ((field) == 0 || (v) < (field)) (field) = (v); } while (0)
#define PSS_MERGE_COUNT(field, cond) \
	do { if (cond) (field)++; } while (0)

/*
 * The statistics of one entry, with pg_stat_statements' meaning and units
 * (times in milliseconds).  minmax_set[kind] is false after a min/max reset
 * until the next call sets min and max again.
 */
/*
 * The fields before the table's and after them, as macros, so that the
 * saved file's reader can lay out the counters of an older table between
 * the same (persist.c).  sum_var_time: sum of squared deviations; hist_lo
 * and hist_hi: the lowest and highest non-empty buckets of hist;
 * slowest_time: the time of the slowest execution, ms; hist: executions
 * per latency bucket (last, see above).
 */
#define PSS_COUNTERS_HEAD \
	int64		calls[PSS_NUM_KINDS]; \
	double		total_time[PSS_NUM_KINDS]; \
	double		min_time[PSS_NUM_KINDS]; \
	double		max_time[PSS_NUM_KINDS]; \
	double		mean_time[PSS_NUM_KINDS]; \
	double		sum_var_time[PSS_NUM_KINDS]; \
	bool		minmax_set[PSS_NUM_KINDS]; \
	int16		hist_lo; \
	int16		hist_hi;
#define PSS_COUNTERS_TAIL \
	double		slowest_time; \
	uint32		hist[PSS_HIST_BUCKETS];

typedef struct PssCounters
{
	PSS_COUNTERS_HEAD
	/* the table's counters, one field each */
#define PSS_STORED(name, ctype, sqltype, since)	ctype name;
#include "counterlist.h"
	PSS_COUNTERS_TAIL
} PssCounters;

StaticAssertDecl(offsetof(PssCounters, hist) +
				 sizeof(((PssCounters *) NULL)->hist) == sizeof(PssCounters),
				 "hist must end PssCounters: readers copy only the fields "
				 "before it");

/*
 * The wait events of one measurement, as collected from the sampler's runs
 * (activity.h) of its periods: up to PSS_MEASURE_EVENTS named events (code:
 * see PSS_EVENT_CODE there), and the samples and time of the events past
 * those in other.  lost: some runs were overwritten before they were read,
 * their time known only from the classes' totals.  runs_from is where the
 * period in progress began.  Only runs_from and seen are set when a
 * measurement starts: the rest once a period has seen runs (seen), so that
 * a measurement without samples, most of them, costs two stores.
 */
#define PSS_MEASURE_EVENTS		8

typedef struct PssWaitEvents
{
	uint64		runs_from;
	bool		seen;			/* the fields below are set */
	int			nevents;
	uint32		code[PSS_MEASURE_EVENTS];
	uint32		samples[PSS_MEASURE_EVENTS];
	int64		time_us[PSS_MEASURE_EVENTS];
	uint32		other_samples;
	int64		other_time_us;
	bool		lost;
} PssWaitEvents;

/*
 * Buffer and WAL usage of one planning or execution: the table's PSS_USAGE
 * counters, its PSS_IO times in nanoseconds (counted only while
 * track_io_timing is on; before 17 the server times shared and local block
 * I/O together, counted as shared), and its PSS_CPU times in microseconds
 * (only while track_cpu is on, cpu_timed then set).  Kept as plain integers so that the
 * hooks can accumulate it with one subtraction at the start of a period
 * and one addition at its end (see pss_usage_begin and pss_usage_end in measure.h).
 */
typedef struct PssUsage
{
#define PSS_USAGE(name, ctype, sqltype, since, merge, read) int64 name;
#define PSS_IO(name, ctype, sqltype, since, merge, read) int64 name;
#define PSS_CPU(name, ctype, sqltype, since, merge, read) int64 name;
#include "counterlist.h"
	bool		cpu_timed;		/* the PSS_CPU fields were measured */
	PssWaitEvents waits;		/* the wait events behind the wait rows */
} PssUsage;

/*
 * What one planning or one execution of a statement measured.  The fields,
 * once each: X(type, name, value before anything is measured), so that
 * pss_measure_init sets every one of them.
 */
#define PSS_MEASURE_FIELDS(X) \
	X(PssKind, kind, PSS_EXEC) \
	X(bool, failed, false)			/* ended by an error (sqlerrcode) */ \
	X(int, sqlerrcode, 0) \
	X(double, time_ms, 0) \
	X(bool, slow, false)			/* at or above slow_threshold */ \
	X(int, hist_bucket, 0)			/* pss_hist_bucket(time_ms) */ \
	X(int64, calls_in_xact, 0)		/* this call's rank in its transaction */ \
	X(TimestampTz, start, 0)		/* statement start, for last_call */ \
	X(TimestampTz, error_at, 0)		/* when it failed, if failed */ \
	X(uint64, rows, 0) \
	X(int64, parallel_workers_to_launch, 0) \
	X(int64, parallel_workers_launched, 0) \
	X(PssPlanCache, plan_cache, PSS_PLAN_UNCACHED)	/* generic or custom
													 * cached plan (19+) */ \
	X(uint64, planid, 0)			/* the plan's id (plan_id.h), 0: none */ \
	X(const struct PssSource *, source, NULL)	/* who sent it (sources.h),
												 * NULL: not kept */ \
	X(const PssUsage *, usage, NULL)	/* may be NULL */ \
	X(const struct JitInstrumentation *, jitusage, NULL)	/* may be NULL */

typedef struct PssMeasure
{
#define PSS_MEASURE_FIELD(type, name, value) type name;
	PSS_MEASURE_FIELDS(PSS_MEASURE_FIELD)
#undef PSS_MEASURE_FIELD
} PssMeasure;

/*
 * pss_measure_init
 *		Set every field of a measurement to its value before anything is
 *		measured; the caller then sets what it measured.  Field by field
 *		rather than a memset, so that the compiler drops the stores the
 *		caller overwrites.
 */
static inline void
pss_measure_init(PssMeasure *m)
{
#define PSS_MEASURE_FIELD(type, name, value) m->name = (value);
	PSS_MEASURE_FIELDS(PSS_MEASURE_FIELD)
#undef PSS_MEASURE_FIELD
}

#endif							/* PSS_COUNTERS_H */
