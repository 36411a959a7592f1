/*-------------------------------------------------------------------------
 *
 * view_copy.c
 *	  The memory of a read of the view: the copy of the entries and the
 *	  rows formed from it, kept by the backend from one read to the next.
 *
 * A read of the whole view copies every entry (pss_store_copy_view) into
 * one buffer, forms a row from each copy and hands the rows to the
 * executor in a tuplestore that keeps them all in memory (sql_interface.c,
 * "Memory of a read").  Taken from the system afresh for every read and
 * given back at its end, those pages would be faulted in again by every
 * read, and a page fault is dear on a virtual machine (about 13 us for a
 * page of 4 kB on the 2-vCPU machine of the README's figures: at 100,000
 * entries, more than half the CPU time of the read).
 *
 * So both are kept by the backend between reads:
 *
 * - The copy: one buffer, "pss_view_buffer", in which the copies of the
 *	 entries lie one after the other, each of the size it needs (about 570
 *	 bytes plus its texts).  It grows to the largest read of the backend and
 *	 stays.  When it grows, the pages added are faulted in at once, before
 *	 the store's lock is taken: with MADV_POPULATE_WRITE where the kernel has
 *	 it (Linux 5.14), one call for all of them, which costs half of what
 *	 faulting them one by one does, or else by a write to each.
 * - The rows: an allocation set, "pg_slow_statements reads", which the
 *	 tuplestore takes its rows from.  An allocation set keeps the chunks
 *	 freed in it for its next requests of the same size class, and gives
 *	 nothing back until it is reset: the next read finds every chunk it
 *	 needs on the free lists, already in memory.  A row without texts (about
 *	 470 bytes) takes a chunk of 512 bytes, with a text of more than about
 *	 40 bytes one of 1 kB.
 *
 * The buffer lives in the allocation set (a chunk of its own), so that
 * what is kept is one memory context, bounded as a whole: when the last
 * read under way in the backend ends (its query's memory is reset or
 * deleted, after the executor ended the tuplestore), the set is reset if
 * it holds more than PSS_VIEW_KEEP_MAX, and always after an error or
 * outside a transaction in progress, so that what a failed read left
 * behind is not kept either.  A read begun while another is under way
 * forms its rows in its query's memory instead (pss_view_rows_memory), so
 * that reads failing one after the other inside a longer one do not pile
 * up until it ends.
 *
 * src/view_copy.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

#include "access/xact.h"
#include "utils/memutils.h"

#include "view_copy.h"

#if defined(__linux__)
/* Linux 5.14's value, for C libraries that do not name it yet */
#ifdef MADV_POPULATE_WRITE
#define PSS_MADV_POPULATE_WRITE MADV_POPULATE_WRITE
#else
#define PSS_MADV_POPULATE_WRITE 23
#endif
#endif

/* The memory kept between reads, created by the first read */
static MemoryContext view_cxt = NULL;

/*
 * The rows' memory, a child of view_cxt, and the size of its first block,
 * in which its rows are formed as long as they fit
 */
static MemoryContext rows_cxt = NULL;
static Size rows_cxt_size = 0;

/* The buffer of the copies, a chunk of view_cxt, and its size */
static char *copy_buf = NULL;
static Size copy_buf_size = 0;

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
	{
		/* a reset would keep the rows' first block: delete them */
		if (rows_cxt != NULL)
			MemoryContextDelete(rows_cxt);
		rows_cxt = NULL;
		rows_cxt_size = 0;
		MemoryContextReset(view_cxt);
		copy_buf = NULL;
		copy_buf_size = 0;
	}
}

/*
 * pss_view_copy_begin
 *		Start a read whose rows live until query_cxt (the query's memory) is
 *		reset or deleted.
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

	copy->rows = NULL;
	copy->nrows = 0;
}

/*
 * view_fault_in
 *		Ask for the pages of len bytes from start, which nothing uses yet, to
 *		be huge pages where the kernel allows it for the asking
 *		(transparent_hugepage "madvise" or "always"): one fault, then, for
 *		512 pages of 4 kB.  With populate, also fault them in at once: one
 *		call to the kernel where it can, a write to each page otherwise.
 */
static void
view_fault_in(char *start, Size len, bool populate)
{
	Size		page = 4096;
	char	   *p;

#if defined(__linux__)
	{
		long		sys_page = sysconf(_SC_PAGESIZE);
		uintptr_t	from;
		uintptr_t	to;

		if (sys_page > 0)
			page = (Size) sys_page;
		from = TYPEALIGN(page, (uintptr_t) start);
		to = TYPEALIGN_DOWN(page, (uintptr_t) start + len);
		if (to > from)
		{
#ifdef MADV_HUGEPAGE
			(void) madvise((void *) from, to - from, MADV_HUGEPAGE);
#endif
			/* pages partly outside [start, start + len) are written below */
			if (!populate ||
				madvise((void *) from, to - from,
						PSS_MADV_POPULATE_WRITE) == 0)
			{
				if (!populate)
					return;
				for (p = start; p < (char *) from; p += page)
					*(volatile char *) p = 0;
				if ((uintptr_t) start + len > to)
					*(volatile char *) to = 0;
				return;
			}
		}
	}
#endif
	if (!populate)
		return;
	for (p = start; p < start + len; p += page)
		*(volatile char *) p = 0;
	if (len > 0)
		*(volatile char *) (start + len - 1) = 0;
}

/*
 * pss_view_rows_memory
 *		The memory to form rows of up to space bytes in, kept between reads:
 *		an allocation set whose first block holds them all, asked for in huge
 *		pages (view_fault_in), and made anew, larger, when the rows of a read
 *		outgrow it.  A read begun while another is under way gets memory of
 *		its own instead, in query_cxt, the read's query memory.
 *
 * The first block of an allocation set is never given back before the set
 * is deleted, so the rows of every read are formed there, from the chunks
 * the previous read's rows left on the free lists.  Its pages are not
 * faulted in beforehand: space is an upper bound, twice the rows' size
 * when they have no text, and what is never touched costs nothing.
 *
 * The rows of a read that fails stay allocated in the set until it is
 * reset, which waits for the last read under way to end.  So a read begun
 * while another is under way (a cursor over the view, a loop over a read,
 * in which reads fail in savepoints or exception blocks) does not use the
 * set: its rows go with its query's memory, whether it ends or fails.
 */
MemoryContext
pss_view_rows_memory(Size space, MemoryContext query_cxt)
{
	Size		size;

	Assert(view_cxt != NULL);
	if (reads_under_way > 1)
		return AllocSetContextCreate(query_cxt,
									 "pg_slow_statements rows of a nested read",
									 ALLOCSET_DEFAULT_SIZES);
	space = Min(space, PSS_VIEW_KEEP_MAX);
	if (rows_cxt != NULL && space <= rows_cxt_size)
		return rows_cxt;
	if (rows_cxt != NULL)
		MemoryContextDelete(rows_cxt);
	rows_cxt = NULL;
	rows_cxt_size = 0;

	/* an eighth more, for a store that grows a little between reads */
	size = MAXALIGN(Max(space + space / 8, (Size) ALLOCSET_DEFAULT_MAXSIZE));
	rows_cxt = AllocSetContextCreate(view_cxt, "pg_slow_statements rows",
									 size, ALLOCSET_DEFAULT_INITSIZE, size);
	rows_cxt_size = size;
	/* the set's header and the block's take less than a page */
	view_fault_in((char *) rows_cxt + 4096, size - 4096, false);
	return rows_cxt;
}

/*
 * pss_view_buffer_size
 *		The size of the buffer of the copies as it is.
 */
Size
pss_view_buffer_size(void)
{
	return copy_buf_size;
}

/*
 * pss_view_buffer
 *		The buffer of the copies of a read, of at least need bytes, its
 *		content kept; pss_view_buffer(0) is the buffer as it is.  Growing may
 *		move it: callers locate what they wrote in it by offsets.  It grows by
 *		half at least, so that entries added during a read move it a few
 *		times at most.
 */
char *
pss_view_buffer(Size need)
{
	Size		size;

	if (need <= copy_buf_size)
		return copy_buf;
	Assert(view_cxt != NULL);
	size = Max(need, copy_buf_size + copy_buf_size / 2);
	size = MAXALIGN(size);
	if (copy_buf == NULL)
		copy_buf = MemoryContextAllocHuge(view_cxt, size);
	else
		copy_buf = repalloc_huge(copy_buf, size);
	view_fault_in(copy_buf + copy_buf_size, size - copy_buf_size, true);
	copy_buf_size = size;
	return copy_buf;
}
