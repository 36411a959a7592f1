/*-------------------------------------------------------------------------
 *
 * plan_id.c
 *	  The id of a plan's shape, computed once per planning.
 *
 * What the id covers: the plan's shape as EXPLAIN (COSTS OFF) shows it,
 * without its expressions: each node's type (from a table of our own,
 * PSS_PLAN_NODES, so that the codes do not move with the server's node
 * tags), whether it is parallel-aware, the relations scanned and the
 * indexes used by name (not by OID: the same plan has the same id on a
 * replica, after a restore, on another server), the scan direction of an
 * index scan, the join type, the aggregation and set-operation strategy,
 * the command of a ModifyTable, the workers a Gather plans, and the order
 * of the children, the subplans included.  Costs, row estimates,
 * constants and filters are not covered: a plan that only estimates
 * differently is the same plan.
 *
 * Where it is kept, so that a plan is walked once, when it is made:
 *	- on PostgreSQL 18 and later, in the plan itself (PlannedStmt.planId,
 *	  set after planning by pss_plan_id_planned, unless another module
 *	  set it first: then its id is the one used);
 *	- before 18, a plan the plan cache keeps (a prepared statement's, a
 *	  PL/pgSQL statement's: its memory context is a "CachedPlan" under
 *	  CacheMemoryContext) has its id in a backend-local table, keyed by
 *	  the plan's address, from its first execution until the plan cache
 *	  frees it (a callback on its memory removes it then: an address
 *	  reused by another plan is never taken for the old one), and the last
 *	  one found is remembered apart (forgotten by the same callback); any
 *	  other plan is planned for one execution, and walked at that
 *	  execution.
 *
 * The names are read from the catalog through a small backend-local cache
 * of relation names (by OID, cleared for a relation by the relcache
 * invalidations that a rename, a drop or any DDL sends), so that a plan's
 * walk costs a few instructions per node.
 *
 * src/plan_id.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_class.h"
#include "common/hashfn.h"
#include "miscadmin.h"
#include "nodes/pg_list.h"
#include "parser/parsetree.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

#include "compat.h"
#include "pg_slow_statements.h"
#include "plan_id.h"

/*
 * The plan nodes, each given a code by its place here: append only, never
 * reorder (ids would change).  A node not listed (a newer server's) is
 * coded by its tag, which is stable within a major version.
 */
#define PSS_PLAN_NODES(X) \
	X(Result) X(ProjectSet) X(ModifyTable) X(Append) X(MergeAppend) \
	X(RecursiveUnion) X(BitmapAnd) X(BitmapOr) X(SeqScan) X(SampleScan) \
	X(IndexScan) X(IndexOnlyScan) X(BitmapIndexScan) X(BitmapHeapScan) \
	X(TidScan) X(TidRangeScan) X(SubqueryScan) X(FunctionScan) \
	X(ValuesScan) X(TableFuncScan) X(CteScan) X(NamedTuplestoreScan) \
	X(WorkTableScan) X(ForeignScan) X(CustomScan) X(NestLoop) \
	X(MergeJoin) X(HashJoin) X(Material) X(Memoize) X(Sort) \
	X(IncrementalSort) X(Group) X(Agg) X(WindowAgg) X(Unique) X(Gather) \
	X(GatherMerge) X(Hash) X(SetOp) X(LockRows) X(Limit)

typedef enum PssPlanNode
{
	PSS_NODE_NONE = 0,
#define PSS_NODE_CODE(n) PSS_NODE_##n,
	PSS_PLAN_NODES(PSS_NODE_CODE)
#undef PSS_NODE_CODE
	PSS_NODE_OTHER = 1000		/* plus the tag */
} PssPlanNode;

/* Relation names cached (a power of two), direct-mapped by OID */
#define PSS_NAME_SLOTS			256

typedef struct PssNameSlot
{
	Oid			relid;			/* InvalidOid: empty */
	uint64		hash;			/* of its name */
} PssNameSlot;

/*
 * A plan of the plan cache and its id (before 18), in a simplehash table
 * keyed by the plan's address.
 */
typedef struct PssPlanIdEntry
{
	const PlannedStmt *key;
	uint64		planid;
	char		status;			/* simplehash's */
} PssPlanIdEntry;

#define SH_PREFIX		planids
#define SH_ELEMENT_TYPE PssPlanIdEntry
#define SH_KEY_TYPE		const PlannedStmt *
#define SH_KEY			key
#define SH_HASH_KEY(tb, k) \
	murmurhash32((uint32) (((uintptr_t) (k) >> 3) ^ ((uint64) (uintptr_t) (k) >> 32)))
#define SH_EQUAL(tb, a, b) ((a) == (b))
#define SH_SCOPE		static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* The callback that forgets a cached plan's id when its memory goes */
typedef struct PssPlanIdForget
{
	MemoryContextCallback cb;
	const PlannedStmt *pstmt;
} PssPlanIdForget;

/* This backend's caches: the one owner of this file's state */
static struct
{
	PssNameSlot names[PSS_NAME_SLOTS];
	planids_hash *planids;		/* before 18: cached plans' ids */
	const PlannedStmt *last;	/* the last of them found, NULL if none */
	uint64		last_planid;	/* its id */
} plan_ids;

static uint64 plan_walk(const PlannedStmt *pstmt, const Plan *plan,
						uint64 h);


/*
 * mix
 *		Fold a value into a running hash.
 */
static inline uint64
mix(uint64 h, uint64 v)
{
	h ^= v + UINT64CONST(0x9e3779b97f4a7c15);
	h *= UINT64CONST(0xbf58476d1ce4e5b9);
	return h ^ (h >> 31);
}

/*
 * names_invalidate
 *		Relcache invalidation callback: forget a relation's name (all of
 *		them for InvalidOid), which a rename or drop may have changed.
 */
static void
names_invalidate(Datum arg, Oid relid)
{
	if (!OidIsValid(relid))
		memset(plan_ids.names, 0, sizeof(plan_ids.names));
	else
	{
		PssNameSlot *s = &plan_ids.names[murmurhash32(relid) &
										 (PSS_NAME_SLOTS - 1)];

		if (s->relid == relid)
			s->relid = InvalidOid;
	}
}

/*
 * rel_name_lookup
 *		A relation's name hash read from the catalog into cache slot s.
 */
static pg_noinline uint64
rel_name_lookup(Oid relid, PssNameSlot *s)
{
	HeapTuple	tup;
	uint64		h = 0;

	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (HeapTupleIsValid(tup))
	{
		const char *name = NameStr(((Form_pg_class) GETSTRUCT(tup))->relname);

		h = hash_bytes_extended((const unsigned char *) name, strlen(name),
								UINT64CONST(0x5053535f504c414e)) | 1;
		ReleaseSysCache(tup);
	}
	s->relid = relid;
	s->hash = h;
	return h;
}

/*
 * rel_name_hash
 *		A hash of a relation's name (table or index): from the cache, or
 *		the catalog on a miss (rel_name_lookup).  A relation that no longer
 *		exists hashes as 0.
 */
static inline uint64
rel_name_hash(Oid relid)
{
	PssNameSlot *s;

	if (!OidIsValid(relid))
		return 0;
	s = &plan_ids.names[murmurhash32(relid) & (PSS_NAME_SLOTS - 1)];
	if (likely(s->relid == relid))
		return s->hash;
	return rel_name_lookup(relid, s);
}

/*
 * rte_hash
 *		What a scan of range table entry rti covers: a relation's name, or
 *		the kind of what is scanned (and a CTE's name).
 */
static uint64
rte_hash(const PlannedStmt *pstmt, Index rti)
{
	const RangeTblEntry *rte;

	if (rti == 0 || rti > (Index) list_length(pstmt->rtable))
		return 0;
	rte = rt_fetch(rti, pstmt->rtable);
	if (rte->rtekind == RTE_RELATION)
		return rel_name_hash(rte->relid);
	if (rte->rtekind == RTE_CTE && rte->ctename != NULL)
		return hash_bytes_extended((const unsigned char *) rte->ctename,
								   strlen(rte->ctename), rte->rtekind);
	return (uint64) rte->rtekind + 1;
}

/*
 * node_code
 *		A node's code (PSS_PLAN_NODES).
 */
static uint64
node_code(NodeTag tag)
{
	switch (tag)
	{
#define PSS_NODE_CASE(n) case T_##n: return PSS_NODE_##n;
			PSS_PLAN_NODES(PSS_NODE_CASE)
#undef PSS_NODE_CASE
		default:
			return PSS_NODE_OTHER + (uint64) tag;
	}
}

/*
 * join_code
 *		A join type's code, of our own: the server's enum gained members
 *		between versions.
 */
static uint64
join_code(JoinType jt)
{
	switch (jt)
	{
		case JOIN_INNER:
			return 1;
		case JOIN_LEFT:
			return 2;
		case JOIN_FULL:
			return 3;
		case JOIN_RIGHT:
			return 4;
		case JOIN_SEMI:
			return 5;
		case JOIN_ANTI:
			return 6;
		case JOIN_UNIQUE_OUTER:
			return 7;
		case JOIN_UNIQUE_INNER:
			return 8;
#if PG_VERSION_NUM >= 160000
		case JOIN_RIGHT_ANTI:
			return 9;
#endif
#if PG_VERSION_NUM >= 180000
		case JOIN_RIGHT_SEMI:
			return 10;
#endif
		default:
			return 100 + (uint64) jt;
	}
}

/*
 * plan_list
 *		Fold a list of child plans, in their order.
 */
static uint64
plan_list(const PlannedStmt *pstmt, const List *plans, uint64 h)
{
	ListCell   *lc;

	h = mix(h, list_length(plans));
	if (plans != NIL)
		check_stack_depth();
	foreach(lc, plans)
		h = plan_walk(pstmt, (const Plan *) lfirst(lc), h);
	return h;
}

/*
 * plan_walk
 *		Fold a plan node and its children into h (see the top of the file
 *		for what counts).
 */
static uint64
plan_walk(const PlannedStmt *pstmt, const Plan *plan, uint64 h)
{
	if (plan == NULL)
		return mix(h, 0);

	h = mix(h, node_code(nodeTag(plan)));
	h = mix(h, plan->parallel_aware ? 2 : 1);
	switch (nodeTag(plan))
	{
		case T_SeqScan:
		case T_SampleScan:
		case T_BitmapHeapScan:
		case T_TidScan:
		case T_TidRangeScan:
		case T_SubqueryScan:
		case T_FunctionScan:
		case T_ValuesScan:
		case T_TableFuncScan:
		case T_CteScan:
		case T_NamedTuplestoreScan:
		case T_WorkTableScan:
		case T_ForeignScan:
		case T_CustomScan:
			h = mix(h, rte_hash(pstmt, ((const Scan *) plan)->scanrelid));
			break;
		case T_IndexScan:
			h = mix(h, rte_hash(pstmt, ((const Scan *) plan)->scanrelid));
			h = mix(h, rel_name_hash(((const IndexScan *) plan)->indexid));
			h = mix(h, ((const IndexScan *) plan)->indexorderdir + 2);
			break;
		case T_IndexOnlyScan:
			h = mix(h, rte_hash(pstmt, ((const Scan *) plan)->scanrelid));
			h = mix(h, rel_name_hash(((const IndexOnlyScan *) plan)->indexid));
			h = mix(h, ((const IndexOnlyScan *) plan)->indexorderdir + 2);
			break;
		case T_BitmapIndexScan:
			h = mix(h, rel_name_hash(((const BitmapIndexScan *) plan)->indexid));
			break;
		case T_NestLoop:
		case T_MergeJoin:
		case T_HashJoin:
			h = mix(h, join_code(((const Join *) plan)->jointype));
			break;
		case T_Agg:
			h = mix(h, (uint64) ((const Agg *) plan)->aggstrategy + 1);
			break;
		case T_SetOp:
			h = mix(h, (uint64) ((const SetOp *) plan)->strategy + 1);
			break;
		case T_ModifyTable:
			h = mix(h, (uint64) ((const ModifyTable *) plan)->operation);
			h = mix(h, rte_hash(pstmt,
								((const ModifyTable *) plan)->nominalRelation));
			break;
		case T_Gather:
			h = mix(h, (uint64) ((const Gather *) plan)->num_workers);
			break;
		case T_GatherMerge:
			h = mix(h, (uint64) ((const GatherMerge *) plan)->num_workers);
			break;
		default:
			break;
	}

	/* a leaf, most often: no call, no stack check */
	if (plan->lefttree == NULL && plan->righttree == NULL)
		h = mix(mix(h, 0), 0);
	else
	{
		check_stack_depth();
		h = plan_walk(pstmt, plan->lefttree, h);
		h = plan_walk(pstmt, plan->righttree, h);
	}
	switch (nodeTag(plan))
	{
		case T_Append:
			h = plan_list(pstmt, ((const Append *) plan)->appendplans, h);
			break;
		case T_MergeAppend:
			h = plan_list(pstmt, ((const MergeAppend *) plan)->mergeplans, h);
			break;
		case T_BitmapAnd:
			h = plan_list(pstmt, ((const BitmapAnd *) plan)->bitmapplans, h);
			break;
		case T_BitmapOr:
			h = plan_list(pstmt, ((const BitmapOr *) plan)->bitmapplans, h);
			break;
		case T_SubqueryScan:
			h = plan_walk(pstmt, ((const SubqueryScan *) plan)->subplan, h);
			break;
		case T_CustomScan:
			h = plan_list(pstmt, ((const CustomScan *) plan)->custom_plans, h);
			break;
		default:
			break;
	}
	return h;
}

/*
 * plan_id_compute
 *		Walk a plan: its main tree, then its subplans (InitPlans and
 *		SubPlans), in their order.  Never 0.
 */
static uint64
plan_id_compute(const PlannedStmt *pstmt)
{
	uint64		h = mix(0, (uint64) pstmt->commandType);

	h = plan_walk(pstmt, pstmt->planTree, h);
	h = plan_list(pstmt, pstmt->subplans, h);
	return h != 0 ? h : 1;
}

#if PG_VERSION_NUM < 180000
/*
 * planid_forget
 *		Memory context callback of a cached plan: its memory is being
 *		freed, and its address may soon hold another plan.
 */
static void
planid_forget(void *arg)
{
	PssPlanIdForget *f = (PssPlanIdForget *) arg;

	if (plan_ids.last == f->pstmt)
		plan_ids.last = NULL;
	if (plan_ids.planids != NULL)
		planids_delete(plan_ids.planids, f->pstmt);
}

/*
 * in_plan_cache
 *		Is this plan one the plan cache keeps for more than one execution?
 *		Such a plan lives in a CachedPlan context that the plan cache
 *		moved under CacheMemoryContext (a saved plan source's: a prepared
 *		statement's, PL/pgSQL's), until the plan cache deletes it.  The
 *		plans of an unsaved source (the unnamed statement of the extended
 *		protocol) stay under the caller's memory and serve one execution:
 *		they are walked like any other.
 */
static inline bool
in_plan_cache(const PlannedStmt *pstmt, MemoryContext *cxt)
{
	*cxt = GetMemoryChunkContext((void *) pstmt);
	/* most plans are a message's or a portal's: the first letter tells */
	return (*cxt)->parent == CacheMemoryContext &&
		(*cxt)->name != NULL && (*cxt)->name[0] == 'C' &&
		strcmp((*cxt)->name, "CachedPlan") == 0;
}
#endif

#if PG_VERSION_NUM < 180000
/*
 * plan_id_lookup
 *		pss_plan_id past its fast path (before 18): walk a plan made for
 *		one execution; find a cached plan's id in the table, or compute it
 *		and keep it there until the plan's memory goes.
 */
static pg_noinline uint64
plan_id_lookup(PlannedStmt *pstmt)
{
	MemoryContext cxt;
	PssPlanIdEntry *entry;
	bool		found;
	uint64		id;
	PssPlanIdForget *f;

	if (!in_plan_cache(pstmt, &cxt))
		return plan_id_compute(pstmt);
	if (plan_ids.planids != NULL)
	{
		entry = planids_lookup(plan_ids.planids, pstmt);
		if (entry != NULL)
		{
			plan_ids.last = pstmt;
			plan_ids.last_planid = entry->planid;
			return entry->planid;
		}
	}
	id = plan_id_compute(pstmt);
	if (plan_ids.planids == NULL)
		plan_ids.planids = planids_create(TopMemoryContext, 64, NULL);
	f = MemoryContextAlloc(cxt, sizeof(PssPlanIdForget));
	f->pstmt = pstmt;
	f->cb.func = planid_forget;
	f->cb.arg = f;
	MemoryContextRegisterResetCallback(cxt, &f->cb);
	entry = planids_insert(plan_ids.planids, pstmt, &found);
	entry->planid = id;
	plan_ids.last = pstmt;
	plan_ids.last_planid = id;
	return id;
}
#endif

/*
 * pss_plan_id
 *		The id of an executed plan (see the top of the file), 0 for a
 *		utility statement's.  Called at ExecutorStart, in a transaction.
 */
uint64
pss_plan_id(PlannedStmt *pstmt)
{
	if (pstmt->commandType == CMD_UTILITY || pstmt->planTree == NULL)
		return 0;
#if PG_VERSION_NUM >= 180000
	if (pstmt->planId == 0)
		pss_plan_id_planned(pstmt);
	return (uint64) pstmt->planId;
#else
	/* a prepared statement run again, most often */
	if (pstmt == plan_ids.last)
		return plan_ids.last_planid;
	return plan_id_lookup(pstmt);
#endif
}

/*
 * pss_plan_id_init
 *		Register the relcache callback that keeps the name cache true;
 *		called from _PG_init, so that a lack of callback slots stops the
 *		server at start rather than failing a statement.
 */
void
pss_plan_id_init(void)
{
	if (pss_max_plans > 0)
		CacheRegisterRelcacheCallback(names_invalidate, (Datum) 0);
}

/*
 * pss_plan_id_planned
 *		After planning: on 18 and later, keep the new plan's id in it,
 *		unless another module did (then that id is used).  Nothing before
 *		18: pss_plan_id computes it at the first execution.
 */
void
pss_plan_id_planned(PlannedStmt *pstmt)
{
#if PG_VERSION_NUM >= 180000
	if (pstmt != NULL && pstmt->planId == 0 &&
		pstmt->commandType != CMD_UTILITY && pstmt->planTree != NULL)
		pstmt->planId = (int64) plan_id_compute(pstmt);
#endif
}
