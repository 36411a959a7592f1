/*-------------------------------------------------------------------------
 *
 * sources.h
 *	  Who sent a statement: its source, the application_name, client
 *	  address and comment tags (tags.h) of the session and statement, and
 *	  the per-entry slots the store keeps the heaviest sources in.
 *
 * A source is known by a 64-bit id, a hash of its stored text:
 *
 *		application_name \0 client address \0 tags
 *
 * (the address empty for a Unix socket; the tags as written in the comment
 * (pss_tags_raw), made JSON only when read, without traceparent and
 * tracestate, which differ at each run, and with capture_constants off,
 * without their values).  The backend side (sources.c) works out the
 * source of each execution it accounts; the store (store.c) adds the
 * execution to one of the entry's pss_max_sources slots, under the entry's
 * spinlock.  The slots are a space-saving sketch: a source without a slot
 * takes the slot of least weight (calls, plus the weight of the source it
 * replaced, inherited), so a source that keeps sending more than 1/K of
 * the entry's calls keeps its slot and its calls are exact since it took
 * it.  The calls of the sources replaced stay in the entry's remainder,
 * which is the entry's calls less those of its slots: the rows always add
 * up to the entry's calls.
 *
 * src/sources.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PSS_SOURCES_H
#define PSS_SOURCES_H

#include "datatype/timestamp.h"
#include "tags.h"

/* The largest pg_slow_statements.max_sources */
#define PSS_MAX_SOURCES_LIMIT	32

/* The longest stored text of a source (see above) */
#define PSS_SOURCE_ADDR_MAX		64
#define PSS_SOURCE_TEXT_MAX \
	(2 + NAMEDATALEN + PSS_SOURCE_ADDR_MAX + PSS_TAGS_RAW_MAX)

/*
 * The source of the execution being accounted (sources.c owns it): id 0
 * when sources are not kept.  text is made only when the store needs it
 * (pss_source_text), as most executions come from a source their entry
 * already has.
 */
typedef struct PssSource
{
	uint64		id;
	bool		tagged;			/* the statement carries tags */
} PssSource;

/*
 * One of an entry's sources: 48 bytes, beside the entries.  calls,
 * total_ms, max_ms and last_call change under the entry's spinlock; id,
 * weight and the text change under the store's exclusive lock and the
 * spinlock both (which slot holds which source, and its text, are read
 * under the shared lock).  id 0: a free slot.  The text starts with its
 * length in two bytes.
 */
typedef struct PssSourceSlot
{
	uint64		id;
	int64		calls;			/* exact, since it took the slot */
	double		total_ms;
	double		max_ms;
	TimestampTz last_call;		/* the start of its last execution */
	int32		text_head;		/* PSS_NO_CHUNK: no text */
	uint32		inherited;		/* weight of the source it replaced
								 * (saturating): its weight is calls +
								 * inherited */
} PssSourceSlot;

/* A copy of one of an entry's sources, for readers */
typedef struct PssSourceCopy
{
	uint64		id;
	int64		calls;
	double		total_ms;
	double		max_ms;
	TimestampTz last_call;
	uint32		inherited;
	int			text_len;		/* -1: none */
	char	   *text;
} PssSourceCopy;

extern const PssSource *pss_source_of(const char *text, size_t len,
									   size_t before);
extern const char *pss_source_text(bool with_trace, int *len);
extern bool pss_source_split(const char *text, int len, const char **app,
							 const char **addr, const char **tags,
							 int *tags_len);

#endif							/* PSS_SOURCES_H */
