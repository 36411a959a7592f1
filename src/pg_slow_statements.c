/*-------------------------------------------------------------------------
 *
 * pg_slow_statements.c
 *	  Entry point: defines the GUCs and hands over to each subsystem.
 *
 * The library must be loaded through shared_preload_libraries, since it
 * needs shared memory and must see every statement from the start.  When
 * loaded any other way, _PG_init returns quietly and the SQL functions
 * report that the library is not preloaded.
 *
 * src/pg_slow_statements.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/guc.h"

#include "activity.h"
#include "history.h"
#include "histogram.h"
#include "hooks.h"
#include "persist.h"
#include "pg_slow_statements.h"
#include "sources.h"
#include "plan_id.h"
#include "store.h"

PG_MODULE_MAGIC;

/*---- GUC variables ----*/

int			pss_max = 5000;
int			pss_track = PSS_TRACK_TOP;
bool		pss_track_utility = true;
bool		pss_track_planning = false;
bool		pss_save = true;
int			pss_text_memory = -1;
int			pss_slow_threshold = 1000;
bool		pss_capture_plan = true;
bool		pss_capture_constants = true;
int			pss_slowest_text_max = 8192;
bool		pss_test_capture_wait = false;
int			pss_sample_interval = 10;
bool		pss_track_cpu = false;
int			pss_max_plans = 4;
int			pss_max_sources = 6;

static const struct config_enum_entry track_options[] = {
	{"none", PSS_TRACK_NONE, false},
	{"top", PSS_TRACK_TOP, false},
	{"all", PSS_TRACK_ALL, false},
	{NULL, 0, false}
};

void		_PG_init(void);

/*
 * _PG_init
 *		Module load callback: define GUCs, then let each subsystem install
 *		its hooks.
 */
void
_PG_init(void)
{
	/*
	 * Shared memory and hooks are only set up when preloaded; otherwise the
	 * SQL functions raise an error telling the user to preload the library.
	 */
	if (!process_shared_preload_libraries_in_progress)
		return;

	DefineCustomIntVariable("pg_slow_statements.max",
							"Sets the maximum number of statements tracked.",
							NULL,
							&pss_max,
							5000,
							100,
							INT_MAX / 2,
							PGC_POSTMASTER,
							0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("pg_slow_statements.text_memory",
							"Sets the shared memory reserved for query texts.",
							"-1 reserves 2 kB per tracked statement.",
							&pss_text_memory,
							-1,
							-1,
							PSS_TEXT_MEMORY_MAX_KB,
							PGC_POSTMASTER,
							GUC_UNIT_KB,
							NULL, NULL, NULL);

	DefineCustomEnumVariable("pg_slow_statements.track",
							 "Selects which statements are tracked.",
							 "\"top\" tracks statements sent by clients, "
							 "\"all\" also those inside functions.",
							 &pss_track,
							 PSS_TRACK_TOP,
							 track_options,
							 PGC_SUSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomBoolVariable("pg_slow_statements.track_utility",
							 "Selects whether utility commands are tracked.",
							 NULL,
							 &pss_track_utility,
							 true,
							 PGC_SUSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomBoolVariable("pg_slow_statements.track_planning",
							 "Selects whether planning duration is tracked.",
							 NULL,
							 &pss_track_planning,
							 false,
							 PGC_SUSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomBoolVariable("pg_slow_statements.save",
							 "Saves the statistics across server shutdowns.",
							 NULL,
							 &pss_save,
							 true,
							 PGC_SIGHUP,
							 0,
							 NULL, NULL, NULL);

	DefineCustomIntVariable("pg_slow_statements.slow_threshold",
							"Sets the execution time at or above which an execution counts as slow.",
							"0 counts every execution, -1 none.",
							&pss_slow_threshold,
							1000,
							-1,
							INT_MAX,
							PGC_SUSET,
							GUC_UNIT_MS,
							NULL, NULL, NULL);

	DefineCustomBoolVariable("pg_slow_statements.capture_plan",
							 "Keeps the plan of each statement's slowest execution.",
							 NULL,
							 &pss_capture_plan,
							 true,
							 PGC_SUSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomBoolVariable("pg_slow_statements.capture_constants",
							 "Keeps the constants and parameters of each statement's slowest execution.",
							 "When off, the slowest execution is kept as its normalized text "
							 "and a plan whose constants are replaced by $n.",
							 &pss_capture_constants,
							 true,
							 PGC_SUSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomIntVariable("pg_slow_statements.slowest_text_max",
							"Sets the length kept of a slowest execution's text and plan.",
							"0 keeps neither.",
							&pss_slowest_text_max,
							8192,
							0,
							PSS_SLOWEST_TEXT_LIMIT,
							PGC_SUSET,
							GUC_UNIT_BYTE,
							NULL, NULL, NULL);

	DefineCustomIntVariable("pg_slow_statements.sample_interval",
							"Sets how often the sampler looks at what each backend waits for.",
							"0 turns sampling off.",
							&pss_sample_interval,
							10,
							0,
							60 * 1000,
							PGC_SIGHUP,
							GUC_UNIT_MS,
							NULL, NULL, NULL);

	DefineCustomIntVariable("pg_slow_statements.history_interval",
							"Sets the length of the intervals of each statement's recent history.",
							NULL,
							&pss_history_interval,
							60,
							1,
							24 * 60 * 60,
							PGC_POSTMASTER,
							GUC_UNIT_S,
							NULL, NULL, NULL);

	DefineCustomIntVariable("pg_slow_statements.history_size",
							"Sets how many intervals of each statement's recent history are kept.",
							"0 keeps no history.",
							&pss_history_size,
							60,
							0,
							PSS_HISTORY_SIZE_MAX,
							PGC_POSTMASTER,
							0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("pg_slow_statements.max_plans",
							"Sets how many distinct plans of each statement are kept.",
							"The most recently executed ones; 0 keeps none and computes no plan ids.",
							&pss_max_plans,
							4,
							0,
							PSS_MAX_PLANS_LIMIT,
							PGC_POSTMASTER,
							0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("pg_slow_statements.max_sources",
							"Sets how many sources of each statement are kept.",
							"A source is an application_name, client address and set of comment tags; "
							"those that send the most calls are kept, the others are counted together. "
							"0 keeps none.",
							&pss_max_sources,
							6,
							0,
							PSS_MAX_SOURCES_LIMIT,
							PGC_POSTMASTER,
							0,
							NULL, NULL, NULL);

	DefineCustomBoolVariable("pg_slow_statements.track_cpu",
							 "Measures the user and system CPU time of each planning and execution.",
							 "With getrusage() at the start and end of each measured period.",
							 &pss_track_cpu,
							 false,
							 PGC_SUSET,
							 0,
							 NULL, NULL, NULL);

	/*
	 * For the tests only, hidden: a capture waits (up to 10 s) for the
	 * statement_timeout to fire, so that the test of a timeout firing
	 * during a capture does not depend on timing (src/hooks.c).
	 */
	DefineCustomBoolVariable("pg_slow_statements.test_capture_wait",
							 "For tests: a capture waits for the statement timeout.",
							 NULL,
							 &pss_test_capture_wait,
							 false,
							 PGC_SUSET,
							 GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE,
							 NULL, NULL, NULL);

	MarkGUCPrefixReserved("pg_slow_statements");

	pss_hist_init();
	pss_store_init();
	/* after the store: its startup hook needs the store created */
	pss_persist_init();
	pss_hooks_init();
	pss_activity_init();
	pss_plan_id_init();
}
