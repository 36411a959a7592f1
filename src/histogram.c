/*-------------------------------------------------------------------------
 *
 * histogram.c
 *	  Latency histograms: which bucket a time falls in, bucket bounds, and
 *	  percentiles.
 *
 * The bucket of a time is read from the bits of its double: the exponent
 * gives the octave, the top 10 bits of the mantissa give the bucket within
 * it through a table.  No logarithm is computed on the hot path.
 *
 * src/histogram.c
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>
#include <string.h>

#include "histogram.h"

/*
 * Bucket within an octave for each value of the top 10 mantissa bits:
 * floor(8 * log2(1 + m)), computed for the middle of the mantissa cell.
 * A cell spans 0.1% of the time, so a time near a bucket boundary may land
 * in the neighbouring bucket: at most 0.1% more error.  Filled on first
 * use; filling it twice concurrently writes the same values.
 */
static uint8_t hist_sub[1024];

/* Each bucket's lowest time and geometric middle, ms */
static double hist_low[PSS_HIST_BUCKETS];
static double hist_mid[PSS_HIST_BUCKETS];

static volatile bool hist_ready = false;

/* The range's bounds, 2^PSS_HIST_MIN_EXP and 2^PSS_HIST_MAX_EXP ms */
#define PSS_HIST_LOW	(1.0 / (1 << -PSS_HIST_MIN_EXP))
#define PSS_HIST_HIGH	((double) (1 << PSS_HIST_MAX_EXP))

/*
 * hist_init
 *		Fill the tables.  About 125,000 instructions (log2 and pow): done
 *		once by pss_hist_init when the library is loaded, in the postmaster
 *		when it is preloaded, so that backends inherit the tables rather
 *		than each paying for them on its first statement.
 */
static void
hist_init(void)
{
	int			i;

	for (i = 0; i < 1024; i++)
	{
		int			sub = (int) floor(PSS_HIST_PER_OCTAVE *
									  log2(1.0 + (i + 0.5) / 1024.0));

		hist_sub[i] = (uint8_t) (sub < PSS_HIST_PER_OCTAVE - 1 ?
								 sub : PSS_HIST_PER_OCTAVE - 1);
	}
	hist_low[0] = 0.0;
	hist_mid[0] = PSS_HIST_LOW / 2;
	for (i = 1; i < PSS_HIST_BUCKETS; i++)
	{
		hist_low[i] = PSS_HIST_LOW *
			pow(2.0, (double) (i - 1) / PSS_HIST_PER_OCTAVE);
		hist_mid[i] = hist_low[i] * pow(2.0, 0.5 / PSS_HIST_PER_OCTAVE);
	}
	hist_mid[PSS_HIST_BUCKETS - 1] = PSS_HIST_HIGH;
	hist_ready = true;
}

/*
 * pss_hist_init
 *		Fill the tables now (see hist_init); idempotent.
 */
void
pss_hist_init(void)
{
	if (!hist_ready)
		hist_init();
}

/*
 * pss_hist_bucket
 *		Histogram bucket of an execution time in milliseconds.
 */
int
pss_hist_bucket(double ms)
{
	uint64_t	bits;
	int			exp;

	if (!hist_ready)
		hist_init();
	if (!(ms >= PSS_HIST_LOW))	/* also NaN */
		return 0;
	if (ms >= PSS_HIST_HIGH)
		return PSS_HIST_BUCKETS - 1;
	memcpy(&bits, &ms, sizeof(bits));
	exp = (int) ((bits >> 52) & 0x7ff) - 1023;
	return 1 + (exp - PSS_HIST_MIN_EXP) * PSS_HIST_PER_OCTAVE +
		hist_sub[(bits >> 42) & 0x3ff];
}

/*
 * pss_hist_lower
 *		Lowest time of a bucket, ms (0 for the bucket below the range).
 */
double
pss_hist_lower(int bucket)
{
	if (!hist_ready)
		hist_init();
	if (bucket <= 0)
		return 0.0;
	if (bucket >= PSS_HIST_BUCKETS)
		bucket = PSS_HIST_BUCKETS - 1;
	return hist_low[bucket];
}

/*
 * pss_hist_upper
 *		Time just above a bucket, ms (infinity for the bucket above the
 *		range).
 */
double
pss_hist_upper(int bucket)
{
	if (bucket >= PSS_HIST_BUCKETS - 1)
		return INFINITY;
	return pss_hist_lower(bucket + 1);
}

/*
 * bucket_value
 *		The value reported for a bucket: its geometric middle, kept within
 *		the minimum and maximum time when they are known, which makes the
 *		outermost buckets exact at their outer edge.
 */
static double
bucket_value(int bucket, bool minmax_known, double min_ms, double max_ms)
{
	double		v = hist_mid[bucket];

	if (minmax_known)
	{
		if (v < min_ms)
			v = min_ms;
		if (v > max_ms)
			v = max_ms;
	}
	return v;
}

/*
 * pss_hist_percentiles
 *		The pcts[i]-th percentiles (nearest rank) of the times counted in
 *		hist, ms, into out[i]; -1 if hist is empty.  pcts must be
 *		ascending.  Every non-empty bucket lies in [lo, hi] (0 and
 *		PSS_HIST_BUCKETS - 1 if not known).
 */
void
pss_hist_percentiles(const uint32_t *hist, int lo, int hi,
					 const double *pcts, int n,
					 bool minmax_known, double min_ms, double max_ms,
					 double *out)
{
	/* keep within the table whatever the caller (or a saved file) says */
	lo = lo < 0 ? 0 : (lo > PSS_HIST_BUCKETS - 1 ? PSS_HIST_BUCKETS - 1 : lo);
	hi = hi > PSS_HIST_BUCKETS - 1 ? PSS_HIST_BUCKETS - 1 : (hi < lo ? lo : hi);
	pss_hist_percentiles_range(hist + lo, lo, hi, pcts, n,
							   minmax_known, min_ms, max_ms, out);
}

/*
 * pss_hist_percentiles_range
 *		Like pss_hist_percentiles, from the counts of buckets lo to hi
 *		only: counts[0] is bucket lo's.  0 <= lo <= hi < PSS_HIST_BUCKETS.
 *
 * One pass over the occupied buckets for all of them: the view shows
 * three per row, for thousands of rows, from a copy of just that range.
 */
void
pss_hist_percentiles_range(const uint32_t *counts, int lo, int hi,
						   const double *pcts, int n,
						   bool minmax_known, double min_ms, double max_ms,
						   double *out)
{
	uint64_t	total = 0;
	uint64_t	seen = 0;
	int			nb = hi - lo + 1;
	int			b;
	int			i;

	if (!hist_ready)
		hist_init();
	for (b = 0; b < nb; b++)
		total += counts[b];
	b = 0;
	for (i = 0; i < n; i++)
	{
		uint64_t	rank;

		if (total == 0)
		{
			out[i] = -1;
			continue;
		}
		rank = (uint64_t) ceil(pcts[i] / 100.0 * (double) total);
		if (rank < 1)
			rank = 1;
		/* continue from where the previous percentile stopped */
		while (b < nb - 1 && seen + counts[b] < rank)
			seen += counts[b++];
		out[i] = bucket_value(lo + b, minmax_known, min_ms, max_ms);
	}
}

/*
 * pss_hist_percentile
 *		The pct-th percentile (nearest rank) of the times counted in hist,
 *		ms, or -1 if hist is empty.
 */
double
pss_hist_percentile(const uint32_t *hist, double pct, bool minmax_known,
					double min_ms, double max_ms)
{
	double		v;

	pss_hist_percentiles(hist, 0, PSS_HIST_BUCKETS - 1, &pct, 1,
						 minmax_known, min_ms, max_ms, &v);
	return v;
}
