/*-------------------------------------------------------------------------
 *
 * activity.h
 *	  What each backend is doing, sampled: one slot per PGPROC in shared
 *	  memory, the time the sampler saw its process spend by wait class.
 *
 * The protocol (activity.c keeps the slots and runs the sampler):
 *
 *	- There is one slot per PGPROC number (ProcGlobal->allProcs), so that a
 *	  process finds its own slot, and the sampler any process's, by index,
 *	  with no lookup and no lock.
 *	- A slot holds PSS_WAIT_NCLASSES running totals, in microseconds: how
 *	  long the sampler saw the process (and its parallel workers) running
 *	  on CPU or waiting in each class of wait event.  Only the sampler
 *	  writes them, each as one 8-byte atomic store of the old value plus the
 *	  time since its previous pass; nobody ever resets them.
 *	- A backend reads its own slot's totals at the start and at the end of
 *	  every period it measures, with the buffer and WAL counters
 *	  (pss_usage_begin and pss_usage_end in measure.h): the difference is the time
 *	  sampled during the period, which a nested period's start and end read
 *	  again for itself.  Every read is one 8-byte atomic load of a value the
 *	  sampler wrote whole, so no torn value can be seen, and the backend
 *	  never waits for the sampler nor the sampler for it.  A total that
 *	  moves during the read of the eight is at worst one sample early or
 *	  late: the period's sampling error anyway.
 *	- The totals of a slot whose process exits are left as they are: its
 *	  next owner reads only differences of its own periods.
 *	- A parallel worker's samples go to its leader's slot (PGPROC's
 *	  lockGroupLeader), so that they count in the leader's statement.
 *
 * Which wait events, not only which classes, is told by a ring of runs in
 * the same slot: a run is one wait event (or running) and the samples and
 * time the sampler saw of it in a row.  The sampler pushes a run (writes
 * runs[n % PSS_ACTIVITY_RUNS], then, after a write barrier, nruns = n + 1)
 * or adds a sample to one of the last PSS_ACTIVITY_MERGE runs of the same
 * event, but only to a run at or after the slot's barrier.  A backend
 * starting a period reads nruns and stores it as the barrier
 * (pss_activity_begin): from then on every sample of the period lands in
 * a run numbered from there, none in an older one, so that at the period's
 * end the runs from its start to nruns hold exactly the period's samples
 * (pss_activity_collect), each run read whole in one 8-byte load.  A nested
 * period moves the barrier forward, which only makes the sampler push
 * where it would have merged.  More than PSS_ACTIVITY_RUNS runs in one
 * period overwrite its first ones: the time of those is still in the
 * classes' totals, and the collector gives it to no named event.
 *
 * The figures are estimates: a period of t ms holds about t / interval
 * samples, each of the sampled state.
 *
 * src/activity.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PSS_ACTIVITY_H
#define PSS_ACTIVITY_H

#include "port/atomics.h"

#include "counters.h"

/* The classes a sample falls into, in the order of their columns */
typedef enum PssWaitClass
{
	PSS_WAIT_CPU = 0,			/* no wait event: running */
	PSS_WAIT_IO,
	PSS_WAIT_LOCK,
	PSS_WAIT_LWLOCK,
	PSS_WAIT_IPC,
	PSS_WAIT_TIMEOUT,
	PSS_WAIT_CLIENT,
	PSS_WAIT_OTHER,				/* every other class of wait event */
	PSS_WAIT_NCLASSES
} PssWaitClass;

/* Runs kept per slot, and how many of the last a sample may merge into */
#define PSS_ACTIVITY_RUNS		64
#define PSS_ACTIVITY_MERGE		4

/*
 * A run, in one 8-byte word: the event in the top 24 bits (the class byte
 * of wait_event_info, then its 16-bit event id; 0 is running), its samples
 * in the next 16, its time in microseconds in the low 24.  The sampler
 * pushes a new run rather than overflow either count (a run of over 16
 * seconds is split).
 */
#define PSS_RUN_EVENT_SHIFT		40
#define PSS_RUN_SAMPLES_SHIFT	24
#define PSS_RUN_SAMPLES_MAX		0xFFFF
#define PSS_RUN_US_MAX			0xFFFFFF
#define PSS_RUN_EVENT(w)		((uint32) ((w) >> PSS_RUN_EVENT_SHIFT))
#define PSS_RUN_SAMPLES(w) \
	((uint32) ((w) >> PSS_RUN_SAMPLES_SHIFT) & PSS_RUN_SAMPLES_MAX)
#define PSS_RUN_US(w)			((uint32) (w) & PSS_RUN_US_MAX)

/* A wait_event_info as a run's 24-bit event, and back */
#define PSS_EVENT_CODE(info)	((((info) >> 24) << 16) | ((info) & 0xFFFF))
#define PSS_EVENT_INFO(code)	((((code) >> 16) << 24) | ((code) & 0xFFFF))

/* One process's slot: 592 bytes */
typedef struct PssActivitySlot
{
	pg_atomic_uint64 time_us[PSS_WAIT_NCLASSES];	/* see above */
	pg_atomic_uint64 nruns;		/* runs pushed since the server started */
	pg_atomic_uint64 barrier;	/* no merging into runs before this one */
	pg_atomic_uint64 runs[PSS_ACTIVITY_RUNS];	/* run i at i % RUNS */
} PssActivitySlot;

StaticAssertDecl(sizeof(PssActivitySlot) == 592,
				 "an activity slot takes 592 bytes (README, test 009_memory)");


/*
 * This backend's slot, or a slot of zeros when it has none (a PGPROC
 * number past the slots, or no slots: the library is not preloaded); NULL
 * until its first use sets it (pss_activity_attach).  Exported only for
 * pss_activity_own's inlining.
 */
extern PGDLLIMPORT PssActivitySlot *pss_activity_mine;

extern PssActivitySlot *pss_activity_attach(void);
extern void pss_activity_collect(const PssActivitySlot *s, PssWaitEvents *w,
								 uint64 runs_to);

/*
 * pss_activity_own
 *		This backend's slot, found at its first use.  Inline: every measured
 *		period asks, twice.
 */
static inline PssActivitySlot *
pss_activity_own(void)
{
	if (likely(pss_activity_mine != NULL))
		return pss_activity_mine;
	return pss_activity_attach();
}

/*
 * pss_activity_read
 *		The time the sampler saw this backend in wait class c so far, in
 *		microseconds: a running total, read at a measured period's start
 *		and end (counterlist.h's wait rows, over s, pss_activity_own()).
 */
static inline int64
pss_activity_read(const PssActivitySlot *s, PssWaitClass c)
{
	return (int64) pg_atomic_read_u64(unconstify(pg_atomic_uint64 *,
												 &s->time_us[c]));
}

/*
 * pss_activity_begin, pss_activity_end
 *		Start and end collecting the events of a period into w: begin
 *		moves the slot's barrier to the runs pushed so far (fresh: w is
 *		first taken as empty); end collects the runs pushed since, if any (none
 *		when no sample fell in the period, the usual case for a short
 *		statement: one load and a comparison).
 */
static inline void
pss_activity_begin(PssActivitySlot *s, PssWaitEvents *w, bool fresh)
{
	uint64		n = pg_atomic_read_u64(&s->nruns);

	pg_atomic_write_u64(&s->barrier, n);
	w->runs_from = n;
	if (fresh)
		w->seen = false;
}

static inline void
pss_activity_end(const PssActivitySlot *s, PssWaitEvents *w)
{
	uint64		n = pg_atomic_read_u64(unconstify(pg_atomic_uint64 *,
												  &s->nruns));

	if (unlikely(n != w->runs_from))
		pss_activity_collect(s, w, n);
}

extern void pss_activity_init(void);
extern PGDLLEXPORT void pss_sampler_main(Datum main_arg);

#endif							/* PSS_ACTIVITY_H */
