/*-------------------------------------------------------------------------
 *
 * activity.c
 *	  The activity slots (one per PGPROC) and the sampler, a background
 *	  worker that adds to each slot the time its process spends running
 *	  or waiting, by class of wait event.
 *
 * See activity.h for the protocol between the sampler and the backends.
 * Glossary: a sample is one look at one process's wait_event_info; a pass
 * is one look at every process, every pg_slow_statements.sample_interval
 * milliseconds; its time is what each sample of the pass stands for.
 *
 * The sampler never blocks a backend: it takes no lock, and reads
 * PGPROC's pid, wait_event_info and lockGroupLeader as single aligned
 * words, which the server itself reads the same way for
 * pg_stat_activity's wait columns.  It connects to no database (only to
 * show in pg_stat_activity), so it runs on a hot standby as on a primary,
 * from the moment the standby takes queries.  If it exits on an error or is terminated,
 * the postmaster starts it again after PSS_SAMPLER_RESTART_S seconds;
 * meanwhile nothing is sampled and the periods measured then get less
 * time than they took.
 *
 * src/activity.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/twophase.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "portability/instr_time.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/proc.h"
#include "storage/shmem.h"
#include "utils/guc.h"
#include "utils/wait_event.h"

#include "activity.h"
#include "compat.h"
#include "pg_slow_statements.h"

/* Seconds before the postmaster starts a sampler that exited again */
#define PSS_SAMPLER_RESTART_S	1

/*
 * The longest time one pass stands for, microseconds: after a longer
 * pause of the sampler (a stopped machine, a debugger), the state seen at
 * the end is no estimate of the whole pause, so the rest is not counted.
 */
#define PSS_PASS_MAX_US			(1000 * 1000)

/*---- Local variables ----*/

/* The state of this file */
static struct
{
	PssActivitySlot *slots;		/* one per PGPROC number, in shared memory */
	int			nslots;
	shmem_request_hook_type prev_shmem_request_hook;
	shmem_startup_hook_type prev_shmem_startup_hook;
}			activity;

/* What a backend without a slot reads: always zero */
static PssActivitySlot no_slot;

PssActivitySlot *pss_activity_mine = NULL;

static void activity_shmem_request(void);
static void activity_shmem_startup(void);

/*
 * activity_nslots
 *		How many slots: one per PGPROC the server makes (backends, auxiliary
 *		processes, prepared transactions).
 */
static int
activity_nslots(void)
{
	return MaxBackends + NUM_AUXILIARY_PROCS + max_prepared_xacts;
}

/*
 * pss_activity_init
 *		Install the shared memory hooks and register the sampler; called
 *		from _PG_init when the library is preloaded.
 */
void
pss_activity_init(void)
{
	BackgroundWorker worker;

	activity.prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = activity_shmem_request;
	activity.prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = activity_shmem_startup;

	memset(&worker, 0, sizeof(worker));
	/* a connection, to no database: only to be seen in pg_stat_activity */
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS |
		BGWORKER_BACKEND_DATABASE_CONNECTION;
	/* as soon as a hot standby takes queries, or the primary is up */
	worker.bgw_start_time = BgWorkerStart_ConsistentState;
	worker.bgw_restart_time = PSS_SAMPLER_RESTART_S;
	snprintf(worker.bgw_library_name, BGW_MAXLEN, "pg_slow_statements");
	snprintf(worker.bgw_function_name, BGW_MAXLEN, "pss_sampler_main");
	snprintf(worker.bgw_name, BGW_MAXLEN, "pg_slow_statements sampler");
	snprintf(worker.bgw_type, BGW_MAXLEN, "pg_slow_statements sampler");
	RegisterBackgroundWorker(&worker);
}

/*
 * activity_shmem_request
 *		Ask for the slots' shared memory.
 */
static void
activity_shmem_request(void)
{
	if (activity.prev_shmem_request_hook)
		activity.prev_shmem_request_hook();
	RequestAddinShmemSpace(mul_size(activity_nslots(),
									sizeof(PssActivitySlot)));
}

/*
 * activity_shmem_startup
 *		Create or attach to the slots, all zero at first.
 */
static void
activity_shmem_startup(void)
{
	bool		found;
	int			n = activity_nslots();

	if (activity.prev_shmem_startup_hook)
		activity.prev_shmem_startup_hook();

	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	activity.slots = ShmemInitStruct("pg_slow_statements activity",
									 mul_size(n, sizeof(PssActivitySlot)),
									 &found);
	if (!found)
	{
		for (int i = 0; i < n; i++)
		{
			PssActivitySlot *slot = &activity.slots[i];

			for (int c = 0; c < PSS_WAIT_NCLASSES; c++)
				pg_atomic_init_u64(&slot->time_us[c], 0);
			pg_atomic_init_u64(&slot->nruns, 0);
			pg_atomic_init_u64(&slot->barrier, 0);
			for (int r = 0; r < PSS_ACTIVITY_RUNS; r++)
				pg_atomic_init_u64(&slot->runs[r], 0);
		}
	}
	activity.nslots = n;
	LWLockRelease(AddinShmemInitLock);
}

/*
 * pss_activity_attach
 *		Find this backend's slot, at its first use (MyProc is set by then;
 *		not when shared memory is attached, which in a forked backend
 *		happened in the postmaster).
 */
PssActivitySlot *
pss_activity_attach(void)
{
	int			n = MyProc ? pss_proc_number(MyProc) : -1;

	if (activity.slots != NULL && n >= 0 && n < activity.nslots)
		pss_activity_mine = &activity.slots[n];
	else
		pss_activity_mine = &no_slot;
	return pss_activity_mine;
}

/*
 * wait_class
 *		The class of a wait_event_info, as our columns split them.
 */
static PssWaitClass
wait_class(uint32 info)
{
	switch (info & 0xFF000000)
	{
		case 0:
			return PSS_WAIT_CPU;
		case PG_WAIT_IO:
			return PSS_WAIT_IO;
		case PG_WAIT_LOCK:
			return PSS_WAIT_LOCK;
		case PG_WAIT_LWLOCK:
			return PSS_WAIT_LWLOCK;
		case PG_WAIT_IPC:
			return PSS_WAIT_IPC;
		case PG_WAIT_TIMEOUT:
			return PSS_WAIT_TIMEOUT;
		case PG_WAIT_CLIENT:
			return PSS_WAIT_CLIENT;
		default:
			return PSS_WAIT_OTHER;
	}
}

/*
 * sampler_add_run
 *		Add one sample of event code, standing for us microseconds, to the
 *		runs of slot s: to one of its last PSS_ACTIVITY_MERGE runs if one
 *		is of the same event, at or after the barrier, and has room, else
 *		as a new run (see activity.h).  Only the sampler writes runs.
 */
static void
sampler_add_run(PssActivitySlot *s, uint32 code, uint64 us)
{
	uint64		n = pg_atomic_read_u64(&s->nruns);
	uint64		barrier = pg_atomic_read_u64(&s->barrier);
	uint64		first = n > PSS_ACTIVITY_MERGE ? n - PSS_ACTIVITY_MERGE : 0;
	uint64		word;

	if (barrier > first)
		first = barrier;
	for (uint64 i = n; i > first; i--)
	{
		pg_atomic_uint64 *run = &s->runs[(i - 1) % PSS_ACTIVITY_RUNS];

		word = pg_atomic_read_u64(run);
		if (PSS_RUN_EVENT(word) == code &&
			PSS_RUN_SAMPLES(word) < PSS_RUN_SAMPLES_MAX &&
			PSS_RUN_US(word) + us <= PSS_RUN_US_MAX)
		{
			pg_atomic_write_u64(run, word + (UINT64CONST(1) << PSS_RUN_SAMPLES_SHIFT) + us);
			return;
		}
	}
	word = ((uint64) code << PSS_RUN_EVENT_SHIFT) |
		(UINT64CONST(1) << PSS_RUN_SAMPLES_SHIFT) | Min(us, PSS_RUN_US_MAX);
	pg_atomic_write_u64(&s->runs[n % PSS_ACTIVITY_RUNS], word);
	pg_write_barrier();
	pg_atomic_write_u64(&s->nruns, n + 1);
}

/*
 * pss_activity_collect
 *		Add to w the runs of slot s from w->runs_from to runs_to (the
 *		slot's nruns, read at the period's end): a period's samples, by
 *		event.  Runs already overwritten (more than PSS_ACTIVITY_RUNS in
 *		the period), and events past the PSS_MEASURE_EVENTS w keeps, go to
 *		w's other events.  Called by a backend, on its own slot.
 */
void
pss_activity_collect(const PssActivitySlot *s, PssWaitEvents *w,
					 uint64 runs_to)
{
	uint64		from = w->runs_from;

	if (!w->seen)
	{
		w->seen = true;
		w->nevents = 0;
		w->other_samples = 0;
		w->other_time_us = 0;
		w->lost = false;
	}
	pg_read_barrier();
	if (runs_to - from > PSS_ACTIVITY_RUNS)
	{
		/*
		 * The first ones are overwritten: their time is what the classes'
		 * totals hold beyond the runs read (pss_waits_add in waits.c).
		 */
		w->lost = true;
		from = runs_to - PSS_ACTIVITY_RUNS;
	}
	for (uint64 i = from; i < runs_to; i++)
	{
		uint64		word = pg_atomic_read_u64(unconstify(pg_atomic_uint64 *,
														 &s->runs[i % PSS_ACTIVITY_RUNS]));
		uint32		code = PSS_RUN_EVENT(word);
		int			k;

		for (k = 0; k < w->nevents; k++)
			if (w->code[k] == code)
				break;
		if (k == w->nevents)
		{
			if (k == PSS_MEASURE_EVENTS)
			{
				w->other_samples += PSS_RUN_SAMPLES(word);
				w->other_time_us += PSS_RUN_US(word);
				continue;
			}
			w->code[k] = code;
			w->samples[k] = 0;
			w->time_us[k] = 0;
			w->nevents++;
		}
		w->samples[k] += PSS_RUN_SAMPLES(word);
		w->time_us[k] += PSS_RUN_US(word);
	}
	w->runs_from = runs_to;
}

/*
 * sampler_pass
 *		Look at every process once, and add us microseconds to the slot of
 *		each (its leader's for a parallel worker), in the class it is in.
 *		The fields are read once each, unlocked: a process that exits or
 *		starts meanwhile is seen in one state or the other, and a PGPROC
 *		read after its process exited has pid 0 (or belongs to the next
 *		one, whose slot it is).
 */
static void
sampler_pass(uint64 us)
{
	int			n = Min((int) ProcGlobal->allProcCount, activity.nslots);
	int			me = pss_proc_number(MyProc);

	for (int i = 0; i < n; i++)
	{
		volatile PGPROC *proc = &ProcGlobal->allProcs[i];
		PGPROC	   *leader;
		uint32		info;
		int			target = i;
		pg_atomic_uint64 *total;

		if (i == me || proc->pid == 0)
			continue;
		info = proc->wait_event_info;
		leader = proc->lockGroupLeader;
		if (leader != NULL && leader != &ProcGlobal->allProcs[i])
		{
			target = pss_proc_number(leader);
			if (target < 0 || target >= activity.nslots)
				continue;
		}
		/* the only writer: no read-modify-write needed */
		total = &activity.slots[target].time_us[wait_class(info)];
		pg_atomic_write_u64(total, pg_atomic_read_u64(total) + us);
		sampler_add_run(&activity.slots[target], PSS_EVENT_CODE(info), us);
	}
}

/*
 * pss_sampler_main
 *		The sampler's main loop: a pass every sample_interval ms, each
 *		standing for the time since the previous one (so that a late
 *		wake-up on a loaded machine does not lose time), none while the
 *		interval is 0.  SIGHUP rereads the settings; SIGTERM ends it with
 *		exit code 1, so that the postmaster starts it again unless the
 *		server is shutting down.
 */
void
pss_sampler_main(Datum main_arg)
{
	instr_time	last;
	bool		have_last = false;

	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, SignalHandlerForShutdownRequest);
	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnection(NULL, NULL, 0);

	for (;;)
	{
		int			events = WL_LATCH_SET | WL_EXIT_ON_PM_DEATH;

		ResetLatch(MyLatch);
		if (ShutdownRequestPending)
			break;
		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
		}

		if (pss_sample_interval > 0)
		{
			instr_time	now;

			INSTR_TIME_SET_CURRENT(now);
			if (have_last)
			{
				int64		us = (pss_instr_ns(now) - pss_instr_ns(last)) / 1000;

				if (us > 0)
					sampler_pass(Min(us, PSS_PASS_MAX_US));
			}
			last = now;
			have_last = true;
			events |= WL_TIMEOUT;
		}
		else
			have_last = false;

		(void) WaitLatch(MyLatch, events, pss_sample_interval,
						 PG_WAIT_EXTENSION);
	}
	proc_exit(1);
}
