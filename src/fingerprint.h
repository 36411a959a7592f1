/*-------------------------------------------------------------------------
 *
 * fingerprint.h
 *	  Statement fingerprints: lexer, normalizer and hash.
 *
 * This subsystem is pure C: it includes no PostgreSQL header and calls no
 * server function, so the same object file links into the extension, the
 * standalone unit tests (test/unit) and the fuzz harnesses.
 *
 * A fingerprint is a 64-bit hash of a statement's token stream in which
 * constants (NULL, TRUE and FALSE too, where they are values), parameters,
 * whitespace, comments, the letter case of keywords and unquoted
 * identifiers, and the length of constant-only lists do not count; the
 * code of DO blocks and function bodies does.  It depends on nothing but
 * the text's tokens, so it is the same in every database, on every server
 * and across restarts; the server glue hashes a text's UTF-8 form, so that
 * it does not depend on the database's encoding either (src/hooks.c).
 *
 * Where a token ends depends on one setting of the session that sent the
 * text: with standard_conforming_strings off, a backslash escapes the next
 * byte in a plain '...' string (and N'...', U&'...') as it always does in
 * E'...', so 'O\'Brien' is one string.  Every entry point that lexes takes
 * that setting as std_strings (true: the default, standard strings).  The
 * setting decides only where tokens end: a statement that has the same
 * tokens under both settings has the same fingerprint and normalized text
 * under both.
 *
 * src/fingerprint.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PSS_FINGERPRINT_H
#define PSS_FINGERPRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * pss_fingerprint
 *		Fingerprint of the statement text query[0 .. len).
 *
 * One pass over the text, no allocation.  Never returns 0, so that 0 can
 * keep its meaning of "no query id" inside the server.
 */
extern uint64_t pss_fingerprint(const char *query, size_t len,
								bool std_strings);

/*
 * pss_normalize
 *		Normalized text of query[0 .. len): constants replaced by $n,
 *		constant-only lists shown once.
 *
 * Writes at most outcap bytes to out (out may be NULL when outcap is 0) and
 * returns the length the whole normalized text needs, not counting a
 * terminating NUL (which is never written).  Callers size a buffer with a
 * first call and fill it with a second.  If fingerprint is not NULL, the
 * statement's fingerprint is stored there; it always equals
 * pss_fingerprint(query, len, std_strings).
 */
extern size_t pss_normalize(const char *query, size_t len, bool std_strings,
							char *out, size_t outcap, uint64_t *fingerprint);

/*
 * pss_normalize_prefix
 *		The first outcap bytes of the normalized text of query[0 .. len),
 *		without normalizing further than they need: the cost is bounded by
 *		outcap (plus one pass of memchr over the text, and, if the text
 *		holds a "$" followed by a digit, one scan of it that finds where
 *		the numbering of constants starts), not by the length of the
 *		normalized text, which a hostile statement can make twenty times
 *		its own.
 *
 * Writes at most outcap bytes to out and returns how many bytes it
 * produced: the whole text's length when that is at most outcap,
 * otherwise some length above outcap (not the whole text's), when the
 * first outcap bytes written are exact.
 */
extern size_t pss_normalize_prefix(const char *query, size_t len,
								   bool std_strings, char *out,
								   size_t outcap);

/*
 * pss_skip_space
 *		Where the first token at or after p starts: skips whitespace and
 *		comments exactly as the lexer does ("--" up to \n or \r, nested
 *		block comments).  Returns end if only those remain.  Needs no
 *		std_strings: it stops at the first token, whatever it is.
 */
extern const char *pss_skip_space(const char *p, const char *end);

/*
 * Token classes reported by pss_tokens, for tests only.
 */
typedef enum PssTokenClass
{
	PSS_TOKEN_CONST,			/* string or number literal, negative too */
	PSS_TOKEN_PARAM,			/* $n */
	PSS_TOKEN_IDENT,			/* keyword, identifier, quoted identifier */
	PSS_TOKEN_OP,				/* operator */
	PSS_TOKEN_OTHER				/* punctuation, :: := and any other byte */
} PssTokenClass;

/*
 * pss_tokens
 *		Debug entry point: report each token the lexer finds in
 *		query[0 .. len) to cb, with its byte offsets [start, end) and its
 *		PssTokenClass.
 *
 * It runs the same lexer as pss_fingerprint and pss_normalize and changes
 * neither; the differential test against PostgreSQL's own scanner
 * (test/scanner_diff) uses it.
 */
extern void pss_tokens(const char *query, size_t len, bool std_strings,
					   void (*cb) (void *arg, size_t start, size_t end,
								   int kind),
					   void *arg);

/*
 * pss_special_keyword
 *		For tests: the i-th keyword that a quoted name spelled like it is
 *		told apart from (see pss_special_keywords in fingerprint.c), or
 *		NULL past the last.
 */
extern const char *pss_special_keyword(size_t i);

/*
 * pss_steps
 *		In the unit tests' build only (PSS_COUNT_STEPS): the steps of work
 *		the lexer and scanner have done since it was last set to 0, a
 *		deterministic measure for the linear-time check.  The extension
 *		has no such variable.
 */
#ifdef PSS_COUNT_STEPS
extern uint64_t pss_steps;
#endif

#endif							/* PSS_FINGERPRINT_H */
