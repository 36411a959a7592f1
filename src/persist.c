/*-------------------------------------------------------------------------
 *
 * persist.c
 *	  Saving the store at a clean shutdown and loading it at startup.
 *
 * With pg_slow_statements.save on, the postmaster writes every entry and
 * its text to PSS_SAVE_FILE ".tmp" when it exits cleanly, then renames the
 * file into place, so a reader never sees a half-written file.  At startup
 * the postmaster reads the whole file, checks its header and checksum
 * before loading anything, loads it and removes it: after a crash there is
 * no file, so stale statistics are never loaded twice.  A truncated,
 * corrupt or foreign file is reported with a WARNING and ignored; the
 * server always starts.
 *
 * This file uses the store only through its functions for readers and
 * for loading (store.h); the store does not call this file.  It installs
 * its own shared memory startup hook, after the store's (pss_persist_init
 * is called after pss_store_init), so that the store exists when it runs.
 *
 * File layout (native byte order: the file never leaves its server):
 *	PssFileHeader
 *	nentries x (PssFileRecord, then the bytes of its three texts: query,
 *				slowest query, slowest plan, each only if its length >= 0)
 *	pg_crc32c of everything before it
 *
 * src/persist.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <sys/stat.h>
#include <unistd.h>

#include "catalog/pg_control.h"
#include "common/controldata_utils.h"
#include "common/hashfn.h"
#include "miscadmin.h"
#include "port/pg_crc32c.h"
#include "storage/fd.h"
#include "storage/ipc.h"
#include "utils/memutils.h"

#include "persist.h"
#include "pg_slow_statements.h"
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
 * columns, and the header records the table of counters (counters_layout).
 */
#define PSS_FILE_VERSION	5

/*
 * The table's stored counters (counterlist.h) as a string, "name:ctype "
 * each: the header records its hash, so that a file written with other
 * counters, or the same in another order, is never loaded, whether or
 * not PSS_FILE_VERSION was raised.
 */
#define PSS_FIELD(name, ctype)	#name ":" #ctype " "
#define PSS_USAGE(name, ctype, sqltype, since, merge, read) PSS_FIELD(name, ctype)
#define PSS_IO(name, ctype, sqltype, since, merge, read) PSS_FIELD(name, ctype)
#define PSS_JIT(name, ctype, sqltype, since, merge, value) PSS_FIELD(name, ctype)
#define PSS_EXEC(name, ctype, sqltype, since, merge, value) PSS_FIELD(name, ctype)
#define PSS_SLOW(name, ctype, sqltype, since, merge, value) PSS_FIELD(name, ctype)
#define PSS_FAIL(name, ctype, sqltype, since, merge, value) PSS_FIELD(name, ctype)
#define PSS_OWN(name, ctype, sqltype, since) PSS_FIELD(name, ctype)
static const char counters_layout_text[] =
#include "counterlist.h"
	"";
#undef PSS_FIELD

typedef struct PssFileHeader
{
	uint32		magic;
	uint32		version;
	uint32		pg_version;		/* PG_VERSION_NUM / 100 */
	uint32		record_size;	/* sizeof(PssFileRecord), catches layout
								 * changes */
	uint32		counters_layout;	/* counters_layout() */
	int64		nentries;
	int64		dealloc;
	TimestampTz stats_reset;
	int64		texts_dropped;
} PssFileHeader;

typedef struct PssFileRecord
{
	PssKey		key;
	PssCounters counters;
	double		usage;
	TimestampTz stats_since;
	TimestampTz minmax_stats_since;
	int32		encoding;
	int32		query_len;		/* -1: no text */
	int32		slowest_query_len;	/* -1: none */
	int32		slowest_plan_len;	/* -1: none */
} PssFileRecord;

static shmem_startup_hook_type prev_shmem_startup_hook = NULL;

static void persist_startup(void);
static void persist_shutdown(int code, Datum arg);
static bool cluster_shut_down_cleanly(void);
static void persist_save(void);
static void persist_load(void);
static uint32 counters_layout(void);
static bool write_all(FILE *file, const void *data, size_t len,
					  pg_crc32c *crc);
static int	compare_usage_desc(const void *a, const void *b);
static bool take_text(char *buf, size_t end, size_t *pos, int32 len,
					  char **text);


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
 *		Hash of counters_layout_text, for the header.
 */
static uint32
counters_layout(void)
{
	return hash_bytes((const unsigned char *) counters_layout_text,
					  strlen(counters_layout_text));
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

	copies = pss_store_copy_all(true, &n);
	pss_store_get_info(&info);

	memset(&header, 0, sizeof(header));
	header.magic = PSS_FILE_MAGIC;
	header.version = PSS_FILE_VERSION;
	header.pg_version = PG_VERSION_NUM / 100;
	header.record_size = sizeof(PssFileRecord);
	header.counters_layout = counters_layout();
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
 * take_text
 *		Point *text at the len bytes at *pos in buf (NULL if len is -1) and
 *		move *pos past them.  Returns false if len is invalid or the bytes
 *		run past end.
 */
static bool
take_text(char *buf, size_t end, size_t *pos, int32 len, char **text)
{
	if (len < -1 || (len > 0 && end - *pos < (size_t) len))
		return false;
	*text = (len >= 0) ? buf + *pos : NULL;
	if (len > 0)
		*pos += len;
	return true;
}

/*
 * compare_usage_desc
 *		qsort comparator: most used entries first.
 */
static int
compare_usage_desc(const void *a, const void *b)
{
	double		ua = ((const PssEntryCopy *) a)->usage;
	double		ub = ((const PssEntryCopy *) b)->usage;

	if (ua > ub)
		return -1;
	if (ua < ub)
		return 1;
	return 0;
}

/*
 * persist_load
 *		Load the save file, if any, into the (empty) store, then remove it.
 *		Called in the postmaster when the store is created.
 *
 * The whole file is read and validated before anything is loaded, so a bad
 * file loads nothing.  If the file holds more entries than
 * pg_slow_statements.max allows, the most used are kept.
 */
static void
persist_load(void)
{
	FILE	   *file;
	struct stat st;
	char	   *buf = NULL;
	size_t		size;
	PssFileHeader header;
	pg_crc32c	crc;
	pg_crc32c	stored_crc;
	PssEntryCopy *copies = NULL;
	const char *problem = NULL;	/* why the file is ignored: a sentence */
	size_t		pos;
	int64		i;
	int64		loaded = 0;

	file = AllocateFile(PSS_SAVE_FILE, PG_BINARY_R);
	if (file == NULL)
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

	if (fstat(fileno(file), &st) != 0)
		problem = "The file could not be examined.";
	else if ((size_t) st.st_size < sizeof(PssFileHeader) + sizeof(pg_crc32c))
		problem = "The file is too short.";
	else if ((size_t) st.st_size > MaxAllocHugeSize)
		problem = "The file is too large.";
	else
	{
		size = (size_t) st.st_size;
		buf = palloc_extended(size, MCXT_ALLOC_HUGE);
		if (fread(buf, 1, size, file) != size)
			problem = "The file could not be read completely.";
	}
	FreeFile(file);

	if (problem == NULL)
	{
		memcpy(&header, buf, sizeof(header));
		memcpy(&stored_crc, buf + size - sizeof(pg_crc32c), sizeof(pg_crc32c));
		INIT_CRC32C(crc);
		COMP_CRC32C(crc, buf, size - sizeof(pg_crc32c));
		FIN_CRC32C(crc);

		if (header.magic != PSS_FILE_MAGIC)
			problem = "The file is not a pg_slow_statements file.";
		else if (header.version != PSS_FILE_VERSION ||
				 header.pg_version != PG_VERSION_NUM / 100 ||
				 header.record_size != sizeof(PssFileRecord) ||
				 header.counters_layout != counters_layout())
			problem = "The file was written by another version.";
		else if (!EQ_CRC32C(crc, stored_crc))
			problem = "The file's checksum does not match.";
		else if (header.nentries < 0 ||
				 header.nentries > (int64) ((size - sizeof(header)) /
											sizeof(PssFileRecord)))
			problem = "The file's entry count is wrong.";
	}

	/* Parse every record before loading any */
	if (problem == NULL)
	{
		size_t		end = size - sizeof(pg_crc32c);

		copies = palloc_extended(sizeof(PssEntryCopy) *
								 Max(header.nentries, 1),
								 MCXT_ALLOC_HUGE);
		pos = sizeof(header);
		for (i = 0; i < header.nentries && problem == NULL; i++)
		{
			PssFileRecord rec;

			if (end - pos < sizeof(rec))
			{
				problem = "The file is truncated.";
				break;
			}
			memcpy(&rec, buf + pos, sizeof(rec));
			pos += sizeof(rec);
			if (!take_text(buf, end, &pos, rec.query_len,
						   &copies[i].query) ||
				!take_text(buf, end, &pos, rec.slowest_query_len,
						   &copies[i].slowest_query) ||
				!take_text(buf, end, &pos, rec.slowest_plan_len,
						   &copies[i].slowest_plan))
			{
				problem = "The file is truncated.";
				break;
			}
			copies[i].key = rec.key;
			copies[i].counters = rec.counters;
			copies[i].usage = rec.usage;
			copies[i].stats_since = rec.stats_since;
			copies[i].minmax_stats_since = rec.minmax_stats_since;
			copies[i].encoding = rec.encoding;
			copies[i].query_len = rec.query_len;
			copies[i].slowest_query_len = rec.slowest_query_len;
			copies[i].slowest_plan_len = rec.slowest_plan_len;
		}
		if (problem == NULL && pos != end)
			problem = "The file has trailing data.";
	}

	if (problem != NULL)
		ereport(WARNING,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("ignoring invalid file \"%s\"", PSS_SAVE_FILE),
				 errdetail("%s Statement statistics start empty.", problem)));
	else
	{
		if (header.nentries > pss_max)
			qsort(copies, header.nentries, sizeof(PssEntryCopy),
				  compare_usage_desc);
		for (i = 0; i < header.nentries; i++)
		{
			if (!pss_store_load_entry(&copies[i]))
				break;
			loaded++;
		}
		pss_store_load_info(header.dealloc, header.stats_reset,
							header.texts_dropped);
		if (loaded < header.nentries)
			ereport(LOG,
					(errmsg("pg_slow_statements loaded %lld of %lld saved statements",
							(long long) loaded, (long long) header.nentries),
					 errdetail("\"pg_slow_statements.max\" is lower than when they were saved.")));
	}

	if (copies)
		pfree(copies);
	if (buf)
		pfree(buf);
	unlink(PSS_SAVE_FILE);
}
