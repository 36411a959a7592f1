/*-------------------------------------------------------------------------
 *
 * fuzz_tags.c
 *	  libFuzzer harness for the comment tags reader (src/tags.c).
 *
 * Build with clang -fsanitize=fuzzer,address,undefined (see the fuzz and
 * fuzz-smoke targets of test/unit/Makefile).  Every input is read as a
 * statement's text by pss_tags_find (its first byte, modulo the size,
 * says how many bytes of it come before the statement), and its tags written by pss_tags_json
 * under each combination of flags, into a buffer of exactly
 * PSS_TAGS_JSON_MAX bytes and into one of 16, checking that:
 *
 *	- pss_tags_maybe is true wherever tags are found;
 *	- at most PSS_TAGS_MAX tags are found, every key and value within its
 *	  bound and inside the input;
 *	- the id does not change when the tags are given in reverse order;
 *	- what the store keeps (pss_tags_raw) reads back (pss_tags_from_raw)
 *	  as tags of the same JSON;
 *	- the JSON is within its buffer, starts with "{" and ends with "}",
 *	  holds no control byte, and has as many keys as tags written (counted
 *	  by its unescaped quotes: four per tag, two with null values);
 *	- the same input gives the same JSON twice.
 *
 * test/fuzz/fuzz_tags.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tags.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * check_json
 *		Abort unless out[0 .. len) is a JSON object of tags as tags.c
 *		writes them.
 */
static void
check_json(const char *out, size_t len, size_t cap)
{
	size_t		quotes = 0;

	if (len > cap || (len != 0 && len < 2))
		abort();
	if (len == 0)
		return;
	if (out[0] != '{' || out[len - 1] != '}')
		abort();
	for (size_t i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) out[i];

		if (c < 0x20)
			abort();
		if (c == '\\')
			i++;
		else if (c == '"')
			quotes++;
	}
	if (quotes % 2 != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *) data;
	PssTags		tags;
	size_t		before = size > 0 ? data[0] % (size + 1) : 0;
	int			n;

	/* the first byte says how much of the input is before the text */
	text += before;
	n = pss_tags_find(text, size - before, before, &tags);
	text -= before;
	char	   *out = malloc(PSS_TAGS_JSON_MAX);
	char	   *again = malloc(PSS_TAGS_JSON_MAX);
	char	   *small = malloc(16);

	if (n < 0 || n > PSS_TAGS_MAX || n != tags.n)
		abort();
	/* the inline test never says no where tags are found */
	if (n > 0 && !pss_tags_maybe(text + before, size - before, before))
		abort();
	for (int i = 0; i < n; i++)
	{
		const PssTag *t = &tags.tag[i];

		if (t->key_len == 0 || t->key_len > PSS_TAG_KEY_MAX ||
			t->value_len > PSS_TAG_VALUE_MAX ||
			t->key < text || t->key + t->key_len > text + size ||
			t->value < text || t->value + t->value_len > text + size)
			abort();
	}
	{
		PssTags		reversed;

		reversed.n = n;
		for (int i = 0; i < n; i++)
			reversed.tag[i] = tags.tag[n - 1 - i];
		if (pss_tags_id(&tags, true) != pss_tags_id(&reversed, true) ||
			pss_tags_id(&tags, false) != pss_tags_id(&reversed, false))
			abort();
	}
	/* what the store keeps reads back as the same tags */
	for (int values = 0; values <= 1; values++)
	{
		char	   *raw = malloc(PSS_TAGS_RAW_MAX);
		size_t		rlen = pss_tags_raw(&tags, values, true, raw,
										PSS_TAGS_RAW_MAX);
		PssTags		back;
		int			flags = pss_tags_from_raw(raw, rlen, &back);
		size_t		a;
		size_t		b;

		if (flags < 0 || back.n != n)
			abort();
		a = pss_tags_json(&tags, PSS_TAGS_TRACE | (values ? PSS_TAGS_VALUES : 0),
						  out, PSS_TAGS_JSON_MAX);
		b = pss_tags_json(&back, flags, again, PSS_TAGS_JSON_MAX);
		if (a != b || memcmp(out, again, a) != 0)
			abort();
		free(raw);
	}
	for (int flags = 0; flags < 8; flags++)
	{
		size_t		len = pss_tags_json(&tags, flags, out, PSS_TAGS_JSON_MAX);
		size_t		len2 = pss_tags_json(&tags, flags, again,
										 PSS_TAGS_JSON_MAX);
		size_t		slen = pss_tags_json(&tags, flags, small, 16);

		check_json(out, len, PSS_TAGS_JSON_MAX);
		check_json(small, slen, 16);
		if (len != len2 || memcmp(out, again, len) != 0)
			abort();
	}
	free(out);
	free(again);
	free(small);
	return 0;
}
