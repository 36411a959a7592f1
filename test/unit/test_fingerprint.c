/*-------------------------------------------------------------------------
 *
 * test_fingerprint.c
 *	  Standalone unit tests for the statement fingerprint and normalizer.
 *
 * No framework: a few macros count passed and failed checks, print one
 * line per failure, and main() ends with "N passed, N failed" and a
 * non-zero exit status if anything failed.  Every statement is copied into
 * a buffer of exactly its length (no terminating NUL) before it is given
 * to the code under test, so that a sanitizer build catches any read past
 * the end.
 *
 * test/unit/test_fingerprint.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprint.h"

static int	n_passed = 0;
static int	n_failed = 0;

/*
 * The standard_conforming_strings the helpers below lex with: on, as by
 * default, except while the tests of the other setting run.
 */
static bool std_strings = true;

/*
 * check
 *		Record one check; print a line if it failed.
 */
static void
check(int ok, const char *file, int line, const char *what)
{
	if (ok)
		n_passed++;
	else
	{
		n_failed++;
		printf("FAILED %s:%d: %s\n", file, line, what);
	}
}

#define CHECK(cond) check((cond) != 0, __FILE__, __LINE__, #cond)

/*
 * fp_len
 *		Fingerprint of text[0 .. len), from an exact-size heap copy.
 */
static uint64_t
fp_len(const char *text, size_t len)
{
	char	   *copy = malloc(len > 0 ? len : 1);
	uint64_t	h;

	memcpy(copy, text, len);
	h = pss_fingerprint(copy, len, std_strings);
	free(copy);
	return h;
}

/*
 * fp
 *		Fingerprint of a C string (without its NUL).
 */
static uint64_t
fp(const char *text)
{
	return fp_len(text, strlen(text));
}

/*
 * norm_len
 *		Normalized text of text[0 .. len) as a malloc'd C string.
 *
 * Also checks the normalizer's contract on the way: the sizing call and
 * the filling call agree, the buffer of exactly that size is not
 * overrun, a too-small buffer gets a correct prefix, and the reported
 * fingerprint equals pss_fingerprint.
 */
static char *
norm_len(const char *text, size_t len, size_t *outlen, const char *file,
		 int line)
{
	char	   *copy = malloc(len > 0 ? len : 1);
	size_t		need;
	size_t		got;
	size_t		small;
	uint64_t	h1 = 0;
	uint64_t	h2 = 0;
	char	   *out;
	char	   *part;

	memcpy(copy, text, len);
	need = pss_normalize(copy, len, std_strings, NULL, 0, &h1);
	out = malloc(need + 1);
	got = pss_normalize(copy, len, std_strings, out, need, &h2);
	check(got == need, file, line, "normalize: sizing length == filling length");
	check(h1 == h2 && h1 == pss_fingerprint(copy, len, std_strings),
		  file, line,
		  "normalize: fingerprint == pss_fingerprint");
	out[need] = '\0';

	small = need / 2;
	part = malloc(small > 0 ? small : 1);
	got = pss_normalize(copy, len, std_strings, part, small, NULL);
	check(got == need && memcmp(part, out, small) == 0, file, line,
		  "normalize: too-small buffer gets the prefix and full length");
	free(part);

	/*
	 * A prefix normalization stops early, but what it writes is the same:
	 * the whole text if it fits, else the first outcap bytes and a length
	 * above outcap.
	 */
	{
		size_t		caps[6] = {0, 1, need / 3, need / 2, need > 0 ? need - 1 : 0, need};
		int			i;

		part = malloc(need + 1);
		for (i = 0; i < 6; i++)
		{
			size_t		k = caps[i];

			got = pss_normalize_prefix(copy, len, std_strings, part, k);
			check((need <= k ? got == need : got > k) &&
				  memcmp(part, out, need <= k ? need : k) == 0, file, line,
				  "normalize_prefix: the prefix, and a length above it if cut");
		}
		free(part);
	}

	/* without a fingerprint wanted, nothing is hashed: the same text */
	part = malloc(need > 0 ? need : 1);
	got = pss_normalize(copy, len, std_strings, part, need, NULL);
	check(got == need && memcmp(part, out, need) == 0, file, line,
		  "normalize: the same text whether the fingerprint is wanted or not");
	free(part);
	free(copy);
	if (outlen != NULL)
		*outlen = need;
	return out;
}

/*
 * check_norm
 *		Check that normalize(text) == expected, and that the normalized
 *		text has the same fingerprint as the original.
 */
static void
check_norm(const char *text, const char *expected, const char *file, int line)
{
	char	   *got = norm_len(text, strlen(text), NULL, file, line);

	if (strcmp(got, expected) != 0)
	{
		n_failed++;
		printf("FAILED %s:%d: normalize(\"%s\")\n\tgot:      \"%s\"\n"
			   "\texpected: \"%s\"\n", file, line, text, got, expected);
	}
	else
		n_passed++;
	check(fp(got) == fp(text), file, line, "fp(normalize(x)) == fp(x)");
	free(got);
}

#define CHECK_NORM(in, out) check_norm((in), (out), __FILE__, __LINE__)

/*
 * check_fp_rel
 *		Check that two statements do (same) or do not share a fingerprint.
 */
static void
check_fp_rel(const char *a, const char *b, int same, const char *file,
			 int line)
{
	int			eq = fp(a) == fp(b);

	if (eq == same)
		n_passed++;
	else
	{
		n_failed++;
		printf("FAILED %s:%d: expected fp(\"%s\") %s fp(\"%s\")\n",
			   file, line, a, same ? "==" : "!=", b);
	}
}

#define SAME(a, b)	check_fp_rel((a), (b), 1, __FILE__, __LINE__)
#define DIFF(a, b)	check_fp_rel((a), (b), 0, __FILE__, __LINE__)

/*
 * check_robust
 *		Run garbage through both entry points; the checks inside norm_len
 *		do the work, plus idempotence of the fingerprint and of the
 *		normalized text (as the fuzz harness checks them).
 */
static void
check_robust(const char *text, size_t len, const char *file, int line)
{
	size_t		n1len;
	size_t		n2len;
	char	   *n1 = norm_len(text, len, &n1len, file, line);
	char	   *n2 = norm_len(n1, n1len, &n2len, file, line);
	uint64_t	h = fp_len(text, len);

	check(h != 0, file, line, "fingerprint is never 0");
	check(fp_len(n1, n1len) == h, file, line, "fp(normalize(x)) == fp(x)");
	check(n2len == n1len && memcmp(n1, n2, n1len) == 0, file, line,
		  "normalize(normalize(x)) == normalize(x)");
	free(n2);
	free(n1);
}

#define CHECK_ROBUST(s)	check_robust((s), strlen(s), __FILE__, __LINE__)

/*
 * repeat
 *		A malloc'd buffer holding pattern repeated up to len bytes.
 */
static char *
repeat(const char *pattern, size_t len)
{
	char	   *buf = malloc(len > 0 ? len : 1);
	size_t		plen = strlen(pattern);
	size_t		i;

	for (i = 0; i < len; i++)
		buf[i] = pattern[i % plen];
	return buf;
}

/*
 * prefixed_repeat
 *		A malloc'd buffer of len bytes: prefix, then pattern repeated to
 *		fill the rest (not NUL-terminated).
 */
static char *
prefixed_repeat(const char *prefix, const char *pattern, size_t len)
{
	size_t		plen = strlen(prefix);
	char	   *buf;
	char	   *rest;

	if (plen >= len)
		return repeat(prefix, len);
	rest = repeat(pattern, len - plen);
	buf = malloc(len);
	memcpy(buf, prefix, plen);
	memcpy(buf + plen, rest, len - plen);
	free(rest);
	return buf;
}

/*
 * test_spec_examples
 *		The examples given in the specification.
 */
static void
test_spec_examples(void)
{
	SAME("SELECT 1", "select   2");
	SAME("SELECT 1", "SELECT /* c */ 3;");
	SAME("SELECT 1", "SeLeCt 'x'");
	SAME("SELECT * FROM t WHERE id IN (1,2,3)", "select * from T where ID in (4)");
	SAME("SELECT * FROM t WHERE id IN (1,2,3)",
		 "select * from t where id in ($1, $2)");
	DIFF("SELECT a FROM t", "SELECT b FROM t");
	DIFF("SELECT 1 FROM t ORDER BY 1", "SELECT 1 FROM t ORDER BY 2");
	DIFF("SELECT x - 1", "SELECT x + 1");
	SAME("SELECT * FROM t WHERE a = -1", "SELECT * FROM t WHERE a = 1");
	SAME("SELECT * FROM t WHERE a = -1", "SELECT * FROM t WHERE a=-1");
	SAME("SELECT * FROM t WHERE a = -1", "SELECT * FROM t WHERE a = - 1");
	DIFF("SELECT \"Foo\" FROM t", "SELECT foo FROM t");
	SAME("SELECT \"foo\"", "SELECT FOO");
	SAME("INSERT INTO t VALUES (1,2)", "INSERT INTO t VALUES (1,2),(3,4)");
	DIFF("INSERT INTO t VALUES (1,2)", "INSERT INTO t VALUES (1)");
	DIFF("INSERT INTO t VALUES (1,2),(3,4)", "INSERT INTO t VALUES (1)");
	SAME("SELECT E'a\\'b'", "SELECT 1");
	SAME("SELECT $$ ; ' $$", "SELECT 'z'");
	SAME("SELECT U&'d\\0061t'", "SELECT 1");
	SAME("SELECT B'101'", "SELECT 1");
	SAME("SELECT X'1F'", "SELECT 1");
	SAME("SELECT DATE '2020-01-01'", "SELECT DATE 'x'");
	DIFF("SELECT DATE '2020-01-01'", "SELECT 'x'");

	CHECK_NORM("SELECT * FROM t WHERE a = 5 AND b = 'x'",
			   "SELECT * FROM t WHERE a = $1 AND b = $2");
	CHECK_NORM("SELECT $1, 5", "SELECT $1, $2");

	/*
	 * The numbering follows the statement's parameters, and those of its
	 * code bodies, not a "$" and digits inside a string or a comment.
	 */
	CHECK_NORM("SELECT 'SELECT $1 AS who', 5", "SELECT $1, $2");
	CHECK_NORM("SELECT 'x$7', 5 /* $9 */ -- $8\n", "SELECT $1, $2 /* $9 */ -- $8\n");
	CHECK_NORM("SELECT E'$3', $$ $4 $$, U&'$5', 1", "SELECT $1, $2, $3, $4");
	CHECK_NORM("SELECT '$3', $2, 1", "SELECT $3, $2, $4");
	CHECK_NORM("DO $$ BEGIN PERFORM $7 + 1; END $$",
			   "DO $$ BEGIN PERFORM $7 + $8; END $$");
	CHECK_NORM("CREATE FUNCTION f(int) RETURNS int AS 'SELECT $3 + 1' LANGUAGE sql",
			   "CREATE FUNCTION f(int) RETURNS int AS 'SELECT $3 + $4' LANGUAGE sql");
	CHECK_NORM("SELECT 1 IN ($5, $6), 'a'", "SELECT $7 IN ($5 /*, ... */), $8");

	/*
	 * Our numbers are parameter numbers the server accepts (int32) and
	 * never a $n of the text: above the highest $n if they fit, else from
	 * $1 below the lowest; only if neither fits, past the int32 range,
	 * exact up to 2^63, then 10^K + i, K the digits of the widest $n.
	 */
	CHECK_NORM("SELECT $2147483646, 1", "SELECT $2147483646, $2147483647");
	CHECK_NORM("SELECT $2147483647, 1", "SELECT $2147483647, $1");
	CHECK_NORM("SELECT $2147483646, 1, 2", "SELECT $2147483646, $1, $2");
	CHECK_NORM("SELECT $3, $2147483647, 1, 2",
			   "SELECT $3, $2147483647, $1, $2");
	CHECK_NORM("SELECT $2, $2147483647, 1, 2",
			   "SELECT $2, $2147483647, $2147483648, $2147483649");
	CHECK_NORM("SELECT $9000000000000000000, 1, 2",
			   "SELECT $9000000000000000000, $1, $2");
	CHECK_NORM("SELECT $1, $9000000000000000000, 1, 2",
			   "SELECT $1, $9000000000000000000, $9000000000000000001, $9000000000000000002");
	CHECK_NORM("SELECT $1, $9223372036854775808, 1",
			   "SELECT $1, $9223372036854775808, $9223372036854775809");
	CHECK_NORM("SELECT $1, $9223372036854775809, 1, 2",
			   "SELECT $1, $9223372036854775809, $10000000000000000000, $10000000000000000001");
	CHECK_NORM("SELECT $99999999999999999999, 1, $0003",
			   "SELECT $99999999999999999999, $1, $0003");
	CHECK_NORM("SELECT $99999999999999999999, 1, $0001",
			   "SELECT $99999999999999999999, $100000000000000000000, $0001");
	CHECK_NORM("SELECT $0, 1", "SELECT $0, $1");
	CHECK_NORM("SELECT $000000000000000000000000007, 1",
			   "SELECT $000000000000000000000000007, $8");
	CHECK_NORM("SELECT $18446744073709551616, 'a' || 'b'",
			   "SELECT $18446744073709551616, $1 || $2");
	CHECK_NORM("SELECT $1, $18446744073709551616, 'a' || 'b'",
			   "SELECT $1, $18446744073709551616, $100000000000000000000 || $100000000000000000001");
	CHECK_NORM("/* app */ SELECT 1", "/* app */ SELECT $1");
	CHECK_NORM("select * from t where id in (1, 2, 3) and x = -4",
			   "select * from t where id in ($1 /*, ... */) and x = $2");
	CHECK_NORM("INSERT INTO t VALUES (1, 'a'), (2, 'b')",
			   "INSERT INTO t VALUES ($1, $2) /*, ... */");
	CHECK_NORM("SELECT a FROM t ORDER BY 1", "SELECT a FROM t ORDER BY 1");
}

/*
 * test_tokens
 *		Each token kind hashes as specified.
 */
static void
test_tokens(void)
{
	/* whitespace, comments, semicolons and case do not count */
	SAME("SELECT a FROM t", "select\ta\n\r\f\vfrom   T;");
	SAME("SELECT a FROM t", "-- leading\nSELECT a /* x /* nested */ y */ FROM t");
	SAME("SELECT a FROM t", "SELECT a FROM t;;;");
	SAME("SELECT a FROM t", "SELECT a FROM t -- trailing");
	DIFF("SELECT a FROM t", "SELECT a FROM t /* x */ b");
	/* a nested comment: the b after the inner close is still comment */
	SAME("SELECT a /* /* */ b */ FROM t", "SELECT a FROM t");

	/* words and quoted identifiers */
	SAME("SELECT \"a\"\"b\" FROM t", "SELECT \"a\"\"b\"   FROM t");
	DIFF("SELECT \"a\"\"b\" FROM t", "SELECT \"a\"\"c\" FROM t");
	DIFF("SELECT \"a\"\"b\" FROM t", "SELECT ab FROM t");
	SAME("SELECT U&\"foo\" FROM t", "SELECT foo FROM t");
	DIFF("SELECT ab FROM t", "SELECT a b FROM t");
	DIFF("SELECT a$b FROM t", "SELECT a FROM t");
	SAME("SELECT \xc3\xa9t\xc3\xa9 FROM t", "SELECT \xc3\xa9T\xc3\xa9 FROM t");
	DIFF("SELECT \xc3\xa9t\xc3\xa9 FROM t", "SELECT \xc3\x89t\xc3\xa9 FROM t");
	SAME("SELECT _x1 FROM t", "SELECT _X1 FROM t");

	/* strings of every kind are one constant */
	SAME("SELECT 'it''s'", "SELECT 1");
	SAME("SELECT e'a\\\\'", "SELECT 1");
	SAME("SELECT N'x'", "SELECT 1");
	SAME("SELECT n'x', b'1', x'ff', u&'x'", "SELECT 1, 2, 3, 4");
	SAME("SELECT $tag$ it's $$ $ta $tag$", "SELECT 1");
	SAME("SELECT $a1$x$a1$", "SELECT 1");
	SAME("SELECT 'foo'\n'bar'", "SELECT 1");
	SAME("SELECT 'foo' -- c\n  'bar'", "SELECT 1");
	DIFF("SELECT 'foo' 'bar'", "SELECT 1");
	SAME("SELECT E'a'\n'\\''", "SELECT 1");
	SAME("SELECT 'abc", "SELECT 1");
	SAME("SELECT $$abc", "SELECT 1");
	SAME("SELECT E'abc\\", "SELECT 1");

	/* numbers */
	SAME("SELECT 123", "SELECT 1.5");
	SAME("SELECT .5", "SELECT 1.");
	SAME("SELECT 1e10", "SELECT 1.5E-3");
	SAME("SELECT 1e+5", "SELECT 7");
	DIFF("SELECT 1e", "SELECT 1");
	SAME("SELECT 1e", "SELECT 2 e");
	DIFF("SELECT 1ex", "SELECT 1");

	/* parameters hash like constants */
	SAME("SELECT * FROM t WHERE a = $1", "SELECT * FROM t WHERE a = 5");
	SAME("SELECT $12", "SELECT 'x'");

	/* operators */
	DIFF("SELECT a < b", "SELECT a > b");
	DIFF("SELECT a <> b", "SELECT a < > b");
	SAME("SELECT a<>b", "SELECT a <> b");
	SAME("SELECT a != b", "SELECT a <> b");
	DIFF("SELECT a !== b", "SELECT a <> b");
	DIFF("SELECT a @- b", "SELECT a @ - b");
	SAME("SELECT a <- b", "SELECT a < - b");
	SAME("SELECT a=-1", "SELECT a = 1");
	SAME("SELECT a+-1", "SELECT a + 1");
	SAME("SELECT a*-1", "SELECT a * 1");
	DIFF("SELECT a @-1", "SELECT a @ 1");
	SAME("SELECT a=--1\n", "SELECT a=");
	SAME("SELECT a+/*c*/b", "SELECT a + b");
	SAME("SELECT a::int", "SELECT a :: int");
	DIFF("SELECT a::int", "SELECT a : : int");
	SAME("SELECT f(a => 1)", "SELECT f(a=>2)");

	/* other bytes */
	DIFF("SELECT {", "SELECT }");
	DIFF("SELECT \\", "SELECT");
	SAME("SELECT $", "SELECT  $");
}

/*
 * test_negative
 *		The unary minus belongs to the constant; the binary one does not.
 */
static void
test_negative(void)
{
	SAME("SELECT -1", "SELECT 1");
	SAME("SELECT - /* c */ 1", "SELECT 1");
	SAME("SELECT -.5", "SELECT 1");
	SAME("SELECT (-1)", "SELECT (1)");
	SAME("SELECT f(1, -2)", "SELECT f(1, 2)");
	SAME("SELECT ARRAY[-1]", "SELECT ARRAY[1]");
	SAME("SELECT x FROM t WHERE a BETWEEN -1 AND -2",
		 "SELECT x FROM t WHERE a BETWEEN 1 AND 2");
	SAME("SELECT CASE WHEN a THEN -1 ELSE -2 END",
		 "SELECT CASE WHEN a THEN 1 ELSE 2 END");
	SAME("SELECT x FROM t LIMIT -1", "SELECT x FROM t LIMIT 1");
	SAME("SELECT a - -1", "SELECT a - 1");
	DIFF("SELECT a - 1", "SELECT a 1");
	DIFF("SELECT a -1", "SELECT a 1");
	DIFF("SELECT 1 - 1", "SELECT 1 1");
	DIFF("SELECT f(x) - 1", "SELECT f(x) 1");
	DIFF("SELECT a[1] - 1", "SELECT a[1] 1");
	DIFF("SELECT \"a\" - 1", "SELECT \"a\" 1");
	DIFF("SELECT $1 - 1", "SELECT $1 1");
	DIFF("SELECT CASE WHEN a THEN b END - 1",
		 "SELECT CASE WHEN a THEN b END 1");
	DIFF("SELECT NULL - 1", "SELECT NULL 1");
	SAME("-1", "1");
	DIFF("SELECT -a", "SELECT a");
	DIFF("SELECT -$1", "SELECT $1");

	CHECK_NORM("SELECT x = -4", "SELECT x = $1");
	CHECK_NORM("SELECT x=- 4", "SELECT x=$1");
	CHECK_NORM("SELECT x - 4", "SELECT x - $1");
	CHECK_NORM("SELECT x - -4", "SELECT x - $1");
	CHECK_NORM("SELECT x @-4", "SELECT x @-$1");
	CHECK_NORM("select-1", "select $1");
}

/*
 * test_order_by
 *		Integers right after BY, or after a BY list's commas, are kept.
 */
static void
test_order_by(void)
{
	DIFF("SELECT a, b FROM t ORDER BY 1", "SELECT a, b FROM t ORDER BY 2");
	DIFF("SELECT a, b FROM t ORDER BY 1, 2", "SELECT a, b FROM t ORDER BY 1, 1");
	DIFF("SELECT a, b FROM t GROUP BY 1", "SELECT a, b FROM t GROUP BY 2");
	DIFF("SELECT a FROM t ORDER BY 1", "SELECT a FROM t ORDER BY a");

	/* type modifiers are part of the type, not constants */
	DIFF("SELECT a::numeric(10,2) FROM t", "SELECT a::numeric(12,4) FROM t");
	DIFF("SELECT CAST(a AS varchar(10))", "SELECT CAST(a AS varchar(20))");
	DIFF("CREATE TABLE t (a character varying(10))",
		 "CREATE TABLE t (a character varying(20))");
	DIFF("SELECT now()::timestamp(0)", "SELECT now()::timestamp(3)");
	SAME("SELECT a::numeric(10,2) FROM t WHERE b = 1",
		 "SELECT a::NUMERIC(10, 2) FROM t WHERE b = 2");
	CHECK_NORM("SELECT a::numeric(10,2), 5, interval '1 day'",
			   "SELECT a::numeric(10,2), $1, interval $2");
	CHECK_NORM("SELECT substr(b, 2, 3)::varchar(8) FROM t",
			   "SELECT substr(b, $1, $2)::varchar(8) FROM t");
	SAME("SELECT a FROM t ORDER BY 1 DESC LIMIT 5",
		 "SELECT a FROM t ORDER BY 1 DESC LIMIT 10");
	SAME("SELECT a FROM t ORDER BY 1 OFFSET 5", "SELECT a FROM t ORDER BY 1 OFFSET 6");
	SAME("SELECT a FROM t ORDER BY 1 LIMIT 5, 6", "SELECT a FROM t ORDER BY 1 LIMIT 7, 8");
	SAME("SELECT a FROM t ORDER BY f(1, 2)", "SELECT a FROM t ORDER BY f(3, 4)");
	SAME("SELECT a FROM t ORDER BY a + 1", "SELECT a FROM t ORDER BY a + 2");
	SAME("SELECT a FROM t ORDER BY 1.5", "SELECT a FROM t ORDER BY 2.5");
	SAME("SELECT a FROM t ORDER BY a, b + 1", "SELECT a FROM t ORDER BY a, b + 2");
	DIFF("SELECT a FROM t ORDER BY a, 1", "SELECT a FROM t ORDER BY a, 2");
	SAME("SELECT rank() OVER (PARTITION BY a ORDER BY b), 1 FROM t",
		 "SELECT rank() OVER (PARTITION BY a ORDER BY b), 2 FROM t");
	SAME("SELECT a FROM t ORDER BY 1; SELECT 1, 2",
		 "SELECT a FROM t ORDER BY 1; SELECT 3, 4");
	SAME("SELECT a FROM t GROUP BY 1 HAVING count(*) > 1, 2",
		 "SELECT a FROM t GROUP BY 1 HAVING count(*) > 3, 4");
	DIFF("SELECT a FROM t ORDER BY ARRAY[a, 1], 2",
		 "SELECT a FROM t ORDER BY ARRAY[a, 1], 3");
	SAME("SELECT a FROM t ORDER BY ARRAY[a, 1], 2",
		 "SELECT a FROM t ORDER BY ARRAY[a, 5], 2");

	CHECK_NORM("SELECT a FROM t ORDER BY 1, 2 DESC LIMIT 10",
			   "SELECT a FROM t ORDER BY 1, 2 DESC LIMIT $1");
	CHECK_NORM("SELECT a FROM t GROUP BY 2 ORDER BY 1,3",
			   "SELECT a FROM t GROUP BY 2 ORDER BY 1,3");
}

/*
 * test_lists
 *		IN, ARRAY and VALUES lists of constants collapse.
 */
static void
test_lists(void)
{
	/* IN */
	SAME("SELECT x FROM t WHERE a IN (1)", "SELECT x FROM t WHERE a IN (1, 2, 3)");
	SAME("SELECT x FROM t WHERE a IN (1)", "SELECT x FROM t WHERE a IN ('a', -2, $3)");
	SAME("SELECT x FROM t WHERE a NOT IN (1)", "SELECT x FROM t WHERE a NOT in ( 1 , 2 )");
	DIFF("SELECT x FROM t WHERE a IN (1)", "SELECT x FROM t WHERE a IN (a)");
	DIFF("SELECT x FROM t WHERE a IN (1)", "SELECT x FROM t WHERE a IN (1, a)");
	DIFF("SELECT x FROM t WHERE a IN (1, a)", "SELECT x FROM t WHERE a IN (1, 2, a)");
	DIFF("SELECT x FROM t WHERE a IN (1)", "SELECT x FROM t WHERE a = (1)");
	DIFF("SELECT x FROM t WHERE a IN (1)", "SELECT x FROM t WHERE a IN ()");
	DIFF("SELECT x FROM t WHERE a IN (1)", "SELECT x FROM t WHERE a IN (1,)");
	DIFF("SELECT x FROM t WHERE a IN (1)", "SELECT x FROM t WHERE a \"in\" (1, 2)");
	DIFF("SELECT x FROM t WHERE a IN (1) OR b IN (2)",
		 "SELECT x FROM t WHERE a IN (1) OR b IN (2, b)");

	/*
	 * An abandoned list hashes exactly like a plain token stream.  A ";"
	 * hashes as nothing but ends what came before, so "IN ;" gives the
	 * plain stream to compare with (a quoted "in" no longer does: it is a
	 * name, not the keyword).
	 */
	{
		static const char *const tails[] = {
			"(1, a)", "(1, 2, a)", "(1,)", "()", "(1, 2", "(1 2)", "(1;", "(1, 2];",
			"(", "(-1, 'x', $1, a)", "(1, (2))", "(1 + 2)", "(1, 2, 3",
			"(1, 2,", "((1), 2)",
		};
		size_t		i;

		for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++)
		{
			char		a[100];
			char		b[100];

			snprintf(a, sizeof(a), "SELECT x FROM t WHERE a IN %s", tails[i]);
			snprintf(b, sizeof(b), "SELECT x FROM t WHERE a IN ; %s",
					 tails[i]);
			SAME(a, b);
			snprintf(a, sizeof(a), "SELECT ARRAY%s", tails[i]);
			snprintf(b, sizeof(b), "SELECT ARRAY ;%s", tails[i]);
			SAME(a, b);
			snprintf(a, sizeof(a), "VALUES (1, 2), %s", tails[i]);
			snprintf(b, sizeof(b), "VALUES (1, 2) ;, %s", tails[i]);
			SAME(a, b);
		}
		DIFF("SELECT x FROM t WHERE a IN (1, 2)",
			 "SELECT x FROM t WHERE a IN ; (1, 2)");
		DIFF("VALUES (1, 2), (3, 4)", "VALUES (1, 2) ;, (3, 4)");
		SAME("VALUES (1, 2), (3, 4), (a, b), (5, 6)",
			 "VALUES (1, 2) ;, (a, b)");
		SAME("SELECT ARRAY[1, a]", "SELECT ARRAY ;[1, a]");
		SAME("SELECT ARRAY[1, 2, a]", "SELECT ARRAY ;[1, 2, a]");
	}
	SAME("SELECT x FROM t WHERE a IN (SELECT 1)",
		 "SELECT x FROM t WHERE a IN (SELECT 2)");
	DIFF("SELECT x FROM t WHERE a IN (SELECT 1)",
		 "SELECT x FROM t WHERE a IN (1)");

	/* ARRAY */
	SAME("SELECT ARRAY[1]", "SELECT ARRAY[1, 2, 3]");
	SAME("SELECT ARRAY[1]", "SELECT array['a', $1]");
	DIFF("SELECT ARRAY[1]", "SELECT ARRAY[a]");
	DIFF("SELECT ARRAY[1]", "SELECT ARRAY(1)");
	DIFF("SELECT ARRAY[1]", "SELECT x[1]");
	SAME("SELECT x[1]", "SELECT x[2]");
	DIFF("SELECT x[1:2]", "SELECT x[1]");

	/* VALUES */
	SAME("INSERT INTO t VALUES (1, 2)", "INSERT INTO t VALUES (1, 2), (3, 4), (5, 6)");
	SAME("INSERT INTO t VALUES (1, 2)", "INSERT INTO t VALUES ('a', -2),\n ($1, 4);");
	DIFF("INSERT INTO t VALUES (1, 2)", "INSERT INTO t VALUES (1, 2), (3)");
	DIFF("INSERT INTO t VALUES (1, 2)", "INSERT INTO t VALUES (1, 2), (3, 4, 5)");
	DIFF("INSERT INTO t VALUES (1, 2)", "INSERT INTO t VALUES (1, 2), (a, 4)");
	SAME("INSERT INTO t VALUES (1, 2), (a, 4)",
		 "INSERT INTO t VALUES (1, 2), (3, 4), (a, 4), (5, 6)");
	SAME("INSERT INTO t VALUES (f(1), 2)", "INSERT INTO t VALUES (f(1), 2), (3, 4)");
	DIFF("INSERT INTO t VALUES (f(1), 2)", "INSERT INTO t VALUES (f(1, 2))");
	SAME("INSERT INTO t VALUES (1, 2) RETURNING a",
		 "INSERT INTO t VALUES (1, 2), (3, 4) RETURNING a");
	SAME("SELECT * FROM (VALUES (1), (2)) v(a) WHERE a = 1",
		 "SELECT * FROM (VALUES (1)) v(a) WHERE a = 1");
	/* the first row need not be constant-only */
	SAME("INSERT INTO t VALUES (1, DEFAULT)", "INSERT INTO t VALUES (1, DEFAULT), (3, 4)");
	/* DEFAULT is an item of a later row, as a constant */
	SAME("INSERT INTO t VALUES (1, 2)", "INSERT INTO t VALUES (1, 2), (3, DEFAULT)");
	DIFF("INSERT INTO t DEFAULT VALUES", "INSERT INTO t VALUES (1)");
	DIFF("INSERT INTO t VALUES (1), (2)", "INSERT INTO t VALUES (1), (2),");

	/* a collapsed list never hashes like a plain one */
	DIFF("SELECT x FROM t WHERE a IN (1)", "SELECT x FROM t WHERE a IN ((1))");

	CHECK_NORM("SELECT x FROM t WHERE a IN ( 1 , 2 ) AND b = 3",
			   "SELECT x FROM t WHERE a IN ($1 /*, ... */) AND b = $2");
	CHECK_NORM("SELECT x FROM t WHERE a IN ($2, $1)",
			   "SELECT x FROM t WHERE a IN ($2 /*, ... */)");
	CHECK_NORM("SELECT x FROM t WHERE a IN ($2, 7) AND b = 1",
			   "SELECT x FROM t WHERE a IN ($3 /*, ... */) AND b = $4");
	CHECK_NORM("SELECT x FROM t WHERE a IN (1, b)",
			   "SELECT x FROM t WHERE a IN ($1, b)");
	CHECK_NORM("SELECT x FROM t WHERE a IN (1, 2,", "SELECT x FROM t WHERE a IN ($1, $2,");
	CHECK_NORM("SELECT ARRAY[1, 2, 3], 4", "SELECT ARRAY[$1 /*, ... */], $2");
	CHECK_NORM("INSERT INTO t VALUES (1, 'a'),\n  (2, 'b'),\n  (3, 'c') RETURNING id",
			   "INSERT INTO t VALUES ($1, $2) /*, ... */ RETURNING id");
	CHECK_NORM("INSERT INTO t VALUES (1), (a), (2)",
			   "INSERT INTO t VALUES ($1), (a) /*, ... */");
	CHECK_NORM("INSERT INTO t VALUES (1), (2, 3)",
			   "INSERT INTO t VALUES ($1), ($2, $3)");
	CHECK_NORM("INSERT INTO t VALUES (1)", "INSERT INTO t VALUES ($1)");
	CHECK_NORM("VALUES (1), (2); VALUES (3), (4)",
			   "VALUES ($1) /*, ... */; VALUES ($2) /*, ... */");
}

/*
 * test_normalize
 *		Further normalized-text cases.
 */
static void
test_normalize(void)
{
	CHECK_NORM("", "");
	CHECK_NORM("SELECT", "SELECT");
	CHECK_NORM("SELECT 'a''b', E'\\'', $q$x$q$ -- done",
			   "SELECT $1, $2, $3 -- done");
	CHECK_NORM("SELECT 'foo'\n  'bar' AS x", "SELECT $1 AS x");
	CHECK_NORM("SELECT $3, 1, $1", "SELECT $3, $4, $1");
	CHECK_NORM("SELECT 1.5e3, .5, 1.", "SELECT $1, $2, $3");
	CHECK_NORM("SELECT DATE '2020-01-01'", "SELECT DATE $1");
	CHECK_NORM("SELECT 'x'abc", "SELECT $1 abc");
	CHECK_NORM("SELECT 'unterminated", "SELECT $1");
	CHECK_NORM("SELECT /* unterminated 1", "SELECT /* unterminated 1");
	CHECK_NORM("SELECT \"a 1\" FROM t", "SELECT \"a 1\" FROM t");
	CHECK_NORM("SELECT a1, b$2 FROM t", "SELECT a1, b$2 FROM t");
	CHECK_NORM("SELECT 1;", "SELECT $1;");
}

/*
 * test_garbage
 *		Malformed input never crashes and keeps the contracts.
 */
static void
test_garbage(void)
{
	static const char *const cases[] = {
		"'unterminated", "/* /* nested */", "$$ never", "\\", "E'\\", "U&",
		"$", "$1$", "--", "", "'", "\"", "\"\"\"", "$a", "$a$", "$a$$a",
		"E'", "e'\\'", "u&'", "U&\"", "B'", "X'", "N'", "/*", "*/", "/",
		"-", "- -", "--1", "-.", "-.5", ".", "1e", "1e+", "1.e5", "1..2",
		"$99999999999999999999999999", "in (", "in (1", "in (1,", "in ()",
		"array[", "array[1,", "values (", "values (1), (", "values (1), (2",
		"values (1),", "by", "by 1,", "order by (((", ")))", "]]]", ":::",
		":=", "=>", "+-+-+-", "@-@-", "'a'\n", "'a'\n'", "'a' --x\n'b",
		"\x80\xff", "a\x01b", "IN (1, 2) IN (3)", "VALUES VALUES (1)",
		"'x'$a$ $a$", "x'1'", "1'a'1", "$1'a'", "$'a'", "a$'b'",
		/* a first VALUES row closed by "]" is no row (found by fuzzing) */
		"VALUES(]ARRAY[1,2][,),(2,'')",
		"VALUES (]ARRAY[1, 2], (3, 4, 5), (6, 7, 8)",
	};
	size_t		i;
	char		nul[] = "SELECT \0 1";

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_ROBUST(cases[i]);
	check_robust(nul, sizeof(nul) - 1, __FILE__, __LINE__);
}

/*
 * steps_of
 *		The steps of work (pss_steps) that fingerprinting and normalizing
 *		text[0 .. len) take.
 */
static uint64_t
steps_of(const char *text, size_t len)
{
	pss_steps = 0;
	(void) pss_fingerprint(text, len, std_strings);
	(void) pss_normalize(text, len, std_strings, NULL, 0, NULL);
	return pss_steps;
}

/*
 * check_linear, test_big
 *		Large inputs (400 kB) of pathological patterns, alone or after a
 *		prefix: no crash, consistent lengths, and work linear in the size.
 *
 * The work is counted, not timed (pss_steps: tokens, bytes the helpers
 * look at, held-back tokens rehashed), so the check is deterministic and
 * no load on the machine can fail it: for a text ten times longer (10 kB,
 * then 100 kB), at most 10.5 times the steps (linear work gives 10 and a
 * little, as the pattern is cut at a different place; quadratic work
 * about 100).  The sizes are small so that quadratic work fails the check
 * in seconds rather than running for hours; only a pattern that passed
 * it is then run at 400 kB through check_robust.  Making
 * pss_lex_operator forget its split (so that "+-+-..." is lexed again
 * from each trimmed byte) fails it.
 */
static void
check_linear(const char *prefix, const char *pattern)
{
	size_t		small = 10 * 1000;
	size_t		big = 100 * 1000;
	size_t		large = 400 * 1000;
	char	   *a = prefixed_repeat(prefix, pattern, small);
	char	   *b = prefixed_repeat(prefix, pattern, big);
	uint64_t	sa;
	uint64_t	sb;
	int			linear;
	char		what[200];

	sa = steps_of(a, small);
	sb = steps_of(b, big);
	snprintf(what, sizeof(what),
			 "linear work for pattern \"%s\" after \"%s\" (%s strings): "
			 "10kB %llu steps, 100kB %llu steps",
			 pattern, prefix, std_strings ? "standard" : "escape",
			 (unsigned long long) sa, (unsigned long long) sb);
	linear = sa >= small / 8 && sb * 2 <= sa * 21;
	check(linear, __FILE__, __LINE__, what);
	if (getenv("PSS_PRINT_STEPS"))
		printf("%s\n", what);
	free(a);
	free(b);
	if (linear)
	{
		char	   *c = prefixed_repeat(prefix, pattern, large);

		check_robust(c, large, __FILE__, __LINE__);
		free(c);
	}
}

static void
test_big(void)
{
	static const char *const patterns[] = {
		"(((((", "'", "\"", "/*", "$a$", "$", "+-", "=+-", "-1,", "- 1 ",
		"in (1, ", "values (1), ", "array[", "by 1, ", "a", "1", "E'\\",
		"$ab", "'a'\n", "--\n", "/*/**/", "x IN (1, 2) ", "$$a$$",
		"order by 1, (2, 3), 4 ", "SELECT a, 'b' FROM t WHERE c = -1; ",
		"'a\\'", "a-1 ", "''", "\"\"", "$a$x$b$", "'a'\n'b'\n",
		"abc ", "=-", "- ", "$1 ", "''''", "'' '\n",
	};

	/*
	 * A pattern repeated after a prefix that puts the lexer in another
	 * state: inside a comment, a literal, a dollar quote, a list
	 */
	static const char *const prefixed[][2] = {
		{"/* ", "x"}, {"'", "x"}, {"E'", "\\'"}, {"$a$", "$a"},
		{"\"\"", "\""}, {"SELECT (", " -1,"},
		{"SELECT 1 WHERE a IN (", "1, "}, {"VALUES (1, 2), ", "(1, 2), "},
		{"SELECT 1 WHERE a IN (", "$1::int, "},
		{"VALUES (DEFAULT, 1), ", "(DEFAULT, 1), "},
	};
	size_t		i;

	for (i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++)
		check_linear("", patterns[i]);
	for (i = 0; i < sizeof(prefixed) / sizeof(prefixed[0]); i++)
		check_linear(prefixed[i][0], prefixed[i][1]);
}

/*
 * fp_at
 *		Fingerprint of text[0 .. len) placed at offset off of an
 *		exact-size heap buffer, so that its names meet the end of the
 *		buffer and eight-byte loads at every alignment.
 */
static uint64_t
fp_at(const char *text, size_t len, size_t off)
{
	char	   *buf = malloc(off + len > 0 ? off + len : 1);
	uint64_t	h;

	memset(buf, ' ', off);
	memcpy(buf + off, text, len);
	h = pss_fingerprint(buf, off + len, std_strings);
	free(buf);
	return h;
}

/*
 * test_chunks
 *		Names are hashed eight bytes at a time by the fast path and one
 *		byte at a time by the reference path: they must agree for every
 *		length, position and case, and keep every distinction.
 */
static void
test_chunks(void)
{
	char		name[48];
	char		stmt[256];
	char		other[256];
	size_t		n;
	size_t		i;
	size_t		off;

	for (n = 1; n <= 40; n++)
	{
		uint64_t	word;
		uint64_t	quoted;

		for (i = 0; i < n; i++)
			name[i] = (char) ('a' + (i * 7) % 26);
		name[n] = '\0';

		/* the same as via the reference path, at every alignment */
		for (off = 0; off < 9; off++)
		{
			size_t		len;

			len = (size_t) snprintf(stmt, sizeof(stmt),
									"SELECT %s, \"%s\".%s FROM %s", name, name,
									name, name);
			free(norm_len(stmt, len, NULL, __FILE__, __LINE__));
			check(fp_at(stmt, len, off) == fp(stmt), __FILE__, __LINE__,
				  "fingerprint does not depend on alignment");
			/* names that run to the end of the text */
			len = (size_t) snprintf(stmt, sizeof(stmt), "SELECT %s", name);
			check(fp_at(stmt, len, off) == fp(stmt), __FILE__, __LINE__,
				  "word at the end: fingerprint does not depend on alignment");
			free(norm_len(stmt, len, NULL, __FILE__, __LINE__));
			len = (size_t) snprintf(stmt, sizeof(stmt), "SELECT \"%s\"", name);
			free(norm_len(stmt, len, NULL, __FILE__, __LINE__));
			len = (size_t) snprintf(stmt, sizeof(stmt), "SELECT \"%s", name);
			free(norm_len(stmt, len, NULL, __FILE__, __LINE__));
		}

		/* a word equals the quoted identifier of its folded bytes */
		snprintf(stmt, sizeof(stmt), "SELECT %s FROM t", name);
		word = fp(stmt);
		snprintf(stmt, sizeof(stmt), "SELECT \"%s\" FROM t", name);
		quoted = fp(stmt);
		CHECK(word == quoted);

		/* upper case at each position folds; quoted, it does not */
		for (i = 0; i < n; i++)
		{
			name[i] = (char) (name[i] - 'a' + 'A');
			snprintf(stmt, sizeof(stmt), "SELECT %s FROM t", name);
			check(fp(stmt) == word, __FILE__, __LINE__,
				  "upper case letter folds at every position");
			free(norm_len(stmt, strlen(stmt), NULL, __FILE__, __LINE__));
			snprintf(stmt, sizeof(stmt), "SELECT \"%s\" FROM t", name);
			check(fp(stmt) != word, __FILE__, __LINE__,
				  "quoted upper case letter does not fold");
			name[i] = (char) (name[i] - 'A' + 'a');
		}

		/* a byte >= 0x80 is never folded, wherever it is */
		for (i = 1; i < n; i++)
		{
			char		save = name[i];

			name[i] = (char) 0xc1;	/* 0x41 'A' with the high bit */
			snprintf(stmt, sizeof(stmt), "SELECT %s FROM t", name);
			name[i] = (char) 0xe1;	/* 0x61 'a' with the high bit */
			snprintf(other, sizeof(other), "SELECT %s FROM t", name);
			check(fp(stmt) != fp(other), __FILE__, __LINE__,
				  "bytes >= 0x80 are not case-folded");
			free(norm_len(stmt, strlen(stmt), NULL, __FILE__, __LINE__));
			name[i] = save;
		}

		/* a split anywhere is another statement */
		for (i = 1; i < n; i++)
		{
			snprintf(stmt, sizeof(stmt), "SELECT %.*s %s FROM t", (int) i,
					 name, name + i);
			check(fp(stmt) != word, __FILE__, __LINE__,
				  "token boundaries count");
			snprintf(other, sizeof(other), "SELECT %.*s %s FROM t",
					 (int) (i > 1 ? i - 1 : i + 1), name,
					 name + (i > 1 ? i - 1 : i + 1));
			if (n > 2)
				check(fp(stmt) != fp(other), __FILE__, __LINE__,
					  "token boundaries count (two splits)");
		}

		/* "" at every position: one quote, which counts */
		for (i = 0; i <= n; i++)
		{
			snprintf(stmt, sizeof(stmt), "SELECT \"%.*s\"\"%s\" FROM t",
					 (int) i, name, name + i);
			check(fp(stmt) != word, __FILE__, __LINE__,
				  "escaped quote counts");
			free(norm_len(stmt, strlen(stmt), NULL, __FILE__, __LINE__));
			for (off = 0; off < 9; off++)
				check(fp_at(stmt, strlen(stmt), off) == fp(stmt), __FILE__,
					  __LINE__, "escaped quote: alignment does not count");
		}
	}

	/* a name whose length is a multiple of eight is not its prefix */
	DIFF("SELECT abcdefgh FROM t", "SELECT abcdefghi FROM t");
	DIFF("SELECT \"abcdefgh\" FROM t", "SELECT \"abcdefgh\"\"\" FROM t");
	DIFF("SELECT \"a\"\"\" FROM t", "SELECT \"a\"\"\"\"\" FROM t");
	SAME("SELECT \"a\"\"b\" FROM t", "SELECT \"a\"\"b\" FROM t");
	DIFF("SELECT \"ab\" c", "SELECT \"a\" bc");
	DIFF("SELECT \"a b\" FROM t", "SELECT a b FROM t");
	/* the IN-list loop of the fast path */
	SAME("SELECT a FROM t WHERE b IN (1,2 , 3 ,4)", "SELECT a FROM t WHERE b IN (5)");
	SAME("SELECT a FROM t WHERE b IN (1, 2.5, 3)", "SELECT a FROM t WHERE b IN (5)");
	DIFF("SELECT a FROM t WHERE b IN (1, 2, c)", "SELECT a FROM t WHERE b IN (5)");
	DIFF("SELECT a FROM t WHERE b IN (1, 2,)", "SELECT a FROM t WHERE b IN (5)");
	CHECK_NORM("SELECT a FROM t WHERE b IN (1,2 , 3e1 ,4) AND c = 'x'::text",
			   "SELECT a FROM t WHERE b IN ($1 /*, ... */) AND c = $2::text");
	CHECK_NORM("SELECT \"t\".\"a\" FROM \"t\" WHERE \"t\".\"b\" - 1 = -1",
			   "SELECT \"t\".\"a\" FROM \"t\" WHERE \"t\".\"b\" - $1 = $2");
	CHECK_NORM("SELECT 'x' - 1, (a) - 1, 'y'::text - 1",
			   "SELECT $1 - $2, (a) - $3, $4::text - $5");
}

/*
 * check_masked
 *		Check that the normalized text of text holds none of the given
 *		secret's bytes in a row: a constant inside a code body, however
 *		quoted, never shows.
 */
static void
check_masked(const char *text, const char *secret, const char *file, int line)
{
	char	   *got = norm_len(text, strlen(text), NULL, file, line);

	if (strstr(got, secret) != NULL)
	{
		n_failed++;
		printf("FAILED %s:%d: \"%s\" shows in normalize(\"%s\") = \"%s\"\n",
			   file, line, secret, text, got);
	}
	else
		n_passed++;
	check(fp(got) == fp(text), file, line, "fp(normalize(x)) == fp(x)");
	free(got);
}

#define CHECK_MASKED(in, secret) check_masked((in), (secret), __FILE__, __LINE__)

/*
 * test_values
 *		NULL, TRUE and FALSE are constants where they are values, keywords
 *		elsewhere (issue 13).
 */
static void
test_values(void)
{
	SAME("UPDATE t SET a = NULL WHERE id = 1", "UPDATE t SET a = 5 WHERE id = 2");
	SAME("SELECT * FROM t WHERE active = true", "SELECT * FROM t WHERE active = FALSE");
	SAME("SELECT * FROM t WHERE active = true", "SELECT * FROM t WHERE active = $1");
	CHECK_NORM("INSERT INTO t (a,b,c) VALUES (1, NULL, true)",
			   "INSERT INTO t (a,b,c) VALUES ($1, $2, $3)");
	CHECK_NORM("UPDATE t SET \"f1\"=NULL, \"f2\"='x', \"f3\"=false WHERE id IN (1, 2)",
			   "UPDATE t SET \"f1\"=$1, \"f2\"=$2, \"f3\"=$3 WHERE id IN ($4 /*, ... */)");

	/* lists */
	SAME("SELECT * FROM t WHERE a IN (1, NULL)", "SELECT * FROM t WHERE a IN (1)");
	SAME("SELECT ARRAY[true, false]", "SELECT ARRAY[1]");
	SAME("INSERT INTO t VALUES (1, NULL), (2, 'x')", "INSERT INTO t VALUES (3, 4)");
	CHECK_NORM("INSERT INTO t VALUES (1, NULL), (NULL, true)",
			   "INSERT INTO t VALUES ($1, $2) /*, ... */");
	CHECK_NORM("SELECT a IN (NULL, true, 3)", "SELECT a IN ($1 /*, ... */)");

	/* keywords after IS [NOT], with comments and line breaks between */
	DIFF("SELECT * FROM t WHERE a IS NULL", "SELECT * FROM t WHERE a IS NOT NULL");
	DIFF("SELECT * FROM t WHERE a IS NULL", "SELECT * FROM t WHERE a = NULL");
	DIFF("SELECT * FROM t WHERE a IS TRUE", "SELECT * FROM t WHERE a IS FALSE");
	DIFF("SELECT * FROM t WHERE a IS NOT TRUE", "SELECT * FROM t WHERE a IS NOT NULL");
	DIFF("SELECT * FROM t WHERE a IS UNKNOWN", "SELECT * FROM t WHERE a IS NULL");
	SAME("SELECT * FROM t WHERE a IS NULL", "select * from t where a is\n\tnull");
	SAME("SELECT * FROM t WHERE a IS NULL", "SELECT * FROM t WHERE a IS -- c\r NULL");
	SAME("SELECT * FROM t WHERE a IS NULL", "SELECT * FROM t WHERE a IS /* c */ NULL");
	SAME("SELECT * FROM t WHERE a IS NOT NULL",
		 "SELECT * FROM t WHERE a IS /* x */ NOT -- y\n NULL");
	CHECK_NORM("SELECT a IS NULL, a IS NOT NULL, a IS\n /* c */ TRUE, a IS NOT -- x\n FALSE, a = NULL",
			   "SELECT a IS NULL, a IS NOT NULL, a IS\n /* c */ TRUE, a IS NOT -- x\n FALSE, a = $1");
	CHECK_NORM("SELECT a IS DISTINCT FROM NULL, NOT NULL, NULLS, ISNULL, NOTNULL",
			   "SELECT a IS DISTINCT FROM $1, NOT NULL, NULLS, ISNULL, NOTNULL");
	CHECK_NORM("SELECT * FROM t ORDER BY a NULLS FIRST", "SELECT * FROM t ORDER BY a NULLS FIRST");

	/* DDL: NOT NULL and NULL constraints stay, DEFAULT NULL is a value */
	CHECK_NORM("CREATE TABLE t (a int NOT NULL, b numeric(10,2) NULL, "
			   "c text COLLATE \"C\" NULL, d int DEFAULT NULL, e bool DEFAULT true)",
			   "CREATE TABLE t (a int NOT NULL, b numeric(10,2) NULL, "
			   "c text COLLATE \"C\" NULL, d int DEFAULT $1, e bool DEFAULT $2)");
	CHECK_NORM("ALTER TABLE t ALTER a SET NOT NULL, ALTER b SET DEFAULT NULL",
			   "ALTER TABLE t ALTER a SET NOT NULL, ALTER b SET DEFAULT $1");
	DIFF("CREATE TABLE t (a int NULL)", "CREATE TABLE t (a int 1)");
	SAME("CREATE VIEW v AS SELECT NULL, true", "CREATE VIEW v AS SELECT 1, 2");
	SAME("CREATE TABLE t (a int DEFAULT 5 NULL)", "CREATE TABLE t (a int DEFAULT 6 NULL)");
	/* statement kinds end at ";" */
	CHECK_NORM("CREATE TABLE t (a int NULL); SELECT a NULL",
			   "CREATE TABLE t (a int NULL); SELECT a $1");
	/* quoted, they are names */
	DIFF("SELECT \"null\" FROM t", "SELECT 1 FROM t");
}

/*
 * test_bodies
 *		Code bodies are code: their tokens count, their constants are
 *		constants and never show (issues 9 and 13).
 */
static void
test_bodies(void)
{
	DIFF("DO $$BEGIN PERFORM f(); END$$", "DO $$BEGIN PERFORM g(); END$$");
	SAME("DO $$BEGIN PERFORM f(1); END$$", "do $$ begin perform f(2); end $$");
	SAME("DO $$BEGIN PERFORM f('a'); END$$", "DO 'BEGIN PERFORM f(''b''); END'");
	SAME("DO $$BEGIN PERFORM f(1); END$$", "DO $body$BEGIN PERFORM f(1); END$body$");
	SAME("DO LANGUAGE plpgsql $$BEGIN PERFORM f(1); END$$",
		 "DO LANGUAGE plpgsql 'BEGIN PERFORM f(2); END'");
	DIFF("DO $$BEGIN PERFORM f(1); END$$", "DO LANGUAGE plperl $$BEGIN PERFORM f(1); END$$");
	DIFF("DO $$ a $$", "DO $$ a b $$");
	DIFF("DO $$ a b $$", "DO $$ ab $$");
	DIFF("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$",
		 "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 FROM t $$");
	SAME("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$",
		 "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 2'");
	DIFF("CREATE OR REPLACE PROCEDURE p() LANGUAGE sql AS $$ DELETE FROM a $$",
		 "CREATE OR REPLACE PROCEDURE p() LANGUAGE sql AS $$ DELETE FROM b $$");
	DIFF("CREATE FUNCTION f() RETURNS int AS 'lib', 'sym_a' LANGUAGE c",
		 "CREATE FUNCTION f() RETURNS int AS 'lib', 'sym_b' LANGUAGE c");
	/* strings elsewhere stay constants */
	SAME("SELECT 'BEGIN x END'", "SELECT 'y'");
	SAME("INSERT INTO t VALUES (1) ON CONFLICT DO UPDATE SET a = 'x'",
		 "INSERT INTO t VALUES (2) ON CONFLICT DO UPDATE SET a = 'y'");
	SAME("CREATE TABLE t (a text DEFAULT 'x')", "CREATE TABLE t (a text DEFAULT 'y')");
	SAME("CREATE FUNCTION f(a text DEFAULT 'x') RETURNS int AS $$ SELECT 1 $$",
		 "CREATE FUNCTION f(a text DEFAULT 'y') RETURNS int AS $$ SELECT 1 $$");

	/* the text shows the body, with our $n after the statement's own */
	CHECK_NORM("DO $$BEGIN ALTER ROLE r PASSWORD 'secret'; END$$",
			   "DO $$BEGIN ALTER ROLE r PASSWORD $1; END$$");
	CHECK_NORM("DO 'BEGIN ALTER ROLE r PASSWORD ''secret''; END'",
			   "DO 'BEGIN ALTER ROLE r PASSWORD $1; END'");
	CHECK_NORM("CREATE FUNCTION f(int) RETURNS int LANGUAGE sql AS $$ SELECT $1 + 42 $$",
			   "CREATE FUNCTION f(int) RETURNS int LANGUAGE sql AS $$ SELECT $1 + $2 $$");
	CHECK_NORM("DO $$ BEGIN FOR i IN 1..300 LOOP PERFORM 1; END LOOP; END $$",
			   "DO $$ BEGIN FOR i IN $1..$2 LOOP PERFORM $3; END LOOP; END $$");
	/* only parameters count for the numbering: "$$1" is a tag and a 1 */
	CHECK_NORM("DO $$1$$", "DO $$ $1 $$");
	CHECK_NORM("DO E'BEGIN PERFORM ''x''; END'", "DO $1");

	/* no constant of a body ever shows, whatever its quoting */
	CHECK_MASKED("DO $$BEGIN ALTER ROLE r PASSWORD 'secret'; END$$", "secret");
	CHECK_MASKED("DO 'BEGIN ALTER ROLE r PASSWORD ''secret''; END'", "secret");
	CHECK_MASKED("do 'begin alter role r password ''sec''''ret''; end'", "ret");
	CHECK_MASKED("DO $a$BEGIN EXECUTE $b$ALTER ROLE r PASSWORD 'secret'$b$; END$a$", "secret");
	CHECK_MASKED("DO $a$BEGIN EXECUTE $$x$$ || $b$secret$b$; END$a$", "secret");
	CHECK_MASKED("DO $$BEGIN EXECUTE E'ALTER ROLE r PASSWORD \\'secret\\''; END$$", "secret");
	CHECK_MASKED("DO 'BEGIN EXECUTE E''ALTER ROLE r PASSWORD \\''secret\\''''; END'", "secret");
	CHECK_MASKED("DO E'BEGIN ALTER ROLE r PASSWORD \\'secret\\'; END'", "secret");
	CHECK_MASKED("DO 'BEGIN ALTER ROLE r PASSWORD'\n' ''secret''; END'", "secret");
	CHECK_MASKED("DO U&'BEGIN ALTER ROLE r PASSWORD ''secret''; END'", "secret");
	CHECK_MASKED("DO 'BEGIN ALTER ROLE r PASSWORD ''secret", "secret");
	CHECK_MASKED("DO $$BEGIN ALTER ROLE r PASSWORD 'secret", "secret");
	CHECK_MASKED("DO $$BEGIN PERFORM 123456; END$$", "123456");
	CHECK_MASKED("DO LANGUAGE plpgsql 'BEGIN ALTER ROLE r PASSWORD ''secret''; END'", "secret");
	CHECK_MASKED("DO $$BEGIN ALTER ROLE r PASSWORD 'secret'; END$$ LANGUAGE plpgsql", "secret");
	CHECK_MASKED("CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS "
				 "'BEGIN ALTER USER u PASSWORD ''secret''; END'", "secret");
	CHECK_MASKED("CREATE OR REPLACE PROCEDURE p() AS $x$BEGIN "
				 "EXECUTE format('ALTER ROLE r PASSWORD %L', 'secret'); END$x$ LANGUAGE plpgsql",
				 "secret");
	/* a body inside a body is a constant */
	CHECK_MASKED("DO $a$BEGIN CREATE FUNCTION g() RETURNS int AS $b$ SELECT 'secret' $b$; END$a$",
				 "secret");
	CHECK_MASKED("SELECT 1; DO $$BEGIN PERFORM 'secret'; END$$; SELECT 2", "secret");
}

/*
 * test_numbers16
 *		Numbers as PostgreSQL 16 and later write them are one constant.
 */
static void
test_numbers16(void)
{
	SAME("SELECT 0x1F", "SELECT 0x20");
	SAME("SELECT 0x1F", "SELECT 1");
	SAME("SELECT 0o17, 0b101, 0X_ff", "SELECT 1, 2, 3");
	SAME("SELECT 1_000_000", "SELECT 1");
	SAME("SELECT 1_000.000_5e1_0", "SELECT 1");
	CHECK_NORM("SELECT 1_000, 0x1F, 0o17, 0b101, .5_5", "SELECT $1, $2, $3, $4, $5");
	CHECK_NORM("SELECT -0x10", "SELECT $1");
	CHECK_NORM("SELECT a IN (0x1, 1_0, 3)", "SELECT a IN ($1 /*, ... */)");
	/* not numbers: a trailing underscore, no digit after the prefix */
	CHECK_NORM("SELECT 1_, 0x, 1__0", "SELECT $1 _, $2 x, $3 __0");
	SAME("SELECT a FROM t ORDER BY 1_0", "SELECT a FROM t ORDER BY 1_0");
	DIFF("SELECT a FROM t ORDER BY 0x1", "SELECT a FROM t ORDER BY 0x2");
}

/*
 * test_quoted_keywords
 *		A quoted identifier hashes like the unquoted name, unless it is
 *		spelled like a keyword PostgreSQL treats specially.
 */
static void
test_quoted_keywords(void)
{
	DIFF("select \"user\" from t", "select user from t");
	DIFF("select \"current_date\" from t", "select current_date from t");
	DIFF("select * from \"table\"", "select * from table");
	DIFF("select \"int\"(a)", "select int(a)");
	DIFF("select \"left\"(a)", "select left(a)");
	DIFF("select \"json_table\" from t", "select json_table from t");
	SAME("select \"user\" from t", "select \"user\"   from t");
	SAME("select \"name\", \"id\", \"res_partner\".\"active\" from t",
		 "select name, ID, res_partner.active from t");
	SAME("select \"version\" from t", "select version from t");
	DIFF("select \"User\" from t", "select user from t");
	DIFF("select \"User\" from t", "select \"user\" from t");
	DIFF("select \"USER\" from t", "select user from t");
	SAME("select \"user\"", "select \"user\"");
	/* the same rule at the end of the text, unterminated */
	DIFF("select \"user", "select user");
	SAME("select \"users", "select users");
	/* and in the fast path's "a"."b" chains */
	DIFF("select \"t\".\"user\" from t", "select t.user from t");
	DIFF("select \"user\".\"t\" from t", "select user.t from t");
	SAME("select \"usr\".\"t\" from t", "select usr.t from t");
	/* a long name whose first eight bytes are a keyword's */
	SAME("select \"current_timestampx\" from t", "select current_timestampx from t");
	DIFF("select \"current_timestamp\" from t", "select current_timestamp from t");
}

/*
 * test_quoted_keywords_all
 *		Each special keyword, quoted, hashes apart from the word, on both
 *		paths (norm_len checks that they agree), alone and in the fast
 *		path's "a"."b" chains; a name one byte longer (no keyword) hashes
 *		like the word.  The fast path looks keywords up behind a filter,
 *		which must let every one of them by.
 */
static void
test_quoted_keywords_all(void)
{
	const char *kw;
	size_t		i;

	for (i = 0; (kw = pss_special_keyword(i)) != NULL; i++)
	{
		char		quoted[64];
		char		plain[64];

		snprintf(quoted, sizeof(quoted), "select \"%s\" from t", kw);
		snprintf(plain, sizeof(plain), "select %s from t", kw);
		DIFF(quoted, plain);
		snprintf(quoted, sizeof(quoted), "select \"%s\".\"%s\"", kw, kw);
		snprintf(plain, sizeof(plain), "select %s.%s", kw, kw);
		DIFF(quoted, plain);
		snprintf(quoted, sizeof(quoted), "select \"%sx\" from t", kw);
		snprintf(plain, sizeof(plain), "select %sx from t", kw);
		SAME(quoted, plain);
	}
	CHECK(i > 150);
}

/*
 * test_list_elements
 *		Strings, NULL, TRUE and FALSE as elements of pending lists (the fast
 *		path offers them to the list), the lists that collapse and those
 *		that do not.
 */
static void
test_list_elements(void)
{
	SAME("INSERT INTO t VALUES (1, NULL), (2, 'x'), (3, true)",
		 "INSERT INTO t VALUES (5, 6)");
	SAME("SELECT a FROM t WHERE b IN ('x', NULL, false)",
		 "SELECT a FROM t WHERE b IN (1)");
	SAME("SELECT ARRAY['a', NULL]", "SELECT ARRAY[1, 2, 3]");
	DIFF("INSERT INTO t VALUES (1, 2), (NULL, x)",
		 "INSERT INTO t VALUES (1, 2), (NULL, 3)");
	DIFF("INSERT INTO t VALUES (1, 2), ('a' || 'b', 3)",
		 "INSERT INTO t VALUES (1, 2), ('a', 3)");
	DIFF("INSERT INTO t VALUES (1, 2), ('a', 3, 4)",
		 "INSERT INTO t VALUES (1, 2), ('a', 3)");
	DIFF("SELECT a FROM t WHERE b IN ('x' 'y', NULL)",
		 "SELECT a FROM t WHERE b IN ('x', NULL)");
	CHECK_NORM("INSERT INTO t VALUES (1, NULL), (2, 'x'), (NULL, true)",
			   "INSERT INTO t VALUES ($1, $2) /*, ... */");
	CHECK_NORM("SELECT a FROM t WHERE b IN ('x', NULL) AND c IS NULL",
			   "SELECT a FROM t WHERE b IN ($1 /*, ... */) AND c IS NULL");
}

/*
 * test_fast_chains
 *		The fast path takes the comma, AS or dot between quoted names, and
 *		a name after a word, without going back to its dispatch; the
 *		reference path sees the same tokens (norm_len checks that both
 *		give the same fingerprint).
 */
static void
test_fast_chains(void)
{
	SAME("SELECT \"t\".\"a\" AS \"t_a\", \"t\".\"b\" AS \"t_b\", \"c\",\"d\" FROM \"t\"",
		 "select t.a as t_a, t.b As t_b, c, d from t");
	CHECK_NORM("SELECT \"a\" AS \"b\", \"c\" as d, \"e\" AS 5, \"f\",g, \"h\", 7 FROM \"t\" AS \"u\"",
			   "SELECT \"a\" AS \"b\", \"c\" as d, \"e\" AS $1, \"f\",g, \"h\", $2 FROM \"t\" AS \"u\"");
	/* the end of the text comes in the middle of a chain */
	CHECK_NORM("SELECT \"a\" AS", "SELECT \"a\" AS");
	CHECK_NORM("SELECT \"a\" AS \"", "SELECT \"a\" AS \"");
	CHECK_NORM("SELECT \"a\", \"", "SELECT \"a\", \"");
	CHECK_NORM("SELECT \"a\".\"", "SELECT \"a\".\"");
	CHECK_NORM("SELECT \"a\",", "SELECT \"a\",");
	/* a comma that counts: ORDER BY positions, VALUES rows */
	DIFF("SELECT \"a\" FROM t ORDER BY \"a\", 1", "SELECT \"a\" FROM t ORDER BY \"a\", 2");
	SAME("INSERT INTO t VALUES (\"a\", 1), (2, 3)", "INSERT INTO t VALUES (\"a\", 1)");
	CHECK_NORM("INSERT INTO t VALUES (\"a\".\"b\", 1), (2, 3), (\"c\" AS \"d\", 4)",
			   "INSERT INTO t VALUES (\"a\".\"b\", $1) /*, ... */, (\"c\" AS \"d\", $2)");
	/* AS after a quoted name in CREATE FUNCTION: the body follows */
	DIFF("CREATE FUNCTION f() RETURNS \"mytype\" AS $$ SELECT 1 $$ LANGUAGE sql",
		 "CREATE FUNCTION f() RETURNS \"mytype\" AS $$ SELECT 1 FROM t $$ LANGUAGE sql");
	SAME("CREATE FUNCTION f() RETURNS \"mytype\" AS $$ SELECT 1 $$ LANGUAGE sql",
		 "CREATE FUNCTION f() RETURNS mytype AS 'SELECT 2' LANGUAGE sql");
	/* a word then a name, a word then a word */
	SAME("SELECT x FROM \"t\" WHERE \"a\" IN (1, 2)", "SELECT x FROM t WHERE a IN (3)");
	DIFF("SELECT \"user\" FROM t", "SELECT user FROM t");
	DIFF("SELECT a FROM \"user\"", "SELECT a FROM user");
	CHECK_NORM("SELECT a = 1, b = 'x' , c=2", "SELECT a = $1, b = $2 , c=$3");
	/* a minus sign after each kind of token the fast path takes */
	CHECK_NORM("SELECT a, -1, (-2), b - 3, \"c\" -4, 'x' -5, f(x)-6, x::int -7, "
			   "ARRAY[1,-9], a AS -1, y = -1.5e3, z IN (1, -2, 3), t.-1, 1 -2",
			   "SELECT a, $1, ($2), b - $3, \"c\" -$4, $5 -$6, f(x)-$7, x::int -$8, "
			   "ARRAY[$9 /*, ... */], a AS $10, y = $11, z IN ($12 /*, ... */), t.$13, $14 -$15");
	CHECK_NORM("INSERT INTO t VALUES (1, -2), (-3, -4), (-5, a -6)",
			   "INSERT INTO t VALUES ($1, $2) /*, ... */, ($3, a -$4)");
	SAME("SELECT a FROM t WHERE b > -1 AND c IN (-1, -2)",
		 "SELECT a FROM t WHERE b > 1 AND c IN (1)");
	DIFF("SELECT a -1 FROM t", "SELECT a 1 FROM t");
	/* numbers with a point or an exponent, in each place */
	CHECK_NORM("SELECT 1.5, a = 2.5e3, b IN (1.5, 2, 3e1), ARRAY[1.5, 2], 1e, 1.x, 1..2 "
			   "FROM t ORDER BY 1.5; VALUES (1.5, 2), (3, 4.5)",
			   "SELECT $1, a = $2, b IN ($3 /*, ... */), ARRAY[$4 /*, ... */], $5 e, $6 x, $7..$8 "
			   "FROM t ORDER BY $9; VALUES ($10, $11) /*, ... */");
	/* a negative number ends an operand: the next minus is binary */
	CHECK_NORM("-1,-2-1,", "$1,$2-$3,");
	CHECK_NORM("SELECT -1 -2, (-3)-4, f(-5 - -6)", "SELECT $1 -$2, ($3)-$4, f($5 - $6)");
}

/*
 * test_name_bytes
 *		Every byte value in a word and in a quoted name, at every place
 *		in the sixteen bytes the fast path may take at once, and near the
 *		end of the text: the fast path and the reference path agree, and
 *		normalizing stays idempotent.
 */
static void
test_name_bytes(void)
{
	char		stmt[256];
	int			b;
	int			pos;

	for (b = 1; b < 256; b++)
	{
		for (pos = 0; pos < 18; pos++)
		{
			int			len;

			len = snprintf(stmt, sizeof(stmt),
						   "SELECT %.*s%c%s, \"%.*s%c%s\" FROM a_table_with_a_long_name",
						   pos, "abcdefghijklmnopqr", b, "xy",
						   pos, "ABCDEFGHIJKLMNOPQR", b, "zz");
			check_robust(stmt, (size_t) len, __FILE__, __LINE__);
			len = snprintf(stmt, sizeof(stmt), "SELECT %.*s%c%s",
						   pos, "abcdefghijklmnopqr", b, "xy");
			check_robust(stmt, (size_t) len, __FILE__, __LINE__);
		}
	}
}

/*
 * fp_std
 *		Fingerprint of a C string lexed with the given
 *		standard_conforming_strings.
 */
static uint64_t
fp_std(const char *text, bool std)
{
	bool		saved = std_strings;
	uint64_t	h;

	std_strings = std;
	h = fp(text);
	std_strings = saved;
	return h;
}

/*
 * check_both_settings
 *		A text without a backslash lexes the same under both settings of
 *		standard_conforming_strings: the same fingerprint, the same
 *		normalized text.
 */
static void
check_both_settings(const char *text, const char *file, int line)
{
	char	   *on;
	char	   *off;

	std_strings = true;
	on = norm_len(text, strlen(text), NULL, file, line);
	std_strings = false;
	off = norm_len(text, strlen(text), NULL, file, line);
	std_strings = true;
	check(strcmp(on, off) == 0, file, line,
		  "the same normalized text under both settings");
	check(fp_std(text, true) == fp_std(text, false), file, line,
		  "the same fingerprint under both settings");
	free(on);
	free(off);
}

#define CHECK_BOTH(s)	check_both_settings((s), __FILE__, __LINE__)

/*
 * test_std_strings_off
 *		With standard_conforming_strings off (any user may set it), a
 *		backslash escapes the next byte in '...', N'...' and U&'...' as in
 *		E'...': a literal holding \' must stay one constant, or what
 *		follows the \' shows in the normalized text (issue 18, item 3).
 *		A statement's fingerprint is that of its tokens, whichever
 *		setting it was lexed under.
 */
static void
test_std_strings_off(void)
{
	static const char *const same[] = {
		"SELECT 'O''Brien' AS name, '078-05-1120' AS ssn",
		"SELECT a FROM t WHERE b IN ('x', 'y', 'z') AND c = E'q'",
		"INSERT INTO t VALUES ('a', 1), ('b', 2)",
		"SELECT 'a'\n'b', N'c', B'101', X'1f', U&'d'",
		"DO $$BEGIN PERFORM 'x'; END$$",
		"CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT ''a''::int'",
		"SELECT 'unterminated",
	};
	size_t		i;

	std_strings = false;

	/* the statements of the issue */
	CHECK_NORM("alter role current_user password 'x\\'; LEAKSCS1 \\''",
			   "alter role current_user password $1");
	CHECK_NORM("select 'O\\'Brien' as name, '078-05-1120' as ssn",
			   "select $1 as name, $2 as ssn");
	CHECK_MASKED("ALTER ROLE r PASSWORD 'a\\'; secret \\''", "secret");

	/* \' and \\ inside every kind of string that follows the setting */
	CHECK_NORM("SELECT 'a\\\\', 'b'", "SELECT $1, $2");
	CHECK_NORM("SELECT N'a\\'b', 1", "SELECT $1, $2");
	CHECK_NORM("SELECT U&'a\\'b', 1", "SELECT $1, $2");
	CHECK_NORM("SELECT E'a\\'b', 1", "SELECT $1, $2");
	/* not in bit strings, which know no escapes */
	CHECK_NORM("SELECT B'1\\', 1", "SELECT $1, $2");
	CHECK_NORM("SELECT X'1\\', 1", "SELECT $1, $2");
	/* in a continued string, on the continuation too */
	CHECK_NORM("SELECT 'a'\n'\\'secret', 1", "SELECT $1, $2");
	/* a trailing backslash leaves the string unterminated */
	CHECK_NORM("SELECT 'abc\\", "SELECT $1");
	CHECK_NORM("SELECT 'abc\\'", "SELECT $1");
	/* in an IN list, taken by the fast path's list code */
	CHECK_NORM("SELECT 1 WHERE a IN ('x\\'', 'y', 'secret')",
			   "SELECT $1 WHERE a IN ($2 /*, ... */)");
	CHECK_MASKED("SELECT 1 WHERE a IN ('x\\', secret', 'y')", "secret");
	/* in a VALUES row */
	CHECK_MASKED("INSERT INTO t VALUES ('x\\', secret'), ('y', 'z')",
				 "secret");

	/* a body in single quotes with a backslash is one constant */
	CHECK_MASKED("DO 'BEGIN ALTER ROLE r PASSWORD \\'secret\\'; END'",
				 "secret");
	CHECK_MASKED("CREATE FUNCTION f() RETURNS void LANGUAGE sql "
				 "AS 'ALTER ROLE r PASSWORD \\'secret\\''", "secret");
	/* ... even with nothing to hide: its text is not its code */
	CHECK_NORM("DO 'BEGIN PERFORM 1 \\ 2; END'", "DO $1");
	/* strings inside a dollar-quoted body follow the setting */
	CHECK_MASKED("DO $$BEGIN ALTER ROLE r PASSWORD 'x\\'; secret'; END$$",
				 "secret");

	/* the fingerprint is that of the tokens, whatever the setting */
	CHECK(fp_std("select 'O\\'Brien' as name", false) ==
		  fp_std("select 'O''Brien' as name", true));
	CHECK(fp_std("select 'O\\'Brien' as name", false) ==
		  fp_std("select E'O\\'Brien' as name", true));
	CHECK(fp_std("alter role current_user password 'x\\'; LEAKSCS1 \\''",
				 false) ==
		  fp_std("alter role current_user password 'x''; LEAKSCS1 '''",
				 true));
	CHECK(fp_std("SELECT a FROM t WHERE b IN ('x\\'y', 'z')", false) ==
		  fp_std("SELECT a FROM t WHERE b IN ('x''y')", true));

	/* garbage, as in test_garbage */
	CHECK_ROBUST("'\\");
	CHECK_ROBUST("'\\'");
	CHECK_ROBUST("'a\\'\n'b\\");
	CHECK_ROBUST("DO '\\''");
	CHECK_ROBUST("DO 'a''\\");
	CHECK_ROBUST("N'\\");
	CHECK_ROBUST("U&'\\");

	std_strings = true;

	/* without a backslash, the setting changes nothing */
	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		CHECK_BOTH(same[i]);
}

/*
 * test_list_casts
 *		Lists collapse when their items are constants or parameters, each
 *		possibly with a cast, and in VALUES rows DEFAULT; anything more in
 *		an item keeps the list plain, hashed exactly as before.
 */
static void
test_list_casts(void)
{
	/* SQLAlchemy's IN with typed parameters, insertmanyvalues */
	CHECK_NORM("SELECT * FROM users WHERE users.id IN ($1::INTEGER, $2::INTEGER, $3::INTEGER)",
			   "SELECT * FROM users WHERE users.id IN ($1 /*, ... */)");
	SAME("SELECT * FROM users WHERE users.id IN ($1::INTEGER, $2::INTEGER)",
		 "SELECT * FROM users WHERE users.id IN ($1::INTEGER)");
	CHECK_NORM("INSERT INTO t (a, b) VALUES ($1::VARCHAR, $2::DATE), ($3::VARCHAR, $4::DATE) RETURNING t.id",
			   "INSERT INTO t (a, b) VALUES ($1::VARCHAR, $2::DATE) /*, ... */ RETURNING t.id");
	SAME("INSERT INTO t (a, b) VALUES ($1::VARCHAR, $2::DATE), ($3::VARCHAR, $4::DATE) RETURNING t.id",
		 "INSERT INTO t (a, b) VALUES ($1::VARCHAR, $2::DATE), ($3::VARCHAR, $4::DATE), ($5::VARCHAR, $6::DATE) RETURNING t.id");
	/* typed constants: ::, CAST, a type name before a string */
	CHECK_NORM("SELECT a FROM t WHERE d IN ('2024-01-01'::date, '2024-01-02'::date)",
			   "SELECT a FROM t WHERE d IN ($1 /*, ... */)");
	CHECK_NORM("SELECT a FROM t WHERE d IN (CAST(1 AS integer), CAST(2 AS integer))",
			   "SELECT a FROM t WHERE d IN ($1 /*, ... */)");
	CHECK_NORM("SELECT a FROM t WHERE d IN (date '2024-01-01', timestamp with time zone '2024-01-01')",
			   "SELECT a FROM t WHERE d IN ($1 /*, ... */)");
	CHECK_NORM("SELECT ARRAY[$1::bigint, $2::bigint]", "SELECT ARRAY[$1 /*, ... */]");
	/* Sequelize's bulkCreate */
	CHECK_NORM("INSERT INTO \"users\" (\"id\",\"name\") VALUES (DEFAULT,$1),(DEFAULT,$2) RETURNING \"id\"",
			   "INSERT INTO \"users\" (\"id\",\"name\") VALUES (DEFAULT,$1) /*, ... */ RETURNING \"id\"");
	SAME("INSERT INTO t VALUES (DEFAULT,$1,$2),(DEFAULT,$3,$4)",
		 "INSERT INTO t VALUES (DEFAULT,$1,$2),(DEFAULT,$3,$4),(DEFAULT,$5,$6)");
	/* rows keep their width to merge */
	DIFF("INSERT INTO t VALUES (DEFAULT,$1,$2),(DEFAULT,$3,$4)",
		 "INSERT INTO t VALUES (DEFAULT,$1),(DEFAULT,$3)");
	CHECK_NORM("INSERT INTO t VALUES (1, 2), (3, DEFAULT, 4)",
			   "INSERT INTO t VALUES ($1, $2), ($3, DEFAULT, $4)");
	/* the boundaries: chains, NULL, modifiers, arrays, qualified names */
	SAME("SELECT a FROM t WHERE d IN ($1::int::bigint, $2::int::bigint)",
		 "SELECT a FROM t WHERE d IN ($1)");
	SAME("SELECT a FROM t WHERE d IN (NULL::int, 1)", "SELECT a FROM t WHERE d IN ($1)");
	SAME("SELECT a FROM t WHERE d IN (1::numeric(10,2), 2::numeric(10,2))",
		 "SELECT a FROM t WHERE d IN ($1)");
	SAME("SELECT ARRAY['a'::varchar[], 'b'::varchar[3]]", "SELECT ARRAY[$1]");
	SAME("SELECT a FROM t WHERE d IN ($1::pg_catalog.int4, $2::\"MyType\", $3::double precision)",
		 "SELECT a FROM t WHERE d IN ($1)");
	/* DEFAULT is no item of IN */
	DIFF("SELECT a FROM t WHERE d IN (DEFAULT, 1)", "SELECT a FROM t WHERE d IN ($1)");
	/* not collapsed: an item in parentheses, arrays of arrays, operators,
	 * function calls, names */
	CHECK_NORM("SELECT ARRAY[[1,2],[3,4]]", "SELECT ARRAY[[$1,$2],[$3,$4]]");
	CHECK_NORM("SELECT a FROM t WHERE d IN (($1)::jsonb, $2)",
			   "SELECT a FROM t WHERE d IN (($1)::jsonb, $2)");
	CHECK_NORM("SELECT a FROM t WHERE d IN ($1::int, x)",
			   "SELECT a FROM t WHERE d IN ($1::int, x)");
	CHECK_NORM("SELECT a FROM t WHERE d IN ($1::int + 1, 2)",
			   "SELECT a FROM t WHERE d IN ($1::int + $2, $3)");
	CHECK_NORM("SELECT a FROM t WHERE d IN (x::int, 1)",
			   "SELECT a FROM t WHERE d IN (x::int, $1)");
	CHECK_NORM("SELECT a FROM t WHERE d IN ($1::int and true)",
			   "SELECT a FROM t WHERE d IN ($1::int and $2)");
	CHECK_NORM("SELECT a FROM t WHERE d IN (CAST($1 AS int)",
			   "SELECT a FROM t WHERE d IN (CAST($1 AS int)");
	/* a list that is not collapsed hashes as token by token */
	DIFF("SELECT a FROM t WHERE d IN ($1::int, x)", "SELECT a FROM t WHERE d IN ($1, x)");
	DIFF("SELECT a FROM t WHERE d IN (1::int, 2::int",
		 "SELECT a FROM t WHERE d IN (1::int");
	CHECK_ROBUST("SELECT a IN (1::");
	CHECK_ROBUST("SELECT a IN (CAST(");
	CHECK_ROBUST("SELECT a IN (1::numeric(10,");
	CHECK_ROBUST("INSERT INTO t VALUES (1), (DEFAULT");
}

/*
 * test_utility_names
 *		The names applications generate for savepoints, cursors and
 *		prepared statements are constants, quoted or not; the keywords
 *		around them, ALL, and the statements that have no such name stay.
 *		SET's value ON or OFF is a constant, as TRUE and 5 are.
 */
static void
test_utility_names(void)
{
	CHECK_NORM("SAVEPOINT \"s140234567_x12\"", "SAVEPOINT $1");
	SAME("SAVEPOINT \"s140234567_x12\"", "savepoint sa_savepoint_7");
	CHECK_NORM("RELEASE SAVEPOINT sa_savepoint_7", "RELEASE SAVEPOINT $1");
	CHECK_NORM("RELEASE \"s1\"", "RELEASE $1");
	DIFF("RELEASE s1", "RELEASE SAVEPOINT s1");
	CHECK_NORM("ROLLBACK TO SAVEPOINT \"s1_x\"", "ROLLBACK TO SAVEPOINT $1");
	CHECK_NORM("rollback work to s2", "rollback work to $1");
	CHECK_NORM("ROLLBACK TRANSACTION TO SAVEPOINT s2",
			   "ROLLBACK TRANSACTION TO SAVEPOINT $1");
	CHECK_NORM("ROLLBACK", "ROLLBACK");
	CHECK_NORM("ROLLBACK AND CHAIN", "ROLLBACK AND CHAIN");
	CHECK_NORM("ROLLBACK PREPARED 'gid'", "ROLLBACK PREPARED $1");
	CHECK_NORM("DECLARE \"_django_curs_139871_sync_3\" NO SCROLL CURSOR "
			   "WITH HOLD FOR SELECT a FROM t WHERE b IN (1, 2)",
			   "DECLARE $1 NO SCROLL CURSOR "
			   "WITH HOLD FOR SELECT a FROM t WHERE b IN ($2 /*, ... */)");
	SAME("DECLARE c1 CURSOR FOR SELECT 1", "DECLARE \"c2\" CURSOR FOR SELECT 2");
	CHECK_NORM("FETCH FORWARD 2000 FROM \"_django_curs_1_sync_3\"",
			   "FETCH FORWARD $1 FROM $2");
	SAME("FETCH FORWARD 2000 FROM \"a\"", "fetch forward 100 from b");
	DIFF("FETCH FORWARD 2000 FROM a", "FETCH BACKWARD 2000 FROM a");
	CHECK_NORM("FETCH c1", "FETCH $1");
	CHECK_NORM("FETCH NEXT c1", "FETCH NEXT $1");
	CHECK_NORM("FETCH ALL IN c1", "FETCH ALL IN $1");
	CHECK_NORM("FETCH ABSOLUTE 5 FROM c1", "FETCH ABSOLUTE $1 FROM $2");
	CHECK_NORM("MOVE BACKWARD ALL IN \"c\"", "MOVE BACKWARD ALL IN $1");
	CHECK_NORM("MOVE LAST FROM c", "MOVE LAST FROM $1");
	CHECK_NORM("CLOSE \"_django_curs_1_sync_3\"", "CLOSE $1");
	CHECK_NORM("CLOSE ALL", "CLOSE ALL");
	DIFF("CLOSE ALL", "CLOSE c");
	CHECK_NORM("PREPARE pdo_stmt_00000003 AS SELECT * FROM t WHERE a = $1",
			   "PREPARE $2 AS SELECT * FROM t WHERE a = $1");
	SAME("PREPARE pdo_stmt_00000003 AS SELECT * FROM t WHERE a = $1",
		 "PREPARE \"pdo_stmt_00000004\" AS SELECT * FROM t WHERE a = $1");
	CHECK_NORM("PREPARE p (int, text) AS INSERT INTO t VALUES ($1, 'x'), "
			   "($2, 'y')",
			   "PREPARE $3 (int, text) AS INSERT INTO t VALUES ($1, $4) "
			   "/*, ... */");
	CHECK_NORM("PREPARE TRANSACTION 'foo'", "PREPARE TRANSACTION $1");
	DIFF("PREPARE TRANSACTION 'foo'", "PREPARE x 'foo'");
	CHECK_NORM("EXECUTE pdo_stmt_00000003(5)", "EXECUTE $1($2)");
	SAME("EXECUTE pdo_stmt_00000003(5)", "EXECUTE \"other\" (7)");
	CHECK_NORM("DEALLOCATE pdo_stmt_00000003", "DEALLOCATE $1");
	CHECK_NORM("DEALLOCATE PREPARE \"x\"", "DEALLOCATE PREPARE $1");
	CHECK_NORM("DEALLOCATE ALL", "DEALLOCATE ALL");
	CHECK_NORM("DEALLOCATE PREPARE ALL", "DEALLOCATE PREPARE ALL");
	/* after other statements, and after comments */
	CHECK_NORM("BEGIN; SAVEPOINT a; RELEASE a; COMMIT",
			   "BEGIN; SAVEPOINT $1; RELEASE $2; COMMIT");
	CHECK_NORM("/* app */ SAVEPOINT b", "/* app */ SAVEPOINT $1");
	/* not where the word does not start a statement */
	CHECK_NORM("SELECT savepoint, close FROM t", "SELECT savepoint, close FROM t");
	CHECK_NORM("SELECT a FROM t ORDER BY 1 FETCH FIRST 3 ROWS ONLY",
			   "SELECT a FROM t ORDER BY 1 FETCH FIRST $1 ROWS ONLY");
	/* nor in a code body, where FETCH, CLOSE, EXECUTE mean other things */
	CHECK_NORM("DO $$BEGIN CLOSE c; END$$", "DO $$BEGIN CLOSE c; END$$");

	/* SET: ON and OFF are constants, as TRUE and 5 */
	CHECK_NORM("SET enable_seqscan = on", "SET enable_seqscan = $1");
	SAME("SET enable_seqscan = on", "SET enable_seqscan = off");
	SAME("SET enable_seqscan = on", "set enable_seqscan = TRUE");
	SAME("SET enable_seqscan = on", "SET enable_seqscan = 'off'");
	SAME("SET enable_seqscan TO on", "SET enable_seqscan TO false");
	DIFF("SET enable_seqscan = on", "SET enable_hashjoin = on");
	DIFF("SET enable_seqscan = on", "SET LOCAL enable_seqscan = on");
	CHECK_NORM("SET LOCAL enable_seqscan TO OFF", "SET LOCAL enable_seqscan TO $1");
	CHECK_NORM("SET SESSION app.user_id = 'x'", "SET SESSION app.user_id = $1");
	/* a name as value stays, DEFAULT too */
	CHECK_NORM("SET search_path = public, x", "SET search_path = public, x");
	CHECK_NORM("SET x TO DEFAULT", "SET x TO DEFAULT");
	CHECK_NORM("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE",
			   "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
	CHECK_NORM("UPDATE t SET a = on_b", "UPDATE t SET a = on_b");
	/* garbage */
	CHECK_ROBUST("SAVEPOINT");
	CHECK_ROBUST("FETCH -");
	CHECK_ROBUST("SET x =");
	CHECK_ROBUST("DEALLOCATE PREPARE");
}

/*
 * test_stability
 *		Pin a few values, so that a change of the hash (which would make
 *		stored statistics unreachable after an upgrade) is noticed.  The
 *		hash last changed before 1.0 (names hashed eight bytes at a time).
 *		The portable build (PSS_PORTABLE: no 128-bit multiply, no eight-byte
 *		loads) must give the same values.
 */
static void
test_stability(void)
{
	uint64_t	h = fp("SELECT 1");

	CHECK(h == UINT64_C(0x306c40ee3f0dbd05));
	CHECK(fp("SELECT a FROM t WHERE b IN (1, 2)") ==
		  UINT64_C(0x3df9f5caab667bc8));
	CHECK(h == fp("SELECT 1"));
	CHECK(h != fp("SELECT 1 FROM t"));
	CHECK(fp("") != 0);
	/* the pinned values are printed so a deliberate change can update them */
	if (getenv("PSS_PRINT_PINNED"))
		printf("pinned: %016llx %016llx\n", (unsigned long long) h,
			   (unsigned long long) fp("SELECT a FROM t WHERE b IN (1, 2)"));
}

int
main(void)
{
	test_spec_examples();
	test_tokens();
	test_negative();
	test_order_by();
	test_lists();
	test_normalize();
	test_garbage();
	test_chunks();
	test_values();
	test_bodies();
	test_numbers16();
	test_quoted_keywords();
	test_quoted_keywords_all();
	test_list_elements();
	test_fast_chains();
	test_name_bytes();
	test_utility_names();
	test_list_casts();
	test_stability();
	test_std_strings_off();
	test_big();

	/* garbage and the fast path's shapes with standard_conforming_strings off */
	std_strings = false;
	test_garbage();
	test_big();
	test_chunks();
	test_list_elements();
	test_fast_chains();
	std_strings = true;

	printf("%d passed, %d failed\n", n_passed, n_failed);
	return n_failed == 0 ? 0 : 1;
}
