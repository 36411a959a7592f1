/*-------------------------------------------------------------------------
 *
 * text_store.h
 *	  Texts of any length in a shared region of fixed-size chunks.
 *
 * See text_store.c for the design.  A PssTextStore has no lock of its
 * own: its owner (store.c) holds its LWLock exclusively to allocate or
 * free, and at least shared to read.
 *
 * src/text_store.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PSS_TEXT_STORE_H
#define PSS_TEXT_STORE_H

/* Bytes of one text chunk, header included */
#define PSS_CHUNK_SIZE			128
#define PSS_CHUNK_DATA			(PSS_CHUNK_SIZE - sizeof(int32))

/* No text: the end of a chain, or a text not stored */
#define PSS_NO_CHUNK			(-1)

/* Chunks a text of len bytes takes */
#define PSS_CHUNKS_FOR(len) \
	(((int64) (len) + (int64) PSS_CHUNK_DATA - 1) / (int64) PSS_CHUNK_DATA)

/* One chunk of text memory */
typedef struct PssChunk
{
	int32		next;			/* next chunk of the text or free list */
	char		data[PSS_CHUNK_DATA];
} PssChunk;

/* The region, in shared memory: the chunks and their free list */
typedef struct PssTextStore
{
	int32		free_head;		/* first free chunk */
	int64		free_chunks;
	int64		total_chunks;
	PssChunk   *chunks;
} PssTextStore;

extern int64 pss_text_capacity(void);
extern void pss_text_store_init(PssTextStore *ts, void *region);
extern int32 pss_text_alloc(PssTextStore *ts, const char *text, int len);
extern void pss_text_free(PssTextStore *ts, int32 head);

/*
 * pss_text_fits
 *		Are there free chunks enough for a text of len bytes?
 */
static inline bool
pss_text_fits(const PssTextStore *ts, int64 len)
{
	return ts->free_chunks >= PSS_CHUNKS_FOR(len);
}

/*
 * pss_text_too_large
 *		Is a text of len bytes larger than a quarter of the region, too
 *		large to evict entries for?
 */
static inline bool
pss_text_too_large(const PssTextStore *ts, int64 len)
{
	return PSS_CHUNKS_FOR(len) > ts->total_chunks / 4;
}

/*
 * pss_text_read
 *		Copy a text of len bytes starting at chunk head to dst.  Inline:
 *		readers of the view copy every text this way.
 */
static inline void
pss_text_read(const PssTextStore *ts, int32 head, int len, char *dst)
{
	int32		c = head;
	int			done = 0;

	while (c != PSS_NO_CHUNK && done < len)
	{
		int			n = Min((int) PSS_CHUNK_DATA, len - done);

		memcpy(dst + done, ts->chunks[c].data, n);
		done += n;
		c = ts->chunks[c].next;
	}
}

#endif							/* PSS_TEXT_STORE_H */
