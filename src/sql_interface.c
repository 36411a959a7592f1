/*-------------------------------------------------------------------------
 *
 * sql_interface.c
 *	  SQL-callable functions: the statistics, reset, info, and the
 *	  fingerprint and normalizer for users and tools.
 *
 * The statistics function copies the store under its shared lock (store.c)
 * and builds its output afterwards, so a slow client never holds the lock.
 * Rows of other users are shown without their text and queryid unless the
 * caller has the privileges of pg_read_all_stats, as pg_stat_statements
 * does.
 *
 * src/sql_interface.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_type.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"
#include "utils/wait_event.h"

#include "activity.h"
#include "compat.h"
#include "exec_measure.h"
#include "fingerprint.h"
#include "history.h"
#include "stmt_text.h"
#include "pg_slow_statements.h"
#include "sources.h"
#include "store.h"
#include "view_copy.h"

/*
 * The versions of pg_slow_statements() the extension's SQL scripts have
 * declared: the library serves each, so that an installation not yet
 * updated (ALTER EXTENSION ... UPDATE) keeps working with a newer library.
 */
typedef enum PssApiVersion
{
	PSS_V1_0,
	PSS_V1_1,
	PSS_V1_2
} PssApiVersion;

/*
 * The columns of pg_slow_statements(), numbered in the order of
 * counterlist.h; each extension version has the first PSS_COLS_V1_n of
 * them.
 */
typedef enum PssColumn
{
#define PSS_ANY_COLUMN(name, sqltype)	PSS_COL_##name,
#include "counterlist.h"
	PSS_COLS
} PssColumn;

#define PSS_COLS_V1_0		(PSS_COL_last_call + 1)
#define PSS_COLS_V1_1		(PSS_COL_custom_plan_calls + 1)
#define PSS_COLS_V1_2		PSS_COLS

/* A released version's columns never change */
StaticAssertDecl(PSS_COLS_V1_0 == 61 && PSS_COLS_V1_1 == 72,
				 "the columns of pg_slow_statements() 1.0 or 1.1 changed");

/* The SQL types of counterlist.h */
#define PSS_TYPE_oid			OIDOID
#define PSS_TYPE_boolean		BOOLOID
#define PSS_TYPE_int8			INT8OID
#define PSS_TYPE_float8			FLOAT8OID
#define PSS_TYPE_usec			FLOAT8OID
#define PSS_TYPE_cpu_usec		FLOAT8OID
#define PSS_TYPE_numeric		NUMERICOID
#define PSS_TYPE_timestamptz	TIMESTAMPTZOID
#define PSS_TYPE_text			TEXTOID
#define PSS_TYPE_jsonb			JSONBOID
#define PSS_TYPE_sqlstate		TEXTOID

/* Each column's name and type, to check the function's declaration */
typedef struct PssColumnDesc
{
	const char *name;
	Oid			type;
} PssColumnDesc;

static const PssColumnDesc pss_columns[PSS_COLS] = {
#define PSS_ANY_COLUMN(name, sqltype)	{#name, PSS_TYPE_##sqltype},
#include "counterlist.h"
};

/* Number of output columns of pg_slow_statements_info(): 1.0, then 1.1 */
#define PSS_INFO_COLS_V1_0	7
#define PSS_INFO_COLS		8

/*
 * Number of output columns of pg_slow_statements_top_rows(): 1.1, then 1.2
 * (mostly, trend and top_source, appended)
 */
#define PSS_TOP_COLS_V1_1	14
#define PSS_TOP_COLS		17

/* Intervals of recent history in pg_slow_statements_top's trend */
#define PSS_TREND_INTERVALS	10
StaticAssertDecl(PSS_TREND_INTERVALS <= PSS_RECENT_TOTALS_MAX,
				 "the trend's intervals must fit pss_store_recent_totals");

PG_FUNCTION_INFO_V1(pg_slow_statements_1_0);
PG_FUNCTION_INFO_V1(pg_slow_statements_1_1);
PG_FUNCTION_INFO_V1(pg_slow_statements_1_2);
PG_FUNCTION_INFO_V1(pg_slow_statements_reset_1_0);
PG_FUNCTION_INFO_V1(pg_slow_statements_info);
PG_FUNCTION_INFO_V1(pg_slow_statements_fingerprint);
PG_FUNCTION_INFO_V1(pg_slow_statements_normalize);
PG_FUNCTION_INFO_V1(pg_slow_statements_histogram);
PG_FUNCTION_INFO_V1(pg_slow_statements_top_rows);
PG_FUNCTION_INFO_V1(pg_slow_statements_waits);
PG_FUNCTION_INFO_V1(pg_slow_statements_history);
PG_FUNCTION_INFO_V1(pg_slow_statements_recent);
PG_FUNCTION_INFO_V1(pg_slow_statements_plans);
PG_FUNCTION_INFO_V1(pg_slow_statements_sources);

static Datum pg_slow_statements_rows(FunctionCallInfo fcinfo,
									 PssApiVersion api);


static char *convert_text(const char *text, int len, int encoding);

/*
 * text_is_ascii
 *		Are the len bytes at s all ASCII?  Eight bytes at a time: only texts
 *		of another encoding than the database's are checked, but those may
 *		be many.
 */
static inline bool
text_is_ascii(const char *s, int len)
{
	uint64		high = 0;
	int			i = 0;

	for (; i + (int) sizeof(uint64) <= len; i += sizeof(uint64))
	{
		uint64		word;

		memcpy(&word, s + i, sizeof(uint64));
		high |= word;
	}
	for (; i < len; i++)
		high |= (unsigned char) s[i];
	return (high & UINT64CONST(0x8080808080808080)) == 0;
}

/*
 * shown_as_is
 *		Can the len bytes at s, a text stored in encoding, be shown as they
 *		are?  A text of the database's encoding can, with no check, unless
 *		that is SQL_ASCII: such a server checks what it sends against
 *		client_encoding, and fails the query on bytes not valid in it, so
 *		there convert_text checks them first.  An ASCII text can anywhere.
 */
static inline bool
shown_as_is(int encoding, const char *s, int len)
{
	int			db_encoding = GetDatabaseEncoding();

	return (encoding == db_encoding && db_encoding != PG_SQL_ASCII) ||
		text_is_ascii(s, len);
}

/*
 * put_text
 *		Output column col: a stored text (a text datum in the copy), shown
 *		in the database's encoding; '<insufficient privilege>' if the
 *		caller may not see it; NULL without showtext, without a text, or if
 *		the text cannot be shown here.  Returns the next column.
 *
 * A text stored in the database's encoding is shown as it is, with no
 * check at all: that is the common case, and it costs nothing.  So is an
 * ASCII text of any encoding, since every server encoding is a superset of
 * ASCII: only a text of another encoding with other characters needs a
 * conversion, or a check in a SQL_ASCII database (shown_as_is).
 */
static int
put_text(Datum *values, bool *nulls, int col, text *t, int encoding,
		 bool showtext, bool visible)
{
	if (!showtext)
		nulls[col] = true;
	else if (!visible)
		values[col] = CStringGetTextDatum("<insufficient privilege>");
	else if (t == NULL)
		nulls[col] = true;
	else if (shown_as_is(encoding, VARDATA(t), VARSIZE(t) - VARHDRSZ))
		values[col] = PointerGetDatum(t);	/* already a datum: no copy */
	else
	{
		char	   *converted = convert_text(VARDATA(t),
											 VARSIZE(t) - VARHDRSZ,
											 encoding);

		if (converted != NULL)
			values[col] = CStringGetTextDatum(converted);
		else
			nulls[col] = true;
	}
	return col + 1;
}

/*
 * convert_text
 *		A text (not all ASCII) stored by a database of another encoding,
 *		converted so that it can be shown here; NULL if it cannot be, so
 *		that one text never makes the whole view fail (it is shown as NULL).
 *
 * A SQL_ASCII database holds bytes of no known encoding: it sends them to
 * the client unconverted, but checks them against the client's encoding
 * first, and fails the query if they are not valid in it.  So there the
 * text is converted to the client's encoding, the one its bytes must be
 * valid in; a SQL_ASCII client takes any bytes.  A text stored by a
 * SQL_ASCII database has no known encoding either: it is shown if its
 * bytes are valid as they are, in the encoding they are shown in (the
 * client's, read from a SQL_ASCII database).
 */
static char *
convert_text(const char *text, int len, int encoding)
{
	int			target = GetDatabaseEncoding();
	Oid			proc;
	char	   *dest;
	int			done;

	if (target == PG_SQL_ASCII)
		target = pg_get_client_encoding();
	if (target == PG_SQL_ASCII || target == encoding)
		return pnstrdup(text, len);
	if (encoding == PG_SQL_ASCII)
	{
		if (!pg_verify_mbstr(target, text, len, true))
			return NULL;
		return pnstrdup(text, len);
	}

	proc = FindDefaultConversionProc(encoding, target);
	if (!OidIsValid(proc))
		return NULL;
	/* the conversion's buffer, whose size is an int, must be allocatable */
	if (len > (PG_INT32_MAX - 1) / MAX_CONVERSION_GROWTH)
		return NULL;
	dest = MemoryContextAllocHuge(CurrentMemoryContext,
								  (Size) len * MAX_CONVERSION_GROWTH + 1);
	done = pg_do_encoding_conversion_buf(proc, encoding, target,
										 (unsigned char *) text, len,
										 (unsigned char *) dest,
										 len * MAX_CONVERSION_GROWTH + 1,
										 true);
	if (done < len || strlen(dest) > PSS_TEXT_SHOW_MAX)
	{
		pfree(dest);
		return NULL;
	}
	return dest;
}

/*
 * entry_percentiles
 *		The 50th, 95th and 99th latency percentiles of an entry, in v; -1
 *		for none (no executions).
 */
static void
entry_percentiles(const PssViewEntry *e, double *v)
{
	static const double pcts[3] = {50, 95, 99};
	const PssCounters *c = &e->counters;

	pss_hist_percentiles_range(e->hist, e->hist_lo, e->hist_hi, pcts, 3,
							   c->minmax_set[PSS_EXEC],
							   c->min_time[PSS_EXEC], c->max_time[PSS_EXEC],
							   v);
}

/*
 * Memory of a read
 *
 * A function called in FROM gives its rows to the executor in a tuplestore,
 * whichever protocol it follows: the executor puts the rows of a
 * value-per-call function into one itself (ExecMakeTableFunctionResult),
 * allowed work_mem.  Past its allowance a tuplestore writes its rows to a
 * temporary file and reads them back: every read of 10,000 entries wrote
 * 4.4 to 5.4 MB, of 100,000 entries 44 to 55 MB.  So the functions below
 * make their own tuplestore, allowed the memory their rows will take,
 * computed from the copy before any row is formed, and never less than
 * work_mem: the rows stay in memory, and what a read takes grows with the
 * number of entries, that is at most with pg_slow_statements.max (the
 * README gives the figures).  The rows live in the memory the backend keeps
 * between reads (view_copy.c), and so does the copy they are formed from:
 * the next read finds its memory already there instead of faulting it in
 * afresh.  A read begun while another is under way forms its rows in its
 * query's memory instead (pss_view_rows_memory): the rows of a read that
 * fails are freed with it, not kept until every read has ended.
 */

/*
 * The most one row of the view can take besides its fixed-width columns
 * (8 bytes each at most, alignment included) and its stored texts (counted
 * by text_space): wal_bytes as a numeric (24), last_error as a text (12),
 * three texts '<insufficient privilege>' (3 x 28).  Its memory chunk is
 * that rounded up to a power of two (an allocation set's size classes),
 * plus the chunk's header (PSS_ROW_CHUNK), plus the tuplestore's pointer to
 * the row, whose array doubles (2 x 8).
 */
#define PSS_ROW_EXTRA		(24 + 12 + 3 * 28)
#define PSS_ROW_CHUNK		(32 + 2 * 8)

/* What a tuplestore takes besides its rows: its first pointer array */
#define PSS_STORE_EXTRA		(64 * 1024)

/*
 * text_space
 *		The most a stored text takes in a row: its length, grown as much as
 *		a conversion to the database's encoding may grow it, and alignment.
 */
static Size
text_space(const text *t, int growth)
{
	if (t == NULL)
		return 0;
	return (Size) VARSIZE(t) * growth + MAXIMUM_ALIGNOF;
}

/* The longest label of a source (pg_slow_statements_sources' source) */
#define PSS_SOURCE_LABEL_MAX	64

/*
 * source_space
 *		Bytes the slowest run's source (sources.h) takes in a row at most:
 *		its application_name and its tags as jsonb, bounded from the
 *		stored text without making them.  The JSON of tags is never longer
 *		than their text as written, plus eight bytes per tag (quotes, colon,
 *		comma, a null), plus one byte per quote or backslash and five per
 *		control byte (escaped), and never longer than PSS_TAGS_JSON_MAX;
 *		jsonb adds a header and eight bytes per tag.  Each tag has an "=",
 *		":" or "," of its own in the text, so counting them counts at
 *		least the tags.  (A top view's label is at most
 *		PSS_SOURCE_LABEL_MAX bytes.)
 */
static Size
source_space(const text *t, int growth)
{
	const char *p;
	Size		len;
	Size		json;
	Size		tags = 0;

	if (t == NULL)
		return 0;
	p = VARDATA_ANY(t);
	len = VARSIZE_ANY_EXHDR(t);
	json = len + 2;
	for (Size i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) p[i];

		if (c == '"' || c == '\\')
			json += 1;
		else if (c < 0x20)
			json += 5;			/* a NUL between the parts too: harmless */
		else if (c == ',' || c == '=' || c == ':')
			tags++;				/* at least one per tag */
	}
	tags = Min(tags, (Size) PSS_TAGS_MAX);
	json = Min(json + 8 * tags, (Size) PSS_TAGS_JSON_MAX) * growth;
	return MAXALIGN(VARHDRSZ + len * growth) +
		MAXALIGN(VARHDRSZ + 16 + json + 8 * tags);
}

/*
 * rows_space
 *		The most n rows of natts columns made from these copies take in a
 *		tuplestore.
 */
static Size
rows_space(PssViewEntry **rows, int n, int natts)
{
	Size		fixed;
	Size		total = PSS_STORE_EXTRA;
	int			db_encoding = GetDatabaseEncoding();
	int			i;

	fixed = MAXALIGN(SizeofMinimalTupleHeader + BITMAPLEN(natts)) +
		(Size) natts * sizeof(Datum) + PSS_ROW_EXTRA;
	for (i = 0; i < n; i++)
	{
		const PssViewEntry *e = rows[i];
		int			growth;

		growth = e->encoding == db_encoding ? 1 : MAX_CONVERSION_GROWTH;
		total += pg_nextpower2_size_t(fixed + text_space(e->query, growth) +
									  text_space(e->slowest_query, growth) +
									  text_space(e->slowest_plan, growth) +
									  source_space(e->slowest_source, growth) +
									  (e->top_source == NULL ? 0 :
									   MAXALIGN(VARHDRSZ +
												PSS_SOURCE_LABEL_MAX * growth))) +
			PSS_ROW_CHUNK;
	}
	return total;
}

/*
 * begin_rows
 *		Set up a materialized SRF whose tuplestore keeps rows of up to
 *		space bytes in memory, in the memory kept for rows, or the query's
 *		for a read begun while another is under way (see "Memory of a read"
 *		above).
 */
static void
begin_rows(FunctionCallInfo fcinfo, Size space)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext query_cxt = rsinfo->econtext->ecxt_per_query_memory;
	MemoryContext oldcxt;
	Size		kbytes = space / 1024 + 1;

	InitMaterializedSRF(fcinfo, 0);

	oldcxt = MemoryContextSwitchTo(pss_view_rows_memory(space, query_cxt));
	tuplestore_end(rsinfo->setResult);
	rsinfo->setResult =
		tuplestore_begin_heap((rsinfo->allowedModes & SFRM_Materialize_Random) != 0,
							  false,
							  (int) Min(Max(kbytes, (Size) work_mem),
										(Size) MAX_KILOBYTES));
	MemoryContextSwitchTo(oldcxt);
}

/*
 * Forming the view's rows
 *
 * tuplestore_putvalues forms each row with heap_form_minimal_tuple, which
 * looks up every column's length, alignment and kind twice per row, in
 * calls made per column: about 110 instructions per column, 61 columns,
 * thousands of rows, most of the cost of reading the view.  The view's row
 * type is fixed, so RowFormer reads the descriptor once, and forms each
 * row in one pass over plain arrays, in the same layout: columns aligned
 * as their type requires, texts of fewer than 127 bytes with a one-byte
 * header.  A value it was not written for (a compressed or toasted datum,
 * which the view never produces) makes it form that row the usual way.
 */
typedef struct RowFormer
{
	int			natts;
	bool		usable;			/* every column byval or varlena */
	int16	   *len;			/* attlen of each column */
	uint8	   *align;			/* its alignment, in bytes */
	bool	   *packable;		/* a varlena that may take a short header */
	char	   *buf;			/* the row being formed */
	Size		bufsize;
	TupleTableSlot *slot;		/* holds buf to hand it to the tuplestore */
} RowFormer;

/*
 * former_init
 *		Read the result descriptor once.
 */
static void
former_init(RowFormer *f, TupleDesc desc)
{
	int			i;

	f->natts = desc->natts;
	f->usable = true;
	f->len = palloc(sizeof(int16) * f->natts);
	f->align = palloc(sizeof(uint8) * f->natts);
	f->packable = palloc(sizeof(bool) * f->natts);
	for (i = 0; i < f->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		f->len[i] = att->attlen;
		f->packable[i] = att->attlen == -1 &&
			att->attstorage != TYPSTORAGE_PLAIN;
		switch (att->attalign)
		{
			case TYPALIGN_CHAR:
				f->align[i] = 1;
				break;
			case TYPALIGN_SHORT:
				f->align[i] = ALIGNOF_SHORT;
				break;
			case TYPALIGN_INT:
				f->align[i] = ALIGNOF_INT;
				break;
			default:
				f->align[i] = ALIGNOF_DOUBLE;
				break;
		}
		if (att->attlen == -1 ? att->attbyval :
			!(att->attbyval && (att->attlen == 1 || att->attlen == 2 ||
								att->attlen == 4 || att->attlen == 8)))
			f->usable = false;
	}
	f->bufsize = 1024;
	f->buf = palloc(f->bufsize);
	f->slot = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
}

/*
 * former_put
 *		Add a row to the tuplestore.
 */
static void
former_put(RowFormer *f, Tuplestorestate *store, TupleDesc desc,
		   Datum *values, bool *nulls)
{
	MinimalTuple tup;
	uint8	   *bits = NULL;
	char	   *data;
	Size		hoff;
	Size		off = 0;
	bool		hasnull = false;
	uint16		infomask = 0;
	int			i;

	if (!f->usable)
		goto usual;

	/* the data's length, as the columns will be laid out */
	for (i = 0; i < f->natts; i++)
	{
		if (nulls[i])
		{
			hasnull = true;
			continue;
		}
		if (f->len[i] > 0)
			off = TYPEALIGN(f->align[i], off) + f->len[i];
		else
		{
			struct varlena *v = (struct varlena *) DatumGetPointer(values[i]);

			if (!VARATT_IS_4B_U(v))
				goto usual;
			if (f->packable[i] && VARATT_CAN_MAKE_SHORT(v))
				off += VARATT_CONVERTED_SHORT_SIZE(v);
			else
				off = TYPEALIGN(f->align[i], off) + VARSIZE(v);
			infomask |= HEAP_HASVARWIDTH;
		}
	}
	hoff = SizeofMinimalTupleHeader;
	if (hasnull)
	{
		hoff += BITMAPLEN(f->natts);
		infomask |= HEAP_HASNULL;
	}
	hoff = MAXALIGN(hoff);
	if (hoff + off > f->bufsize)
	{
		/* no more than the row: the buffer may not pass MaxAllocSize */
		f->bufsize = Max(hoff + off, Min(2 * f->bufsize, MaxAllocSize));
		f->buf = repalloc(f->buf, f->bufsize);
	}
	memset(f->buf, 0, hoff + off);

	tup = (MinimalTuple) f->buf;
	tup->t_len = hoff + off;
	HeapTupleHeaderSetNatts(tup, f->natts);
	tup->t_infomask = infomask;
	tup->t_hoff = hoff + MINIMAL_TUPLE_OFFSET;
	if (hasnull)
		bits = tup->t_bits;
	data = f->buf + hoff;

	/* the columns, at the offsets computed above */
	off = 0;
	for (i = 0; i < f->natts; i++)
	{
		if (nulls[i])
			continue;
		if (bits != NULL)
			bits[i >> 3] |= 1 << (i & 7);
		if (f->len[i] > 0)
		{
			off = TYPEALIGN(f->align[i], off);
			switch (f->len[i])
			{
				case 1:
					*(char *) (data + off) = DatumGetChar(values[i]);
					break;
				case 2:
					*(int16 *) (data + off) = DatumGetInt16(values[i]);
					break;
				case 4:
					*(int32 *) (data + off) = DatumGetInt32(values[i]);
					break;
				default:
					*(Datum *) (data + off) = values[i];
					break;
			}
			off += f->len[i];
		}
		else
		{
			struct varlena *v = (struct varlena *) DatumGetPointer(values[i]);

			if (f->packable[i] && VARATT_CAN_MAKE_SHORT(v))
			{
				Size		sz = VARATT_CONVERTED_SHORT_SIZE(v);

				SET_VARSIZE_SHORT(data + off, sz);
				memcpy(data + off + 1, VARDATA(v), sz - 1);
				off += sz;
			}
			else
			{
				off = TYPEALIGN(f->align[i], off);
				memcpy(data + off, v, VARSIZE(v));
				off += VARSIZE(v);
			}
		}
	}

#ifdef PSS_CHECK_ROWS
	/* build with -DPSS_CHECK_ROWS to compare with the usual way */
	{
		MinimalTuple check = heap_form_minimal_tuple(desc, values, nulls);

		if (check->t_len != tup->t_len ||
			memcmp(check, tup, tup->t_len) != 0)
			elog(ERROR, "row formed differently");
		pfree(check);
	}
#endif

	ExecStoreMinimalTuple(tup, f->slot, false);
	tuplestore_puttupleslot(store, f->slot);
	return;

usual:
	tuplestore_putvalues(store, desc, values, nulls);
}

/*
 * former_end
 *		Release the slot.
 */
static void
former_end(RowFormer *f)
{
	ExecDropSingleTupleTableSlot(f->slot);
}

/*
 * Forming a row of pg_slow_statements()
 *
 * Every column is formed as counterlist.h says: a stored counter from its
 * field, as its SQL type wants it (NULL if the running server does not
 * measure it), a PSS_VIEW column by its form, an expression over the
 * RowSource r below that may set *isnull.
 */
typedef struct RowSource
{
	const PssViewEntry *e;
	const PssCounters *c;
	bool		showtext;		/* texts asked for */
	bool		visible;		/* the reader may see queryid and texts */
	double		pct[3];			/* entry_percentiles */
	Datum		zero;			/* a numeric 0, shared by the rows */
} RowSource;

/*
 * view_queryid
 *		queryid, NULL if the reader may not see it.
 */
static inline Datum
view_queryid(const RowSource *r, bool *isnull)
{
	*isnull = !r->visible;
	return Int64GetDatumFast((int64) r->e->key.queryid);
}

/*
 * view_text
 *		A stored text column (see put_text).
 */
static inline Datum
view_text(const RowSource *r, text *t, bool *isnull)
{
	Datum		v = (Datum) 0;

	(void) put_text(&v, isnull, 0, t, r->e->encoding, r->showtext,
					r->visible);
	return v;
}

/*
 * source_json
 *		The JSON object of a stored source's tags (tags[0 .. len), as
 *		pss_tags_raw wrote them), URL-decoded, in the encoding they were
 *		stored in; its length in *json_len.
 */
static char *
source_json(const char *tags, int len, int encoding, int *json_len)
{
	PssTags		parsed;
	int			flags = pss_tags_from_raw(tags, len, &parsed);
	char	   *json = palloc(PSS_TAGS_JSON_MAX + 1);

	if (flags < 0)
		parsed.n = 0, flags = 0;
	if (encoding == PG_UTF8)
		flags |= PSS_TAGS_UTF8;
	*json_len = (int) pss_tags_json(&parsed, flags, json, PSS_TAGS_JSON_MAX);
	json[*json_len] = '\0';
	return json;
}

/*
 * source_tags_datum
 *		The jsonb of a stored source's tags (see source_json), or false if
 *		it cannot be shown here (converted to this database's encoding).
 */
static bool
source_tags_datum(const char *tags, int len, int encoding, Datum *d)
{
	static MemoryContext json_cxt = NULL;
	MemoryContext oldcxt;
	int			json_len;
	char	   *json;
	char	   *t;
	bool		ok = true;

	/* the JSON and what parsing it takes are gone once the jsonb is made */
	if (json_cxt == NULL)
		json_cxt = AllocSetContextCreate(TopMemoryContext,
										 "pg_slow_statements tags",
										 ALLOCSET_SMALL_SIZES);
	oldcxt = MemoryContextSwitchTo(json_cxt);
	json = source_json(tags, len, encoding, &json_len);
	if (shown_as_is(encoding, json, json_len))
		t = json;
	else if ((t = convert_text(json, json_len, encoding)) == NULL)
		ok = false;
	if (ok)
	{
		Datum		made = DirectFunctionCall1(jsonb_in, CStringGetDatum(t));

		MemoryContextSwitchTo(oldcxt);
		*d = datumCopy(made, false, -1);
	}
	MemoryContextSwitchTo(oldcxt);
	MemoryContextReset(json_cxt);
	return ok;
}

/*
 * view_slowest_source
 *		slowest_application_name, or (tags) slowest_tags: the source of the
 *		slowest execution, with its traceparent.  NULL if it has none kept,
 *		texts were not asked for or the reader may not see them.
 */
static Datum
view_slowest_source(const RowSource *r, bool tags, bool *isnull)
{
	const text *t = r->e->slowest_source;
	const char *app;
	const char *addr;
	const char *json;
	int			json_len;
	Datum		d = (Datum) 0;

	*isnull = true;
	if (!r->showtext || !r->visible || t == NULL ||
		!pss_source_split(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &app, &addr,
						  &json, &json_len))
		return d;
	if (!tags)
	{
		*isnull = false;
		return CStringGetTextDatum(app);
	}
	*isnull = !source_tags_datum(json, json_len, r->e->encoding, &d);
	return d;
}

/*
 * view_stddev
 *		Population standard deviation of a kind's times, from Welford's sum
 *		of squares.
 */
static inline Datum
view_stddev(const RowSource *r, PssKind kind)
{
	const PssCounters *c = r->c;

	if (c->calls[kind] > 1)
		return Float8GetDatumFast(sqrt(c->sum_var_time[kind] /
									   c->calls[kind]));
	return Float8GetDatumFast(0.0);
}

/*
 * view_hit_percent
 *		Shared buffer hits among shared blocks hit or read, NULL for none.
 */
static inline Datum
view_hit_percent(const RowSource *r, bool *isnull)
{
	int64		blks = r->c->shared_blks_hit + r->c->shared_blks_read;

	*isnull = (blks <= 0);
	return *isnull ? (Datum) 0 :
		Float8GetDatum(100.0 * r->c->shared_blks_hit / blks);
}

/*
 * view_percentile
 *		Percentile i of entry_percentiles, NULL without executions.
 */
static inline Datum
view_percentile(const RowSource *r, int i, bool *isnull)
{
	*isnull = (r->pct[i] < 0);
	return *isnull ? (Datum) 0 : Float8GetDatum(r->pct[i]);
}

/*
 * put_int8, put_float8, put_usec, put_cpu_usec, put_numeric,
 * put_timestamptz, put_sqlstate
 *		A stored counter as a column of its SQL type (see counterlist.h).
 */
static inline Datum
put_int8(const RowSource *r, int64 v, bool *isnull)
{
	return Int64GetDatumFast(v);
}

static inline Datum
put_float8(const RowSource *r, double v, bool *isnull)
{
	return Float8GetDatumFast(v);
}

static inline Datum
put_usec(const RowSource *r, int64 v, bool *isnull)
{
	return Float8GetDatumFast(v / 1000.0);
}

static inline Datum
put_cpu_usec(const RowSource *r, int64 v, bool *isnull)
{
	*isnull = (r->c->cpu_calls == 0);
	return Float8GetDatumFast(v / 1000.0);
}

static inline Datum
put_numeric(const RowSource *r, uint64 v, bool *isnull)
{
	char		buf[32];

	if (v == 0)
		return r->zero;
	if (v <= (uint64) PG_INT64_MAX)
		return NumericGetDatum(int64_to_numeric((int64) v));
	snprintf(buf, sizeof(buf), UINT64_FORMAT, v);
	return DirectFunctionCall3(numeric_in, CStringGetDatum(buf),
							   ObjectIdGetDatum(0), Int32GetDatum(-1));
}

static inline Datum
put_timestamptz(const RowSource *r, TimestampTz v, bool *isnull)
{
	*isnull = (v == 0);
	return TimestampTzGetDatum(v);
}

static inline Datum
put_sqlstate(const RowSource *r, int v, bool *isnull)
{
	*isnull = (v == 0);
	return *isnull ? (Datum) 0 : CStringGetTextDatum(unpack_sql_state(v));
}

/*
 * form_row
 *		The values of every column of pg_slow_statements() for r, in
 *		values and nulls (PSS_COLS of each, nulls all false on entry).
 */
static inline void
form_row(const RowSource *r, Datum *values, bool *nulls)
{
	int			col = 0;

#define PSS_STORED(name, sqltype, since) \
	if (PSS_SERVER_HAS(since)) \
		values[col] = put_##sqltype(r, r->c->name, &nulls[col]); \
	else \
		nulls[col] = true; \
	col++;
#define PSS_USAGE(name, ctype, sqltype, since, merge, read) \
	PSS_STORED(name, sqltype, since)
#define PSS_IO(name, ctype, sqltype, since, merge, read) \
	PSS_STORED(name, sqltype, since)
#define PSS_CPU(name, ctype, sqltype, since, merge, read) \
	PSS_STORED(name, sqltype, since)
#define PSS_JIT(name, ctype, sqltype, since, merge, value) \
	PSS_STORED(name, sqltype, since)
#define PSS_EXEC(name, ctype, sqltype, since, merge, value) \
	PSS_STORED(name, sqltype, since)
#define PSS_SLOW(name, ctype, sqltype, since, merge, value) \
	PSS_STORED(name, sqltype, since)
#define PSS_FAIL(name, ctype, sqltype, since, merge, value) \
	PSS_STORED(name, sqltype, since)
#define PSS_OWN(name, ctype, sqltype, since) \
	PSS_STORED(name, sqltype, since)
#define PSS_VIEW(name, sqltype, since, form) \
	{ \
		bool	   *isnull = &nulls[col]; \
		\
		values[col] = (form); \
		(void) isnull; \
	} \
	col++;
#include "counterlist.h"
#undef PSS_STORED

	Assert(col == PSS_COLS);
}

/*
 * check_columns
 *		Raise an error unless the function's declared result has the first
 *		natts columns of counterlist.h, by name and type: a library and SQL
 *		scripts that do not match would otherwise show figures under the
 *		wrong names.
 */
static void
check_columns(TupleDesc desc, int natts)
{
	int			i;

	if (desc->natts != natts)
		elog(ERROR, "incorrect number of output arguments");
	for (i = 0; i < natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (att->atttypid != pss_columns[i].type ||
			strcmp(NameStr(att->attname), pss_columns[i].name) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("column %d of the function's result is \"%s\" of type %s, but the library expects \"%s\" of type %s",
							i + 1, NameStr(att->attname),
							format_type_be(att->atttypid),
							pss_columns[i].name,
							format_type_be(pss_columns[i].type)),
					 errhint("Install the extension's SQL scripts and library of the same release.")));
	}
}

/*
 * pg_slow_statements_1_0, pg_slow_statements_1_1, pg_slow_statements_1_2
 *		pg_slow_statements(showtext boolean): one row per entry, with the
 *		columns of extension version 1.0, 1.1 or 1.2.
 */
Datum
pg_slow_statements_1_0(PG_FUNCTION_ARGS)
{
	return pg_slow_statements_rows(fcinfo, PSS_V1_0);
}

Datum
pg_slow_statements_1_1(PG_FUNCTION_ARGS)
{
	return pg_slow_statements_rows(fcinfo, PSS_V1_1);
}

Datum
pg_slow_statements_1_2(PG_FUNCTION_ARGS)
{
	return pg_slow_statements_rows(fcinfo, PSS_V1_2);
}

/*
 * pg_slow_statements_rows
 *		The rows of pg_slow_statements(showtext), in the columns of api.
 *
 * With showtext false the text memory is not read at all: monitoring
 * tools poll that way and fetch texts only for new entries.  Every row is
 * formed with all the columns of the newest version: an older version's
 * descriptor takes the first ones.
 */
static Datum
pg_slow_statements_rows(FunctionCallInfo fcinfo, PssApiVersion api)
{
	bool		showtext = PG_GETARG_BOOL(0);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			userid = GetUserId();
	bool		is_allowed_role;
	PssViewCopy copy;
	RowFormer	former;
	RowSource	r;
	int			natts;
	int			n;
	int			i;

	pss_exec_reading_own();
	pss_store_check_ready();

	is_allowed_role = has_privs_of_role(userid, ROLE_PG_READ_ALL_STATS);

	pss_view_copy_begin(&copy, rsinfo->econtext->ecxt_per_query_memory);
	pss_store_copy_view(showtext, false, &copy);
	n = copy.nrows;

	natts = api == PSS_V1_0 ? PSS_COLS_V1_0 :
		api == PSS_V1_1 ? PSS_COLS_V1_1 : PSS_COLS_V1_2;
	begin_rows(fcinfo, rows_space(copy.rows, n, natts));
	check_columns(rsinfo->setDesc, natts);
	former_init(&former, rsinfo->setDesc);
	r.showtext = showtext;
	/* wal_bytes of most statements: one datum for them all */
	r.zero = NumericGetDatum(int64_to_numeric(0));

	for (i = 0; i < n; i++)
	{
		Datum		values[PSS_COLS];
		bool		nulls[PSS_COLS];

		r.e = copy.rows[i];
		r.c = &r.e->counters;
		r.visible = is_allowed_role || r.e->key.userid == userid;
		entry_percentiles(r.e, r.pct);
		memset(nulls, 0, sizeof(nulls));
		form_row(&r, values, nulls);

		former_put(&former, rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}

	former_end(&former);

	return (Datum) 0;
}

/* Who reads, to rank rows whose queryid the reader may not see last */
typedef struct TopReader
{
	Oid			userid;
	bool		is_allowed_role;
} TopReader;

/*
 * top_visible
 *		May the reader see the entry's text and queryid?
 */
static inline bool
top_visible(const TopReader *r, const PssViewEntry *e)
{
	return r->is_allowed_role || e->key.userid == r->userid;
}

/*
 * top_compare
 *		qsort_arg comparator: total execution time, highest first, then
 *		queryid as a bigint, lowest first, NULL (not visible) last: the
 *		order of pg_slow_statements_top.
 */
static int
top_compare(const void *a, const void *b, void *arg)
{
	const PssViewEntry *x = *(PssViewEntry *const *) a;
	const PssViewEntry *y = *(PssViewEntry *const *) b;
	const TopReader *r = (const TopReader *) arg;
	double		tx = x->counters.total_time[PSS_EXEC];
	double		ty = y->counters.total_time[PSS_EXEC];
	bool		vx;
	bool		vy;
	int64		qx;
	int64		qy;

	if (tx != ty)
		return tx > ty ? -1 : 1;
	vx = top_visible(r, x);
	vy = top_visible(r, y);
	if (vx != vy)
		return vx ? -1 : 1;
	if (!vx)
		return 0;
	qx = (int64) x->key.queryid;
	qy = (int64) y->key.queryid;
	return (qx > qy) - (qx < qy);
}

/* pg_slow_statements_top shows texts of at most this many characters */
#define PSS_TOP_TEXT_MAX	100

/* Room for such a text: a header and characters of up to 4 bytes */
typedef union TopText
{
	text		t;
	char		bytes[VARHDRSZ + PSS_TOP_TEXT_MAX * MAX_MULTIBYTE_CHAR_LEN];
} TopText;

/*
 * is_white
 *		Is c white space as \s of a regular expression in the C locale:
 *		space, tab, newline, vertical tab, form feed, carriage return?
 */
static inline bool
is_white(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/*
 * one_line
 *		The text as pg_slow_statements_top shows it, in out: every run of
 *		white space made one space, none at either end, and if that is
 *		longer than PSS_TOP_TEXT_MAX characters, its first
 *		PSS_TOP_TEXT_MAX - 3 followed by "...".  Only ASCII white space
 *		counts.  One pass over at most the bytes shown, no allocation: the
 *		view used to do this with regexp_replace, which cost more than the
 *		rest of the read (300,000 instructions a row).
 */
static text *
one_line(const text *t, TopText *out)
{
	const char *s = VARDATA_ANY(t);
	int			len = VARSIZE_ANY_EXHDR(t);
	char	   *dst = VARDATA(&out->t);
	int			n = 0;			/* bytes written */
	int			chars = 0;		/* characters written */
	int			cut = 0;		/* bytes of the first MAX - 3 characters */
	bool		white = false;	/* white space pending */
	bool		longer = false;
	int			i = 0;
	int			encoding = GetDatabaseEncoding();

	/* a SQL_ASCII database's texts are shown in the client's encoding */
	if (encoding == PG_SQL_ASCII)
		encoding = pg_get_client_encoding();
	while (i < len && is_white(s[i]))
		i++;
	while (i < len)
	{
		int			l;

		if (is_white(s[i]))
		{
			white = true;
			i++;
			continue;
		}
		if (chars == PSS_TOP_TEXT_MAX - 3)
			cut = n;
		if (chars == PSS_TOP_TEXT_MAX)
		{
			longer = true;
			break;
		}
		if (white)
		{
			dst[n++] = ' ';
			chars++;
			white = false;
			continue;			/* the character again, counted apart */
		}
		l = Min(pg_encoding_mblen(encoding, s + i), len - i);
		memcpy(dst + n, s + i, l);
		n += l;
		i += l;
		chars++;
	}
	if (longer)
	{
		memcpy(dst + cut, "...", 3);
		n = cut + 3;
	}
	SET_VARSIZE(&out->t, VARHDRSZ + n);
	return &out->t;
}

/*
 * The classes of sampled time (activity.h), as pg_slow_statements_top's
 * column mostly names them, and where each is in the counters
 */
static const struct
{
	const char *name;
	size_t		offset;
}			top_classes[] = {
	[PSS_WAIT_CPU] = {"CPU", offsetof(PssCounters, cpu_time)},
	[PSS_WAIT_IO] = {"IO", offsetof(PssCounters, wait_io_time)},
	[PSS_WAIT_LOCK] = {"Lock", offsetof(PssCounters, wait_lock_time)},
	[PSS_WAIT_LWLOCK] = {"LWLock", offsetof(PssCounters, wait_lwlock_time)},
	[PSS_WAIT_IPC] = {"IPC", offsetof(PssCounters, wait_ipc_time)},
	[PSS_WAIT_TIMEOUT] = {"Timeout", offsetof(PssCounters, wait_timeout_time)},
	[PSS_WAIT_CLIENT] = {"Client", offsetof(PssCounters, wait_client_time)},
	[PSS_WAIT_OTHER] = {"Other", offsetof(PssCounters, wait_other_time)},
};

StaticAssertDecl(lengthof(top_classes) == PSS_WAIT_NCLASSES,
				 "one name for each class of sampled time");

/* Room for the text of the column mostly, formed without an allocation */
typedef union TopMostly
{
	text		t;
	char		bytes[VARHDRSZ + 16];
} TopMostly;

/*
 * top_mostly
 *		The class that took the largest share of the entry's sampled time,
 *		and that share, as "IO 71%", in out; NULL if nothing was sampled.
 *		Ties go to the class named first.
 */
static text *
top_mostly(const PssCounters *c, TopMostly *out)
{
	int64		sum = 0;
	int64		best = 0;
	int			which = 0;
	int			n;
	int			i;

	for (i = 0; i < PSS_WAIT_NCLASSES; i++)
	{
		int64		us = *(const int64 *) ((const char *) c +
										   top_classes[i].offset);

		sum += us;
		if (us > best)
		{
			best = us;
			which = i;
		}
	}
	if (sum <= 0)
		return NULL;
	n = snprintf(VARDATA(&out->t), sizeof(out->bytes) - VARHDRSZ, "%s %d%%",
				 top_classes[which].name, (int) rint(100.0 * best / sum));
	SET_VARSIZE(&out->t, VARHDRSZ + Min(n, (int) (sizeof(out->bytes) - VARHDRSZ - 1)));
	return &out->t;
}

/*
 * top_trend
 *		The column trend: one character per interval of recent history,
 *		oldest left, its height the interval's execution time against the
 *		highest of them; a space for an interval with none.  Unicode
 *		blocks (U+2581 to U+2588) in a UTF-8 database, an ASCII ramp
 *		elsewhere.
 */
static Datum
top_trend(const double *t)
{
	static const char *const blocks[8] = {
		"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
		"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88"
	};
	static const char ascii[8] = {'.', ',', ':', ';', '=', '+', '*', '#'};
	bool		utf8 = (GetDatabaseEncoding() == PG_UTF8);
	char		buf[PSS_TREND_INTERVALS * 3 + 1];
	char	   *p = buf;
	double		top = 0;

	for (int k = 0; k < PSS_TREND_INTERVALS; k++)
		top = Max(top, t[k]);
	for (int k = 0; k < PSS_TREND_INTERVALS; k++)
	{
		int			level;

		if (t[k] <= 0)
		{
			*p++ = ' ';
			continue;
		}
		level = (int) (t[k] / top * 7.999);
		level = Max(0, Min(level, 7));
		if (utf8)
		{
			memcpy(p, blocks[level], 3);
			p += 3;
		}
		else
			*p++ = ascii[level];
	}
	*p = '\0';
	return CStringGetTextDatum(buf);
}

static char *source_label(const char *app, const char *addr,
						  const char *tags, int tags_len, int encoding);

/*
 * top_source
 *		The label of an entry's source of most calls (source_label), NULL
 *		if it has none or the reader may not see it.
 */
static Datum
top_source(const PssViewEntry *e, bool visible, bool *isnull)
{
	const char *app;
	const char *addr;
	const char *json;
	int			json_len;
	char	   *label;

	*isnull = true;
	if (!visible || e->top_source == NULL ||
		!pss_source_split(VARDATA_ANY(e->top_source),
						  VARSIZE_ANY_EXHDR(e->top_source), &app, &addr,
						  &json, &json_len))
		return (Datum) 0;
	label = source_label(app, addr, json, json_len, e->encoding);
	if (label == NULL)
		return (Datum) 0;
	*isnull = false;
	return CStringGetTextDatum(label);
}

/*
 * pg_slow_statements_top_rows
 *		The rows of pg_slow_statements_top, ranked, with what the view
 *		computes from.
 *
 * The view used to rank with window functions and sort in SQL: the sum over
 * all rows keeps them all in a tuplestore, and the sort all of them too, so
 * that with 100,000 entries every read wrote three temporary files (95 MB
 * in all).  Here the copy is sorted in memory, before the rows are formed:
 * rank is that of rank() OVER (ORDER BY total_exec_time DESC), sum_exec_time
 * the sum of total_exec_time over all rows, and the rows come in the view's
 * order, which the view keeps since it adds no join, aggregate or sort.
 */
Datum
pg_slow_statements_top_rows(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TopReader	reader;
	PssViewCopy copy;
	PssViewEntry **rows;
	MemoryContext rowcxt;
	double		sum = 0.0;
	double	   *trend = NULL;
	int64		rank = 0;
	int			n;
	int			i;

	pss_exec_reading_own();
	pss_store_check_ready();

	reader.userid = GetUserId();
	reader.is_allowed_role = has_privs_of_role(reader.userid,
											   ROLE_PG_READ_ALL_STATS);

	pss_view_copy_begin(&copy, rsinfo->econtext->ecxt_per_query_memory);
	pss_store_copy_view(true, true, &copy);
	rows = copy.rows;
	n = copy.nrows;
	if (n > 1)
		qsort_arg(rows, n, sizeof(PssViewEntry *), top_compare, &reader);
	for (i = 0; i < n; i++)
		sum += rows[i]->counters.total_time[PSS_EXEC];

	begin_rows(fcinfo, rows_space(rows, n, PSS_TOP_COLS));
	if (rsinfo->setDesc->natts != PSS_TOP_COLS_V1_1 &&
		rsinfo->setDesc->natts != PSS_TOP_COLS)
		elog(ERROR, "incorrect number of output arguments");
	if (rsinfo->setDesc->natts == PSS_TOP_COLS)
	{
		trend = MemoryContextAllocHuge(CurrentMemoryContext,
									   sizeof(double) * PSS_TREND_INTERVALS *
									   Max(n, 1));
		pss_store_recent_totals(rows, n, PSS_TREND_INTERVALS, trend);
	}

	rowcxt = AllocSetContextCreate(CurrentMemoryContext,
								   "pg_slow_statements row",
								   ALLOCSET_SMALL_SIZES);
	for (i = 0; i < n; i++)
	{
		PssViewEntry *e = rows[i];
		PssCounters *c = &e->counters;
		MemoryContext oldcxt = MemoryContextSwitchTo(rowcxt);
		Datum		values[PSS_TOP_COLS];
		bool		nulls[PSS_TOP_COLS];
		double		pct[3];
		int			p;
		bool		visible = top_visible(&reader, e);
		TopText		shown;
		TopMostly	mostly;
		text	   *mostly_text;
		int64		blks;
		int			col = 0;

		memset(nulls, 0, sizeof(nulls));
		if (i == 0 ||
			c->total_time[PSS_EXEC] != rows[i - 1]->counters.total_time[PSS_EXEC])
			rank = i + 1;
		values[col++] = Int64GetDatumFast(rank);
		if (visible)
			values[col++] = Int64GetDatumFast((int64) e->key.queryid);
		else
			nulls[col++] = true;
		values[col++] = Int64GetDatumFast(c->calls[PSS_EXEC]);
		values[col++] = Float8GetDatumFast(c->total_time[PSS_EXEC]);
		values[col++] = Float8GetDatumFast(sum);
		values[col++] = Float8GetDatumFast(c->mean_time[PSS_EXEC]);
		entry_percentiles(e, pct);
		for (p = 1; p <= 2; p++)	/* p95 and p99 */
		{
			if (pct[p] < 0)
				nulls[col++] = true;
			else
				values[col++] = Float8GetDatum(pct[p]);
		}
		blks = c->shared_blks_hit + c->shared_blks_read;
		if (blks > 0)
			values[col++] = Float8GetDatum(100.0 * c->shared_blks_hit / blks);
		else
			nulls[col++] = true;
		values[col++] = Int64GetDatumFast(c->rows);
		values[col++] = Int64GetDatumFast(c->slow_calls);
		values[col++] = Int64GetDatumFast(c->failed_calls);
		values[col++] = Int64GetDatumFast(c->max_calls_per_xact);
		col = put_text(values, nulls, col, e->query, e->encoding,
					   true, visible);
		if (!nulls[col - 1])
			values[col - 1] =
				PointerGetDatum(one_line((text *) DatumGetPointer(values[col - 1]),
										 &shown));
		/* 1.2: where the time mostly went (a 1.1 row ends before it) */
		mostly_text = top_mostly(c, &mostly);
		if (mostly_text != NULL)
			values[col++] = PointerGetDatum(mostly_text);
		else
			nulls[col++] = true;
		/* 1.2: the trend of its execution time, interval by interval */
		if (trend != NULL)
			values[col++] = top_trend(&trend[i * PSS_TREND_INTERVALS]);
		else
			nulls[col++] = true;
		/* 1.2: who sends it most */
		values[col] = top_source(e, visible, &nulls[col]);
		col++;
		Assert(col == PSS_TOP_COLS);
		MemoryContextSwitchTo(oldcxt);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc,
							 values, nulls);
		/* what the row's values allocated (its text on one line, ...) */
		MemoryContextReset(rowcxt);
	}
	MemoryContextDelete(rowcxt);

	return (Datum) 0;
}

/*
 * pg_slow_statements_reset_1_0
 *		pg_slow_statements_reset(userid, dbid, queryid, minmax_only).
 *
 * 0 matches any value.  Returns the time of the reset.
 */
Datum
pg_slow_statements_reset_1_0(PG_FUNCTION_ARGS)
{
	Oid			userid = PG_GETARG_OID(0);
	Oid			dbid = PG_GETARG_OID(1);
	uint64		queryid = (uint64) PG_GETARG_INT64(2);
	bool		minmax_only = PG_GETARG_BOOL(3);

	pss_exec_reading_own();
	PG_RETURN_TIMESTAMPTZ(pss_store_reset(userid, dbid, queryid,
										  minmax_only));
}

/*
 * pg_slow_statements_info
 *		Store-wide figures: evictions, last reset, memory in use.
 */
Datum
pg_slow_statements_info(PG_FUNCTION_ARGS)
{
	PssStoreInfo info;
	TupleDesc	tupdesc;
	Datum		values[PSS_INFO_COLS];
	bool		nulls[PSS_INFO_COLS];

	pss_exec_reading_own();
	pss_store_check_ready();

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	if (tupdesc->natts != PSS_INFO_COLS_V1_0 &&
		tupdesc->natts != PSS_INFO_COLS)
		elog(ERROR, "incorrect number of output arguments");

	pss_store_get_info(&info);

	memset(nulls, 0, sizeof(nulls));
	values[0] = Int64GetDatum(info.dealloc);
	values[1] = TimestampTzGetDatum(info.stats_reset);
	values[2] = Int64GetDatum(info.entries);
	values[3] = Int64GetDatum(info.max_entries);
	values[4] = Int64GetDatum(info.text_bytes);
	values[5] = Int64GetDatum(info.text_capacity);
	values[6] = Int64GetDatum(info.texts_dropped);
	/* 1.1 appends samples_dropped */
	if (tupdesc->natts > PSS_INFO_COLS_V1_0)
		values[7] = Int64GetDatum(info.samples_dropped);

	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/*
 * pg_slow_statements_fingerprint
 *		The fingerprint (queryid) the extension gives a statement's text.
 *
 * Needs no shared memory: works whether or not the library is preloaded.
 */
Datum
pg_slow_statements_fingerprint(PG_FUNCTION_ARGS)
{
	text	   *query = PG_GETARG_TEXT_PP(0);

	PG_RETURN_INT64((int64) pss_fingerprint_text(VARDATA_ANY(query),
												 VARSIZE_ANY_EXHDR(query),
												 true));
}

/*
 * pg_slow_statements_normalize
 *		The normalized text the extension stores for a statement's text.
 */
Datum
pg_slow_statements_normalize(PG_FUNCTION_ARGS)
{
	text	   *query = PG_GETARG_TEXT_PP(0);
	const char *src = VARDATA_ANY(query);
	size_t		len = VARSIZE_ANY_EXHDR(query);
	size_t		need;
	text	   *result;

	need = pss_normalize(src, len, pss_std_strings(), NULL, 0, NULL);
	if (need > MaxAllocSize - VARHDRSZ)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("normalized query text would be too long"),
				 errdetail("The normalized text would take %zu bytes.", need)));

	result = (text *) palloc(need + VARHDRSZ);
	SET_VARSIZE(result, need + VARHDRSZ);
	(void) pss_normalize(src, len, pss_std_strings(),
						 VARDATA(result), need, NULL);
	PG_RETURN_TEXT_P(result);
}

/*
 * pg_slow_statements_histogram
 *		pg_slow_statements_histogram(queryid): the non-empty latency
 *		buckets of the entries with that queryid, for plotting.
 *
 * Entries of other users are left out unless the caller may see their
 * queryids, as in the view.
 */
Datum
pg_slow_statements_histogram(PG_FUNCTION_ARGS)
{
	uint64		queryid = (uint64) PG_GETARG_INT64(0);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			userid = GetUserId();
	bool		is_allowed_role;
	PssEntryCopy *copies;
	int			n;
	int			i;

	pss_exec_reading_own();
	pss_store_check_ready();
	InitMaterializedSRF(fcinfo, 0);
	is_allowed_role = has_privs_of_role(userid, ROLE_PG_READ_ALL_STATS);

	copies = pss_store_copy_all(false, false, false, false, &n);
	for (i = 0; i < n; i++)
	{
		PssEntryCopy *e = &copies[i];
		int			b;

		if (e->key.queryid != queryid ||
			!(is_allowed_role || e->key.userid == userid))
			continue;
		for (b = 0; b < PSS_HIST_BUCKETS; b++)
		{
			Datum		values[6];
			bool		nulls[6];

			if (e->counters.hist[b] == 0)
				continue;
			memset(nulls, 0, sizeof(nulls));
			values[0] = Float8GetDatum(pss_hist_lower(b));
			values[1] = Float8GetDatum(pss_hist_upper(b));
			values[2] = Int64GetDatum((int64) e->counters.hist[b]);
			values[3] = ObjectIdGetDatum(e->key.userid);
			values[4] = ObjectIdGetDatum(e->key.dbid);
			values[5] = BoolGetDatum(e->key.toplevel);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc,
								 values, nulls);
		}
	}
	return (Datum) 0;
}

/*
 * What the functions of one row per entry's item (pg_slow_statements_waits,
 * pg_slow_statements_history, pg_slow_statements_plans) share: an optional queryid as first
 * argument, a copy of the store, and each row's key shown as the view
 * shows it.
 */
typedef struct EntryRows
{
	bool		one;			/* a queryid was given: its entries only */
	uint64		queryid;
	Oid			userid;
	bool		is_allowed_role;	/* has pg_read_all_stats' privileges */
	PssEntryCopy *copies;
	int			n;
} EntryRows;

/*
 * entry_rows_begin
 *		Set up such a function's result and copy the store (with each
 *		entry's recent history if with_history, its plans and their texts
 *		if with_plans).
 */
static void
entry_rows_begin(FunctionCallInfo fcinfo, bool with_history, bool with_plans,
				 bool with_sources, EntryRows *er)
{
	er->one = !PG_ARGISNULL(0);
	er->queryid = er->one ? (uint64) PG_GETARG_INT64(0) : 0;
	er->userid = GetUserId();
	pss_exec_reading_own();
	pss_store_check_ready();
	InitMaterializedSRF(fcinfo, 0);
	er->is_allowed_role = has_privs_of_role(er->userid,
											ROLE_PG_READ_ALL_STATS);
	er->copies = pss_store_copy_all(with_plans || with_sources, with_history,
									with_plans, with_sources, &er->n);
}

/*
 * entry_rows_key
 *		Is entry e shown (the queryid asked for, if one was)?  If so, its
 *		rows' first four columns: userid, dbid, queryid (NULL to a caller
 *		who may not see it, as in the view, so that it never matches a
 *		queryid asked for) and toplevel.
 */
static bool
entry_rows_key(const EntryRows *er, const PssEntryCopy *e, Datum *values,
			   bool *nulls)
{
	bool		visible = er->is_allowed_role || e->key.userid == er->userid;

	if (er->one && (!visible || e->key.queryid != er->queryid))
		return false;
	values[0] = ObjectIdGetDatum(e->key.userid);
	nulls[0] = false;
	values[1] = ObjectIdGetDatum(e->key.dbid);
	nulls[1] = false;
	values[2] = Int64GetDatum((int64) e->key.queryid);
	nulls[2] = !visible;
	values[3] = BoolGetDatum(e->key.toplevel);
	nulls[3] = false;
	return true;
}

/*
 * pg_slow_statements_waits
 *		pg_slow_statements_waits(queryid DEFAULT NULL): the wait events
 *		behind each entry's sampled time (waits.h), a row per event kept,
 *		with samples and time (ms); running is the event CPU, of type CPU,
 *		and the entry's other events one row whose type and event are NULL.
 *		For one statement if queryid is given.
 *
 * Rows of other users show no queryid unless the caller has the privileges
 * of pg_read_all_stats, as in the view (and so never match a queryid).
 */
Datum
pg_slow_statements_waits(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	EntryRows	er;

	entry_rows_begin(fcinfo, false, false, false, &er);
	for (int i = 0; i < er.n; i++)
	{
		PssEntryCopy *e = &er.copies[i];
		Datum		values[8];
		bool		nulls[8];

		if (!entry_rows_key(&er, e, values, nulls))
			continue;
		for (int k = 0; k <= PSS_ENTRY_EVENTS; k++)
		{
			if (e->waits.samples[k] == 0)
				continue;
			nulls[4] = nulls[5] = false;
			if (k == PSS_WAITS_OTHER)
				nulls[4] = nulls[5] = true;
			else if (e->waits.code[k] == 0)
			{
				values[4] = CStringGetTextDatum("CPU");
				values[5] = CStringGetTextDatum("CPU");
			}
			else
			{
				uint32		info = PSS_EVENT_INFO(e->waits.code[k]);
				const char *type = pgstat_get_wait_event_type(info);
				const char *event = pgstat_get_wait_event(info);

				/* names are the server's own: never NULL, but be sure */
				values[4] = CStringGetTextDatum(type ? type : "???");
				values[5] = CStringGetTextDatum(event ? event : "???");
			}
			values[6] = Int64GetDatum((int64) e->waits.samples[k]);
			nulls[6] = false;
			values[7] = Float8GetDatum(e->waits.time_us[k] / 1000.0);
			nulls[7] = false;
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc,
								 values, nulls);
		}
	}
	return (Datum) 0;
}

/*
 * pg_slow_statements_history
 *		pg_slow_statements_history(queryid DEFAULT NULL): each entry's
 *		recent intervals (history.h) with any execution, oldest first: the
 *		last history_size intervals.  For one statement if queryid is given.
 *
 * Rows of other users show no queryid unless the caller has the privileges
 * of pg_read_all_stats, as in the view (and so never match a queryid).
 */
Datum
pg_slow_statements_history(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	EntryRows	er;

	entry_rows_begin(fcinfo, true, false, false, &er);
	for (int i = 0; i < er.n; i++)
	{
		PssEntryCopy *e = &er.copies[i];
		Datum		values[10];
		bool		nulls[10];

		if (!entry_rows_key(&er, e, values, nulls))
			continue;
		memset(&nulls[4], 0, sizeof(bool) * 6);
		for (int k = 0; k < e->nhistory; k++)
		{
			const PssHistCopy *h = &e->history[k];

			values[4] = TimestampTzGetDatum(pss_history_interval_start(h->interval));
			values[5] = Int64GetDatum((int64) h->calls);
			values[6] = Float8GetDatum(h->total_ms);
			values[7] = Float8GetDatum(h->max_ms);
			values[8] = Int64GetDatum((int64) h->failed_calls);
			values[9] = Int64GetDatum((int64) h->rows);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc,
								 values, nulls);
		}
	}
	return (Datum) 0;
}

/*
 * pg_slow_statements_plans
 *		pg_slow_statements_plans(queryid DEFAULT NULL): each entry's plans
 *		kept (the last max_plans distinct plan ids executed: plan_id.c),
 *		with their calls and execution time, when each was first and last
 *		executed, and its text.  For one statement if queryid is given.
 *
 * A plan shows the statement's values (its constants, with costs, unless
 * capture_constants is off): rows of other users show neither the queryid
 * nor the plan's text unless the caller has the privileges of
 * pg_read_all_stats, as the view hides their text.
 */
Datum
pg_slow_statements_plans(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	EntryRows	er;

	entry_rows_begin(fcinfo, false, true, false, &er);
	for (int i = 0; i < er.n; i++)
	{
		PssEntryCopy *e = &er.copies[i];
		Datum		values[11];
		bool		nulls[11];
		bool		visible;

		if (!entry_rows_key(&er, e, values, nulls))
			continue;
		visible = !nulls[2];
		memset(&nulls[4], 0, sizeof(bool) * 7);
		for (int k = 0; k < e->nplans; k++)
		{
			const PssPlanCopy *p = &e->plans[k];

			values[4] = Int64GetDatum((int64) p->planid);
			values[5] = Int64GetDatum(p->calls);
			values[6] = Float8GetDatum(p->total_ms);
			values[7] = Float8GetDatum(p->calls > 0 ?
									   p->total_ms / p->calls : 0);
			values[8] = TimestampTzGetDatum(p->first_seen);
			values[9] = TimestampTzGetDatum(p->last_seen);
			nulls[10] = true;
			if (visible && p->text != NULL)
			{
				char	   *t = convert_text(p->text, p->text_len,
											 e->encoding);

				if (t != NULL)
				{
					values[10] = CStringGetTextDatum(t);
					nulls[10] = false;
				}
			}
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc,
								 values, nulls);
		}
	}
	return (Datum) 0;
}

/*
 * json_next_string
 *		The next JSON string or null of a JSON object written by tags.c,
 *		from *p, unescaped into buf; *p moves past it.  False at the end.
 *		Such an object holds only strings (a value may be null: buf is
 *		then empty, *is_null set) and escapes only \" \\ and \u00XX.
 */
static bool
json_next_string(const char **p, const char *end, StringInfo buf,
				 bool *is_null)
{
	const char *q = *p;

	resetStringInfo(buf);
	*is_null = false;
	while (q < end && *q != '"' && *q != 'n')
		q++;
	if (q >= end)
		return false;
	if (*q == 'n')
	{
		*is_null = true;
		*p = Min(q + 4, end);
		return true;
	}
	for (q++; q < end && *q != '"'; q++)
	{
		if (*q == '\\' && q + 1 < end)
		{
			q++;
			if (*q == 'u' && q + 4 < end)
			{
				appendStringInfoChar(buf, ' ');	/* a control byte */
				q += 4;
				continue;
			}
		}
		appendStringInfoChar(buf, *q);
	}
	*p = Min(q + 1, end);
	return true;
}

/*
 * source_label
 *		A short label of a source, for pg_slow_statements_top: its
 *		application_name, then what names the code: its route tag if it
 *		has one, or else controller#action (Rails' way of naming it), or
 *		else its tags as key=value; the client address if it has none of
 *		these.  At most PSS_SOURCE_LABEL_MAX bytes, converted to this
 *		database's encoding (NULL if it cannot be).  tags are a stored
 *		source's (see source_json).
 */
static char *
source_label(const char *app, const char *addr, const char *tags,
			 int tags_len, int encoding)
{
	int			len;
	const char *json = source_json(tags, tags_len, encoding, &len);
	StringInfoData buf;
	StringInfoData key;
	StringInfoData value;
	StringInfoData all;
	const char *p = json;
	const char *end = json + len;
	char	   *route = NULL;
	char	   *controller = NULL;
	char	   *action = NULL;
	bool		key_null;
	bool		value_null;

	initStringInfo(&buf);
	initStringInfo(&key);
	initStringInfo(&value);
	initStringInfo(&all);
	while (json_next_string(&p, end, &key, &key_null) &&
		   json_next_string(&p, end, &value, &value_null))
	{
		if (!value_null && strcmp(key.data, "route") == 0)
			route = pstrdup(value.data);
		else if (!value_null && strcmp(key.data, "controller") == 0)
			controller = pstrdup(value.data);
		else if (!value_null && strcmp(key.data, "action") == 0)
			action = pstrdup(value.data);
		if (all.len > PSS_SOURCE_LABEL_MAX)
			continue;
		appendStringInfo(&all, "%s%s", all.len > 0 ? "," : "", key.data);
		if (!value_null)
			appendStringInfo(&all, "=%s", value.data);
	}
	appendStringInfoString(&buf, app);
	if (buf.len > 0 && (route || controller || all.len > 0))
		appendStringInfoChar(&buf, ' ');
	if (route)
		appendStringInfoString(&buf, route);
	else if (controller)
		appendStringInfo(&buf, "%s%s%s", controller, action ? "#" : "",
						 action ? action : "");
	else
		appendBinaryStringInfo(&buf, all.data, all.len);
	if (buf.len == 0)
		appendStringInfoString(&buf, addr);
	if (buf.len > PSS_SOURCE_LABEL_MAX)
		buf.len = pg_encoding_mbcliplen(encoding, buf.data, buf.len,
										PSS_SOURCE_LABEL_MAX);
	buf.data[buf.len] = '\0';
	return convert_text(buf.data, buf.len, encoding);
}

/*
 * pg_slow_statements_sources
 *		pg_slow_statements_sources(queryid DEFAULT NULL): each entry's
 *		sources (sources.h), heaviest first as kept, then one row for the
 *		remainder (is_remainder, its application_name, client_addr and tags
 *		NULL) if calls are in it: the rows of an entry add up to its calls
 *		and execution time.  For one statement if queryid is given.
 *
 * No rows while max_sources is 0.  A source tells which application,
 * client and code sent a statement, and
 * tags may carry personal data: rows of other users show neither the
 * queryid nor the source, unless the caller has the privileges of
 * pg_read_all_stats, as for the view's texts.
 */
Datum
pg_slow_statements_sources(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	EntryRows	er;
	MemoryContext rowcxt;

	entry_rows_begin(fcinfo, false, false, true, &er);
	/* none kept: no rows, not one remainder per entry */
	if (pss_max_sources == 0)
		return (Datum) 0;
	/* what a row's values allocate (a label, a jsonb) lives for it */
	rowcxt = AllocSetContextCreate(CurrentMemoryContext,
								   "pg_slow_statements row",
								   ALLOCSET_SMALL_SIZES);
	for (int i = 0; i < er.n; i++)
	{
		PssEntryCopy *e = &er.copies[i];
		Datum		values[14];
		bool		nulls[14];
		bool		visible;
		int64		rest_calls = e->counters.calls[PSS_EXEC];
		double		rest_ms = e->counters.total_time[PSS_EXEC];

		if (!entry_rows_key(&er, e, values, nulls))
			continue;
		visible = !nulls[2];
		/* heaviest first (a handful: insertion sort) */
		for (int k = 1; k < e->nsources; k++)
		{
			PssSourceCopy t = e->sources[k];
			int			j = k;

			while (j > 0 && e->sources[j - 1].calls < t.calls)
			{
				e->sources[j] = e->sources[j - 1];
				j--;
			}
			e->sources[j] = t;
		}
		for (int k = 0; k <= e->nsources; k++)
		{
			const PssSourceCopy *p = k < e->nsources ? &e->sources[k] : NULL;
			int64		calls = p ? p->calls : rest_calls;
			double		total = p ? p->total_ms : Max(rest_ms, 0.0);
			const char *app;
			const char *addr;
			const char *json;
			int			json_len;
			MemoryContext oldcxt;

			if (calls <= 0)
				continue;
			oldcxt = MemoryContextSwitchTo(rowcxt);
			memset(&nulls[4], true, sizeof(bool) * 10);
			if (p != NULL)
			{
				rest_calls -= p->calls;
				rest_ms -= p->total_ms;
			}
			if (p != NULL && visible && p->text != NULL &&
				pss_source_split(p->text, p->text_len, &app, &addr, &json,
								 &json_len))
			{
				char	   *label = source_label(app, addr, json, json_len,
												 e->encoding);

				values[4] = CStringGetTextDatum(app);
				nulls[4] = false;
				if (addr[0] != '\0')
				{
					values[5] = DirectFunctionCall1(inet_in,
													CStringGetDatum(addr));
					nulls[5] = false;
				}
				nulls[6] = !source_tags_datum(json, json_len, e->encoding,
											  &values[6]);
				if (label != NULL)
				{
					values[13] = CStringGetTextDatum(label);
					nulls[13] = false;
				}
			}
			values[7] = Int64GetDatum(calls);
			nulls[7] = false;
			values[8] = Float8GetDatum(total);
			nulls[8] = false;
			values[9] = Float8GetDatum(total / calls);
			nulls[9] = false;
			if (p != NULL || e->rest_last_call != 0)
			{
				values[10] = Float8GetDatum(p ? p->max_ms : e->rest_max_ms);
				nulls[10] = false;
				values[11] = TimestampTzGetDatum(p ? p->last_call :
												 e->rest_last_call);
				nulls[11] = false;
			}
			values[12] = BoolGetDatum(p == NULL);
			nulls[12] = false;
			MemoryContextSwitchTo(oldcxt);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc,
								 values, nulls);
			MemoryContextReset(rowcxt);
		}
	}
	MemoryContextDelete(rowcxt);
	return (Datum) 0;
}

/* One statement's figures within the window of pg_slow_statements_recent */
typedef struct RecentRow
{
	PssEntryCopy *e;
	bool		visible;
	int64		calls;
	int64		failed_calls;
	double		total_ms;
	double		max_ms;
} RecentRow;

/*
 * recent_compare
 *		qsort comparator: total time in the window, highest first, then
 *		queryid, so that the order is stable.
 */
static int
recent_compare(const void *a, const void *b)
{
	const RecentRow *x = (const RecentRow *) a;
	const RecentRow *y = (const RecentRow *) b;

	if (x->total_ms != y->total_ms)
		return x->total_ms > y->total_ms ? -1 : 1;
	if (x->e->key.queryid != y->e->key.queryid)
		return (int64) x->e->key.queryid < (int64) y->e->key.queryid ? -1 : 1;
	return 0;
}

/*
 * pg_slow_statements_recent
 *		pg_slow_statements_recent(window interval DEFAULT '5 minutes'): the
 *		statements ranked by their execution time within the window, from
 *		their recent intervals (history.h): every interval that began
 *		within the window, the current one included.  The window is
 *		rounded to whole intervals, and at most history_size of them.
 */
Datum
pg_slow_statements_recent(PG_FUNCTION_ARGS)
{
	Interval   *window = PG_GETARG_INTERVAL_P(0);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			userid = GetUserId();
	bool		is_allowed_role;
	PssEntryCopy *copies;
	RecentRow  *rows;
	int			n;
	int			nrows = 0;
	double		sum = 0;
	int64		window_us;
	uint32		from;

	pss_exec_reading_own();
	pss_store_check_ready();
	InitMaterializedSRF(fcinfo, 0);
	is_allowed_role = has_privs_of_role(userid, ROLE_PG_READ_ALL_STATS);

	if (window->month != 0 || window->day < 0 || window->time < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("window must be an interval of days, hours, minutes or seconds, not negative")));
	/* a window longer than timestamps go back takes every interval */
	if (window->day > (PG_INT64_MAX - window->time) / USECS_PER_DAY / 2)
		from = 0;
	else
	{
		window_us = window->time + (int64) window->day * USECS_PER_DAY;
		from = pss_history_interval_of(GetCurrentTimestamp() - window_us);
	}

	copies = pss_store_copy_all(true, true, false, false, &n);
	/* as the copy, over a gigabyte at a few tens of millions of entries */
	rows = MemoryContextAllocHuge(CurrentMemoryContext,
								  sizeof(RecentRow) * Max(n, 1));
	memset(rows, 0, sizeof(RecentRow) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		PssEntryCopy *e = &copies[i];
		RecentRow  *r = &rows[nrows];

		for (int k = 0; k < e->nhistory; k++)
		{
			const PssHistCopy *h = &e->history[k];

			/* the interval that holds the window's start counts whole */
			if (h->interval < from)
				continue;
			r->calls += h->calls;
			r->failed_calls += h->failed_calls;
			r->total_ms += h->total_ms;
			if (h->max_ms > r->max_ms)
				r->max_ms = h->max_ms;
		}
		if (r->calls == 0 && r->failed_calls == 0)
			continue;
		r->e = e;
		r->visible = is_allowed_role || e->key.userid == userid;
		sum += r->total_ms;
		nrows++;
	}
	qsort(rows, nrows, sizeof(RecentRow), recent_compare);

	for (int i = 0; i < nrows; i++)
	{
		RecentRow  *r = &rows[i];
		Datum		values[12];
		bool		nulls[12];
		text	   *t = NULL;

		memset(nulls, 0, sizeof(nulls));
		values[0] = Int64GetDatum(i + 1);
		values[1] = ObjectIdGetDatum(r->e->key.userid);
		values[2] = ObjectIdGetDatum(r->e->key.dbid);
		if (r->visible)
			values[3] = Int64GetDatum((int64) r->e->key.queryid);
		else
			nulls[3] = true;
		values[4] = BoolGetDatum(r->e->key.toplevel);
		values[5] = Int64GetDatum(r->calls);
		values[6] = Float8GetDatum(r->total_ms);
		if (r->calls > 0)
			values[7] = Float8GetDatum(r->total_ms / r->calls);
		else
			nulls[7] = true;
		values[8] = Float8GetDatum(r->max_ms);
		values[9] = Int64GetDatum(r->failed_calls);
		if (sum > 0)
			values[10] = Float8GetDatum(100.0 * r->total_ms / sum);
		else
			nulls[10] = true;
		if (r->e->query != NULL)
			t = cstring_to_text_with_len(r->e->query, r->e->query_len);
		(void) put_text(values, nulls, 11, t, r->e->encoding, true,
						r->visible);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc,
							 values, nulls);
	}
	return (Datum) 0;
}
