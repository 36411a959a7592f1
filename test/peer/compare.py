#!/usr/bin/env python3
"""test/peer/compare.py: compare, result block by result block, the output
of PostgreSQL's pg_stat_statements regression suite run through
pg_slow_statements_compat with the suite's own expected output.

Usage: compare.py SQLDIR EXPECTEDDIR RESULTSDIR KNOWN TEST...

A *result block* is what psql prints (pg_regress runs it with -a -q, so
every input line is echoed) after the input line that completes one or more
statements or backslash commands, up to the next echoed input line: the
rows of a SELECT with their "(N rows)" line, an ERROR with its DETAIL and
LINE lines, a NOTICE.  Statements that print nothing in both files (SET,
CREATE TABLE, ... under -q) are not blocks: nothing is compared.  Two
blocks are identical when their lines are, ignoring white space as
pg_regress's diff -w does.

Each block is named by its test, its statement's text (whitespace collapsed,
leading comment lines dropped, cut at 80 characters) and, when that text
repeats in the file, "#n" (its n-th occurrence).  KNOWN lists the blocks
that are known to differ, one a line: "test<TAB>name<TAB>category<TAB>why".

Prints one line per test, the figure "peer: I/N result blocks identical",
the differing blocks not listed in KNOWN (a failure each test they are in)
and the listed ones that no longer differ (to remove from the list), and
ends with "N passed, N failed", one test per suite file: a file passes when
every differing block of it is listed.
"""
import os
import re
import sys


def scan_sql(lines):
    """For each input line, whether psql completes a statement or a
    backslash command on it: a ';' outside quotes, comments, dollar quotes
    and parentheses, or a backslash outside quotes (psql's rules).  None
    for an empty line outside quotes and comments: psql skips it, echo
    included.  The data lines of a COPY ... FROM STDIN, up to "\\.", are
    None too: psql reads them as data and does not echo them."""
    done = []
    copy_data = False
    sq = dq = False
    esc = False         # inside E'...'
    dollar = None       # the tag of the dollar quote we are in
    comment = 0         # depth of /* */
    paren = 0
    for line in lines:
        if copy_data:
            done.append(None)
            copy_data = line != '\\.'
            continue
        if line == '' and not (sq or dq or dollar is not None or comment):
            done.append(None)
            continue
        i, n, complete = 0, len(line), False
        while i < n:
            c = line[i]
            if comment:
                if line.startswith('*/', i):
                    comment -= 1
                    i += 2
                    continue
                if line.startswith('/*', i):
                    comment += 1
                    i += 2
                    continue
            elif sq:
                if esc and c == '\\':
                    i += 2
                    continue
                if c == "'":
                    sq = False
            elif dq:
                if c == '"':
                    dq = False
            elif dollar is not None:
                if line.startswith(dollar, i):
                    i += len(dollar)
                    dollar = None
                    continue
            elif line.startswith('--', i):
                break
            elif line.startswith('/*', i):
                comment = 1
                i += 2
                continue
            elif c == "'":
                sq = True
                esc = i > 0 and line[i - 1] in 'eE' and \
                    (i == 1 or not (line[i - 2].isalnum() or line[i - 2] == '_'))
            elif c == '"':
                dq = True
            elif c == '$' and (i == 0 or not (line[i - 1].isalnum() or line[i - 1] == '_')):
                m = re.match(r'\$([A-Za-z_][A-Za-z0-9_]*)?\$', line[i:])
                if m:
                    dollar = m.group(0)
                    i += len(dollar)
                    continue
            elif c == '(':
                paren += 1
            elif c == ')':
                paren = max(0, paren - 1)
            elif c == ';' and paren == 0:
                complete = True
            elif c == '\\':
                complete = True
                paren = 0
                break
            i += 1
        done.append(complete)
        copy_data = complete and re.search(r'\bFROM\s+STDIN\b', line, re.I) is not None
    return done


def align(sql, done, out):
    """Split OUT (an .out file's lines) into the echo of SQL's lines and the
    output after each completing line.  Returns {sql line index: [lines]} or
    None when the file cannot be read that way (a crash, a cut file)."""
    keep = [j for j in range(len(sql)) if done[j] is not None]
    s = [sql[j].rstrip() for j in keep]
    done = [done[j] for j in keep]
    S, O = len(s), len(out)
    o = [x.rstrip() for x in out]
    # ok[j][2i + m]: out[i:] can follow, before sql line j, with m = 1 when
    # output may come here (the line before completed a statement)
    # (one bytearray a line: index 2 * i + m)
    ok = [bytearray(2 * (O + 1)) for _ in range(S + 1)]
    ok[S][2 * O] = ok[S][2 * O + 1] = 1
    for i in range(O - 1, -1, -1):
        ok[S][2 * i + 1] = ok[S][2 * i + 3]
    for j in range(S - 1, -1, -1):
        row, nxt, sj, dj = ok[j], ok[j + 1], s[j], 1 if done[j] else 0
        for i in range(O - 1, -1, -1):
            echo = 1 if o[i] == sj and nxt[2 * i + 2 + dj] else 0
            row[2 * i] = echo
            row[2 * i + 1] = echo or row[2 * i + 3]
    if not ok[0][0]:
        return None
    blocks = {}
    i, j, m, cur = 0, 0, 0, None
    while i < O or j < S:
        if j < S and i < O and o[i] == s[j] and ok[j + 1][2 * i + 2 + (1 if done[j] else 0)]:
            cur = keep[j] if done[j] else None
            m = 1 if done[j] else 0
            if cur is not None:
                blocks[cur] = []
            i += 1
            j += 1
        else:
            blocks[cur].append(o[i])
            i += 1
    return blocks


def names(test, sql, done):
    """The name of the block after each completing line (see above)."""
    result, seen, start = {}, {}, 0
    for j, d in enumerate(done):
        if not d:
            continue
        text = [x.strip() for x in sql[start:j + 1]]
        while text and (not text[0] or text[0].startswith('--')):
            text.pop(0)
        key = re.sub(r'\s+', ' ', ' '.join(text))[:80]
        seen[key] = seen.get(key, 0) + 1
        result[j] = key + ('' if seen[key] == 1 else ' #%d' % seen[key])
        start = j + 1
    return result


def same(a, b):
    """Equal lines, ignoring white space (pg_regress's diff -w)."""
    strip = lambda ls: [re.sub(r'\s+', '', x) for x in ls]
    return strip(a) == strip(b)


def main():
    sqldir, expdir, resdir, known_file = sys.argv[1:5]
    tests = sys.argv[5:]
    known = {}
    if os.path.exists(known_file):
        for line in open(known_file, encoding='utf-8'):
            if line.startswith('#') or not line.strip():
                continue
            f = line.rstrip('\n').split('\t')
            known[(f[0], f[1])] = f[2] if len(f) > 2 else '?'
    total = identical = 0
    passed = failed = 0
    new, stale = [], []
    for t in tests:
        sql = open(os.path.join(sqldir, t + '.sql'), encoding='utf-8').read().split('\n')
        if sql and sql[-1] == '':
            sql.pop()
        done = scan_sql(sql)
        nm = names(t, sql, done)
        read = lambda d: open(os.path.join(d, t + '.out'), encoding='utf-8',
                              errors='replace').read().split('\n')[:-1]
        exp = align(sql, done, read(expdir))
        if exp is None:
            print('not ok - %s: the expected file does not follow its input' % t)
            failed += 1
            continue
        try:
            res = align(sql, done, read(resdir))
        except OSError:
            res = None
        n = ok = bad = 0
        for j in sorted(exp):
            e = exp[j]
            r = res.get(j, ['<no output>']) if res is not None else ['<no output>']
            if not any(x.strip() for x in e) and not any(x.strip() for x in r):
                continue
            n += 1
            if same(e, r):
                ok += 1
                if (t, nm[j]) in known:
                    stale.append('%s\t%s' % (t, nm[j]))
            elif (t, nm[j]) not in known:
                bad += 1
                new.append('%s\t%s' % (t, nm[j]))
        total += n
        identical += ok
        print('%s - %s: %d/%d blocks identical, %d differ (%d not listed)%s' % (
            'not ok' if bad else 'ok', t, ok, n, n - ok, bad,
            '' if res is not None else ', its output does not follow its input'))
        if bad:
            failed += 1
        else:
            passed += 1
    print('peer: %d/%d result blocks identical (%.0f%%)' % (
        identical, total, 100.0 * identical / total if total else 0))
    for x in new:
        print('differs, not listed: %s' % x)
    for x in stale:
        print('listed, now identical (remove it): %s' % x)
    print('%d passed, %d failed' % (passed, failed))


if __name__ == '__main__':
    main()
