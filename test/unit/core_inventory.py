#!/usr/bin/env python3
"""test/unit/core_inventory.py: pair each top-level statement that a
server logged (jsonlog, log_min_duration_statement = 0, compute_query_id =
on) with the core's query id, which is the key of pg_stat_statements, and
with our fingerprint of its text (fp_dump); count the entries of both and
put each id of the core that we split into several entries under the kind
of difference that explains it.

Usage: core_inventory.py LOGDIR FP_DUMP TEXTDIR [LISTING]

Prints the figures and the kinds; writes every split, with the normalized
texts of its entries, to LISTING (default /tmp/pss_core_inventory.txt).
"""
import collections
import glob
import json
import os
import re
import subprocess
import sys

DML = re.compile(r'^\s*(\(|select|insert|update|delete|merge|with|values|table)\b', re.I)


def logged(logdir):
    """(query id, text) of every top-level statement of the simple
    protocol that the server logged with a query id."""
    out = []
    for f in sorted(glob.glob(os.path.join(logdir, '*.json'))):
        for line in open(f, encoding='utf-8', errors='replace'):
            try:
                j = json.loads(line)
            except ValueError:
                continue
            m = re.match(r'duration: [0-9.]+ ms  statement: (.*)\Z',
                         j.get('message', ''), re.S)
            if m and j.get('query_id'):
                out.append((j['query_id'], m.group(1)))
    return out


def fingerprints(texts, fp_dump, textdir):
    """Our fingerprint and normalized text of each text (one file each, as
    fp_dump reads a file not ending in .sql as one text), with
    standard_conforming_strings on, the server's default."""
    os.makedirs(textdir, exist_ok=True)
    names = []
    for i, t in enumerate(texts):
        names.append(os.path.join(textdir, 't%07d' % i))
        with open(names[-1], 'w', encoding='utf-8') as f:
            f.write(t)
    fp = {}
    for k in range(0, len(names), 2000):
        out = subprocess.run([fp_dump] + names[k:k + 2000], capture_output=True,
                             text=True, errors='replace').stdout
        for line in out.split('\n'):
            m = re.match(r'\S*/t(\d+):0 std=1 ([0-9a-f]{16}) (.*)', line)
            if m:
                fp[texts[int(m.group(1))]] = (m.group(2), m.group(3))
    return fp


def kind(norms):
    """Why our normalized texts differ where the core sees one tree."""
    def squeeze(t):
        return re.sub(r'(\\n|\\t|\s)+', '', t.lower()).rstrip(';')

    def no_alias(t):
        return re.sub(r'\s+as\s+("([^"]|"")*"|[a-z_][a-z0-9_$]*)', '', t, flags=re.I)

    def no_parens(t):
        return re.sub(r'\((\$\d+)\)', r'\1', t)
    if any(re.search(r';.*\S', t.rstrip().rstrip(';')) for t in norms):
        return 'a string of several statements'
    if len(set(squeeze(t) for t in norms)) == 1:
        return 'case or white space'
    if len(set(squeeze(no_alias(t)) for t in norms)) == 1:
        return 'AS aliases'
    if len(set(squeeze(no_parens(no_alias(t))) for t in norms)) == 1:
        return 'parentheses around a constant (and aliases)'
    return 'other spellings of one tree (casts, typed constants, keywords, optional words)'


def main():
    logdir, fp_dump, textdir = sys.argv[1:4]
    listing = sys.argv[4] if len(sys.argv) > 4 else '/tmp/pss_core_inventory.txt'
    pairs = logged(logdir)
    texts = sorted(set(t for _, t in pairs))
    fp = fingerprints(texts, fp_dump, textdir)
    core = collections.defaultdict(set)
    ours = collections.defaultdict(set)
    norm = {}
    for q, t in pairs:
        if t in fp:
            f, n = fp[t]
            core[q].add(f)
            ours[f].add(q)
            norm[f] = n

    def isdml(f):
        return bool(DML.match(norm[f]))
    print('core_inventory: %d statements run, %d texts' % (len(pairs), len(texts)))
    print('core_inventory: entries: pg_stat_statements %d, ours %d' % (len(core), len(ours)))
    print('core_inventory: DML entries: pg_stat_statements %d, ours %d' % (
        sum(1 for q in core if any(isdml(f) for f in core[q])),
        sum(1 for f in ours if isdml(f))))
    merged = [qs for qs in ours.values() if len(qs) > 1]
    print('core_inventory: we merge %d groups of its ids (%d entries fewer)' % (
        len(merged), sum(len(qs) - 1 for qs in merged)))
    split = sorted(((q, fs) for q, fs in core.items() if len(fs) > 1),
                   key=lambda x: (-len(x[1]), x[0]))
    print('core_inventory: we split %d of its ids (%d entries more), DML %d:' % (
        len(split), sum(len(fs) - 1 for _, fs in split),
        sum(1 for _, fs in split if any(isdml(f) for f in fs))))
    kinds = collections.defaultdict(list)
    for q, fs in split:
        kinds[kind([norm[f] for f in fs])].append((q, fs))
    for k, g in sorted(kinds.items(), key=lambda x: -len(x[1])):
        print('  %4d ids, %4d entries more: %s' % (len(g), sum(len(fs) - 1 for _, fs in g), k))
    with open(listing, 'w', encoding='utf-8') as o:
        for k, g in sorted(kinds.items(), key=lambda x: -len(x[1])):
            o.write('#### %s\n' % k)
            for q, fs in g:
                o.write('== query id %s: %d entries of ours\n' % (q, len(fs)))
                for f in sorted(fs, key=lambda f: norm[f]):
                    o.write('   %s %s\n' % (f, norm[f]))
    print('core_inventory: every split, by kind: %s' % listing)


if __name__ == '__main__':
    main()
