/*-------------------------------------------------------------------------
 *
 * waits.c
 *	  Merging a measurement's wait events into its entry's (waits.h).
 *
 * src/waits.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "waits.h"

/*
 * samples_add
 *		a + b, saturating: an entry's samples of one event could pass 2^32
 *		only after 497 days of its time at the default interval.
 */
static inline uint32
samples_add(uint32 a, uint32 b)
{
	return (b > PG_UINT32_MAX - a) ? PG_UINT32_MAX : a + b;
}

/*
 * waits_add_event
 *		Add samples and time of event code to d: to its slot, or a free
 *		one, or, the slots full, in place of the slot of least time if the
 *		new event has more (that slot's figures go to the other events),
 *		else to the other events.
 */
static void
waits_add_event(PssEntryWaits *d, uint32 code, uint32 samples, int64 us)
{
	int			least = -1;

	for (int k = 0; k < PSS_ENTRY_EVENTS; k++)
	{
		if (d->samples[k] == 0)
		{
			d->code[k] = code;
			d->samples[k] = samples;
			d->time_us[k] = us;
			return;
		}
		if (d->code[k] == code)
		{
			d->samples[k] = samples_add(d->samples[k], samples);
			d->time_us[k] += us;
			return;
		}
		if (least < 0 || d->time_us[k] < d->time_us[least])
			least = k;
	}
	if (us > d->time_us[least])
	{
		d->samples[PSS_WAITS_OTHER] = samples_add(d->samples[PSS_WAITS_OTHER],
												  d->samples[least]);
		d->time_us[PSS_WAITS_OTHER] += d->time_us[least];
		d->code[least] = code;
		d->samples[least] = samples;
		d->time_us[least] = us;
		return;
	}
	d->samples[PSS_WAITS_OTHER] = samples_add(d->samples[PSS_WAITS_OTHER],
											  samples);
	d->time_us[PSS_WAITS_OTHER] += us;
}

/*
 * pss_waits_add
 *		Merge the wait events of measurement usage u into an entry's d.
 *		Runs the sampler overwrote before the backend read them (lost)
 *		left their time in the classes' totals only: what those hold beyond
 *		the events read goes to the other events, as samples of the mean
 *		time of those read.  The entry's spinlock held: arithmetic only.
 */
void
pss_waits_add(PssEntryWaits *d, const PssUsage *u)
{
	const PssWaitEvents *w = &u->waits;
	uint32		other_samples = w->other_samples;
	int64		other_us = w->other_time_us;

	for (int i = 0; i < w->nevents; i++)
		waits_add_event(d, w->code[i], w->samples[i], w->time_us[i]);

	if (w->lost)
	{
		int64		total = 0;
		int64		seen = other_us;
		int64		seen_samples = other_samples;

		/* the sampled time of every class: counterlist.h's wait rows */
		total = u->cpu_time + u->wait_io_time + u->wait_lock_time +
			u->wait_lwlock_time + u->wait_ipc_time + u->wait_timeout_time +
			u->wait_client_time + u->wait_other_time;
		for (int i = 0; i < w->nevents; i++)
		{
			seen += w->time_us[i];
			seen_samples += w->samples[i];
		}
		if (total > seen && seen > 0)
		{
			other_us += total - seen;
			other_samples = samples_add(other_samples,
										(uint32) Min((total - seen) *
													 seen_samples / seen,
													 PG_UINT32_MAX));
		}
	}
	if (other_samples > 0 || other_us > 0)
	{
		d->samples[PSS_WAITS_OTHER] = samples_add(d->samples[PSS_WAITS_OTHER],
												  Max(other_samples, 1));
		d->time_us[PSS_WAITS_OTHER] += other_us;
	}
}

/*
 * pss_waits_valid
 *		Could d have been made by pss_waits_add?  For a loaded file.
 */
bool
pss_waits_valid(const PssEntryWaits *d)
{
	for (int k = 0; k <= PSS_ENTRY_EVENTS; k++)
		if (d->time_us[k] < 0 || (k < PSS_ENTRY_EVENTS && d->samples[k] == 0 &&
								  d->time_us[k] != 0))
			return false;
	return true;
}
