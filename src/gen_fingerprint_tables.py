#!/usr/bin/env python3
#
# gen_fingerprint_tables.py
#	  Write src/fingerprint_tables.h, the lookup tables of the fingerprint
#	  lexer that are derived from its word lists (src/fingerprint_words.h):
#	  the table of the special keywords (pss_special_slots,
#	  pss_special_keys), the filter that clears quoted names of being one
#	  (pss_qkw_filter), and the perfect hash of the class words
#	  (pss_word_keys, pss_word_slot_class, pss_word_index).
#
# Usage:
#	gen_fingerprint_tables.py            write src/fingerprint_tables.h
#	gen_fingerprint_tables.py --check    exit 1 if the committed header is
#	                                     not what the script writes
#	gen_fingerprint_tables.py --search   pick new multipliers and print them
#
# "make fingerprint-tables" runs the first form, "make -C test/unit" the
# second.  The output depends on the word lists and on the multipliers
# below only, so it is the same on every machine.  The multipliers were
# picked by --search (deterministic): a word list change that makes two
# class words share a slot makes this script fail, and asks for a new
# PSS_WORD_MUL; a new special keyword only fills one more place of the
# filter, so the old multipliers stay good.
#
# The keys must match the C code: see pss_name_tail, PSS_QKW_FILTER_SLOT,
# PSS_SPECIAL_SLOT, PSS_WORD_SLOT, pss_special_lookup and pss_word_class
# in src/.
#
# src/gen_fingerprint_tables.py
#

import os
import random
import re
import sys

M64 = (1 << 64) - 1

# Sizes of the tables, in bits of slot number
SPECIAL_BITS = 9
FILTER_BITS = 11
WORD_BITS = 7

# The multipliers of the three hashes (--search picks new ones)
SPECIAL_MUL = 0xfd3b32dd8712b387
FILTER_MUL = 0x5e5f1a0ff3eb5ef5
WORD_MUL = 0x904c09b28426ae69

# Names the filter should turn down at once: the bench's ORM statements.
COMMON_NAMES = (
    ["id", "name", "email", "active", "res_partner", "res_company",
     "company_id", "pgbench_accounts", "aid", "bid", "filler"] +
    ["res_partner_%s_%d" % (c, r)
     for c in ("id", "name", "email", "active") for r in range(5)] +
    ["pgbench_accounts_%s" % c for c in ("aid", "bid", "filler")])

HERE = os.path.dirname(os.path.abspath(__file__))
WORDS = os.path.join(HERE, "fingerprint_words.h")
TABLES = os.path.join(HERE, "fingerprint_tables.h")


def chunk(b):
    """The chunk of up to eight bytes: byte i in bits 8i to 8i + 7."""
    v = 0
    for i, c in enumerate(b):
        v |= c << (8 * i)
    return v


def slot(key, mul, bits):
    return ((key * mul) & M64) >> (64 - bits)


def special_key(word):
    """The key of a special keyword, as pss_special_lookup computes it."""
    b = word.encode()
    return chunk(b[:8]) ^ len(b)


def name_tail(name):
    """pss_name_tail of a quoted name without quotes."""
    b = name.encode()
    off = len(b) & ~7
    return chunk(b[off:]) ^ off


def word_key(word):
    """The key of a class word, as pss_word_class computes it."""
    b = word.encode()
    if len(b) < 8:
        return chunk(b)
    return chunk(b[:8]) ^ (len(b) << 56)


def parse(text):
    """The three word lists of fingerprint_words.h."""
    special = re.findall(r'^PSS_SPECIAL_KEYWORD\("([a-z_]+)"\)$', text, re.M)
    words = re.findall(r'^PSS_CLASS_WORD\("([a-z]+)", (WC_[A-Z]+)\)$',
                       text, re.M)
    operand = re.findall(r'^PSS_OPERAND_KEYWORD\("([a-z_]+)"\)$', text, re.M)
    return special, words, operand


def problems(special, words, operand):
    """What is wrong with the word lists, as messages."""
    out = []
    for name, lst in (("PSS_SPECIAL_KEYWORD", special),
                      ("PSS_CLASS_WORD", [w for w, _ in words]),
                      ("PSS_OPERAND_KEYWORD", operand)):
        if lst != sorted(lst) or len(set(lst)) != len(lst):
            out.append("the %s list is not sorted, or has a word twice"
                       % name)
    if any(len(w) > 17 for w in special):
        out.append("a special keyword has more than 17 letters")
    if any(len(w) > 11 for w, _ in words):
        out.append("a class word has more than 11 letters "
                   "(see pss_word_class_long)")
    if any(len(w) < 2 or len(w) > 10 for w in operand):
        out.append("an operand keyword has fewer than 2 or more than 10 "
                   "letters (see pss_is_operand_keyword)")
    if len(special) >= 255 or len(words) >= 255:
        out.append("a list has too many words for its uint8_t index")
    return out


def special_table(special, mul):
    """Open addressing, probed linearly, in the order of the list."""
    size = 1 << SPECIAL_BITS
    table = [0] * size
    for i, w in enumerate(special):
        s = slot(special_key(w), mul, SPECIAL_BITS)
        while table[s] != 0:
            s = (s + 1) & (size - 1)
        table[s] = i + 1
    return table


def filter_table(special, mul):
    table = [0] * (1 << FILTER_BITS)
    for k in special:
        table[slot(name_tail(k), mul, FILTER_BITS)] = 1
    return table


def word_tables(words, mul):
    slots = [slot(word_key(w), mul, WORD_BITS) for w, _ in words]
    if len(set(slots)) != len(slots):
        return None
    keys = [0] * (1 << WORD_BITS)
    cls = ["WC_OTHER"] * (1 << WORD_BITS)
    idx = [0] * (1 << WORD_BITS)
    for i, ((w, c), s) in enumerate(zip(words, slots)):
        keys[s] = word_key(w)
        cls[s] = c
        idx[s] = i + 1
    return keys, cls, idx


def probes(special, mul):
    """Slots looked at to find every special keyword: lower is better."""
    table = special_table(special, mul)
    total = 0
    for w in special:
        s = slot(special_key(w), mul, SPECIAL_BITS)
        while True:
            total += 1
            if special[table[s] - 1] == w:
                break
            s = (s + 1) & ((1 << SPECIAL_BITS) - 1)
    return total


def search(special, words):
    """New multipliers: few probes, a filter that turns down the common
    names, distinct slots for the class words."""
    rng = random.Random(13)
    best = None
    for _ in range(2000):
        mul = rng.getrandbits(64) | 1
        score = probes(special, mul)
        if best is None or score < best[0]:
            best = (score, mul)
    smul = best[1]
    best = None
    for _ in range(40000):
        mul = rng.getrandbits(64) | 1
        table = filter_table(special, mul)
        miss = sum(table[slot(name_tail(n), mul, FILTER_BITS)]
                   for n in COMMON_NAMES)
        score = (miss, -sum(table))
        if best is None or score < best[0]:
            best = (score, mul)
    fmul = best[1]
    while True:
        wmul = rng.getrandbits(64) | 1
        if word_tables(words, wmul) is not None:
            return smul, fmul, wmul


def rows(values, per_row, sep):
    """Values as the lines of a C initializer, per_row a line."""
    lines = [sep.join(values[i:i + per_row])
             for i in range(0, len(values), per_row)]
    return ",\n".join("\t" + line for line in lines)


def header(special, words):
    """The text of fingerprint_tables.h."""
    wt = word_tables(words, WORD_MUL)
    if wt is None:
        raise SystemExit("PSS_WORD_MUL gives two class words one slot: "
                         "run gen_fingerprint_tables.py --search and put "
                         "the new multiplier in the script")
    keys, cls, idx = wt
    hexes = ["UINT64_C(0x%016x)" % special_key(w) for w in special]
    return """\
/*-------------------------------------------------------------------------
 *
 * fingerprint_tables.h
 *	  Lookup tables derived from the word lists of fingerprint_words.h.
 *
 * GENERATED by src/gen_fingerprint_tables.py ("make fingerprint-tables"):
 * do not edit; change the word lists or the script and run it again.
 * Included by fingerprint_int.h, after PssWordClass.
 *
 * src/fingerprint_tables.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PSS_FINGERPRINT_TABLES_H
#define PSS_FINGERPRINT_TABLES_H

/* pss_special_keywords: PSS_SPECIAL_SLOT, open addressing */
#define PSS_SPECIAL_SLOT_BITS\t%d
#define PSS_SPECIAL_MUL\t\tUINT64_C(0x%016x)
static const uint8_t pss_special_slots[1 << PSS_SPECIAL_SLOT_BITS] = {
%s
};

/* The key of each of pss_special_keywords, as PSS_SPECIAL_SLOT takes it */
static const uint64_t pss_special_keys[] = {
%s
};

/* pss_qkw_filter: PSS_QKW_FILTER_SLOT of each special keyword's tail */
#define PSS_QKW_FILTER_BITS\t%d
#define PSS_QKW_FILTER_MUL\tUINT64_C(0x%016x)
static const uint8_t pss_qkw_filter[1 << PSS_QKW_FILTER_BITS] = {
%s
};

/* pss_word_classes: PSS_WORD_SLOT, a perfect hash; the key of each slot */
#define PSS_WORD_SLOT_BITS\t%d
#define PSS_WORD_MUL\t\tUINT64_C(0x%016x)
static const uint64_t pss_word_keys[1 << PSS_WORD_SLOT_BITS] = {
%s
};

/* ... the class of the word of each slot (short words need no more) */
static const uint8_t pss_word_slot_class[1 << PSS_WORD_SLOT_BITS] = {
%s
};

/* ... and its index in pss_word_classes plus one (for longer words) */
static const uint8_t pss_word_index[1 << PSS_WORD_SLOT_BITS] = {
%s
};

#endif\t\t\t\t\t\t\t/* PSS_FINGERPRINT_TABLES_H */
""" % (SPECIAL_BITS, SPECIAL_MUL,
       rows([str(v) for v in special_table(special, SPECIAL_MUL)], 16, ", "),
       rows(hexes, 3, ", "),
       FILTER_BITS, FILTER_MUL,
       rows([str(v) for v in filter_table(special, FILTER_MUL)], 32, ","),
       WORD_BITS, WORD_MUL,
       rows(["UINT64_C(0x%016x)" % v for v in keys], 3, ", "),
       rows(cls, 6, ", "),
       rows([str(v) for v in idx], 16, ", "))


def main(argv):
    special, words, operand = parse(open(WORDS).read())
    bad = problems(special, words, operand)
    if bad:
        print("\n".join("fingerprint_words.h: " + b for b in bad))
        return 1
    if "--search" in argv:
        smul, fmul, wmul = search(special, words)
        print("SPECIAL_MUL = 0x%016x\nFILTER_MUL = 0x%016x\n"
              "WORD_MUL = 0x%016x" % (smul, fmul, wmul))
        return 0
    text = header(special, words)
    if "--check" in argv:
        try:
            committed = open(TABLES).read()
        except OSError:
            committed = None
        if committed != text:
            print("src/fingerprint_tables.h is not what "
                  "src/gen_fingerprint_tables.py writes: run "
                  "\"make fingerprint-tables\" and commit it")
            return 1
        print("fingerprint_tables.h matches its word lists: %d special "
              "keywords, %d class words, %d operand keywords"
              % (len(special), len(words), len(operand)))
        return 0
    with open(TABLES, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
