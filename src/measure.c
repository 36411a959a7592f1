/*-------------------------------------------------------------------------
 *
 * measure.c
 *	  The out-of-line part of measuring a period (see measure.h): the
 *	  process's CPU time, read only while track_cpu is on.
 *
 * src/measure.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <sys/resource.h>
#include <sys/time.h>

#include "measure.h"

/*
 * pss_usage_cpu
 *		Subtract (sign -1, at a period's start) or add (+1, at its end) the
 *		process's CPU time so far into u's PSS_CPU fields (track_cpu: two
 *		getrusage calls per period, kept out of line).  With fresh, u's
 *		fields are first taken as zero.  If getrusage fails (it cannot, for
 *		RUSAGE_SELF with a valid buffer), the measurement is not CPU-timed.
 */
void
pss_usage_cpu(PssUsage *u, int sign, bool fresh)
{
	struct rusage buf;
	const struct rusage *ru = &buf;

	if (getrusage(RUSAGE_SELF, &buf) != 0)
	{
		u->cpu_timed = false;
		return;
	}
#define PSS_CPU(name, ctype, sqltype, since, merge, read) \
	u->name = (fresh ? 0 : u->name) + sign * (read);
#include "counterlist.h"
}
