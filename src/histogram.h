/*-------------------------------------------------------------------------
 *
 * histogram.h
 *	  Latency histograms: buckets and percentiles.
 *
 * Pure C, like the fingerprint code: no PostgreSQL header, no server call,
 * so the unit tests (test/unit) check its accuracy directly.
 *
 * PSS_HIST_PER_OCTAVE buckets per doubling of the execution time, from
 * 2^PSS_HIST_MIN_EXP ms (7.8 us) up to 2^PSS_HIST_MAX_EXP ms (70 min), plus
 * one bucket below and one above that range.  A bucket spans a ratio of
 * 2^(1/8); its geometric middle is within 4.5% of any time in it, so a
 * percentile read from the histogram is within 5% of the exact
 * nearest-rank percentile of the same executions.
 *
 * src/histogram.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PSS_HISTOGRAM_H
#define PSS_HISTOGRAM_H

#include <stdbool.h>
#include <stdint.h>

#define PSS_HIST_PER_OCTAVE		8
#define PSS_HIST_MIN_EXP		(-7)
#define PSS_HIST_MAX_EXP		22
#define PSS_HIST_BUCKETS \
	(2 + (PSS_HIST_MAX_EXP - PSS_HIST_MIN_EXP) * PSS_HIST_PER_OCTAVE)

extern void pss_hist_init(void);
extern int	pss_hist_bucket(double ms);
extern double pss_hist_lower(int bucket);
extern double pss_hist_upper(int bucket);
extern double pss_hist_percentile(const uint32_t *hist, double pct,
								  bool minmax_known, double min_ms,
								  double max_ms);
extern void pss_hist_percentiles(const uint32_t *hist, int lo, int hi,
								 const double *pcts, int n,
								 bool minmax_known, double min_ms,
								 double max_ms, double *out);
extern void pss_hist_percentiles_range(const uint32_t *counts, int lo, int hi,
									   const double *pcts, int n,
									   bool minmax_known, double min_ms,
									   double max_ms, double *out);

#endif							/* PSS_HISTOGRAM_H */
