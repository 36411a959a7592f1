/*-------------------------------------------------------------------------
 *
 * waits.h
 *	  The wait events of each entry: which events its sampled time went to,
 *	  a few per entry, behind pg_slow_statements_waits().
 *
 * An entry keeps PSS_ENTRY_EVENTS events (running counts as one, code 0)
 * with their samples and time, and one row more for every other event:
 * when a measurement brings an event the entry has no room for, the event
 * of least time so far (the new one included) goes to that row.  So the
 * events kept are those of the most time, give or take what was folded
 * before an event grew, and the rows always add up to the entry's sampled
 * time (cpu_time and the wait_*_time columns), within a sample.
 *
 * The store keeps one PssEntryWaits per entry beside the entries (not in
 * them: the view's reads copy entries whole), protected by the entry's
 * spinlock like its counters, cleared when the entry is made, read only
 * by pg_slow_statements_waits() and the saved file.
 *
 * src/waits.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PSS_WAITS_H
#define PSS_WAITS_H

#include "counters.h"

/* Events kept per entry, beside the row of the others */
#define PSS_ENTRY_EVENTS		5
#define PSS_WAITS_OTHER			PSS_ENTRY_EVENTS

/* One entry's events: 96 bytes.  A slot is used while its samples > 0. */
typedef struct PssEntryWaits
{
	uint32		code[PSS_ENTRY_EVENTS]; /* PSS_EVENT_CODE (activity.h) */
	uint32		samples[PSS_ENTRY_EVENTS + 1];	/* saturating */
	int64		time_us[PSS_ENTRY_EVENTS + 1];
} PssEntryWaits;

StaticAssertDecl(sizeof(PssEntryWaits) == 96,
				 "the per-entry wait events take 96 bytes (README)");

extern void pss_waits_add(PssEntryWaits *d, const PssUsage *u);
extern bool pss_waits_valid(const PssEntryWaits *d);

#endif							/* PSS_WAITS_H */
