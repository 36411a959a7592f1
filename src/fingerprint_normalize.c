/*-------------------------------------------------------------------------
 *
 * fingerprint_normalize.c
 *	  The normalized text: pss_normalize and pss_normalize_prefix, and the
 *	  output the scanner writes it through (PssNorm).
 *
 * The text is copied from the statement, each constant replaced by the
 * next $n (numbered after the statement's own parameters, which a first
 * scan finds when the text may hold one); a pending list is written
 * tentatively and its output position rewound if the list collapses (see
 * pss_list_collapse).  The scan is the reference path's (pss_scan).
 *
 * src/fingerprint_normalize.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fingerprint.h"
#include "fingerprint_scan.h"

/*
 * pss_norm_put
 *		Append bytes to the output, writing only what fits.
 */
void
pss_norm_put(PssNorm *n, const void *data, size_t len)
{
	if (len == 0)
		return;
	if (n->cur.outlen < n->outcap)
	{
		size_t		room = n->outcap - n->cur.outlen;

		memcpy(n->out + n->cur.outlen, data, len < room ? len : room);
	}
	n->cur.outlen += len;
	n->cur.last = ((const unsigned char *) data)[len - 1];
	n->cur.after_param = false;
}

/*
 * pss_norm_copy_to
 *		Copy the source text up to offset pos verbatim.
 *
 * If a $n we wrote would run into identifier characters ("'x'abc" gives
 * "$1abc"), a space keeps them apart, so the result lexes the same way.
 */
void
pss_norm_copy_to(PssNorm *n, const unsigned char *pos)
{
	size_t		to = (size_t) (pos - n->src);

	if (to <= n->cur.copied)
		return;
	if (n->cur.after_param && IS_CLASS(n->src[n->cur.copied], CC_IDCONT))
		pss_norm_put(n, " ", 1);
	pss_norm_put(n, n->src + n->cur.copied, to - n->cur.copied);
	n->cur.copied = to;
}

/*
 * pss_norm_put_zeros
 *		Append count '0' bytes, writing only what fits: O(1) past outcap,
 *		so that a hostile width costs nothing beyond what is kept.
 */
static void
pss_norm_put_zeros(PssNorm *n, size_t count)
{
	if (count == 0)
		return;
	if (n->cur.outlen < n->outcap)
	{
		size_t		room = n->outcap - n->cur.outlen;

		memset(n->out + n->cur.outlen, '0', count < room ? count : room);
	}
	n->cur.outlen += count;
	n->cur.last = '0';
	n->cur.after_param = false;
}

/*
 * pss_norm_put_param
 *		Write the next $n, with a space before it if the previous byte
 *		would otherwise absorb it into a word ("select-1" gives
 *		"select $1", not "select$1").
 *
 * The number is nextk, or with a wide numbering (see PSS_PARAM_EXACT)
 * 10^wide + nextk: a 1, then nextk in wide digits.
 */
void
pss_norm_put_param(PssNorm *n)
{
	char		buf[24];
	size_t		i = sizeof(buf);
	uint64_t	k = n->cur.nextk++;

	do
	{
		buf[--i] = (char) ('0' + k % 10);
		k /= 10;
	} while (k != 0);
	if (n->cur.outlen > 0 && IS_CLASS(n->cur.last, CC_IDCONT))
		pss_norm_put(n, " ", 1);
	if (PSS_UNLIKELY(n->wide > 0))
	{
		/* nextk < 2^63 has at most 19 digits, wide at least 19 */
		pss_norm_put(n, "$1", 2);
		pss_norm_put_zeros(n, n->wide - (sizeof(buf) - i));
		pss_norm_put(n, buf + i, sizeof(buf) - i);
	}
	else
	{
		buf[--i] = '$';
		pss_norm_put(n, buf + i, sizeof(buf) - i);
	}
	n->cur.after_param = true;
}

/*
 * pss_norm_note_param
 *		First pass of the numbering: note the $n token t, a real parameter
 *		or a parameter of a code body (the strings and comments of the
 *		statement do not count, as they are not parameters).
 */
PSS_NOINLINE void
pss_norm_note_param(PssNorm *n, const PssToken *t)
{
	const unsigned char *p = t->start + 1;
	uint64_t	v = 0;
	size_t		digits;

	while (p < t->end && *p == '0')
		p++;
	digits = (size_t) (t->end - p);
	if (digits <= 19)
	{
		/* at most 9999999999999999999, below UINT64_MAX */
		for (; p < t->end; p++)
			v = v * 10 + (uint64_t) (*p - '0');
		if (v <= PSS_PARAM_EXACT)
		{
			if (v > n->maxparam)
				n->maxparam = v;
			if (v >= 1 && (n->minparam == 0 || v < n->minparam))
				n->minparam = v;
			return;
		}
	}
	if (digits > n->wide)
		n->wide = digits;
}

/*
 * pss_norm_const
 *		Replace the constant token by the next $n.
 */
void
pss_norm_const(PssNorm *n, const PssToken *t)
{
	pss_norm_copy_to(n, t->start);
	pss_norm_put_param(n);
	n->cur.copied = (size_t) (t->end - n->src);
}

/*
 * pss_has_param_like
 *		Is there a "$" followed by a digit anywhere in the text?  If not, no
 *		token is a parameter, and the numbering starts at 1 without a first
 *		pass.
 */
static bool
pss_has_param_like(const unsigned char *text, size_t len)
{
	const unsigned char *p = text;
	const unsigned char *end = text + len;

	while ((p = memchr(p, '$', (size_t) (end - p))) != NULL)
	{
		PSS_STEPS(1);
		if (++p < end && IS_CLASS(*p, CC_DIGIT))
			return true;
	}
	return false;
}

/*
 * The highest parameter number PostgreSQL accepts: they are int32, and
 * from 16 on a larger $n is a syntax error ("parameter number too large").
 */
#define PSS_PARAM_MAX		UINT64_C(2147483647)

/*
 * pss_number_params
 *		Set where the numbering of constants starts: above the statement's
 *		own parameters and those of its code bodies (a SQL function's own
 *		$1 keeps its meaning), not above a "$1" inside a string constant or
 *		a comment, which is not a parameter.  That takes a first scan of
 *		the whole text, made only if some "$" is followed by a digit; it
 *		also counts the $n we will write.
 *
 * Our numbers stay parameter numbers the server accepts (at most
 * PSS_PARAM_MAX) and never equal a $n of the text: above the highest $n
 * if they fit below PSS_PARAM_MAX, else from $1 if they all fit below the
 * lowest $n (after "$2147483647", or a $n too large to be a parameter, a
 * constant is $1).  Only if neither fits (a $n near 1 and one near
 * PSS_PARAM_MAX, and more constants than numbers below the lowest) do they
 * go past PSS_PARAM_MAX: exact up to PSS_PARAM_EXACT, then wide (see
 * there).
 */
static void
pss_number_params(PssNorm *n, size_t len, bool std_strings)
{
	PssNorm		m;

	n->cur.nextk = 1;
	if (!pss_has_param_like(n->src, len))
		return;
	memset(&m, 0, sizeof(m));
	m.src = n->src;
	m.measuring = true;
	m.no_hash = true;
	(void) pss_scan(m.src, len, std_strings, &m);
	/* m.cur.nextk, from 0, counted the $n written: fewer than 2^63 */
	if (m.wide == 0 && m.maxparam + m.cur.nextk <= PSS_PARAM_MAX)
		n->cur.nextk = m.maxparam + 1;
	else if (m.cur.nextk < (m.minparam != 0 ? m.minparam : UINT64_MAX))
		n->cur.nextk = 1;
	else if (m.wide > 0)
	{
		n->wide = m.wide;
		n->cur.nextk = 0;
	}
	else
		n->cur.nextk = m.maxparam + 1;
}

/*
 * pss_normalize_run
 *		pss_normalize, or with prefix, pss_normalize_prefix: the scan stops
 *		once more than outcap bytes are final (pss_norm_enough), so that
 *		the work is bounded by what the caller keeps, not by the text.
 */
static size_t
pss_normalize_run(const char *query, size_t len, bool std_strings, char *out,
				  size_t outcap, uint64_t *fingerprint, bool prefix)
{
	PssNorm		n;
	uint64_t	fp;

	if (len == 0)
		query = "";
	memset(&n, 0, sizeof(n));
	n.src = (const unsigned char *) query;
	n.out = out;
	n.outcap = out != NULL ? outcap : 0;
	n.prefix = prefix;
	/* hashing names and symbols is most of the work: only if asked */
	n.no_hash = (fingerprint == NULL);
	pss_number_params(&n, len, std_strings);

	fp = pss_scan(n.src, len, std_strings, &n);
	if (!pss_norm_enough(&n, LIST_NONE))
		pss_norm_copy_to(&n, n.src + len);
	if (fingerprint != NULL)
		*fingerprint = fp;
	return n.cur.outlen;
}

/*
 * pss_normalize
 *		Normalized text of query[0 .. len); see fingerprint.h.
 *
 * Two passes when the text holds a "$" followed by a digit: one to find
 * the highest parameter number (pss_number_params), one to hash and
 * write; otherwise one.  It is the slow path, run only for statements not yet stored.
 */
size_t
pss_normalize(const char *query, size_t len, bool std_strings, char *out,
			  size_t outcap, uint64_t *fingerprint)
{
	return pss_normalize_run(query, len, std_strings, out, outcap,
							 fingerprint, false);
}

/*
 * pss_normalize_prefix
 *		The first outcap bytes of the normalized text; see fingerprint.h.
 */
size_t
pss_normalize_prefix(const char *query, size_t len, bool std_strings,
					 char *out, size_t outcap)
{
	return pss_normalize_run(query, len, std_strings, out, outcap, NULL,
							 true);
}
