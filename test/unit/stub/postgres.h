/*-------------------------------------------------------------------------
 *
 * postgres.h (test stub)
 *	  The few definitions of the server's headers that src/waits.c,
 *	  src/history.c and the headers they include use, so that the unit
 *	  tests build without a PostgreSQL installation.
 *
 * test/unit/stub/postgres.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PSS_TEST_STUB_POSTGRES_H
#define PSS_TEST_STUB_POSTGRES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef int32_t int32;
typedef int64_t int64;
typedef uint32_t uint32;
typedef uint64_t uint64;
typedef int16_t int16;

#define PG_UINT32_MAX	UINT32_MAX
#define Min(x, y)		((x) < (y) ? (x) : (y))
#define Max(x, y)		((x) > (y) ? (x) : (y))
#define StaticAssertDecl(cond, msg)	_Static_assert(cond, msg)

typedef size_t Size;
typedef float float4;

#define FLEXIBLE_ARRAY_MEMBER	/* empty */
#define likely(x)		__builtin_expect((x) != 0, 1)
#define unlikely(x)		__builtin_expect((x) != 0, 0)
#define unconstify(underlying_type, expr)	((underlying_type) (expr))

/* the server's raise an error on overflow; the tests' sizes are small */
static inline Size
add_size(Size a, Size b)
{
	return a + b;
}

static inline Size
mul_size(Size a, Size b)
{
	return a * b;
}

#endif
