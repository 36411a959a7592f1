/*-------------------------------------------------------------------------
 *
 * test_waits.c
 *	  Unit tests of the per-entry wait events (src/waits.c): the events of
 *	  most time are kept, the others fold into one row, nothing is lost or
 *	  counted twice, runs overwritten before they were read still count,
 *	  counts saturate.
 *
 * Built against test/unit/stub's few server definitions.  Ends with a
 * line "N passed, N failed".
 *
 * test/unit/test_waits.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <stdio.h>

#include "waits.h"
#include "unit_check.h"


/* xorshift64*: a small deterministic generator */
static uint64 rng_state = UINT64_C(0x9e3779b97f4a7c15);

static uint64
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * UINT64_C(2685821657736338717);
}

/* one measurement of a single event */
static void
usage_one(PssUsage *u, uint32 code, uint32 samples, int64 us)
{
	memset(u, 0, sizeof(*u));
	u->waits.seen = true;
	u->waits.nevents = 1;
	u->waits.code[0] = code;
	u->waits.samples[0] = samples;
	u->waits.time_us[0] = us;
	u->cpu_time = us;			/* any class: only sums are compared */
}

/* the slot of code in d, or -1 */
static int
slot_of(const PssEntryWaits *d, uint32 code)
{
	for (int k = 0; k < PSS_ENTRY_EVENTS; k++)
		if (d->samples[k] > 0 && d->code[k] == code)
			return k;
	return -1;
}

static int64
total_us(const PssEntryWaits *d)
{
	int64		t = 0;

	for (int k = 0; k <= PSS_ENTRY_EVENTS; k++)
		t += d->time_us[k];
	return t;
}

static void
test_fold(void)
{
	PssEntryWaits d;
	PssUsage	u;

	memset(&d, 0, sizeof(d));
	/* running (code 0) is an event like the others */
	for (uint32 e = 0; e < PSS_ENTRY_EVENTS; e++)
	{
		usage_one(&u, e, 10 + e, 1000 * (10 + e));
		pss_waits_add(&d, &u);
	}
	for (uint32 e = 0; e < PSS_ENTRY_EVENTS; e++)
		CHECK(slot_of(&d, e) >= 0, "event %u kept", e);
	CHECK(d.samples[PSS_WAITS_OTHER] == 0, "no other events yet");

	/* a sixth, smaller than all: to the other events */
	usage_one(&u, 77, 1, 1000);
	pss_waits_add(&d, &u);
	CHECK(slot_of(&d, 77) < 0, "a small sixth event is not kept");
	CHECK(d.samples[PSS_WAITS_OTHER] == 1 &&
		  d.time_us[PSS_WAITS_OTHER] == 1000, "it is in the other events");

	/* the same event again: added to its slot */
	usage_one(&u, 3, 2, 2000);
	pss_waits_add(&d, &u);
	CHECK(d.samples[slot_of(&d, 3)] == 15 &&
		  d.time_us[slot_of(&d, 3)] == 15000, "an event kept adds up");

	/* a sixth, larger than the least: takes its place */
	usage_one(&u, 88, 50, 50000);
	pss_waits_add(&d, &u);
	CHECK(slot_of(&d, 88) >= 0, "a large sixth event is kept");
	CHECK(slot_of(&d, 0) < 0, "the event of least time made room");
	CHECK(d.samples[PSS_WAITS_OTHER] == 11 &&
		  d.time_us[PSS_WAITS_OTHER] == 11000,
		  "the displaced event went to the other events (%u, %lld)",
		  d.samples[PSS_WAITS_OTHER], (long long) d.time_us[PSS_WAITS_OTHER]);
	CHECK(pss_waits_valid(&d), "valid");
}

static void
test_lost(void)
{
	PssEntryWaits d;
	PssUsage	u;

	memset(&d, 0, sizeof(d));
	/* 40 ms read in runs of 4 samples; the classes hold 100 ms */
	usage_one(&u, 5, 4, 40000);
	u.waits.lost = true;
	u.cpu_time = 60000;
	u.wait_lock_time = 40000;
	pss_waits_add(&d, &u);
	CHECK(d.time_us[slot_of(&d, 5)] == 40000, "the runs read are kept");
	CHECK(d.time_us[PSS_WAITS_OTHER] == 60000 &&
		  d.samples[PSS_WAITS_OTHER] == 6,
		  "the time of the runs overwritten is in the other events, "
		  "as samples of the mean (%u, %lld)",
		  d.samples[PSS_WAITS_OTHER], (long long) d.time_us[PSS_WAITS_OTHER]);
	CHECK(total_us(&d) == 100000, "the rows add up to the classes");
}

static void
test_saturate(void)
{
	PssEntryWaits d;
	PssUsage	u;

	memset(&d, 0, sizeof(d));
	usage_one(&u, 9, PG_UINT32_MAX - 1, 1);
	pss_waits_add(&d, &u);
	usage_one(&u, 9, 5, 1);
	pss_waits_add(&d, &u);
	CHECK(d.samples[slot_of(&d, 9)] == PG_UINT32_MAX, "samples saturate");
}

/* random measurements of many events: nothing lost, no event twice */
static void
test_random(void)
{
	PssEntryWaits d;
	int64		sum = 0;
	int			bad = 0;

	memset(&d, 0, sizeof(d));
	for (int i = 0; i < 100000; i++)
	{
		PssUsage	u;
		int			n = 1 + rng() % PSS_MEASURE_EVENTS;

		memset(&u, 0, sizeof(u));
		u.waits.seen = true;
		u.waits.nevents = n;
		for (int k = 0; k < n; k++)
		{
			u.waits.code[k] = (uint32) (rng() % 40) * 3 + k % 3;
			u.waits.samples[k] = 1 + rng() % 100;
			u.waits.time_us[k] = u.waits.samples[k] * 10000;
			sum += u.waits.time_us[k];
		}
		/* distinct codes within a measurement, as collect makes them */
		for (int a = 0; a < n; a++)
			for (int b = a + 1; b < n; b++)
				if (u.waits.code[a] == u.waits.code[b])
					u.waits.code[b] += 1000 * (b + 1);
		pss_waits_add(&d, &u);
		for (int a = 0; a < PSS_ENTRY_EVENTS; a++)
			for (int b = a + 1; b < PSS_ENTRY_EVENTS; b++)
				if (d.samples[a] > 0 && d.samples[b] > 0 &&
					d.code[a] == d.code[b])
					bad++;
	}
	CHECK(total_us(&d) == sum, "100,000 merges keep every microsecond");
	CHECK(bad == 0, "no event kept twice");
	CHECK(pss_waits_valid(&d), "valid");
}

int
main(void)
{
	test_fold();
	test_lost();
	test_saturate();
	test_random();
	printf("%d passed, %d failed\n", passed, failed);
	return failed > 0;
}
