/*-------------------------------------------------------------------------
 *
 * failures.h
 *	  Failures noted in error paths, published once the error is cleaned
 *	  up.
 *
 * A statement that ends in an error is noted where the hooks see the error
 * go by (a PG_CATCH block, the log hook, an executor's memory callback, a
 * subtransaction's abort): there nothing may be allocated and no lock
 * taken, so the note is copied into memory of this file reserved at load.
 * It is accounted (a failed call of its entry) when the (sub)transaction
 * aborts or commits, where locks and memory are usable again.
 *
 * src/failures.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PSS_FAILURES_H
#define PSS_FAILURES_H

#include "stmt_text.h"

extern void pss_failure_note(const PssStatement *st, int sqlerrcode,
							 double time_ms);
extern void pss_failure_remember(uint64 queryId, const char *source,
								 int location, int len, bool optimizable,
								 bool toplevel, double time_ms,
								 int sqlerrcode);
extern bool pss_failures_pending(void);
extern void pss_failures_publish(void);

#endif							/* PSS_FAILURES_H */
