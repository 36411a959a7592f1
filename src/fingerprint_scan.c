/*-------------------------------------------------------------------------
 *
 * fingerprint_scan.c
 *	  The reference path of the fingerprint code: the statement is lexed
 *	  and scanned token by token (pss_scan), as pss_normalize needs it;
 *	  and the scan of a string that holds a code body, which both paths
 *	  reach through pss_scan_token (pss_scan_body).
 *
 * The scanner's state and steps are in fingerprint_scan.h, the lexer in
 * fingerprint_int.h; see fingerprint.c for the design.
 *
 * src/fingerprint_scan.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fingerprint.h"
#include "fingerprint_scan.h"

static bool pss_slow_token(PssLexer *lx, PssScan *s);

/*
 * pss_scan_body
 *		Scan the string t, which stands where a code body does, as code:
 *		its tokens are hashed between two body tags, and its constants are
 *		constants (the normalizer writes $n for them, numbered after the
 *		statement's own).  False if the string is to stay one constant
 *		(see pss_body_extent).
 *
 * The body is scanned with a fresh structural state, restored afterwards,
 * and with no body of its own: a string in it is a constant, even a body
 * that code would create (one level only, which bounds the work).  Its
 * strings are read with the setting of the lexer lx that found it: the
 * server compiles the body with the session's setting too.
 */
PSS_NOINLINE bool
pss_scan_body(PssScan *s, const PssToken *t, const PssLexer *lx)
{
	PssScan		outer;
	PssLexer	blx;
	const unsigned char *cstart;
	const unsigned char *cend;
	bool		dq;

	if (!pss_body_extent(t, lx->escapes, &cstart, &cend, &dq))
		return false;
	outer = *s;
	pss_scan_init(s, outer.norm);
	s->in_body = true;
	s->hash = pss_mix(outer.hash, PSS_TAG_BODY);
	pss_lex_init(&blx, cstart, (size_t) (cend - cstart), !lx->escapes);
	blx.dq = dq;
	while (pss_slow_token(&blx, s))
	{
		/* a body can be most of a huge statement (pss_normalize_prefix) */
		if (PSS_UNLIKELY(pss_norm_enough(s->norm, s->list)))
			break;
	}
	if (s->list != LIST_NONE)
		pss_list_abandon(s);
	outer.hash = pss_mix(s->hash, PSS_TAG_BODYEND);
	*s = outer;
	if (PSS_UNLIKELY(s->vstate != V_NONE))
		pss_track_values(s, t->end, 0, s->depth);
	s->prev = PW_BODYEND;
	return true;
}

/*
 * pss_scan
 *		Run the whole statement through lexer and scanner, token by token;
 *		return the finished fingerprint.  norm, if not NULL, receives the
 *		text.
 *
 * This is the reference path, used by pss_normalize.  pss_fingerprint
 * takes pss_scan_fast, which must give the same hash (the unit tests and
 * the fuzz harness check that pss_normalize and pss_fingerprint agree).
 */
uint64_t
pss_scan(const unsigned char *text, size_t len, bool std_strings,
		 PssNorm *norm)
{
	PssLexer	lx;
	PssScan		s;
	PssToken	t;

	pss_scan_init(&s, norm);
	pss_lex_init(&lx, text, len, std_strings);
	while (pss_lex_next(&lx, &t))
	{
		pss_scan_token(&s, &t, &lx);
		if (pss_norm_enough(norm, s.list))
			break;
	}
	if (s.list != LIST_NONE)
		pss_list_abandon(&s);
	return pss_finish(s.hash);
}

/*
 * pss_slow_token
 *		Lex and scan the next token the general way; false at the end.
 *		pss_scan_body's loop.
 */
static PSS_NOINLINE bool
pss_slow_token(PssLexer *lx, PssScan *s)
{
	PssToken	t;

	if (!pss_lex_next(lx, &t))
		return false;
	pss_scan_token(s, &t, lx);
	return true;
}
