/*-------------------------------------------------------------------------
 *
 * persist.c
 *	  Saving the store at a clean shutdown and loading it at startup.
 *
 * With pg_slow_statements.save on, the postmaster writes every entry and
 * its text to PSS_SAVE_FILE ".tmp" when it exits cleanly, then renames the
 * file into place, so a reader never sees a half-written file.  At startup
 * the postmaster reads the file in pieces, checks its header, every record
 * and its checksum before loading anything, loads it and removes it: after
 * a crash there is no file, so stale statistics are never loaded twice.  A
 * truncated, corrupt, foreign or oversized file is reported with a WARNING
 * and ignored; the server always starts, with memory bounded by the
 * settings whatever the file declares.
 *
 * This file uses the store only through its functions for readers and
 * for loading (store.h); the store does not call this file.  It installs
 * its own shared memory startup hook, after the store's (pss_persist_init
 * is called after pss_store_init), so that the store exists when it runs.
 *
 * File layout (native byte order: the file never leaves its server):
 *	PssFileHeader
 *	nentries x (PssFileRecord, then the bytes of its four texts: query,
 *				slowest query, slowest plan, slowest source, each only if
 *				its length >= 0, then its nhistory intervals, PssHistCopy
 *				each, oldest first, then its nplans plans, each a
 *				PssFilePlan and the bytes of its text if its length >= 0,
 *				then its nsources sources, each a PssFileSource and the
 *				bytes of its text)
 *	pg_crc32c of everything before it
 *
 * src/persist.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <float.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog/pg_control.h"
#include "common/controldata_utils.h"
#include "common/hashfn.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "port/pg_crc32c.h"
#include "storage/fd.h"
#include "storage/ipc.h"
#include "utils/memutils.h"

#include "history.h"
#include "persist.h"
#include "pg_slow_statements.h"
#include "sources.h"
#include "store.h"

#define PSS_FILE_MAGIC		0x53534750	/* "PGSS" backwards: any fixed value */
/*
 * Raised whenever the record layout or the meaning of the ids changes:
 * 2 since fingerprints hash names eight bytes at a time; 3 since NULL,
 * TRUE and FALSE are constants, code bodies code, and texts hashed in
 * UTF-8 (a file of older ids is ignored rather than loaded under ids no
 * statement has), and since utility statements' slow samples are kept
 * normalized (a file whose samples may hold their constants, passwords,
 * is never loaded); 4 since the counters of extension version 1.1 (split
 * block I/O times, JIT deforming, wal_buffers_full, parallel workers, plan
 * cache kinds); 5 since the counters are laid out in the order of their
 * columns, and the header records the table of counters (counters_layout);
 * 6 since each entry keeps its wait events (waits.h); 7 since it keeps its
 * recent history (history.h), after its texts; 8 since it keeps its plans
 * (plan_id.c), after its history; 9 since it keeps its sources
 * (sources.h), after its plans, and its slowest execution's source.
 */
#define PSS_FILE_VERSION	9

/*
 * The table's stored counters (counterlist.h) as a string, "name:ctype "
 * each: the header records its hash, so that a file written with other
 * counters, or the same in another order, is never loaded, whether or
 * not PSS_FILE_VERSION was raised.
 */
#define PSS_STORED(name, ctype, sqltype, since)	#name ":" #ctype " "
static const char counters_layout_text[] =
#include "counterlist.h"
	"";

/*
 * The file of extension version 1.1 (PSS_FILE_VERSION_1_1) still loads:
 * its records, PssFileRecord11, hold 1.1's counters (the same table up to
 * its 1.2 rows), no wait events, history or plans; its header the same
 * fields, history_interval zero.
 */
#define PSS_FILE_VERSION_1_1	5

#define PSS_COUNTERS_1_1
#define PSS_STORED(name, ctype, sqltype, since)	#name ":" #ctype " "
static const char counters_layout_text_1_1[] =
#include "counterlist.h"
	"";

typedef struct PssCounters11
{
	PSS_COUNTERS_HEAD
#define PSS_COUNTERS_1_1
#define PSS_STORED(name, ctype, sqltype, since)	ctype name;
#include "counterlist.h"
	PSS_COUNTERS_TAIL
} PssCounters11;

typedef struct PssFileHeader
{
	uint32		magic;
	uint32		version;
	uint32		pg_version;		/* PG_VERSION_NUM / 100 */
	uint32		record_size;	/* sizeof(PssFileRecord), catches layout
								 * changes */
	int64		nentries;
	int64		dealloc;
	TimestampTz stats_reset;
	int64		texts_dropped;
	uint32		counters_layout;	/* counters_layout() */
	uint32		history_interval;	/* pg_slow_statements.history_interval:
									 * a history of other intervals is not
									 * loaded */
} PssFileHeader;

StaticAssertDecl(sizeof(PssFileHeader) == 56,
				 "the saved file's header takes 56 bytes (002_saved_file)");

typedef struct PssFileRecord
{
	PssKey		key;
	PssCounters counters;
	PssEntryWaits waits;
	int32		nhistory;		/* intervals after the texts */
	int32		nplans;			/* plans after the intervals */
	int32		nsources;		/* sources after the plans */
	int32		slowest_source_len; /* -1: none */
	double		rest_max_ms;	/* the remainder of its sources */
	TimestampTz rest_last_call;
	double		usage;			/* the last 40 bytes are read by offset */
	TimestampTz stats_since;
	TimestampTz minmax_stats_since;
	int32		encoding;
	int32		query_len;		/* -1: no text */
	int32		slowest_query_len;	/* -1: none */
	int32		slowest_plan_len;	/* -1: none */
} PssFileRecord;

/* One of an entry's plans (PssPlanCopy), its text's bytes after it */
typedef struct PssFilePlan
{
	uint64		planid;
	int64		calls;
	double		total_ms;
	TimestampTz first_seen;
	TimestampTz last_seen;
	int64		last_call;
	int32		text_len;		/* -1: no text */
	int32		padding;		/* zero */
} PssFilePlan;

/* One of an entry's sources (PssSourceCopy), its text's bytes after it */
typedef struct PssFileSource
{
	uint64		id;
	int64		calls;
	double		total_ms;
	double		max_ms;
	TimestampTz last_call;
	uint32		inherited;
	int32		text_len;
} PssFileSource;

StaticAssertDecl(sizeof(PssFileSource) == 48,
				 "a saved source takes 48 bytes (002_saved_file)");

typedef struct PssFileRecord11
{
	PssKey		key;
	PssCounters11 counters;
	double		usage;
	TimestampTz stats_since;
	TimestampTz minmax_stats_since;
	int32		encoding;
	int32		query_len;
	int32		slowest_query_len;
	int32		slowest_plan_len;
} PssFileRecord11;

static shmem_startup_hook_type prev_shmem_startup_hook = NULL;

static void persist_startup(void);
static void persist_shutdown(int code, Datum arg);
static bool cluster_shut_down_cleanly(void);
static void persist_save(void);
static void persist_load(void);
static uint32 counters_layout(const char *text);
static bool write_all(FILE *file, const void *data, size_t len,
					  pg_crc32c *crc);


/*
 * pss_persist_init
 *		Install the shared memory startup hook that loads the saved
 *		statistics; called from _PG_init, after pss_store_init.
 */
void
pss_persist_init(void)
{
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = persist_startup;
}

/*
 * persist_startup
 *		Once the store exists: in the postmaster (or a standalone backend),
 *		load the saved statistics into a store just created, and arrange
 *		for them to be saved at shutdown.  A backend started by the
 *		postmaster merely attaches (the hooks before this one).
 */
static void
persist_startup(void)
{
	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();

	if (IsUnderPostmaster || !pss_store_ready())
		return;
	on_shmem_exit(persist_shutdown, (Datum) 0);
	/* with save off, a file left from before is neither loaded nor kept */
	if (pss_store_created() && pss_save)
		persist_load();
	else if (pss_store_created())
		unlink(PSS_SAVE_FILE);
}

/*
 * cluster_shut_down_cleanly
 *		Did the cluster just write its shutdown checkpoint?
 *
 * An immediate shutdown exits the postmaster normally, but its backends
 * were killed wherever they were: like the server's own cumulative
 * statistics, ours are then not kept.
 */
static bool
cluster_shut_down_cleanly(void)
{
	ControlFileData *control;
	bool		crc_ok;
	bool		clean;

	control = get_controlfile(DataDir, &crc_ok);
	clean = crc_ok && (control->state == DB_SHUTDOWNED ||
					   control->state == DB_SHUTDOWNED_IN_RECOVERY);
	pfree(control);
	return clean;
}

/*
 * persist_shutdown
 *		on_shmem_exit callback of the postmaster: save the statistics.
 *
 * Nothing is saved after a crash (code != 0) or an immediate shutdown, nor
 * if a backend died while changing the store's structure: the file would
 * describe a torn table.
 */
static void
persist_shutdown(int code, Datum arg)
{
	if (code != 0 || !pss_store_ready())
		return;
	if (!cluster_shut_down_cleanly())
	{
		unlink(PSS_SAVE_FILE);
		return;
	}
	if (pss_store_torn())
	{
		ereport(LOG,
				(errmsg("pg_slow_statements statistics not saved"),
				 errdetail("A backend ended while changing the statistics.")));
		return;
	}
	persist_save();
}

/*
 * counters_layout
 *		Hash of a table's layout text (counters_layout_text), for the header.
 */
static uint32
counters_layout(const char *text)
{
	return hash_bytes((const unsigned char *) text, strlen(text));
}

/*
 * write_all
 *		Write len bytes and add them to the running checksum.
 */
static bool
write_all(FILE *file, const void *data, size_t len, pg_crc32c *crc)
{
	COMP_CRC32C(*crc, data, len);
	return len == 0 || fwrite(data, 1, len, file) == len;
}

/*
 * persist_save
 *		Write the store to the save file.  Called in the postmaster (or a
 *		standalone backend) as it exits cleanly.
 *
 * Failures are logged, not raised: the server is shutting down.
 */
static void
persist_save(void)
{
	FILE	   *file;
	PssEntryCopy *copies;
	PssStoreInfo info;
	PssFileHeader header;
	pg_crc32c	crc;
	int			n;
	int			i;
	bool		ok = true;

	if (!pss_save)
	{
		unlink(PSS_SAVE_FILE);
		return;
	}

	file = AllocateFile(PSS_SAVE_FILE ".tmp", PG_BINARY_W);
	if (file == NULL)
	{
		ereport(LOG,
				(errcode_for_file_access(),
				 errmsg("could not open file \"%s\": %m",
						PSS_SAVE_FILE ".tmp")));
		return;
	}

	copies = pss_store_copy_all(true, true, true, true, &n);
	pss_store_get_info(&info);

	memset(&header, 0, sizeof(header));
	header.magic = PSS_FILE_MAGIC;
	header.version = PSS_FILE_VERSION;
	header.pg_version = PG_VERSION_NUM / 100;
	header.record_size = sizeof(PssFileRecord);
	header.counters_layout = counters_layout(counters_layout_text);
	header.history_interval = pss_history_interval;
	header.nentries = n;
	header.dealloc = info.dealloc;
	header.stats_reset = info.stats_reset;
	header.texts_dropped = info.texts_dropped;

	INIT_CRC32C(crc);
	ok = write_all(file, &header, sizeof(header), &crc);
	for (i = 0; ok && i < n; i++)
	{
		PssFileRecord rec;

		memset(&rec, 0, sizeof(rec));
		rec.key = copies[i].key;
		rec.counters = copies[i].counters;
		rec.usage = copies[i].usage;
		rec.waits = copies[i].waits;
		rec.nhistory = copies[i].nhistory;
		rec.nplans = copies[i].nplans;
		rec.nsources = copies[i].nsources;
		rec.rest_max_ms = copies[i].rest_max_ms;
		rec.rest_last_call = copies[i].rest_last_call;
		rec.slowest_source_len = copies[i].slowest_source ?
			copies[i].slowest_source_len : -1;
		rec.stats_since = copies[i].stats_since;
		rec.minmax_stats_since = copies[i].minmax_stats_since;
		rec.encoding = copies[i].encoding;
		rec.query_len = copies[i].query ? copies[i].query_len : -1;
		rec.slowest_query_len = copies[i].slowest_query ?
			copies[i].slowest_query_len : -1;
		rec.slowest_plan_len = copies[i].slowest_plan ?
			copies[i].slowest_plan_len : -1;
		ok = write_all(file, &rec, sizeof(rec), &crc);
		if (ok && rec.query_len > 0)
			ok = write_all(file, copies[i].query, rec.query_len, &crc);
		if (ok && rec.slowest_query_len > 0)
			ok = write_all(file, copies[i].slowest_query,
						   rec.slowest_query_len, &crc);
		if (ok && rec.slowest_plan_len > 0)
			ok = write_all(file, copies[i].slowest_plan,
						   rec.slowest_plan_len, &crc);
		if (ok && rec.slowest_source_len > 0)
			ok = write_all(file, copies[i].slowest_source,
						   rec.slowest_source_len, &crc);
		if (ok && rec.nhistory > 0)
			ok = write_all(file, copies[i].history,
						   sizeof(PssHistCopy) * rec.nhistory, &crc);
		for (int k = 0; ok && k < rec.nplans; k++)
		{
			const PssPlanCopy *p = &copies[i].plans[k];
			PssFilePlan fp;

			memset(&fp, 0, sizeof(fp));
			fp.planid = p->planid;
			fp.calls = p->calls;
			fp.total_ms = p->total_ms;
			fp.first_seen = p->first_seen;
			fp.last_seen = p->last_seen;
			fp.last_call = p->last_call;
			fp.text_len = p->text != NULL ? p->text_len : -1;
			ok = write_all(file, &fp, sizeof(fp), &crc);
			if (ok && fp.text_len > 0)
				ok = write_all(file, p->text, fp.text_len, &crc);
		}
		for (int k = 0; ok && k < rec.nsources; k++)
		{
			const PssSourceCopy *p = &copies[i].sources[k];
			PssFileSource fs;

			memset(&fs, 0, sizeof(fs));
			fs.id = p->id;
			fs.calls = p->calls;
			fs.total_ms = p->total_ms;
			fs.max_ms = p->max_ms;
			fs.last_call = p->last_call;
			fs.inherited = p->inherited;
			fs.text_len = p->text != NULL ? p->text_len : -1;
			ok = write_all(file, &fs, sizeof(fs), &crc);
			if (ok && fs.text_len > 0)
				ok = write_all(file, p->text, fs.text_len, &crc);
		}
	}
	FIN_CRC32C(crc);
	if (ok)
		ok = fwrite(&crc, 1, sizeof(crc), file) == sizeof(crc);

	if (!ok)
	{
		ereport(LOG,
				(errcode_for_file_access(),
				 errmsg("could not write file \"%s\": %m",
						PSS_SAVE_FILE ".tmp")));
		FreeFile(file);
		unlink(PSS_SAVE_FILE ".tmp");
		return;
	}
	if (FreeFile(file))
	{
		ereport(LOG,
				(errcode_for_file_access(),
				 errmsg("could not close file \"%s\": %m",
						PSS_SAVE_FILE ".tmp")));
		unlink(PSS_SAVE_FILE ".tmp");
		return;
	}

	(void) durable_rename(PSS_SAVE_FILE ".tmp", PSS_SAVE_FILE, LOG);
}

/*
 * Loading reads the file in pieces, twice.  The first pass checks every
 * record and computes the checksum, keeping nothing but where each record
 * to load starts (and its usage, to keep the most used when the file holds
 * more entries than pg_slow_statements.max): no more than max positions.
 * Only a file found good is loaded, by the second pass, one record at a
 * time.  Every size the file declares is checked before anything is
 * allocated or read for it: the entry count against the file's size, each
 * text against the longest any server writes (and the file's size), so
 * that memory stays bounded by the settings whatever the file says, and a
 * file that is bad, however large, is rejected after reading about what
 * its header and records declare.
 */

/* Bytes read at a time from the saved file, for a text not kept */
#define PSS_LOAD_PIECE		(64 * 1024)

/*
 * A file whose records do not hold is checksummed to its end if no more
 * than this is left to read, so that a corrupt file is reported as such
 * rather than as what the corruption looks like
 */
#define PSS_CHECK_REST_MAX	(64 * 1024 * 1024)

/* The texts of a record: query, slowest query and plan, then its plans' */
#define PSS_TEXT_PLAN		4	/* text[] of the first plan */
#define PSS_TEXT_SOURCE		(PSS_TEXT_PLAN + PSS_MAX_PLANS_LIMIT)
#define PSS_TEXTS			(PSS_TEXT_SOURCE + PSS_MAX_SOURCES_LIMIT)

/* A record to load: its usage, and where it starts in the file */
typedef struct PssLoadItem
{
	double		usage;
	off_t		offset;
} PssLoadItem;

/* A load under way */
typedef struct PssLoader
{
	FILE	   *file;
	off_t		end;			/* where the records end: the checksum */
	off_t		pos;			/* next byte to read */
	pg_crc32c	crc;			/* of the bytes read, in the first pass */
	int64		query_keep;		/* longest query text kept */
	char	   *piece;			/* PSS_LOAD_PIECE bytes, for texts not kept */
	char	   *text[PSS_TEXTS];	/* a buffer for each text of a record */
	Size		text_size[PSS_TEXTS];
	uint32		version;		/* the file's: PSS_FILE_VERSION or
								 * PSS_FILE_VERSION_1_1 */
	bool		history_keep;	/* the file's intervals are this server's */
	PssHistCopy *history;		/* a buffer for a record's history */
	int			history_size;
	PssPlanCopy plans[PSS_MAX_PLANS_LIMIT];	/* a record's plans */
	PssSourceCopy sources[PSS_MAX_SOURCES_LIMIT];	/* and sources */
	const char *problem;		/* why the file is ignored: a sentence */
	const char *fault;			/* a problem that a checksum mismatch would
								 * explain: reported only if it matches */
	bool		failed;			/* the problem is a read error or a lack of
								 * memory, not the file's content */
} PssLoader;

/*
 * load_read
 *		Read len bytes at the loader's position into dst, adding them to
 *		the checksum.  Sets the problem and returns false if the file is
 *		shorter or cannot be read.
 */
static bool
load_read(PssLoader *l, void *dst, size_t len)
{
	if (l->end - l->pos < (off_t) len)
	{
		l->problem = "The file is truncated.";
		return false;
	}
	if (len > 0 && fread(dst, 1, len, l->file) != len)
	{
		l->problem = "The file could not be read completely.";
		l->failed = true;
		return false;
	}
	COMP_CRC32C(l->crc, dst, len);
	l->pos += len;
	return true;
}

/*
 * load_alloc
 *		palloc that reports a lack of memory as the loader's problem (NULL)
 *		rather than raising an error: the postmaster is starting.
 */
static void *
load_alloc(PssLoader *l, Size size)
{
	void	   *p = palloc_extended(size, MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);

	if (p == NULL)
	{
		l->problem = "There is not enough memory to load it.";
		l->failed = true;
	}
	return p;
}

/*
 * load_text
 *		Read a text of len bytes (-1: none) into buffer which, at most limit
 *		bytes, and set *text to it, NUL-terminated; or to NULL if there is
 *		no text or it is longer than keep (it is read through, for the
 *		checksum, in pieces).  Returns false, the problem set, if the length
 *		is invalid or the bytes cannot be read.
 */
static bool
load_text(PssLoader *l, int which, int32 len, int64 limit, int64 keep,
		  int encoding, char **text)
{
	*text = NULL;
	if (len == -1)
		return true;
	if (len < 0)
	{
		l->problem = "A text has an invalid length.";
		return false;
	}
	if (len > limit)
	{
		l->problem = "A text is longer than allowed.";
		return false;
	}
	if (l->end - l->pos < (off_t) len)
	{
		l->problem = "The file is truncated.";
		return false;
	}
	if (len > keep)
	{
		int32		left = len;

		while (left > 0)
		{
			size_t		n = Min(left, PSS_LOAD_PIECE);

			if (!load_read(l, l->piece, n))
				return false;
			left -= n;
		}
		return true;
	}
	if (l->text_size[which] < (Size) len + 1)
	{
		if (l->text[which] != NULL)
			pfree(l->text[which]);
		l->text_size[which] = Max((Size) len + 1, 1024);
		l->text[which] = load_alloc(l, l->text_size[which]);
		if (l->text[which] == NULL)
		{
			l->text_size[which] = 0;
			return false;
		}
	}
	if (!load_read(l, l->text[which], len))
		return false;
	l->text[which][len] = '\0';
	/* shown as they are in databases of their encoding: checked here */
	if (PG_VALID_BE_ENCODING(encoding) &&
		!pg_verify_mbstr(encoding, l->text[which], len, true))
		l->fault = "A text is not valid in its encoding.";
	*text = l->text[which];
	return true;
}

/*
 * load_history
 *		Read a record's n intervals of history into the loader's buffer, and
 *		point copy at them, if they are of this server's interval and it
 *		keeps a history (read through otherwise, for the checksum).  Returns
 *		false, the problem set, if n is invalid or the bytes cannot be read;
 *		intervals out of order or figures out of range are the loader's
 *		fault.
 */
static bool
load_history(PssLoader *l, int32 n, PssEntryCopy *copy)
{
	copy->nhistory = 0;
	copy->history = NULL;
	if (n == 0)
		return true;
	if (n < 0 || n > PSS_HISTORY_SIZE_MAX)
	{
		l->problem = "An entry's history has an invalid length.";
		return false;
	}
	if (l->end - l->pos < (off_t) (sizeof(PssHistCopy) * n))
	{
		l->problem = "The file is truncated.";
		return false;
	}
	if (l->history_size < n)
	{
		if (l->history != NULL)
			pfree(l->history);
		l->history_size = Max(n, 64);
		l->history = load_alloc(l, sizeof(PssHistCopy) * l->history_size);
		if (l->history == NULL)
		{
			l->history_size = 0;
			return false;
		}
	}
	if (!load_read(l, l->history, sizeof(PssHistCopy) * n))
		return false;
	for (int i = 0; i < n; i++)
	{
		const PssHistCopy *h = &l->history[i];

		if ((i > 0 && h->interval <= l->history[i - 1].interval) ||
			!(h->total_ms >= 0 && h->total_ms <= DBL_MAX) ||
			!(h->max_ms >= 0 && h->max_ms <= DBL_MAX))
			l->fault = "An entry has an invalid history.";
	}
	if (l->history_keep)
	{
		copy->nhistory = n;
		copy->history = l->history;
	}
	return true;
}

/*
 * load_plans
 *		Read a record's n plans, their texts into the loader's buffers, and
 *		point copy at the first max_plans of them (the others are read
 *		through, for the checksum).  Returns false, the problem set, if n or
 *		a text's length is invalid or the bytes cannot be read; figures out
 *		of range are the loader's fault.
 */
static bool
load_plans(PssLoader *l, int32 n, int encoding, PssEntryCopy *copy)
{
	copy->nplans = 0;
	copy->plans = l->plans;
	if (n < 0 || n > PSS_MAX_PLANS_LIMIT)
	{
		l->problem = "An entry has an invalid number of plans.";
		return false;
	}
	for (int k = 0; k < n; k++)
	{
		PssFilePlan fp;
		PssPlanCopy *p = &l->plans[copy->nplans];
		bool		keep = k < pss_max_plans;
		char	   *text;

		if (!load_read(l, &fp, sizeof(fp)))
			return false;
		if (!load_text(l, PSS_TEXT_PLAN + k, fp.text_len,
					   PSS_SLOWEST_TEXT_LIMIT,
					   keep ? PSS_SLOWEST_TEXT_LIMIT : -1, encoding, &text))
			return false;
		if (fp.planid == 0 || fp.calls < 0 ||
			!(fp.total_ms >= 0 && fp.total_ms <= DBL_MAX))
			l->fault = "An entry has an invalid plan.";
		if (!keep)
			continue;
		p->planid = fp.planid;
		p->calls = fp.calls;
		p->total_ms = fp.total_ms;
		p->first_seen = fp.first_seen;
		p->last_seen = fp.last_seen;
		p->last_call = fp.last_call;
		p->text = text;
		p->text_len = text != NULL ? fp.text_len : -1;
		copy->nplans++;
	}
	return true;
}

/*
 * source_valid
 *		Is a source's stored text (sources.h) of len bytes in shape, its
 *		parts valid in the encoding?  Checked here, not by load_text: the
 *		parts are separated by NUL bytes, after two bytes of length.
 */
static bool
source_valid(const char *text, int len, int encoding)
{
	const char *app;
	const char *addr;
	const char *tags;
	int			tags_len;

	if (!pss_source_split(text, len, &app, &addr, &tags, &tags_len))
		return false;
	/* an invalid encoding is the record's fault, reported as such */
	return !PG_VALID_BE_ENCODING(encoding) ||
		(pg_verify_mbstr(encoding, app, strlen(app), true) &&
		 pg_verify_mbstr(encoding, addr, strlen(addr), true) &&
		 pg_verify_mbstr(encoding, tags, tags_len, true));
}

/*
 * load_sources
 *		Read a record's n sources, their texts into the loader's buffers,
 *		and point copy at the first max_sources of them (the others are
 *		read through, for the checksum: their calls stay in the entry's
 *		remainder).  Returns false, the problem set, if n or a text's
 *		length is invalid or the bytes cannot be read; figures or a text
 *		out of shape are the loader's fault.
 */
static bool
load_sources(PssLoader *l, int32 n, int encoding, PssEntryCopy *copy)
{
	copy->nsources = 0;
	copy->sources = l->sources;
	if (n < 0 || n > PSS_MAX_SOURCES_LIMIT)
	{
		l->problem = "An entry has an invalid number of sources.";
		return false;
	}
	for (int k = 0; k < n; k++)
	{
		PssFileSource fs;
		PssSourceCopy *p = &l->sources[copy->nsources];
		bool		keep = k < pss_max_sources;
		char	   *text;

		if (!load_read(l, &fs, sizeof(fs)))
			return false;
		if (!load_text(l, PSS_TEXT_SOURCE + k, fs.text_len,
					   PSS_SOURCE_TEXT_MAX, keep ? PSS_SOURCE_TEXT_MAX : -1,
					   -1, &text))
			return false;
		if (fs.id == 0 || fs.calls < 0 ||
			!(fs.total_ms >= 0 && fs.total_ms <= DBL_MAX) ||
			!(fs.max_ms >= 0 && fs.max_ms <= DBL_MAX) ||
			(text != NULL && !source_valid(text, fs.text_len, encoding)))
			l->fault = "An entry has an invalid source.";
		if (!keep)
			continue;
		p->id = fs.id;
		p->calls = fs.calls;
		p->total_ms = fs.total_ms;
		p->max_ms = fs.max_ms;
		p->last_call = fs.last_call;
		p->inherited = fs.inherited;
		p->text = text;
		p->text_len = text != NULL ? fs.text_len : -1;
		copy->nsources++;
	}
	return true;
}

/*
 * load_record_1_1
 *		Read a record of extension version 1.1 as a record of this one: its
 *		counters, field by field (the counters since are zero), and no wait
 *		events, history or plans.
 */
static bool
load_record_1_1(PssLoader *l, PssFileRecord *rec)
{
	PssFileRecord11 old;

	if (!load_read(l, &old, sizeof(old)))
		return false;
	memset(rec, 0, sizeof(*rec));
	rec->key = old.key;
	memcpy(&rec->counters, &old.counters, offsetof(PssCounters11, hist_hi) +
		   sizeof(old.counters.hist_hi));
#define PSS_COUNTERS_1_1
#define PSS_STORED(name, ctype, sqltype, since) \
	rec->counters.name = old.counters.name;
#include "counterlist.h"
	rec->counters.slowest_time = old.counters.slowest_time;
	memcpy(rec->counters.hist, old.counters.hist, sizeof(rec->counters.hist));
	rec->usage = old.usage;
	rec->stats_since = old.stats_since;
	rec->minmax_stats_since = old.minmax_stats_since;
	rec->encoding = old.encoding;
	rec->query_len = old.query_len;
	rec->slowest_query_len = old.slowest_query_len;
	rec->slowest_plan_len = old.slowest_plan_len;
	rec->slowest_source_len = -1;
	return true;
}

/*
 * load_record
 *		Read and check the record at the loader's position, its texts into
 *		the loader's buffers, and describe it in *copy.  Returns false, the
 *		problem set, if it cannot be read; a value out of range is noted as
 *		the loader's fault.
 */
static bool
load_record(PssLoader *l, PssEntryCopy *copy)
{
	PssFileRecord rec;
	const PssCounters *c = &rec.counters;

	if (l->version == PSS_FILE_VERSION_1_1)
	{
		if (!load_record_1_1(l, &rec))
			return false;
	}
	else if (!load_read(l, &rec, sizeof(rec)))
		return false;
	/* a hole in a sparse file, or garbage: no statement has id 0 */
	if (rec.key.queryid == 0)
	{
		l->problem = "An entry has no statement id.";
		return false;
	}
	if (!PG_VALID_BE_ENCODING(rec.encoding))
		l->fault = "An entry has an invalid encoding.";
	if (c->hist_lo < 0 || c->hist_lo > c->hist_hi ||
		c->hist_hi >= PSS_HIST_BUCKETS)
		l->fault = "An entry has an invalid histogram.";
	if (!(rec.usage >= 0 && rec.usage <= DBL_MAX))	/* NaN fails too */
		l->fault = "An entry has an invalid usage.";
	if (!pss_waits_valid(&rec.waits))
		l->fault = "An entry has invalid wait events.";

	if (!load_text(l, 0, rec.query_len, MaxAllocSize - 1, l->query_keep,
				   rec.encoding, &copy->query) ||
		!load_text(l, 1, rec.slowest_query_len, PSS_SLOWEST_TEXT_LIMIT,
				   PSS_SLOWEST_TEXT_LIMIT, rec.encoding,
				   &copy->slowest_query) ||
		!load_text(l, 2, rec.slowest_plan_len, PSS_SLOWEST_TEXT_LIMIT,
				   PSS_SLOWEST_TEXT_LIMIT, rec.encoding,
				   &copy->slowest_plan) ||
		!load_text(l, 3, rec.slowest_source_len, PSS_SOURCE_TEXT_MAX,
				   PSS_SOURCE_TEXT_MAX, -1, &copy->slowest_source) ||
		!load_history(l, rec.nhistory, copy) ||
		!load_plans(l, rec.nplans, rec.encoding, copy) ||
		!load_sources(l, rec.nsources, rec.encoding, copy))
		return false;
	if (!(rec.rest_max_ms >= 0 && rec.rest_max_ms <= DBL_MAX))
		l->fault = "An entry has an invalid source.";
	if (copy->slowest_source != NULL &&
		!source_valid(copy->slowest_source, rec.slowest_source_len,
					  rec.encoding))
		l->fault = "An entry has an invalid source.";

	copy->key = rec.key;
	copy->counters = rec.counters;
	copy->usage = rec.usage;
	copy->waits = rec.waits;
	copy->stats_since = rec.stats_since;
	copy->minmax_stats_since = rec.minmax_stats_since;
	copy->encoding = rec.encoding;
	copy->query_len = copy->query ? rec.query_len : -1;
	copy->slowest_query_len = copy->slowest_query ? rec.slowest_query_len : -1;
	copy->slowest_plan_len = copy->slowest_plan ? rec.slowest_plan_len : -1;
	copy->slowest_source_len = copy->slowest_source ?
		rec.slowest_source_len : -1;
	copy->rest_max_ms = rec.rest_max_ms;
	copy->rest_last_call = rec.rest_last_call;
	return true;
}

/*
 * heap_sift_down
 *		Restore the min-heap (by usage) of items[0 .. n) below slot i.
 */
static void
heap_sift_down(PssLoadItem *items, int64 n, int64 i)
{
	for (;;)
	{
		int64		least = i;
		int64		left = 2 * i + 1;
		PssLoadItem tmp;

		if (left < n && items[left].usage < items[least].usage)
			least = left;
		if (left + 1 < n && items[left + 1].usage < items[least].usage)
			least = left + 1;
		if (least == i)
			return;
		tmp = items[i];
		items[i] = items[least];
		items[least] = tmp;
		i = least;
	}
}

/*
 * keep_item
 *		Note a record to load.  When the file holds more records than
 *		there is room for (cap), items is a min-heap by usage of the most
 *		used so far; otherwise the records are kept in the file's order.
 */
static void
keep_item(PssLoadItem *items, int64 *nitems, int64 cap, bool heap,
		  double usage, off_t offset)
{
	if (*nitems < cap)
	{
		int64		i = (*nitems)++;

		items[i].usage = usage;
		items[i].offset = offset;
		/* sift up */
		while (heap && i > 0 && items[(i - 1) / 2].usage > items[i].usage)
		{
			PssLoadItem tmp = items[i];

			items[i] = items[(i - 1) / 2];
			items[(i - 1) / 2] = tmp;
			i = (i - 1) / 2;
		}
	}
	else if (cap > 0 && usage > items[0].usage)
	{
		items[0].usage = usage;
		items[0].offset = offset;
		heap_sift_down(items, cap, 0);
	}
}

/*
 * compare_usage_desc
 *		qsort comparator: most used records first.
 */
static int
compare_usage_desc(const void *a, const void *b)
{
	double		ua = ((const PssLoadItem *) a)->usage;
	double		ub = ((const PssLoadItem *) b)->usage;

	if (ua > ub)
		return -1;
	if (ua < ub)
		return 1;
	return 0;
}

/*
 * checksum_rest
 *		After the records were found not to hold: if little is left, read
 *		the rest of the file, and if the checksum does not match, say so
 *		instead (a corrupt length reads as a truncated file).
 */
static void
checksum_rest(PssLoader *l)
{
	pg_crc32c	stored_crc;

	if (l->failed || l->end - l->pos > PSS_CHECK_REST_MAX)
		return;
	while (l->pos < l->end)
	{
		size_t		n = Min(l->end - l->pos, PSS_LOAD_PIECE);

		if (fread(l->piece, 1, n, l->file) != n)
			return;
		COMP_CRC32C(l->crc, l->piece, n);
		l->pos += n;
	}
	if (fread(&stored_crc, 1, sizeof(stored_crc), l->file) !=
		sizeof(stored_crc))
		return;
	FIN_CRC32C(l->crc);
	if (!EQ_CRC32C(l->crc, stored_crc))
		l->problem = "The file's checksum does not match.";
}

/*
 * check_file
 *		The first pass: read the header and every record, check them and
 *		the checksum, and note in *items the records to load, at most
 *		pg_slow_statements.max of them, in the order to load them.
 *		Returns false, the loader's problem set, if the file is bad.
 */
static bool
check_file(PssLoader *l, off_t size, PssFileHeader *header,
		   PssLoadItem **items, int64 *nitems)
{
	pg_crc32c	stored_crc;
	int64		cap;
	bool		heap;
	int64		i;

	if (size < (off_t) (sizeof(PssFileHeader) + sizeof(pg_crc32c)))
	{
		l->problem = "The file is too short.";
		return false;
	}
	l->end = size - sizeof(pg_crc32c);
	if (!load_read(l, header, sizeof(*header)))
		return false;
	if (header->magic != PSS_FILE_MAGIC)
		l->problem = "The file is not a pg_slow_statements file.";
	else if (header->version == PSS_FILE_VERSION_1_1 ?
			 (header->record_size != sizeof(PssFileRecord11) ||
			  header->counters_layout !=
			  counters_layout(counters_layout_text_1_1)) :
			 (header->version != PSS_FILE_VERSION ||
			  header->record_size != sizeof(PssFileRecord) ||
			  header->counters_layout !=
			  counters_layout(counters_layout_text)))
		l->problem = "The file was written by another version.";
	else if (header->pg_version != PG_VERSION_NUM / 100)
		l->problem = "The file was written by another version.";
	if (l->problem)
		return false;
	l->version = header->version;
	l->history_keep = (pss_history_size > 0 &&
					   header->version == PSS_FILE_VERSION &&
					   header->history_interval == (uint32) pss_history_interval);
	if (header->nentries < 0 ||
		header->nentries > (int64) ((l->end - l->pos) /
									header->record_size))
	{
		l->problem = "The file's entry count is wrong.";
		checksum_rest(l);
		return false;
	}

	cap = Min(header->nentries, (int64) pss_max);
	heap = header->nentries > cap;
	*nitems = 0;
	*items = load_alloc(l, sizeof(PssLoadItem) * Max(cap, 1));
	if (*items == NULL)
		return false;

	for (i = 0; i < header->nentries; i++)
	{
		PssEntryCopy copy;
		off_t		offset = l->pos;

		if (!load_record(l, &copy))
		{
			checksum_rest(l);
			return false;
		}
		keep_item(*items, nitems, cap, heap, copy.usage, offset);
	}
	if (l->pos != l->end)
	{
		l->problem = "The file has trailing data.";
		checksum_rest(l);
		return false;
	}
	if (fread(&stored_crc, 1, sizeof(stored_crc), l->file) !=
		sizeof(stored_crc))
	{
		l->problem = "The file could not be read completely.";
		return false;
	}
	FIN_CRC32C(l->crc);
	if (!EQ_CRC32C(l->crc, stored_crc))
		l->problem = "The file's checksum does not match.";
	else if (l->fault)
		l->problem = l->fault;
	if (l->problem)
		return false;

	if (heap)
		qsort(*items, *nitems, sizeof(PssLoadItem), compare_usage_desc);
	return true;
}

/*
 * persist_load
 *		Load the save file, if any, into the (empty) store, then remove it.
 *		Called in the postmaster when the store is created.
 *
 * The whole file is checked before anything is loaded, so a bad file loads
 * nothing (see above).  If the file holds more entries than
 * pg_slow_statements.max allows, the most used are kept.
 */
static void
persist_load(void)
{
	PssLoader	l;
	struct stat st;
	PssFileHeader header;
	PssLoadItem *items = NULL;
	int64		nitems = 0;
	int64		i;
	int64		loaded = 0;

	memset(&l, 0, sizeof(l));
	l.file = AllocateFile(PSS_SAVE_FILE, PG_BINARY_R);
	if (l.file == NULL)
	{
		/* No file is the normal state after initdb or a crash */
		if (errno != ENOENT)
		{
			ereport(WARNING,
					(errcode_for_file_access(),
					 errmsg("could not read file \"%s\": %m", PSS_SAVE_FILE),
					 errdetail("Statement statistics start empty.")));
			unlink(PSS_SAVE_FILE);
		}
		return;
	}
	INIT_CRC32C(l.crc);
	l.query_keep = Min(pss_store_text_max(), (int64) MaxAllocSize - 1);
	l.history_keep = false;		/* until the header says */
	l.piece = load_alloc(&l, PSS_LOAD_PIECE);

	if (l.piece == NULL)
		;
	else if (fstat(fileno(l.file), &st) != 0)
		l.problem = "The file could not be examined.";
	else if (check_file(&l, st.st_size, &header, &items, &nitems))
	{
		/* The second pass: load the records noted, one at a time */
		for (i = 0; i < nitems; i++)
		{
			PssEntryCopy copy;

			if (fseeko(l.file, items[i].offset, SEEK_SET) != 0)
			{
				l.problem = "The file could not be read completely.";
				break;
			}
			l.pos = items[i].offset;
			if (!load_record(&l, &copy))
				break;
			if (!pss_store_load_entry(&copy))
				break;
			loaded++;
		}
		if (l.problem)
		{
			/* what was loaded is not kept either */
			(void) pss_store_reset(0, 0, 0, false);
			loaded = 0;
		}
		else
			pss_store_load_info(header.dealloc, header.stats_reset,
								header.texts_dropped);
	}
	FreeFile(l.file);

	if (l.problem != NULL)
		ereport(WARNING,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("ignoring invalid file \"%s\"", PSS_SAVE_FILE),
				 errdetail("%s Statement statistics start empty.", l.problem)));
	else if (loaded < header.nentries)
		ereport(LOG,
				(errmsg("pg_slow_statements loaded %lld of %lld saved statements",
						(long long) loaded, (long long) header.nentries),
				 errdetail("\"pg_slow_statements.max\" is lower than when they were saved.")));

	if (items)
		pfree(items);
	for (i = 0; i < PSS_TEXTS; i++)
		if (l.text[i])
			pfree(l.text[i]);
	if (l.piece)
		pfree(l.piece);
	if (l.history)
		pfree(l.history);
	unlink(PSS_SAVE_FILE);
}
