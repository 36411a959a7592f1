/*-------------------------------------------------------------------------
 *
 * fingerprint.c
 *	  Statement fingerprints: a one-pass SQL lexer feeding a 64-bit hash
 *	  and, on request, the normalized statement text.
 *
 * Design.  Three layers, each one forward pass with O(1) state:
 *
 *	- the lexer (PssLexer) cuts the text into tokens following PostgreSQL's
 *	  lexical rules, skipping whitespace and comments.  It folds a unary
 *	  minus into the number that follows it, so "-1" is one constant;
 *	- the scanner (PssScan) hashes each token, and holds back the tokens of
 *	  a constant-only list (IN (...), ARRAY[...], further VALUES rows) that
 *	  may collapse.  Nothing is buffered: if the list turns out not to be
 *	  constant-only, its prefix is rehashed from two counters, so the hash
 *	  is the one a plain token-by-token pass would give;
 *	- the normalizer (PssNorm), used only by pss_normalize, copies the text
 *	  and replaces constants by $n.  For a pending list it writes
 *	  tentatively and rewinds its output position if the list collapses.
 *
 * Speed.  pss_fingerprint runs on every statement, so it has a fast path
 * (pss_scan_fast): the common tokens are lexed and scanned inline, with one
 * table lookup to pick the lexing rule from a token's first byte, and the
 * most common successions (a word then a name; "table"."column",
 * "column" AS "alias", "alias", "next" as ORMs write them; a blank after
 * a word, a comma or an operator) taken without going back to it; names
 * (most of a statement's bytes) are scanned sixteen bytes at a time with
 * SSE2 (pss_sse2_word: one step finds the end of most names and folds
 * their case) and eight bytes at a time elsewhere, and hashed eight bytes
 * per multiply, quoted ones in the same loop that finds their end; the
 * integers and commas of a long IN list are taken in a tight loop of their
 * own; a word's class (pss_word_class) is one multiply and one comparison
 * away, and a quoted name is cleared of being a special keyword by one
 * multiply and one byte (pss_special_maybe), from the chunks the hashing
 * loop has at hand; the tables behind both (fingerprint_tables.h) are
 * written from their word lists (fingerprint_words.h) by
 * src/gen_fingerprint_tables.py, and "make -C test/unit" checks that the
 * committed tables are what it writes.  Anything unusual takes the reference path
 * (pss_fast_fallback: pss_lex_next and pss_scan_token, the token-by-token
 * path of pss_scan, which pss_normalize uses and which hashes names one
 * byte at a time).  Both must give the same hash on every input: the unit
 * tests (built with SSE2, without it, and portable) and the fuzz harness
 * check it.  "make -C test/unit bench" counts the instructions: about 13
 * per byte on a point SELECT, 7 and 6 on its two ORM statements (see the
 * README).
 *
 * The hash.  Fingerprints are stored (in the shared table and the saved
 * file), so changing the hash changes every statement's identity; it was
 * changed once before 1.0, from one FNV-1a multiply per byte of a name to
 * one 128-bit multiply per eight bytes.  It must give the same value on
 * every platform: the eight-byte code and the one-byte code agree (the
 * PSS_PORTABLE build of the unit tests checks the pinned values).
 *
 * Where a token's meaning depends on its neighbours, the scanner decides,
 * with rules stated once as inline helpers that both paths call
 * (pss_value_word_role: NULL, TRUE and FALSE are constants where they are
 * values; pss_int_is_position; pss_hash_qident_any: a quoted special
 * keyword stays a name, pss_word_class; pss_open_bracket, pss_close_bracket,
 * pss_hash_list).  A string that stands where the code of a DO block or a
 * function goes is scanned as code, by a nested lexer over its contents
 * (pss_scan_body), on the reference path only.
 *
 * Strings.  Where a plain '...' string ends depends on the session's
 * standard_conforming_strings: with it off, a backslash escapes the next
 * byte, as in E'...'.  Every entry point takes the setting; the lexer
 * keeps it (PssLexer.escapes) and one inline rule, pss_string_escapes,
 * tells for each kind of string whether backslashes escape, for both
 * paths.  A string hashes as a constant whatever its spelling, so the
 * setting changes where tokens end, never the hash of given tokens.
 *
 * Glossary: a "constant" is a string, number or negative number literal, or
 * NULL, TRUE or FALSE as a value; a
 * "parameter" is $n, which hashes like a constant but is kept in the text;
 * a "name" is a word or a quoted identifier; a "chunk" is up to eight
 * bytes of a token taken as a little-endian 64-bit number; a "symbol" is
 * what one step of the hash absorbs: a token-kind tag (alone, or XOR-ed
 * with the bytes of an operator of up to seven bytes) or a chunk.  A name
 * is its tag followed by its chunks, the last one holding the zero to
 * seven bytes left over (see pss_hash_chunks), so the symbol stream is
 * uniquely decodable and token boundaries count ("ab c" differs from
 * "a bc").
 *
 * The code is pure C99 (with GCC builtins and a 128-bit multiply only
 * where the compiler has them, see above), includes no PostgreSQL header,
 * never allocates and has no mutable static state, so it is reentrant and links unchanged into
 * the server, the unit tests and the fuzz harness.  It never reads outside
 * [query, query + len); the text need not be NUL-terminated.
 *
 * Files, each rule in one of them:
 *
 *	- fingerprint.c (this file): the design, the entry points
 *	  pss_fingerprint, pss_skip_space and pss_tokens;
 *	- fingerprint_int.h: the lexical rules every path shares (portability
 *	  macros, character classes, the hash, the word lookups, the lexer), as
 *	  static functions each file inlines;
 *	- fingerprint_words.h: the word lists; fingerprint_tables.h: the tables
 *	  derived from them, written by gen_fingerprint_tables.py;
 *	- fingerprint_scan.h: the scanner's state and per-token steps, which
 *	  both paths inline; fingerprint_scan.c: the reference path (pss_scan)
 *	  and code bodies (pss_scan_body);
 *	- fingerprint_fast.c: the fast path (pss_scan_fast);
 *	- fingerprint_normalize.c: the normalized text (PssNorm's output,
 *	  pss_normalize, pss_normalize_prefix).
 *
 * src/fingerprint.c
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
 * pss_steps: the unit tests' count of the lexer's and scanner's work (see
 * PSS_STEPS in fingerprint_int.h); no such variable in any other build.
 */
#ifdef PSS_COUNT_STEPS
uint64_t	pss_steps = 0;
#endif

/*---- Entry points ----*/

/*
 * pss_fingerprint
 *		Fingerprint of query[0 .. len); see fingerprint.h.
 */
uint64_t
pss_fingerprint(const char *query, size_t len, bool std_strings)
{
	if (len == 0)
		query = "";
	return pss_scan_fast((const unsigned char *) query, len, std_strings);
}

/*
 * pss_skip_space
 *		End of the whitespace and comments at p; see fingerprint.h.
 */
const char *
pss_skip_space(const char *p, const char *end)
{
	return (const char *) pss_skip_blank((const unsigned char *) p,
										 (const unsigned char *) end);
}

/*---- Debug entry point ----*/

/*
 * pss_tokens
 *		Report every token of query[0 .. len) to cb; see fingerprint.h.
 *
 * Only the lexer runs: the scanner's list and ORDER BY handling do not
 * change where tokens start and end, nor what is a constant.
 */
void
pss_tokens(const char *query, size_t len, bool std_strings,
		   void (*cb) (void *arg, size_t start, size_t end, int kind),
		   void *arg)
{
	const unsigned char *text;
	PssLexer	lx;
	PssToken	t;

	if (len == 0)
		query = "";
	text = (const unsigned char *) query;
	pss_lex_init(&lx, text, len, std_strings);
	while (pss_lex_next(&lx, &t))
	{
		int			kind;

		switch (t.kind)
		{
			case TK_CONST:
			case TK_INT:
				kind = PSS_TOKEN_CONST;
				break;
			case TK_PARAM:
				kind = PSS_TOKEN_PARAM;
				break;
			case TK_WORD:
			case TK_QIDENT:
				kind = PSS_TOKEN_IDENT;
				break;
			case TK_OP:
				kind = PSS_TOKEN_OP;
				break;
			default:
				kind = PSS_TOKEN_OTHER;
				break;
		}
		cb(arg, (size_t) (t.start - text), (size_t) (t.end - text), kind);
	}
}

/*
 * pss_special_keyword
 *		The i-th of pss_special_keywords, or NULL; see fingerprint.h.
 */
const char *
pss_special_keyword(size_t i)
{
	if (i >= sizeof(pss_special_keywords) / sizeof(pss_special_keywords[0]))
		return NULL;
	return pss_special_keywords[i];
}
