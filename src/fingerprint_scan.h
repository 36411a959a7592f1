/*-------------------------------------------------------------------------
 *
 * fingerprint_scan.h
 *	  The scanner's state (PssScan) and its per-token steps, private to the
 *	  fingerprint files: the reference path (fingerprint_scan.c) and the
 *	  fast path (fingerprint_fast.c) both feed tokens through these same
 *	  steps, inlined into each.
 *
 * The scanner hashes each token, holds back the tokens of a constant-only
 * list that may collapse, and follows the few structures whose meaning
 * depends on neighbours (ORDER BY positions, VALUES rows, type modifiers,
 * code bodies).  The normalizer's state (PssNorm) is here too, since the
 * scanner writes the normalized text through it (the functions that do
 * are in fingerprint_normalize.c).  Static functions as in
 * fingerprint_int.h: the per-token ones inline, the rare ones plain
 * static and PSS_MAYBE_UNUSED.
 *
 * src/fingerprint_scan.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PSS_FINGERPRINT_SCAN_H
#define PSS_FINGERPRINT_SCAN_H

#include "fingerprint_int.h"

/*---- Normalizer state (its functions: fingerprint_normalize.c) ----*/

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
	uint64_t	minparam;		/* lowest $n >= 1 seen, if it fits; 0: none */
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

/* The normalizer's output, for the scanner (fingerprint_normalize.c) */
extern void pss_norm_put(PssNorm *n, const void *data,
						 size_t len) PSS_INTERNAL;
extern void pss_norm_copy_to(PssNorm *n,
							 const unsigned char *pos) PSS_INTERNAL;
extern void pss_norm_put_param(PssNorm *n) PSS_INTERNAL;
extern void pss_norm_note_param(PssNorm *n, const PssToken *t) PSS_INTERNAL;
extern void pss_norm_const(PssNorm *n, const PssToken *t) PSS_INTERNAL;

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

/* Where a pending list is inside an item with a cast, see pss_list_step */
typedef enum PssListSub
{
	LS_NONE,					/* at an item's constant, or between items */
	LS_KEPT,					/* the same, the plain hash kept (once an
								 * item had more than a constant) */
	LS_CAST_TYPE,				/* after "::" or CAST(x AS: a type name */
	LS_TYPE_NAME,				/* after a type name (or its modifiers) */
	LS_TYPE_DOT,				/* after schema.: the type name */
	LS_TYPMOD,					/* in a type's modifiers ( ... ) */
	LS_TYPMOD_COMMA,			/* after an integer there */
	LS_ARRAY_BOUND,				/* in a type's [ ] */
	LS_TYPED_STRING,			/* after a type name before a string */
	LS_CASTFN_OPEN,				/* after CAST: "(" */
	LS_CASTFN_ARG,				/* after CAST(: the constant */
	LS_CASTFN_AS				/* after CAST(x: AS */
} PssListSub;

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
	/* items with casts, DEFAULT: see pss_list_step_more */
	PssListSub	list_sub;		/* where in such an item */
	bool		list_castfn;	/* inside CAST( ... ) */
	uint64_t	list_shadow_hash;	/* hash a plain pass would have, kept
									 * while list_sub is not LS_NONE */

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
static PSS_NOINLINE PSS_MAYBE_UNUSED uint64_t
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
static PSS_ALWAYS_INLINE PSS_MAYBE_UNUSED void
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
	s->list_sub = LS_NONE;
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
static PSS_MAYBE_UNUSED void
pss_list_abandon(PssScan *s)
{
	size_t		i;

	if (s->list_sub != LS_NONE)
	{
		/* an item had a cast: the plain hash was kept all along */
		s->hash = s->list_shadow_hash;
		s->list = LIST_NONE;
		return;
	}
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
static PSS_ALWAYS_INLINE PSS_MAYBE_UNUSED void
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
 * pss_list_shadow
 *		Mix the token t into the plain hash of the pending list, the hash a
 *		plain pass would have (as pss_emit hashes it), starting it from the
 *		counters if it was not kept yet (see pss_list_abandon); the list is
 *		then at sub.
 *
 * The counters describe only constants and commas; from the first token
 * of an item that is more (a cast, CAST, a type name before a string,
 * DEFAULT), the plain hash is kept token by token, and the list's
 * list_opened is false, which sends every token of the list to
 * pss_list_step (the fast path takes no integer or comma of its own then,
 * see pss_scan_fast).
 */
static PSS_NOINLINE PSS_MAYBE_UNUSED void
pss_list_shadow(PssScan *s, const PssToken *t, PssListSub sub)
{
	uint64_t	h;

	if (s->list_sub == LS_NONE)
	{
		PssListKind kind = s->list;

		h = s->hash;
		pss_list_abandon(s);	/* the counters' hash, into s->hash */
		s->list_shadow_hash = s->hash;
		s->hash = h;
		s->list = kind;
		s->list_opened = false;
		s->list_castfn = false;
	}
	s->list_sub = sub;
	h = s->list_shadow_hash;
	switch (t->kind)
	{
		case TK_WORD:
			h = pss_hash_word(h, t->start, (size_t) (t->end - t->start));
			break;
		case TK_QIDENT:
			h = pss_hash_qident_any(h, t->cstart,
									(size_t) (t->cend - t->cstart));
			break;
		case TK_INT:
			if (pss_int_is_position(s))
			{
				h = pss_hash_chunks(pss_mix(h, PSS_TAG_POS), t->start,
									(size_t) (t->end - t->start));
				break;
			}
			PSS_FALLTHROUGH;
		case TK_CONST:
		case TK_PARAM:
			h = pss_mix(h, PSS_TAG_CONST);
			break;
		default:
			h = pss_hash_sym(h, t->start, (size_t) (t->end - t->start));
			break;
	}
	s->list_shadow_hash = h;
}

/*
 * pss_list_const
 *		The constant or parameter t is the list's next item: note it, and
 *		write it as $n.
 */
static inline void
pss_list_const(PssScan *s, const PssToken *t)
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
	else
	{
		s->list_all_params = false;
		if (s->norm)
			pss_norm_const(s->norm, t);
	}
	s->list_n++;
	s->list_want_elem = false;
}

/*
 * pss_is_punct
 *		Is t the punctuation token spelled p (one or two bytes)?
 */
static inline bool
pss_is_punct(const PssToken *t, const char *p)
{
	size_t		n = (size_t) (t->end - t->start);

	return t->kind == TK_PUNCT && n == strlen(p) &&
		memcmp(t->start, p, n) == 0;
}

/*
 * pss_is_word
 *		Is t the word kw (lower case)?
 */
static inline bool
pss_is_word(const PssToken *t, const char *kw)
{
	return t->kind == TK_WORD &&
		pss_word_is(t->start, (size_t) (t->end - t->start), kw);
}

/*
 * pss_type_word_goes_on
 *		Is the word t one that continues a type name of several words:
 *		double precision, character varying, timestamp with time zone?
 */
static inline bool
pss_type_word_goes_on(const PssToken *t)
{
	static const char *const words[] = {
		"precision", "varying", "with", "without", "time", "zone", NULL
	};
	int			i;

	for (i = 0; words[i] != NULL; i++)
	{
		if (pss_is_word(t, words[i]))
			return true;
	}
	return false;
}

/*
 * pss_list_step_more
 *		pss_list_step for what is more than constants and commas: an item's
 *		cast ("::type", chains of them, "CAST(x AS type)", "type 'string'")
 *		and, in VALUES rows, DEFAULT.  A type name is a name, qualified or
 *		not, or one of the types of several words, with modifiers of
 *		integers ("numeric(10,2)") and array brackets ("varchar[]",
 *		"int[3]").  True if the list takes t; every token it takes goes
 *		into the plain hash (pss_list_shadow).
 *
 * The boundaries: an item in parentheses ("($1)::jsonb"), an array of
 * arrays, an operator or a function call ("int4(1)") anywhere in an item
 * make the list a plain one, hashed token by token.  A collapsed list
 * hashes and shows as one without casts: "IN ($1::int, $2::int)" is
 * "IN ($1 ...)".
 */
static PSS_NOINLINE PSS_MAYBE_UNUSED bool
pss_list_step_more(PssScan *s, const PssToken *t)
{
	bool		name = (t->kind == TK_WORD || t->kind == TK_QIDENT);
	PssListSub	next = s->list_sub;

	PSS_STEPS(1);
	switch (s->list_sub)
	{
		case LS_NONE:
		case LS_KEPT:
			if (s->list_want_elem)
			{
				if (t->kind != TK_WORD)
					return false;
				if (pss_is_word(t, "cast"))
					next = LS_CASTFN_OPEN;
				else if (s->list == LIST_ROW && pss_is_word(t, "default"))
				{
					pss_list_shadow(s, t, LS_KEPT);
					s->list_n++;
					s->list_want_elem = false;
					return true;
				}
				else
					next = LS_TYPED_STRING;
				break;
			}
			/* after an item: a cast */
			if (!pss_is_punct(t, "::"))
				return false;
			next = LS_CAST_TYPE;
			break;
		case LS_CAST_TYPE:
		case LS_TYPE_DOT:
			if (!name)
				return false;
			next = LS_TYPE_NAME;
			break;
		case LS_TYPE_NAME:
			if (pss_is_punct(t, "."))
				next = LS_TYPE_DOT;
			else if (pss_is_punct(t, "("))
				next = LS_TYPMOD;
			else if (pss_is_punct(t, "["))
				next = LS_ARRAY_BOUND;
			else if (pss_is_punct(t, "::"))
				next = LS_CAST_TYPE;
			else if (pss_type_word_goes_on(t))
				;
			else if (s->list_castfn && pss_is_punct(t, ")"))
			{
				s->list_castfn = false;
				next = LS_KEPT;
			}
			else
			{
				/*
				 * The item ends here; the caller offers t again as what
				 * follows an item (a comma, the list's end).
				 */
				if (s->list_castfn)
					return false;
				s->list_sub = LS_KEPT;
				return false;
			}
			break;
		case LS_TYPMOD:
			if (t->kind != TK_INT)
				return false;
			next = LS_TYPMOD_COMMA;
			break;
		case LS_TYPMOD_COMMA:
			if (pss_is_punct(t, ","))
				next = LS_TYPMOD;
			else if (pss_is_punct(t, ")"))
				next = LS_TYPE_NAME;
			else
				return false;
			break;
		case LS_ARRAY_BOUND:
			if (pss_is_punct(t, "]"))
				next = LS_TYPE_NAME;
			else if (t->kind != TK_INT)
				return false;
			break;
		case LS_TYPED_STRING:
			if (pss_type_word_goes_on(t))
				break;
			/* the string: "date '2024-01-01'" */
			if (t->kind != TK_CONST || t->end[-1] != '\'')
				return false;
			pss_list_shadow(s, t, LS_KEPT);
			pss_list_const(s, t);
			return true;
		case LS_CASTFN_OPEN:
			if (!pss_is_punct(t, "("))
				return false;
			next = LS_CASTFN_ARG;
			break;
		case LS_CASTFN_ARG:
			if (t->kind != TK_PARAM && t->kind != TK_CONST &&
				t->kind != TK_INT)
				return false;
			pss_list_shadow(s, t, LS_CASTFN_AS);
			pss_list_const(s, t);
			return true;
		case LS_CASTFN_AS:
			if (!pss_is_word(t, "as"))
				return false;
			s->list_castfn = true;
			next = LS_CAST_TYPE;
			break;
	}
	pss_list_shadow(s, t, next);
	return true;
}

/*
 * pss_list_after_item
 *		Offer t, which follows an item of the pending list: a comma, or the
 *		list's end if the list has its width, else (a cast) the item goes
 *		on.
 */
static bool
pss_list_after_item(PssScan *s, const PssToken *t)
{
	unsigned char c = (t->kind == TK_PUNCT && t->end - t->start == 1) ?
		*t->start : 0;

	if (c == ',')
	{
		pss_list_shadow(s, t, LS_KEPT);
		s->list_want_elem = true;
		return true;
	}
	if (c == (s->list == LIST_ARRAY ? ']' : ')') &&
		(s->list != LIST_ROW || s->list_n == s->vwidth))
	{
		pss_list_collapse(s, t);
		return true;
	}
	return pss_list_step_more(s, t);
}

/*
 * pss_list_step_slow
 *		pss_list_step inside an item's cast, or once the list keeps its
 *		plain hash token by token (see pss_list_shadow).
 */
static PSS_NOINLINE PSS_MAYBE_UNUSED bool
pss_list_step_slow(PssScan *s, const PssToken *t)
{
	if (s->list_sub != LS_KEPT)
	{
		/* inside an item's cast */
		if (pss_list_step_more(s, t))
			return true;
		if (s->list_sub != LS_KEPT)
			return false;
		/* it ended there: t follows the item */
		return pss_list_after_item(s, t);
	}
	if (s->list_want_elem)
	{
		if (t->kind == TK_PARAM || t->kind == TK_CONST || t->kind == TK_INT)
		{
			pss_list_shadow(s, t, LS_KEPT);
			pss_list_const(s, t);
			return true;
		}
		return pss_list_step_more(s, t);
	}
	return pss_list_after_item(s, t);
}

/*
 * pss_list_step
 *		Offer a token to the pending list; false if it does not fit, in
 *		which case the caller abandons the list and hashes the token.
 *
 * Constants and commas are taken here; anything more goes to
 * pss_list_step_more, out of line.
 */
static PSS_MAYBE_UNUSED bool
pss_list_step(PssScan *s, const PssToken *t)
{
	unsigned char c = (t->kind == TK_PUNCT) ? *t->start : 0;

	if (PSS_UNLIKELY(s->list_sub != LS_NONE))
		return pss_list_step_slow(s, t);
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
		if (t->kind == TK_PARAM || t->kind == TK_CONST || t->kind == TK_INT)
		{
			pss_list_const(s, t);
			return true;
		}
		return pss_list_step_more(s, t);
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
	return pss_list_step_more(s, t);
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
static PSS_NOINLINE PSS_MAYBE_UNUSED void
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
static PSS_MAYBE_UNUSED bool
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
static PSS_NOINLINE PSS_MAYBE_UNUSED void
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
static PSS_NOINLINE PSS_MAYBE_UNUSED bool
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
			s->list_sub = LS_NONE;
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
static PSS_MAYBE_UNUSED bool
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

/* A code body's scan, the rare path (fingerprint_scan.c) */
extern bool pss_scan_body(PssScan *s, const PssToken *t,
						  const PssLexer *lx) PSS_INTERNAL;

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

/*---- The two paths' loops ----*/

/* The reference path, token by token (fingerprint_scan.c) */
extern uint64_t pss_scan(const unsigned char *text, size_t len,
						 bool std_strings, PssNorm *norm) PSS_INTERNAL;

/* The fast path (fingerprint_fast.c) */
extern uint64_t pss_scan_fast(const unsigned char *text, size_t len,
							  bool std_strings) PSS_INTERNAL;

#endif							/* PSS_FINGERPRINT_SCAN_H */
