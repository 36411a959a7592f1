#!/usr/bin/env python3
"""test/bench/report.py: turn the benchmark's raw figures into a table.

Usage:
  report.py table COUNTS CG_TSV PGBENCH_TSV
      Prints the results table and the summary line.
      COUNTS       "WORKLOAD N" lines written by gen_workloads.py
      CG_TSV       "WORKLOAD CONFIG PHASE IR" lines: the total instructions
                   of one `postgres --single` run under callgrind, PHASE
                   "base" (set-up statements only) or "full" (set-up, then
                   the N measured ones)
      PGBENCH_TSV  "ROUND WORKLOAD CONFIG METRIC VALUE" lines, METRIC "tps"
                   or "poll_ms"
  report.py profile OUT N PSS_FULL PSS_BASE NONE_FULL NONE_BASE
      Writes to OUT where the instructions pg_slow_statements adds go: per
      function, ((pss full - pss base) - (none full - none base)) / N, with
      the calls per statement counted the same way; then the same grouped
      into the CATEGORIES below; then the top of `callgrind_annotate
      --inclusive=no` for the pss full run.  Writes the categories to
      OUT.categories too ("CATEGORY<TAB>IR" lines).
  report.py categories WORKLOAD=OUT.categories...
      Prints the categories of several workloads as one table.
  report.py backend T FILE...
      Prints which of the callgrind output files (one per process of a
      postmaster run under callgrind) is the backend that ran the T
      pgbench transactions: the only one whose calls to PortalRun (one per
      Execute message) number T.  Fails if there is not exactly one.

Configurations: "none" (no library preloaded), "pgss" (pg_stat_statements
with its defaults), "pss" (pg_slow_statements with its defaults).  An
"added cost" is a configuration's figure minus none's.
"""

import re
import statistics
import subprocess
import sys

CONFIGS = ["none", "pgss", "pss"]
WORKLOADS = ["simple", "prepared-sql", "prepared-ext", "orm", "orm-tags",
             "churn", "readers"]

# Categories of the per-function profile, first match wins: a regular
# expression searched in callgrind_annotate's "file:function [object]"
# name.  Costs are exclusive: what postgres or libc spend inside a call
# made by us counts under their own name, not under the caller.  Function
# names in src/ change: only this list needs to follow them.
CATEGORIES = [
    ("clock reads",
     r":\S*(clock_gettime|gettimeofday)|:now_ns\b|:GetCurrentTimestamp\b"),
    # a statement new to the store: its text normalized (the reference
    # scanner), its entry inserted, another evicted
    ("new entries (normalize, evict)",
     r"src/fingerprint_normalize\.c:|src/stmt_text\.c:pss_text_normalize\b"
     r"|src/(store|text_store)\.c:(pss_store_insert|entry_insert"
     r"|entry_remove|evict\w*|\w*_clear|source_add_locked|pss_text_alloc)\b"),
    ("fingerprint (lexing)", r"src/fingerprint\w*\.[ch]:"),
    ("store lookup",
     r"src/store\.c:(pss_store_record|index_find|key_equal|key_hash"
     r"|\w*lookup|\w*find)\b"),
    ("recent history", r"src/history\.[ch]:"),
    # entry_add inlines counters_add, and the execution added to its plan's
    # and its source's slot
    ("counters (with plan, source slots)",
     r"src/store\.c:(counters_add|entry_add|entry_account\w*)\b"
     r"|src/counterlist\.h:entry_add\b|src/histogram\.c:"),
    ("store, other (texts, samples)", r"src/(store|text_store)\.c:"),
    ("plan ids", r"src/plan_id\.[ch]:"),
    ("sources (tags, ids)", r"src/(sources|tags)\.[ch]:"),
    # the only atomics inlined into the hooks are the activity slot's
    ("sampled times, wait events",
     r"src/(activity|waits)\.[ch]:|atomics/\w+\.h:pss_Executor"),
    # the hooks and the state machines they drive; counterlist.h inlined
    # into a hook is a period's buffer and WAL usage
    ("hooks bookkeeping",
     r"src/(hooks|exec_measure|commit_defer|measure|failures|xact_calls"
     r"|stmt_text|slow_sample|counterlist)\.[ch]:"),
    ("ours, other files", r"pg_slow_statements\.so\]"),
    # malloc's cost moves with the heap's layout, not only with calls
    ("malloc (libc)", r"malloc/malloc\.c:.*\[\S*/libc\.so[.\d]*\]"),
    ("libc, libm (other)",
     r"\[\S*/(libc|libm|ld-linux[^/\]]*)\.so[.\d]*\]"),
    ("postgres (called by us)", r"\[\S*/postgres\]"),
    ("other", r""),
]

# The functions that read the clock (their calls are counted apart: under
# valgrind the vDSO is not used, so a read costs the C library's wrapper
# and a system call that callgrind does not count)
CLOCK_READS = r"clock_gettime|gettimeofday"
CLOCK_ROW = "  clock reads per statement (calls)"

# The function run once per Execute message: counts the transactions a
# backend ran (exported, so named even in a stripped server binary)
EXECUTE_MARKER = "PortalRun"


def read_rows(path):
    """read_rows: the whitespace-separated fields of each non-empty line."""
    with open(path) as f:
        return [line.split() for line in f if line.strip()]


def fmt(v, digits=0):
    """fmt: a number with thousands separators, or "-" when missing."""
    if v is None:
        return "-"
    return "{:,.{}f}".format(v, digits)


def ratio(num, den):
    """ratio: num / den, or None when it has no meaning."""
    if num is None or den is None or den == 0:
        return None
    return num / den


def table(counts_path, cg_path, pgb_path):
    """table: print the results table and the summary line."""
    counts = {r[0]: int(r[1]) for r in read_rows(counts_path)}
    ir = {}
    for w, c, phase, v in read_rows(cg_path):
        ir[(w, c, phase)] = int(v)
    runs = {}
    for _, w, c, metric, v in read_rows(pgb_path):
        runs.setdefault((w, c, metric), []).append(float(v))
    nrounds = max([len(v) for v in runs.values()] or [0])

    def per_stmt(w, c):
        full, base = ir.get((w, c, "full")), ir.get((w, c, "base"))
        if full is None or base is None:
            return None
        return (full - base) / counts[w]

    def median(w, c, metric):
        v = runs.get((w, c, metric))
        return statistics.median(v) if v else None

    rows = []
    summary = []
    for w in WORKLOADS:
        if w == "readers":
            # the view does not exist without a library: plain ratio
            vals = [per_stmt(w, c) if c != "none" else None
                    for c in CONFIGS]
            r = ratio(vals[2], vals[1])
            rows.append((w, "instr/poll (count(*))", vals,
                         "-" if r is None else "%.2f pss/pgss" % r))
        else:
            vals = [per_stmt(w, c) for c in CONFIGS]
            added = [None if v is None or vals[0] is None else v - vals[0]
                     for v in vals]
            r = ratio(added[2], added[1])
            rows.append((w, "instr/stmt", vals,
                         "-" if r is None else "%.2f" % r))
            pct = ["-"] + ["-" if a is None or not vals[0] else
                           "%s (%+.1f%%)" % ("{:+,.0f}".format(a),
                                             100.0 * a / vals[0])
                           for a in added[1:]]
            rows.append((w, "instr/stmt added", pct, ""))
            if r is not None:
                summary.append("%s %.2f" % (w, r))
        tps = [median(w, c, "tps") for c in CONFIGS]
        r_tps = ratio(tps[2], tps[1])
        rows.append((w, "tps (median of %d)" % nrounds if w != "readers"
                     else "writer tps (median)", [fmt(t, 0) if t else None
                                                  for t in tps],
                     "-" if r_tps is None else "x%.2f pss/pgss" % r_tps))
        if w == "churn" and r_tps is not None:
            if summary and summary[-1].startswith("churn "):
                summary[-1] += " (tps x%.2f)" % r_tps
            else:
                summary.append("churn tps x%.2f" % r_tps)
        if w == "readers":
            poll = [median(w, c, "poll_ms") for c in CONFIGS]
            r_poll = ratio(poll[2], poll[1])
            rows.append((w, "poll ms (median)",
                         [fmt(p, 2) if p else None for p in poll],
                         "-" if r_poll is None else
                         "%.2fx pss/pgss" % r_poll))
            parts = []
            if r_poll is not None:
                parts.append("poll %.2fx" % r_poll)
            if r_tps is not None:
                parts.append("writer tps x%.2f" % r_tps)
            if parts:
                summary.append("readers " + ", ".join(parts))

    print("%-12s %-22s %17s %17s %17s   %s"
          % ("workload", "metric", "none", "pgss", "pss",
             "pss_added/pgss_added"))
    for w, metric, vals, r in rows:
        cells = []
        for v in vals:
            if isinstance(v, str):
                cells.append(v)
            else:
                cells.append(fmt(v, 0))
        print("%-12s %-22s %17s %17s %17s   %s"
              % (w, metric, cells[0], cells[1], cells[2], r))
    print("(last column: instr rows (pss - none) / (pgss - none), lower is "
          "better; tps rows pss / pgss,\n higher is better; poll rows "
          "pss / pgss, lower is better)")
    print()
    print("summary: " + ", ".join(summary))


# "1,234 (12.34%)  file:function [object]" lines of callgrind_annotate
ANNOTATE_LINE = re.compile(r"^\s*([\d,]+)\s+(?:\(\s*[\d.]+%\)\s+)?(\S.*)$")

# Functions without a symbol are named by address, and callgrind does not
# always attribute the same address to the same object from run to run:
# they are counted together
UNNAMED = "(functions without symbols, all objects)"


def annotate(path, threshold="100"):
    """annotate: the output of callgrind_annotate --inclusive=no."""
    return subprocess.run(["callgrind_annotate", "--inclusive=no",
                           "--auto=no", "--threshold=" + threshold, path],
                          check=True, capture_output=True,
                          text=True).stdout


def functions(path):
    """functions: {function: exclusive Ir} of one callgrind output file."""
    result = {}
    for line in annotate(path).splitlines():
        m = ANNOTATE_LINE.match(line)
        if m and "PROGRAM TOTALS" not in m.group(2):
            name = m.group(2)
            if name.startswith("???:0x"):
                name = UNNAMED
            result[name] = result.get(name, 0) + \
                int(m.group(1).replace(",", ""))
    return result


# "fn=(12) name", "cfn=(12)": callgrind's compressed function names
COMPRESSED = re.compile(r"^c?fn=\((\d+)\)(?: (.*))?$")


def calls(path):
    """calls: {function: number of calls} of one callgrind output file,
    summed over the callers (functions named as callgrind names them,
    without file or object)."""
    names = {}
    result = {}
    callee = None
    with open(path) as f:
        for line in f:
            if line.startswith("fn=") or line.startswith("cfn="):
                m = COMPRESSED.match(line.rstrip("\n"))
                if m is None:
                    continue
                if m.group(2) is not None:
                    names[m.group(1)] = m.group(2)
                callee = names.get(m.group(1)) \
                    if line.startswith("cfn=") else None
            elif line.startswith("calls=") and callee is not None:
                result[callee] = result.get(callee, 0) + \
                    int(line[6:].split()[0])
    return result


def function_of(name):
    """function_of: the function part of "file:function [object]"."""
    name = re.sub(r" \[[^]]*\]$", "", name)
    return name.split(":", 1)[1] if ":" in name else name


def category_of(name):
    """category_of: the first of CATEGORIES whose pattern the name has."""
    for label, pattern in CATEGORIES:
        if re.search(pattern, name):
            return label
    return CATEGORIES[-1][0]


def categorize(names):
    """categorize: {name: category} for callgrind_annotate names.  Code
    inlined from a header is named after the header and the function it
    was inlined into ("string_fortified.h:measure_init"), without object:
    it goes where that function's own name goes."""
    result = {k: category_of(k) for k in names}
    other = CATEGORIES[-1][0]
    # the category of the function's own code (the name with an object),
    # else of any code inlined into it, in a fixed order
    by_function = {}
    for k in sorted(result, key=lambda k: (not k.endswith("]"), k)):
        if result[k] != other:
            by_function.setdefault(function_of(k), result[k])
    for k, label in result.items():
        if label == other and not k.endswith("]"):
            result[k] = by_function.get(function_of(k), other)
    return result


def profile(out, n, pss_full, pss_base, none_full, none_base):
    """profile: write where pg_slow_statements' added instructions go."""
    n = int(n)
    paths = (pss_full, pss_base, none_full, none_base)
    f = [functions(p) for p in paths]
    c = [calls(p) for p in paths]
    names = set().union(*f)
    diff = {k: ((f[0].get(k, 0) - f[1].get(k, 0))
                - (f[2].get(k, 0) - f[3].get(k, 0))) / n for k in names}
    ncalls = {}
    for k in names:
        fn = function_of(k)
        ncalls[k] = ((c[0].get(fn, 0) - c[1].get(fn, 0))
                     - (c[2].get(fn, 0) - c[3].get(fn, 0))) / n
    top = sorted(diff.items(), key=lambda kv: -abs(kv[1]))[:30]
    cats = {label: [] for label, _ in CATEGORIES}
    category = categorize(names)
    for k, v in diff.items():
        cats[category[k]].append((k, v))
    with open(out, "w") as o:
        o.write("Instructions per statement added by pg_slow_statements, by "
                "function (exclusive):\n((pss full - pss base) - "
                "(none full - none base)) / %d; calls per statement the "
                "same way\n" % n)
        o.write("%12s %10s  %s\n" % ("Ir/stmt", "calls/stmt",
                                     "file:function [object]"))
        for k, v in top:
            o.write("%12.1f %10.2f  %s\n" % (v, ncalls[k], k))
        o.write("\n%+12.1f  total\n\n" % sum(diff.values()))
        o.write("By category (patterns: CATEGORIES in test/bench/report.py; "
                "exclusive costs),\nwith the largest functions of each:\n")
        for label, _ in CATEGORIES:
            members = sorted(cats[label], key=lambda kv: -abs(kv[1]))
            o.write("%12.1f  %s\n" % (sum(v for _, v in members), label))
            for k, v in members[:4]:
                if abs(v) >= 0.5:
                    o.write("%24.1f %8.2f calls  %s\n"
                            % (v, ncalls[k], k))
        o.write("\n")
        o.write("Top of callgrind_annotate --inclusive=no for the "
                "pg_slow_statements run (set-up and measured statements):\n")
        lines = annotate(pss_full, "99").splitlines()
        start = next((i for i, line in enumerate(lines)
                      if "file:function" in line), 0)
        o.write("\n".join(lines[start:start + 32]) + "\n")


    clock = CATEGORIES[0][0]
    reads = sum(ncalls[k] for k, _ in cats[clock]
                if re.search(CLOCK_READS, function_of(k)))
    with open(out + ".categories", "w") as o:
        for label, _ in CATEGORIES:
            o.write("%s\t%.1f\n" % (label, sum(v for _, v in cats[label])))
        o.write("%s\t%.2f\n" % (CLOCK_ROW, reads))


def categories(*args):
    """categories: print several workloads' categories as one table."""
    cols = []
    for arg in args:
        w, path = arg.split("=", 1)
        with open(path) as f:
            cols.append((w, {line.split("\t")[0]:
                             float(line.split("\t")[1])
                             for line in f if "\t" in line}))
    print("%-36s" % "Ir/stmt added by pss" +
          "".join("%13s" % w for w, _ in cols))
    for label, _ in CATEGORIES:
        print("%-36s" % label +
              "".join("%13s" % fmt(v.get(label), 0) for _, v in cols))
    print("%-36s" % "total" +
          "".join("%13s" % fmt(sum(x for k, x in v.items()
                                   if k != CLOCK_ROW), 0) for _, v in cols))
    print("%-36s" % CLOCK_ROW +
          "".join("%13s" % fmt(v.get(CLOCK_ROW), 1) for _, v in cols))


def backend(t, *paths):
    """backend: print the file of the backend that ran t transactions."""
    t = int(t)
    found = [p for p in paths if calls(p).get(EXECUTE_MARKER, 0) == t]
    if len(found) != 1:
        sys.exit("%d of %d callgrind files have %d calls to %s"
                 % (len(found), len(paths), t, EXECUTE_MARKER))
    print(found[0])


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "table":
        table(*sys.argv[2:])
    elif len(sys.argv) == 8 and sys.argv[1] == "profile":
        profile(*sys.argv[2:])
    elif len(sys.argv) >= 3 and sys.argv[1] == "categories":
        categories(*sys.argv[2:])
    elif len(sys.argv) >= 4 and sys.argv[1] == "backend":
        backend(*sys.argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
