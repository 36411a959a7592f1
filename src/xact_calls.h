/*-------------------------------------------------------------------------
 *
 * xact_calls.h
 *	  N+1 counting: the rank of each execution of a statement in its
 *	  top-level transaction.
 *
 * src/xact_calls.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PSS_XACT_CALLS_H
#define PSS_XACT_CALLS_H

#include "store.h"

extern int64 pss_calls_in_xact(const PssKey *key);

#endif							/* PSS_XACT_CALLS_H */
