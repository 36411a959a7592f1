/*-------------------------------------------------------------------------
 *
 * store.c
 *	  Shared-memory store: hash table of entries, eviction, query texts.
 *
 * Glossary
 *	entry	the statistics of one (userid, dbid, queryid, toplevel) key
 *	text	the normalized query text of an entry, kept in shared memory
 *	chunk	a fixed-size piece of text memory; a text is a chain of chunks
 *
 * Design
 *	Entries live in a fixed array of pg_slow_statements.max entries, found
 *	through an open-addressing index (linear probing, at most half full,
 *	backward-shift deletion: no tombstones).  A dense array lists the live
 *	entries first and the free ones after them, so that eviction can pick
 *	entries at random in constant time.  When the table is full, a new
 *	entry evicts the least used of PSS_EVICT_SAMPLE randomly sampled entries
 *	(the survivors' usage decays a little, so idle entries age out): the
 *	exclusive lock is held for a time that does not grow with max, unlike a
 *	sort of all entries.
 *
 *	Texts are stored completely, whatever their length, in chains of
 *	PSS_CHUNK_SIZE-byte chunks taken from a free list in a region of
 *	pg_slow_statements.text_memory bytes.  There is no fragmentation to
 *	collect and no file to rewrite: freeing a text returns its chunks.  When
 *	the region is full, least-used entries are evicted to make room; a text
 *	too large for that is dropped (the entry keeps its counters) and counted.
 *	The actual text and plan of an entry's slowest execution live there too,
 *	stored only if free chunks allow (they never evict).
 *
 *	The hot path is two-phase: pss_store_record accounts an execution of
 *	an existing entry, without the LWLock in the common case; only on a
 *	miss does the caller find the statement's text and call
 *	pss_store_insert.
 *
 * Locking protocol
 *	shared->lock (LWLock) protects the index, the dense array, which entry
 *	holds which key, the text region and the store-wide figures (dealloc,
 *	stats_reset, texts_dropped).
 *	  - LW_SHARED: look up an entry; read entries and texts.  Texts and
 *		keys cannot change under a shared lock.
 *	  - LW_EXCLUSIVE: insert, evict or remove entries; allocate or free
 *		text; reset.  Updating an existing entry never takes it.
 *	entry->mutex (spinlock) protects the entry's key, counters and usage.
 *	It is held only to add, copy or reset counters, or to set the key: a
 *	few dozen instructions, no call, no allocation, no error.  Since
 *	updaters may hold it without the LWLock, the exclusive lock's holders
 *	take it too whenever they touch those fields.
 *
 *	Lock-free update.  pss_store_record first probes the index with no
 *	LWLock, then takes the entry's spinlock and checks that the entry
 *	still holds the key before adding to it.  This is safe because an
 *	entry's memory is never freed, its key is set (under the spinlock)
 *	only once its counters are initialized and before the index points to
 *	it, and is cleared (under the spinlock) when it is removed, before it
 *	can be reused.  A probe that races with an insertion or a removal may
 *	find a stale entry, which the key check catches (the probe is then
 *	repeated under the shared lock), or miss the entry: the caller then
 *	takes the insertion path, whose exact probe under the exclusive lock
 *	finds it.
 *
 * src/store.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>
#include <unistd.h>

#include "catalog/pg_control.h"
#include "common/controldata_utils.h"
#include "common/pg_prng.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "storage/spin.h"
#include "utils/memutils.h"

#include "compat.h"
#include "fingerprint.h"
#include "persist.h"
#include "pg_slow_statements.h"
#include "store.h"

/* Bytes of one text chunk, header included */
#define PSS_CHUNK_SIZE			128
#define PSS_CHUNK_DATA			(PSS_CHUNK_SIZE - sizeof(int32))

/* Entries examined to choose one to evict */
#define PSS_EVICT_SAMPLE		16

/* Usage kept by an entry that was sampled for eviction but survived */
#define PSS_USAGE_DECAY			0.95

/* At most this many entries are evicted to make room for one text */
#define PSS_TEXT_EVICT_MAX		64

/* Text memory reserved per entry when text_memory is -1 */
#define PSS_TEXT_PER_ENTRY		2048

/*
 * An entry's first execution is captured as its slow sample only if it
 * took this long (ms); later ones whenever they set a new maximum.  A
 * first execution not captured still sets the maximum: a faster one does
 * not replace it, and the sample columns stay empty until a slower one.
 */
#define PSS_SLOWEST_FIRST_MS	1.0

/*
 * Chunks of text memory at most: chunk numbers are int32, and -1 marks the
 * end of a chain.  pg_slow_statements.text_memory is bounded to match
 * (PSS_TEXT_MEMORY_MAX_KB in pg_slow_statements.h).
 */
#define PSS_MAX_CHUNKS			((int64) PG_INT32_MAX)

/* No text stored */
#define PSS_NO_CHUNK			(-1)

/* One chunk of text memory */
typedef struct PssChunk
{
	int32		next;			/* next chunk of the text or free list */
	char		data[PSS_CHUNK_DATA];
} PssChunk;

/* A key no statement has: marks a free entry */
#define PSS_KEY_FREE(k)			((k)->queryid == UINT64CONST(0))

/* One entry of the table */
typedef struct PssEntry
{
	PssKey		key;			/* queryid 0 while free */
	uint32		hash;			/* key_hash(key) */
	slock_t		mutex;			/* protects key, counters and usage */
	PssCounters counters;
	double		usage;			/* eviction priority: calls, decayed */
	int			dense_index;	/* position in shared->dense */
	uint32		number;			/* position in shared->entries, from 1 */
	int			encoding;		/* encoding of the text */
	int			text_len;		/* bytes of text, or -1 if none */
	int32		text_head;		/* first chunk, or PSS_NO_CHUNK */
	bool		text_wanted;	/* no text, none offered yet: the next
								 * execution fills it in (spinlock) */
	int			slowest_query_len;	/* actual text of the slowest run */
	int32		slowest_query_head;
	int			slowest_plan_len;	/* its plan, EXPLAIN text */
	int32		slowest_plan_head;
	TimestampTz stats_since;
	TimestampTz minmax_stats_since;
} PssEntry;

/* The store's shared state */
typedef struct PssShared
{
	LWLock	   *lock;
	int			nentries;		/* live entries, also in dense[] */
	int64		dealloc;
	TimestampTz stats_reset;
	int64		texts_dropped;
	pg_atomic_uint64 samples_dropped;	/* counted without the lock */
	int32		free_head;		/* first free chunk */
	int64		free_chunks;
	int64		total_chunks;
	bool		modifying;		/* structure being changed (see persist.c) */
	PssEntry   *entries;		/* all entries, live or free */
	PssEntry  **dense;			/* live entries, dense[0 .. nentries), then
								 * the free ones */
	uint32		index_mask;		/* slots in index, minus one */
	pg_atomic_uint32 *index;	/* entry number, or 0 for an empty slot */
	PssChunk   *chunks;			/* the text region */
} PssShared;

/*---- Local variables ----*/

static PssShared *shared = NULL;

/* shared is set: see pss_store_ready */
bool		pss_store_attached = false;

static shmem_request_hook_type prev_shmem_request_hook = NULL;
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;

/* Has this backend already logged a dropped text? */
static bool dropped_text_logged = false;

static void pss_shmem_request(void);
static void pss_shmem_startup(void);
static void pss_shmem_shutdown(int code, Datum arg);
static int64 text_capacity(void);
static int	text_max_len(void);
static Size store_size(void);
static uint32 index_slots(void);
static void text_free(int32 head);
static int32 text_alloc(const char *text, int len);
static void text_read(int32 head, int len, char *dst);
static char *text_copy(int32 head, int len);
static void slowest_clear(PssEntry *entry);
static void entry_remove(PssEntry *entry);
static void evict_one(void);
static PssEntry *entry_insert(const PssKey *key, const char *text, int len,
							  int encoding, bool may_evict,
							  bool *text_dropped);
static bool counters_add(PssCounters *c, const PssMeasure *m);
static void entry_fill_text(PssEntry *entry, const char *norm, int norm_len);


/*
 * pss_store_init
 *		Install the shared memory hooks; called from _PG_init.
 */
void
pss_store_init(void)
{
	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = pss_shmem_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = pss_shmem_startup;
}

/*
 * text_capacity
 *		Bytes of shared memory reserved for texts, from the GUCs.
 */
static int64
text_capacity(void)
{
	int64		bytes;

	if (pss_text_memory < 0)
		bytes = (int64) pss_max * PSS_TEXT_PER_ENTRY;
	else
		bytes = (int64) pss_text_memory * 1024;
	/* Always room for at least a few texts; never more chunks than fit */
	bytes = Min(bytes, PSS_MAX_CHUNKS * PSS_CHUNK_SIZE);
	return Max(bytes, 64 * PSS_CHUNK_SIZE);
}

/*
 * index_slots
 *		Slots of the index: a power of two, at least twice max, so that it
 *		is never more than half full and probes stay short.
 */
static uint32
index_slots(void)
{
	uint32		n = 16;

	while (n < (uint32) pss_max * 2)
		n <<= 1;
	return n;
}

/*
 * store_size
 *		Shared memory needed by the store: control block, entries, dense
 *		array, index and text region.
 */
static Size
store_size(void)
{
	Size		size;

	size = MAXALIGN(sizeof(PssShared));
	size = add_size(size, MAXALIGN(mul_size(pss_max, sizeof(PssEntry))));
	size = add_size(size, MAXALIGN(mul_size(pss_max, sizeof(PssEntry *))));
	size = add_size(size, MAXALIGN(mul_size(index_slots(),
											sizeof(pg_atomic_uint32))));
	size = add_size(size, mul_size(text_capacity() / PSS_CHUNK_SIZE,
								   PSS_CHUNK_SIZE));
	return size;
}

/*
 * pss_shmem_request
 *		Ask for the store's shared memory and its lock.
 */
static void
pss_shmem_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();

	RequestAddinShmemSpace(store_size());
	RequestNamedLWLockTranche("pg_slow_statements", 1);
}

/*
 * key_hash
 *		Hash of a key for the index.  The queryid is already a good 64-bit
 *		hash, so mixing in the user and database is enough; this is cheaper
 *		than hashing the 24 key bytes.
 */
static inline uint32
key_hash(const PssKey *k)
{
	uint64		h;

	h = k->queryid ^ ((uint64) k->userid << 32) ^ (uint64) k->dbid ^
		(k->toplevel ? UINT64CONST(0x9e3779b97f4a7c15) : 0);
	h ^= h >> 33;
	h *= UINT64CONST(0xff51afd7ed558ccd);
	h ^= h >> 33;
	return (uint32) h;
}

/*
 * pss_shmem_startup
 *		Create or attach to the store; in the postmaster, also load the
 *		saved statistics and arrange for them to be saved at shutdown.
 */
static void
pss_shmem_startup(void)
{
	bool		found;
	char	   *region;
	int64		i;

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();

	/* Reset in case this is a restart within the postmaster */
	shared = NULL;
	pss_store_attached = false;

	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);

	shared = ShmemInitStruct("pg_slow_statements", store_size(), &found);
	if (!found)
	{
		uint32		nslots = index_slots();

		region = (char *) shared + MAXALIGN(sizeof(PssShared));
		shared->lock = &(GetNamedLWLockTranche("pg_slow_statements"))->lock;
		shared->nentries = 0;
		shared->dealloc = 0;
		shared->stats_reset = GetCurrentTimestamp();
		shared->texts_dropped = 0;
		pg_atomic_init_u64(&shared->samples_dropped, 0);
		shared->modifying = false;
		shared->entries = (PssEntry *) region;
		region += MAXALIGN(mul_size(pss_max, sizeof(PssEntry)));
		shared->dense = (PssEntry **) region;
		region += MAXALIGN(mul_size(pss_max, sizeof(PssEntry *)));
		shared->index = (pg_atomic_uint32 *) region;
		region += MAXALIGN(mul_size(nslots, sizeof(pg_atomic_uint32)));
		shared->chunks = (PssChunk *) region;
		shared->index_mask = nslots - 1;
		for (i = 0; i < nslots; i++)
			pg_atomic_init_u32(&shared->index[i], 0);
		for (i = 0; i < pss_max; i++)
		{
			PssEntry   *e = &shared->entries[i];

			memset(e, 0, sizeof(PssEntry));
			SpinLockInit(&e->mutex);
			e->number = (uint32) i + 1;
			e->dense_index = (int) i;
			e->text_head = PSS_NO_CHUNK;
			e->slowest_query_head = PSS_NO_CHUNK;
			e->slowest_plan_head = PSS_NO_CHUNK;
			shared->dense[i] = e;
		}
		shared->total_chunks = text_capacity() / PSS_CHUNK_SIZE;
		for (i = 0; i < shared->total_chunks; i++)
			shared->chunks[i].next = (i + 1 < shared->total_chunks) ?
				(int32) (i + 1) : PSS_NO_CHUNK;
		shared->free_head = 0;
		shared->free_chunks = shared->total_chunks;
	}

	LWLockRelease(AddinShmemInitLock);
	pss_store_attached = true;

	/*
	 * Only the postmaster (or a standalone backend) loads and saves; a
	 * backend started by the postmaster merely attaches.
	 */
	if (!IsUnderPostmaster)
	{
		on_shmem_exit(pss_shmem_shutdown, (Datum) 0);
		/* with save off, a file left from before is neither loaded nor kept */
		if (!found && pss_save)
			pss_persist_load();
		else if (!found)
			unlink(PSS_SAVE_FILE);
	}
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
 * pss_shmem_shutdown
 *		on_shmem_exit callback of the postmaster: save the statistics.
 *
 * Nothing is saved after a crash (code != 0) or an immediate shutdown, nor
 * if a backend died while changing the store's structure: the file would
 * describe a torn table.
 */
static void
pss_shmem_shutdown(int code, Datum arg)
{
	if (code != 0 || shared == NULL)
		return;
	if (!cluster_shut_down_cleanly())
	{
		unlink(PSS_SAVE_FILE);
		return;
	}
	if (shared->modifying)
	{
		ereport(LOG,
				(errmsg("pg_slow_statements statistics not saved"),
				 errdetail("A backend ended while changing the statistics.")));
		return;
	}
	pss_persist_save();
}

/*
 * pss_store_check_ready
 *		Raise an error unless the store is available.
 */
void
pss_store_check_ready(void)
{
	if (!pss_store_ready())
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("pg_slow_statements must be loaded via \"shared_preload_libraries\"")));
}

/*
 * text_free
 *		Return a chain of chunks to the free list.  Exclusive lock held.
 */
static void
text_free(int32 head)
{
	int32		c = head;

	while (c != PSS_NO_CHUNK)
	{
		int32		next = shared->chunks[c].next;

		shared->chunks[c].next = shared->free_head;
		shared->free_head = c;
		shared->free_chunks++;
		c = next;
	}
}

/*
 * text_alloc
 *		Copy a text into a new chain of chunks and return its first chunk.
 *		Exclusive lock held; the caller has checked that enough chunks are
 *		free.
 */
static int32
text_alloc(const char *text, int len)
{
	int32		head = PSS_NO_CHUNK;
	int32		tail = PSS_NO_CHUNK;
	int			done = 0;

	while (done < len)
	{
		int32		c = shared->free_head;
		int			n = Min((int) PSS_CHUNK_DATA, len - done);

		Assert(c != PSS_NO_CHUNK);
		shared->free_head = shared->chunks[c].next;
		shared->free_chunks--;

		memcpy(shared->chunks[c].data, text + done, n);
		shared->chunks[c].next = PSS_NO_CHUNK;
		if (tail == PSS_NO_CHUNK)
			head = c;
		else
			shared->chunks[tail].next = c;
		tail = c;
		done += n;
	}
	return head;
}

/*
 * text_read
 *		Copy a text of len bytes starting at chunk head to dst.  At least a
 *		shared lock held, so the chain cannot change.
 */
static void
text_read(int32 head, int len, char *dst)
{
	int32		c = head;
	int			done = 0;

	while (c != PSS_NO_CHUNK && done < len)
	{
		int			n = Min((int) PSS_CHUNK_DATA, len - done);

		memcpy(dst + done, shared->chunks[c].data, n);
		done += n;
		c = shared->chunks[c].next;
	}
}

/* entry_insert's len for a text too long to keep, not passed (text NULL) */
#define PSS_TEXT_TOO_LONG		(-2)

/* Chunks a text of len bytes takes */
#define PSS_CHUNKS_FOR(len) \
	(((int64) (len) + (int64) PSS_CHUNK_DATA - 1) / (int64) PSS_CHUNK_DATA)

/*
 * key_equal
 *		Do two keys name the same entry?
 */
static inline bool
key_equal(const PssKey *a, const PssKey *b)
{
	return a->queryid == b->queryid && a->userid == b->userid &&
		a->dbid == b->dbid && a->toplevel == b->toplevel;
}

/*
 * index_find
 *		The entry the index gives for key (of hash h), or NULL.
 *
 * With locked (at least the shared lock held), the answer is exact.
 * Without it (the lock-free update, see the locking protocol), it is only
 * a guess, to be checked under the entry's spinlock: the key is compared
 * without the spinlock, the index may be changing, and the probe gives up
 * after PSS_PROBE_MAX slots.  A locked probe always ends at an empty slot:
 * the index is never more than half full.
 */
#define PSS_PROBE_MAX	64

static inline PssEntry *
index_find(const PssKey *key, uint32 h, bool locked)
{
	uint32		mask = shared->index_mask;
	uint32		i = h & mask;
	uint32		n;
	uint32		limit = locked ? mask + 1 : PSS_PROBE_MAX;

	for (n = 0; n < limit; n++)
	{
		uint32		number = pg_atomic_read_u32(&shared->index[i]);
		PssEntry   *e;

		if (number == 0)
			break;
		e = &shared->entries[number - 1];
		if (e->hash == h && key_equal(&e->key, key))
			return e;
		i = (i + 1) & mask;
	}
	return NULL;
}

/*
 * index_add
 *		Point a free slot of the index at entry.  Exclusive lock held; the
 *		entry is fully set up, key included.
 */
static void
index_add(PssEntry *entry)
{
	uint32		mask = shared->index_mask;
	uint32		i = entry->hash & mask;

	while (pg_atomic_read_u32(&shared->index[i]) != 0)
		i = (i + 1) & mask;
	pg_write_barrier();
	pg_atomic_write_u32(&shared->index[i], entry->number);
}

/*
 * index_remove
 *		Take entry out of the index.  Exclusive lock held.
 *
 * Backward-shift deletion: the entries after the emptied slot, up to the
 * next empty one, move back into it when that does not put them before
 * their home slot, so that no probe ever needs to step over a hole.
 */
static void
index_remove(PssEntry *entry)
{
	uint32		mask = shared->index_mask;
	uint32		hole = entry->hash & mask;
	uint32		j;

	while (pg_atomic_read_u32(&shared->index[hole]) != entry->number)
		hole = (hole + 1) & mask;
	j = hole;
	for (;;)
	{
		uint32		number;
		uint32		home;

		j = (j + 1) & mask;
		number = pg_atomic_read_u32(&shared->index[j]);
		if (number == 0)
			break;
		home = shared->entries[number - 1].hash & mask;
		/* may the entry at j move back to hole?  (cyclic order) */
		if (((j - home) & mask) >= ((j - hole) & mask))
		{
			pg_atomic_write_u32(&shared->index[hole], number);
			hole = j;
		}
	}
	pg_atomic_write_u32(&shared->index[hole], 0);
}

/*
 * entry_remove
 *		Remove an entry: take it out of the index, free its texts, clear
 *		its key, and swap it with the last live entry of the dense array.
 *		Exclusive lock held.
 */
static void
entry_remove(PssEntry *entry)
{
	int			idx = entry->dense_index;
	PssEntry   *last;

	index_remove(entry);
	text_free(entry->text_head);
	entry->text_head = PSS_NO_CHUNK;
	slowest_clear(entry);

	/* a lock-free updater that still finds it will see it is not its own */
	SpinLockAcquire(&entry->mutex);
	entry->key.queryid = UINT64CONST(0);
	SpinLockRelease(&entry->mutex);

	last = shared->dense[shared->nentries - 1];
	shared->dense[idx] = last;
	last->dense_index = idx;
	shared->dense[shared->nentries - 1] = entry;
	entry->dense_index = shared->nentries - 1;
	shared->nentries--;
}

/*
 * evict_random
 *		A random 64-bit number for eviction's samples: xorshift64*, seeded
 *		from the server's generator on first use in this backend.  Only
 *		needs to spread samples evenly, at a few instructions a number
 *		(the server's generator is out of line and costs about four
 *		times as much, sixteen times per eviction).
 */
static inline uint64
evict_random(void)
{
	static uint64 state = 0;

	if (unlikely(state == 0))
		state = pg_prng_uint64(&pg_global_prng_state) | 1;
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return state * UINT64CONST(0x2545F4914F6CDD1D);
}

/*
 * evict_one
 *		Evict the least used of a few randomly chosen entries.  Exclusive
 *		lock held and at least one entry present.
 *
 * Sampling keeps the time under the lock constant whatever the table's
 * size.  The sampled survivors' usage decays, so that entries which are no
 * longer called are eventually chosen even if they were busy once.
 */
static void
evict_one(void)
{
	PssEntry   *victim = NULL;
	double		victim_usage = 0;
	uint64		n = (uint64) shared->nentries;
	uint64		r = 0;
	int			i;

	Assert(shared->nentries > 0);
	for (i = 0; i < PSS_EVICT_SAMPLE; i++)
	{
		PssEntry   *e;

		/*
		 * Two samples per random 64-bit number: each 32-bit half, times n,
		 * shifted down, is an index below n (with a bias of at most n in
		 * 2^32, immaterial here).
		 */
		if (i % 2 == 0)
			r = evict_random();
		else
			r >>= 32;
		e = shared->dense[((r & PG_UINT32_MAX) * n) >> 32];
		SpinLockAcquire(&e->mutex);
		if (victim == NULL || e->usage < victim_usage)
		{
			victim = e;
			victim_usage = e->usage;
		}
		e->usage *= PSS_USAGE_DECAY;
		SpinLockRelease(&e->mutex);
	}
	entry_remove(victim);
	shared->dealloc++;
}

/*
 * entry_insert
 *		Find or create the entry for key, storing text with a new entry.
 *		Exclusive lock held.
 *
 * Makes room first (evicting entries for a free slot and for the text's
 * chunks), so that nothing can fail once the entry is in the table.  A
 * text larger than a quarter of the text memory, or that still does not
 * fit after PSS_TEXT_EVICT_MAX evictions, is dropped: *text_dropped is set
 * and the entry has no text.  An entry made without a text (text NULL: a
 * failure whose text was too long to keep in the error path, or a saved
 * entry that had none) wants one: the next execution that has it fills it
 * in (pss_store_fill_text).  Text NULL with len PSS_TEXT_TOO_LONG: the
 * statement has a text, longer than the store keeps (pss_store_insert), so
 * it is dropped as too long, and not asked for.  Without may_evict (loading a saved file,
 * most used entries first), a text that does not fit is dropped rather
 * than evicting an entry loaded before.
 */
static PssEntry *
entry_insert(const PssKey *key, const char *text, int len, int encoding,
			 bool may_evict, bool *text_dropped)
{
	PssEntry   *entry;
	uint32		h = key_hash(key);
	int64		need;
	int			evicted = 0;
	int32		head = PSS_NO_CHUNK;

	*text_dropped = false;
	entry = index_find(key, h, true);
	if (entry != NULL)
		return entry;

	shared->modifying = true;

	while (shared->nentries >= pss_max)
		evict_one();

	/* a statement's text not at hand (a failure): counted, filled in later */
	if (text == NULL && len != PSS_TEXT_TOO_LONG && may_evict)
		shared->texts_dropped++;
	need = (text != NULL) ? PSS_CHUNKS_FOR(len) : 0;
	if (need > shared->total_chunks / 4 || len == PSS_TEXT_TOO_LONG)
		need = -1;
	else
	{
		while (may_evict && shared->free_chunks < need &&
			   shared->nentries > 0 && evicted < PSS_TEXT_EVICT_MAX)
		{
			evict_one();
			evicted++;
		}
		if (shared->free_chunks < need)
			need = -1;
	}
	if (need < 0)
	{
		shared->texts_dropped++;
		*text_dropped = true;
	}
	else if (need > 0)
		head = text_alloc(text, len);

	/*
	 * The first free entry.  Its key is clear, so no updater touches its
	 * counters until the key is set, last.
	 */
	entry = shared->dense[shared->nentries];
	Assert(PSS_KEY_FREE(&entry->key));
	memset(&entry->counters, 0, sizeof(PssCounters));
	entry->usage = 0;
	entry->encoding = encoding;
	entry->text_head = head;
	entry->text_len = (need < 0 || text == NULL) ? -1 : len;
	entry->text_wanted = (text == NULL && len != PSS_TEXT_TOO_LONG);
	entry->slowest_query_head = PSS_NO_CHUNK;
	entry->slowest_query_len = -1;
	entry->slowest_plan_head = PSS_NO_CHUNK;
	entry->slowest_plan_len = -1;
	entry->stats_since = GetCurrentTimestamp();
	entry->minmax_stats_since = entry->stats_since;
	entry->hash = h;
	SpinLockAcquire(&entry->mutex);
	entry->key = *key;
	SpinLockRelease(&entry->mutex);
	shared->nentries++;
	index_add(entry);

	shared->modifying = false;
	return entry;
}

/*
 * counters_add
 *		Add one planning or execution to an entry's counters.  Entry's
 *		spinlock held: straight-line arithmetic only.  Returns true if the
 *		execution is the slowest so far (its time is recorded as such).
 *
 * Mean and variance are kept with Welford's online method, so that
 * stddev is exact over all calls without keeping the samples.  A failed
 * execution counts only in the failed_* counters.
 */
static bool
counters_add(PssCounters *c, const PssMeasure *m)
{
	int			k = m->kind;
	double		t = m->time_ms;
	double		old_mean = c->mean_time[k];
	bool		slowest = false;

	/* the histogram is empty exactly while min/max are unset: see reset */
	bool		first = !c->minmax_set[k];

	if (m->failed)
	{
		c->failed_calls++;
		c->failed_exec_time += t;
		c->last_error = m->sqlerrcode;
		c->last_error_at = m->error_at;
		return false;
	}

	c->calls[k]++;
	c->total_time[k] += t;
	c->mean_time[k] = old_mean + (t - old_mean) / c->calls[k];
	c->sum_var_time[k] += (t - old_mean) * (t - c->mean_time[k]);
	if (!c->minmax_set[k])
	{
		c->min_time[k] = t;
		c->max_time[k] = t;
		c->minmax_set[k] = true;
	}
	else
	{
		if (t < c->min_time[k])
			c->min_time[k] = t;
		if (t > c->max_time[k])
			c->max_time[k] = t;
	}

	c->rows += m->rows;

	if (m->usage)
	{
		const PssUsage *u = m->usage;

#define PSS_ADD_COUNTER(f) c->f += u->f;
		PSS_BUFFER_COUNTERS(PSS_ADD_COUNTER)
		PSS_WAL_COUNTERS(PSS_ADD_COUNTER)
#undef PSS_ADD_COUNTER
		c->wal_buffers_full += u->wal_buffers_full;
		/* I/O times are zero unless track_io_timing is on */
		if ((u->io_ns[PSS_IO_SHARED_READ] | u->io_ns[PSS_IO_SHARED_WRITE] |
			 u->io_ns[PSS_IO_LOCAL_READ] | u->io_ns[PSS_IO_LOCAL_WRITE] |
			 u->io_ns[PSS_IO_TEMP_READ] | u->io_ns[PSS_IO_TEMP_WRITE]) != 0)
		{
			c->shared_blk_read_time += u->io_ns[PSS_IO_SHARED_READ] / 1000000.0;
			c->shared_blk_write_time += u->io_ns[PSS_IO_SHARED_WRITE] / 1000000.0;
			c->local_blk_read_time += u->io_ns[PSS_IO_LOCAL_READ] / 1000000.0;
			c->local_blk_write_time += u->io_ns[PSS_IO_LOCAL_WRITE] / 1000000.0;
			c->temp_blk_read_time += u->io_ns[PSS_IO_TEMP_READ] / 1000000.0;
			c->temp_blk_write_time += u->io_ns[PSS_IO_TEMP_WRITE] / 1000000.0;
		}
	}
	if (m->jitusage)
	{
		const JitInstrumentation *j = m->jitusage;

		c->jit_functions += j->created_functions;
		c->jit_generation_time += INSTR_TIME_GET_MILLISEC(j->generation_counter);
		if (INSTR_TIME_GET_MILLISEC(j->inlining_counter))
			c->jit_inlining_count++;
		c->jit_inlining_time += INSTR_TIME_GET_MILLISEC(j->inlining_counter);
		if (INSTR_TIME_GET_MILLISEC(j->optimization_counter))
			c->jit_optimization_count++;
		c->jit_optimization_time += INSTR_TIME_GET_MILLISEC(j->optimization_counter);
		if (INSTR_TIME_GET_MILLISEC(j->emission_counter))
			c->jit_emission_count++;
		c->jit_emission_time += INSTR_TIME_GET_MILLISEC(j->emission_counter);
		if (pss_jit_deform_ms(j))
			c->jit_deform_count++;
		c->jit_deform_time += pss_jit_deform_ms(j);
	}

	if (k == PSS_EXEC)
	{
		int			b = m->hist_bucket;

		if (unlikely(c->hist[b] == PG_UINT32_MAX))
		{
			int			i;

			/* Halve every bucket: the shape, hence percentiles, stays */
			for (i = 0; i < PSS_HIST_BUCKETS; i++)
				c->hist[i] >>= 1;
		}
		if (first)
			c->hist_lo = c->hist_hi = b;	/* first since creation or reset */
		else if (b < c->hist_lo)
			c->hist_lo = b;
		else if (b > c->hist_hi)
			c->hist_hi = b;
		c->hist[b]++;
		if (m->slow)
		{
			c->slow_calls++;
			c->slow_exec_time += t;
		}
		if (m->calls_in_xact == 1)
			c->xacts++;
		if (m->calls_in_xact > c->max_calls_per_xact)
			c->max_calls_per_xact = m->calls_in_xact;
		c->last_call = m->start;
		c->parallel_workers_to_launch += m->parallel_workers_to_launch;
		c->parallel_workers_launched += m->parallel_workers_launched;
		if (m->plan_cache == PSS_PLAN_GENERIC)
			c->generic_plan_calls++;
		else if (m->plan_cache == PSS_PLAN_CUSTOM)
			c->custom_plan_calls++;

		/*
		 * A new maximum time: the caller captures the execution's text and
		 * plan as the slow sample.  Not for an entry's first execution if
		 * it was fast (every new statement would pay for an EXPLAIN, and a
		 * statement seen once and fast is not one to explain), but that
		 * execution still holds the maximum: the sample shown is always
		 * the execution of max_exec_time, or none.
		 */
		if (first || t > c->slowest_time)
		{
			c->slowest_time = t;
			c->slowest_at = m->start;
			slowest = (c->calls[k] > 1 || t >= PSS_SLOWEST_FIRST_MS);
		}
	}
	return slowest;
}

/*
 * entry_account
 *		Add a measurement to an entry under its spinlock; returns
 *		PSS_RECORDED with the flags PSS_SLOWEST (the entry's slowest
 *		execution so far) and PSS_TEXT_WANTED (see entry_insert).  At least
 *		the shared lock held.
 */
static inline int
entry_account(PssEntry *entry, const PssMeasure *measure)
{
	int			r;

	SpinLockAcquire(&entry->mutex);
	r = counters_add(&entry->counters, measure) ? PSS_SLOWEST : PSS_RECORDED;
	if (entry->text_wanted)
		r |= PSS_TEXT_WANTED;
	if (measure->kind == PSS_EXEC)
		entry->usage += 1.0;
	SpinLockRelease(&entry->mutex);
	return r;
}

/*
 * entry_account_checked
 *		entry_account, if entry still holds key once its spinlock is taken;
 *		-1 if not.  For an entry found without the LWLock.
 */
static inline int
entry_account_checked(PssEntry *entry, const PssKey *key,
					  const PssMeasure *measure)
{
	int			r;

	SpinLockAcquire(&entry->mutex);
	if (!key_equal(&entry->key, key))
	{
		SpinLockRelease(&entry->mutex);
		return -1;
	}
	r = counters_add(&entry->counters, measure) ? PSS_SLOWEST : PSS_RECORDED;
	if (entry->text_wanted)
		r |= PSS_TEXT_WANTED;
	if (measure->kind == PSS_EXEC)
		entry->usage += 1.0;
	SpinLockRelease(&entry->mutex);
	return r;
}

/*
 * pss_store_record
 *		Account one planning or execution of a statement whose entry
 *		exists.
 *
 * The hot path: a lookup without the LWLock, the entry's spinlock, no
 * allocation, no text.  Returns PSS_MISSING, having recorded nothing, if
 * no entry was found (seldom, one that an insertion or removal was moving
 * meanwhile): the caller then passes the statement's text to
 * pss_store_insert, which adds to the entry if it exists after all.
 * Otherwise PSS_RECORDED, with the flag PSS_SLOWEST if this was the
 * entry's slowest execution so far (the caller may store its text and plan
 * with pss_store_set_slowest) and PSS_TEXT_WANTED if the entry has no text
 * yet (the caller passes it to pss_store_fill_text).
 */
int
pss_store_record(const PssKey *key, const PssMeasure *measure)
{
	PssEntry   *entry;
	uint32		h;
	int			slowest;

	if (!pss_store_ready())
		return PSS_RECORDED;

	/* Without the lock: see the locking protocol */
	h = key_hash(key);
	entry = index_find(key, h, false);
	if (entry == NULL)
		return PSS_MISSING;
	slowest = entry_account_checked(entry, key, measure);
	if (slowest < 0)
	{
		/* the entry changed hands meanwhile: probe again, exactly */
		LWLockAcquire(shared->lock, LW_SHARED);
		entry = index_find(key, h, true);
		slowest = (entry != NULL) ? entry_account(entry, measure) : -1;
		LWLockRelease(shared->lock);
		if (slowest < 0)
			return PSS_MISSING;
	}
	return slowest;
}

/*
 * pss_store_insert
 *		Create the entry of a statement (unless another backend just did)
 *		and account one planning or execution.
 *
 * text/text_len is the statement's own text (NULL: none known), normalized
 * here with no lock held, read with the standard_conforming_strings it
 * was sent with (std_strings); the exclusive lock is taken only to insert.
 * Returns true if this was the entry's slowest execution so far.
 */
bool
pss_store_insert(const PssKey *key, const char *text, int text_len,
				 bool std_strings, const PssMeasure *measure)
{
	PssEntry   *entry;
	char	   *norm = NULL;
	int			norm_len = 0;
	bool		text_dropped = false;
	bool		cut = false;
	bool		slowest;

	if (!pss_store_ready())
		return false;

	/*
	 * A failure is published while its transaction aborts, where running
	 * out of memory must not raise an error: then the entry gets no text.
	 */
	if (text != NULL)
		norm = pss_store_normalize(text, text_len, std_strings,
								   text_max_len(), measure->failed,
								   &norm_len, &cut);
	if (cut)
	{
		/* too long to keep: dropped, and not asked for again */
		pfree(norm);
		norm = NULL;
		norm_len = PSS_TEXT_TOO_LONG;
	}

	LWLockAcquire(shared->lock, LW_EXCLUSIVE);
	entry = entry_insert(key, norm, norm_len, GetDatabaseEncoding(),
						 true, &text_dropped);
	slowest = (entry_account(entry, measure) & PSS_SLOWEST) != 0;
	/* another backend made it first, without its text */
	if (entry->text_wanted && (norm != NULL || cut))
		entry_fill_text(entry, norm, norm_len);
	LWLockRelease(shared->lock);

	if (norm != NULL)
		pfree(norm);
	if (text_dropped)
	{
		ereport(dropped_text_logged ? DEBUG1 : LOG,
				(cut ?
				 errmsg("pg_slow_statements could not store a query text of more than %d bytes",
						text_max_len()) :
				 errmsg("pg_slow_statements could not store a query text of %d bytes",
						norm_len),
				 errdetail("The shared memory for query texts is full or too small."),
				 errhint("Increase \"pg_slow_statements.text_memory\".")));
		dropped_text_logged = true;
	}
	return slowest;
}

/*
 * pss_store_normalize
 *		The normalized form of a statement's text (as the store keeps it),
 *		palloc'd and NUL-terminated, in *norm_len bytes, never longer than
 *		limit bytes (limit < MaxAllocSize): a longer one is cut to its
 *		first limit bytes, at a character boundary, and *cut is set.  NULL
 *		if memory ran short and no_oom was asked.
 *
 * The statement comes from the client: its normalized text can be twenty
 * times as long as it is (every one-digit constant becoming a $n of many
 * digits), past MaxAllocSize and past what int holds.  So the work and the
 * memory are bounded by limit, not by the text (pss_normalize_prefix).
 *
 * std_strings is the standard_conforming_strings the text was written
 * with: where a string ends, and so what stays hidden, depends on it.
 */
char *
pss_store_normalize(const char *text, int text_len, bool std_strings,
					int limit, bool no_oom, int *norm_len, bool *cut)
{
	int			flags = no_oom ? MCXT_ALLOC_NO_OOM : 0;
	size_t		cap;
	size_t		need;
	char	   *norm;

	Assert(limit >= 0 && (Size) limit < MaxAllocSize);
	*cut = false;
	*norm_len = 0;

	/*
	 * One pass in the common case: a normalized text is seldom more than
	 * twice as long as the original.  Otherwise, a second pass with the
	 * exact size, or limit if it is longer.
	 */
	cap = Min((size_t) text_len * 2 + 64, (size_t) limit);
	norm = palloc_extended(cap + 1, flags);
	if (norm == NULL)
		return NULL;
	need = pss_normalize_prefix(text, text_len, std_strings, norm, cap);
	if (need > cap && cap < (size_t) limit)
	{
		pfree(norm);
		cap = Min(need, (size_t) limit);
		norm = palloc_extended(cap + 1, flags);
		if (norm == NULL)
			return NULL;
		need = pss_normalize_prefix(text, text_len, std_strings, norm, cap);
	}
	if (need > cap)
	{
		/* cut, and never in the middle of a character */
		*cut = true;
		norm[cap] = '\0';
		need = pg_mbcliplen(norm, (int) cap, (int) cap);
	}
	*norm_len = (int) need;
	norm[need] = '\0';
	return norm;
}

/*
 * text_max_len
 *		The longest text the store keeps as an entry's query: a quarter of
 *		the text memory (see entry_insert), and less than MaxAllocSize.
 */
static int
text_max_len(void)
{
	int64		bytes = (int64) (shared->total_chunks / 4) * PSS_CHUNK_DATA;

	return (int) Min(bytes, (int64) MaxAllocSize - 1);
}

/*
 * entry_fill_text
 *		Give an entry that wants its text (see entry_insert) the normalized
 *		text norm.  Exclusive lock held.
 *
 * Only free chunks are used: evicting could take this very entry.  If
 * they are too few, the text is dropped and counted, and not asked for
 * again.
 */
static void
entry_fill_text(PssEntry *entry, const char *norm, int norm_len)
{
	if (!entry->text_wanted)
		return;
	if (norm != NULL && PSS_CHUNKS_FOR(norm_len) <= shared->total_chunks / 4 &&
		shared->free_chunks >= PSS_CHUNKS_FOR(norm_len))
	{
		text_free(entry->text_head);
		entry->text_head = text_alloc(norm, norm_len);
		entry->text_len = norm_len;
		entry->encoding = GetDatabaseEncoding();
	}
	else
		shared->texts_dropped++;
	SpinLockAcquire(&entry->mutex);
	entry->text_wanted = false;
	SpinLockRelease(&entry->mutex);
}

/*
 * pss_store_fill_text
 *		Store the text of an entry made without it, which pss_store_record
 *		reported with PSS_TEXT_WANTED.  Happens once per such entry: the
 *		exclusive lock is taken only then.
 *
 * Also called while a transaction aborts, to publish a failure: running
 * out of memory then leaves the text for a later execution to fill in.
 */
void
pss_store_fill_text(const PssKey *key, const char *text, int text_len,
					bool std_strings)
{
	PssEntry   *entry;
	char	   *norm;
	int			norm_len = 0;
	bool		cut;

	if (!pss_store_ready() || text == NULL)
		return;
	norm = pss_store_normalize(text, text_len, std_strings, text_max_len(),
							   true, &norm_len, &cut);
	if (norm == NULL)
		return;
	LWLockAcquire(shared->lock, LW_EXCLUSIVE);
	entry = index_find(key, key_hash(key), true);
	/* a text too long to keep is dropped, and not asked for again */
	if (entry != NULL)
		entry_fill_text(entry, cut ? NULL : norm, norm_len);
	LWLockRelease(shared->lock);
	pfree(norm);
}

/*
 * pss_store_sample_dropped
 *		Count a slow sample that could not be captured.  No lock: an
 *		atomic counter, as this may run anywhere a capture is given up.
 */
void
pss_store_sample_dropped(void)
{
	if (pss_store_ready())
		pg_atomic_fetch_add_u64(&shared->samples_dropped, 1);
}

/*
 * slowest_clear
 *		Forget an entry's slowest execution texts.  Exclusive lock held.
 */
static void
slowest_clear(PssEntry *entry)
{
	text_free(entry->slowest_query_head);
	entry->slowest_query_head = PSS_NO_CHUNK;
	entry->slowest_query_len = -1;
	text_free(entry->slowest_plan_head);
	entry->slowest_plan_head = PSS_NO_CHUNK;
	entry->slowest_plan_len = -1;
}

/*
 * pss_store_set_slowest
 *		Store the actual text and the plan of an entry's slowest execution,
 *		whose time pss_store_record reported as a new maximum.
 *
 * Takes the exclusive lock, but only when a new maximum is set, which
 * becomes rare as an entry ages.  If another execution has set a higher
 * maximum meanwhile, or the entry is gone, nothing is stored.  Texts that
 * do not fit in the free text memory are not stored: no entry is evicted
 * for them.
 */
void
pss_store_set_slowest(const PssKey *key, double time_ms,
					  const char *query, int query_len,
					  const char *plan, int plan_len)
{
	PssEntry   *entry;
	bool		still_slowest = false;

	if (!pss_store_ready())
		return;

	LWLockAcquire(shared->lock, LW_EXCLUSIVE);
	entry = index_find(key, key_hash(key), true);
	if (entry != NULL)
	{
		SpinLockAcquire(&entry->mutex);
		still_slowest = (entry->counters.slowest_time == time_ms);
		SpinLockRelease(&entry->mutex);
	}
	if (still_slowest)
	{
		slowest_clear(entry);
		if (query != NULL &&
			shared->free_chunks >= PSS_CHUNKS_FOR(query_len))
		{
			entry->slowest_query_head = text_alloc(query, query_len);
			entry->slowest_query_len = query_len;
		}
		if (plan != NULL &&
			shared->free_chunks >= PSS_CHUNKS_FOR(plan_len))
		{
			entry->slowest_plan_head = text_alloc(plan, plan_len);
			entry->slowest_plan_len = plan_len;
		}
	}
	LWLockRelease(shared->lock);
}

/*
 * text_copy
 *		A palloc'd, NUL-terminated copy of a text, or NULL if len < 0.
 *		At least a shared lock held.
 */
static char *
text_copy(int32 head, int len)
{
	char	   *s;

	if (len < 0)
		return NULL;
	s = palloc(len + 1);
	text_read(head, len, s);
	s[len] = '\0';
	return s;
}

/*
 * pss_store_copy_all
 *		Copy every entry (and its text, if with_text) to local memory.
 *
 * The shared lock is held only while copying, so that building the
 * caller's output does not delay writers.  Without with_text the text
 * region is not touched at all.
 */
PssEntryCopy *
pss_store_copy_all(bool with_text, int *nentries)
{
	PssEntryCopy *copies;
	int			n;
	int			i;

	pss_store_check_ready();

	LWLockAcquire(shared->lock, LW_SHARED);
	n = shared->nentries;
	/* over a gigabyte from about 760,000 entries */
	copies = (PssEntryCopy *) MemoryContextAllocHuge(CurrentMemoryContext,
													 sizeof(PssEntryCopy) *
													 Max(n, 1));
	for (i = 0; i < n; i++)
	{
		PssEntry   *e = shared->dense[i];
		PssEntryCopy *c = &copies[i];

		c->key = e->key;
		SpinLockAcquire(&e->mutex);
		c->counters = e->counters;
		c->usage = e->usage;
		SpinLockRelease(&e->mutex);
		c->stats_since = e->stats_since;
		c->minmax_stats_since = e->minmax_stats_since;
		c->encoding = e->encoding;
		c->query_len = e->text_len;
		c->slowest_query_len = e->slowest_query_len;
		c->slowest_plan_len = e->slowest_plan_len;
		if (with_text)
		{
			c->query = text_copy(e->text_head, e->text_len);
			c->slowest_query = text_copy(e->slowest_query_head,
										 e->slowest_query_len);
			c->slowest_plan = text_copy(e->slowest_plan_head,
										e->slowest_plan_len);
		}
		else
		{
			c->query = NULL;
			c->slowest_query = NULL;
			c->slowest_plan = NULL;
		}
	}
	LWLockRelease(shared->lock);

	*nentries = n;
	return copies;
}

/*
 * Memory pss_store_copy_view copies into: blocks of PSS_VIEW_BLOCK bytes
 * (a piece larger than that gets a block of its own size), as many as an
 * estimate of what is needed, taken and touched before the lock; if the
 * estimate falls short, blocks are added under the lock (an LWLock, never
 * a spinlock).  The blocks are recorded in the copy, with the last row
 * each holds a piece of, for pss_view_copy_release.
 */
typedef struct ViewArena
{
	PssViewCopy *copy;
	int			maxblocks;		/* room in copy->blocks and last_row */
	int			current;		/* block being filled, -1 before the first */
	int			row;			/* row being copied */
	char	   *next;			/* free space in the current block */
	char	   *end;			/* end of the current block */
} ViewArena;

/*
 * arena_add
 *		A new block of at least size bytes, at index copy->nblocks.
 */
static void
arena_add(ViewArena *a, Size size)
{
	PssViewCopy *c = a->copy;
	Size		blk = Max(size, PSS_VIEW_BLOCK);
	char	   *mem;
	Size		off;

	if (c->nblocks == a->maxblocks)
	{
		a->maxblocks *= 2;
		c->blocks = repalloc(c->blocks, sizeof(char *) * a->maxblocks);
		c->last_row = repalloc(c->last_row, sizeof(int) * a->maxblocks);
	}
	mem = MemoryContextAllocExtended(CurrentMemoryContext, blk,
									 MCXT_ALLOC_HUGE);
	/* one write per page is enough to fault it in */
	for (off = 0; off < blk; off += 4096)
		((volatile char *) mem)[off] = 0;
	c->blocks[c->nblocks] = mem;
	c->last_row[c->nblocks] = -1;
	c->nblocks++;
}

/*
 * arena_init
 *		Start an arena in copy with blocks for size bytes, taken now.
 */
static void
arena_init(ViewArena *a, PssViewCopy *copy, Size size)
{
	int			n = (int) (size / PSS_VIEW_BLOCK) + 1;

	a->copy = copy;
	a->maxblocks = n + 8;
	copy->nblocks = 0;
	copy->nfreed = 0;
	copy->blocks = palloc(sizeof(char *) * a->maxblocks);
	copy->last_row = palloc(sizeof(int) * a->maxblocks);
	while (n-- > 0)
		arena_add(a, PSS_VIEW_BLOCK);
	a->current = -1;
	a->row = 0;
	a->next = NULL;
	a->end = NULL;
}

/*
 * arena_reserve
 *		Room for size bytes at the arena's free end, moving to the next
 *		block (or a new one) if needed.  The bytes are not taken until
 *		arena_take.
 */
static char *
arena_reserve(ViewArena *a, Size size)
{
	PssViewCopy *c = a->copy;

	if (a->current >= 0 && (Size) (a->end - a->next) >= size)
		return a->next;
	if (a->current + 1 == c->nblocks || size > PSS_VIEW_BLOCK)
	{
		/* a block of its own size for a large piece */
		arena_add(a, size);
		if (a->current + 1 != c->nblocks - 1)
		{
			/* keep the blocks in the order they are filled */
			char	   *mem = c->blocks[c->nblocks - 1];
			int			k;

			for (k = c->nblocks - 1; k > a->current + 1; k--)
				c->blocks[k] = c->blocks[k - 1];
			c->blocks[a->current + 1] = mem;
		}
	}
	a->current++;
	a->next = c->blocks[a->current];
	a->end = a->next + Max(size, PSS_VIEW_BLOCK);
	return a->next;
}

/*
 * arena_take
 *		Take size bytes (MAXALIGNed) of what arena_reserve returned, for
 *		the row being copied.
 */
static void
arena_take(ViewArena *a, Size size)
{
	a->next += MAXALIGN(size);
	if (a->next > a->end)		/* only the alignment of the last piece */
		a->next = a->end;
	a->copy->last_row[a->current] = a->row;
}

/*
 * text_datum
 *		A text of len bytes starting at chunk head, as a text datum in the
 *		arena, or NULL if len < 0 or the text is too long to show
 *		(PSS_TEXT_SHOW_MAX).  At least a shared lock held.
 */
static text *
text_datum(ViewArena *a, int32 head, int len)
{
	text	   *t;

	if (len < 0 || (Size) len > PSS_TEXT_SHOW_MAX)
		return NULL;
	t = (text *) arena_reserve(a, VARHDRSZ + len);
	SET_VARSIZE(t, VARHDRSZ + len);
	text_read(head, len, VARDATA(t));
	arena_take(a, VARHDRSZ + len);
	return t;
}

/*
 * pss_store_copy_view
 *		Copy every entry, as the view shows it, to local memory: copy->rows,
 *		copy->nrows pointers to the copies, in blocks the caller may free
 *		as it goes (pss_view_copy_release), or all at once with the memory
 *		context.
 *
 * What the view reads is copied, nothing more: the counters without the
 * histogram, of which only the occupied buckets are copied (the view shows
 * percentiles, computed after the lock is released), and the texts as text
 * datums if with_text, ready to be put in a tuple.  The memory is taken
 * and touched before the shared lock, sized from the number of entries and
 * the text memory in use read without the lock: under the lock there is
 * nothing but copying, unless those figures grew meanwhile.
 */
void
pss_store_copy_view(bool with_text, PssViewCopy *copy)
{
	PssViewEntry **rows;
	ViewArena	arena;
	int			cap;
	int			n;
	int			i;
	Size		est;
	const Size	fixed = MAXALIGN(PSS_VIEW_ENTRY_SIZE);
	const Size	max_hist = sizeof(uint32) * PSS_HIST_BUCKETS;

	pss_store_check_ready();

	/*
	 * Estimates, read without the lock: only the sizes of what is allocated
	 * depend on them.  An eighth more for entries added meanwhile, and 16
	 * buckets per histogram on average.
	 */
	cap = ((volatile PssShared *) shared)->nentries;
	cap += cap / 8 + 16;
	est = (Size) cap * (fixed + MAXALIGN(16 * sizeof(uint32)));
	if (with_text)
	{
		volatile PssShared *vs = (volatile PssShared *) shared;
		int64		used = vs->total_chunks - vs->free_chunks;

		if (used > 0)
			est += (Size) used * PSS_CHUNK_DATA;
		est += (Size) cap * 3 * MAXALIGN(VARHDRSZ + 1);
	}
	rows = (PssViewEntry **) MemoryContextAllocHuge(CurrentMemoryContext,
													sizeof(PssViewEntry *) *
													cap);
	arena_init(&arena, copy, est + fixed + max_hist);

	LWLockAcquire(shared->lock, LW_SHARED);
	n = shared->nentries;
	if (n > cap)
	{
		rows = (PssViewEntry **) repalloc_huge(rows,
											   sizeof(PssViewEntry *) * n);
		cap = n;
	}
	for (i = 0; i < n; i++)
	{
		PssEntry   *e = shared->dense[i];
		PssViewEntry *v;
		uint32	   *hist;
		int			lo;
		int			hi;

		arena.row = i;
		/* room for the largest histogram: the spinlock allows no palloc */
		v = (PssViewEntry *) arena_reserve(&arena, fixed + max_hist);
		hist = (uint32 *) ((char *) v + fixed);

		SpinLockAcquire(&e->mutex);
		memcpy(&v->counters, &e->counters, offsetof(PssCounters, hist));
		lo = v->counters.hist_lo;
		hi = v->counters.hist_hi;
		/* keep within the table whatever a saved file said */
		lo = lo < 0 ? 0 : Min(lo, PSS_HIST_BUCKETS - 1);
		hi = hi < lo ? lo : Min(hi, PSS_HIST_BUCKETS - 1);
		memcpy(hist, &e->counters.hist[lo], sizeof(uint32) * (hi - lo + 1));
		SpinLockRelease(&e->mutex);

		arena_take(&arena, fixed + sizeof(uint32) * (hi - lo + 1));
		v->hist_lo = lo;
		v->hist_hi = hi;
		v->hist = hist;
		v->key = e->key;
		v->stats_since = e->stats_since;
		v->minmax_stats_since = e->minmax_stats_since;
		v->encoding = e->encoding;
		if (with_text)
		{
			v->query = text_datum(&arena, e->text_head, e->text_len);
			v->slowest_query = text_datum(&arena, e->slowest_query_head,
										  e->slowest_query_len);
			v->slowest_plan = text_datum(&arena, e->slowest_plan_head,
										 e->slowest_plan_len);
		}
		else
		{
			v->query = NULL;
			v->slowest_query = NULL;
			v->slowest_plan = NULL;
		}
		rows[i] = v;
	}
	LWLockRelease(shared->lock);

	/* the blocks the estimate took too many */
	while (copy->nblocks > arena.current + 1 && copy->nblocks > 1)
		pfree(copy->blocks[--copy->nblocks]);

	copy->rows = rows;
	copy->nrows = n;
}

/*
 * pss_view_copy_release
 *		Free the blocks of a copy that hold nothing of rows done and after:
 *		the caller has formed rows 0 .. done - 1 and needs them no more.
 */
void
pss_view_copy_release(PssViewCopy *copy, int done)
{
	while (copy->nfreed < copy->nblocks &&
		   copy->last_row[copy->nfreed] < done)
	{
		pfree(copy->blocks[copy->nfreed]);
		copy->nfreed++;
	}
}

/*
 * pss_store_reset
 *		Remove the entries matching userid, dbid and queryid (0 matches any),
 *		or with minmax_only, reset only their min/max times.  Returns the
 *		reset's timestamp.
 *
 * Removing everything also resets the store-wide figures.
 */
TimestampTz
pss_store_reset(Oid userid, Oid dbid, uint64 queryid, bool minmax_only)
{
	TimestampTz now;
	bool		all = (userid == 0 && dbid == 0 && queryid == 0);
	int			i;

	pss_store_check_ready();

	/*
	 * Read the clock once the lock is held: an entry created while we
	 * waited must not look younger than the reset that cleared it.
	 */
	LWLockAcquire(shared->lock, LW_EXCLUSIVE);
	now = GetCurrentTimestamp();
	shared->modifying = true;

	/* Walk backwards: removal moves the last entry into the freed slot */
	for (i = shared->nentries - 1; i >= 0; i--)
	{
		PssEntry   *e = shared->dense[i];

		if ((userid != 0 && e->key.userid != userid) ||
			(dbid != 0 && e->key.dbid != dbid) ||
			(queryid != 0 && e->key.queryid != queryid))
			continue;
		if (minmax_only)
		{
			int			k;

			SpinLockAcquire(&e->mutex);
			for (k = 0; k < PSS_NUM_KINDS; k++)
			{
				e->counters.min_time[k] = 0;
				e->counters.max_time[k] = 0;
				e->counters.minmax_set[k] = false;
			}
			e->counters.slowest_time = 0;
			e->counters.slowest_at = 0;
			/* percentiles describe the calls since, like min/max */
			memset(e->counters.hist, 0, sizeof(e->counters.hist));
			e->counters.hist_lo = e->counters.hist_hi = 0;
			SpinLockRelease(&e->mutex);
			slowest_clear(e);
			e->minmax_stats_since = now;
		}
		else
			entry_remove(e);
	}

	if (all && !minmax_only)
	{
		shared->dealloc = 0;
		shared->texts_dropped = 0;
		pg_atomic_write_u64(&shared->samples_dropped, 0);
		shared->stats_reset = now;
	}

	shared->modifying = false;
	LWLockRelease(shared->lock);

	return now;
}

/*
 * pss_store_get_info
 *		Store-wide figures for pg_slow_statements_info.
 */
void
pss_store_get_info(PssStoreInfo *info)
{
	pss_store_check_ready();

	LWLockAcquire(shared->lock, LW_SHARED);
	info->dealloc = shared->dealloc;
	info->stats_reset = shared->stats_reset;
	info->entries = shared->nentries;
	info->max_entries = pss_max;
	info->text_bytes = (shared->total_chunks - shared->free_chunks) *
		PSS_CHUNK_SIZE;
	info->text_capacity = shared->total_chunks * PSS_CHUNK_SIZE;
	info->texts_dropped = shared->texts_dropped;
	info->samples_dropped = pg_atomic_read_u64(&shared->samples_dropped);
	LWLockRelease(shared->lock);
}

/*
 * pss_store_load_entry
 *		Insert an entry read from the saved file.  Returns false if there
 *		was no room left for it (the table is full: nothing is evicted).
 *
 * Runs in the postmaster at startup, before any backend exists; the lock
 * is taken anyway so that the function is safe wherever it is called.
 */
bool
pss_store_load_entry(const PssEntryCopy *copy)
{
	PssEntry   *entry;
	PssKey		key;
	bool		text_dropped;

	memset(&key, 0, sizeof(key));
	key.userid = copy->key.userid;
	key.dbid = copy->key.dbid;
	key.queryid = copy->key.queryid;
	key.toplevel = copy->key.toplevel;

	LWLockAcquire(shared->lock, LW_EXCLUSIVE);
	if (shared->nentries >= pss_max)
	{
		LWLockRelease(shared->lock);
		return false;
	}
	/*
	 * A key no statement has (it marks a free entry), or one seen before,
	 * comes from a file we did not write: it is not loaded (a second copy
	 * of a key would replace the first one's texts without freeing them).
	 */
	if (PSS_KEY_FREE(&key) || index_find(&key, key_hash(&key), true) != NULL)
	{
		LWLockRelease(shared->lock);
		return true;
	}
	entry = entry_insert(&key, copy->query, copy->query_len, copy->encoding,
						 false, &text_dropped);
	SpinLockAcquire(&entry->mutex);
	entry->counters = copy->counters;
	entry->usage = copy->usage;
	/* a histogram holds only the calls since min/max were set */
	if (!entry->counters.minmax_set[PSS_EXEC])
	{
		memset(entry->counters.hist, 0, sizeof(entry->counters.hist));
		entry->counters.hist_lo = entry->counters.hist_hi = 0;
	}
	SpinLockRelease(&entry->mutex);
	entry->stats_since = copy->stats_since;
	entry->minmax_stats_since = copy->minmax_stats_since;
	if (copy->slowest_query != NULL &&
		shared->free_chunks >= PSS_CHUNKS_FOR(copy->slowest_query_len))
	{
		entry->slowest_query_head = text_alloc(copy->slowest_query,
											   copy->slowest_query_len);
		entry->slowest_query_len = copy->slowest_query_len;
	}
	if (copy->slowest_plan != NULL &&
		shared->free_chunks >= PSS_CHUNKS_FOR(copy->slowest_plan_len))
	{
		entry->slowest_plan_head = text_alloc(copy->slowest_plan,
											  copy->slowest_plan_len);
		entry->slowest_plan_len = copy->slowest_plan_len;
	}
	LWLockRelease(shared->lock);
	return true;
}

/*
 * pss_store_text_max
 *		The longest query text the store keeps (entry_insert drops longer
 *		ones), so that a loader need not read a longer one into memory.
 */
int64
pss_store_text_max(void)
{
	return text_max_len();
}

/*
 * pss_store_load_info
 *		Restore the store-wide figures read from the saved file.
 */
void
pss_store_load_info(int64 dealloc, TimestampTz stats_reset,
					int64 texts_dropped)
{
	LWLockAcquire(shared->lock, LW_EXCLUSIVE);
	shared->dealloc = dealloc;
	shared->stats_reset = stats_reset;
	shared->texts_dropped = texts_dropped;
	LWLockRelease(shared->lock);
}
