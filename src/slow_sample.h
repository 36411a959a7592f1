/*-------------------------------------------------------------------------
 *
 * slow_sample.h
 *	  The slowest execution's sample (text, parameters, plan): making it
 *	  without changing the statement's outcome.
 *
 * src/slow_sample.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PSS_SLOW_SAMPLE_H
#define PSS_SLOW_SAMPLE_H

#include "executor/execdesc.h"

#include "counters.h"
#include "stmt_text.h"

extern void pss_capture(const PssStatement *st, const PssMeasure *m,
						QueryDesc *queryDesc, bool toplevel, int recorded);

#endif							/* PSS_SLOW_SAMPLE_H */
