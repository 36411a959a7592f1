/*-------------------------------------------------------------------------
 *
 * bench_fingerprint.c
 *	  Cost of pss_fingerprint on representative statements.
 *
 * Usage: bench_fingerprint [NAME [CALLS]]
 *
 * With no argument, lists the statements and their lengths ("orm-pgb" is a
 * statement of the generated ORM workload: quoted names, an IN list).  With a
 * statement's name, calls pss_fingerprint CALLS times (default 1000) on it
 * and prints the time per call and per byte.  Under
 * valgrind --tool=callgrind --toggle-collect=pss_fingerprint, the
 * instructions counted divided by CALLS are the instructions per call (the
 * "bench" target of test/unit/Makefile does that).
 *
 * Each statement is copied into an exact-size heap buffer, as the server
 * would hand it over (no terminating NUL is read).
 *
 * test/unit/bench_fingerprint.c
 *
 *-------------------------------------------------------------------------
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fingerprint.h"

typedef struct BenchStatement
{
	const char *name;
	char	   *text;
	size_t		len;
} BenchStatement;

#define N_STATEMENTS 5

static BenchStatement statements[N_STATEMENTS];

/*
 * append
 *		Append a string to a growing buffer of capacity cap.
 */
static void
append(char *buf, size_t *len, size_t cap, const char *s)
{
	size_t		n = strlen(s);

	if (*len + n >= cap)
	{
		fprintf(stderr, "bench_fingerprint: buffer too small\n");
		exit(2);
	}
	memcpy(buf + *len, s, n);
	*len += n;
	buf[*len] = '\0';
}

/*
 * orm_statement
 *		A Django-style SELECT of about 1.5 kB: quoted table-qualified
 *		columns with aliases, an IN list of 40 integers, an ILIKE on a
 *		'%foo%' constant, ORDER BY and LIMIT.
 */
static void
orm_statement(char *buf, size_t *len, size_t cap)
{
	static const char *const cols[] = {"id", "name", "email", "active"};
	char		piece[256];
	int			rep;
	int			i;

	append(buf, len, cap, "SELECT ");
	for (rep = 0; rep < 5; rep++)
	{
		for (i = 0; i < 4; i++)
		{
			snprintf(piece, sizeof(piece),
					 "%s\"res_partner\".\"%s\" AS \"res_partner_%s_%d\"",
					 (rep == 0 && i == 0) ? "" : ", ", cols[i], cols[i], rep);
			append(buf, len, cap, piece);
		}
	}
	append(buf, len, cap,
		   " FROM \"res_partner\" INNER JOIN \"res_company\" ON "
		   "(\"res_partner\".\"company_id\" = \"res_company\".\"id\") "
		   "WHERE (\"res_partner\".\"id\" IN (");
	for (i = 0; i < 40; i++)
	{
		snprintf(piece, sizeof(piece), "%s%d", i == 0 ? "" : ", ",
				 1000 + i * 7919 % 90000);
		append(buf, len, cap, piece);
	}
	append(buf, len, cap,
		   ") AND UPPER(\"res_partner\".\"name\"::text) ILIKE '%foo%' "
		   "AND \"res_partner\".\"active\" = true) "
		   "ORDER BY \"res_partner\".\"name\" ASC, "
		   "\"res_partner\".\"id\" DESC LIMIT 21");
}

/*
 * setup
 *		Build the statements.
 */
static void
setup(void)
{
	static char orm[4096];
	size_t		ormlen = 0;
	const char *fixed[N_STATEMENTS];
	int			i;

	orm_statement(orm, &ormlen, sizeof(orm));
	statements[0].name = "point";
	fixed[0] = "SELECT abalance FROM pgbench_accounts WHERE aid = 12345";
	statements[1].name = "orm";
	fixed[1] = orm;
	statements[2].name = "insert";
	fixed[2] =
		"INSERT INTO pgbench_history (tid, bid, aid, delta, mtime, filler) "
		"VALUES (7, 1, 48213, -2311, '2024-05-01 12:34:56.789', NULL), "
		"(3, 1, 99120, 4117, '2024-05-01 12:34:56.790', NULL), "
		"(9, 1, 5521, -17, '2024-05-01 12:34:56.791', NULL), "
		"(1, 1, 70001, 250, '2024-05-01 12:34:56.792', 'x') "
		"RETURNING tid";
	statements[3].name = "comments";
	fixed[3] =
		"/* app=billing, route=/invoices/:id */\n"
		"UPDATE invoices -- the hot table\n"
		"   SET note = E'paid\\n\\'in full\\'', amount = amount - 12.50,\n"
		"       tags = ARRAY['a', 'b', 'c']  /* nested /* comment */ */\n"
		" WHERE id = $1 AND status <> 'void' -- trailing\n";
	statements[4].name = "orm-pgb";
	/* the first statement of the ORM workload of test/bench */
	fixed[4] =
		"SELECT \"pgbench_accounts\".\"aid\" AS \"pgbench_accounts_aid\", \"pgbe"
		"nch_accounts\".\"bid\" AS \"pgbench_accounts_bid\", \"pgbench_accounts"
		"\".\"abalance\" AS \"pgbench_accounts_abalance\", \"pgbench_accounts\"."
		"\"filler\" AS \"pgbench_accounts_filler\", \"pgbench_accounts\".\"aid\" "
		"AS \"pgbench_accounts_aid_1\", \"pgbench_accounts\".\"bid\" AS \"pgbenc"
		"h_accounts_bid_1\", \"pgbench_accounts\".\"abalance\" AS \"pgbench_acc"
		"ounts_abalance_1\", \"pgbench_accounts\".\"filler\" AS \"pgbench_accou"
		"nts_filler_1\", \"pgbench_accounts\".\"aid\" AS \"pgbench_accounts_aid"
		"_2\", \"pgbench_accounts\".\"bid\" AS \"pgbench_accounts_bid_2\", \"pgbe"
		"nch_accounts\".\"abalance\" AS \"pgbench_accounts_abalance_2\", \"pgbe"
		"nch_accounts\".\"filler\" AS \"pgbench_accounts_filler_2\", \"pgbench_"
		"accounts\".\"aid\" AS \"pgbench_accounts_aid_3\", \"pgbench_accounts\"."
		"\"bid\" AS \"pgbench_accounts_bid_3\", \"pgbench_accounts\".\"abalance\""
		" AS \"pgbench_accounts_abalance_3\", \"pgbench_accounts\".\"filler\" A"
		"S \"pgbench_accounts_filler_3\", \"pgbench_accounts\".\"aid\" AS \"pgbe"
		"nch_accounts_aid_4\", \"pgbench_accounts\".\"bid\" AS \"pgbench_accoun"
		"ts_bid_4\", \"pgbench_accounts\".\"abalance\" AS \"pgbench_accounts_ab"
		"alance_4\", \"pgbench_accounts\".\"filler\" AS \"pgbench_accounts_fill"
		"er_4\" FROM \"pgbench_accounts\" WHERE (\"pgbench_accounts\".\"aid\" IN"
		" (16656, 43631, 28001, 43677, 40147, 12717, 7371, 70528, 2863, 8"
		"4440, 32616, 53232, 203, 91439, 67006, 41492, 4744, 84296, 1318,"
		" 51316, 30262, 9463, 97684, 79186, 11291, 75993, 25110, 25157, 1"
		"7548, 19936, 5432, 85297, 10052, 91425, 46258, 61076, 25774, 367"
		"86, 95337, 78340, 73639, 5140, 73825, 30854, 97911, 51322, 42075"
		", 1492, 54386, 424, 46692, 64543, 76162, 8455, 6840) AND \"pgbenc"
		"h_accounts\".\"filler\"::text ILIKE '%  %') ORDER BY \"pgbench_accou"
		"nts\".\"aid\" ASC LIMIT 21";
	for (i = 0; i < N_STATEMENTS; i++)
	{
		statements[i].len = strlen(fixed[i]);
		statements[i].text = malloc(statements[i].len);
		memcpy(statements[i].text, fixed[i], statements[i].len);
	}
}

int
main(int argc, char **argv)
{
	const BenchStatement *st = NULL;
	long		calls = 1000;
	long		i;
	uint64_t	acc = 0;
	struct timespec t0;
	struct timespec t1;
	double		ns;
	int			k;

	setup();
	if (argc < 2)
	{
		for (k = 0; k < N_STATEMENTS; k++)
			printf("%s %zu\n", statements[k].name, statements[k].len);
		return 0;
	}
	for (k = 0; k < N_STATEMENTS; k++)
	{
		if (strcmp(argv[1], statements[k].name) == 0)
			st = &statements[k];
	}
	if (st == NULL)
	{
		fprintf(stderr, "bench_fingerprint: unknown statement \"%s\"\n",
				argv[1]);
		return 2;
	}
	if (argc > 2)
		calls = atol(argv[2]);
	if (calls <= 0)
		calls = 1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < calls; i++)
		acc += pss_fingerprint(st->text, st->len, true);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = (double) (t1.tv_sec - t0.tv_sec) * 1e9 +
		(double) (t1.tv_nsec - t0.tv_nsec);
	if (acc != (uint64_t) calls * pss_fingerprint(st->text, st->len, true))
		fprintf(stderr, "bench_fingerprint: fingerprint not stable\n");
	printf("%-10s %5zu bytes  %8.1f ns/call  %6.2f ns/byte  (%016llx)\n",
		   st->name, st->len, ns / (double) calls,
		   ns / (double) calls / (double) st->len,
		   (unsigned long long) pss_fingerprint(st->text, st->len, true));
	return 0;
}
