/*-------------------------------------------------------------------------
 *
 * failures.c
 *	  Failures noted in error paths, published once the error is cleaned
 *	  up (see failures.h).
 *
 * The notes live in one static struct, changed only by this file's
 * functions: PSS_PENDING_MAX of them, each with the statement's text up
 * to PSS_PENDING_TEXT bytes (a longer text is not kept: its fingerprint
 * is, and a new entry made for it has no text).  An error that unwinds
 * through more tracked levels than there are notes keeps the first noted
 * (the innermost, the statement that raised it) and the latest ones (the
 * outermost, down to the top-level statement, noted last), overwriting the
 * levels in between in turn: those are the failures not counted (README).
 *
 * src/failures.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/timestamp.h"

#include "failures.h"
#include "store.h"

#define PSS_PENDING_MAX		8
#define PSS_PENDING_TEXT	8192

/* One failure noted, to be published */
typedef struct PssPendingFailure
{
	PssKey		key;
	int			sqlerrcode;
	double		time_ms;
	TimestampTz at;
	int			text_len;		/* -1: text too long, not kept */
	bool		std_strings;	/* standard_conforming_strings then */
	char		text[PSS_PENDING_TEXT];
} PssPendingFailure;

/* This backend's notes: the one owner of this file's state */
static struct
{
	int			n;				/* notes in use */
	uint32		overflow;		/* noted past PSS_PENDING_MAX */
	PssPendingFailure notes[PSS_PENDING_MAX];
} pending;


/*
 * pss_failure_remember
 *		Note the statement at location, len of source (its query id, or 0
 *		to fingerprint the text), ending in an error: its key, its slice
 *		with the comments before it, then pss_failure_note.  A NULL source
 *		notes nothing.
 *
 * Called from PG_CATCH blocks (sqlerrcode: geterrcode()), the log hook,
 * an executor's memory callback and aborts: neither allocates nor takes a
 * lock.
 */
void
pss_failure_remember(uint64 queryId, const char *source, int location,
					 int len, bool optimizable, bool toplevel,
					 double time_ms, int sqlerrcode)
{
	PssStatement st;

	if (source == NULL)
		return;
	pss_statement_key(&st, queryId, source, location, len, optimizable,
					  toplevel);
	pss_statement_slice(&st);
	st.text = pss_with_leading_comments(st.source, st.text, &st.text_len);
	pss_failure_note(&st, sqlerrcode, time_ms);
}

/*
 * pss_failure_note
 *		Note a statement that is ending in an error (st: its key and text,
 *		sliced), with its error code and time, to be published by
 *		pss_failures_publish.
 *
 * Called in error paths: copies into memory reserved at load, and neither
 * allocates nor takes a lock.
 */
void
pss_failure_note(const PssStatement *st, int sqlerrcode, double time_ms)
{
	PssPendingFailure *f;

	if (pending.n < PSS_PENDING_MAX)
		f = &pending.notes[pending.n++];
	else
	{
		/* the innermost stays; the levels in between are overwritten */
		f = &pending.notes[1 + pending.overflow % (PSS_PENDING_MAX - 1)];
		pending.overflow++;
	}
	f->key = st->key;
	f->sqlerrcode = sqlerrcode;
	f->time_ms = time_ms;
	f->at = GetCurrentTimestamp();
	/* the setting may be rolled back before the text is normalized */
	f->std_strings = pss_std_strings();
	if (st->text_len <= PSS_PENDING_TEXT)
	{
		memcpy(f->text, st->text, st->text_len);
		f->text_len = st->text_len;
	}
	else
		f->text_len = -1;
}

/*
 * pss_failures_pending
 *		Is any failure noted and not yet published?
 */
bool
pss_failures_pending(void)
{
	return pending.n > 0;
}

/*
 * pss_failures_publish
 *		Account the failures noted since the last call, if any.
 *
 * Runs when a (sub)transaction aborts, after the error's cleanup, or when
 * a transaction commits: locks and memory are usable, and the store does
 * not raise an error for lack of memory here.
 */
void
pss_failures_publish(void)
{
	int			n = pending.n;

	/* first, so that nothing is published twice even if this fails */
	pending.n = 0;
	pending.overflow = 0;
	for (int i = 0; i < n; i++)
	{
		PssPendingFailure *f = &pending.notes[i];
		PssMeasure	m;
		int			r;

		pss_measure_init(&m);
		m.kind = PSS_EXEC;
		m.failed = true;
		m.sqlerrcode = f->sqlerrcode;
		m.time_ms = f->time_ms;
		m.error_at = f->at;
		r = pss_store_record(&f->key, &m);
		if (r == PSS_MISSING)
			pss_store_insert(&f->key, f->text_len >= 0 ? f->text : NULL,
							 f->text_len, f->std_strings, &m, NULL, 0);
		else if ((r & PSS_TEXT_WANTED) && f->text_len >= 0)
			pss_store_fill_text(&f->key, f->text, f->text_len,
								f->std_strings);
	}
}
