#!/usr/bin/python3
# test/orm_psycopg2.py: an Odoo-style workload through psycopg2, for
# test/t/012_orm_psycopg2.pl.
#
# A model with a required name and 6 optional fields.  create() inserts
# every column, the fields left out as None (psycopg2 writes NULL), as
# Odoo does; write() updates a random set of fields of a few records, with
# random values, None and flipping booleans among them.  psycopg2
# interpolates the values on the client, so the server sees constants,
# NULL, true and false in the text.  The random generator is seeded: the
# run is the same every time.
#
# Prints one JSON object: how many create() calls ran, and for each set of
# written fields (comma-separated, in the order of the SET list) how many
# write() calls ran with it.
#
# Usage: orm_psycopg2.py SOCKET_DIR PORT DBNAME SEED N_CREATE N_WRITE

import json
import random
import sys

import psycopg2

FIELDS = ["email", "phone", "comment", "ref", "active", "is_company"]
BOOLEANS = {"active", "is_company"}


def value(rng, field):
    """A random value for a field: None, a boolean or a string."""
    if rng.random() < 0.3:
        return None
    if field in BOOLEANS:
        return rng.random() < 0.5
    return "%s-%d" % (field, rng.randrange(100000))


def create(cur, rng):
    """Odoo's create(): one INSERT listing every column."""
    vals = {"name": "partner-%d" % rng.randrange(100000)}
    for f in FIELDS:
        vals[f] = value(rng, f) if rng.random() < 0.5 else None
    cols = ["name"] + FIELDS
    cur.execute(
        'INSERT INTO "orm_partner" (%s) VALUES (%s) RETURNING "id"'
        % (", ".join('"%s"' % c for c in cols), ", ".join(["%s"] * len(cols))),
        [vals[c] for c in cols])
    return cur.fetchone()[0]


def write(cur, rng, ids):
    """Odoo's write(): UPDATE of the given fields of some records."""
    fields = [f for f in FIELDS if rng.random() < 0.4] or [rng.choice(FIELDS)]
    targets = tuple(rng.sample(ids, rng.randint(1, min(3, len(ids)))))
    cur.execute(
        'UPDATE "orm_partner" SET %s WHERE id IN %%s'
        % ", ".join('"%s"=%%s' % f for f in fields),
        [value(rng, f) for f in fields] + [targets])
    return ",".join(fields)


def main():
    sockdir, port, dbname, seed, n_create, n_write = sys.argv[1:7]
    rng = random.Random(int(seed))
    conn = psycopg2.connect(host=sockdir, port=int(port), dbname=dbname)
    conn.autocommit = True
    cur = conn.cursor()
    ids = [create(cur, rng) for _ in range(int(n_create))]
    writes = {}
    for _ in range(int(n_write)):
        shape = write(cur, rng, ids)
        writes[shape] = writes.get(shape, 0) + 1
    conn.close()
    print(json.dumps({"insert": len(ids), "updates": writes}, sort_keys=True))


if __name__ == "__main__":
    main()
