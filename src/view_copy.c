/*-------------------------------------------------------------------------
 *
 * view_copy.c
 *	  The memory of a read of the view: the copy of the entries and the
 *	  rows formed from it, kept by the backend from one read to the next.
 *
 * A read of the whole view copies every entry (pss_store_copy_view), forms
 * a row from each copy and hands the rows to the executor in a tuplestore
 * that keeps them all in memory (sql_interface.c, "Memory of a read").
 * That is about a kilobyte per entry.  Taken from the system afresh for
 * every read and given back at its end, those pages are faulted in again
 * by every read: at 100,000 entries 17,000 page faults, on a virtual
 * machine half the CPU time of the read.
 *
 * So both live in one allocation set that the backend keeps between reads,
 * "pg_slow_statements reads".  An allocation set keeps the chunks freed in
 * it for its next requests of the same size class, and gives nothing back
 * until it is reset: the next read finds every chunk it needs on the free
 * lists, already in memory.  An entry's copy (about 630 bytes) takes a
 * chunk of 1 kB, and so does a row with a text of more than about 40
 * bytes: such a row takes the chunk the copy of the entry before it just
 * gave back (copies are freed as the rows are formed,
 * pss_view_copy_release).  A row without texts (about 470 bytes) takes one
 * of 512 bytes, and the copies' chunks then wait for the next read: the
 * price of the size classes is about 1.8 kB per entry kept without texts,
 * 1.3 kB with them.
 *
 * What is kept is bounded: when the last read under way in the backend
 * ends (its query's memory is reset or deleted, after the executor ended
 * the tuplestore), the set is reset if it holds more than
 * PSS_VIEW_KEEP_MAX, and always after an error or outside a transaction in
 * progress, so that what a failed read left behind is not kept either.
 *
 * src/view_copy.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "port/pg_bitutils.h"
#include "utils/memutils.h"

#include "view_copy.h"

/* The memory kept between reads, created by the first read */
static MemoryContext view_cxt = NULL;

/* Reads under way in this backend: their queries have not ended */
static int	reads_under_way = 0;

/*
 * view_read_end
 *		A read's query memory is going away: its tuplestore, if it ended
 *		normally, has been ended.  The last read to end decides what is
 *		kept.
 */
static void
view_read_end(void *arg)
{
	if (reads_under_way > 0)
		reads_under_way--;
	if (reads_under_way > 0 || view_cxt == NULL)
		return;
	if (!IsTransactionState() ||
		MemoryContextMemAllocated(view_cxt, true) > PSS_VIEW_KEEP_MAX)
		MemoryContextReset(view_cxt);
}

/*
 * pss_view_copy_begin
 *		Start a read whose copy and rows live until query_cxt (the query's
 *		memory) is reset or deleted: copy->cxt is the memory kept between
 *		reads, which the caller copies entries into and makes its
 *		tuplestore in.
 */
void
pss_view_copy_begin(PssViewCopy *copy, MemoryContext query_cxt)
{
	MemoryContextCallback *cb;

	if (view_cxt == NULL)
		view_cxt = AllocSetContextCreate(TopMemoryContext,
										 "pg_slow_statements reads",
										 ALLOCSET_DEFAULT_SIZES);
	cb = MemoryContextAlloc(query_cxt, sizeof(MemoryContextCallback));
	cb->func = view_read_end;
	cb->arg = NULL;
	MemoryContextRegisterResetCallback(query_cxt, cb);
	reads_under_way++;

	copy->cxt = view_cxt;
	copy->rows = NULL;
	copy->nrows = 0;
	copy->nfreed = 0;
}

/*
 * pss_view_memory_warm
 *		Make sure cxt has count free chunks of size bytes, already in
 *		memory, before the caller takes its lock: allocated and freed now,
 *		they wait on the set's free list.  Nothing to do when the set
 *		already holds that much, as it does from the second read on.
 */
void
pss_view_memory_warm(MemoryContext cxt, int count, Size size)
{
	Size		have = MemoryContextMemAllocated(cxt, false);
	Size		chunk = pg_nextpower2_size_t(size);
	void	  **pieces;
	int			n;
	int			i;

	if (have >= (Size) count * chunk || size > ALLOCSET_SEPARATE_THRESHOLD)
		return;
	n = count - (int) (have / chunk);
	pieces = MemoryContextAllocHuge(CurrentMemoryContext,
									sizeof(void *) * n);
	for (i = 0; i < n; i++)
	{
		pieces[i] = MemoryContextAlloc(cxt, size);
		/* a write faults its page in */
		*(volatile char *) pieces[i] = 0;
	}
	for (i = 0; i < n; i++)
		pfree(pieces[i]);
	pfree(pieces);
}

/*
 * pss_view_copy_release
 *		Free the copies of rows nfreed .. done - 1 and their texts: the
 *		caller has formed them and needs them no more, and the row it forms
 *		next takes their memory.
 */
void
pss_view_copy_release(PssViewCopy *copy, int done)
{
	for (; copy->nfreed < done; copy->nfreed++)
	{
		PssViewEntry *e = copy->rows[copy->nfreed];

		if (e == NULL)
			continue;
		if (e->query != NULL)
			pfree(e->query);
		if (e->slowest_query != NULL)
			pfree(e->slowest_query);
		if (e->slowest_plan != NULL)
			pfree(e->slowest_plan);
		pfree(e);
		copy->rows[copy->nfreed] = NULL;
	}
}
