#!/usr/bin/env python3
"""test/unit/fp_inventory.py OLD NEW: compare two fp_dump outputs of the
same corpus (test/unit/fp_inventory.sh makes them).

Every text whose fingerprint moved is cut into its statements (at a
semicolon: a code body is cut too, the same way in both), and every statement whose normalized text
changed other than in the numbers of its $n is put under the first change
that explains it, by its first word and what it holds.  A text whose
fingerprint moved while none of its statements changed but in $n numbers
would be a change nobody intended: such texts are listed in full, and so
are the statements that no change explains ("unexplained")."""
import collections
import re
import sys


def read(path):
    rows = []
    for line in open(path, encoding='utf-8', errors='replace'):
        name, std, fp, text = line.rstrip('\n').split(' ', 3)
        rows.append((name, fp, text))
    return rows


def statements(text):
    text = text.replace('\\n', '\n').replace('\\t', '\t')
    out = []
    for part in re.split(r'(?:;|\\\\;)[ \t]*(?:--[^\n]*)?', text):
        lines = [l for l in part.split('\n') if not l.strip().startswith('--')]
        part = '\n'.join(lines).strip()
        if part:
            out.append(part)
    return out


def numbers_blind(s):
    return re.sub(r'\$\d+', '$', re.sub(r'\s+', ' ', s))


RULES = [
    ('savepoint names (SAVEPOINT, RELEASE, ROLLBACK TO)',
     lambda u, s: re.match(r'(SAVEPOINT|RELEASE|ROLLBACK\b.*\bTO)\b', u)),
    ('cursor names (DECLARE, FETCH, MOVE, CLOSE)',
     lambda u, s: re.match(r'(DECLARE|FETCH|MOVE|CLOSE)\b', u)),
    ('prepared statement names (PREPARE, EXECUTE, DEALLOCATE)',
     lambda u, s: re.match(r'(PREPARE|EXECUTE|DEALLOCATE)\b', u)),
    ('SET ... ON/OFF',
     lambda u, s: re.search(r'\bSET\b', u) and re.search(r'\b(ON|OFF)\b', u)),
    ('VALUES rows holding DEFAULT',
     lambda u, s: 'DEFAULT' in u and 'VALUES' in u),
    ('lists of typed constants (::type, CAST, type \'...\')',
     lambda u, s: '::' in s or 'CAST' in u or
     re.search(r'\b[a-z_]+ \$\d+', s, re.I)),
]


def main():
    old, new = read(sys.argv[1]), read(sys.argv[2])
    if [r[0] for r in old] != [r[0] for r in new]:
        sys.exit('the two dumps are not of the same corpus')
    moved = stmts = 0
    counts = collections.Counter()
    examples = collections.defaultdict(list)
    unexplained, numbering_only, split_differs = [], [], []
    for (name, fpo, to), (_, fpn, tn) in zip(old, new):
        if fpo == fpn:
            continue
        moved += 1
        a, b = statements(to), statements(tn)
        if len(a) != len(b):
            split_differs.append(name)
            continue
        changed = [(x, y) for x, y in zip(a, b)
                   if numbers_blind(x) != numbers_blind(y)]
        if not changed:
            numbering_only.append((name, to, tn))
        for x, y in changed:
            stmts += 1
            u = x.upper()
            for label, rule in RULES:
                if rule(u, x):
                    counts[label] += 1
                    if len(examples[label]) < 3:
                        examples[label].append((x, y))
                    break
            else:
                unexplained.append((name, x, y))
    print('%d of %d texts changed their fingerprint; %d statements in them '
          'changed' % (moved, len(old), stmts))
    for label, n in counts.most_common():
        print('%6d  %s' % (n, label))
        for x, y in examples[label]:
            print('          %s\n       -> %s' % (x.replace('\n', ' ')[:110],
                                                y.replace('\n', ' ')[:110]))
    print('%6d  unexplained' % len(unexplained))
    for name, x, y in unexplained:
        print('    %s\n          %s\n       -> %s' % (name, x.replace('\n', ' ')[:200],
                                                   y.replace('\n', ' ')[:200]))
    print('%6d  texts whose fingerprint moved with only $n numbers changed'
          % len(numbering_only))
    for name, x, y in numbering_only:
        print('    %s\n          %s\n       -> %s' % (name, x[:200], y[:200]))
    if split_differs:
        print('%6d  texts cut into a different number of statements: %s'
              % (len(split_differs), ' '.join(split_differs[:10])))


if __name__ == '__main__':
    main()
