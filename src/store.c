/*-------------------------------------------------------------------------
 *
 * store.c
 *	  Shared-memory store: hash table of entries, eviction, the texts
 *	  they keep.
 *
 * Glossary
 *	entry	the statistics of one (userid, dbid, queryid, toplevel) key
 *	text	the normalized query text of an entry, kept in shared memory
 *			(text_store.c keeps the bytes)
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
 *	Texts are stored completely, whatever their length, in the text
 *	region of pg_slow_statements.text_memory bytes (text_store.c: chains
 *	of fixed-size chunks).  This file decides which texts to keep: when
 *	the region is full, least-used entries are evicted to make room; a
 *	text too large for that is dropped (the entry keeps its counters) and
 *	counted.  The actual text and plan of an entry's slowest execution live
 *	there too, stored only if free chunks allow (they never evict).
 *
 *	Saving and loading (persist.c) go through this file's functions for
 *	readers (pss_store_copy_all, pss_store_get_info) and for loading
 *	(pss_store_load_entry, pss_store_load_info); the store does not call
 *	persist.c, and knows no file.
 *
 *	The hot path is two-phase: pss_store_record accounts an execution of
 *	an existing entry, without the LWLock in the common case; only on a
 *	miss does the caller find the statement's text and call
 *	pss_store_insert.
 *
 * Locking protocol
 *	shared->lock (LWLock) protects the index, the dense array, which entry
 *	holds which key, the text region and the store-wide figures (dealloc,
 *	stats_reset, texts_dropped); the text region has no lock of its own.
 *	  - LW_SHARED: look up an entry; read entries and texts.  Texts and
 *		keys cannot change under a shared lock.
 *	  - LW_EXCLUSIVE: insert, evict or remove entries; allocate or free
 *		text; reset.  Updating an existing entry never takes it.
 *	entry->mutex (spinlock) protects the entry's key, counters and usage,
 *	and its wait events (shared->waits, beside the entries), and the
 *	counters of its plans and sources (beside them too; which slot holds
 *	which plan or source, and its text, change under both locks).
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

#include "access/xact.h"
#include "common/pg_prng.h"
#include "jit/jit.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "storage/spin.h"
#include "utils/memutils.h"

#include "compat.h"
#include "fingerprint.h"
#include "pg_slow_statements.h"
#include "stmt_text.h"
#include "store.h"
#include "text_store.h"
#include "history.h"
#include "sources.h"
#include "view_copy.h"
#include "waits.h"

/* Entries examined to choose one to evict */
#define PSS_EVICT_SAMPLE		16

/* Usage kept by an entry that was sampled for eviction but survived */
#define PSS_USAGE_DECAY			0.95

/* At most this many entries are evicted to make room for one text */
#define PSS_TEXT_EVICT_MAX		64

/*
 * An entry's first execution is captured as its slow sample only if it
 * took this long (ms); later ones whenever they set a new maximum.  A
 * first execution not captured still sets the maximum: a faster one does
 * not replace it, and the sample columns stay empty until a slower one.
 */
#define PSS_SLOWEST_FIRST_MS	1.0

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
	int			slowest_source_len; /* its source (sources.h) */
	int32		slowest_source_head;
	double		rest_max_ms;	/* sources replaced or never kept: their */
	TimestampTz rest_last_call; /* max time and last call (spinlock) */
	TimestampTz stats_since;
	TimestampTz minmax_stats_since;
	PssHistHead recent;			/* the end of its history (history.h;
								 * spinlock) */
} PssEntry;

/*
 * One of an entry's plans (the last max_plans distinct plan ids executed):
 * 56 bytes.  planid (0: free), calls, total_ms, first_seen, last_seen and
 * last_call are under the entry's spinlock.  text_head and text_len, the
 * plan's text in the text region, are read under the shared lock and
 * change under the exclusive lock and the spinlock both, as texts do, but
 * for one change: an entry's first plan, taken by the hot path under the
 * spinlock alone, has text_len go from -1 to PSS_PLAN_TEXT_LATER, which a
 * reader of either value takes as "no text".
 */
typedef struct PssPlanSlot
{
	uint64		planid;
	int64		calls;
	double		total_ms;
	TimestampTz first_seen;
	TimestampTz last_seen;
	int64		last_call;		/* the entry's calls at its last execution:
								 * which plan ran last (last_seen is the
								 * statement's start, which a function's
								 * statements share) */
	int32		text_head;		/* PSS_NO_CHUNK: no text */
	int32		text_len;		/* -1: no text */
} PssPlanSlot;

/*
 * A plan slot's text_len while its text is to be made at the plan's next
 * execution: an entry's first plan gets its text only if the entry runs
 * again (or if that first execution was slow), so that a statement run
 * once does not pay for an EXPLAIN, as with the slow sample.
 */
#define PSS_PLAN_TEXT_LATER		(-2)

StaticAssertDecl(sizeof(PssPlanSlot) == 56,
				 "a plan slot takes 56 bytes (README's memory table)");
StaticAssertDecl(sizeof(PssSourceSlot) == 48,
				 "a source slot takes 48 bytes (README's memory table)");

/* The store's shared state */
typedef struct PssShared
{
	LWLock	   *lock;
	int			nentries;		/* live entries, also in dense[] */
	int64		dealloc;
	TimestampTz stats_reset;
	int64		texts_dropped;
	pg_atomic_uint64 samples_dropped;	/* counted without the lock */
	bool		modifying;		/* structure being changed (see persist.c) */
	PssEntry   *entries;		/* all entries, live or free */
	PssEntry  **dense;			/* live entries, dense[0 .. nentries), then
								 * the free ones */
	uint32		index_mask;		/* slots in index, minus one */
	pg_atomic_uint32 *index;	/* entry number, or 0 for an empty slot */
	PssTextStore texts;			/* the text region */
	PssHistLog *history;		/* the entries' recent intervals (history.h),
								 * NULL when history_size is 0 */
	PssEntryWaits *waits;		/* entries[i]'s wait events at waits[i]
								 * (waits.h): beside the entries, which the
								 * view copies whole, not in them */
	PssPlanSlot *plans;			/* entries[i]'s max_plans plans from
								 * plans[i * max_plans]; NULL if max_plans
								 * is 0 */
	PssSourceSlot *sources;		/* entries[i]'s max_sources sources from
								 * sources[i * max_sources]; NULL if
								 * max_sources is 0 */
} PssShared;

/*---- Local variables ----*/

static PssShared *shared = NULL;

/*
 * entry_waits
 *		An entry's wait events (waits.h), beside it.
 */
static inline PssEntryWaits *
entry_waits(const PssEntry *entry)
{
	return &shared->waits[entry->number - 1];
}

/*
 * entry_plans
 *		An entry's pss_max_plans plan slots, beside it.
 */
static inline PssPlanSlot *
entry_plans(const PssEntry *entry)
{
	return &shared->plans[(Size) (entry->number - 1) * pss_max_plans];
}

/*
 * entry_sources
 *		An entry's pss_max_sources source slots, beside it.
 */
static inline PssSourceSlot *
entry_sources(const PssEntry *entry)
{
	return &shared->sources[(Size) (entry->number - 1) * pss_max_sources];
}

/*
 * pss_has_waits
 *		Did a measurement see any wait event (a sample fell in it)?
 */
static inline bool
pss_has_waits(const PssUsage *u)
{
	return u->waits.seen;
}

/* shared is set: see pss_store_ready */
bool		pss_store_attached = false;

static shmem_request_hook_type prev_shmem_request_hook = NULL;
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;

/* Did this process's shared memory startup create the store? */
static bool store_created = false;

/* Has this backend already logged a dropped text? */
static bool dropped_text_logged = false;

static void pss_shmem_request(void);
static void pss_shmem_startup(void);
static int	text_max_len(void);
static Size store_size(void);
static uint32 index_slots(void);
static char *text_copy(int32 head, int len);
static void slowest_clear(PssEntry *entry);
static void plans_clear(PssEntry *entry, bool forget);
static void sources_clear(PssEntry *entry, bool forget);
static void source_add_locked(PssEntry *entry, const PssMeasure *m,
							  const char *text, int text_len);
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
	size = add_size(size, MAXALIGN(mul_size(pss_max, sizeof(PssEntryWaits))));
	size = add_size(size, MAXALIGN(mul_size(mul_size(pss_max, pss_max_plans),
											sizeof(PssPlanSlot))));
	size = add_size(size, MAXALIGN(mul_size(mul_size(pss_max, pss_max_sources),
											sizeof(PssSourceSlot))));
	size = add_size(size, MAXALIGN(pss_history_log_size(pss_max)));
	size = add_size(size, pss_text_capacity());
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
 *		Create or attach to the store.
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
		shared->index_mask = nslots - 1;
		for (i = 0; i < nslots; i++)
			pg_atomic_init_u32(&shared->index[i], 0);
		shared->waits = (PssEntryWaits *) region;
		region += MAXALIGN(mul_size(pss_max, sizeof(PssEntryWaits)));
		memset(shared->waits, 0, mul_size(pss_max, sizeof(PssEntryWaits)));
		if (pss_max_plans > 0)
		{
			Size		nplans = mul_size(pss_max, pss_max_plans);

			shared->plans = (PssPlanSlot *) region;
			region += MAXALIGN(mul_size(nplans, sizeof(PssPlanSlot)));
			for (Size j = 0; j < nplans; j++)
			{
				memset(&shared->plans[j], 0, sizeof(PssPlanSlot));
				shared->plans[j].text_head = PSS_NO_CHUNK;
				shared->plans[j].text_len = -1;
			}
		}
		else
			shared->plans = NULL;
		if (pss_max_sources > 0)
		{
			Size		nsources = mul_size(pss_max, pss_max_sources);

			shared->sources = (PssSourceSlot *) region;
			region += MAXALIGN(mul_size(nsources, sizeof(PssSourceSlot)));
			for (Size j = 0; j < nsources; j++)
			{
				memset(&shared->sources[j], 0, sizeof(PssSourceSlot));
				shared->sources[j].text_head = PSS_NO_CHUNK;
			}
		}
		else
			shared->sources = NULL;
		if (pss_history_log_size(pss_max) > 0)
		{
			shared->history = (PssHistLog *) region;
			region += MAXALIGN(pss_history_log_size(pss_max));
			pss_history_log_init(shared->history, pss_max);
		}
		else
			shared->history = NULL;
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
			e->slowest_source_head = PSS_NO_CHUNK;
			shared->dense[i] = e;
		}
		pss_text_store_init(&shared->texts, region);
	}

	LWLockRelease(AddinShmemInitLock);
	pss_store_attached = true;
	store_created = !found;
}

/*
 * pss_store_created
 *		Did this process's shared memory startup create the store, rather
 *		than attach to it?  persist.c loads the saved statistics only into
 *		a store just created.
 */
bool
pss_store_created(void)
{
	return store_created;
}

/*
 * pss_store_torn
 *		Did a backend end while changing the store's structure (an entry
 *		half inserted or removed)?  Then the store must not be saved: it
 *		would describe a torn table.
 */
bool
pss_store_torn(void)
{
	return shared == NULL || shared->modifying;
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

/* entry_insert's len for a text too long to keep, not passed (text NULL) */
#define PSS_TEXT_TOO_LONG		(-2)

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
	pss_text_free(&shared->texts, entry->text_head);
	entry->text_head = PSS_NO_CHUNK;
	slowest_clear(entry);
	pss_text_free(&shared->texts, entry->slowest_source_head);
	entry->slowest_source_head = PSS_NO_CHUNK;
	entry->slowest_source_len = -1;
	plans_clear(entry, false);
	sources_clear(entry, false);

	/* a lock-free updater that still finds it will see it is not its own */
	SpinLockAcquire(&entry->mutex);
	entry->key.queryid = UINT64CONST(0);
	plans_clear(entry, true);
	sources_clear(entry, true);
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
	bool		keep;
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
	keep = (text != NULL && !pss_text_too_large(&shared->texts, len));
	if (keep)
	{
		while (may_evict && !pss_text_fits(&shared->texts, len) &&
			   shared->nentries > 0 && evicted < PSS_TEXT_EVICT_MAX)
		{
			evict_one();
			evicted++;
		}
		keep = pss_text_fits(&shared->texts, len);
	}
	if (keep)
		head = pss_text_alloc(&shared->texts, text, len);
	else if (text != NULL || len == PSS_TEXT_TOO_LONG)
	{
		shared->texts_dropped++;
		*text_dropped = true;
	}

	/*
	 * The first free entry.  Its key is clear, so no updater touches its
	 * counters until the key is set, last.
	 */
	entry = shared->dense[shared->nentries];
	Assert(PSS_KEY_FREE(&entry->key));
	memset(&entry->counters, 0, sizeof(PssCounters));
	memset(entry_waits(entry), 0, sizeof(PssEntryWaits));
	entry->recent.head = 0;
	entry->recent.interval = 0;
	entry->recent.until = 0;
	entry->usage = 0;
	entry->encoding = encoding;
	entry->text_head = head;
	entry->text_len = keep ? len : -1;
	entry->text_wanted = (text == NULL && len != PSS_TEXT_TOO_LONG);
	entry->slowest_query_head = PSS_NO_CHUNK;
	entry->slowest_query_len = -1;
	entry->slowest_plan_head = PSS_NO_CHUNK;
	entry->slowest_plan_len = -1;
	entry->slowest_source_head = PSS_NO_CHUNK;
	entry->slowest_source_len = -1;
	entry->rest_max_ms = 0;
	entry->rest_last_call = 0;
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
 * stddev is exact over all calls without keeping the samples.  The other
 * counters are merged as counterlist.h says, each group under the one
 * test that decides whether it applies.  A failed execution counts only
 * in the PSS_FAIL counters.
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
#define PSS_FAIL(name, ctype, sqltype, since, merge, value) \
		PSS_MERGE_##merge(c->name, value);
#include "counterlist.h"
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

	if (m->usage)
	{
		const PssUsage *u = m->usage;

#define PSS_USAGE(name, ctype, sqltype, since, merge, read) \
		PSS_MERGE_##merge(c->name, u->name);
#include "counterlist.h"
		/* I/O times are zero unless track_io_timing is on */
#define PSS_IO(name, ctype, sqltype, since, merge, read) | u->name
		if ((0
#include "counterlist.h"
			 ) != 0)
		{
#define PSS_IO(name, ctype, sqltype, since, merge, read) \
			PSS_MERGE_##merge(c->name, u->name / 1000000.0);
#include "counterlist.h"
		}
	}
	if (m->usage && unlikely(m->usage->cpu_timed))
	{
		const PssUsage *u = m->usage;

#define PSS_CPU(name, ctype, sqltype, since, merge, read) \
		PSS_MERGE_##merge(c->name, u->name);
#include "counterlist.h"
		c->cpu_calls++;
	}
	if (m->jitusage)
	{
		const JitInstrumentation *j = m->jitusage;

#define PSS_JIT(name, ctype, sqltype, since, merge, value) \
		PSS_MERGE_##merge(c->name, value);
#include "counterlist.h"
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
#define PSS_SLOW(name, ctype, sqltype, since, merge, value) \
			PSS_MERGE_##merge(c->name, value);
#include "counterlist.h"
		}
#define PSS_EXEC(name, ctype, sqltype, since, merge, value) \
		PSS_MERGE_##merge(c->name, value);
#include "counterlist.h"

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
 * plans_add
 *		Add an execution, the entry's call-th, to its plan among an entry's
 *		plans (an entry's first plan takes its first slot here); returns 0,
 *		or PSS_PLAN_TEXT if the plan's text is to be made now, or
 *		PSS_PLAN_NEW if the plan is not one of them (the caller adds it:
 *		pss_store_add_plan).  Entry's spinlock held.
 */
static inline int
plans_add(PssPlanSlot *slots, const PssMeasure *m, int64 call)
{
	for (int i = 0; i < pss_max_plans; i++)
	{
		if (slots[i].planid == m->planid)
		{
			slots[i].calls++;
			slots[i].total_ms += m->time_ms;
			slots[i].last_seen = m->start;
			slots[i].last_call = call;
			return slots[i].text_len == PSS_PLAN_TEXT_LATER ? PSS_PLAN_TEXT : 0;
		}
	}
	if (slots[0].planid != 0)
		return PSS_PLAN_NEW;

	/* the entry's first plan (slots fill in order): no lock needed */
	slots[0].planid = m->planid;
	slots[0].calls = 1;
	slots[0].total_ms = m->time_ms;
	slots[0].first_seen = m->start;
	slots[0].last_seen = m->start;
	slots[0].last_call = call;
	slots[0].text_len = PSS_PLAN_TEXT_LATER;
	return m->time_ms >= PSS_SLOWEST_FIRST_MS ? PSS_PLAN_TEXT : 0;
}

/*
 * sources_add
 *		Add an execution to its source among an entry's sources; false if
 *		the source is not one of them (the caller adds it:
 *		pss_store_add_source).  Entry's spinlock held.
 */
static inline bool
sources_add(PssSourceSlot *slots, const PssMeasure *m)
{
	uint64		id = m->source->id;

	for (int i = 0; i < pss_max_sources; i++)
	{
		if (slots[i].id == id)
		{
			slots[i].calls++;
			slots[i].total_ms += m->time_ms;
			if (m->time_ms > slots[i].max_ms)
				slots[i].max_ms = m->time_ms;
			slots[i].last_call = m->start;
			return true;
		}
	}
	return false;
}

/*
 * entry_add
 *		Add a measurement to an entry: its counters, wait events, recent
 *		history and usage; returns what entry_account says.  Its spinlock
 *		held.
 */
static inline int
entry_add(PssEntry *entry, const PssMeasure *measure)
{
	int			r;

	r = counters_add(&entry->counters, measure) ? PSS_SLOWEST : PSS_RECORDED;
	if (measure->usage && unlikely(pss_has_waits(measure->usage)))
		pss_waits_add(entry_waits(entry), measure->usage);
	if (shared->history && (measure->kind == PSS_EXEC || measure->failed))
		pss_history_add(shared->history, entry->number, &entry->recent,
						measure);
	if (measure->planid != 0 && shared->plans != NULL &&
		measure->kind == PSS_EXEC && !measure->failed)
		r |= plans_add(entry_plans(entry), measure,
					   entry->counters.calls[PSS_EXEC]);
	if (measure->source != NULL && shared->sources != NULL &&
		measure->kind == PSS_EXEC && !measure->failed &&
		!sources_add(entry_sources(entry), measure))
		r |= PSS_SOURCE_NEW;
	if (entry->text_wanted)
		r |= PSS_TEXT_WANTED;
	if (measure->kind == PSS_EXEC)
		entry->usage += 1.0;
	return r;
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
	r = entry_add(entry, measure);
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
	r = entry_add(entry, measure);
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
 * text/text_len is the statement's own text (NULL: none known), read with
 * the standard_conforming_strings it was sent with (std_strings) and
 * normalized here with no lock held; source/source_len is the text of the
 * measurement's source (pss_source_text; NULL when it has none).  The
 * exclusive lock is taken only to insert.
 * Returns PSS_RECORDED with the flags PSS_SLOWEST, PSS_PLAN_NEW and
 * PSS_PLAN_TEXT, as pss_store_record does.
 */
int
pss_store_insert(const PssKey *key, const char *text, int text_len,
				 bool std_strings, const PssMeasure *measure,
				 const char *source, int source_len)
{
	PssEntry   *entry;
	char	   *norm = NULL;
	int			norm_len = 0;
	bool		text_dropped = false;
	bool		cut = false;
	int			r;

	if (!pss_store_ready())
		return PSS_RECORDED;

	/*
	 * A failure is published while its transaction aborts, a statement
	 * deferred to its commit once it is committed: there running out of
	 * memory must not raise an error, and the entry then gets no text.
	 */
	if (text != NULL)
		norm = pss_text_normalize(text, text_len, std_strings,
								  text_max_len(),
								  measure->failed || !IsTransactionState(),
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
	r = entry_account(entry, measure);
	if (r & PSS_SOURCE_NEW)
		source_add_locked(entry, measure, source, source_len);
	r &= (PSS_SLOWEST | PSS_PLAN_NEW | PSS_PLAN_TEXT);
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
	return r;
}

/*
 * text_max_len
 *		The longest text the store keeps as an entry's query: a quarter of
 *		the text memory (see entry_insert), and less than MaxAllocSize.
 */
static int
text_max_len(void)
{
	int64		bytes = (int64) (shared->texts.total_chunks / 4) * PSS_CHUNK_DATA;

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
	if (norm != NULL && !pss_text_too_large(&shared->texts, norm_len) &&
		pss_text_fits(&shared->texts, norm_len))
	{
		pss_text_free(&shared->texts, entry->text_head);
		entry->text_head = pss_text_alloc(&shared->texts, norm, norm_len);
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
	norm = pss_text_normalize(text, text_len, std_strings, text_max_len(),
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
	pss_text_free(&shared->texts, entry->slowest_query_head);
	entry->slowest_query_head = PSS_NO_CHUNK;
	entry->slowest_query_len = -1;
	pss_text_free(&shared->texts, entry->slowest_plan_head);
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
			pss_text_fits(&shared->texts, query_len))
		{
			entry->slowest_query_head = pss_text_alloc(&shared->texts, query, query_len);
			entry->slowest_query_len = query_len;
		}
		if (plan != NULL &&
			pss_text_fits(&shared->texts, plan_len))
		{
			entry->slowest_plan_head = pss_text_alloc(&shared->texts, plan, plan_len);
			entry->slowest_plan_len = plan_len;
		}
	}
	LWLockRelease(shared->lock);
}

/*
 * plans_clear
 *		Free the texts of an entry's plans; with the entry's spinlock held
 *		by the caller (forget), also forget the plans.  Exclusive lock held.
 *
 * Freeing the texts and forgetting the plans are two steps because only
 * the second may run under the spinlock, and it must run in the same hold
 * of it as the clearing of the entry's key: until then, an updater that
 * found the entry without the LWLock may still make its first plan.
 */
static void
plans_clear(PssEntry *entry, bool forget)
{
	PssPlanSlot *slots;

	if (shared->plans == NULL)
		return;
	slots = entry_plans(entry);
	/* slots are taken in order and never given back: the used ones first */
	for (int i = 0; i < pss_max_plans && slots[i].planid != 0; i++)
	{
		if (forget)
		{
			memset(&slots[i], 0, sizeof(PssPlanSlot));
			slots[i].text_head = PSS_NO_CHUNK;
			slots[i].text_len = -1;
		}
		else
		{
			pss_text_free(&shared->texts, slots[i].text_head);
			slots[i].text_head = PSS_NO_CHUNK;
		}
	}
}

/*
 * plan_text_set
 *		Give a plan slot its text (plan NULL: none, or PSS_PLAN_TEXT_LATER
 *		with later), freeing the one it had.  Exclusive lock held; the
 *		fields change under the spinlock too (see PssPlanSlot).
 */
static void
plan_text_set(PssEntry *entry, PssPlanSlot *slot, const char *plan,
			  int plan_len, bool later)
{
	int32		head = PSS_NO_CHUNK;
	int32		len = later ? PSS_PLAN_TEXT_LATER : -1;

	pss_text_free(&shared->texts, slot->text_head);
	if (plan != NULL && pss_text_fits(&shared->texts, plan_len))
	{
		head = pss_text_alloc(&shared->texts, plan, plan_len);
		len = plan_len;
	}
	SpinLockAcquire(&entry->mutex);
	slot->text_head = head;
	slot->text_len = len;
	SpinLockRelease(&entry->mutex);
}

/*
 * pss_store_add_plan
 *		Add an execution whose plan pss_store_record (or pss_store_insert)
 *		did not find among its entry's plans (PSS_PLAN_NEW), with the plan's
 *		text: NULL if none could be made, and then, if text_later, to be
 *		made at the plan's next execution.
 *
 * Takes the exclusive lock, for the text: only when an entry that has a
 * plan runs another one it does not keep, which is rare once its plans
 * are known.  The new plan takes a free slot, or the one that ran least
 * recently, whose text is freed; if another backend added the plan
 * meanwhile, the execution is added to it.  It is counted as a plan
 * change.  The text is stored only if free chunks allow (no entry is
 * evicted for it).
 */
void
pss_store_add_plan(const PssKey *key, const PssMeasure *measure,
				   const char *plan, int plan_len, bool text_later)
{
	PssEntry   *entry;
	PssPlanSlot *slots;
	PssPlanSlot *slot = NULL;
	int			known;

	if (!pss_store_ready() || shared->plans == NULL || measure->planid == 0)
		return;

	LWLockAcquire(shared->lock, LW_EXCLUSIVE);
	entry = index_find(key, key_hash(key), true);
	if (entry == NULL)
	{
		LWLockRelease(shared->lock);
		return;
	}
	slots = entry_plans(entry);
	SpinLockAcquire(&entry->mutex);
	known = plans_add(slots, measure, entry->counters.calls[PSS_EXEC]);
	if (known == PSS_PLAN_NEW)
	{
		/* a free slot, or the plan that ran least recently */
		for (int i = 0; i < pss_max_plans; i++)
		{
			if (slot == NULL ||
				(slot->planid != 0 &&
				 (slots[i].planid == 0 || slots[i].last_call < slot->last_call)))
				slot = &slots[i];
		}
		slot->planid = measure->planid;
		slot->calls = 1;
		slot->total_ms = measure->time_ms;
		slot->first_seen = measure->start;
		slot->last_seen = measure->start;
		slot->last_call = entry->counters.calls[PSS_EXEC];
		entry->counters.plan_changes++;
		entry->counters.last_plan_change = measure->start;
	}
	SpinLockRelease(&entry->mutex);

	if (slot != NULL)
		plan_text_set(entry, slot, plan, plan_len, plan == NULL && text_later);
	LWLockRelease(shared->lock);
}

/*
 * pss_store_set_plan_text
 *		Give the text of one of an entry's plans, whose execution
 *		pss_store_record reported as waiting for it (PSS_PLAN_TEXT): plan
 *		NULL if it could not be made (it is then not asked for again).
 *		Nothing if the plan is gone or has its text meanwhile.
 */
void
pss_store_set_plan_text(const PssKey *key, uint64 planid, const char *plan,
						int plan_len)
{
	PssEntry   *entry;
	PssPlanSlot *slots;

	if (!pss_store_ready() || shared->plans == NULL || planid == 0)
		return;

	LWLockAcquire(shared->lock, LW_EXCLUSIVE);
	entry = index_find(key, key_hash(key), true);
	if (entry != NULL)
	{
		int			found = -1;

		/* which slot holds the plan changes only under the exclusive lock */
		slots = entry_plans(entry);
		SpinLockAcquire(&entry->mutex);
		for (int i = 0; i < pss_max_plans; i++)
		{
			if (slots[i].planid == planid &&
				slots[i].text_len == PSS_PLAN_TEXT_LATER)
				found = i;
		}
		SpinLockRelease(&entry->mutex);
		if (found >= 0)
			plan_text_set(entry, &slots[found], plan, plan_len, false);
	}
	LWLockRelease(shared->lock);
}

/*
 * sources_clear
 *		Free the texts of an entry's sources; with the entry's spinlock held
 *		by the caller (forget), also forget the sources and the remainder.
 *		Exclusive lock held.  Two steps, as in plans_clear.
 */
static void
sources_clear(PssEntry *entry, bool forget)
{
	PssSourceSlot *slots;

	if (shared->sources == NULL)
		return;
	slots = entry_sources(entry);
	/* slots are taken in order and never given back: the used ones first */
	for (int i = 0; i < pss_max_sources && slots[i].id != 0; i++)
	{
		if (forget)
		{
			memset(&slots[i], 0, sizeof(PssSourceSlot));
			slots[i].text_head = PSS_NO_CHUNK;
		}
		else
		{
			pss_text_free(&shared->texts, slots[i].text_head);
			slots[i].text_head = PSS_NO_CHUNK;
		}
	}
	if (forget)
	{
		entry->rest_max_ms = 0;
		entry->rest_last_call = 0;
	}
}

/*
 * source_add_locked
 *		Add an execution whose source its entry does not keep (see
 *		pss_store_add_source), with the source's text.  Exclusive lock held.
 *
 * The text is allocated first, outside the spinlock; if another backend
 * added the source meanwhile, the execution goes to it and the text is
 * freed.  Otherwise the source takes a free slot, or the one of least
 * weight, whose calls stay in the remainder (its max time and last call
 * too), and inherits that weight (space-saving).  Without room for the
 * text, the execution stays in the remainder.
 */
static void
source_add_locked(PssEntry *entry, const PssMeasure *m, const char *text,
				  int text_len)
{
	PssSourceSlot *slots = entry_sources(entry);
	PssSourceSlot *slot = NULL;
	int32		head = PSS_NO_CHUNK;
	int32		old_head = PSS_NO_CHUNK;

	if (text != NULL && pss_text_fits(&shared->texts, text_len))
		head = pss_text_alloc(&shared->texts, text, text_len);

	SpinLockAcquire(&entry->mutex);
	if (sources_add(slots, m))
	{
		/* added by another backend meanwhile */
	}
	else if (head == PSS_NO_CHUNK)
	{
		if (m->time_ms > entry->rest_max_ms)
			entry->rest_max_ms = m->time_ms;
		if (m->start > entry->rest_last_call)
			entry->rest_last_call = m->start;
	}
	else
	{
		uint64		weight = 0;

		for (int i = 0; i < pss_max_sources; i++)
		{
			if (slots[i].id == 0)
			{
				slot = &slots[i];
				break;
			}
			if (slot == NULL ||
				slots[i].calls + (int64) slots[i].inherited <
				slot->calls + (int64) slot->inherited)
				slot = &slots[i];
		}
		if (slot->id != 0)
		{
			weight = (uint64) slot->calls + slot->inherited;
			if (slot->max_ms > entry->rest_max_ms)
				entry->rest_max_ms = slot->max_ms;
			if (slot->last_call > entry->rest_last_call)
				entry->rest_last_call = slot->last_call;
		}
		old_head = slot->text_head;
		slot->id = m->source->id;
		slot->calls = 1;
		slot->inherited = (uint32) Min(weight, (uint64) PG_UINT32_MAX);
		slot->total_ms = m->time_ms;
		slot->max_ms = m->time_ms;
		slot->last_call = m->start;
		slot->text_head = head;
		head = PSS_NO_CHUNK;
	}
	SpinLockRelease(&entry->mutex);
	pss_text_free(&shared->texts, head);
	pss_text_free(&shared->texts, old_head);
}

/*
 * pss_store_add_source
 *		Add an execution whose source pss_store_record did not find among
 *		its entry's sources (PSS_SOURCE_NEW), with the source's text
 *		(pss_source_text).
 *
 * Takes the exclusive lock, for the text: only when a source new to the
 * entry sends it, which is rare once an entry's sources are known (a
 * source that is never among the heaviest does take it at each of its
 * calls, as its slot is taken again before it comes back).
 */
void
pss_store_add_source(const PssKey *key, const PssMeasure *measure,
					 const char *text, int text_len)
{
	PssEntry   *entry;

	if (!pss_store_ready() || shared->sources == NULL ||
		measure->source == NULL)
		return;

	LWLockAcquire(shared->lock, LW_EXCLUSIVE);
	entry = index_find(key, key_hash(key), true);
	if (entry != NULL)
		source_add_locked(entry, measure, text, text_len);
	LWLockRelease(shared->lock);
}

/*
 * pss_store_set_slowest_source
 *		Store the source of an entry's slowest execution (with its
 *		traceparent), whose time pss_store_record reported as a new
 *		maximum: nothing if another execution has set a higher maximum
 *		meanwhile or the entry is gone.  Apart from pss_store_set_slowest,
 *		which may run statements (output functions of the parameters)
 *		that have sources of their own.
 */
void
pss_store_set_slowest_source(const PssKey *key, double time_ms,
							 const char *text, int text_len)
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
		pss_text_free(&shared->texts, entry->slowest_source_head);
		entry->slowest_source_head = PSS_NO_CHUNK;
		entry->slowest_source_len = -1;
		if (pss_text_fits(&shared->texts, text_len))
		{
			entry->slowest_source_head = pss_text_alloc(&shared->texts, text,
														text_len);
			entry->slowest_source_len = text_len;
		}
	}
	LWLockRelease(shared->lock);
}

/*
 * source_text_len
 *		The length of a source's stored text (its first two bytes).
 *		At least the shared lock held.
 */
static int
source_text_len(int32 head)
{
	unsigned char len[2];

	if (head == PSS_NO_CHUNK)
		return -1;
	pss_text_read(&shared->texts, head, 2, (char *) len);
	return len[0] | (len[1] << 8);
}

/*
 * sources_copy
 *		Copy an entry's sources in use (with their texts if with_text) and
 *		its remainder's max time and last call to local memory.  At least
 *		the shared lock held.
 */
static void
sources_copy(PssEntry *entry, bool with_text, PssEntryCopy *c)
{
	PssSourceSlot *slots;
	int			slot_of[PSS_MAX_SOURCES_LIMIT];
	int			n = 0;

	c->nsources = 0;
	c->sources = NULL;
	if (shared->sources == NULL)
		return;
	slots = entry_sources(entry);
	c->sources = palloc(sizeof(PssSourceCopy) * pss_max_sources);
	SpinLockAcquire(&entry->mutex);
	for (int i = 0; i < pss_max_sources; i++)
	{
		PssSourceCopy *p = &c->sources[n];

		if (slots[i].id == 0)
			continue;
		p->id = slots[i].id;
		p->calls = slots[i].calls;
		p->total_ms = slots[i].total_ms;
		p->max_ms = slots[i].max_ms;
		p->last_call = slots[i].last_call;
		p->inherited = slots[i].inherited;
		slot_of[n++] = i;
	}
	c->rest_max_ms = entry->rest_max_ms;
	c->rest_last_call = entry->rest_last_call;
	SpinLockRelease(&entry->mutex);

	/* which source a slot holds, and its text, change only under exclusive */
	for (int k = 0; k < n; k++)
	{
		PssSourceCopy *p = &c->sources[k];
		int32		head = slots[slot_of[k]].text_head;
		int			len = with_text ? source_text_len(head) : -1;

		p->text = len > 0 ? text_copy(head, len) : NULL;
		p->text_len = p->text != NULL ? len : -1;
	}
	c->nsources = n;
}

/*
 * plans_copy
 *		Copy an entry's plans in use (with their texts if with_text) to
 *		local memory.  At least the shared lock held.
 */
static void
plans_copy(PssEntry *entry, bool with_text, PssEntryCopy *c)
{
	PssPlanSlot *slots;
	int			slot_of[PSS_MAX_PLANS_LIMIT];
	int			n = 0;

	c->nplans = 0;
	c->plans = NULL;
	if (shared->plans == NULL)
		return;
	slots = entry_plans(entry);
	c->plans = palloc(sizeof(PssPlanCopy) * pss_max_plans);
	SpinLockAcquire(&entry->mutex);
	for (int i = 0; i < pss_max_plans; i++)
	{
		PssPlanCopy *p = &c->plans[n];

		if (slots[i].planid == 0)
			continue;
		p->planid = slots[i].planid;
		p->calls = slots[i].calls;
		p->total_ms = slots[i].total_ms;
		p->first_seen = slots[i].first_seen;
		p->last_seen = slots[i].last_seen;
		p->last_call = slots[i].last_call;
		slot_of[n++] = i;
	}
	SpinLockRelease(&entry->mutex);

	/* which plan a slot holds, and its text, change only under exclusive */
	for (int k = 0; k < n; k++)
	{
		PssPlanCopy *p = &c->plans[k];
		PssPlanSlot *slot = &slots[slot_of[k]];

		p->text = with_text ? text_copy(slot->text_head, slot->text_len) : NULL;
		p->text_len = p->text != NULL ? slot->text_len : -1;
	}
	c->nplans = n;
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
	pss_text_read(&shared->texts, head, len, s);
	s[len] = '\0';
	return s;
}

/*
 * history_head
 *		Copy entry e's newest interval, if not older than oldest, into
 *		*first, and set *prev and *newer for pss_history_copy_rest to go
 *		on; returns 1, or 0 if there is none.  Under the entry's spinlock,
 *		its owner adding to it otherwise; its tag checked like the others',
 *		as another entry may have taken it over if this one was idle for
 *		long (its older ones are gone too).  At least a shared lock held.
 */
static int
history_head(PssEntry *e, uint32 oldest, uint32 *prev, uint32 *newer,
			 PssHistCopy *first)
{
	int			n;

	SpinLockAcquire(&e->mutex);
	*prev = e->recent.head;
	*newer = e->recent.interval + 1;
	n = pss_history_copy_rest(shared->history, e->number, prev, newer,
							  oldest, first, 1);
	SpinLockRelease(&e->mutex);
	return n;
}

/*
 * history_copy
 *		Copy entry e's intervals from oldest on into c, oldest first (none
 *		if the store keeps no history), in memory of its own.  At least a
 *		shared lock held.
 */
static void
history_copy(PssEntry *e, uint32 oldest, PssEntryCopy *c)
{
	PssHistCopy first;
	PssHistCopy *h;
	uint32		newer;
	uint32		prev;
	int			n;
	int			room;

	c->nhistory = 0;
	c->history = NULL;
	if (shared->history == NULL ||
		history_head(e, oldest, &prev, &newer, &first) == 0)
		return;
	n = 1;
	room = Min(pss_history_size, 16);
	h = palloc(sizeof(PssHistCopy) * room);
	h[0] = first;
	while (prev != 0 && n < pss_history_size)
	{
		if (n == room)
		{
			room = Min(room * 2, pss_history_size);
			h = repalloc(h, sizeof(PssHistCopy) * room);
		}
		n += pss_history_copy_rest(shared->history, e->number, &prev, &newer,
								   oldest, &h[n], room - n);
	}
	/* newest first as walked: turn them over */
	for (int i = 0; i < n / 2; i++)
	{
		PssHistCopy t = h[i];

		h[i] = h[n - 1 - i];
		h[n - 1 - i] = t;
	}
	c->nhistory = n;
	c->history = h;
}

/*
 * pss_store_recent_totals
 *		For each of the n rows of a view copy, the execution time (ms) of
 *		its entry in each of the last nint intervals, oldest first, into
 *		out[i * nint] to out[i * nint + nint - 1]: 0 where it ran none, or
 *		its entry is gone, or the store keeps no history.
 */
void
pss_store_recent_totals(PssViewEntry *const *rows, int n, int nint,
						double *out)
{
	uint32		now = pss_history_interval_of(GetCurrentTimestamp());
	uint32		oldest = now >= (uint32) (nint - 1) ? now - (nint - 1) : 0;

	memset(out, 0, sizeof(double) * n * nint);
	if (shared->history == NULL)
		return;
	Assert(nint <= PSS_RECENT_TOTALS_MAX);
	LWLockAcquire(shared->lock, LW_SHARED);
	for (int i = 0; i < n; i++)
	{
		PssEntry   *e = index_find(&rows[i]->key, key_hash(&rows[i]->key),
								   true);
		PssHistCopy h[PSS_RECENT_TOTALS_MAX];
		uint32		prev;
		uint32		newer;
		int			got;

		/* newest first, on the stack: no allocation per entry */
		if (e == NULL || history_head(e, oldest, &prev, &newer, &h[0]) == 0)
			continue;
		got = 1 + pss_history_copy_rest(shared->history, e->number, &prev,
										&newer, oldest, &h[1], nint - 1);
		for (int k = 0; k < got; k++)
			if (h[k].interval <= now)
				out[i * nint + (h[k].interval - oldest)] = h[k].total_ms;
	}
	LWLockRelease(shared->lock);
}

/*
 * pss_store_copy_all
 *		Copy every entry (and its text, if with_text; its recent history,
 *		the last history_size intervals, if with_history; its plans, with
 *		their texts if with_text, if with_plans) to local memory.
 *
 * The shared lock is held only while copying, so that building the
 * caller's output does not delay writers.  Without with_text the text
 * region is not touched at all.
 */
PssEntryCopy *
pss_store_copy_all(bool with_text, bool with_history, bool with_plans,
				   bool with_sources, int *nentries)
{
	PssEntryCopy *copies;
	int			n;
	int			i;
	uint32		now = pss_history_interval_of(GetCurrentTimestamp());
	uint32		oldest = now >= (uint32) pss_history_size ?
		now - pss_history_size + 1 : 0;

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
		c->waits = *entry_waits(e);
		SpinLockRelease(&e->mutex);
		c->stats_since = e->stats_since;
		c->minmax_stats_since = e->minmax_stats_since;
		c->encoding = e->encoding;
		c->query_len = e->text_len;
		c->slowest_query_len = e->slowest_query_len;
		c->slowest_plan_len = e->slowest_plan_len;
		if (with_history)
			history_copy(e, oldest, c);
		else
		{
			c->nhistory = 0;
			c->history = NULL;
		}
		if (with_plans)
			plans_copy(e, with_text, c);
		else
		{
			c->nplans = 0;
			c->plans = NULL;
		}
		if (with_sources)
			sources_copy(e, with_text, c);
		else
		{
			c->nsources = 0;
			c->sources = NULL;
			c->rest_max_ms = 0;
			c->rest_last_call = 0;
		}
		c->slowest_source_len = e->slowest_source_len;
		if (with_text)
		{
			c->query = text_copy(e->text_head, e->text_len);
			c->slowest_query = text_copy(e->slowest_query_head,
										 e->slowest_query_len);
			c->slowest_plan = text_copy(e->slowest_plan_head,
										e->slowest_plan_len);
			c->slowest_source = text_copy(e->slowest_source_head,
										  e->slowest_source_len);
		}
		else
		{
			c->query = NULL;
			c->slowest_query = NULL;
			c->slowest_plan = NULL;
			c->slowest_source = NULL;
		}
	}
	LWLockRelease(shared->lock);

	*nentries = n;
	return copies;
}

/*
 * view_text
 *		Copy a text of len bytes starting at chunk head into the buffer at
 *		*used, as a text datum, growing the buffer if need be (see
 *		pss_view_buffer).  Returns the datum's offset in the buffer, or 0 if
 *		len < 0 or the text is too long to show (PSS_TEXT_SHOW_MAX).  At
 *		least a shared lock held.
 */
static Size
view_text(int32 head, int len, Size *used)
{
	Size		need;
	Size		off = *used;
	text	   *t;

	if (len < 0 || (Size) len > PSS_TEXT_SHOW_MAX)
		return 0;
	need = MAXALIGN(VARHDRSZ + len);
	t = (text *) (pss_view_buffer(off + need) + off);
	SET_VARSIZE(t, VARHDRSZ + len);
	pss_text_read(&shared->texts, head, len, VARDATA(t));
	*used = off + need;
	return off;
}

/*
 * view_hist_bytes
 *		The bytes of the occupied buckets of a histogram whose bounds say
 *		lo and hi, kept within the table whatever a saved file said; sets
 *		*lo and *hi to the bounds kept.
 */
static inline Size
view_hist_bytes(int *lo, int *hi)
{
	*lo = *lo < 0 ? 0 : Min(*lo, PSS_HIST_BUCKETS - 1);
	*hi = *hi < *lo ? *lo : Min(*hi, PSS_HIST_BUCKETS - 1);
	return sizeof(uint32) * (*hi - *lo + 1);
}

/*
 * entries_first_use
 *		Read each page of the first n live entries once, without the lock,
 *		so that a backend's first copy of the store does not hold the shared
 *		lock while it uses them for the first time.
 *
 * On a virtual machine whose hypervisor maps guest memory for each process
 * in page tables of its own (shadow paging), a process's first use of a
 * page of shared memory costs microseconds, whether or not the page is
 * present: at 100,000 entries of 1.6 kB, most of a new backend's first
 * read, which new statements (they take the lock exclusive) would wait
 * for.  The entries are found through the dense array read without the
 * lock: a pointer read while it changes is only read through if it points
 * within the entries.
 */
#define PSS_PAGE_STRIDE		4096	/* the smallest page size we run on */

static void
entries_first_use(int n)
{
	const char *lo = (const char *) shared->entries;
	const char *hi = lo + sizeof(PssEntry) * (Size) pss_max;
	PssEntry   *volatile *dense = shared->dense;

	for (int i = 0; i < n; i++)
	{
		const char *e = (const char *) dense[i];

		if (e < lo || e > hi - sizeof(PssEntry))
			continue;
		for (Size off = 0; off < sizeof(PssEntry); off += PSS_PAGE_STRIDE)
			(void) *(volatile const char *) (e + off);
		(void) *(volatile const char *) (e + sizeof(PssEntry) - 1);
	}
}

/*
 * pss_store_copy_view
 *		Copy every entry, as the view shows it, into the buffer of the
 *		reading backend (pss_view_buffer): copy->rows, copy->nrows pointers
 *		to the copies, which stay until the read ends.
 *
 * What the view reads is copied, nothing more, one copy after the other
 * in one buffer, each of the size it needs: the counters without the
 * histogram, of which only the occupied buckets are copied (the view shows
 * percentiles, computed after the lock is released), and the texts as text
 * datums if with_text, ready to be put in a tuple (with with_top_source,
 * the text of the entry's source of most calls too, for the top view).
 * The buffer is sized
 * before the lock from the number of entries and the text memory in use,
 * read without it, and its pages are faulted in then (view_copy.c), as are
 * the entries' on the backend's first read (entries_first_use): under
 * the shared lock there is nothing but copying, unless entries were added
 * meanwhile (the buffer then grows, under the lock).  A copy is placed
 * before its entry's spinlock is taken, sized by the bounds of its
 * histogram read without it (and placed again, larger, in the rare case
 * they grew meanwhile).  While the lock is held the buffer may move as it
 * grows, so copies are located by their offsets until it is released.
 */
void
pss_store_copy_view(bool with_text, bool with_top_source, PssViewCopy *copy)
{
	PssViewEntry **rows;
	char	   *buf;
	Size		used = 0;
	Size		least;
	Size		estimate;
	int			cap;
	int			n;
	int			i;
	const Size	fixed = MAXALIGN(PSS_VIEW_ENTRY_SIZE);

	pss_store_check_ready();

	/*
	 * Estimates, read without the lock: only the sizes of what is allocated
	 * depend on them.  The least the copy takes (a bucket per histogram,
	 * every text in use); if the buffer kept from the previous read is
	 * smaller, it grows to what the copy may take: an eighth more entries
	 * for those added meanwhile, 16 buckets per histogram on average.
	 */
	n = ((volatile PssShared *) shared)->nentries;
	cap = n + n / 8 + 16;
	least = (Size) n * (fixed + MAXALIGN(sizeof(uint32)));
	estimate = (Size) cap * (fixed + 16 * sizeof(uint32));
	if (with_text)
	{
		volatile PssTextStore *ts = &shared->texts;
		int64		chunks = ts->total_chunks - ts->free_chunks;
		Size		texts = (Size) Max(chunks, 0) * PSS_CHUNK_DATA;

		least += texts;
		estimate += texts + (Size) cap * 5 * MAXALIGN(VARHDRSZ);
	}
	rows = (PssViewEntry **) MemoryContextAllocHuge(CurrentMemoryContext,
													sizeof(PssViewEntry *) *
													cap);
	if (pss_view_buffer(0) == NULL)
	{
		/* the backend's first read (or first since it gave memory back) */
		entries_first_use(n);
		(void) pss_view_buffer(estimate);
	}
	else if (pss_view_buffer_size() < least)
		(void) pss_view_buffer(estimate);

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
		volatile PssEntry *ve = e;
		PssViewEntry *v;
		Size		off = used;
		Size		room;
		Size		need;
		int			lo;
		int			hi;
		int			top;

		/* room for the histogram's bounds as they are now */
		lo = ve->counters.hist_lo;
		hi = ve->counters.hist_hi;
		room = view_hist_bytes(&lo, &hi);
		buf = pss_view_buffer(off + fixed + room);
		for (;;)
		{
			SpinLockAcquire(&e->mutex);
			lo = e->counters.hist_lo;
			hi = e->counters.hist_hi;
			need = view_hist_bytes(&lo, &hi);
			if (need <= room)
				break;
			/* the spinlock allows no palloc: grown meanwhile, take more */
			SpinLockRelease(&e->mutex);
			room = need;
			buf = pss_view_buffer(off + fixed + room);
		}
		v = (PssViewEntry *) (buf + off);
		memcpy(&v->counters, &e->counters, offsetof(PssCounters, hist));
		memcpy((char *) v + fixed, &e->counters.hist[lo], need);
		top = -1;
		if (with_top_source && shared->sources != NULL)
		{
			PssSourceSlot *slots = entry_sources(e);

			for (int k = 0; k < pss_max_sources && slots[k].id != 0; k++)
			{
				if (top < 0 || slots[k].calls > slots[top].calls)
					top = k;
			}
		}
		SpinLockRelease(&e->mutex);

		v->hist_lo = lo;
		v->hist_hi = hi;
		v->key = e->key;
		v->stats_since = e->stats_since;
		v->minmax_stats_since = e->minmax_stats_since;
		v->encoding = e->encoding;
		used = off + MAXALIGN(fixed + need);

		/* the texts' offsets for now, made pointers below */
		if (with_text)
		{
			Size		q = view_text(e->text_head, e->text_len, &used);
			Size		sq = view_text(e->slowest_query_head,
									   e->slowest_query_len, &used);
			Size		sp = view_text(e->slowest_plan_head,
									   e->slowest_plan_len, &used);
			Size		ss = view_text(e->slowest_source_head,
									   e->slowest_source_len, &used);
			Size		ts = 0;

			/* which slot holds which source changes only under exclusive */
			if (top >= 0)
			{
				int32		head = entry_sources(e)[top].text_head;

				ts = view_text(head, source_text_len(head), &used);
			}

			/* the buffer may have moved */
			v = (PssViewEntry *) (pss_view_buffer(0) + off);
			v->query = (text *) (uintptr_t) q;
			v->slowest_query = (text *) (uintptr_t) sq;
			v->slowest_plan = (text *) (uintptr_t) sp;
			v->slowest_source = (text *) (uintptr_t) ss;
			v->top_source = (text *) (uintptr_t) ts;
		}
		else
		{
			v->query = NULL;
			v->slowest_query = NULL;
			v->slowest_plan = NULL;
			v->slowest_source = NULL;
			v->top_source = NULL;
		}
		rows[i] = (PssViewEntry *) (uintptr_t) off;
	}
	LWLockRelease(shared->lock);

	/* offsets made pointers: the buffer does not move any more */
	buf = pss_view_buffer(0);
	for (i = 0; i < n; i++)
	{
		PssViewEntry *v = (PssViewEntry *) (buf + (uintptr_t) rows[i]);

		v->hist = (const uint32 *) ((char *) v + fixed);
		if (v->query != NULL)
			v->query = (text *) (buf + (uintptr_t) v->query);
		if (v->slowest_query != NULL)
			v->slowest_query = (text *) (buf + (uintptr_t) v->slowest_query);
		if (v->slowest_plan != NULL)
			v->slowest_plan = (text *) (buf + (uintptr_t) v->slowest_plan);
		if (v->slowest_source != NULL)
			v->slowest_source = (text *) (buf + (uintptr_t) v->slowest_source);
		if (v->top_source != NULL)
			v->top_source = (text *) (buf + (uintptr_t) v->top_source);
		rows[i] = v;
	}

	copy->rows = rows;
	copy->nrows = n;
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
	info->text_bytes = (shared->texts.total_chunks -
						 shared->texts.free_chunks) * PSS_CHUNK_SIZE;
	info->text_capacity = shared->texts.total_chunks * PSS_CHUNK_SIZE;
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
	*entry_waits(entry) = copy->waits;
	entry->usage = copy->usage;
	/* a histogram holds only the calls since min/max were set */
	if (!entry->counters.minmax_set[PSS_EXEC])
	{
		memset(entry->counters.hist, 0, sizeof(entry->counters.hist));
		entry->counters.hist_lo = entry->counters.hist_hi = 0;
	}
	SpinLockRelease(&entry->mutex);

	/*
	 * Its history, many records perhaps: outside the spinlock, as nothing
	 * else runs yet (the postmaster is starting) and the exclusive lock is
	 * held.
	 */
	if (shared->history && copy->nhistory > 0)
		pss_history_load(shared->history, entry->number, &entry->recent,
						 copy->history, copy->nhistory);
	if (shared->plans != NULL)
	{
		PssPlanSlot *slots = entry_plans(entry);

		for (int i = 0; i < Min(copy->nplans, pss_max_plans); i++)
		{
			const PssPlanCopy *p = &copy->plans[i];

			slots[i].planid = p->planid;
			slots[i].calls = p->calls;
			slots[i].total_ms = p->total_ms;
			slots[i].first_seen = p->first_seen;
			slots[i].last_seen = p->last_seen;
			slots[i].last_call = p->last_call;
			if (p->text != NULL && pss_text_fits(&shared->texts, p->text_len))
			{
				slots[i].text_head = pss_text_alloc(&shared->texts, p->text,
													p->text_len);
				slots[i].text_len = p->text_len;
			}
			else
			{
				/* saved without it, or no room now: made at its next run */
				slots[i].text_len = PSS_PLAN_TEXT_LATER;
			}
		}
	}
	if (shared->sources != NULL)
	{
		PssSourceSlot *slots = entry_sources(entry);
		int			k = 0;

		/* a source without its text is left in the remainder */
		for (int i = 0; i < copy->nsources && k < pss_max_sources; i++)
		{
			const PssSourceCopy *p = &copy->sources[i];

			if (p->id == 0 || p->text == NULL ||
				!pss_text_fits(&shared->texts, p->text_len))
				continue;
			slots[k].id = p->id;
			slots[k].calls = p->calls;
			slots[k].total_ms = p->total_ms;
			slots[k].max_ms = p->max_ms;
			slots[k].last_call = p->last_call;
			slots[k].inherited = p->inherited;
			slots[k].text_head = pss_text_alloc(&shared->texts, p->text,
												p->text_len);
			k++;
		}
		entry->rest_max_ms = copy->rest_max_ms;
		entry->rest_last_call = copy->rest_last_call;
	}
	if (copy->slowest_source != NULL &&
		pss_text_fits(&shared->texts, copy->slowest_source_len))
	{
		entry->slowest_source_head = pss_text_alloc(&shared->texts,
													copy->slowest_source,
													copy->slowest_source_len);
		entry->slowest_source_len = copy->slowest_source_len;
	}
	entry->stats_since = copy->stats_since;
	entry->minmax_stats_since = copy->minmax_stats_since;
	if (copy->slowest_query != NULL &&
		pss_text_fits(&shared->texts, copy->slowest_query_len))
	{
		entry->slowest_query_head = pss_text_alloc(&shared->texts, copy->slowest_query,
											   copy->slowest_query_len);
		entry->slowest_query_len = copy->slowest_query_len;
	}
	if (copy->slowest_plan != NULL &&
		pss_text_fits(&shared->texts, copy->slowest_plan_len))
	{
		entry->slowest_plan_head = pss_text_alloc(&shared->texts, copy->slowest_plan,
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
