/*-------------------------------------------------------------------------
 *
 * tags.c
 *	  Read sqlcommenter and marginalia tags from a statement's comments,
 *	  and write them as a JSON object.
 *
 * sqlcommenter (Django, Flask, Spring, Rails 7, Knex, Sequelize,
 * OpenTelemetry) appends a comment of key='value' pairs separated by
 * commas, keys and values URL-encoded and a quote in a value escaped with
 * a backslash, as in a comment holding
 *
 *		action='show',route='%2Forders%2F%3Cint%3Aid%3E'
 *
 * marginalia (Rails, and Rails 7's query log tags in their default format)
 * appends, or with an option prepends, key:value pairs, as in a comment holding
 *
 *		application:Shop,controller:posts,action:index
 *
 * Both are read here: a pair is key='value' or key:value, keys made of
 * letters, digits and "_-.%".  See tags.h for the bounds.
 *
 * src/tags.c
 *
 *-------------------------------------------------------------------------
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE				/* memrchr, where the C library has it */
#endif

#include "tags.h"

#include <string.h>

/*
 * tag_blank
 *		Is c white space (space, \t \n \v \f \r)?
 */
static inline bool
tag_blank(char c)
{
	return c == ' ' || (unsigned char) (c - '\t') <= '\r' - '\t';
}

/*
 * last_byte
 *		The last byte c of s[0 .. n), or NULL.
 */
static inline const char *
last_byte(const char *s, size_t n, char c)
{
#ifdef __GLIBC__
	return memrchr(s, c, n);
#else
	while (n > 0)
	{
		if (s[--n] == c)
			return s + n;
	}
	return NULL;
#endif
}

/*
 * tag_key_char
 *		May c be part of a key?  Letters, digits, "_", "-", "." and "%" (a
 *		URL-encoded key): nothing a sentence or a planner hint needs
 *		between its first word and a colon.
 */
static const bool tag_key_chars[256] = {
	['%'] = true, ['-'] = true, ['.'] = true, ['_'] = true,
	['0'] = true, ['1'] = true, ['2'] = true, ['3'] = true, ['4'] = true,
	['5'] = true, ['6'] = true, ['7'] = true, ['8'] = true, ['9'] = true,
	['A'] = true, ['B'] = true, ['C'] = true, ['D'] = true, ['E'] = true,
	['F'] = true, ['G'] = true, ['H'] = true, ['I'] = true, ['J'] = true,
	['K'] = true, ['L'] = true, ['M'] = true, ['N'] = true, ['O'] = true,
	['P'] = true, ['Q'] = true, ['R'] = true, ['S'] = true, ['T'] = true,
	['U'] = true, ['V'] = true, ['W'] = true, ['X'] = true, ['Y'] = true,
	['Z'] = true,
	['a'] = true, ['b'] = true, ['c'] = true, ['d'] = true, ['e'] = true,
	['f'] = true, ['g'] = true, ['h'] = true, ['i'] = true, ['j'] = true,
	['k'] = true, ['l'] = true, ['m'] = true, ['n'] = true, ['o'] = true,
	['p'] = true, ['q'] = true, ['r'] = true, ['s'] = true, ['t'] = true,
	['u'] = true, ['v'] = true, ['w'] = true, ['x'] = true, ['y'] = true,
	['z'] = true,
};

static inline bool
tag_key_char(char c)
{
	return tag_key_chars[(unsigned char) c];
}

/*
 * tag_is
 *		Is the key key[0 .. len) the word w?
 */
static bool
tag_is(const char *key, size_t len, const char *w)
{
	return strlen(w) == len && memcmp(key, w, len) == 0;
}

/*
 * tags_parse
 *		Add the tags of a comment's content s[0 .. e - s) to tags; add none
 *		if the content is not a list of tags from start to end.
 */
static void
tags_parse(const char *s, const char *e, PssTags *tags)
{
	int			first = tags->n;
	const char *p = s;

	for (;;)
	{
		const char *key;
		const char *value;
		size_t		key_len;
		size_t		value_len;
		bool		quoted;

		while (p < e && tag_blank(*p))
			p++;
		if (p >= e)
			break;
		key = p;
		while (p < e && tag_key_char(*p))
			p++;
		key_len = p - key;
		if (key_len == 0 || p + 1 >= e)
			goto not_tags;
		if (p[0] == '=' && p[1] == '\'')
		{
			/* sqlcommenter: key='value', \' inside */
			p += 2;
			value = p;
			for (;;)
			{
				const char *q = memchr(p, '\'', e - p);
				const char *b;

				if (q == NULL)
					goto not_tags;
				/* escaped if after an odd number of backslashes */
				for (b = q; b > value && b[-1] == '\\'; b--)
					;
				p = q + 1;
				if ((q - b) % 2 == 0)
					break;
			}
			value_len = (p - 1) - value;
			quoted = true;
		}
		else if (p[0] == ':' && !tag_blank(p[1]) && p[1] != ',')
		{
			/* marginalia: key:value, up to the next comma */
			const char *q;

			p++;
			value = p;
			q = memchr(p, ',', e - p);
			p = q != NULL ? q : e;
			value_len = p - value;
			while (value_len > 0 && tag_blank(value[value_len - 1]))
				value_len--;
			quoted = false;
		}
		else
			goto not_tags;

		if (tags->n < PSS_TAGS_MAX && key_len <= PSS_TAG_KEY_MAX &&
			value_len <= PSS_TAG_VALUE_MAX)
		{
			PssTag	   *t = &tags->tag[tags->n++];

			t->key = key;
			t->key_len = (uint16_t) key_len;
			t->value = value;
			t->value_len = (uint16_t) value_len;
			t->quoted = quoted;
			t->trace = tag_is(key, key_len, "traceparent") ||
				tag_is(key, key_len, "tracestate");
		}

		while (p < e && tag_blank(*p))
			p++;
		if (p >= e)
			break;
		if (*p != ',')
			goto not_tags;
		p++;
	}
	return;

not_tags:
	tags->n = first;
}

/*
 * tag_cmp
 *		Order of two tags by key bytes, shorter first on a common prefix.
 */
static int
tag_cmp(const PssTag *a, const PssTag *b)
{
	size_t		n = a->key_len < b->key_len ? a->key_len : b->key_len;
	int			c = memcmp(a->key, b->key, n);

	if (c != 0)
		return c;
	return (int) a->key_len - (int) b->key_len;
}

/*
 * tags_sort
 *		Sort tags by key and keep the first of each key (in the order they
 *		were written), so that the same tags in another order or repeated
 *		make the same source.  At most PSS_TAGS_MAX tags: insertion sort.
 */
static void
tags_sort(PssTags *tags)
{
	int			i;
	int			n = 0;

	for (i = 1; i < tags->n; i++)
	{
		PssTag		t = tags->tag[i];
		int			j = i;

		/* stable: an equal key stays after the one written first */
		while (j > 0 && tag_cmp(&tags->tag[j - 1], &t) > 0)
		{
			tags->tag[j] = tags->tag[j - 1];
			j--;
		}
		tags->tag[j] = t;
	}
	for (i = 0; i < tags->n; i++)
	{
		if (n > 0 && tag_cmp(&tags->tag[n - 1], &tags->tag[i]) == 0)
			continue;
		tags->tag[n++] = tags->tag[i];
	}
	tags->n = n;
}

/*
 * comment_end
 *		Where the block comment whose content starts at p ends: the
 *		first byte of its closing star-slash, or NULL if it is not closed
 *		before end.  Comments nest, as in PostgreSQL.
 */
static const char *
comment_end(const char *p, const char *end)
{
	size_t		depth = 1;

	while (p + 1 < end)
	{
		if (p[0] == '*' && p[1] == '/')
		{
			if (--depth == 0)
				return p;
			p += 2;
		}
		else if (p[0] == '/' && p[1] == '*')
		{
			depth++;
			p += 2;
		}
		else
			p++;
	}
	return NULL;
}

/*
 * comment_start
 *		The first byte of the content of the block comment that ends with
 *		the closing star-slash at q, searching back no further than start;
 *		NULL if its opening slash-star is not found.
 */
static const char *
comment_start(const char *start, const char *q)
{
	size_t		depth = 1;
	const char *p = q;
	const char *o = q;

	/*
	 * The common case at memchr's speed: the last slash-star before q, with
	 * no star-slash between them (which would mean nesting, or that this
	 * is not the comment's start): then it opens the comment.
	 */
	while (o - start >= 2)
	{
		const char *s = last_byte(start, (o - 1) - start, '/');
		const char *star;

		if (s == NULL)
			break;
		if (s[1] != '*')
		{
			o = s + 1;			/* on before it */
			continue;
		}
		for (star = memchr(s + 2, '*', q - (s + 2)); star != NULL;
			 star = memchr(star + 1, '*', q - (star + 1)))
		{
			if (star + 1 < q && star[1] == '/')
				break;
		}
		if (star == NULL)
			return s + 2;
		break;					/* nested: the slow way below */
	}

	while (p - start >= 2)
	{
		if (p[-2] == '/' && p[-1] == '*')
		{
			if (--depth == 0)
				return p;
			p -= 2;
		}
		else if (p[-2] == '*' && p[-1] == '/')
		{
			depth++;
			p -= 2;
		}
		else
			p--;
	}
	return NULL;
}

/*
 * pss_tags_find
 *		The tags of a statement's text[0 .. len): those of a block comment
 *		that starts it and of one that ends it (before a ";"), in the order
 *		written.  Returns how many.  Looks at nothing else of the text.
 *
 * The before bytes in front of text are the rest of the string it came
 * from: from PostgreSQL 18 on, a statement starts at its first token, and
 * a comment in front of it is there, after white space.  Only one such
 * comment is looked for, so the cost is bounded by its length, however
 * many statements came before.
 */
int
pss_tags_find(const char *text, size_t len, size_t before, PssTags *tags)
{
	const char *p = text;
	const char *end = text + len;
	const char *lead_end = p;

	tags->n = 0;
	while (p < end && tag_blank(*p))
		p++;
	if (end - p >= 4 && p[0] == '/' && p[1] == '*')
	{
		const char *q = comment_end(p + 2, end);

		if (q != NULL)
		{
			tags_parse(p + 2, q, tags);
			lead_end = q + 2;
		}
	}
	else if (before >= 4)
	{
		const char *b = text;

		while (b > text - before && tag_blank(b[-1]))
			b--;
		if (b - (text - before) >= 4 && b[-1] == '/' && b[-2] == '*')
		{
			const char *s = comment_start(text - before, b - 2);

			if (s != NULL)
				tags_parse(s, b - 2, tags);
		}
	}
	while (end > lead_end && (tag_blank(end[-1]) || end[-1] == ';'))
		end--;
	if (end - lead_end >= 4 && end[-1] == '/' && end[-2] == '*')
	{
		const char *s = comment_start(lead_end, end - 2);

		if (s != NULL)
			tags_parse(s, end - 2, tags);
	}
	return tags->n;
}

/*
 * tag_hash
 *		Hash s[0 .. n) into h, eight bytes at a time (in the machine's byte
 *		order: ids never leave their server).
 */
static inline uint64_t
tag_hash(uint64_t h, const char *s, size_t n)
{
	const uint64_t k = UINT64_C(0x9e3779b97f4a7c15);
	uint64_t	w;

	h = (h ^ n) * k;
	while (n >= 8)
	{
		memcpy(&w, s, 8);
		h = (h ^ w) * k;
		h ^= h >> 29;
		s += 8;
		n -= 8;
	}
	if (n > 0)
	{
		w = 0;
		memcpy(&w, s, n);
		h = (h ^ w) * k;
		h ^= h >> 29;
	}
	return h;
}

/*
 * pss_tags_id
 *		An id of a statement's tags, without traceparent and tracestate,
 *		with their values if values is true: the same tags give the same
 *		id in any order (each tag's hash is added).  Computed from the tags
 *		as written, for speed: a value encoded another way gives another id
 *		(libraries encode the same way each time).  0 for no tags.
 */
uint64_t
pss_tags_id(const PssTags *tags, bool values)
{
	uint64_t	id = 0;

	for (int i = 0; i < tags->n; i++)
	{
		const PssTag *t = &tags->tag[i];
		uint64_t	h;

		if (t->trace)
			continue;
		h = tag_hash(UINT64_C(0x243f6a8885a308d3), t->key, t->key_len);
		if (values)
			h = tag_hash(h, t->value, t->value_len);
		h ^= h >> 32;
		id += h * UINT64_C(0xbf58476d1ce4e5b9);
	}
	return id;
}

/*
 * hex_value
 *		The value of a hexadecimal digit, or -1.
 */
static inline int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * utf8_valid
 *		Is s[0 .. n) valid UTF-8 (no overlong forms, no surrogates)?
 */
static bool
utf8_valid(const unsigned char *s, size_t n)
{
	size_t		i = 0;

	while (i < n)
	{
		unsigned char c = s[i];
		size_t		k;
		uint32_t	cp;

		if (c < 0x80)
		{
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			k = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 3, cp = c & 0x07;
		else
			return false;
		if (n - i <= k)
			return false;
		for (size_t j = 1; j <= k; j++)
		{
			if ((s[i + j] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + j] & 0x3f);
		}
		if ((k == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
			(k == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return false;
		i += k + 1;
	}
	return true;
}

/*
 * tag_decode
 *		The value of a sqlcommenter tag as meant: "%XX" is the byte XX, a
 *		backslash escapes the byte after it.  A "%" not followed by two hex
 *		digits stays as it is.  Writes at most n bytes to out (the decoded
 *		text is never longer) and returns how many; -1 if the result may not
 *		be shown as decoded: a NUL or a control byte, or a byte above 0x7f
 *		that is not valid UTF-8 in a UTF-8 text (or at all, in another
 *		encoding, whose bytes we do not check).
 */
static int
tag_decode(const char *v, size_t n, bool utf8, char *out)
{
	size_t		i = 0;
	int			o = 0;
	bool		high = false;

	while (i < n)
	{
		unsigned char c = (unsigned char) v[i];

		if (c == '\\' && i + 1 < n)
		{
			c = (unsigned char) v[i + 1];
			i += 2;
		}
		else if (c == '%' && i + 2 < n && hex_value(v[i + 1]) >= 0 &&
				 hex_value(v[i + 2]) >= 0)
		{
			c = (unsigned char) (hex_value(v[i + 1]) * 16 +
								 hex_value(v[i + 2]));
			i += 3;
		}
		else
			i++;
		if (c < 0x20 || c == 0x7f)
			return -1;
		if (c >= 0x80)
			high = true;
		out[o++] = (char) c;
	}
	if (high && (!utf8 || !utf8_valid((const unsigned char *) out, o)))
		return -1;
	return o;
}

/*
 * json_string_size
 *		Bytes s[0 .. n) take as a JSON string, quotes included.
 */
static size_t
json_string_size(const char *s, size_t n)
{
	size_t		size = 2;

	for (size_t i = 0; i < n; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c == '"' || c == '\\')
			size += 2;
		else if (c < 0x20)
			size += 6;
		else
			size += 1;
	}
	return size;
}

/*
 * json_string
 *		Write s[0 .. n) as a JSON string at out (json_string_size bytes).
 */
static char *
json_string(char *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	*out++ = '"';
	for (size_t i = 0; i < n; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c == '"' || c == '\\')
		{
			*out++ = '\\';
			*out++ = (char) c;
		}
		else if (c < 0x20)
		{
			memcpy(out, "\\u00", 4);
			out[4] = hex[c >> 4];
			out[5] = hex[c & 15];
			out += 6;
		}
		else
			*out++ = (char) c;
	}
	*out++ = '"';
	return out;
}

/*
 * pss_tags_json
 *		Write tags as a JSON object to out (cap bytes, no terminating NUL),
 *		and return its length, or 0 if cap is too small for "{}".
 *
 * Keys and sqlcommenter values are URL-decoded when the result is a
 * readable text (see tag_decode), and kept as written otherwise; the
 * statement's text is valid in its encoding, so either is.  Without
 * PSS_TAGS_TRACE, traceparent and tracestate are left out; without
 * PSS_TAGS_VALUES, every value is null.  Keys are sorted, and a key seen
 * twice is written once (its first value).  A tag that would make the
 * object longer than cap is left out, and so are the ones after it.
 */
size_t
pss_tags_json(const PssTags *unsorted, int flags, char *out, size_t cap)
{
	PssTags		sorted = *unsorted;
	const PssTags *tags = &sorted;
	char		key[PSS_TAG_KEY_MAX];
	char		value[PSS_TAG_VALUE_MAX];
	char	   *o = out;
	bool		utf8 = (flags & PSS_TAGS_UTF8) != 0;

	if (cap < 2)
		return 0;
	if (sorted.n > 1)
		tags_sort(&sorted);
	*o++ = '{';
	for (int i = 0; i < tags->n; i++)
	{
		const PssTag *t = &tags->tag[i];
		const char *k = t->key;
		const char *v = t->value;
		int			kl = t->key_len;
		int			vl = t->value_len;
		size_t		need;

		if (t->trace && !(flags & PSS_TAGS_TRACE))
			continue;
		if (memchr(k, '%', kl) != NULL)
		{
			int			d = tag_decode(k, kl, utf8, key);

			if (d > 0)
				k = key, kl = d;
		}
		if (!(flags & PSS_TAGS_VALUES))
			v = "null", vl = 4;
		else if (t->quoted)
		{
			int			d = tag_decode(v, vl, utf8, value);

			if (d >= 0)
				v = value, vl = d;
		}
		need = (o > out + 1) + json_string_size(k, kl) + 1 +
			((flags & PSS_TAGS_VALUES) ? json_string_size(v, vl) : 4);
		if ((size_t) (o - out) + need + 1 > cap)
			break;
		if (o > out + 1)
			*o++ = ',';
		o = json_string(o, k, kl);
		*o++ = ':';
		if (flags & PSS_TAGS_VALUES)
			o = json_string(o, v, vl);
		else
		{
			memcpy(o, "null", 4);
			o += 4;
		}
	}
	*o++ = '}';
	return o - out;
}

/*
 * pss_tags_raw
 *		Write tags as the store keeps them, to be made JSON only when read
 *		(pss_tags_from_raw): "V" (with their values) or "K" (keys only),
 *		then each tag as written in the comment (key='value' or key:value;
 *		key='' without values), separated by commas; traceparent and
 *		tracestate only if trace.  At most cap bytes: a tag that does not
 *		fit is left out, and so are the ones after it.  Returns the length.
 */
size_t
pss_tags_raw(const PssTags *tags, bool values, bool trace, char *out,
			 size_t cap)
{
	size_t		n = 0;

	if (cap < 1)
		return 0;
	out[n++] = values ? 'V' : 'K';
	for (int i = 0; i < tags->n; i++)
	{
		const PssTag *t = &tags->tag[i];
		size_t		vlen = values ? t->value_len : 0;
		size_t		need = (n > 1) + t->key_len + 3 + vlen;

		if (t->trace && !trace)
			continue;
		if (n + need > cap)
			break;
		if (n > 1)
			out[n++] = ',';
		memcpy(out + n, t->key, t->key_len);
		n += t->key_len;
		if (values && !t->quoted)
		{
			out[n++] = ':';
			memcpy(out + n, t->value, vlen);
			n += vlen;
		}
		else
		{
			out[n++] = '=';
			out[n++] = '\'';
			memcpy(out + n, t->value, vlen);
			n += vlen;
			out[n++] = '\'';
		}
	}
	return n;
}

/*
 * pss_tags_from_raw
 *		Read back what pss_tags_raw wrote (raw[0 .. len)) into tags; returns
 *		the pss_tags_json flags it calls for (PSS_TAGS_VALUES if the values
 *		were kept; PSS_TAGS_TRACE, as whatever trace tags are there are to
 *		be shown), or -1 if raw is not such a text.
 */
int
pss_tags_from_raw(const char *raw, size_t len, PssTags *tags)
{
	tags->n = 0;
	if (len < 1 || (raw[0] != 'V' && raw[0] != 'K'))
		return -1;
	if (len > 1)
		tags_parse(raw + 1, raw + len, tags);
	return PSS_TAGS_TRACE | (raw[0] == 'V' ? PSS_TAGS_VALUES : 0);
}
