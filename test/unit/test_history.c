/*-------------------------------------------------------------------------
 *
 * test_history.c
 *	  Unit tests of each statement's recent history (src/history.c): an
 *	  execution counts in the interval it ended in, a clock gone back
 *	  counts in the newest interval (never an older one, never a record of
 *	  its own), a log that wraps shows each owner only its own newest
 *	  records, an owner idle while the log wrapped shows none, counts
 *	  saturate.
 *
 * Built against test/unit/stub's few server definitions.  Ends with a
 * line "N passed, N failed".
 *
 * test/unit/test_history.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <stdio.h>
#include <stdlib.h>

#include "history.h"
#include "unit_check.h"

#define SEC		INT64_C(1000000)

/* a log for max_entries entries, zeroed as shared memory would be */
static PssHistLog *
new_log(int max_entries)
{
	PssHistLog *log = calloc(1, pss_history_log_size(max_entries));

	pss_history_log_init(log, max_entries);
	return log;
}

/* one execution of owner starting at start_us and lasting ms */
static void
run(PssHistLog *log, uint32 owner, PssHistHead *h, int64 start_us,
	double ms, uint64 rows)
{
	PssMeasure	m;

	pss_measure_init(&m);
	m.kind = PSS_EXEC;
	m.start = start_us;
	m.time_ms = ms;
	m.rows = rows;
	pss_history_add(log, owner, h, &m);
}

/* one failure of owner at at_us */
static void
fail(PssHistLog *log, uint32 owner, PssHistHead *h, int64 at_us)
{
	PssMeasure	m;

	pss_measure_init(&m);
	m.kind = PSS_EXEC;
	m.failed = true;
	m.error_at = at_us;
	pss_history_add(log, owner, h, &m);
}

/* owner's intervals from oldest on, newest first, as a reader copies them */
static int
history_of(const PssHistLog *log, uint32 owner, const PssHistHead *h,
		   uint32 oldest, PssHistCopy *out, int max)
{
	uint32		prev = h->head;
	uint32		newer = h->interval + 1;

	if (h->head == 0)
		return 0;
	return pss_history_copy_rest(log, owner, &prev, &newer, oldest, out, max);
}

/* executions and failures land in the interval they ended in */
static void
test_intervals(void)
{
	PssHistLog *log = new_log(10);
	PssHistHead h = {0};
	PssHistCopy out[8];
	int			n;

	pss_history_interval = 60;
	run(log, 1, &h, 120 * SEC, 5.0, 3);
	run(log, 1, &h, 150 * SEC, 7.0, 1);
	/* starts in interval 1, ends in interval 2: counts in 2 */
	run(log, 1, &h, 120 * SEC - 1000, 2.0, 0);
	fail(log, 1, &h, 170 * SEC);
	run(log, 1, &h, 185 * SEC, 1.0, 0);
	n = history_of(log, 1, &h, 0, out, 8);
	CHECK(n == 2, "two intervals, got %d", n);
	CHECK(out[0].interval == 3 && out[0].calls == 1 &&
		  out[0].failed_calls == 0, "interval 3: one call");
	CHECK(out[1].interval == 2 && out[1].calls == 3 &&
		  out[1].failed_calls == 1 && out[1].rows == 4,
		  "interval 2: 3 calls, 1 failure, 4 rows (got %u, %u, %u)",
		  out[1].calls, out[1].failed_calls, out[1].rows);
	CHECK(out[1].total_ms == 14.0 && out[1].max_ms == 7.0,
		  "interval 2: total 14 ms, max 7 ms");
	/* oldest bounds what is read */
	n = history_of(log, 1, &h, 3, out, 8);
	CHECK(n == 1 && out[0].interval == 3, "from interval 3: one");
	free(log);
}

/* a clock gone back counts in the newest interval, taking no record */
static void
test_clock_back(void)
{
	PssHistLog *log = new_log(10);
	PssHistHead h = {0};
	PssHistCopy out[8];
	uint64		taken;
	int			n;

	pss_history_interval = 60;
	run(log, 1, &h, 130 * SEC, 1.0, 0);
	run(log, 1, &h, 190 * SEC, 1.0, 0);
	taken = pg_atomic_read_u64(&log->taken);
	run(log, 1, &h, 50 * SEC, 1.0, 0);	/* interval 0, before the head's */
	fail(log, 1, &h, 10 * SEC);
	CHECK(pg_atomic_read_u64(&log->taken) == taken,
		  "a clock gone back takes no record");
	n = history_of(log, 1, &h, 0, out, 8);
	CHECK(n == 2 && out[0].interval == 3 && out[0].calls == 2 &&
		  out[0].failed_calls == 1 && out[1].interval == 2 &&
		  out[1].calls == 1,
		  "a clock gone back counts in the newest interval");
	/* and forward again */
	run(log, 1, &h, 250 * SEC, 1.0, 0);
	n = history_of(log, 1, &h, 0, out, 8);
	CHECK(n == 3 && out[0].interval == 4 && out[0].calls == 1,
		  "then forward: a new interval");
	for (int i = 1; i < n; i++)
		CHECK(out[i].interval < out[i - 1].interval,
			  "intervals strictly older down the chain");
	free(log);

	/*
	 * The clock goes back after the head's record was taken over by other
	 * entries (a log of 6 records): the new record is still of the head's
	 * interval, never an older one.
	 */
	log = new_log(1);
	memset(&h, 0, sizeof(h));
	run(log, 1, &h, 600 * SEC, 1.0, 0);	/* interval 10 */
	{
		PssHistHead other = {0};

		for (int t = 11; t < 20; t++)
			run(log, 2, &other, t * 60 * SEC, 1.0, 0);
	}
	run(log, 1, &h, 300 * SEC, 1.0, 0);	/* interval 5: the clock went back */
	n = history_of(log, 1, &h, 0, out, 8);
	CHECK(n == 1 && out[0].interval == 10 && out[0].calls == 1,
		  "a clock gone back past a record taken over: the head's interval "
		  "(got %d, interval %u)", n, n > 0 ? out[0].interval : 0);
	free(log);
}

/*
 * A log of 12 records (2 entries) shared by three owners: owner 1 runs once
 * an interval, owner 2 three times, for 30 intervals; owner 3 ran in the
 * first interval only.  Each sees only its own newest records, with its own
 * counts; owner 3's records were all taken over: it sees none.
 */
static void
test_wrap(void)
{
	PssHistLog *log = new_log(2);
	PssHistHead h1 = {0};
	PssHistHead h2 = {0};
	PssHistHead h3 = {0};
	PssHistCopy out[64];
	int			n1;
	int			n2;

	pss_history_interval = 1;
	run(log, 3, &h3, 0, 1.0, 0);
	for (int t = 0; t < 30; t++)
	{
		run(log, 1, &h1, t * SEC + 1000, 1.0, 0);
		for (int k = 0; k < 3; k++)
			run(log, 2, &h2, t * SEC + 2000 + k, 1.0, 0);
	}
	n1 = history_of(log, 1, &h1, 0, out, 64);
	CHECK(n1 >= 5 && n1 <= 6, "owner 1: 5 or 6 intervals, got %d", n1);
	for (int i = 0; i < n1; i++)
		CHECK(out[i].calls == 1 && out[i].interval == (uint32) (29 - i),
			  "owner 1, interval %u: its own call", out[i].interval);
	n2 = history_of(log, 2, &h2, 0, out, 64);
	CHECK(n2 >= 5 && n2 <= 6, "owner 2: 5 or 6 intervals, got %d", n2);
	for (int i = 0; i < n2; i++)
		CHECK(out[i].calls == 3 && out[i].interval == (uint32) (29 - i),
			  "owner 2, interval %u: its own 3 calls", out[i].interval);
	CHECK(n1 + n2 <= 12, "no more than the log holds");
	CHECK(history_of(log, 3, &h3, 0, out, 64) == 0,
		  "an owner whose records were all taken over sees none");
	/* its next execution starts a new chain, of its own only */
	run(log, 3, &h3, 40 * SEC, 1.0, 0);
	CHECK(history_of(log, 3, &h3, 0, out, 64) == 1 && out[0].calls == 1,
		  "... and its next execution one interval");
	free(log);
}

/* counts saturate rather than wrap */
static void
test_saturate(void)
{
	PssHistLog *log = new_log(1);
	PssHistHead h = {0};
	PssHistCopy out[2];
	PssHistRecord *r;

	pss_history_interval = 60;
	run(log, 1, &h, 60 * SEC, 1.0, 1);
	r = &log->records[h.head - 1];
	r->calls = PG_UINT32_MAX;
	r->failed_calls = PG_UINT32_MAX;
	r->rows = PG_UINT32_MAX - 1;
	run(log, 1, &h, 61 * SEC, 1.0, 5);
	fail(log, 1, &h, 62 * SEC);
	CHECK(history_of(log, 1, &h, 0, out, 2) == 1, "one interval");
	CHECK(out[0].calls == PG_UINT32_MAX && out[0].failed_calls == PG_UINT32_MAX &&
		  out[0].rows == PG_UINT32_MAX, "calls, failures and rows saturate");
	free(log);
}

int
main(void)
{
	test_intervals();
	test_clock_back();
	test_wrap();
	test_saturate();
	printf("%d passed, %d failed\n", passed, failed);
	return failed > 0;
}
