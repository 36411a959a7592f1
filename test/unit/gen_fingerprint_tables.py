#!/usr/bin/env python3
#
# gen_fingerprint_tables.py
#	  Generate, or check, the lookup tables of src/fingerprint.c that are
#	  derived from its word lists: the quoted-keyword filter
#	  (pss_qkw_filter, from pss_special_keywords) and the perfect hash of
#	  the word classes (pss_word_keys, pss_word_slot_class, pss_word_index,
#	  from pss_word_classes).
#
# Usage:
#	gen_fingerprint_tables.py [--check] [path/to/fingerprint.c]
#
# With --check, rebuilds the tables with the multipliers the file uses and
# exits 1 if any table differs from the file's, or if pss_operand_keywords
# is not sorted (run it after changing a word list: the unit tests check
# the behaviour, this checks the data).
# Without it, searches multipliers (deterministically) and prints the
# tables to paste into the file.
#
# The keys must match the C code: see pss_name_tail, PSS_QKW_FILTER_SLOT,
# PSS_WORD_SLOT and pss_word_class in fingerprint.c.
#
# test/unit/gen_fingerprint_tables.py
#

import random
import re
import sys

M64 = (1 << 64) - 1
FILTER_BITS = 11
WORD_BITS = 7

# Names the filter should turn down at once: the bench's ORM statements.
COMMON_NAMES = (
    ["id", "name", "email", "active", "res_partner", "res_company",
     "company_id", "pgbench_accounts", "aid", "bid", "filler"] +
    ["res_partner_%s_%d" % (c, r)
     for c in ("id", "name", "email", "active") for r in range(5)] +
    ["pgbench_accounts_%s" % c for c in ("aid", "bid", "filler")])


def chunk(b):
    """The chunk of up to eight bytes: byte i in bits 8i to 8i + 7."""
    v = 0
    for i, c in enumerate(b):
        v |= c << (8 * i)
    return v


def name_tail(name):
    """pss_name_tail of a quoted name without quotes."""
    b = name.encode()
    off = len(b) & ~7
    return chunk(b[off:]) ^ off


def filter_slot(tail, mul):
    return ((tail * mul) & M64) >> (64 - FILTER_BITS)


def word_key(word):
    """The key of a class word, as pss_word_class computes it."""
    b = word.encode()
    if len(b) < 8:
        return chunk(b)
    return chunk(b[:8]) ^ (len(b) << 56)


def word_slot(key, mul):
    return ((key * mul) & M64) >> (64 - WORD_BITS)


def operand_keywords_sorted(src):
    """pss_is_operand_keyword stops at the first keyword past the word."""
    m = re.search(r'pss_operand_keywords\[\] = \{(.*?)\};', src, re.S)
    kws = re.findall(r'"([a-z_]+)"', m.group(1))
    return kws == sorted(kws)


def parse(src):
    m = re.search(r'pss_special_keywords\[\]\[18\] = \{(.*?)\};', src, re.S)
    keywords = re.findall(r'"([a-z_]+)"', m.group(1))
    m = re.search(r'pss_word_classes\[\] = \{(.*?)\n\};', src, re.S)
    words = re.findall(r'\{"([a-z]+)", (WC_[A-Z]+)\}', m.group(1))
    return keywords, words


def filter_table(keywords, mul):
    table = [0] * (1 << FILTER_BITS)
    for k in keywords:
        table[filter_slot(name_tail(k), mul)] = 1
    return table


def word_tables(words, mul):
    slots = [word_slot(word_key(w), mul) for w, _ in words]
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


def search(keywords, words):
    rng = random.Random(13)
    best = None
    for _ in range(40000):
        mul = rng.getrandbits(64) | 1
        table = filter_table(keywords, mul)
        miss = sum(table[filter_slot(name_tail(n), mul)] for n in COMMON_NAMES)
        score = (miss, -sum(table))
        if best is None or score < best[0]:
            best = (score, mul)
    fmul = best[1]
    while True:
        wmul = rng.getrandbits(64) | 1
        if word_tables(words, wmul) is not None:
            return fmul, wmul


def c_tables(keywords, words, fmul, wmul):
    out = []
    out.append("#define PSS_QKW_FILTER_MUL\tUINT64_C(0x%016x)" % fmul)
    table = filter_table(keywords, fmul)
    out.append("static const uint8_t pss_qkw_filter[1 << 11] = {")
    rows = [",".join(str(v) for v in table[i:i + 32])
            for i in range(0, len(table), 32)]
    out.append(",\n".join("\t" + r for r in rows))
    out.append("};")
    keys, cls, idx = word_tables(words, wmul)
    out.append("#define PSS_WORD_MUL\t\tUINT64_C(0x%016x)" % wmul)
    out.append("static const uint64_t pss_word_keys[1 << PSS_WORD_SLOT_BITS] = {")
    rows = [", ".join("UINT64_C(0x%016x)" % v for v in keys[i:i + 3])
            for i in range(0, len(keys), 3)]
    out.append(",\n".join("\t" + r for r in rows))
    out.append("};")
    out.append("static const uint8_t pss_word_slot_class[1 << PSS_WORD_SLOT_BITS] = {")
    rows = [", ".join(cls[i:i + 6]) for i in range(0, len(cls), 6)]
    out.append(",\n".join("\t" + r for r in rows))
    out.append("};")
    out.append("static const uint8_t pss_word_index[1 << PSS_WORD_SLOT_BITS] = {")
    rows = [", ".join(str(v) for v in idx[i:i + 16])
            for i in range(0, len(idx), 16)]
    out.append(",\n".join("\t" + r for r in rows))
    out.append("};")
    return out


def table_body(src, name):
    m = re.search(re.escape(name) + r'\[[^]]*\] = \{\n(.*?)\n\};', src, re.S)
    return re.sub(r'\s+', '', m.group(1))


def check(src, keywords, words):
    fmul = int(re.search(r'#define PSS_QKW_FILTER_MUL\tUINT64_C\((0x[0-9a-f]+)\)',
                         src).group(1), 16)
    wmul = int(re.search(r'#define PSS_WORD_MUL\t\tUINT64_C\((0x[0-9a-f]+)\)',
                         src).group(1), 16)
    if word_tables(words, wmul) is None:
        print("PSS_WORD_MUL gives two class words one slot")
        return False
    want = "\n".join(c_tables(keywords, words, fmul, wmul))
    ok = True
    for name in ("pss_qkw_filter", "pss_word_keys", "pss_word_slot_class",
                 "pss_word_index"):
        if table_body(src, name) != table_body(want, name):
            print("%s does not match its word list" % name)
            ok = False
    return ok


def main(argv):
    do_check = "--check" in argv
    paths = [a for a in argv[1:] if a != "--check"]
    path = paths[0] if paths else "../../src/fingerprint.c"
    src = open(path).read()
    keywords, words = parse(src)
    if any(len(w) > 11 for w, _ in words):
        print("a class word has more than 11 letters (see pss_word_class_long)")
        return 1
    if do_check:
        if not operand_keywords_sorted(src):
            print("pss_operand_keywords is not sorted")
            return 1
        if not check(src, keywords, words):
            return 1
        print("tables match: %d special keywords, %d class words"
              % (len(keywords), len(words)))
        return 0
    fmul, wmul = search(keywords, words)
    print("\n".join(c_tables(keywords, words, fmul, wmul)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
