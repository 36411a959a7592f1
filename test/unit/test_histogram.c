/*-------------------------------------------------------------------------
 *
 * test_histogram.c
 *	  Unit tests of the latency histogram (src/histogram.c): bucket bounds,
 *	  and percentiles within 5% of the exact nearest-rank percentiles.
 *
 * Samples come from a fixed-seed generator, so the run is deterministic.
 * Ends with a line "N passed, N failed".
 *
 * test/unit/test_histogram.c
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "histogram.h"
#include "unit_check.h"


/* xorshift64*: a small deterministic generator */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static double
rng_uniform(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (double) ((rng_state * 0x2545f4914f6cdd1dULL) >> 11) /
		9007199254740992.0;
}

static int
compare_double(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return (x > y) - (x < y);
}

/*
 * test_bounds
 *		Buckets are contiguous and increasing, and every time falls in the
 *		bucket whose bounds hold it (to the table's 0.1%).
 */
static void
test_bounds(void)
{
	int			b;
	int			i;

	CHECK(pss_hist_lower(0) == 0.0, "bucket 0 starts at 0");
	CHECK(isinf(pss_hist_upper(PSS_HIST_BUCKETS - 1)), "last bucket is open");
	for (b = 1; b < PSS_HIST_BUCKETS - 1; b++)
		CHECK(pss_hist_lower(b) < pss_hist_upper(b) &&
			  pss_hist_upper(b) == pss_hist_lower(b + 1),
			  "bucket %d contiguous", b);
	CHECK(pss_hist_bucket(0.0) == 0, "zero in bucket 0");
	CHECK(pss_hist_bucket(-1.0) == 0, "negative in bucket 0");
	CHECK(pss_hist_bucket(NAN) == 0, "NaN in bucket 0");
	CHECK(pss_hist_bucket(1e12) == PSS_HIST_BUCKETS - 1, "huge in last");
	CHECK(pss_hist_bucket(INFINITY) == PSS_HIST_BUCKETS - 1, "inf in last");

	for (i = 0; i < 200000; i++)
	{
		/* log-uniform from 5 us to 2 hours */
		double		v = 0.005 * pow(2.0, rng_uniform() * 30.0);
		int			bk = pss_hist_bucket(v);
		double		lo = pss_hist_lower(bk);
		double		hi = pss_hist_upper(bk);

		if (!(v >= lo * 0.999 && v < hi * 1.001))
		{
			CHECK(0, "%.9g in bucket %d [%.9g, %.9g)", v, bk, lo, hi);
			return;
		}
	}
	CHECK(1, "200000 times in their buckets");
}

/*
 * check_distribution
 *		Percentiles of n samples drawn by gen, against the exact ones.
 */
static void
check_distribution(const char *name, double (*gen) (void), int n)
{
	uint32_t	hist[PSS_HIST_BUCKETS];
	double	   *v = malloc(sizeof(double) * n);
	double		pcts[] = {50, 90, 95, 99, 99.9};
	double		min = INFINITY;
	double		max = 0;
	int			i;
	size_t		p;

	memset(hist, 0, sizeof(hist));
	for (i = 0; i < n; i++)
	{
		v[i] = gen();
		hist[pss_hist_bucket(v[i])]++;
		if (v[i] < min)
			min = v[i];
		if (v[i] > max)
			max = v[i];
	}
	qsort(v, n, sizeof(double), compare_double);

	for (p = 0; p < sizeof(pcts) / sizeof(pcts[0]); p++)
	{
		size_t		rank = (size_t) ceil(pcts[p] / 100.0 * n);
		double		exact = v[(rank < 1 ? 1 : rank) - 1];
		double		est = pss_hist_percentile(hist, pcts[p], true, min, max);
		double		err = fabs(est - exact) / exact;

		CHECK(err <= 0.05, "%s p%g: exact %.6g ms, histogram %.6g ms (%.2f%%)",
			  name, pcts[p], exact, est, 100 * err);
	}
	free(v);
}

/* 10 us to 1 hour, log-uniform */
static double
gen_wide(void)
{
	return 0.01 * pow(10.0, rng_uniform() * log10(3600000.0 / 0.01));
}

/* most around 0.2 ms, a tail up to seconds */
static double
gen_oltp(void)
{
	double		u = rng_uniform();

	if (u < 0.97)
		return 0.1 + 0.2 * rng_uniform();
	return 5.0 * pow(1000.0, rng_uniform());
}

/* the example: 90 x 5 ms and 10 x 200 ms, with jitter */
static double
gen_bimodal(void)
{
	if (rng_uniform() < 0.9)
		return 5.0 * (1 + 0.02 * rng_uniform());
	return 200.0 * (1 + 0.02 * rng_uniform());
}

/* a constant: exact thanks to min/max */
static double
gen_constant(void)
{
	return 0.0421;
}

/*
 * test_percentiles
 *		Percentiles within 5% on several distributions and sizes, and the
 *		edge cases.
 */
static void
test_percentiles(void)
{
	uint32_t	hist[PSS_HIST_BUCKETS];
	int			trial;

	for (trial = 0; trial < 20; trial++)
	{
		check_distribution("wide", gen_wide, 1000 + trial * 997);
		check_distribution("oltp", gen_oltp, 500 + trial * 1499);
		check_distribution("bimodal", gen_bimodal, 100 + trial * 50);
	}
	check_distribution("constant", gen_constant, 1000);
	check_distribution("single", gen_wide, 1);

	memset(hist, 0, sizeof(hist));
	CHECK(pss_hist_percentile(hist, 50, false, 0, 0) == -1, "empty: -1");
	hist[pss_hist_bucket(3.0)] = 1;
	CHECK(fabs(pss_hist_percentile(hist, 99, false, 0, 0) - 3.0) / 3.0 < 0.05,
		  "one sample without min/max");
	CHECK(pss_hist_percentile(hist, 99, true, 3.0, 3.0) == 3.0,
		  "one sample with min/max is exact");

	/* several percentiles in one pass agree with one at a time */
	{
		double		pcts[] = {50, 90, 95, 99, 99.9};
		double		out[5];
		int			i;
		int			k;

		memset(hist, 0, sizeof(hist));
		for (i = 0; i < 5000; i++)
			hist[pss_hist_bucket(gen_oltp())]++;
		pss_hist_percentiles(hist, 0, PSS_HIST_BUCKETS - 1, pcts, 5, true,
							 0.1, 5000, out);
		for (k = 0; k < 5; k++)
			CHECK(out[k] == pss_hist_percentile(hist, pcts[k], true, 0.1, 5000),
				  "p%g in one pass", pcts[k]);
		memset(hist, 0, sizeof(hist));
		pss_hist_percentiles(hist, 0, PSS_HIST_BUCKETS - 1, pcts, 5, false,
							 0, 0, out);
		CHECK(out[0] == -1 && out[4] == -1, "empty: all -1");
	}
}

int
main(void)
{
	test_bounds();
	test_percentiles();
	printf("%d passed, %d failed\n", passed, failed);
	return failed == 0 ? 0 : 1;
}
