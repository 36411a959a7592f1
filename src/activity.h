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
 *	  (usage_begin and usage_end in hooks.c): the difference is the time
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

/* One process's slot: 64 bytes */
typedef struct PssActivitySlot
{
	pg_atomic_uint64 time_us[PSS_WAIT_NCLASSES];	/* see above */
} PssActivitySlot;

/*
 * This backend's slot, or a slot of zeros when it has none (a PGPROC
 * number past the slots, or no slots: the library is not preloaded); NULL
 * until its first use sets it (pss_activity_attach).  Exported only for
 * pss_activity_own's inlining.
 */
extern PGDLLIMPORT const PssActivitySlot *pss_activity_mine;

extern const PssActivitySlot *pss_activity_attach(void);

/*
 * pss_activity_own
 *		This backend's slot, found at its first use.  Inline: every measured
 *		period asks, twice.
 */
static inline const PssActivitySlot *
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

extern void pss_activity_init(void);
extern PGDLLEXPORT void pss_sampler_main(Datum main_arg);

#endif							/* PSS_ACTIVITY_H */
