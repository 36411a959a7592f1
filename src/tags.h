/*-------------------------------------------------------------------------
 *
 * tags.h
 *	  Tags that frameworks put in a statement's comment: sqlcommenter
 *	  (key='value', URL-encoded) and marginalia (key:value).
 *
 * Pure C, no server headers: the unit tests and the fuzzer build it alone.
 * A statement's tags are read from a block comment at its very start or
 * its very end, where sqlcommenter and marginalia put theirs; the bytes in
 * between are never looked at, so a statement without such a comment costs
 * a few byte compares.  A comment counts as tags only if all of it parses
 * as a comma-separated list of them, so a comment written by a person
 * ("TODO: check this") or a planner hint is not taken for tags.
 *
 * Bounds, whatever the comment: at most PSS_TAGS_MAX tags (the first ones
 * in the comment), keys of at most PSS_TAG_KEY_MAX bytes and values of at
 * most PSS_TAG_VALUE_MAX bytes as written (a longer tag is left out), and a
 * JSON text of at most PSS_TAGS_JSON_MAX bytes (tags that would not fit
 * are left out).  The work is linear in the comment's length.
 *
 * src/tags.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PSS_TAGS_H
#define PSS_TAGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PSS_TAGS_MAX			16
#define PSS_TAG_KEY_MAX			64
#define PSS_TAG_VALUE_MAX		256
#define PSS_TAGS_JSON_MAX		2048
/* The longest text pss_tags_raw writes */
#define PSS_TAGS_RAW_MAX \
	(1 + PSS_TAGS_MAX * (PSS_TAG_KEY_MAX + PSS_TAG_VALUE_MAX + 4))

/* One tag: spans of the statement's text, as written */
typedef struct PssTag
{
	const char *key;
	const char *value;
	uint16_t	key_len;
	uint16_t	value_len;
	bool		quoted;			/* sqlcommenter's key='value': URL-encoded,
								 * with backslash escapes */
	bool		trace;			/* traceparent or tracestate: which run, not
								 * which code */
} PssTag;

/* A statement's tags, as written (pss_tags_json sorts them) */
typedef struct PssTags
{
	int			n;
	PssTag		tag[PSS_TAGS_MAX];
} PssTags;

/* Flags of pss_tags_json */
#define PSS_TAGS_TRACE		0x01	/* include traceparent and tracestate */
#define PSS_TAGS_VALUES		0x02	/* the values; otherwise each is null */
#define PSS_TAGS_UTF8		0x04	/* the text is UTF-8: a decoded value
									 * may hold non-ASCII characters */

extern int	pss_tags_find(const char *text, size_t len, size_t before,
						  PssTags *tags);

/*
 * pss_tags_maybe
 *		Can text[0 .. len) (len > 0), with before bytes of its string in
 *		front of it, hold a comment at its start or end, where
 *		pss_tags_find looks?  A few compares, inline, so that a statement
 *		without one costs no call: false only when pss_tags_find would find
 *		no tags.
 */
static inline bool
pss_tags_maybe(const char *text, size_t len, size_t before)
{
	const char *end = text + len;
	const char *p = text;

	/* its end: a comment, after which only blanks and semicolons */
	while (end > text && (end[-1] == ' ' || end[-1] == ';' ||
						  (unsigned char) (end[-1] - '\t') <= '\r' - '\t'))
		end--;
	if (end - text >= 2 && end[-1] == '/' && end[-2] == '*')
		return true;
	/* its start, or (18+) just before it */
	while (p < end && (*p == ' ' || (unsigned char) (*p - '\t') <= '\r' - '\t'))
		p++;
	if (end - p >= 2 && p[0] == '/' && p[1] == '*')
		return true;
	return before >= 2 &&
		(text[-1] == '/' || text[-1] == ' ' ||
		 (unsigned char) (text[-1] - '\t') <= '\r' - '\t');
}
extern uint64_t pss_tags_id(const PssTags *tags, bool values);
extern size_t pss_tags_raw(const PssTags *tags, bool values, bool trace,
						   char *out, size_t cap);
extern int	pss_tags_from_raw(const char *raw, size_t len, PssTags *tags);
extern size_t pss_tags_json(const PssTags *tags, int flags, char *out,
							size_t cap);

#endif							/* PSS_TAGS_H */
