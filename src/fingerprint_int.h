/*-------------------------------------------------------------------------
 *
 * fingerprint_int.h
 *	  The fingerprint code's shared lexical rules, private to its files:
 *	  the portability macros, the character classes, the hash, the word
 *	  lists and their lookups, and the lexer (PssLexer), each rule once,
 *	  as static inline functions and tables that the reference path and
 *	  the fast path both use.
 *
 * The rules are static functions, so that each file that includes them
 * gets its own copy to inline: the per-token ones are inline (or
 * PSS_ALWAYS_INLINE); the rare paths are plain static, marked
 * PSS_MAYBE_UNUSED since not every file calls each, and the compiler
 * keeps them out of line where it did when they were all in one file, so
 * the code, and the instructions per byte that "make -C test/unit bench"
 * counts, are what they were.  See fingerprint.c for the design,
 * fingerprint.h for the interface.
 *
 * src/fingerprint_int.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PSS_FINGERPRINT_INT_H
#define PSS_FINGERPRINT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fingerprint.h"

/*
 * The lexer and the scanner's per-token code are inlined into the main
 * loop, which saves several calls per token; rare paths stay out of line.
 * PSS_FALLTHROUGH marks a case that falls through to the next one (the
 * servers' -Wimplicit-fallthrough=5 accepts no comment for that).
 * PSS_MAYBE_UNUSED marks a static function of this header that some
 * files which include it do not call.  PSS_INTERNAL marks a function one
 * fingerprint file calls in another: hidden outside the library, so that
 * in the server's shared object the call is direct, not through the PLT.
 */
#if defined(__GNUC__)
#define PSS_ALWAYS_INLINE	__attribute__((always_inline)) inline
#define PSS_NOINLINE		__attribute__((noinline))
#define PSS_UNLIKELY(x)		__builtin_expect((x) != 0, 0)
#define PSS_LIKELY(x)		__builtin_expect((x) != 0, 1)
#define PSS_UNREACHABLE()	__builtin_unreachable()
#define PSS_FALLTHROUGH		__attribute__((fallthrough))
#define PSS_MAYBE_UNUSED	__attribute__((unused))
#define PSS_INTERNAL		__attribute__((visibility("hidden")))
#else
#define PSS_ALWAYS_INLINE	inline
#define PSS_NOINLINE
#define PSS_UNLIKELY(x)		((x) != 0)
#define PSS_LIKELY(x)		((x) != 0)
#define PSS_UNREACHABLE()	((void) 0)
#define PSS_FALLTHROUGH		((void) 0)
#define PSS_MAYBE_UNUSED
#define PSS_INTERNAL
#endif

/*
 * Names, quoted identifiers and integers are scanned eight bytes at a
 * time where the byte order is known to be little-endian (the first byte
 * of the text is then the low byte of a 64-bit load, as in a chunk, see
 * pss_chunk_at); elsewhere, and with PSS_PORTABLE (for tests), one byte at
 * a time, which gives the same hash.
 */
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
	defined(__ORDER_LITTLE_ENDIAN__) && \
	__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && !defined(PSS_PORTABLE)
#define PSS_SWAR 1
#endif

/*
 * On x86-64, which always has SSE2, names are scanned sixteen bytes at a
 * time while sixteen remain, which finds the end of most names in one
 * step, before the eight-byte code takes what is left; PSS_NO_SSE2 (for
 * tests) leaves that to the eight-byte code.  The hash is the same.
 */
#if defined(PSS_SWAR) && defined(__SSE2__) && defined(__x86_64__) && \
	!defined(PSS_NO_SSE2)
#define PSS_SSE2 1
#include <emmintrin.h>
#endif

/*
 * PSS_STEPS(n) counts n steps of the lexer's and the scanner's work in
 * pss_steps, for the unit tests' linear-time check only (built with
 * PSS_COUNT_STEPS): a token, a byte a helper looks at, a held-back token
 * rehashed.  Any other build compiles it to nothing and has no such
 * variable.  The count is deterministic, unlike a clock: the check
 * compares the counts of a text and of one ten times longer.
 */
#ifdef PSS_COUNT_STEPS
#define PSS_STEPS(n)	(pss_steps += (uint64_t) (n))
#else
#define PSS_STEPS(n)	((void) 0)
#endif

/*---- Character classes ----*/

#define CC_SPACE	0x01		/* whitespace */
#define CC_IDSTART	0x02		/* may start an identifier */
#define CC_IDCONT	0x04		/* may continue an identifier */
#define CC_DIGIT	0x08		/* 0-9 */
#define CC_OP		0x10		/* may be part of an operator */
#define CC_OPSPEC	0x20		/* operator byte that stops +/- trimming */
#define CC_TAGCONT	0x40		/* may continue a dollar-quote tag */
#define CC_NUMTAIL	0x80		/* . e E _ b o x: a number may go on */

#define S_	CC_SPACE
#define L_	(CC_IDSTART | CC_IDCONT | CC_TAGCONT)
#define D_	(CC_DIGIT | CC_IDCONT | CC_TAGCONT)
#define O_	CC_OP
#define X_	(CC_OP | CC_OPSPEC)
#define H_	CC_IDCONT
#define N_	CC_NUMTAIL
#define E_	(L_ | CC_NUMTAIL)

/*
 * Class of every byte.  Bytes >= 0x80 are identifier letters, as in
 * PostgreSQL, so multibyte characters of any server encoding are words.
 */
static const unsigned char pss_cclass[256] = {
	0, 0, 0, 0, 0, 0, 0, 0,		/* 00 */
	0, S_, S_, S_, S_, S_, 0, 0,	/* 08 */
	0, 0, 0, 0, 0, 0, 0, 0,		/* 10 */
	0, 0, 0, 0, 0, 0, 0, 0,		/* 18 */
	S_, X_, 0, X_, H_, X_, X_, 0,	/* 20   ! " # $ % & ' */
	0, 0, O_, O_, 0, O_, N_, O_,	/* 28 ( ) * + , - . / */
	D_, D_, D_, D_, D_, D_, D_, D_,	/* 30 0-7 */
	D_, D_, 0, 0, O_, O_, O_, X_,	/* 38 8 9 : ; < = > ? */
	X_, L_, E_, L_, L_, E_, L_, L_,	/* 40 @ A-G */
	L_, L_, L_, L_, L_, L_, L_, E_,	/* 48 H-O */
	L_, L_, L_, L_, L_, L_, L_, L_,	/* 50 */
	E_, L_, L_, 0, 0, 0, X_, E_,	/* 58 X Y Z [ \ ] ^ _ */
	X_, L_, E_, L_, L_, E_, L_, L_,	/* 60 ` a-g */
	L_, L_, L_, L_, L_, L_, L_, E_,	/* 68 h-o */
	L_, L_, L_, L_, L_, L_, L_, L_,	/* 70 */
	E_, L_, L_, 0, X_, 0, X_, 0,	/* 78 x y z { | } ~ DEL */
	L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_,
	L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_,
	L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_,
	L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_,
	L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_,
	L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_,
	L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_,
	L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_
};

#undef S_
#undef L_
#undef D_
#undef O_
#undef X_
#undef H_
#undef N_
#undef E_

#define IS_CLASS(c, cls)	((pss_cclass[(unsigned char) (c)] & (cls)) != 0)

/*
 * What a byte that continues a word hashes as: ASCII letters folded to
 * lower case, as the server folds unquoted identifiers (downcase_identifier
 * leaves other bytes alone, in any encoding we can meet here), other
 * CC_IDCONT bytes unchanged, and 0 for every byte that ends a word.  One
 * lookup per byte thus both folds the byte and finds the word's end.
 */
#define F8_(b) \
	(b), (b) + 1, (b) + 2, (b) + 3, (b) + 4, (b) + 5, (b) + 6, (b) + 7
static const unsigned char pss_wordfold[256] = {
	0, 0, 0, 0, 0, 0, 0, 0,		/* 00 */
	0, 0, 0, 0, 0, 0, 0, 0,		/* 08 */
	0, 0, 0, 0, 0, 0, 0, 0,		/* 10 */
	0, 0, 0, 0, 0, 0, 0, 0,		/* 18 */
	0, 0, 0, 0, '$', 0, 0, 0,	/* 20   ! " # $ % & ' */
	0, 0, 0, 0, 0, 0, 0, 0,		/* 28 */
	F8_('0'),					/* 30 0-7 */
	'8', '9', 0, 0, 0, 0, 0, 0,	/* 38 8 9 */
	0, 'a', 'b', 'c', 'd', 'e', 'f', 'g',	/* 40 @ A-G */
	F8_('h'),					/* 48 H-O */
	F8_('p'),					/* 50 P-W */
	'x', 'y', 'z', 0, 0, 0, 0, '_',	/* 58 X Y Z [ \ ] ^ _ */
	0, 'a', 'b', 'c', 'd', 'e', 'f', 'g',	/* 60 ` a-g */
	F8_('h'),					/* 68 h-o */
	F8_('p'),					/* 70 p-w */
	'x', 'y', 'z', 0, 0, 0, 0, 0,	/* 78 x y z { | } ~ DEL */
	F8_(0x80), F8_(0x88), F8_(0x90), F8_(0x98),
	F8_(0xa0), F8_(0xa8), F8_(0xb0), F8_(0xb8),
	F8_(0xc0), F8_(0xc8), F8_(0xd0), F8_(0xd8),
	F8_(0xe0), F8_(0xe8), F8_(0xf0), F8_(0xf8)
};
#undef F8_

/*
 * Lexing rule for a token that starts with a given byte, so that the lexer
 * dispatches with one lookup and one jump.
 */
typedef enum PssStart
{
	ST_OTHER,					/* a one-byte token of its own */
	ST_SPACE,					/* whitespace */
	ST_WORD,					/* a word */
	ST_PREFIX,					/* a word, or E'' N'' B'' X'' U&'' U&"" */
	ST_DIGIT,					/* a number */
	ST_DOT,						/* a number (.5) or punctuation */
	ST_SQUOTE,					/* a string */
	ST_DQUOTE,					/* a quoted identifier */
	ST_DOLLAR,					/* $n, or a dollar-quoted string */
	ST_COLON,					/* : :: := */
	ST_PUNCT,					/* ( ) [ ] , ; */
	ST_MINUS,					/* a comment (--) or an operator */
	ST_SLASH,					/* a comment (slash star) or an operator */
	ST_OP						/* an operator */
} PssStart;

#define OT_	ST_OTHER
#define SP_	ST_SPACE
#define WD_	ST_WORD
#define PF_	ST_PREFIX
#define DG_	ST_DIGIT
#define PU_	ST_PUNCT
#define OP_	ST_OP

static const unsigned char pss_start[256] = {
	OT_, OT_, OT_, OT_, OT_, OT_, OT_, OT_,	/* 00 */
	OT_, SP_, SP_, SP_, SP_, SP_, OT_, OT_,	/* 08 */
	OT_, OT_, OT_, OT_, OT_, OT_, OT_, OT_,	/* 10 */
	OT_, OT_, OT_, OT_, OT_, OT_, OT_, OT_,	/* 18 */
	SP_, OP_, ST_DQUOTE, OP_, ST_DOLLAR, OP_, OP_, ST_SQUOTE,	/* 20 */
	PU_, PU_, OP_, OP_, PU_, ST_MINUS, ST_DOT, ST_SLASH,	/* 28 */
	DG_, DG_, DG_, DG_, DG_, DG_, DG_, DG_,	/* 30 0-7 */
	DG_, DG_, ST_COLON, PU_, OP_, OP_, OP_, OP_,	/* 38 8 9 : ; < = > ? */
	OP_, WD_, PF_, WD_, WD_, PF_, WD_, WD_,	/* 40 @ A B C D E F G */
	WD_, WD_, WD_, WD_, WD_, WD_, PF_, WD_,	/* 48 H-M N O */
	WD_, WD_, WD_, WD_, WD_, PF_, WD_, WD_,	/* 50 P-T U V W */
	PF_, WD_, WD_, PU_, OT_, PU_, OP_, WD_,	/* 58 X Y Z [ \ ] ^ _ */
	OP_, WD_, PF_, WD_, WD_, PF_, WD_, WD_,	/* 60 ` a b c d e f g */
	WD_, WD_, WD_, WD_, WD_, WD_, PF_, WD_,	/* 68 h-m n o */
	WD_, WD_, WD_, WD_, WD_, PF_, WD_, WD_,	/* 70 p-t u v w */
	PF_, WD_, WD_, OT_, OP_, OT_, OP_, OT_,	/* 78 x y z { | } ~ DEL */
	WD_, WD_, WD_, WD_, WD_, WD_, WD_, WD_,
	WD_, WD_, WD_, WD_, WD_, WD_, WD_, WD_,
	WD_, WD_, WD_, WD_, WD_, WD_, WD_, WD_,
	WD_, WD_, WD_, WD_, WD_, WD_, WD_, WD_,
	WD_, WD_, WD_, WD_, WD_, WD_, WD_, WD_,
	WD_, WD_, WD_, WD_, WD_, WD_, WD_, WD_,
	WD_, WD_, WD_, WD_, WD_, WD_, WD_, WD_,
	WD_, WD_, WD_, WD_, WD_, WD_, WD_, WD_,
	WD_, WD_, WD_, WD_, WD_, WD_, WD_, WD_,
	WD_, WD_, WD_, WD_, WD_, WD_, WD_, WD_,
	WD_, WD_, WD_, WD_, WD_, WD_, WD_, WD_,
	WD_, WD_, WD_, WD_, WD_, WD_, WD_, WD_,
	WD_, WD_, WD_, WD_, WD_, WD_, WD_, WD_,
	WD_, WD_, WD_, WD_, WD_, WD_, WD_, WD_,
	WD_, WD_, WD_, WD_, WD_, WD_, WD_, WD_,
	WD_, WD_, WD_, WD_, WD_, WD_, WD_, WD_
};

#undef OT_
#undef SP_
#undef WD_
#undef PF_
#undef DG_
#undef PU_
#undef OP_

/*---- Hash ----*/

/*
 * The running hash absorbs a stream of 64-bit symbols (see the header
 * comment): a token-kind tag, alone or XOR-ed with a short token's bytes,
 * takes one multiply by an odd constant (pss_mix); a chunk of up to eight
 * bytes of a name takes one 64x64->128-bit multiply whose halves are
 * folded together (pss_mix_chunk), so that every byte of the chunk, the
 * high ones too, reaches every bit of the state.  pss_finish (the
 * splitmix64 finalizer) makes every input bit reach every output bit.
 *
 * Tags are arbitrary 64-bit constants with pairwise different top bytes;
 * PSS_TAG_SYM is XOR-ed only with values below 2^56, so a symbol made
 * from it still shows its tag in its top byte.
 */
#define PSS_HASH_BASIS	UINT64_C(0xcbf29ce484222325)
#define PSS_MUL_TAG		UINT64_C(0xff51afd7ed558ccd)
#define PSS_MUL_CHUNK	UINT64_C(0xc4ceb9fe1a85ec53)

#define PSS_TAG_WORD	UINT64_C(0x9e3779b97f4a7c15)	/* word, quoted ident */
#define PSS_TAG_CONST	UINT64_C(0xbf58476d1ce4e5b9)	/* constant, $n */
#define PSS_TAG_POS		UINT64_C(0x94d049bb133111eb)	/* ORDER BY position */
#define PSS_TAG_SYM		UINT64_C(0xd6e8feb86659fd93)	/* operator, punct */
#define PSS_TAG_LONGSYM UINT64_C(0x2d358dccaa6c78a5)	/* ... of 8+ bytes */
#define PSS_TAG_LIST	UINT64_C(0xa0761d6478bd642f)	/* collapsed list */
#define PSS_TAG_QKW		UINT64_C(0x14057b7ef767814f)	/* "keyword" */
#define PSS_TAG_BODY	UINT64_C(0x5851f42d4c957f2d)	/* code body starts */
#define PSS_TAG_BODYEND UINT64_C(0x7b7d159c8c2e7b5d)	/* ... and ends */

/* The symbol of a one-byte operator or punctuation token */
#define PSS_SYM1(c)		(PSS_TAG_SYM ^ (uint64_t) (unsigned char) (c))

/* What a collapsed list leaves in the normalized text. */
#define PSS_LIST_MARK	" /*, ... */"

/*
 * pss_mix
 *		Absorb one tag symbol into the running hash.
 */
static inline uint64_t
pss_mix(uint64_t h, uint64_t sym)
{
	return (h ^ sym) * PSS_MUL_TAG;
}

/*
 * pss_mix_chunk
 *		Absorb one chunk (up to eight bytes of a name, the first byte in
 *		the low bits) into the running hash: multiply by an odd constant
 *		into 128 bits and fold the high half onto the low one.
 *
 * Where the compiler has a 128-bit type, that is one multiply
 * instruction; elsewhere the same value is computed from 32-bit halves,
 * so that fingerprints do not depend on the platform.  PSS_PORTABLE
 * (for tests) forces the portable code.
 */
static inline uint64_t
pss_mix_chunk(uint64_t h, uint64_t chunk)
{
	uint64_t	x = h ^ chunk;

#if defined(__SIZEOF_INT128__) && !defined(PSS_PORTABLE)
	unsigned __int128 r = (unsigned __int128) x * PSS_MUL_CHUNK;

	return (uint64_t) r ^ (uint64_t) (r >> 64);
#else
	uint64_t	xl = x & UINT64_C(0xffffffff);
	uint64_t	xh = x >> 32;
	uint64_t	kl = PSS_MUL_CHUNK & UINT64_C(0xffffffff);
	uint64_t	kh = PSS_MUL_CHUNK >> 32;
	uint64_t	ll = xl * kl;
	uint64_t	lh = xl * kh;
	uint64_t	hl = xh * kl;
	uint64_t	mid = (ll >> 32) + (lh & UINT64_C(0xffffffff)) +
		(hl & UINT64_C(0xffffffff));
	uint64_t	lo = (ll & UINT64_C(0xffffffff)) | (mid << 32);
	uint64_t	hi = xh * kh + (lh >> 32) + (hl >> 32) + (mid >> 32);

	return lo ^ hi;
#endif
}

/*
 * pss_finish
 *		Finalize the running hash; never returns 0.
 */
static inline uint64_t
pss_finish(uint64_t h)
{
	h = (h ^ (h >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	h = (h ^ (h >> 27)) * UINT64_C(0x94d049bb133111eb);
	h ^= h >> 31;
	return h != 0 ? h : 1;
}

/*
 * pss_chunk_at
 *		The chunk of the n (0 to 8) bytes at p: byte i in bits 8i to
 *		8i + 7, the rest zero.  Reads exactly those n bytes.
 */
static inline uint64_t
pss_chunk_at(const unsigned char *p, size_t n)
{
	uint64_t	w = 0;
	size_t		i;

	for (i = 0; i < n; i++)
		w |= (uint64_t) p[i] << (8 * i);
	return w;
}

/*
 * pss_chunk8
 *		pss_chunk_at(p, 8), in one load where the machine allows it.
 */
static inline uint64_t
pss_chunk8(const unsigned char *p)
{
#ifdef PSS_SWAR
	uint64_t	w;

	memcpy(&w, p, sizeof(w));
	return w;
#else
	return pss_chunk_at(p, 8);
#endif
}

/*
 * pss_hash_chunks
 *		Absorb the bytes p[0 .. n) as a sequence of chunks: every full
 *		eight bytes, then the zero to seven bytes left over (an empty
 *		last chunk too).  This is how names, long operators and ORDER BY
 *		positions are hashed, after their tag.
 *
 * As these bytes never include a NUL (PostgreSQL text cannot hold one),
 * the last chunk is the first one whose top byte is zero: the symbol
 * stream says where the token ends.
 */
static PSS_MAYBE_UNUSED uint64_t
pss_hash_chunks(uint64_t h, const unsigned char *p, size_t n)
{
	while (n >= 8)
	{
		h = pss_mix_chunk(h, pss_chunk_at(p, 8));
		p += 8;
		n -= 8;
	}
	return pss_mix_chunk(h, pss_chunk_at(p, n));
}

/*
 * pss_hash_sym
 *		Absorb an operator or punctuation token p[0 .. n): one symbol,
 *		PSS_TAG_SYM XOR-ed with its bytes, up to seven bytes; else
 *		PSS_TAG_LONGSYM and its chunks.  != hashes as <>.
 */
static PSS_MAYBE_UNUSED uint64_t
pss_hash_sym(uint64_t h, const unsigned char *p, size_t n)
{
	/* the server reads != as <>: one operator */
	if (n == 2 && p[0] == '!' && p[1] == '=')
		p = (const unsigned char *) "<>";
	if (n < 8)
		return pss_mix(h, PSS_TAG_SYM ^ pss_chunk_at(p, n));
	return pss_hash_chunks(pss_mix(h, PSS_TAG_LONGSYM), p, n);
}

/*
 * pss_hash_word
 *		Absorb the word w[0 .. n) (tag and chunks), one byte at a time,
 *		with ASCII letters folded to lower case.  This is the reference
 *		for the eight-bytes-at-a-time code of the fast path.
 */
static PSS_MAYBE_UNUSED uint64_t
pss_hash_word(uint64_t h, const unsigned char *w, size_t n)
{
	uint64_t	chunk = 0;
	unsigned	k = 0;
	size_t		i;

	h = pss_mix(h, PSS_TAG_WORD);
	for (i = 0; i < n; i++)
	{
		chunk |= (uint64_t) pss_wordfold[w[i]] << (8 * k);
		if (++k == 8)
		{
			h = pss_mix_chunk(h, chunk);
			chunk = 0;
			k = 0;
		}
	}
	return pss_mix_chunk(h, chunk);
}

/*
 * pss_hash_qident
 *		Absorb the quoted identifier whose text between the quotes is
 *		p[0 .. n) (tag and chunks), one byte at a time.  This is the
 *		reference for the eight-bytes-at-a-time code of the fast path.
 *
 * The name is the text with each "" read as one quote, and it is hashed
 * like a word, except that a chunk also ends just after each quote: the
 * eight-byte code then need not shift the rest of the name by one byte.
 * A chunk that ends in a quote says that the name goes on; so a name
 * without quotes hashes exactly as the word with the same bytes, and the
 * symbol stream still says where each name ends.
 */
static PSS_MAYBE_UNUSED uint64_t
pss_hash_qident(uint64_t h, const unsigned char *p, size_t n)
{
	const unsigned char *end = p + n;
	uint64_t	chunk = 0;
	unsigned	k = 0;

	h = pss_mix(h, PSS_TAG_WORD);
	for (; p < end; p++)
	{
		unsigned char b = *p;

		/* inside the quotes, quotes come in pairs */
		if (b == '"')
			p++;
		chunk |= (uint64_t) b << (8 * k);
		if (++k == 8 || b == '"')
		{
			h = pss_mix_chunk(h, chunk);
			chunk = 0;
			k = 0;
		}
	}
	return pss_mix_chunk(h, chunk);
}

/*
 * What a word means to the scanner's state machines.
 */
typedef enum PssWordClass
{
	WC_OTHER,					/* nothing special */
	WC_IN,						/* IN: a list may follow */
	WC_BY,						/* BY: starts an ORDER / GROUP BY list */
	WC_ARRAY,					/* ARRAY: a list may follow */
	WC_TYPE,					/* a type name that takes modifiers */
	WC_VALUES,					/* VALUES: rows follow */
	WC_BYEND,					/* ends a BY list */
	WC_IS,						/* IS */
	WC_NOT,						/* NOT */
	WC_CREATE,					/* CREATE */
	WC_ALTER,					/* ALTER */
	WC_FUNCTION,				/* FUNCTION PROCEDURE */
	WC_DO,						/* DO */
	WC_AS,						/* AS */
	WC_LANGUAGE,				/* LANGUAGE */
	/* the fast path tests wc >= WC_VALUE for these three at once */
	WC_VALUE,					/* NULL TRUE FALSE: maybe a constant */
	WC_UTIL,					/* may start a utility statement with a
								 * name, see pss_name_start */
	WC_FETCH					/* FETCH: the same, and ends a BY list */
} PssWordClass;

/*
 * The words pss_classify_word knows, and their classes (see
 * fingerprint_words.h).
 */
typedef struct PssWordClassEntry
{
	char		word[12];
	uint8_t		wc;				/* PssWordClass */
} PssWordClassEntry;

static const PssWordClassEntry pss_word_classes[] = {
#define PSS_CLASS_WORD(word, class) {word, class},
#include "fingerprint_words.h"
#undef PSS_CLASS_WORD
};

/*
 * The lookup tables derived from the word lists, written by
 * src/gen_fingerprint_tables.py (see there and at each table's use).
 */
#include "fingerprint_tables.h"

/*
 * Keywords that PostgreSQL treats specially where a name may stand (see
 * fingerprint_words.h): a quoted identifier spelled like one of them does
 * not hash like the word.
 */
static const char pss_special_keywords[][18] = {
#define PSS_SPECIAL_KEYWORD(word) word,
#include "fingerprint_words.h"
#undef PSS_SPECIAL_KEYWORD
};

/*
 * Where to look a name up in pss_special_keywords: an open-addressing
 * table probed linearly from the slot PSS_SPECIAL_SLOT gives for the
 * name's first chunk (its first eight bytes at most, see pss_chunk_at)
 * XOR-ed with its length; each slot holds a keyword's index plus one, or
 * 0 (empty), which ends the search.  The multiplier was picked (by trying,
 * src/gen_fingerprint_tables.py --search) for few probes.  The fast
 * path looks up only the few names that pss_special_maybe lets by.
 */
#define PSS_SPECIAL_SLOT(key) \
	((unsigned) (((key) * PSS_SPECIAL_MUL) >> (64 - PSS_SPECIAL_SLOT_BITS)))

/*
 * pss_special_lookup
 *		Is s[0 .. n) exactly (in lower case) one of pss_special_keywords?
 *		first is the chunk of its first min(n, 8) bytes.
 */
static inline bool
pss_special_lookup(const unsigned char *s, size_t n, uint64_t first)
{
	uint64_t	key = first ^ n;
	unsigned	slot;
	unsigned	i;

	slot = PSS_SPECIAL_SLOT(key);
	while (PSS_UNLIKELY((i = pss_special_slots[slot]) != 0))
	{
		const char *kw = pss_special_keywords[i - 1];

		/* the key turns down all but a true match, checked in full */
		if (pss_special_keys[i - 1] == key && n <= 17 && kw[n] == '\0' &&
			memcmp(kw, s, n) == 0)
			return true;
		slot = (slot + 1) & ((1 << PSS_SPECIAL_SLOT_BITS) - 1);
	}
	return false;
}

/*
 * pss_is_special_keyword
 *		pss_special_lookup for a name given by its bytes alone.
 */
static inline bool
pss_is_special_keyword(const unsigned char *s, size_t n)
{
	return pss_special_lookup(s, n, n < 8 ? pss_chunk_at(s, n) : pss_chunk8(s));
}

/*
 * A filter that turns down nearly every quoted name before any lookup in
 * pss_special_keywords: a 1 for each special keyword, at the place
 * PSS_QKW_FILTER_SLOT gives for its tail, that is, its last chunk (its
 * bytes from the last multiple of eight on, which the fast path has at
 * hand) XOR-ed with that multiple of eight.  A name whose place holds 0 is
 * no special keyword; any other (about one in fifteen, and every name of
 * eight bytes, as some keywords have eight) is looked up.  The multiplier
 * was picked (by trying, src/gen_fingerprint_tables.py --search) so that
 * the names of the bench's ORM statements ("id", "name", "res_partner")
 * are turned down.
 */
#define PSS_QKW_FILTER_SLOT(tail) \
	((unsigned) (((tail) * PSS_QKW_FILTER_MUL) >> (64 - PSS_QKW_FILTER_BITS)))

/*
 * pss_name_tail
 *		The tail of a name (see pss_qkw_filter) whose last chunk, last,
 *		starts off bytes into it.
 */
static inline uint64_t
pss_name_tail(uint64_t last, size_t off)
{
	return last ^ (uint64_t) off;
}

/*
 * pss_special_maybe
 *		Might the quoted name whose tail is tail be a special keyword?  For
 *		a name with a quote in it, tail may be anything: no keyword has one.
 */
static inline bool
pss_special_maybe(uint64_t tail)
{
	return pss_qkw_filter[PSS_QKW_FILTER_SLOT(tail)] != 0;
}

/*
 * pss_hash_quoted_keyword
 *		Absorb a quoted identifier that is spelled like a special keyword
 *		(tag and chunks): its own tag keeps it apart from the keyword.
 */
static PSS_MAYBE_UNUSED uint64_t
pss_hash_quoted_keyword(uint64_t h, const unsigned char *p, size_t n)
{
	return pss_hash_chunks(pss_mix(h, PSS_TAG_QKW), p, n);
}

/*---- Lexer ----*/

typedef enum PssTokenKind
{
	TK_NONE,					/* no token yet */
	TK_WORD,					/* keyword or unquoted identifier */
	TK_QIDENT,					/* quoted identifier */
	TK_CONST,					/* string, non-integer or negative number */
	TK_INT,						/* unsigned integer literal */
	TK_PARAM,					/* $n */
	TK_OP,						/* operator */
	TK_PUNCT,					/* ( ) [ ] , ; : . :: := */
	TK_OTHER					/* any other single byte */
} PssTokenKind;

/*
 * A token: its kind and where it is in the text.
 */
typedef struct PssToken
{
	PssTokenKind kind;
	const unsigned char *start; /* source extent, [start, end) */
	const unsigned char *end;
	const unsigned char *cstart;	/* TK_QIDENT: the text between quotes */
	const unsigned char *cend;
} PssToken;

typedef struct PssLexer
{
	const unsigned char *p;		/* next byte to look at */
	const unsigned char *end;	/* one past the last byte of the text */
	const unsigned char *split_end; /* bytes before this are 1-byte ops */
	PssTokenKind prev_kind;		/* previous token, for the unary minus */
	const unsigned char *prev_start;	/* ... and where it starts */
	PssTokenKind prev2_kind;	/* the one before, for NULL in DDL */
	const unsigned char *prev2_start;	/* ... and where it starts */
	bool		dq;				/* inside a body in single quotes */
	bool		escapes;		/* standard_conforming_strings is off */
} PssLexer;

/*
 * Keywords after which a minus sign is unary: an expression starts there.
 * Any other word ends an operand (a column, a function-less name, END,
 * NULL, TRUE...), so a minus after it is binary.  Sorted (see
 * pss_is_operand_keyword).
 */
static const char *const pss_operand_keywords[] = {
#define PSS_OPERAND_KEYWORD(word) word,
#include "fingerprint_words.h"
#undef PSS_OPERAND_KEYWORD
};

/*
 * pss_word_is
 *		Does the word s[0 .. len) equal the lower-case keyword kw, a
 *		NUL-terminated string read no further than its first len + 1
 *		bytes?
 *
 * kw must be all lower-case letters; OR-ing 0x20 then folds exactly the
 * matching upper-case letter onto it, and no byte of a word is NUL.
 */
static inline bool
pss_word_is(const unsigned char *s, size_t len, const char *kw)
{
	size_t		i;

	for (i = 0; i < len; i++)
	{
		if ((unsigned char) (s[i] | 0x20) != (unsigned char) kw[i])
			return false;
	}
	return kw[len] == '\0';
}

/*
 * pss_is_operand_keyword
 *		Is the word one after which an expression starts?
 *
 * Linear search, as it runs only when a minus sign is followed by a
 * number; the list is sorted, so only the keywords with the word's first
 * letter are compared in full.
 */
static PSS_MAYBE_UNUSED bool
pss_is_operand_keyword(const unsigned char *s, size_t len)
{
	unsigned char c = s[0] | 0x20;
	size_t		i;

	if (len < 2 || len > 10)
		return false;
	for (i = 0; i < sizeof(pss_operand_keywords) / sizeof(char *); i++)
	{
		const char *kw = pss_operand_keywords[i];

		if ((unsigned char) kw[0] < c)
			continue;
		if ((unsigned char) kw[0] > c)
			break;
		if (pss_word_is(s, len, kw))
			return true;
	}
	return false;
}

/*
 * pss_ends_operand
 *		Does the token of the given kind that starts at q end an operand?
 *		After such a token a minus is binary, and, in DDL, NULL is the
 *		column constraint.
 *
 * A word is a maximal run of CC_IDCONT bytes, so its end is found again
 * from its start rather than kept for every token.
 */
static PSS_MAYBE_UNUSED bool
pss_ends_operand(const PssLexer *lx, PssTokenKind kind,
				 const unsigned char *q)
{
	const unsigned char *start = q;

	switch (kind)
	{
		case TK_QIDENT:
		case TK_CONST:
		case TK_INT:
		case TK_PARAM:
			return true;
		case TK_PUNCT:
			return *q == ')' || *q == ']';
		case TK_WORD:
			do
				q++;
			while (q < lx->end && IS_CLASS(*q, CC_IDCONT));
			PSS_STEPS(q - start);
			return !pss_is_operand_keyword(start, (size_t) (q - start));
		default:
			return false;
	}
}

/*
 * pss_skip_blank
 *		Skip whitespace and comments; return the first byte of a token.
 *
 * "--" runs to the end of the line (\n or \r, as in PostgreSQL); block
 * comments nest, as PostgreSQL's do; an unterminated comment runs to the
 * end of the text.  The server glue uses it too, see pss_skip_space.
 */
static PSS_MAYBE_UNUSED const unsigned char *
pss_skip_blank(const unsigned char *p, const unsigned char *end)
{
#ifdef PSS_COUNT_STEPS
	const unsigned char *start = p;
#endif

	while (p < end)
	{
		if (IS_CLASS(*p, CC_SPACE))
			p++;
		else if (*p == '-' && p + 1 < end && p[1] == '-')
		{
			p += 2;
			while (p < end && *p != '\n' && *p != '\r')
				p++;
		}
		else if (*p == '/' && p + 1 < end && p[1] == '*')
		{
			size_t		depth = 1;

			p += 2;
			while (p < end && depth > 0)
			{
				if (*p == '*' && p + 1 < end && p[1] == '/')
				{
					depth--;
					p += 2;
				}
				else if (*p == '/' && p + 1 < end && p[1] == '*')
				{
					depth++;
					p += 2;
				}
				else
					p++;
			}
		}
		else
			break;
	}
	PSS_STEPS(p - start + 1);
	return p;
}

/*
 * pss_is_digit_of
 *		Is c a digit in the given radix (2, 8, 10 or 16)?
 */
static inline bool
pss_is_digit_of(unsigned char c, int radix)
{
	if (radix == 16)
		return IS_CLASS(c, CC_DIGIT) ||
			((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
	return c >= '0' && c < '0' + radix;
}

/*
 * pss_lex_digits
 *		End of the run of digits of the radix that starts at p, with
 *		single underscores between digits (1_000_000), as PostgreSQL 16
 *		and later write numbers.  Returns p if no digit is at p.  Inlined,
 *		so that each caller's radix is a constant.
 */
static PSS_ALWAYS_INLINE const unsigned char *
pss_lex_digits(const unsigned char *p, const unsigned char *end, int radix)
{
	if (p >= end || !pss_is_digit_of(*p, radix))
		return p;
	p++;
	while (p < end)
	{
		if (pss_is_digit_of(*p, radix))
			p++;
		else if (*p == '_' && p + 1 < end && pss_is_digit_of(p[1], radix))
			p += 2;
		else
			break;
	}
	return p;
}

/*
 * pss_lex_number
 *		End of the number starting at p (a digit, or '.' then a digit).
 *
 * Forms: 123, 1.5, .5, 1., any of these with an exponent, which counts
 * only if digits follow e[+-]; 0x1F, 0o17 and 0b101; and underscores
 * between digits (1_000.000_1).  The fingerprint does not depend on the
 * server version, so the forms of PostgreSQL 16 and later are numbers
 * whatever the server (older ones reject them anyway).  *is_int tells
 * whether it was an integer.
 */
static PSS_MAYBE_UNUSED const unsigned char *
pss_lex_number(const unsigned char *p, const unsigned char *end, bool *is_int)
{
	*is_int = true;
	if (*p == '0' && p + 2 < end)
	{
		unsigned char r = p[1] | 0x20;
		int			radix = r == 'x' ? 16 : r == 'o' ? 8 : r == 'b' ? 2 : 0;
		const unsigned char *q = p + 2;

		if (radix != 0)
		{
			if (*q == '_' && q + 1 < end)
				q++;
			if (pss_is_digit_of(*q, radix))
				return pss_lex_digits(q, end, radix);
		}
	}
	p = pss_lex_digits(p, end, 10);
	/* 1..10 (a PL/pgSQL range) is 1, "..", 10 */
	if (p < end && *p == '.' && !(p + 1 < end && p[1] == '.'))
	{
		*is_int = false;
		p = pss_lex_digits(p + 1, end, 10);
	}
	if (p < end && (*p == 'e' || *p == 'E'))
	{
		const unsigned char *q = p + 1;

		if (q < end && (*q == '+' || *q == '-'))
			q++;
		if (q < end && IS_CLASS(*q, CC_DIGIT))
		{
			*is_int = false;
			p = pss_lex_digits(q, end, 10);
		}
	}
	return p;
}

/*
 * pss_string_escapes
 *		Does a backslash escape the next byte in a string constant whose
 *		token starts with the byte prefix: the quote of a plain '...', or
 *		the E, N, B, X or U of E'...', N'...', B'...', X'...', U&'...'?
 *
 * The one place of the rule, for both paths: always in E'...', never in
 * bit strings, and in the others only where the session has
 * standard_conforming_strings off (escapes: the lexer's escapes, or
 * a constant where the caller is specialized), as PostgreSQL's scanner
 * reads them.  (With the setting off, the server rejects U&'...' anyway;
 * reading it as the other strings are read then keeps what follows a \'
 * inside the constant.)  Whether backslash_quote accepts \' or not changes
 * nothing here: where it rejects one, the statement fails, and taking \'
 * as part of the string keeps the rest of the literal out of the text.
 */
static PSS_ALWAYS_INLINE bool
pss_string_escapes(bool escapes, unsigned char prefix)
{
	unsigned char f = prefix | 0x20;

	return f == 'e' || (escapes && f != 'b' && f != 'x');
}

/*
 * pss_string_continues
 *		After a closing quote at p - 1, find the quote that continues the
 *		string, or return NULL.
 *
 * In SQL, 'foo'<newline>'bar' is one constant: the separating whitespace
 * (which may hold "--" comments) must include a newline.
 */
static PSS_MAYBE_UNUSED const unsigned char *
pss_string_continues(const unsigned char *p, const unsigned char *end)
{
	bool		newline = false;

	while (p < end)
	{
		PSS_STEPS(1);
		if (*p == '\n' || *p == '\r')
		{
			newline = true;
			p++;
		}
		else if (IS_CLASS(*p, CC_SPACE))
			p++;
		else if (*p == '-' && p + 1 < end && p[1] == '-')
		{
			p += 2;
			while (p < end && *p != '\n' && *p != '\r')
				p++;
		}
		else
			break;
	}
	return (newline && p < end && *p == '\'') ? p : NULL;
}

/*
 * pss_lex_string_dq
 *		pss_lex_string inside a code body written as a string in single
 *		quotes, where every quote of the code is doubled: a string of the
 *		code opens and closes with two quotes and holds a quote as four.
 *
 * pss_body_extent made sure that quotes come in pairs; should the lexer
 * still meet a lone one, it takes it as the end of the string.
 */
static PSS_NOINLINE PSS_MAYBE_UNUSED const unsigned char *
pss_lex_string_dq(const unsigned char *p, const unsigned char *end,
				  bool backslash)
{
	p += 2;
	for (;;)
	{
		const unsigned char *q;

		while (p < end && *p != '\'')
		{
			if (backslash && *p == '\\' && p + 1 < end)
				p += (p[1] == '\'' && p + 2 < end) ? 3 : 2;
			else
				p++;
			PSS_STEPS(1);
		}
		if (p + 1 >= end)
			return end;
		/* p is at a pair of quotes */
		p += 2;
		if (p + 1 < end && p[0] == '\'' && p[1] == '\'')
		{
			p += 2;
			continue;
		}
		q = pss_string_continues(p, end);
		if (q == NULL || q + 1 >= end || q[1] != '\'')
			return p;
		p = q + 2;
	}
}

/*
 * pss_lex_string
 *		End of the quoted string constant whose opening quote is at p.
 *
 * '' is an escaped quote; with backslash (E'...'), a backslash escapes
 * the next byte.  Continuation lines are absorbed.  An unterminated string
 * runs to the end of the text.  dq: inside a body in single quotes (see
 * pss_lex_string_dq).
 */
static inline const unsigned char *
pss_lex_string(const unsigned char *p, const unsigned char *end,
			   bool backslash, bool dq)
{
	if (PSS_UNLIKELY(dq))
		return pss_lex_string_dq(p, end, backslash);
	p++;
	for (;;)
	{
		const unsigned char *q;

		if (!backslash)
		{
			q = memchr(p, '\'', (size_t) (end - p));
			PSS_STEPS((q == NULL ? end : q) - p + 1);
			if (q == NULL)
				return end;
			p = q;
		}
		else
		{
			while (p < end && *p != '\'')
			{
				if (*p == '\\' && p + 1 < end)
					p++;
				p++;
				PSS_STEPS(1);
			}
			if (p >= end)
				return end;
		}
		/* p is at a quote */
		p++;
		if (p < end && *p == '\'')
		{
			p++;
			continue;
		}
		q = pss_string_continues(p, end);
		if (q == NULL)
			return p;
		p = q + 1;
	}
}

/*
 * pss_lex_dollar_body
 *		End of a dollar-quoted string whose body starts at p and which
 *		closes with $tag$.
 *
 * A tag holds no '$', so each comparison stops at the next '$' of the
 * body at the latest: the search is linear in the body.
 */
static PSS_MAYBE_UNUSED const unsigned char *
pss_lex_dollar_body(const unsigned char *p, const unsigned char *end,
					const unsigned char *tag, size_t taglen)
{
	while (p < end)
	{
		const unsigned char *q = memchr(p, '$', (size_t) (end - p));
		size_t		i;

		PSS_STEPS((q == NULL ? end : q) - p + 1);
		if (q == NULL)
			return end;
		for (i = 0; i < taglen && q + 1 + i < end; i++)
		{
			PSS_STEPS(1);
			if (q[1 + i] != tag[i])
				break;
		}
		if (i == taglen && q + 1 + i < end && q[1 + i] == '$')
			return q + taglen + 2;
		p = q + 1;
	}
	return end;
}

/*
 * pss_lex_qident
 *		Lex the quoted identifier whose opening quote is at p, setting the
 *		token's end and the extent of the text between its quotes.  ""
 *		is an escaped quote.  An unterminated one runs to the end of the
 *		text.
 */
static PSS_MAYBE_UNUSED void
pss_lex_qident(const unsigned char *p, const unsigned char *end,
			   PssToken *tok)
{
	p++;
	tok->cstart = p;
	for (;;)
	{
		const unsigned char *q = memchr(p, '"', (size_t) (end - p));

		PSS_STEPS((q == NULL ? end : q) - p + 1);
		if (q == NULL)
		{
			tok->cend = tok->end = end;
			return;
		}
		if (q + 1 < end && q[1] == '"')
		{
			p = q + 2;
			continue;
		}
		tok->cend = q;
		tok->end = q + 1;
		return;
	}
}

/*
 * pss_lex_word
 *		End of the word whose first byte (a CC_IDSTART byte) is at p.
 *
 * Four bytes are tested per round while four remain, so that the
 * end-of-text test is paid once per four bytes.
 */
static PSS_ALWAYS_INLINE const unsigned char *
pss_lex_word(const unsigned char *p, const unsigned char *end)
{
	p++;
	while (end - p >= 4)
	{
		if (!IS_CLASS(p[0], CC_IDCONT))
			return p;
		if (!IS_CLASS(p[1], CC_IDCONT))
			return p + 1;
		if (!IS_CLASS(p[2], CC_IDCONT))
			return p + 2;
		if (!IS_CLASS(p[3], CC_IDCONT))
			return p + 3;
		p += 4;
	}
	while (p < end && IS_CLASS(*p, CC_IDCONT))
		p++;
	return p;
}

/*
 * pss_lex_operator
 *		End of the operator starting at p, by PostgreSQL's rules.
 *
 * The run of operator bytes stops before a comment start.  If it is
 * longer than one byte and ends in + or -, and has none of ~ ! @ # % ^ &
 * | ` ?, its trailing + and - are cut off (so "=-1" is "=" then "-1").
 * What was cut off is made only of + and -, and would lex as one-byte
 * operators, one at a time: *split_end remembers that, so the lexer never
 * rescans the run (which would be quadratic on "=+-+-+-...").
 */
static PSS_MAYBE_UNUSED const unsigned char *
pss_lex_operator(const unsigned char *p, const unsigned char *end,
				 const unsigned char **split_end)
{
	const unsigned char *q = p + 1;
	bool		special = IS_CLASS(*p, CC_OPSPEC);
	size_t		n;

	while (q < end && IS_CLASS(*q, CC_OP))
	{
		PSS_STEPS(1);
		if (q + 1 < end &&
			((q[0] == '-' && q[1] == '-') || (q[0] == '/' && q[1] == '*')))
			break;
		special |= IS_CLASS(*q, CC_OPSPEC);
		q++;
	}
	n = (size_t) (q - p);
	if (n > 1 && (q[-1] == '+' || q[-1] == '-') && !special)
	{
		do
			n--;
		while (n > 1 && (p[n - 1] == '+' || p[n - 1] == '-'));
		*split_end = q;
	}
	return p + n;
}

/*
 * pss_lex_next
 *		Lex the next token into *tok; false at the end of the text.
 */
static PSS_ALWAYS_INLINE bool
pss_lex_next(PssLexer *lx, PssToken *tok)
{
	const unsigned char *end = lx->end;
	const unsigned char *p = lx->p;
	unsigned char c;
	bool		is_int;

	if (PSS_UNLIKELY(p < lx->split_end))
	{
		/* rest of a trimmed operator: one-byte + and - operators */
		tok->kind = TK_OP;
		tok->start = p;
		tok->end = p + 1;
		goto check_minus;
	}

restart:
	/* most tokens are separated by plain blanks: skip those inline */
	while (p < end && IS_CLASS(*p, CC_SPACE))
		p++;
	if (p >= end)
	{
		lx->p = p;
		return false;
	}
	tok->start = p;
	c = *p;

	switch ((PssStart) pss_start[c])
	{
		case ST_PREFIX:
			/* E'...', N'...', B'...', X'...', U&'...' and U&"..." */
			if (p + 1 < end && p[1] == '\'' && (c | 0x20) != 'u')
			{
				tok->kind = TK_CONST;
				tok->end = pss_lex_string(p + 1, end,
										  pss_string_escapes(lx->escapes, c),
										  lx->dq);
				goto done;
			}
			if ((c | 0x20) == 'u' && p + 2 < end && p[1] == '&')
			{
				if (p[2] == '\'')
				{
					tok->kind = TK_CONST;
					tok->end = pss_lex_string(p + 2, end,
											  pss_string_escapes(lx->escapes, c),
											  lx->dq);
					goto done;
				}
				if (p[2] == '"')
				{
					tok->kind = TK_QIDENT;
					pss_lex_qident(p + 2, end, tok);
					goto done;
				}
			}
			PSS_FALLTHROUGH;
		case ST_WORD:
			tok->kind = TK_WORD;
			tok->end = pss_lex_word(p, end);
			goto done;

		case ST_DQUOTE:
			tok->kind = TK_QIDENT;
			pss_lex_qident(p, end, tok);
			goto done;

		case ST_DOT:
			if (!(p + 1 < end && IS_CLASS(p[1], CC_DIGIT)))
			{
				/* "..", as in PL/pgSQL's FOR i IN 1..10, is one token */
				tok->kind = TK_PUNCT;
				tok->end = (p + 1 < end && p[1] == '.') ? p + 2 : p + 1;
				goto done;
			}
			PSS_FALLTHROUGH;
		case ST_DIGIT:
			/* plain digits, the common case, are lexed here */
			p++;
			while (p < end && IS_CLASS(*p, CC_DIGIT))
				p++;
			if (p < end && IS_CLASS(*p, CC_NUMTAIL))
			{
				tok->end = pss_lex_number(tok->start, end, &is_int);
				tok->kind = is_int ? TK_INT : TK_CONST;
				goto done;
			}
			tok->kind = (c == '.') ? TK_CONST : TK_INT;
			tok->end = p;
			goto done;

		case ST_SQUOTE:
			tok->kind = TK_CONST;
			tok->end = pss_lex_string(p, end,
									  pss_string_escapes(lx->escapes, '\''),
									  lx->dq);
			goto done;

		case ST_DOLLAR:
			if (p + 1 < end && IS_CLASS(p[1], CC_DIGIT))
			{
				p++;
				while (p < end && IS_CLASS(*p, CC_DIGIT))
					p++;
				tok->kind = TK_PARAM;
				tok->end = p;
				goto done;
			}
			else
			{
				/* $$ or $tag$ opens a dollar-quoted string */
				const unsigned char *q = p + 1;

				if (q < end && IS_CLASS(*q, CC_IDSTART))
				{
					q++;
					while (q < end && IS_CLASS(*q, CC_TAGCONT))
						q++;
				}
				if (q < end && *q == '$')
				{
					tok->kind = TK_CONST;
					tok->end = pss_lex_dollar_body(q + 1, end, p + 1,
												   (size_t) (q - p - 1));
					goto done;
				}
			}
			break;

		case ST_COLON:
			tok->kind = TK_PUNCT;
			tok->end = p + 1;
			if (p + 1 < end && (p[1] == ':' || p[1] == '='))
				tok->end = p + 2;
			goto done;

		case ST_PUNCT:
			tok->kind = TK_PUNCT;
			tok->end = p + 1;
			goto done;

		case ST_MINUS:
		case ST_SLASH:
			if (p + 1 < end && p[1] == (c == '-' ? '-' : '*'))
			{
				/* a comment: skip it, and what blanks and comments follow */
				p = pss_skip_blank(p, end);
				goto restart;
			}
			PSS_FALLTHROUGH;
		case ST_OP:
			tok->kind = TK_OP;
			if (p + 1 < end && IS_CLASS(p[1], CC_OP))
				tok->end = pss_lex_operator(p, end, &lx->split_end);
			else
				tok->end = p + 1;
			goto check_minus;

		case ST_SPACE:
		case ST_OTHER:
			break;
	}
	tok->kind = TK_OTHER;
	tok->end = p + 1;
	goto done;

check_minus:
	/* a lone minus before a number, where an operand starts: negative */
	if (*tok->start == '-' && tok->end == tok->start + 1)
	{
		const unsigned char *q = pss_skip_blank(tok->end, end);

		if (q < end &&
			(IS_CLASS(*q, CC_DIGIT) ||
			 (*q == '.' && q + 1 < end && IS_CLASS(q[1], CC_DIGIT))) &&
			!pss_ends_operand(lx, lx->prev_kind, lx->prev_start))
		{
			tok->kind = TK_CONST;
			tok->end = pss_lex_number(q, end, &is_int);
		}
	}

done:
	PSS_STEPS(tok->end - tok->start);
	lx->p = tok->end;
	lx->prev2_kind = lx->prev_kind;
	lx->prev2_start = lx->prev_start;
	lx->prev_kind = tok->kind;
	lx->prev_start = tok->start;
	return true;
}

/*
 * pss_lex_init
 *		Start lexing text[0 .. len), with the session's
 *		standard_conforming_strings (see pss_string_escapes).
 */
static PSS_MAYBE_UNUSED void
pss_lex_init(PssLexer *lx, const unsigned char *text, size_t len,
			 bool std_strings)
{
	lx->p = text;
	lx->end = text + len;
	lx->split_end = text;
	lx->prev_kind = TK_NONE;
	lx->prev_start = text;
	lx->prev2_kind = TK_NONE;
	lx->prev2_start = text;
	lx->dq = false;
	lx->escapes = !std_strings;
}

/*---- Word classes ----*/

/*
 * Where a word is in pss_word_classes: a perfect hash of its key.  The key
 * of a word of up to seven bytes is the chunk of its bytes, folded (see
 * pss_wordfold), which is unique to it and has a zero top byte.  The key
 * of a longer word is the chunk of its first eight bytes, only OR-ed with
 * 0x20 (a fold that is exact for letters and costs one instruction),
 * XOR-ed with its length shifted into the top byte, which is then not
 * zero; such a word shares its key with others, and is checked in full.  Each slot holds the
 * key of the word it stands for (0: none, which no word's key is) and the
 * word's index in pss_word_classes plus one.  The multiplier was picked
 * (by trying, src/gen_fingerprint_tables.py --search) so that the words take
 * distinct slots; most other words are turned down by one comparison.
 */
#define PSS_WORD_SLOT(key) \
	((unsigned) (((key) * PSS_WORD_MUL) >> (64 - PSS_WORD_SLOT_BITS)))

/*
 * pss_fold_chunk
 *		The chunk of the first n (at most eight) bytes of the word w, each
 *		folded as pss_wordfold folds it, as the fast path gathers them.
 */
static inline uint64_t
pss_fold_chunk(const unsigned char *w, size_t n)
{
	uint64_t	chunk = 0;
	size_t		i;

	for (i = 0; i < n; i++)
		chunk |= (uint64_t) pss_wordfold[w[i]] << (8 * i);
	return chunk;
}

/*
 * pss_word_class_long
 *		pss_word_class for a word of eight bytes or more.
 */
static inline PssWordClass
pss_word_class_long(const unsigned char *w, size_t len)
{
	const PssWordClassEntry *e;
	uint64_t	key;
	unsigned	slot;

	if (len > 11)
		return WC_OTHER;
	key = (pss_chunk8(w) | UINT64_C(0x2020202020202020)) ^ ((uint64_t) len << 56);
	slot = PSS_WORD_SLOT(key);
	if (PSS_LIKELY(pss_word_keys[slot] != key))
		return WC_OTHER;
	e = &pss_word_classes[pss_word_index[slot] - 1];
	if (!pss_word_is(w, len, e->word))
		return WC_OTHER;
	return (PssWordClass) e->wc;
}

/*
 * pss_word_class
 *		What is the word w[0 .. len) to the scanner?  folded is the chunk
 *		pss_fold_chunk(w, len) if len < 8 (the fast path has it at hand),
 *		else anything.
 *
 * The one definition of the classes, for both paths: one multiply and one
 * comparison turn down nearly every word that is not in pss_word_classes
 * and find the class of every short one that is.
 */
static PSS_ALWAYS_INLINE PssWordClass
pss_word_class(const unsigned char *w, size_t len, uint64_t folded)
{
	unsigned	slot;

	if (PSS_UNLIKELY(len >= 8))
		return pss_word_class_long(w, len);
	slot = PSS_WORD_SLOT(folded);
	if (PSS_LIKELY(pss_word_keys[slot] != folded))
		return WC_OTHER;
	return (PssWordClass) pss_word_slot_class[slot];
}

/*
 * pss_classify_word
 *		pss_word_class for a word given by its bytes alone.
 */
static inline PssWordClass
pss_classify_word(const unsigned char *w, size_t len)
{
	return pss_word_class(w, len, len < 8 ? pss_fold_chunk(w, len) : 0);
}

#endif							/* PSS_FINGERPRINT_INT_H */
