# Makefile for pg_slow_statements (PGXS)

MODULE_big = pg_slow_statements
OBJS = \
	src/pg_slow_statements.o \
	src/hooks.o \
	src/measure.o \
	src/exec_measure.o \
	src/commit_defer.o \
	src/stmt_text.o \
	src/slow_sample.o \
	src/fingerprint.o \
	src/fingerprint_scan.o \
	src/fingerprint_fast.o \
	src/fingerprint_normalize.o \
	src/histogram.o \
	src/store.o \
	src/text_store.o \
	src/persist.o \
	src/sql_interface.o \
	src/view_copy.o \
	src/activity.o \
	src/waits.o \
	src/history.o \
	src/xact_calls.o \
	src/plan_id.o \
	src/failures.o \
	src/sources.o \
	src/tags.o
PGFILEDESC = "pg_slow_statements - execution statistics of SQL statements by stable fingerprint"

# pg_slow_statements_compat: pg_stat_statements' view and functions over ours,
# for the monitoring tools written for pg_stat_statements (README)
EXTENSION = pg_slow_statements pg_slow_statements_compat
DATA = sql/pg_slow_statements--1.0.sql \
	sql/pg_slow_statements--1.0--1.1.sql \
	sql/pg_slow_statements--1.1--1.2.sql \
	sql/pg_slow_statements_compat--1.0.sql

# pg_regress against a throwaway instance with the library preloaded
REGRESS = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/[0-9]*.sql)))
REGRESS_OPTS = --temp-config=$(srcdir)/test/pg_slow_statements.conf \
	--temp-instance=./tmp_regress

TAP_TESTS = 1
PROVE_TESTS = test/t/*.pl
# the TAP tests' shared node set-up (test/perl/PssNode.pm)
PROVE_FLAGS += -I $(srcdir)/test/perl

EXTRA_CLEAN = tmp_regress tmp_check results regression.diffs regression.out

PG_CONFIG ?= pg_config
PG_CPPFLAGS = -I$(srcdir)/src
PG_CFLAGS = -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# PGXS does not track header dependencies: rebuild everything when a header
# changes, or objects built against an old struct layout get linked together
HEADERS = $(wildcard $(srcdir)/src/*.h)
$(OBJS) $(OBJS:.o=.bc): $(HEADERS)

.PHONY: unittest test demo bench fuzz dist

# The release archive PGXN takes (pgxn.org uploads): git archive of HEAD as
# pg_slow_statements-X.Y.Z.zip, everything under pg_slow_statements-X.Y.Z/,
# X.Y.Z being META.json's version.  Only tracked files, so no build or test
# artefact; .gitattributes leaves out the repository's own housekeeping.
DISTVERSION = $(shell perl -MJSON::PP -0777 -ne 'print decode_json($$_)->{version}' $(srcdir)/META.json)
dist:
	git -C $(srcdir) archive --format zip \
		--prefix=pg_slow_statements-$(DISTVERSION)/ \
		-o $(CURDIR)/pg_slow_statements-$(DISTVERSION).zip HEAD
	@echo "pg_slow_statements-$(DISTVERSION).zip (HEAD: commit what you want in it)"

# The fingerprint lexer's lookup tables, written from its word lists
# (src/fingerprint_words.h) into src/fingerprint_tables.h, which is
# committed: run after changing a word list ("make unittest" checks it)
.PHONY: fingerprint-tables
fingerprint-tables:
	python3 $(srcdir)/src/gen_fingerprint_tables.py

# Lexer unit tests: no server needed
unittest:
	$(MAKE) -C test/unit

# The whole suite, as the README and CI run it (as root on Debian 12)
test:
	bash test/run_all.sh

# Build, start a throwaway cluster, run a workload, print the ranking
demo:
	bash test/demo.sh

# Overhead next to pg_stat_statements: callgrind counts and pgbench runs
bench:
	bash test/bench/bench.sh

fuzz:
	$(MAKE) -C test/unit fuzz

# The long tests: a 300 s concurrency run, 5 min of fuzzing, and pg_regress
# with the server under valgrind (as root, after make install)
.PHONY: stress
stress:
	bash test/stress/stress.sh
