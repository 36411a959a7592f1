/*-------------------------------------------------------------------------
 *
 * text_store.c
 *	  Texts of any length in a shared region of fixed-size chunks.
 *
 * Glossary
 *	chunk	a PSS_CHUNK_SIZE-byte piece of the region: the number of the
 *			next chunk, then data
 *	chain	a text: its chunks linked by their next numbers, the last one
 *			ending with PSS_NO_CHUNK; a text is named by its first chunk
 *			and its length
 *
 * Design
 *	The region is pg_slow_statements.text_memory bytes of chunks, all on
 *	one free list at first.  Allocating a text takes as many chunks as it
 *	needs from the head of the free list; freeing it puts them back.
 *	There is no fragmentation to collect and no file to rewrite, at the
 *	cost of PSS_CHUNK_SIZE - PSS_CHUNK_DATA bytes per chunk and half a
 *	chunk per text on average.  Chunks are numbered with an int32, so the
 *	region holds at most 2^31 - 1 of them (PSS_TEXT_MEMORY_MAX_KB).
 *
 *	This file knows nothing of entries, locks or eviction: the store
 *	(store.c) decides which text to keep, checks that it fits
 *	(pss_text_fits) before it allocates, and holds its LWLock around
 *	every call (exclusively to allocate or free).
 *
 * src/text_store.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "pg_slow_statements.h"
#include "text_store.h"

/* Text memory reserved per entry when text_memory is -1 */
#define PSS_TEXT_PER_ENTRY		2048

/*
 * Chunks of text memory at most: chunk numbers are int32, and -1 marks the
 * end of a chain.  pg_slow_statements.text_memory is bounded to match
 * (PSS_TEXT_MEMORY_MAX_KB in pg_slow_statements.h).
 */
#define PSS_MAX_CHUNKS			((int64) PG_INT32_MAX)

/*
 * pss_text_capacity
 *		Bytes of shared memory reserved for texts, from the GUCs: a whole
 *		number of chunks.
 */
int64
pss_text_capacity(void)
{
	int64		bytes;

	if (pss_text_memory < 0)
		bytes = (int64) pss_max * PSS_TEXT_PER_ENTRY;
	else
		bytes = (int64) pss_text_memory * 1024;
	/* Always room for at least a few texts; never more chunks than fit */
	bytes = Min(bytes, PSS_MAX_CHUNKS * PSS_CHUNK_SIZE);
	bytes = Max(bytes, 64 * PSS_CHUNK_SIZE);
	return bytes / PSS_CHUNK_SIZE * PSS_CHUNK_SIZE;
}

/*
 * pss_text_store_init
 *		Make the pss_text_capacity() bytes at region a text store with
 *		every chunk free.  Called once, when the shared memory is created.
 */
void
pss_text_store_init(PssTextStore *ts, void *region)
{
	int64		i;

	ts->chunks = (PssChunk *) region;
	ts->total_chunks = pss_text_capacity() / PSS_CHUNK_SIZE;
	for (i = 0; i < ts->total_chunks; i++)
		ts->chunks[i].next = (i + 1 < ts->total_chunks) ?
			(int32) (i + 1) : PSS_NO_CHUNK;
	ts->free_head = 0;
	ts->free_chunks = ts->total_chunks;
}

/*
 * pss_text_free
 *		Return a chain of chunks to the free list.  Exclusive lock held.
 */
void
pss_text_free(PssTextStore *ts, int32 head)
{
	int32		c = head;

	while (c != PSS_NO_CHUNK)
	{
		int32		next = ts->chunks[c].next;

		ts->chunks[c].next = ts->free_head;
		ts->free_head = c;
		ts->free_chunks++;
		c = next;
	}
}

/*
 * pss_text_alloc
 *		Copy a text into a new chain of chunks and return its first chunk.
 *		Exclusive lock held; the caller has checked that the text fits
 *		(pss_text_fits).
 */
int32
pss_text_alloc(PssTextStore *ts, const char *text, int len)
{
	int32		head = PSS_NO_CHUNK;
	int32		tail = PSS_NO_CHUNK;
	int			done = 0;

	while (done < len)
	{
		int32		c = ts->free_head;
		int			n = Min((int) PSS_CHUNK_DATA, len - done);

		Assert(c != PSS_NO_CHUNK);
		ts->free_head = ts->chunks[c].next;
		ts->free_chunks--;

		memcpy(ts->chunks[c].data, text + done, n);
		ts->chunks[c].next = PSS_NO_CHUNK;
		if (tail == PSS_NO_CHUNK)
			head = c;
		else
			ts->chunks[tail].next = c;
		tail = c;
		done += n;
	}
	return head;
}
