/*-------------------------------------------------------------------------
 *
 * stmt_text.h
 *	  A statement's own text in its source string, and its key.
 *
 * The parser gives a statement as its source string (possibly holding
 * several statements, or an EXPLAIN around it) with a location and a
 * length.  These functions find the statement's own text in it, the
 * comments stored with it, and its key (fingerprint, user, database,
 * level).  The per-statement ones are inline here; the rare ones (EXPLAIN
 * slicing, leading comments, conversion to UTF-8, splitting a string at
 * its semicolons) are in stmt_text.c.  None keeps any state but the
 * conversion's cached function and buffer, and none that runs in an error
 * path allocates.
 *
 * src/stmt_text.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PSS_STMT_TEXT_H
#define PSS_STMT_TEXT_H

#include "mb/pg_wchar.h"
#include "miscadmin.h"

#include "compat.h"
#include "fingerprint.h"
#include "store.h"

/*
 * A statement about to be accounted: its key, and where its own text is.
 * The text is sliced out of the source only when needed (pss_statement_slice):
 * to fingerprint it when the core computes the query ids, or to create its
 * entry.
 */
typedef struct PssStatement
{
	PssKey		key;
	const char *source;
	int			location;
	int			len;
	bool		optimizable;
	const char *text;			/* NULL until sliced */
	int			text_len;
} PssStatement;

extern uint64 pss_fingerprint_text(const char *text, int len, bool prepare);
extern const char *pss_explained_statement_slow(const char *text,
												int *text_len);
extern const char *pss_with_leading_comments(const char *source,
											 const char *text, int *text_len);
extern void pss_statement_slice(PssStatement *st);
extern void pss_statement_stored_text(PssStatement *st);
extern char *pss_text_normalize(const char *text, int text_len,
								bool std_strings, int limit, bool no_oom,
								int *norm_len, bool *cut);
extern void pss_find_statement(const char *source, size_t len,
							   size_t min_start, size_t min_end,
							   int *location, int *stmt_len);

/*
 * pss_is_blank
 *		Is c white space: a space, or one of \t \n \v \f \r (9 to 13)?
 */
static inline bool
pss_is_blank(char c)
{
	return c == ' ' || (unsigned char) (c - '\t') <= '\r' - '\t';
}

/*
 * pss_statement_text
 *		The slice of source that holds one statement, without surrounding
 *		white space.
 *
 * location < 0 means the whole string; len <= 0 means up to its end (the
 * parser's conventions for a statement's location and length).
 */
static inline const char *
pss_statement_text(const char *source, int location, int len, int *text_len)
{
	const char *s = source;
	int			n;

	if (location > 0)
		s += location;
	n = (location >= 0 && len > 0) ? len : (int) strlen(s);

	while (n > 0 && pss_is_blank(s[0]))
		s++, n--;
	while (n > 0 && pss_is_blank(s[n - 1]))
		n--;
	*text_len = n;
	return s;
}

/*
 * pss_explained_statement
 *		For the statement inside an EXPLAIN, whose text the parser gives as
 *		the whole EXPLAIN command, the slice that holds the statement alone.
 *
 * Skips "EXPLAIN", an option list in parentheses and the ANALYZE and
 * VERBOSE keywords of the old syntax.  Leaves the text as it is if it does
 * not start with EXPLAIN.
 */
static inline const char *
pss_explained_statement(const char *text, int *text_len)
{
	/* the text is trimmed: it starts with EXPLAIN or with a comment */
	if (*text_len == 0 || ((text[0] | 0x20) != 'e' && text[0] != '/' &&
						   text[0] != '-'))
		return text;
	return pss_explained_statement_slow(text, text_len);
}

/*
 * pss_statement_fingerprint
 *		pss_fingerprint_text, with the common case inline: a database in
 *		UTF8 or SQL_ASCII, where the text is hashed as it is.
 */
static inline uint64
pss_statement_fingerprint(const char *text, int len, bool prepare)
{
	int			encoding = GetDatabaseEncoding();

	if (encoding == PG_UTF8 || encoding == PG_SQL_ASCII)
		return pss_fingerprint(text, len, pss_std_strings());
	return pss_fingerprint_text(text, len, prepare);
}

/*
 * pss_statement_key
 *		The key of a statement about to be accounted.
 *
 * queryId is the id the statement carries: our fingerprint when the core
 * computes none (we put it there), otherwise the core's, and then the
 * fingerprint is computed from the text here (as it is for 0: a failing
 * statement that never got an id).  optimizable is false for
 * utility statements: only an optimizable statement can be the one inside
 * an EXPLAIN, whose text starts with the EXPLAIN command.
 *
 * Allocates nothing and raises no error: it also runs in error paths.
 */
static pg_attribute_always_inline void
pss_statement_key(PssStatement *st, uint64 queryId, const char *source,
			  int location, int len, bool optimizable, bool toplevel)
{
	st->source = source;
	st->location = location;
	st->len = len;
	st->optimizable = optimizable;
	st->text = NULL;
	st->text_len = 0;

	memset(&st->key, 0, sizeof(PssKey));
	st->key.userid = GetUserId();
	st->key.dbid = MyDatabaseId;
	st->key.toplevel = toplevel;
	if (queryId == UINT64CONST(0) || IsQueryIdEnabled())
	{
		pss_statement_slice(st);
		st->key.queryid = pss_statement_fingerprint(st->text, st->text_len, false);
	}
	else
		st->key.queryid = queryId;
}

#endif							/* PSS_STMT_TEXT_H */
