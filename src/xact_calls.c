/*-------------------------------------------------------------------------
 *
 * xact_calls.c
 *	  N+1 counting: how many times each statement ran in the current
 *	  top-level transaction (implicit ones included), in backend memory.
 *
 * The hooks ask once per accounted execution (pss_calls_in_xact); the
 * rank they get back feeds the xacts and max_calls_per_xact counters.
 * Everything this file keeps is in one static struct, changed only here;
 * a count belongs to the transaction whose local id it carries, so
 * nothing needs resetting when a transaction ends.
 *
 * src/xact_calls.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "storage/proc.h"

#include "compat.h"
#include "xact_calls.h"

#define PSS_XACT_SLOTS		1024	/* power of two */
#define PSS_XACT_PROBES		8

/* one statement's count in one transaction */
typedef struct PssXactSlot
{
	uint64		queryid;
	Oid			userid;
	Oid			dbid;
	LocalTransactionId lxid;	/* transaction the count belongs to */
	bool		toplevel;
	int64		calls;
} PssXactSlot;

static struct
{
	/*
	 * The first execution counted in the latest transaction (lxid; none
	 * yet: InvalidLocalTransactionId), not in slots unless counted (see
	 * pss_calls_in_xact).
	 */
	LocalTransactionId first_lxid;
	PssKey		first_key;
	bool		first_counted;	/* in slots */

	/* the counts, an open-addressed table probed PSS_XACT_PROBES times */
	PssXactSlot slots[PSS_XACT_SLOTS];
}			xc;

/*
 * xact_count
 *		Count an execution of key in transaction lxid in the backend-local
 *		table, and return its rank there (1 for the first), or 0 if not
 *		known.
 *
 * The table is tagged with the local transaction id, so that nothing
 * needs clearing when a transaction ends.  A statement whose probe
 * sequence is full of other statements of the same transaction is not
 * counted (0): the table holds PSS_XACT_SLOTS statements per transaction
 * before that happens.
 */
static int64
xact_count(const PssKey *key, LocalTransactionId lxid)
{
	uint64		h;
	int			i;

	h = key->queryid ^ key->userid ^ ((uint64) key->dbid << 32) ^
		(key->toplevel ? 1 : 0);
	h ^= h >> 29;
	for (i = 0; i < PSS_XACT_PROBES; i++)
	{
		PssXactSlot *slot = &xc.slots[(h + i) & (PSS_XACT_SLOTS - 1)];

		if (slot->lxid != lxid || slot->calls == 0)
		{
			slot->lxid = lxid;
			slot->queryid = key->queryid;
			slot->userid = key->userid;
			slot->dbid = key->dbid;
			slot->toplevel = key->toplevel;
			slot->calls = 1;
			return 1;
		}
		if (slot->queryid == key->queryid && slot->userid == key->userid &&
			slot->dbid == key->dbid && slot->toplevel == key->toplevel)
			return ++slot->calls;
	}
	return 0;
}

/*
 * pss_calls_in_xact
 *		Count an execution of key in the current top-level transaction and
 *		return its rank there (1 for the first), or 0 if not known (N+1
 *		loops; see xact_count).
 *
 * Most transactions run one statement (autocommit): the first execution
 * of a transaction is only remembered (first_key), and goes into the
 * table when a second execution comes in the same transaction.
 */
int64
pss_calls_in_xact(const PssKey *key)
{
	LocalTransactionId lxid;

	/*
	 * Even a top-level statement outside a transaction block is looked up:
	 * an implicit transaction may hold several (Executes before one Sync,
	 * as JDBC batches and pipelines send them).
	 */
	if (MyProc == NULL)
		return 0;
	lxid = pss_my_lxid();
	if (xc.first_lxid != lxid)
	{
		xc.first_lxid = lxid;
		xc.first_key = *key;
		xc.first_counted = false;
		return 1;
	}
	if (!xc.first_counted)
	{
		/* a second execution: the first goes into the table */
		xc.first_counted = true;
		(void) xact_count(&xc.first_key, lxid);
	}
	return xact_count(key, lxid);
}
