/*-------------------------------------------------------------------------
 *
 * fingerprint_fast.c
 *	  The fast path of pss_fingerprint (pss_scan_fast): the common tokens
 *	  lexed and scanned inline, names eight or sixteen bytes at a time,
 *	  anything unusual handed to the reference path's steps
 *	  (pss_fast_fallback).  It must give the hash pss_scan gives on every
 *	  input; see fingerprint.c for the design and how that is tested.
 *
 * src/fingerprint_fast.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fingerprint.h"
#include "fingerprint_scan.h"

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
uint64_t
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
