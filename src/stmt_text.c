/*-------------------------------------------------------------------------
 *
 * stmt_text.c
 *	  A statement's own text: EXPLAIN slicing, leading comments, the
 *	  fingerprint of a text in any encoding, the statement of a
 *	  multi-statement string that an error belongs to, and the normalized
 *	  text the store keeps, bounded.
 *
 * The inline functions of the per-statement path are in stmt_text.h; this
 * file holds what runs rarely: on a new entry, for an EXPLAIN, in a
 * database whose encoding is not UTF8, or when an error is reported.
 * Whatever can run in an error path allocates nothing and takes no lock.
 *
 * src/stmt_text.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>

#include "access/xact.h"
#include "catalog/namespace.h"
#include "utils/memutils.h"

#include "stmt_text.h"

/*
 * pss_with_leading_comments
 *		Extend a statement's text back over the comments just before it.
 *
 * From PostgreSQL 18 on, the parser starts a statement at its first token:
 * a comment in front of it (one naming the application, say) is left
 * outside its stmt_location, but monitoring tools look for such comments
 * in the stored text.  Walks back from text over white space, block
 * comments and "--" comments on lines of their own, and stops at anything
 * else: the ";" that ends the previous statement, a comment after it on
 * its line, or the start of the source.  Before 18 the text already starts with those
 * comments, and this changes nothing.
 *
 * Only for the text stored with a new entry, which is rare: fingerprints
 * ignore comments.  Allocates nothing (also runs in error paths).
 */
const char *
pss_with_leading_comments(const char *source, const char *text, int *text_len)
{
	const char *start = text;
	const char *p = text;

	while (p > source)
	{
		const char *line;
		const char *s;

		/* white space */
		while (p > source && (p[-1] == ' ' || p[-1] == '\t' ||
							  p[-1] == '\n' || p[-1] == '\r' ||
							  p[-1] == '\f' || p[-1] == '\v'))
			p--;
		if (p - source >= 2 && p[-2] == '*' && p[-1] == '/')
		{
			/* a block comment ends here: find where it starts (nested) */
			int			depth = 0;

			while (p - source >= 2)
			{
				if (p[-2] == '*' && p[-1] == '/')
					depth++, p -= 2;
				else if (p[-2] == '/' && p[-1] == '*')
				{
					p -= 2;
					if (--depth == 0)
						break;
				}
				else
					p--;
			}
			if (depth != 0)
				break;
			start = p;
			continue;
		}
		/* a line that holds nothing but a "--" comment */
		line = p;
		while (line > source && line[-1] != '\n')
			line--;
		s = line;
		while (s < p && (*s == ' ' || *s == '\t'))
			s++;
		if (p - s < 2 || s[0] != '-' || s[1] != '-')
			break;
		start = p = s;
	}
	*text_len += (int) (text - start);
	return start;
}

/*
 * skip_word
 *		If s starts with the keyword word (any letter case) as a whole
 *		word, return the position after it, else NULL.
 */
static const char *
skip_word(const char *s, const char *end, const char *word)
{
	size_t		n = strlen(word);

	if ((size_t) (end - s) < n || pg_strncasecmp(s, word, n) != 0)
		return NULL;
	if (s + n < end && (isalnum((unsigned char) s[n]) || s[n] == '_' ||
						s[n] == '$' || IS_HIGHBIT_SET(s[n])))
		return NULL;
	return s + n;
}

/*
 * is_ident_byte
 *		Whether c may continue a name, as in PostgreSQL's scanner.
 */
static inline bool
is_ident_byte(char c)
{
	return isalnum((unsigned char) c) || c == '_' || c == '$' ||
		IS_HIGHBIT_SET(c);
}

/*
 * skip_explain_options
 *		Given s at the "(" of an EXPLAIN option list, the position after the
 *		")" that closes it, or end.
 *
 * Brackets are counted outside comments, string constants ('...', E'...',
 * dollar quotes) and quoted names only, as the scanner reads them: an
 * option value or a comment holding a bracket must not end the list early
 * and leave part of it in the statement's text.  A string with backslash
 * escapes is an E'...' one, or any '...' when standard_conforming_strings
 * is off.
 */
static const char *
skip_explain_options(const char *s, const char *end)
{
	int			depth = 0;

	while ((s = pss_skip_space(s, end)) < end)
	{
		char		c = *s;

		if (c == '(')
		{
			depth++;
			s++;
		}
		else if (c == ')')
		{
			s++;
			if (--depth == 0)
				break;
		}
		else if (c == '\'' || c == '"')
		{
			bool		backslash = (c == '\'' && !pss_std_strings());

			for (s++; s < end; s++)
			{
				if (backslash && *s == '\\' && s + 1 < end)
					s++;
				else if (*s == c)
				{
					if (s + 1 < end && s[1] == c)
						s++;	/* a doubled quote stays inside */
					else
						break;
				}
			}
			if (s < end)
				s++;
		}
		else if (c == '$' && s + 1 < end && !isdigit((unsigned char) s[1]))
		{
			/* a dollar quote $tag$...$tag$, or a lone $ */
			const char *tag = s;
			size_t		taglen;

			for (s++; s < end && *s != '$' && is_ident_byte(*s); s++)
				;
			if (s >= end || *s != '$')
				continue;
			taglen = (size_t) (++s - tag);
			while (s + taglen <= end &&
				   (*s != '$' || memcmp(s, tag, taglen) != 0))
				s++;
			s = (s + taglen <= end) ? s + taglen : end;
		}
		else if (is_ident_byte(c))
		{
			const char *word = s;

			while (s < end && is_ident_byte(*s))
				s++;
			/* E'...' takes backslash escapes whatever the setting */
			if (s - word == 1 && (c | 0x20) == 'e' && s < end && *s == '\'')
			{
				for (s++; s < end; s++)
				{
					if (*s == '\\' && s + 1 < end)
						s++;
					else if (*s == '\'')
					{
						if (s + 1 < end && s[1] == '\'')
							s++;
						else
							break;
					}
				}
				if (s < end)
					s++;
			}
		}
		else
			s++;
	}
	return s;
}

/*
 * pss_explained_statement_slow
 *		pss_explained_statement for a text that may start with EXPLAIN: out of
 *		line, so that other statements do not pay for its set-up.  The
 *		statement's text ends before the semicolons and blanks at its end,
 *		which the text the parser gives (the whole EXPLAIN command, up to
 *		the end of the string) may hold.
 */
pg_noinline const char *
pss_explained_statement_slow(const char *text, int *text_len)
{
	const char *end = text + *text_len;
	const char *s;
	const char *next;

	s = pss_skip_space(text, end);
	if ((next = skip_word(s, end, "explain")) == NULL)
		return text;
	s = pss_skip_space(next, end);
	if (s < end && *s == '(')
		s = skip_explain_options(s, end);
	for (;;)
	{
		s = pss_skip_space(s, end);
		if ((next = skip_word(s, end, "analyze")) == NULL &&
			(next = skip_word(s, end, "analyse")) == NULL &&
			(next = skip_word(s, end, "verbose")) == NULL)
			break;
		s = next;
	}
	/* the statement ends before the EXPLAIN's semicolon, as at top level */
	while (end > s && (end[-1] == ';' || isspace((unsigned char) end[-1])))
		end--;
	*text_len = (int) (end - s);
	return s;
}

/*
 * pss_fingerprint_text
 *		The fingerprint of a statement's text, computed over its UTF-8 form,
 *		so that it is the same in databases of every encoding.
 *
 * Only a text with a byte above 0x7f, in a database whose encoding is
 * neither UTF8 nor SQL_ASCII (which says nothing about its bytes), is
 * converted: others cost nothing more.  The conversion function and a
 * buffer are looked up and sized only when prepare is true, during parse
 * analysis (in a transaction, where that may fail or allocate); with
 * prepare false, as in error paths, where nothing may be allocated, only
 * what was prepared before is used.  A text that cannot be converted then,
 * or at all, is hashed as its own bytes (the README says so).
 */
uint64
pss_fingerprint_text(const char *text, int len, bool prepare)
{
	static FmgrInfo *to_utf8 = NULL;
	static char *buf = NULL;
	static Size buflen = 0;
	int			encoding = GetDatabaseEncoding();
	char	   *out;
	Size		need;
	int			i;
	uint64		fp;

	if (encoding == PG_UTF8 || encoding == PG_SQL_ASCII)
		return pss_fingerprint(text, len, pss_std_strings());
	for (i = 0; i < len && !IS_HIGHBIT_SET(text[i]); i++)
		;
	if (i == len || len >= (int) ((MaxAllocSize - 1) / MAX_CONVERSION_GROWTH))
		return pss_fingerprint(text, len, pss_std_strings());

	need = (Size) len * MAX_CONVERSION_GROWTH + 1;
	if (prepare && to_utf8 == NULL && IsTransactionState())
	{
		Oid			proc = FindDefaultConversionProc(encoding, PG_UTF8);

		if (OidIsValid(proc))
		{
			FmgrInfo   *f = MemoryContextAlloc(TopMemoryContext,
											   sizeof(FmgrInfo));

			fmgr_info_cxt(proc, f, TopMemoryContext);
			to_utf8 = f;
		}
	}
	if (to_utf8 == NULL)
		return pss_fingerprint(text, len, pss_std_strings());

	/* a buffer kept for texts up to 64 kB; a bigger one only for a call */
	out = buf;
	if (need > buflen)
	{
		if (!prepare)
			return pss_fingerprint(text, len, pss_std_strings());
		if (need <= 65536)
		{
			out = MemoryContextAlloc(TopMemoryContext, 65536);
			if (buf != NULL)
				pfree(buf);
			buf = out;
			buflen = 65536;
		}
		else
			out = palloc(need);
	}

	/* noError: returns how many bytes it converted, raises nothing */
	if (DatumGetInt32(FunctionCall6(to_utf8,
									Int32GetDatum(encoding),
									Int32GetDatum(PG_UTF8),
									CStringGetDatum(text),
									CStringGetDatum(out),
									Int32GetDatum(len),
									BoolGetDatum(true))) == len)
		fp = pss_fingerprint(out, strlen(out), pss_std_strings());
	else
		fp = pss_fingerprint(text, len, pss_std_strings());
	if (out != buf)
		pfree(out);
	return fp;
}

/*
 * pss_statement_slice
 *		Find the statement's own text in its source, once.
 */
void
pss_statement_slice(PssStatement *st)
{
	if (st->text != NULL)
		return;
	st->text = pss_statement_text(st->source, st->location, st->len,
							  &st->text_len);
	if (st->optimizable)
		st->text = pss_explained_statement(st->text, &st->text_len);
}

/*
 * pss_statement_stored_text
 *		The text to store with a statement's entry: its own text with the
 *		comments before it (pss_with_leading_comments).  Idempotent.
 */
void
pss_statement_stored_text(PssStatement *st)
{
	pss_statement_slice(st);
	st->text = pss_with_leading_comments(st->source, st->text, &st->text_len);
}

/*
 * A search for one statement of a string that may hold several: the
 * first statement whose first token starts at or after min_start and
 * which ends (at its semicolon, or at the end of the string) at or after
 * min_end.  Filled by split_token.
 */
typedef struct PssSplit
{
	const char *source;			/* the string */
	size_t		min_start;
	size_t		min_end;
	size_t		begin;			/* of the statement being read */
	bool		has_token;		/* it has a token other than ';' */
	size_t		first;			/* where its first token starts */
	bool		found;
	size_t		found_begin;
	size_t		found_end;
} PssSplit;

/*
 * split_token
 *		pss_tokens callback of pss_find_statement: close a statement at each
 *		semicolon.
 */
static void
split_token(void *arg, size_t start, size_t end, int kind)
{
	PssSplit   *sp = (PssSplit *) arg;

	if (sp->found)
		return;
	if (kind == PSS_TOKEN_OTHER && end == start + 1 &&
		sp->source[start] == ';')
	{
		if (sp->has_token && sp->first >= sp->min_start &&
			start >= sp->min_end)
		{
			sp->found = true;
			sp->found_begin = sp->begin;
			sp->found_end = start;
		}
		sp->begin = end;
		sp->has_token = false;
		return;
	}
	if (!sp->has_token)
	{
		sp->has_token = true;
		sp->first = start;
	}
}

/*
 * pss_find_statement
 *		In source (len bytes), the statement that a PssSplit with these
 *		bounds finds: its location and length, or the whole string if none.
 *
 * Lexes the string with the fingerprint's lexer, so that semicolons in
 * literals, quoted names and comments do not split it.  Allocates nothing:
 * it runs while an error is being reported.
 */
void
pss_find_statement(const char *source, size_t len, size_t min_start,
			   size_t min_end, int *location, int *stmt_len)
{
	PssSplit	sp;

	memset(&sp, 0, sizeof(sp));
	sp.min_start = min_start;
	sp.min_end = min_end;
	sp.source = source;
	pss_tokens(source, len, pss_std_strings(), split_token, &sp);
	if (!sp.found && sp.has_token && sp.first >= min_start && len >= min_end)
	{
		sp.found = true;
		sp.found_begin = sp.begin;
		sp.found_end = len;
	}
	if (sp.found && sp.found_end > sp.found_begin)
	{
		*location = (int) sp.found_begin;
		*stmt_len = (int) (sp.found_end - sp.found_begin);
	}
	else
	{
		*location = 0;
		*stmt_len = 0;			/* the whole string */
	}
}

/*
 * pss_text_normalize
 *		The normalized form of a statement's text (as the store keeps it),
 *		palloc'd and NUL-terminated, in *norm_len bytes, never longer than
 *		limit bytes (limit < MaxAllocSize): a longer one is cut to its
 *		first limit bytes, at a character boundary, and *cut is set.  NULL
 *		if memory ran short and no_oom was asked.
 *
 * The statement comes from the client: its normalized text can be twenty
 * times as long as it is (every one-digit constant becoming a $n of many
 * digits), past MaxAllocSize and past what int holds.  So the work and the
 * memory are bounded by limit, not by the text (pss_normalize_prefix).
 *
 * std_strings is the standard_conforming_strings the text was written
 * with: where a string ends, and so what stays hidden, depends on it.
 */
char *
pss_text_normalize(const char *text, int text_len, bool std_strings,
					int limit, bool no_oom, int *norm_len, bool *cut)
{
	int			flags = no_oom ? MCXT_ALLOC_NO_OOM : 0;
	size_t		cap;
	size_t		need;
	char	   *norm;

	Assert(limit >= 0 && (Size) limit < MaxAllocSize);
	*cut = false;
	*norm_len = 0;

	/*
	 * One pass in the common case: a normalized text is seldom more than
	 * twice as long as the original.  Otherwise, a second pass with the
	 * exact size, or limit if it is longer.
	 */
	cap = Min((size_t) text_len * 2 + 64, (size_t) limit);
	norm = palloc_extended(cap + 1, flags);
	if (norm == NULL)
		return NULL;
	need = pss_normalize_prefix(text, text_len, std_strings, norm, cap);
	if (need > cap && cap < (size_t) limit)
	{
		pfree(norm);
		cap = Min(need, (size_t) limit);
		norm = palloc_extended(cap + 1, flags);
		if (norm == NULL)
			return NULL;
		need = pss_normalize_prefix(text, text_len, std_strings, norm, cap);
	}
	if (need > cap)
	{
		/* cut, and never in the middle of a character */
		*cut = true;
		norm[cap] = '\0';
		need = pg_mbcliplen(norm, (int) cap, (int) cap);
	}
	*norm_len = (int) need;
	norm[need] = '\0';
	return norm;
}
