/*-------------------------------------------------------------------------
 *
 * test_tags.c
 *	  Unit tests of src/tags.c: reading sqlcommenter and marginalia tags
 *	  from a statement's comments, and writing them as JSON, with hostile
 *	  comments.
 *
 * test/unit/test_tags.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tags.h"
#include "unit_check.h"

/*
 * json_of
 *		The JSON of text's tags with flags, as a C string (static buffer),
 *		and how many tags were found in *n.
 */
static const char *
json_of(const char *text, int flags, int *n)
{
	static char out[PSS_TAGS_JSON_MAX + 1];
	PssTags		tags;
	size_t		len;

	*n = pss_tags_find(text, strlen(text), 0, &tags);
	CHECK(*n == 0 || pss_tags_maybe(text, strlen(text), 0),
		  "%s: tags found where pss_tags_maybe says none", text);
	len = pss_tags_json(&tags, flags, out, PSS_TAGS_JSON_MAX);
	out[len] = '\0';
	return out;
}

/*
 * expect
 *		Check text's tags: count n and JSON json under flags.
 */
static void
expect(const char *text, int flags, int n, const char *json)
{
	int			found;
	const char *got = json_of(text, flags, &found);

	CHECK(found == n && strcmp(got, json) == 0,
		  "%s: %d tags %s, expected %d %s", text, found, got, n, json);
}

#define ALL (PSS_TAGS_VALUES | PSS_TAGS_TRACE | PSS_TAGS_UTF8)
#define SOURCE (PSS_TAGS_VALUES | PSS_TAGS_UTF8)

int
main(void)
{
	const char *django =
		"SELECT * FROM orders WHERE id = %s "
		"/*action='show',controller='orders',framework='django%3A4.2',"
		"route='%2Forders%2F%3Cint%3Aid%3E',"
		"traceparent='00-5bd66ef5095369c7b0d1f8f4bd33716a-c532cb4098ac3dd2-01'*/";
	char		big[20000];
	char	   *p;

	/* sqlcommenter as Django sends it: sorted, decoded, trace apart */
	expect(django, SOURCE, 5,
		   "{\"action\":\"show\",\"controller\":\"orders\","
		   "\"framework\":\"django:4.2\",\"route\":\"/orders/<int:id>\"}");
	expect(django, ALL, 5,
		   "{\"action\":\"show\",\"controller\":\"orders\","
		   "\"framework\":\"django:4.2\",\"route\":\"/orders/<int:id>\","
		   "\"traceparent\":\"00-5bd66ef5095369c7b0d1f8f4bd33716a-c532cb4098ac3dd2-01\"}");
	/* capture_constants off: keys only */
	expect(django, PSS_TAGS_UTF8, 5,
		   "{\"action\":null,\"controller\":null,\"framework\":null,"
		   "\"route\":null}");

	/* marginalia, appended or prepended; Rails' line tag */
	expect("SELECT 1 /*application:Shop,controller:posts,action:index*/",
		   SOURCE, 3,
		   "{\"action\":\"index\",\"application\":\"Shop\",\"controller\":\"posts\"}");
	expect("/*application:Shop,controller:posts*/ SELECT 1", SOURCE, 2,
		   "{\"application\":\"Shop\",\"controller\":\"posts\"}");
	expect("SELECT 1 /*line:/app/models/post.rb:12:in 'index'*/", SOURCE, 1,
		   "{\"line\":\"/app/models/post.rb:12:in 'index'\"}");
	/* a ";" and blanks after the comment; both ends */
	expect("SELECT 1 /*a='1'*/ ; \n", SOURCE, 1, "{\"a\":\"1\"}");
	expect("/*b:2*/ SELECT 1 /*a='1'*/", SOURCE, 2,
		   "{\"a\":\"1\",\"b\":\"2\"}");
	/* the same key twice: the first written */
	expect("SELECT 1 /*k='1',k='2'*/", SOURCE, 2, "{\"k\":\"1\"}");
	/* spaces around pairs */
	expect("SELECT 1 /* a='1' , b='2' */", SOURCE, 2,
		   "{\"a\":\"1\",\"b\":\"2\"}");

	/* comments that are not tags */
	expect("SELECT 1", SOURCE, 0, "{}");
	expect("SELECT 1 /* TODO: check this, later */", SOURCE, 0, "{}");
	expect("SELECT 1 /*+ SeqScan(t) */", SOURCE, 0, "{}");
	expect("/*+ IndexScan(t) */ SELECT 1", SOURCE, 0, "{}");
	expect("SELECT 1 /* fetch the orders */", SOURCE, 0, "{}");
	expect("SELECT 1 /**/", SOURCE, 0, "{}");
	expect("SELECT 1 -- a='1'", SOURCE, 0, "{}");
	/* a comment in the middle is not read */
	expect("SELECT /*a='1'*/ 1", SOURCE, 0, "{}");
	/* one inside a string is not a comment */
	expect("SELECT '/*a=''1''*/'", SOURCE, 0, "{}");
	/* broken quoting: the whole comment is not tags */
	expect("SELECT 1 /*a='1,b='2*/", SOURCE, 0, "{}");
	expect("SELECT 1 /*a='1' b='2'*/", SOURCE, 0, "{}");
	expect("SELECT 1 /*a=1*/", SOURCE, 0, "{}");
	/* unterminated or unbalanced comments */
	expect("SELECT 1 /*a='1'", SOURCE, 0, "{}");
	expect("SELECT 1 a='1'*/", SOURCE, 0, "{}");
	expect("*/", SOURCE, 0, "{}");
	expect("/*", SOURCE, 0, "{}");
	expect("", SOURCE, 0, "{}");
	/* nested comments: the outer one is read as a whole */
	expect("SELECT 1 /*a='1' /* b */*/", SOURCE, 0, "{}");

	/* escapes: \' in a value, %ZZ kept as written, %27 a quote */
	expect("SELECT 1 /*a='it\\'s',b='%ZZ',c='100%',d='%27'*/", SOURCE, 4,
		   "{\"a\":\"it's\",\"b\":\"%ZZ\",\"c\":\"100%\",\"d\":\"'\"}");
	/* JSON specials in a marginalia value: escaped */
	expect("SELECT 1 /*a:x\"y\\z*/", SOURCE, 1, "{\"a\":\"x\\\"y\\\\z\"}");
	/* decoded bytes that are not text: kept as written */
	expect("SELECT 1 /*a='%FF%FE',b='%0A',c='%00'*/", SOURCE, 3,
		   "{\"a\":\"%FF%FE\",\"b\":\"%0A\",\"c\":\"%00\"}");
	/* valid UTF-8 decodes in a UTF-8 text, not in another encoding */
	expect("SELECT 1 /*a='%C3%A9'*/", SOURCE, 1, "{\"a\":\"\xc3\xa9\"}");
	expect("SELECT 1 /*a='%C3%A9'*/", PSS_TAGS_VALUES, 1,
		   "{\"a\":\"%C3%A9\"}");
	/* an overlong form and a surrogate are not valid UTF-8 */
	expect("SELECT 1 /*a='%C0%AF',b='%ED%A0%80'*/", SOURCE, 2,
		   "{\"a\":\"%C0%AF\",\"b\":\"%ED%A0%80\"}");
	/* encoded keys are decoded */
	expect("SELECT 1 /*my%20key='v'*/", SOURCE, 1, "{\"my key\":\"v\"}");

	/* a comment in front of the statement's text (18+ leaves it out) */
	{
		const char *src = "SELECT 0; /*a:1*/ \n SELECT 1 /*b='2'*/";
		const char *stmt = strstr(src, "\n SELECT 1") + 2;
		PssTags		tags;
		char		out[64];
		size_t		n;

		CHECK(pss_tags_find(stmt, strlen(stmt), stmt - src, &tags) == 2,
			  "a comment before the text: 2 tags");
		n = pss_tags_json(&tags, SOURCE, out, sizeof(out));
		CHECK(n == 17 && memcmp(out, "{\"a\":\"1\",\"b\":\"2\"}", n) == 0,
			  "a comment before the text: %.*s", (int) n, out);
		/* only whitespace may separate it; the ";" before does not count */
		src = "SELECT 0 /*a:1*/; SELECT 1";
		stmt = strstr(src, "SELECT 1");
		CHECK(pss_tags_find(stmt, strlen(stmt), stmt - src, &tags) == 0,
			  "a comment before the previous statement's end is not ours");
		/* a comment of its own at the start is not read twice */
		src = "/*x:1*/ /*a:1*/ SELECT 1";
		stmt = src + 8;
		CHECK(pss_tags_find(stmt, strlen(stmt), 8, &tags) == 1,
			  "leading comment in the text: the one before is not read");
	}

	/* ids: the same tags in any order, traceparent aside; keys alone */
	{
		PssTags		a;
		PssTags		b;
		const char *t1 = "SELECT 1 /*route='%2Fa',action='x',traceparent='00-1-01'*/";
		const char *t2 = "SELECT 1 /*action='x',traceparent='00-2-01',route='%2Fa'*/";
		const char *t3 = "SELECT 1 /*action='y',route='%2Fa'*/";

		pss_tags_find(t1, strlen(t1), 0, &a);
		pss_tags_find(t2, strlen(t2), 0, &b);
		CHECK(pss_tags_id(&a, true) == pss_tags_id(&b, true) &&
			  pss_tags_id(&a, true) != 0, "same tags, other order and trace: same id");
		pss_tags_find(t3, strlen(t3), 0, &b);
		CHECK(pss_tags_id(&a, true) != pss_tags_id(&b, true),
			  "another value: another id");
		CHECK(pss_tags_id(&a, false) == pss_tags_id(&b, false),
			  "without values: the keys make the id");
		pss_tags_find("SELECT 1", 8, 0, &b);
		CHECK(pss_tags_id(&b, true) == 0, "no tags: id 0");
	}

	/* what the store keeps reads back as the same tags */
	{
		PssTags		a;
		PssTags		b;
		char		raw[PSS_TAGS_RAW_MAX];
		char		j1[PSS_TAGS_JSON_MAX];
		char		j2[PSS_TAGS_JSON_MAX];
		size_t		n1;
		size_t		n2;
		size_t		rlen;

		pss_tags_find(django, strlen(django), 0, &a);
		rlen = pss_tags_raw(&a, true, false, raw, sizeof(raw));
		CHECK(pss_tags_from_raw(raw, rlen, &b) == (PSS_TAGS_TRACE | PSS_TAGS_VALUES),
			  "raw with values: flags");
		n1 = pss_tags_json(&a, SOURCE, j1, sizeof(j1));
		n2 = pss_tags_json(&b, SOURCE | PSS_TAGS_TRACE, j2, sizeof(j2));
		CHECK(n1 == n2 && memcmp(j1, j2, n1) == 0,
			  "raw without trace reads back: %.*s", (int) n2, j2);
		rlen = pss_tags_raw(&a, false, true, raw, sizeof(raw));
		CHECK(raw[0] == 'K' && memchr(raw, '%', rlen) == NULL,
			  "raw without values holds none: %.*s", (int) rlen, raw);
		CHECK(pss_tags_from_raw("X", 1, &b) == -1, "not a raw text");
		CHECK(pss_tags_from_raw("V", 1, &b) == PSS_TAGS_TRACE + PSS_TAGS_VALUES &&
			  b.n == 0, "no tags");
	}

	/* bounds: hundreds of keys keep the first PSS_TAGS_MAX */
	p = big;
	p += sprintf(p, "SELECT 1 /*");
	for (int i = 0; i < 300; i++)
		p += sprintf(p, "%sk%03d='v'", i ? "," : "", i);
	sprintf(p, "*/");
	{
		int			n;
		const char *j = json_of(big, SOURCE, &n);

		CHECK(n == PSS_TAGS_MAX, "300 keys: %d kept", n);
		CHECK(strstr(j, "\"k015\"") != NULL && strstr(j, "\"k016\"") == NULL,
			  "300 keys: the first 16 kept: %s", j);
	}
	/* a value longer than PSS_TAG_VALUE_MAX, a key longer than the key's */
	p = big;
	p += sprintf(p, "SELECT 1 /*a='");
	memset(p, 'x', PSS_TAG_VALUE_MAX + 1);
	p += PSS_TAG_VALUE_MAX + 1;
	p += sprintf(p, "',b='1',");
	memset(p, 'k', PSS_TAG_KEY_MAX + 1);
	p += PSS_TAG_KEY_MAX + 1;
	sprintf(p, "='2'*/");
	expect(big, SOURCE, 1, "{\"b\":\"1\"}");
	/* kilobytes of a value that grows when escaped: JSON stays bounded */
	p = big;
	p += sprintf(p, "SELECT 1 /*");
	for (int i = 0; i < PSS_TAGS_MAX; i++)
	{
		p += sprintf(p, "%sk%02d:", i ? "," : "", i);
		for (int k = 0; k < PSS_TAG_VALUE_MAX; k++)
			*p++ = (k % 2) ? '\t' : '"';
	}
	sprintf(p, "*/");
	{
		int			n;
		const char *j = json_of(big, SOURCE, &n);
		size_t		len = strlen(j);

		CHECK(n == PSS_TAGS_MAX, "escaped values: %d tags", n);
		CHECK(len <= PSS_TAGS_JSON_MAX && len > 2 && j[0] == '{' &&
			  j[len - 1] == '}', "escaped values: JSON of %zu bytes", len);
	}
	/* a tiny buffer: "{}" or nothing */
	{
		PssTags		tags;
		char		out[8];

		pss_tags_find(django, strlen(django), 0, &tags);
		CHECK(pss_tags_json(&tags, SOURCE, out, 8) == 2 &&
			  memcmp(out, "{}", 2) == 0, "cap 8 gives {}");
		CHECK(pss_tags_json(&tags, SOURCE, out, 1) == 0, "cap 1 gives 0");
	}

	printf("%d passed, %d failed\n", passed, failed);
	return failed > 0;
}
