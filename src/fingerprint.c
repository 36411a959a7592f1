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
 * Files.  The rules every path shares (the portability macros, the
 * character classes, the hash, the word lists' lookups and the lexer) are
 * static inline functions in fingerprint_int.h; the word lists are in
 * fingerprint_words.h, the tables derived from them in the generated
 * fingerprint_tables.h.
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
#include "fingerprint_int.h"

/*
 * pss_steps: the unit tests' count of the lexer's and scanner's work (see
 * PSS_STEPS in fingerprint_int.h); no such variable in any other build.
 */
#ifdef PSS_COUNT_STEPS
uint64_t	pss_steps = 0;
#endif

/*---- Normalizer ----*/

/* Output position, saved when a list starts and restored if it collapses */
typedef struct PssNormPos
{
	size_t		outlen;			/* bytes produced, written or not */
	size_t		copied;			/* source offset copied up to */
	uint64_t	nextk;			/* number of the next $n, see pss_norm_put_param */
	unsigned char last;			/* last byte produced */
	bool		after_param;	/* ... and it ended a $n we wrote */
} PssNormPos;

typedef struct PssNorm
{
	const unsigned char *src;	/* the statement text */
	char	   *out;			/* output buffer, outcap bytes */
	size_t		outcap;
	PssNormPos	cur;
	PssNormPos	saved;
	bool		no_hash;		/* the caller wants the text only */
	bool		prefix;			/* stop once outcap bytes are final */
	/* numbering, see pss_norm_note_param and pss_norm_put_param */
	bool		measuring;		/* first pass: note parameters only */
	uint64_t	maxparam;		/* highest $n seen, if it fits PSS_PARAM_EXACT */
	size_t		wide;			/* 0, or the digits of the widest $n seen */
} PssNorm;

/*
 * The numbers we give constants are exact while the statement's highest
 * $n is at most PSS_PARAM_EXACT: the next ones then stay far below
 * UINT64_MAX (a text has fewer than 2^63 constants).  Above it (never a
 * real parameter: PostgreSQL's are int32, and a larger $n is a syntax
 * error), the numbers are 10^K + i, K the digits of the widest $n, which
 * no $n of the text can equal.
 */
#define PSS_PARAM_EXACT		(UINT64_C(1) << 63)

/*
 * pss_norm_put
 *		Append bytes to the output, writing only what fits.
 */
static void
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
static void
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
static void
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
static PSS_NOINLINE void
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
static void
pss_norm_const(PssNorm *n, const PssToken *t)
{
	pss_norm_copy_to(n, t->start);
	pss_norm_put_param(n);
	n->cur.copied = (size_t) (t->end - n->src);
}

/*---- Scanner: hashing, list collapsing, ORDER BY positions ----*/

typedef enum PssListKind
{
	LIST_NONE,					/* no list pending */
	LIST_IN,					/* IN ( ... ) */
	LIST_ARRAY,					/* ARRAY[ ... ] */
	LIST_ROW,					/* , ( ... ) after the first VALUES row */
	LIST_NAME					/* no list: a utility statement's name may
								 * come, see pss_name_step; list_opened is
								 * false, so that pss_list_step (for the
								 * fast path) takes no token but a '(',
								 * which the fast path never offers it, and
								 * pss_list_abandon hashes nothing */
} PssListKind;

/*
 * Where a utility statement's generated name may come (s->list is then
 * LIST_NAME), see pss_name_step.
 */
typedef enum PssNameMode
{
	NM_START,					/* just after the first word, name_word */
	NM_NAME,					/* the next name is it */
	NM_SAVEPOINT,				/* SAVEPOINT may come first (RELEASE, TO) */
	NM_ROLLBACK,				/* ROLLBACK [WORK|TRANSACTION] TO ... */
	NM_FETCH,					/* FETCH|MOVE [direction] [FROM|IN] name */
	NM_PREPARE,					/* PREPARE name, not PREPARE TRANSACTION */
	NM_DEALLOCATE,				/* DEALLOCATE [PREPARE] name|ALL */
	NM_CLOSE,					/* CLOSE name|ALL */
	NM_SET,						/* SET ... = or TO: the value follows */
	NM_SETVAL					/* SET ... =: ON or OFF is a constant */
} PssNameMode;

typedef enum PssValuesState
{
	V_NONE,						/* not in a VALUES list */
	V_OPEN,						/* just after VALUES */
	V_FIRST,					/* inside the first row */
	V_BETWEEN,					/* just after a row's ')' */
	V_COMMA,					/* after the ',' that follows a row */
	V_ROW						/* inside a later row */
} PssValuesState;

typedef enum PssPrev
{
	PW_NONE,					/* any token not listed below */
	PW_COMMA,					/* ',' */
	PW_IN,						/* IN */
	PW_ARRAY,					/* ARRAY */
	PW_BY,						/* BY */
	PW_TYPE,					/* a type name that takes modifiers */
	PW_IS,						/* IS */
	PW_ISNOT,					/* IS NOT */
	PW_NOT,						/* NOT, not after IS */
	PW_LANG,					/* LANGUAGE, in DO */
	PW_START,					/* nothing: a statement starts */
	PW_BODYEND,					/* a code body */
	/* a string after one of these is a code body (PW_IS_BODY_START) */
	PW_DO,						/* DO */
	PW_AS,						/* AS, in CREATE FUNCTION|PROCEDURE */
	PW_LANGNAME,				/* DO LANGUAGE name */
	PW_BODYCOMMA				/* ',' after a code body */
} PssPrev;

#define PW_IS_BODY_START(prev)	((prev) >= PW_DO)

/* What kind of statement the scanner is in, as far as it matters */
typedef enum PssStmt
{
	STMT_OTHER,					/* none of the below */
	STMT_ALTER,					/* ALTER ...: NULL may be a constraint */
	STMT_CREATE,				/* CREATE ...: the same */
	STMT_FUNCTION,				/* CREATE ... FUNCTION|PROCEDURE */
	STMT_DO						/* DO */
} PssStmt;

typedef struct PssScan
{
	/* pss_scan_init sets these; every other field is set before it is read */
	uint64_t	hash;			/* running hash */
	int64_t		depth;			/* nesting of ( ) and [ ] */
	PssPrev		prev;			/* previous token, if one that matters */
	PssStmt		stmt;			/* kind of the current statement */
	PssListKind list;			/* pending constant-only list, see below */
	PssValuesState vstate;		/* VALUES rows, see below */
	bool		in_body;		/* scanning a code body */
	bool		in_by;			/* in an ORDER BY / GROUP BY list */
	bool		in_typmod;		/* in type modifiers */
	PssNorm    *norm;			/* NULL when only hashing */
	bool		hashing;		/* names and symbols are hashed */

	/* ORDER BY / GROUP BY list, where integers are positions (in_by) */
	int64_t		by_depth;

	/* type modifiers, as in numeric(10,2): integers are part of the type */
	int64_t		typmod_depth;

	/* pending constant-only list: counters only, no tokens kept */
	bool		list_opened;	/* its '(' or '[' was seen */
	bool		list_want_elem; /* next must be an element */
	bool		list_all_params;	/* every element so far was $n */
	size_t		list_n;			/* elements so far */
	const unsigned char *list_open_end; /* just after its '(' or '[' */
	const unsigned char *list_param;	/* first element, if $n */
	const unsigned char *list_param_end;

	/* VALUES rows */
	int64_t		vdepth;			/* depth outside the rows */
	size_t		vcommas;		/* top-level commas of the first row */
	bool		vany;			/* first row is not empty */
	size_t		vwidth;			/* elements of the first row */
	const unsigned char *vprev_end; /* just after the last row's ')' */
	bool		vmarked;		/* PSS_LIST_MARK written for this list */

	/* utility statement's name (list == LIST_NAME) */
	PssNameMode name_mode;
	const unsigned char *name_word; /* the statement's first word */
} PssScan;

/*
 * pss_hash_sym1
 *		Hash a one-byte operator or punctuation token.
 */
static inline void
pss_hash_sym1(PssScan *s, unsigned char c)
{
	s->hash = pss_mix(s->hash, PSS_SYM1(c));
}

/*
 * pss_scan_init
 *		Start a scan (of a statement, or of a code body inside one).
 *
 * Only the fields that are read before they are set are set here, rather
 * than the whole structure cleared: this runs for every statement.
 */
static inline void
pss_scan_init(PssScan *s, PssNorm *norm)
{
	s->hash = PSS_HASH_BASIS;
	s->depth = 0;
	s->prev = PW_START;
	s->stmt = STMT_OTHER;
	s->list = LIST_NONE;
	s->vstate = V_NONE;
	s->in_body = false;
	s->in_by = false;
	s->in_typmod = false;
	s->norm = norm;
	s->hashing = (norm == NULL || !norm->no_hash);
}

/*
 * pss_hash_list
 *		Hash a collapsed IN or ARRAY list: its opening bracket, the LIST
 *		tag and its closing bracket.
 */
static inline uint64_t
pss_hash_list(uint64_t h, unsigned char open, unsigned char close)
{
	h = pss_mix(h, PSS_SYM1(open));
	h = pss_mix(h, PSS_TAG_LIST);
	return pss_mix(h, PSS_SYM1(close));
}

/*
 * pss_int_is_position
 *		Is an integer here part of the statement rather than a constant?
 *
 * ORDER BY 1 and GROUP BY 1, 2 name columns by position; varchar(20) and
 * numeric(10,2) are types.
 */
static inline bool
pss_int_is_position(const PssScan *s)
{
	return s->prev == PW_BY ||
		(s->prev == PW_COMMA && s->in_by && s->depth == s->by_depth) ||
		(s->in_typmod && s->depth == s->typmod_depth);
}

/*
 * pss_open_bracket
 *		Follow an opening ( or [: nesting, and type modifiers after a type
 *		name that takes them.
 */
static inline void
pss_open_bracket(PssScan *s, unsigned char c)
{
	s->depth++;
	if (c == '(' && s->prev == PW_TYPE)
	{
		s->in_typmod = true;
		s->typmod_depth = s->depth;
	}
}

/*
 * pss_close_bracket
 *		Follow a closing ) or ]: a BY list or type modifiers opened deeper
 *		end with it.
 */
static inline void
pss_close_bracket(PssScan *s)
{
	s->depth--;
	if (s->in_by && s->depth < s->by_depth)
		s->in_by = false;
	if (s->in_typmod && s->depth < s->typmod_depth)
		s->in_typmod = false;
}

/*
 * pss_qident_keyword
 *		The hash after a quoted identifier whose text between the quotes
 *		is p[0 .. n): as_word (the hash as the word with the same bytes,
 *		from before), unless it is spelled like a special keyword (see
 *		pss_special_keywords).
 *
 * Out of line: the fast path calls it only for the few names that
 * pss_special_maybe lets through.
 */
static PSS_NOINLINE uint64_t
pss_qident_keyword(uint64_t before, uint64_t as_word, const unsigned char *p,
				   size_t n)
{
	if (pss_is_special_keyword(p, n))
		return pss_hash_quoted_keyword(before, p, n);
	return as_word;
}

/*
 * pss_hash_qident_any
 *		Absorb a quoted identifier whose text between the quotes is
 *		p[0 .. n), by the rule of pss_qident_keyword.
 */
static inline uint64_t
pss_hash_qident_any(uint64_t h, const unsigned char *p, size_t n)
{
	return pss_qident_keyword(h, pss_hash_qident(h, p, n), p, n);
}

/* What NULL, TRUE or FALSE is at some place, see pss_value_word_role */
typedef enum PssValueRole
{
	VR_CONST,					/* a value: a constant */
	VR_KEYWORD,					/* part of the syntax */
	VR_ASK						/* a keyword if the token before it ends an
								 * operand */
} PssValueRole;

/*
 * pss_value_word_role
 *		Is the word w (NULL, TRUE or FALSE) a value here, that is, a
 *		constant, as the server's parser makes it?
 *
 * They are keywords after IS and IS NOT (x IS NULL and x IS NOT NULL stay
 * different statements, as in pg_stat_statements), and NULL is one after
 * NOT (NOT NULL).  In CREATE and ALTER statements NULL is also the column
 * constraint, which follows a type name, a type's modifiers or another
 * constraint, that is, whatever ends an operand: the caller tells that
 * from the token before (VR_ASK).  Comments between IS and NULL do not
 * matter: they are no tokens.
 */
static inline PssValueRole
pss_value_word_role(const PssScan *s, const unsigned char *w)
{
	if (s->prev == PW_IS || s->prev == PW_ISNOT)
		return VR_KEYWORD;
	if ((w[0] | 0x20) != 'n')
		return VR_CONST;
	if (s->prev == PW_NOT)
		return VR_KEYWORD;
	if (s->stmt == STMT_CREATE || s->stmt == STMT_ALTER ||
		s->stmt == STMT_FUNCTION)
		return VR_ASK;
	return VR_CONST;
}

/*
 * pss_list_begin
 *		Hold back the tokens of a list that may collapse.
 */
static void
pss_list_begin(PssScan *s, PssListKind kind, const PssToken *t)
{
	s->list = kind;
	s->list_opened = (kind != LIST_ROW);
	s->list_want_elem = true;
	s->list_all_params = true;
	s->list_n = 0;
	s->list_open_end = t->end;
	s->list_param = NULL;
	s->list_param_end = NULL;
	if (s->norm)
		s->norm->saved = s->norm->cur;
}

/*
 * pss_list_abandon
 *		The pending list is not constant-only: hash what was held back.
 *
 * The held-back tokens are fully described by the counters (an optional
 * ',' for a VALUES row, the opening bracket, then list_n constants with
 * commas between, and one more comma if an element was expected), so they
 * are rehashed exactly as a plain pass would have.  The normalizer has
 * already written them.
 */
static void
pss_list_abandon(PssScan *s)
{
	size_t		i;

	if (s->list == LIST_ROW)
		pss_hash_sym1(s, ',');
	if (s->list_opened)
	{
		pss_hash_sym1(s, s->list == LIST_ARRAY ? '[' : '(');
		for (i = 0; i < s->list_n; i++)
		{
			PSS_STEPS(1);
			s->hash = pss_mix(s->hash, PSS_TAG_CONST);
			if (i + 1 < s->list_n || s->list_want_elem)
				pss_hash_sym1(s, ',');
		}
	}
	s->list = LIST_NONE;
}

/*
 * pss_list_collapse
 *		The pending list ends here, constant-only: hash and write it once.
 *
 * IN and ARRAY lists hash as bracket, LIST tag, bracket; a VALUES row
 * hashes as nothing, its comma included.  The normalizer rewinds to where
 * the list started and writes its short form.
 */
static void
pss_list_collapse(PssScan *s, const PssToken *close)
{
	PssNorm    *n = s->norm;

	if (s->list == LIST_ROW)
	{
		if (n)
		{
			n->cur = n->saved;
			pss_norm_copy_to(n, s->vprev_end);
			if (!s->vmarked)
				pss_norm_put(n, PSS_LIST_MARK, sizeof(PSS_LIST_MARK) - 1);
			n->cur.copied = (size_t) (close->end - n->src);
		}
		s->vmarked = true;
	}
	else
	{
		s->hash = pss_hash_list(s->hash, s->list == LIST_ARRAY ? '[' : '(',
								*close->start);
		if (n)
		{
			n->cur = n->saved;
			pss_norm_copy_to(n, s->list_open_end);
			if (s->list_all_params)
				pss_norm_put(n, s->list_param,
							 (size_t) (s->list_param_end - s->list_param));
			else
				pss_norm_put_param(n);
			pss_norm_put(n, PSS_LIST_MARK, sizeof(PSS_LIST_MARK) - 1);
			n->cur.copied = (size_t) (close->start - n->src);
		}
	}
	s->list = LIST_NONE;
}

/*
 * pss_list_step
 *		Offer a token to the pending list; false if it does not fit, in
 *		which case the caller abandons the list and hashes the token.
 */
static bool
pss_list_step(PssScan *s, const PssToken *t)
{
	unsigned char c = (t->kind == TK_PUNCT) ? *t->start : 0;

	if (!s->list_opened)
	{
		/* a VALUES row after its comma: must open */
		if (c != '(')
			return false;
		s->list_opened = true;
		return true;
	}
	if (s->list_want_elem)
	{
		if (t->kind == TK_PARAM)
		{
			if (s->norm != NULL && s->norm->measuring)
				pss_norm_note_param(s->norm, t);
			if (s->list_n == 0)
			{
				s->list_param = t->start;
				s->list_param_end = t->end;
			}
		}
		else if (t->kind == TK_CONST || t->kind == TK_INT)
		{
			s->list_all_params = false;
			if (s->norm)
				pss_norm_const(s->norm, t);
		}
		else
			return false;
		s->list_n++;
		s->list_want_elem = false;
		return true;
	}
	if (c == ',')
	{
		s->list_want_elem = true;
		return true;
	}
	if (c == (s->list == LIST_ARRAY ? ']' : ')') &&
		(s->list != LIST_ROW || s->list_n == s->vwidth))
	{
		pss_list_collapse(s, t);
		return true;
	}
	return false;
}

/*
 * pss_emit
 *		Hash a token that no pending list took, starting a list if the
 *		token opens one.
 */
static PSS_ALWAYS_INLINE void
pss_emit(PssScan *s, const PssToken *t)
{
	unsigned char c;

	switch (t->kind)
	{
		case TK_WORD:
			if (s->hashing)
				s->hash = pss_hash_word(s->hash, t->start,
										(size_t) (t->end - t->start));
			break;
		case TK_QIDENT:
			if (s->hashing)
				s->hash = pss_hash_qident_any(s->hash, t->cstart,
											  (size_t) (t->cend - t->cstart));
			break;
		case TK_INT:
			if (pss_int_is_position(s))
			{
				/*
				 * ORDER BY 1: a column position, not a value; varchar(20):
				 * part of the type.
				 */
				s->hash = pss_hash_chunks(pss_mix(s->hash, PSS_TAG_POS),
										  t->start,
										  (size_t) (t->end - t->start));
				break;
			}
			s->hash = pss_mix(s->hash, PSS_TAG_CONST);
			if (s->norm)
				pss_norm_const(s->norm, t);
			break;
		case TK_CONST:
			s->hash = pss_mix(s->hash, PSS_TAG_CONST);
			if (s->norm)
				pss_norm_const(s->norm, t);
			break;
		case TK_PARAM:
			s->hash = pss_mix(s->hash, PSS_TAG_CONST);
			if (PSS_UNLIKELY(s->norm != NULL) && s->norm->measuring)
				pss_norm_note_param(s->norm, t);
			break;
		case TK_PUNCT:
			c = *t->start;
			if (c == ';')
				break;
			if (c == '(' && s->prev == PW_IN)
				pss_list_begin(s, LIST_IN, t);
			else if (c == '[' && s->prev == PW_ARRAY)
				pss_list_begin(s, LIST_ARRAY, t);
			else if (c == ',' && s->vstate == V_BETWEEN &&
					 s->depth == s->vdepth && s->vwidth > 0)
				pss_list_begin(s, LIST_ROW, t);
			else if (s->hashing)
				s->hash = pss_hash_sym(s->hash, t->start,
									   (size_t) (t->end - t->start));
			break;
		default:
			if (s->hashing)
				s->hash = pss_hash_sym(s->hash, t->start,
									   (size_t) (t->end - t->start));
			break;
	}
}

/*
 * pss_track_values_step
 *		Follow the rows of a VALUES list: the first row's width, and where
 *		each row ends.  c is the token's byte if it is punctuation (else 0),
 *		tend where the token ends, and before the nesting depth before the
 *		token.
 *
 * A row ends at the bracket that brings the depth back to where it
 * opened.  If that is a "]" (unbalanced text, never valid SQL), the
 * VALUES list ends there: otherwise the first row would go on, and the
 * commas of an IN or ARRAY list that follows at its depth would count as
 * its own, which they no longer are once that list is collapsed in the
 * normalized text (whose fingerprint must not change).
 */
static PSS_NOINLINE void
pss_track_values_step(PssScan *s, const unsigned char *tend, unsigned char c,
					  int64_t before)
{
	switch (s->vstate)
	{
		case V_NONE:
			break;
		case V_OPEN:
			if (c == '(')
			{
				s->vstate = V_FIRST;
				s->vdepth = before;
				s->vcommas = 0;
				s->vany = false;
			}
			else
				s->vstate = V_NONE;
			break;
		case V_FIRST:
			if (s->depth == s->vdepth)
			{
				/* only a closing bracket brings the depth back there */
				if (PSS_LIKELY(c == ')'))
				{
					s->vstate = V_BETWEEN;
					s->vwidth = s->vany ? s->vcommas + 1 : 0;
					s->vprev_end = tend;
				}
				else
					s->vstate = V_NONE;
			}
			else if (before == s->vdepth + 1)
			{
				if (c == ',')
					s->vcommas++;
				else
					s->vany = true;
			}
			break;
		case V_BETWEEN:
			s->vstate = (c == ',' && before == s->vdepth) ? V_COMMA : V_NONE;
			break;
		case V_COMMA:
			s->vstate = (c == '(') ? V_ROW : V_NONE;
			break;
		case V_ROW:
			/* only the bracket that ends it, see pss_track_values */
			if (PSS_LIKELY(c == ')'))
			{
				s->vstate = V_BETWEEN;
				s->vprev_end = tend;
			}
			else
				s->vstate = V_NONE;
			break;
	}
}

/*
 * pss_track_values
 *		pss_track_values_step for every token while a VALUES list may be
 *		going on, inlined for the tokens inside a row after the first
 *		(most of a long VALUES list), which change nothing: in such a row,
 *		only the bracket that brings the depth back to where the row
 *		opened counts.
 */
static PSS_ALWAYS_INLINE void
pss_track_values(PssScan *s, const unsigned char *tend, unsigned char c,
				 int64_t before)
{
	if (s->vstate == V_ROW && s->depth != s->vdepth)
		return;
	pss_track_values_step(s, tend, c, before);
}

/*
 * pss_word_in
 *		Is the word w[0 .. len) one of the lower-case keywords of the
 *		NULL-terminated list kws?
 */
static bool
pss_word_in(const unsigned char *w, size_t len, const char *const *kws)
{
	for (; *kws != NULL; kws++)
	{
		if (pss_word_is(w, len, *kws))
			return true;
	}
	return false;
}

/*
 * pss_name_start
 *		The first word of the statement, s->name_word, is one of class
 *		WC_UTIL or WC_FETCH (see pss_word_classes), outside a code body;
 *		next is the token after it.  Which of these statements is it, and
 *		where may its name come (s->name_mode)?
 *
 * Applications generate the names of savepoints, cursors and prepared
 * statements (one per transaction depth, per cursor, per connection), so
 * such a name is a constant to the fingerprint: each statement shape is
 * one entry whatever its name; and SET's value ON or OFF is a constant as
 * TRUE is.  pss_track_word only notes the word (s->list is LIST_NAME,
 * which sends every token to the reference path until the name is found)
 * and this works out the rest, on the reference path, out of line.  In a
 * code body (PL/pgSQL) FETCH, CLOSE, EXECUTE and DECLARE mean something
 * else, and are left alone.
 */
static PSS_NOINLINE void
pss_name_start(PssScan *s, const unsigned char *next)
{
	const unsigned char *w = s->name_word;
	size_t		len = 0;

	/* the word ends before the next token */
	while (w + len < next && IS_CLASS(w[len], CC_IDCONT))
		len++;
	PSS_STEPS(len);
	switch ((w[0] | 0x20) + 256 * len)
	{
		case 's' + 256 * 9:		/* SAVEPOINT */
		case 'd' + 256 * 7:		/* DECLARE */
		case 'e' + 256 * 7:		/* EXECUTE */
			s->name_mode = NM_NAME;
			break;
		case 'r' + 256 * 7:		/* RELEASE */
			s->name_mode = NM_SAVEPOINT;
			break;
		case 'r' + 256 * 8:		/* ROLLBACK */
			s->name_mode = NM_ROLLBACK;
			break;
		case 'f' + 256 * 5:		/* FETCH */
		case 'm' + 256 * 4:		/* MOVE */
			s->name_mode = NM_FETCH;
			break;
		case 'p' + 256 * 7:		/* PREPARE */
			s->name_mode = NM_PREPARE;
			break;
		case 'd' + 256 * 10:	/* DEALLOCATE */
			s->name_mode = NM_DEALLOCATE;
			break;
		case 'c' + 256 * 5:		/* CLOSE */
			s->name_mode = NM_CLOSE;
			break;
		case 's' + 256 * 3:		/* SET */
			s->name_mode = NM_SET;
			break;
		default:
			/* not reached: the words of the two classes are these */
			s->list = LIST_NONE;
			break;
	}
}

/*
 * pss_name_step
 *		While a utility statement's name may come (s->list is LIST_NAME,
 *		see pss_name_start): is the token t that name (or SET's value ON
 *		or OFF), which the caller then takes as a constant?  Follows the
 *		statement's grammar up to the name, and stops looking at it, or
 *		at the first token that cannot come before it.
 *
 * The words that may come before the name are keywords there; an
 * unquoted name spelled like one of them (a cursor named "next") stays
 * a name in the fingerprint, as before.  A quoted name is always a name.
 */
static PSS_NOINLINE bool
pss_name_step(PssScan *s, const PssToken *t)
{
	static const char *const fetch_words[] = {
		"next", "prior", "first", "last", "absolute", "relative", "all",
		"forward", "backward", "from", "in", NULL
	};
	const unsigned char *w = t->start;
	size_t		len = (size_t) (t->end - t->start);
	bool		word = (t->kind == TK_WORD);

	PSS_STEPS(1);
	if (s->name_mode == NM_START)
	{
		pss_name_start(s, t->start);
		if (s->list != LIST_NAME)
			return false;
	}
	switch (s->name_mode)
	{
		case NM_START:
			break;				/* not reached */
		case NM_SET:
			/* SET [LOCAL|SESSION] name[.name] = | TO value */
			if ((t->kind == TK_OP && len == 1 && *w == '=') ||
				(word && pss_word_is(w, len, "to")))
				s->name_mode = NM_SETVAL;
			else if (t->kind == TK_PUNCT && *w == ';')
				s->list = LIST_NONE;
			return false;
		case NM_SETVAL:
			s->list = LIST_NONE;
			return word && (pss_word_is(w, len, "on") ||
							pss_word_is(w, len, "off"));
		case NM_ROLLBACK:
			if (word && (pss_word_is(w, len, "work") ||
						 pss_word_is(w, len, "transaction")))
				return false;
			if (word && pss_word_is(w, len, "to"))
				s->name_mode = NM_SAVEPOINT;
			else
				s->list = LIST_NONE;
			return false;
		case NM_SAVEPOINT:
			if (word && pss_word_is(w, len, "savepoint"))
			{
				s->name_mode = NM_NAME;
				return false;
			}
			break;
		case NM_FETCH:
			if ((word && pss_word_in(w, len, fetch_words)) ||
				t->kind == TK_INT || t->kind == TK_CONST ||
				(t->kind == TK_OP && len == 1 && (*w == '+' || *w == '-')))
				return false;
			break;
		case NM_PREPARE:
			if (word && pss_word_is(w, len, "transaction"))
			{
				s->list = LIST_NONE;
				return false;
			}
			break;
		case NM_DEALLOCATE:
			if (word && pss_word_is(w, len, "prepare"))
			{
				s->name_mode = NM_CLOSE;
				return false;
			}
			PSS_FALLTHROUGH;
		case NM_CLOSE:
			if (word && pss_word_is(w, len, "all"))
			{
				s->list = LIST_NONE;
				return false;
			}
			break;
		case NM_NAME:
			break;
	}
	s->list = LIST_NONE;
	return word || t->kind == TK_QIDENT;
}

/*
 * pss_track_word
 *		Update the structural state after a word of the given class that
 *		is not a constant; oldprev is what s->prev was before the word.
 *
 * The caller has already followed the VALUES rows.
 */
static PSS_ALWAYS_INLINE void
pss_track_word(PssScan *s, PssWordClass wc, PssPrev oldprev)
{
	s->prev = PW_NONE;
	/* most words are nothing special, and follow nothing special */
	if (PSS_LIKELY(wc == WC_OTHER) && PSS_LIKELY(oldprev != PW_LANG))
		return;
	if (PSS_UNLIKELY(oldprev == PW_LANG))
	{
		/* DO LANGUAGE plpgsql: the code may follow */
		s->prev = PW_LANGNAME;
		return;
	}
	/* AS, the most frequent of these words (column aliases), first */
	if (wc == WC_AS)
	{
		if (s->stmt == STMT_FUNCTION && s->depth == 0)
			s->prev = PW_AS;
		return;
	}
	switch (wc)
	{
		case WC_OTHER:
		case WC_VALUE:
			break;
		case WC_IN:
			s->prev = PW_IN;
			break;
		case WC_BY:
			s->prev = PW_BY;
			s->in_by = true;
			s->by_depth = s->depth;
			break;
		case WC_ARRAY:
			s->prev = PW_ARRAY;
			break;
		case WC_TYPE:
			s->prev = PW_TYPE;
			break;
		case WC_VALUES:
			s->vstate = V_OPEN;
			s->vmarked = false;
			break;
		case WC_BYEND:
			if (s->in_by && s->depth == s->by_depth)
				s->in_by = false;
			break;
		case WC_IS:
			s->prev = PW_IS;
			break;
		case WC_NOT:
			s->prev = (oldprev == PW_IS) ? PW_ISNOT : PW_NOT;
			break;
		case WC_CREATE:
			if (s->stmt == STMT_OTHER)
				s->stmt = STMT_CREATE;
			break;
		case WC_ALTER:
			if (s->stmt == STMT_OTHER)
				s->stmt = STMT_ALTER;
			break;
		case WC_FUNCTION:
			if (s->stmt == STMT_CREATE && !s->in_body)
				s->stmt = STMT_FUNCTION;
			break;
		case WC_DO:
			if (!s->in_body)
			{
				s->prev = PW_DO;
				if (s->stmt == STMT_OTHER)
					s->stmt = STMT_DO;
			}
			break;
		case WC_AS:
			/* above */
			break;
		case WC_LANGUAGE:
			if (s->stmt == STMT_DO)
				s->prev = PW_LANG;
			break;
		case WC_FETCH:
			if (s->in_by && s->depth == s->by_depth)
				s->in_by = false;	/* as WC_BYEND */
			break;
		case WC_UTIL:
			/* where it starts a statement, see pss_track */
			break;
	}
}

/*
 * pss_track
 *		Update the structural state with every token: nesting depth, the
 *		extent of BY lists and VALUES rows, and the previous token.  wc is
 *		the word's class if the token is a word, else WC_OTHER.
 */
static PSS_ALWAYS_INLINE void
pss_track(PssScan *s, const PssToken *t, PssWordClass wc)
{
	unsigned char c = 0;
	int64_t		before = s->depth;
	PssPrev		oldprev = s->prev;

	if (t->kind == TK_PUNCT)
	{
		c = *t->start;
		if (c == '(' || c == '[')
			pss_open_bracket(s, c);
		else if (c == ')' || c == ']')
			pss_close_bracket(s);
		else if (c == ';')
		{
			s->in_by = false;
			s->stmt = STMT_OTHER;
		}
	}

	if (PSS_UNLIKELY(s->vstate != V_NONE))
		pss_track_values(s, t->end, c, before);

	if (t->kind == TK_WORD)
	{
		pss_track_word(s, wc, oldprev);
		if (PSS_UNLIKELY(wc >= WC_UTIL) && oldprev == PW_START &&
			!s->in_body)
		{
			/*
			 * The statement's name may come: pss_name_start works out
			 * where, with the next token.  The fast path leaves such a
			 * word to this path.
			 */
			s->list = LIST_NAME;
			s->list_opened = false;
			s->name_mode = NM_START;
			s->name_word = t->start;
		}
	}
	else if (c == ',')
		s->prev = (oldprev == PW_BODYEND) ? PW_BODYCOMMA : PW_COMMA;
	else if (c == ';')
		s->prev = PW_START;
	else
		s->prev = PW_NONE;
}

/*
 * pss_body_extent
 *		Where the code of a string that holds a code body lies, [*cstart,
 *		*cend), and whether its quotes are doubled (*dq).
 *
 * Only plain strings and dollar-quoted ones are lexed as code.  For any
 * other (E'', U&'', or a string continued on a further line, which are
 * never written for code in practice) this returns false, and the string
 * stays one constant, so that nothing in it ever shows.  A body in single
 * quotes must have its quotes in pairs, or it is one constant too; and so
 * is one that holds a backslash when the lexer's strings take backslash
 * escapes (standard_conforming_strings off): its code is not its text
 * then, as in E''.  escapes is the lexer's setting.
 */
static bool
pss_body_extent(const PssToken *t, bool escapes,
				const unsigned char **cstart, const unsigned char **cend,
				bool *dq)
{
	const unsigned char *p = t->start;
	const unsigned char *end = t->end;
	const unsigned char *q = p + 1;

	if (*p == '\'')
	{
		if (escapes && memchr(q, '\\', (size_t) (end - q)) != NULL)
			return false;
		while (q < end)
		{
			PSS_STEPS(1);
			q = memchr(q, '\'', (size_t) (end - q));
			if (q == NULL)
				q = end;
			else if (q + 1 < end && q[1] == '\'')
			{
				q += 2;
				continue;
			}
			else if (q + 1 != end)
				return false;	/* a continued string */
			break;
		}
		*cstart = p + 1;
		*cend = q;
		*dq = true;
		return true;
	}
	if (*p == '$')
	{
		size_t		taglen;

		while (q < end && *q != '$')
			q++;
		if (q >= end)
			return false;
		taglen = (size_t) (q - p - 1);
		*cstart = q + 1;
		*cend = end;
		/* the closing $tag$, unless the body is unterminated */
		if ((size_t) (end - *cstart) >= taglen + 2 && end[-1] == '$' &&
			end[-(ptrdiff_t) taglen - 2] == '$' &&
			memcmp(end - taglen - 1, p + 1, taglen) == 0)
			*cend = end - taglen - 2;
		*dq = false;
		return true;
	}
	return false;
}

static bool pss_slow_token(PssLexer *lx, PssScan *s);

/*
 * pss_norm_enough
 *		Has a prefix normalization (pss_normalize_prefix) produced more than
 *		it was asked for, in bytes that nothing will rewrite?  Only a
 *		pending list rewinds the output (pss_list_collapse): outside one,
 *		what is written is final, and the scan may stop.
 */
static inline bool
pss_norm_enough(const PssNorm *n, PssListKind list)
{
	return n != NULL && n->prefix && n->cur.outlen > n->outcap &&
		list == LIST_NONE;
}

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
static PSS_NOINLINE bool
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
 * pss_scan_token
 *		Feed one token to the scanner: offer it to the pending list, hash
 *		it, and update the structural state.  lx is the lexer that found
 *		it, for the token before it.
 */
static PSS_ALWAYS_INLINE void
pss_scan_token(PssScan *s, const PssToken *t, const PssLexer *lx)
{
	PssWordClass wc = WC_OTHER;
	PssToken	ct;

	if (t->kind == TK_WORD)
	{
		wc = pss_classify_word(t->start, (size_t) (t->end - t->start));
		if (PSS_UNLIKELY(wc == WC_VALUE))
		{
			PssValueRole role = pss_value_word_role(s, t->start);

			if (role == VR_CONST ||
				(role == VR_ASK &&
				 !pss_ends_operand(lx, lx->prev2_kind, lx->prev2_start)))
			{
				ct = *t;
				ct.kind = TK_CONST;
				t = &ct;
				wc = WC_OTHER;
			}
		}
	}
	else if (PSS_UNLIKELY(PW_IS_BODY_START(s->prev)) &&
			 t->kind == TK_CONST && s->list == LIST_NONE &&
			 pss_scan_body(s, t, lx))
		return;

	if (PSS_UNLIKELY(s->list != LIST_NONE))
	{
		if (s->list == LIST_NAME)
		{
			if (pss_name_step(s, t))
			{
				/* the name: a constant */
				ct = *t;
				ct.kind = TK_CONST;
				t = &ct;
				wc = WC_OTHER;
			}
			pss_emit(s, t);
			pss_track(s, t, wc);
			return;
		}
		if (pss_list_step(s, t))
		{
			pss_track(s, t, wc);
			return;
		}
		pss_list_abandon(s);
	}
	pss_emit(s, t);
	pss_track(s, t, wc);
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
static uint64_t
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

/*---- Fast path ----*/

#ifdef PSS_SWAR

#define PSS_ONES	UINT64_C(0x0101010101010101)
#define PSS_HIGHS	UINT64_C(0x8080808080808080)

#ifdef PSS_SSE2

/*
 * pss_sse2_word
 *		The sixteen bytes of v as a word would hash them (see pss_wordfold:
 *		ASCII letters folded to lower case), into *folded, and a mask with
 *		bit i set if byte i may continue a word (CC_IDCONT).
 *
 * Adding 0x80 - 'a' to a byte ORed with 0x20 maps exactly the letters to
 * -128 .. -103 (as signed bytes), adding 0x80 - '0' exactly the digits to
 * -128 .. -119, so that one signed comparison each tests the range.  Bytes
 * from 0x80 on are negative, and word bytes too.
 */
static inline unsigned
pss_sse2_word(__m128i v, __m128i *folded)
{
	__m128i		lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
	__m128i		alpha = _mm_cmplt_epi8(_mm_add_epi8(lower,
													_mm_set1_epi8(0x80 - 'a')),
									   _mm_set1_epi8(-128 + 26));
	__m128i		digit = _mm_cmplt_epi8(_mm_add_epi8(v,
													_mm_set1_epi8(0x80 - '0')),
									   _mm_set1_epi8(-128 + 10));
	__m128i		other = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('_')),
									 _mm_cmpeq_epi8(v, _mm_set1_epi8('$')));
	__m128i		high = _mm_cmplt_epi8(v, _mm_setzero_si128());

	*folded = _mm_or_si128(v, _mm_and_si128(alpha, _mm_set1_epi8(0x20)));
	return (unsigned) _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(alpha, digit),
													 _mm_or_si128(other, high)));
}

/*
 * pss_sse2_low, pss_sse2_high
 *		The chunks of the low and the high eight bytes of v.
 */
static inline uint64_t
pss_sse2_low(__m128i v)
{
	return (uint64_t) _mm_cvtsi128_si64(v);
}

static inline uint64_t
pss_sse2_high(__m128i v)
{
	return (uint64_t) _mm_cvtsi128_si64(_mm_unpackhi_epi64(v, v));
}

/*
 * pss_sse2_mix16
 *		Absorb the sixteen bytes of v as two chunks.
 */
static inline uint64_t
pss_sse2_mix16(uint64_t h, __m128i v)
{
	return pss_mix_chunk(pss_mix_chunk(h, pss_sse2_low(v)), pss_sse2_high(v));
}

/*
 * Sixteen bytes of ones then sixteen of zeros: the sixteen bytes at
 * pss_sse2_ones + 16 - n keep the first n bytes of a vector.
 */
static const uint8_t pss_sse2_ones[32] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
};

/*
 * pss_sse2_last
 *		Absorb the chunks of the first n (0 to 15) bytes of v: the low
 *		eight bytes if n >= 8, then the n % 8 bytes left over (an empty
 *		last chunk too).  *last receives that last chunk, and *off how far
 *		into v it starts.
 */
static inline uint64_t
pss_sse2_last(uint64_t h, __m128i v, unsigned n, uint64_t *last,
			  size_t *off)
{
	uint64_t	w;

	v = _mm_and_si128(v, _mm_loadu_si128((const __m128i *)
										 (pss_sse2_ones + 16 - n)));
	w = pss_sse2_low(v);
	*off = 0;
	if (n >= 8)
	{
		h = pss_mix_chunk(h, w);
		w = pss_sse2_high(v);
		*off = 8;
	}
	*last = w;
	return pss_mix_chunk(h, w);
}

#endif							/* PSS_SSE2 */

/*
 * pss_load8
 *		The chunk of the eight bytes at p (which must all be in the text).
 */
static inline uint64_t
pss_load8(const unsigned char *p)
{
	uint64_t	w;

	memcpy(&w, p, sizeof(w));
	return w;
}

/*
 * pss_quote_bytes
 *		The high bit of each byte of w that is a double quote, and maybe
 *		of bytes after one, never before: only the lowest one set counts.
 *
 * XOR-ing with quotes turns quote bytes into zero bytes, and the classic
 * "has a zero byte" expression sets the high bit of each zero byte; its
 * borrow can only flag a byte after a real zero byte.
 */
static inline uint64_t
pss_quote_bytes(uint64_t w)
{
	uint64_t	x = w ^ (PSS_ONES * '"');

	return (x - PSS_ONES) & ~x & PSS_HIGHS;
}

/*
 * pss_fast_qident
 *		Hash the quoted identifier whose text starts at p, just after its
 *		opening quote, eight bytes at a time, exactly as pss_hash_qident
 *		does (tag included); return the end of the token.
 *
 * With SSE2, while sixteen bytes remain in the text, each round looks for
 * a quote among the next sixteen: none, two full chunks; one that closes
 * the name, its last chunks; a doubled one, the eight-byte rounds take
 * over from the start of those sixteen.  Each eight-byte round loads the
 * next eight bytes (fewer at the end of the text, one at a time, so that
 * no load leaves it), and stops at the first quote among them: a chunk
 * without a quote is a full chunk; a quote followed by another ends a
 * chunk (the one quote included) and the name goes on after the pair; any
 * other quote closes the name, whose last chunk is the bytes before it.
 * *tail receives the name's tail (see pss_qkw_filter), as
 * pss_special_maybe takes it, and *cend the end of the text between the
 * quotes.
 */
static PSS_ALWAYS_INLINE const unsigned char *
pss_fast_qident(const unsigned char *p, const unsigned char *end,
				uint64_t *hash, uint64_t *tail,
				const unsigned char **cend)
{
	uint64_t	h = pss_mix(*hash, PSS_TAG_WORD);
	const unsigned char *start = p;
	size_t		room;			/* bytes left from p */

#ifdef PSS_SSE2
	while (end - p >= 16)
	{
		__m128i		v = _mm_loadu_si128((const __m128i *) p);
		unsigned	m = (unsigned) _mm_movemask_epi8(_mm_cmpeq_epi8(v,
																	_mm_set1_epi8('"')));
		unsigned	r;
		size_t		off;

		if (m == 0)
		{
			h = pss_sse2_mix16(h, v);
			p += 16;
			continue;
		}
		r = (unsigned) __builtin_ctz(m);
		/* a doubled quote: the eight-byte code below takes it */
		if (PSS_UNLIKELY(p + r + 1 < end && p[r + 1] == '"'))
			break;
		*hash = pss_sse2_last(h, v, r, tail, &off);
		*tail = pss_name_tail(*tail, (size_t) (p - start) + off);
		*cend = p + r;
		return p + r + 1;
	}
#endif
	room = (size_t) (end - p);
	for (;;)
	{
		uint64_t	w;
		uint64_t	z;
		unsigned	r;

		if (room >= 8)
		{
			w = pss_load8(p);
			z = pss_quote_bytes(w);
			if (z == 0)
			{
				h = pss_mix_chunk(h, w);
				p += 8;
				room -= 8;
				continue;
			}
		}
		else
		{
			w = pss_chunk_at(p, room);
			z = pss_quote_bytes(w);
			if (z == 0)
			{
				/* unterminated: the name runs to the end of the text */
				*hash = pss_mix_chunk(h, w);
				*tail = pss_name_tail(w, (size_t) (p - start));
				*cend = end;
				return end;
			}
		}
		r = (unsigned) __builtin_ctzll(z) >> 3;
		if (PSS_UNLIKELY(r + 1 < room && p[r + 1] == '"'))
		{
			h = pss_mix_chunk(h, w & (~UINT64_C(0) >> (56 - 8 * r)));
			p += r + 2;
			room -= r + 2;
			continue;
		}
		w &= (UINT64_C(1) << (8 * r)) - 1;
		*hash = pss_mix_chunk(h, w);
		*tail = pss_name_tail(w, (size_t) (p - start));
		*cend = p + r;
		return p + r + 1;
	}
}

/*
 * pss_fast_word
 *		Find the end of the word that starts at p and hash it, exactly as
 *		pss_hash_word does (tag included); return the end.
 *
 * With SSE2, sixteen bytes per round while sixteen remain in the text
 * (pss_sse2_word).  Then one pss_wordfold lookup per byte both folds it
 * and finds the end (0); the folded bytes are gathered into a chunk at
 * fixed shifts, eight per round while eight bytes remain in the text, so
 * that the end-of-text test is paid once per chunk.  *last receives the
 * last chunk, which for a word of fewer than eight bytes is
 * pss_fold_chunk of the whole word.
 */
static PSS_ALWAYS_INLINE const unsigned char *
pss_fast_word(const unsigned char *p, const unsigned char *end,
			  uint64_t *hash, uint64_t *last)
{
	uint64_t	h = pss_mix(*hash, PSS_TAG_WORD);
	uint64_t	w;
	uint64_t	f;
	unsigned	k;

#ifdef PSS_SSE2
	while (end - p >= 16)
	{
		__m128i		folded;
		unsigned	m = ~pss_sse2_word(_mm_loadu_si128((const __m128i *) p),
									   &folded) & 0xffff;
		size_t		off;

		if (m == 0)
		{
			h = pss_sse2_mix16(h, folded);
			p += 16;
			continue;
		}
		k = (unsigned) __builtin_ctz(m);
		*hash = pss_sse2_last(h, folded, k, last, &off);
		return p + k;
	}
#endif

#define PSS_WORD_BYTE(i) \
	do { \
		if ((f = pss_wordfold[p[i]]) == 0) \
		{ \
			p += (i); \
			goto last; \
		} \
		w |= f << (8 * (i)); \
	} while (0)

	while (end - p >= 8)
	{
		w = pss_wordfold[p[0]];
		if (w == 0)
			goto last;
		PSS_WORD_BYTE(1);
		PSS_WORD_BYTE(2);
		PSS_WORD_BYTE(3);
		PSS_WORD_BYTE(4);
		PSS_WORD_BYTE(5);
		PSS_WORD_BYTE(6);
		PSS_WORD_BYTE(7);
		h = pss_mix_chunk(h, w);
		p += 8;
	}
#undef PSS_WORD_BYTE
	/* fewer than eight bytes left in the text */
	w = 0;
	for (k = 0; p < end && (f = pss_wordfold[*p]) != 0; k++, p++)
		w |= f << (8 * k);
last:
	*hash = pss_mix_chunk(h, w);
	*last = w;
	return p;
}

#else							/* !PSS_SWAR */

/*
 * pss_fast_qident
 *		Without PSS_SWAR: lex and hash the quoted identifier the reference
 *		way; p is just after its opening quote.
 */
static inline const unsigned char *
pss_fast_qident(const unsigned char *p, const unsigned char *end,
				uint64_t *hash, uint64_t *tail,
				const unsigned char **cend)
{
	PssToken	t;
	size_t		n;

	pss_lex_qident(p - 1, end, &t);
	n = (size_t) (t.cend - t.cstart);
	*hash = pss_hash_qident(*hash, t.cstart, n);
	*tail = pss_name_tail(pss_chunk_at(t.cstart + (n & ~(size_t) 7), n & 7),
						  n & ~(size_t) 7);
	*cend = t.cend;
	return t.end;
}

/*
 * pss_fast_word
 *		Without PSS_SWAR: lex and hash the word that starts at p the
 *		reference way; return its end.  *last is as pss_word_class wants
 *		its folded argument.
 */
static inline const unsigned char *
pss_fast_word(const unsigned char *p, const unsigned char *end,
			  uint64_t *hash, uint64_t *last)
{
	const unsigned char *q = pss_lex_word(p, end);
	size_t		n = (size_t) (q - p);

	*hash = pss_hash_word(*hash, p, n);
	*last = pss_fold_chunk(p, n < 8 ? n : 0);
	return q;
}

#endif							/* PSS_SWAR */

/*
 * pss_fast_digits
 *		End of the run of digits that starts at p.
 *
 * With PSS_SWAR, eight bytes at a time: XOR-ing with '0' maps digits to
 * 0-9, and adding 0x80 - 10 to the low seven bits of each byte sets the
 * high bit of every byte that is not a digit, without carrying into the
 * next byte.
 */
static PSS_ALWAYS_INLINE const unsigned char *
pss_fast_digits(const unsigned char *p, const unsigned char *end)
{
#ifdef PSS_SWAR
	while (end - p >= 8)
	{
		uint64_t	x = pss_load8(p) ^ (PSS_ONES * '0');
		uint64_t	nondigit = (((x & ~PSS_HIGHS) + PSS_ONES * (0x80 - 10)) |
								x) & PSS_HIGHS;

		if (nondigit != 0)
			return p + ((unsigned) __builtin_ctzll(nondigit) >> 3);
		p += 8;
	}
#endif
	while (p < end && IS_CLASS(*p, CC_DIGIT))
		p++;
	return p;
}

/*
 * Does a number go on at q (a decimal point or an exponent), so that the
 * digits before it are not a plain integer?  The fast path leaves those
 * to the reference path.
 */
#define PSS_NUMBER_GOES_ON(q, end) \
	((q) < (end) && IS_CLASS(*(q), CC_NUMTAIL))

/*
 * pss_blank_as_blank
 *		Do the four bytes at p (all in the text) read " AS ", in any case?
 *		ORMs write that between a column and its alias.
 */
static inline bool
pss_blank_as_blank(const unsigned char *p)
{
#ifdef PSS_SWAR
	uint32_t	w;

	memcpy(&w, p, sizeof(w));
	return (w | UINT32_C(0x00202000)) == UINT32_C(0x20736120);
#else
	return p[0] == ' ' && (p[1] | 0x20) == 'a' && (p[2] | 0x20) == 's' &&
		p[3] == ' ';
#endif
}

/*
 * pss_fast_prev_kind
 *		Kind of a token the fast path took, from its first byte.
 *
 * The fast path records only where its last token starts; the kind, which
 * the unary minus rule needs, follows from the first byte for the tokens
 * it takes: names, integers, plain strings, negative numbers (the only
 * tokens it takes that start with a minus sign), one-byte operators and
 * punctuation.
 */
static PssTokenKind
pss_fast_prev_kind(unsigned char c)
{
	switch ((PssStart) pss_start[c])
	{
		case ST_WORD:
		case ST_PREFIX:
			return TK_WORD;
		case ST_DQUOTE:
			return TK_QIDENT;
		case ST_DIGIT:
			return TK_INT;
		case ST_SQUOTE:
		case ST_MINUS:
			return TK_CONST;
		case ST_OP:
			return TK_OP;
		default:
			return TK_PUNCT;
	}
}

/*
 * Follow VALUES rows after a token of the fast path, which never changes
 * the nesting depth; c is its byte if it is punctuation, else 0.
 */
#define PSS_FAST_VALUES(c_, tend_) \
	do { \
		if (PSS_UNLIKELY(s.vstate != V_NONE)) \
			pss_track_values(&s, (tend_), (c_), s.depth); \
	} while (0)

/*
 * pss_fast_list_offer
 *		Offer the token of the given kind at [start, end) to the pending
 *		list, as pss_scan_token would (pss_list_step); false, with nothing
 *		changed, if the list does not take it.  Out of line: the fast path
 *		calls it for the ')' that closes a list and for the elements of
 *		VALUES rows that are not integers.
 */
static PSS_NOINLINE bool
pss_fast_list_offer(PssScan *s, PssTokenKind kind, const unsigned char *start,
					const unsigned char *end)
{
	PssToken	t;

	t.kind = kind;
	t.start = start;
	t.end = end;
	return pss_list_step(s, &t);
}

/*
 * pss_fast_fallback
 *		Lex and scan the token at p (not the end of the text) the reference
 *		way, for the fast path; fast_prev is where the token before it
 *		starts if the fast path took that token, else NULL.  Returns where
 *		the fast path goes on, or NULL at the end of the text.
 *
 * A one-byte punctuation token, ( ) [ ] , ; (the fast path leaves only
 * its rare cases: a VALUES row, a bracket of type modifiers or of an
 * ARRAY list, a ";"), needs no lexing: it is handed to the scanner as
 * pss_lex_next would make it.  Out of line, so that the fast loop's
 * variables stay in registers.
 */
static PSS_NOINLINE const unsigned char *
pss_fast_fallback(PssLexer *lx, PssScan *s, const unsigned char *p,
				  const unsigned char *fast_prev)
{
	PssToken	t;

	if (fast_prev != NULL)
	{
		lx->prev_kind = pss_fast_prev_kind(*fast_prev);
		lx->prev_start = fast_prev;
	}
	if (pss_start[*p] == ST_PUNCT)
	{
		t.kind = TK_PUNCT;
		t.start = p;
		t.end = p + 1;
		t.cstart = t.cend = NULL;
		lx->p = t.end;
		lx->prev2_kind = lx->prev_kind;
		lx->prev2_start = lx->prev_start;
		lx->prev_kind = t.kind;
		lx->prev_start = t.start;
		pss_scan_token(s, &t, lx);
		return t.end;
	}
	lx->p = p;
	if (!pss_lex_next(lx, &t))
		return NULL;
	pss_scan_token(s, &t, lx);
	return lx->p;
}

/*
 * pss_fast_list_word
 *		The word at p comes while a list is pending: if it is NULL, TRUE or
 *		FALSE as a constant (pss_value_word_role) and the list takes it as
 *		its element, return its end; else NULL, with nothing changed, and
 *		the reference path takes the word (and abandons the list).
 */
static PSS_NOINLINE const unsigned char *
pss_fast_list_word(PssScan *s, const unsigned char *p, const unsigned char *end)
{
	const unsigned char *q = pss_lex_word(p, end);

	if (pss_classify_word(p, (size_t) (q - p)) != WC_VALUE ||
		pss_value_word_role(s, p) != VR_CONST ||
		!pss_fast_list_offer(s, TK_CONST, p, q))
		return NULL;
	return q;
}

/*
 * pss_scan_fast
 *		pss_scan without a normalizer, with the common tokens lexed and
 *		scanned inline.
 *
 * Names, integers, negative numbers where an operand starts, "." and ",",
 * and one-byte operators, which make up nearly all of the tokens of
 * typical statements, are handled here in a few instructions each, as long
 * as the scanner is in a simple state: for most of them, no pending list
 * (the elements and commas of a pending list are handled here too:
 * integers inline, strings, NULL, TRUE, FALSE and the closing ')' through
 * pss_list_step itself, see pss_fast_list_offer).  Names are scanned
 * sixteen or eight bytes at a time (pss_fast_word, pss_fast_qident).  Any
 * other token goes through pss_fast_fallback, that is, exactly the
 * reference path; so what is inlined here must do what pss_lex_next and
 * pss_scan_token would do for that token, and nothing else, calling the
 * same helpers for every rule.  The running hash lives in h, and in
 * s.hash only around the calls that take the scanner.

 */
static uint64_t
pss_scan_fast(const unsigned char *text, size_t len, bool std_strings)
{
	PssLexer	lx;
	PssScan		s;
	const unsigned char *p = text;
	const unsigned char *end = text + len;
	const unsigned char *fast_prev = NULL;
	uint64_t	h = PSS_HASH_BASIS;

	pss_scan_init(&s, NULL);
	pss_lex_init(&lx, text, len, std_strings);

	while (p < end)
	{
		const unsigned char *q;
		unsigned char c = *p;
		uint64_t	h0;
		uint64_t	last;
		PssWordClass wc;

		PSS_STEPS(1);
		/* pss_start holds only PssStart values: no range check needed */
		switch ((PssStart) pss_start[c])
		{
			case ST_SPACE:
				p++;
				continue;

			case ST_PREFIX:
				if (p + 1 < end && (p[1] == '\'' || p[1] == '&'))
					goto slow;
				PSS_FALLTHROUGH;
			case ST_WORD:
word:
				if (PSS_UNLIKELY(s.list != LIST_NONE))
				{
					/* NULL, TRUE or FALSE may be an element: offer it */
					q = pss_fast_list_word(&s, p, end);
					if (q == NULL)
						goto slow;
					PSS_FAST_VALUES(0, q);
					s.prev = PW_NONE;
					fast_prev = p;
					p = q;
					continue;
				}
				h0 = h;
				q = pss_fast_word(p, end, &h, &last);
				wc = pss_word_class(p, (size_t) (q - p), last);
				if (PSS_UNLIKELY(wc >= WC_VALUE) && wc != WC_VALUE)
				{
					/* a statement's first word that names: as pss_track */
					if (s.prev == PW_START && !s.in_body)
					{
						h = h0;
						goto slow;
					}
				}
				else if (PSS_UNLIKELY(wc == WC_VALUE))
				{
					/* NULL TRUE FALSE: as pss_scan_token */
					PssValueRole role = pss_value_word_role(&s, p);

					if (role == VR_ASK)
					{
						h = h0;
						goto slow;
					}
					if (role == VR_CONST)
					{
						h = pss_mix(h0, PSS_TAG_CONST);
						PSS_FAST_VALUES(0, q);
						s.prev = PW_NONE;
						fast_prev = p;
						p = q;
						continue;
					}
				}
				PSS_FAST_VALUES(0, q);
				pss_track_word(&s, wc, s.prev);
				fast_prev = p;
				p = q;
				/* most words are followed by a blank, then by a name */
				if (p < end && *p == ' ')
					p++;
				if (p < end)
				{
					if (pss_start[*p] == ST_WORD)
						goto word;
					if (*p == '"')
						goto dquote;
				}
				continue;

			case ST_DQUOTE:
dquote:
				if (s.list != LIST_NONE)
					goto slow;

				/*
				 * A quoted name, and the tokens that commonly join it to
				 * the next one in what ORMs write: "table"."column",
				 * "column" AS "alias" and "alias", "table".
				 */
				for (;;)
				{
					const unsigned char *cend;

					h0 = h;
					q = pss_fast_qident(p + 1, end, &h, &last, &cend);
					/* as pss_hash_qident_any, for what the filter lets by */
					if (PSS_UNLIKELY(pss_special_maybe(last)))
						h = pss_qident_keyword(h0, h, p + 1,
											   (size_t) (cend - (p + 1)));
					fast_prev = p;
					p = q;
					if (PSS_UNLIKELY(s.vstate != V_NONE))
					{
						/* in VALUES rows: one name at a time */
						pss_track_values(&s, q, 0, s.depth);
						break;
					}
					if (end - p < 5)
						break;
					if ((p[0] | p[1] << 8) == ('.' | '"' << 8))
					{
						/* the dot, as case ST_DOT would take it */
						h = pss_mix(h, PSS_SYM1('.'));
						fast_prev = p;
						p++;
						continue;
					}
					if (p[0] == ',')
					{
						/* the comma, as case ST_PUNCT would take it */
						h = pss_mix(h, PSS_SYM1(','));
						fast_prev = p;
						p += (p[1] == ' ') ? 2 : 1;
						if (*p == '"')
							continue;
						s.prev = PW_COMMA;
						goto next_token;
					}
					if (pss_blank_as_blank(p))
					{
						/* the word AS, as case ST_WORD would take it */
						h = pss_mix_chunk(pss_mix(h, PSS_TAG_WORD),
										  'a' | 's' << 8);
						pss_track_word(&s, WC_AS, PW_NONE);
						fast_prev = p + 1;
						p += 4;
						if (*p == '"')
							continue;
						goto next_token;
					}
					break;
				}
				s.prev = PW_NONE;
				if (p < end && *p == ' ')
					p++;
				continue;

			case ST_DIGIT:
				q = pss_fast_digits(p + 1, end);
				if (PSS_NUMBER_GOES_ON(q, end))
				{
					bool		is_int;

					/* 1.5, 1e3: a constant, as pss_lex_next lexes it */
					q = pss_lex_number(p, end, &is_int);
					if (is_int)
						goto slow;
					goto number;
				}
				if (s.list != LIST_NONE)
				{
					/* an element of a pending list */
					if (!s.list_opened || !s.list_want_elem)
						goto slow;
					s.list_all_params = false;
					if (s.vstate == V_NONE)
					{
						/*
						 * Take the following ", integer" pairs in a tight
						 * loop, with the plain blanks between them: that is
						 * most of a long IN list.  ", 123" (comma, one
						 * blank, digit) is tested in one go.
						 */
						size_t		n = s.list_n;
						bool		want;

						for (;;)
						{
							n++;
							fast_prev = p;
							p = q;
							if (PSS_LIKELY(end - p >= 3) &&
								(p[0] | p[1] << 8) == (',' | ' ' << 8) &&
								IS_CLASS(p[2], CC_DIGIT))
							{
								fast_prev = p;
								p += 2;
								want = true;
							}
							else
							{
								if (p >= end || *p != ',')
								{
									/* a comma usually follows at once */
									while (p < end && *p == ' ')
										p++;
									if (p >= end || *p != ',')
									{
										want = false;
										break;
									}
								}
								fast_prev = p;
								p++;
								want = true;
								while (p < end && *p == ' ')
									p++;
								if (p >= end || !IS_CLASS(*p, CC_DIGIT))
									break;
							}
							q = pss_fast_digits(p + 1, end);
							if (PSS_NUMBER_GOES_ON(q, end))
								break;
						}
						s.prev = want ? PW_COMMA : PW_NONE;
						s.list_n = n;
						s.list_want_elem = want;
						continue;
					}
					s.list_n++;
					s.list_want_elem = false;
				}
				else if (pss_int_is_position(&s))
					h = pss_hash_chunks(pss_mix(h, PSS_TAG_POS), p,
										(size_t) (q - p));
				else
					h = pss_mix(h, PSS_TAG_CONST);
				PSS_FAST_VALUES(0, q);
				s.prev = PW_NONE;
				fast_prev = p;
				p = q;
				continue;

			case ST_DOT:
				if ((p + 1 < end && (IS_CLASS(p[1], CC_DIGIT) || p[1] == '.')) ||
					s.list != LIST_NONE)
					goto slow;
				h = pss_mix(h, PSS_SYM1('.'));
				PSS_FAST_VALUES('.', p + 1);
				s.prev = PW_NONE;
				fast_prev = p;
				p++;
				continue;

			case ST_PUNCT:
				/*
				 * ( ) [ ] , ;: the common cases inline, the others through
				 * pss_fast_fallback, which needs no lexing for them
				 */
				if (c == '(' || c == ')')
				{
					/*
					 * A parenthesis that opens an IN list, closes a pending
					 * list (IN or VALUES row) that has an element last, or
					 * neither; not one that opens type modifiers.  As
					 * pss_scan_token.
					 */
					if (s.list != LIST_NONE)
					{
						if (c != ')')
							goto slow;
						s.hash = h;
						if (!pss_fast_list_offer(&s, TK_PUNCT, p, p + 1))
							goto slow;
						h = s.hash;
					}
					else if (c == '(' && s.prev == PW_IN)
					{
						PssToken	t;

						t.kind = TK_PUNCT;
						t.start = p;
						t.end = p + 1;
						pss_list_begin(&s, LIST_IN, &t);
					}
					else if (c == '(' && s.prev == PW_TYPE)
						goto slow;
					else
						h = pss_mix(h, PSS_SYM1(c));
					if (c == '(')
						pss_open_bracket(&s, c);
					else
						pss_close_bracket(&s);
					if (PSS_UNLIKELY(s.vstate != V_NONE))
						pss_track_values(&s, p + 1, c,
										 c == '(' ? s.depth - 1 : s.depth + 1);
					s.prev = PW_NONE;
					fast_prev = p;
					p++;
					continue;
				}
				if (c != ',' || s.vstate == V_BETWEEN ||
					s.prev == PW_BODYEND)
					goto slow;
				if (s.list != LIST_NONE)
				{
					/* the comma after an element of a pending list */
					if (!s.list_opened || s.list_want_elem)
						goto slow;
					s.list_want_elem = true;
				}
				else
					h = pss_mix(h, PSS_SYM1(','));
				PSS_FAST_VALUES(',', p + 1);
				s.prev = PW_COMMA;
				fast_prev = p;
				p++;
				/* a blank after a comma is the rule */
				if (p < end && *p == ' ')
					p++;
				continue;

			case ST_OP:
				/* one byte, not the rest of a trimmed operator */
				if ((p + 1 < end && IS_CLASS(p[1], CC_OP)) ||
					p < lx.split_end || s.list != LIST_NONE)
					goto slow;
				h = pss_mix(h, PSS_SYM1(c));
				PSS_FAST_VALUES(0, p + 1);
				s.prev = PW_NONE;
				fast_prev = p;
				p++;
				if (p < end && *p == ' ')
					p++;
				continue;

			case ST_SQUOTE:

				/*
				 * A plain string, as casts and patterns have; no body, and
				 * no backslash escapes (standard_conforming_strings off):
				 * the reference path takes those.
				 */
				if (PW_IS_BODY_START(s.prev) ||
					pss_string_escapes(lx.escapes, '\''))
					goto slow;
				q = pss_lex_string(p, end, false, false);
				if (s.list == LIST_NONE)
					h = pss_mix(h, PSS_TAG_CONST);
				else if (!pss_fast_list_offer(&s, TK_CONST, p, q))
					goto slow;
				PSS_FAST_VALUES(0, q);
				s.prev = PW_NONE;
				fast_prev = p;
				p = q;
				continue;

			case ST_COLON:
				/* a cast: "::" */
				if (end - p < 2 || p[1] != ':' || s.list != LIST_NONE)
					goto slow;
				h = pss_mix(h, PSS_TAG_SYM ^ (':' << 8 | ':'));
				PSS_FAST_VALUES(':', p + 2);
				s.prev = PW_NONE;
				fast_prev = p;
				p += 2;
				continue;

			case ST_MINUS:

				/*
				 * A minus sign right before a number, after a token that
				 * does not end an operand (a comma, an opening bracket):
				 * one negative constant, as pss_lex_next makes it.  Not
				 * the rest of a trimmed operator.
				 */
				if (p + 1 < end && IS_CLASS(p[1], CC_DIGIT) &&
					fast_prev != NULL && p >= lx.split_end &&
					!pss_ends_operand(&lx, pss_fast_prev_kind(*fast_prev),
									  fast_prev))
				{
					bool		is_int;

					q = pss_lex_number(p + 1, end, &is_int);
number:
					if (s.list == LIST_NONE)
						h = pss_mix(h, PSS_TAG_CONST);
					else if (!pss_fast_list_offer(&s, TK_CONST, p, q))
						goto slow;
					PSS_FAST_VALUES(0, q);
					s.prev = PW_NONE;
					fast_prev = p;
					p = q;
					continue;
				}
				goto slow;

			case ST_OTHER:
			case ST_DOLLAR:
			case ST_SLASH:
				goto slow;

			default:
				PSS_UNREACHABLE();
				goto slow;
		}

slow:
		s.hash = h;
		p = pss_fast_fallback(&lx, &s, p, fast_prev);
		if (p == NULL)
			break;
		fast_prev = NULL;
		h = s.hash;
next_token:
		;
	}
	s.hash = h;
	if (s.list != LIST_NONE)
		pss_list_abandon(&s);
	return pss_finish(s.hash);
}

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
 * pss_number_params
 *		Set where the numbering of constants starts: above the statement's
 *		own parameters and those of its code bodies (a SQL function's own
 *		$1 keeps its meaning), not above a "$1" inside a string constant or
 *		a comment, which is not a parameter.  That takes a first scan of
 *		the whole text, made only if some "$" is followed by a digit.
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
	if (m.wide > 0)
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
