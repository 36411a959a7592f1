/*-------------------------------------------------------------------------
 *
 * unit_check.h
 *	  What the unit tests share: their counts of checks passed and failed,
 *	  and CHECK, which counts one and prints a failure where it happened.
 *	  Each test program includes it once and ends with a line
 *	  "N passed, N failed" (test/run_all.sh adds them up).
 *
 * test/unit/unit_check.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PSS_UNIT_CHECK_H
#define PSS_UNIT_CHECK_H

#include <stdio.h>

static int	passed = 0;
static int	failed = 0;

#define CHECK(cond, ...) \
	do { \
		if (cond) \
			passed++; \
		else \
		{ \
			failed++; \
			printf("FAILED %s:%d: ", __FILE__, __LINE__); \
			printf(__VA_ARGS__); \
			printf("\n"); \
		} \
	} while (0)

#endif							/* PSS_UNIT_CHECK_H */
