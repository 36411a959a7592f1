#!/usr/bin/python3
"""test/check_versions.py [TOP]: the release's version said the same way
everywhere, and META.json complete for PGXN.  No server, no network.

The extension's version is default_version in pg_slow_statements.control
(X.Y); the release's is X.Y.0 (PGXN wants semantic versions).  Checks:
  - CHANGELOG.md's first "## " heading names X.Y (or X.Y.0);
  - debian/changelog's first entry is X.Y.0-N;
  - META.json has every field the PGXN Meta Spec 1.0.0 requires, with the
    right types, its version and pg_slow_statements' provides version are
    X.Y.0, pg_slow_statements_compat's is its control file's, each
    provides' file exists and is a base install script of that version
    or an older one (a version may install as a base plus upgrades);
  - META.json's prereqs ask for PostgreSQL 15 or later.
Prints "ok"/"not ok" per check and ends with "N passed, N failed"; exits 1
on any failure.
"""
import json
import os
import re
import sys

top = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..")
results = []

SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)"
                    r"(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$")
LICENSES = {"agpl_3", "apache_1_1", "apache_2_0", "artistic_1",
            "artistic_2", "bsd", "freebsd", "gfdl_1_2", "gfdl_1_3",
            "gpl_1", "gpl_2", "gpl_3", "lgpl_2_1", "lgpl_3_0", "mit",
            "mozilla_1_0", "mozilla_1_1", "openssl", "perl_5", "postgresql",
            "qpl_1_0", "ssleay", "sun", "zlib", "open_source",
            "restricted", "unrestricted", "unknown"}


def check(name, ok, detail=""):
    """Record one check and say it."""
    results.append(bool(ok))
    if ok:
        print("ok - " + name)
    else:
        print("not ok - " + name + (": " + detail if detail else ""))


def read(path):
    """A file of the tree, or None when it is missing."""
    try:
        with open(os.path.join(top, path), encoding="utf-8") as f:
            return f.read()
    except OSError:
        return None


def default_version(control):
    """default_version of an extension's control file, or None."""
    text = read(control) or ""
    m = re.search(r"^\s*default_version\s*=\s*'([^']*)'", text, re.M)
    return m.group(1) if m else None


def release_of(version):
    """X.Y -> X.Y.0; a version with three parts is kept as it is."""
    if version is None:
        return None
    return version + ".0" if re.fullmatch(r"\d+\.\d+", version) else version


ext = default_version("pg_slow_statements.control")
compat = default_version("pg_slow_statements_compat.control")
check("pg_slow_statements.control has a default_version X.Y",
      ext is not None and re.fullmatch(r"\d+\.\d+", ext), repr(ext))
release = release_of(ext)

# CHANGELOG.md: the first "## " heading is the version being released
changelog = read("CHANGELOG.md") or ""
m = re.search(r"^## +v?([0-9][0-9.]*)", changelog, re.M)
got = m.group(1) if m else None
check("CHANGELOG.md's latest entry is %s" % ext,
      got is not None and release_of(got) == release, repr(got))

# debian/changelog: "source (X.Y.Z-N) distribution; urgency=..."
dch = read("debian/changelog") or ""
m = re.match(r"^(\S+) \(([^)]+)\) \S+; urgency=\S+", dch)
got = m.group(2) if m else None
upstream = re.sub(r"-[^-]*$", "", got) if got else None
check("debian/changelog's latest entry is %s-N" % release,
      upstream == release and got != upstream, repr(got))

# META.json: the PGXN Meta Spec 1.0.0's required fields and their types
text = read("META.json")
meta = None
try:
    meta = json.loads(text) if text is not None else None
except ValueError as e:
    check("META.json is JSON", False, str(e))
check("META.json exists and is a JSON object", isinstance(meta, dict))
meta = meta if isinstance(meta, dict) else {}

name = meta.get("name")
check("META.json: name pg_slow_statements", name == "pg_slow_statements",
      repr(name))
for field in ("abstract",):
    check("META.json: %s is a non-empty string" % field,
          isinstance(meta.get(field), str) and meta[field].strip())
maint = meta.get("maintainer")
check("META.json: maintainer is a string or a list of strings",
      (isinstance(maint, str) and maint.strip()) or
      (isinstance(maint, list) and maint and
       all(isinstance(x, str) and x.strip() for x in maint)), repr(maint))
lic = meta.get("license")
check("META.json: license is postgresql",
      lic == "postgresql" or (isinstance(lic, list) and "postgresql" in lic),
      repr(lic))
check("META.json: every license named is one the spec knows",
      (isinstance(lic, str) and lic in LICENSES) or
      (isinstance(lic, list) and lic and all(x in LICENSES for x in lic)) or
      isinstance(lic, dict), repr(lic))
spec = meta.get("meta-spec")
check("META.json: meta-spec version 1.0.0",
      isinstance(spec, dict) and spec.get("version") == "1.0.0", repr(spec))
version = meta.get("version")
check("META.json: version is a semantic version",
      isinstance(version, str) and SEMVER.match(version), repr(version))
check("META.json: version %s (control file's %s)" % (release, ext),
      version == release, repr(version))

provides = meta.get("provides")
check("META.json: provides is a non-empty object",
      isinstance(provides, dict) and provides)
provides = provides if isinstance(provides, dict) else {}
for extname, want, script in (
        ("pg_slow_statements", ext, "sql/pg_slow_statements--%s.sql"),
        ("pg_slow_statements_compat", compat,
         "sql/pg_slow_statements_compat--%s.sql")):
    p = provides.get(extname)
    check("META.json: provides %s" % extname, isinstance(p, dict))
    p = p if isinstance(p, dict) else {}
    check("META.json: provides %s version %s" % (extname, release_of(want)),
          p.get("version") == release_of(want) and
          SEMVER.match(p.get("version") or ""), repr(p.get("version")))
    # the base install script: the version's own, or, when that version
    # installs as an older base plus upgrades (as contrib does), that base
    f = p.get("file")
    base = re.match(re.escape(script).replace("%s", r"([0-9.]+)") + "$",
                    f or "")
    check("META.json: provides %s file %s exists" % (extname, f),
          base is not None and os.path.isfile(os.path.join(top, f)) and
          tuple(map(int, base.group(1).split("."))) <=
          tuple(map(int, want.split("."))),
          "expected %s or an older base script" % (script % want))
extra = set(provides) - {"pg_slow_statements", "pg_slow_statements_compat"}
check("META.json: provides nothing else", not extra, repr(sorted(extra)))

pg = (((meta.get("prereqs") or {}).get("runtime") or {})
      .get("requires") or {}).get("PostgreSQL")
check("META.json: runtime requires PostgreSQL 15.0.0 or later",
      isinstance(pg, str) and re.fullmatch(r"(>= *)?15\.0\.0", pg),
      repr(pg))

p = sum(results)
f = len(results) - p
print("%d passed, %d failed" % (p, f))
sys.exit(1 if f else 0)
