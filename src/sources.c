/*-------------------------------------------------------------------------
 *
 * sources.c
 *	  The source of each execution accounted: application_name, client
 *	  address and comment tags (see sources.h).
 *
 * Runs on the hot path once per execution accounted, and allocates
 * nothing (it also runs while a transaction aborts).  What changes seldom
 * is kept from one execution to the next in the backend's one
 * SourceState: the application_name's hash (checked against a copy of the
 * name, as a SET may change it at any time) and the client's address,
 * which never changes.  A statement's tags are read only from a comment
 * at its start or end (tags.c), so a statement without one costs a few
 * compares; the source's id comes from the tags as written, and the text
 * (decoded tags as JSON) is made only when the store needs it, for a
 * source new to its entry or the slowest run.
 *
 * src/sources.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "common/ip.h"
#include "libpq/libpq-be.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/guc.h"

#include "pg_slow_statements.h"
#include "sources.h"

/* The backend's source state: one owner, this file */
typedef struct SourceState
{
	bool		addr_known;
	int			addr_len;
	char		addr[PSS_SOURCE_ADDR_MAX];	/* "" for a Unix socket */
	uint64		addr_hash;
	int			app_len;
	char		app[NAMEDATALEN];	/* application_name, truncated */
	uint64		base;			/* the hash of app and addr, never 0 */
	PssTags		tags;			/* the last statement's tags */
	bool		values;			/* with their values (capture_constants) */
	PssSource	source;			/* the last statement's source */
	char		text[PSS_SOURCE_TEXT_MAX];	/* pss_source_text's */
} SourceState;

static SourceState state;

/*
 * source_hash
 *		A 64-bit hash of bytes s[0 .. n).
 */
static inline uint64
source_hash(const char *s, size_t n, uint64 seed)
{
	return hash_bytes_extended((const unsigned char *) s, (int) n, seed);
}

/*
 * source_addr
 *		The client's address as pg_stat_activity's client_addr shows it,
 *		once per backend: empty for a Unix socket or a background worker.
 */
static void
source_addr(void)
{
	state.addr_known = true;
	state.addr[0] = '\0';
	if (MyProcPort != NULL &&
		(MyProcPort->raddr.addr.ss_family == AF_INET ||
		 MyProcPort->raddr.addr.ss_family == AF_INET6))
	{
		char		host[NI_MAXHOST];

		if (pg_getnameinfo_all(&MyProcPort->raddr.addr,
							   MyProcPort->raddr.salen,
							   host, sizeof(host), NULL, 0,
							   NI_NUMERICHOST | NI_NUMERICSERV) == 0)
		{
			/* an IPv6 zone ("%eth0"), which inet cannot hold, left out */
			host[strcspn(host, "%")] = '\0';
			strlcpy(state.addr, host, sizeof(state.addr));
		}
	}
	state.addr_len = (int) strlen(state.addr);
	state.addr_hash = source_hash(state.addr, state.addr_len, 1);
}

/*
 * pss_source_of
 *		The source of the statement whose text is text[0 .. len), sent by
 *		this session now, the before bytes in front of it being the rest of
 *		its source string (where a comment that starts it may be, see
 *		pss_tags_find).  The result stays valid until the next call.
 */
const PssSource *
pss_source_of(const char *text, size_t len, size_t before)
{
	const char *app = application_name != NULL ? application_name : "";
	uint64		id;

	if (unlikely(strncmp(app, state.app, NAMEDATALEN - 1) != 0 ||
				 state.base == 0))
	{
		if (!state.addr_known)
			source_addr();
		state.app_len = (int) strnlen(app, NAMEDATALEN - 1);
		memcpy(state.app, app, state.app_len);
		state.app[state.app_len] = '\0';
		state.base = hash_combine64(source_hash(state.app, state.app_len, 2),
									state.addr_hash) | 1;
	}

	id = state.base;
	state.source.tagged = false;
	if (len > 0 && pss_tags_maybe(text, len, before) &&
		pss_tags_find(text, len, before, &state.tags) > 0)
	{
		uint64		tags_id;

		/* the text is made only if the store asks for it */
		state.values = pss_capture_constants;
		tags_id = pss_tags_id(&state.tags, state.values);
		/* traceparent alone is not part of a source: id as if untagged */
		if (tags_id != 0)
			id = hash_combine64(id, tags_id);
		state.source.tagged = true;
	}
	state.source.id = id != 0 ? id : 1;
	return &state.source;
}

/*
 * pss_source_text
 *		The stored text of the last statement's source (see sources.h),
 *		after its length in two bytes: with traceparent and tracestate if
 *		with_trace (the slowest run's), not if not (a source's).  Sets
 *		*len to the bytes of the whole.  A copy of the tags' bytes, no
 *		decoding: that is left to the readers.
 */
const char *
pss_source_text(bool with_trace, int *len)
{
	char	   *t = state.text;
	int			n = 2;

	memcpy(t + n, state.app, state.app_len + 1);
	n += state.app_len + 1;
	memcpy(t + n, state.addr, state.addr_len + 1);
	n += state.addr_len + 1;
	if (!state.source.tagged)
		t[n++] = 'V';			/* no tags */
	else
		n += (int) pss_tags_raw(&state.tags, state.values, with_trace, t + n,
								PSS_SOURCE_TEXT_MAX - n);
	t[0] = (char) (n & 0xff);
	t[1] = (char) (n >> 8);
	*len = n;
	return t;
}

/*
 * pss_source_split
 *		The parts of a stored source text (with its length prefix) of len
 *		bytes: *app and *addr are NUL-terminated, *tags the tags as
 *		pss_tags_raw wrote them, *tags_len bytes (pss_tags_from_raw reads
 *		them back).  False if the text is not one (a saved file's is
 *		checked when loaded).
 */
bool
pss_source_split(const char *text, int len, const char **app,
				 const char **addr, const char **tags, int *tags_len)
{
	const char *p = text + 2;
	const char *end = text + len;
	const char *z;

	if (len < 5 || len > PSS_SOURCE_TEXT_MAX ||
		((unsigned char) text[0] | ((unsigned char) text[1] << 8)) != len)
		return false;
	z = memchr(p, '\0', end - p);
	if (z == NULL)
		return false;
	*app = p;
	p = z + 1;
	z = memchr(p, '\0', end - p);
	if (z == NULL)
		return false;
	*addr = p;
	/* an address as written by source_addr: what inet's input takes */
	if (strspn(p, "0123456789abcdefABCDEF.:") != (size_t) (z - p))
		return false;
	*tags = z + 1;
	*tags_len = (int) (end - (z + 1));
	return *tags_len >= 1 && ((*tags)[0] == 'V' || (*tags)[0] == 'K');
}
