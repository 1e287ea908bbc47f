#!/usr/bin/env python3
"""validate.py - checks data/bundled/*.csv without the parley binary.

A stand-in for `parley import` + `parley check` while those are not built,
and a second opinion after: it checks the canonical CSV form (header, quoting,
LF, key order), types and enums, that every reference resolves (countries from
--countries, default: any code used must be CHN or PRK), and the rules of
`parley check` that apply to this dataset: start <= end, from != to, at least
one source per visit, and that a stated visitor_office is held on the visit
dates per the tenures.  Prints the findings and counts; exit 1 on any error.

    python3 tools/bundled/validate.py [--dir data/bundled] [--countries FILE]
"""

import argparse
import csv
import io
import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import build  # noqa: E402  (same folder: CONCEPTS, csv_field, date helpers)

LEVELS = {"paramount_leader", "head_of_state", "head_of_government", "deputy", "other_senior",
          "ministerial", "vice_ministerial", "at_least_ministerial", "unknown"}
ENUMS = {
    ("visit", "type"): {"state", "official", "unofficial", "working", "transit", "multilateral",
                        "private", "unknown"},
    ("visit", "status"): {"confirmed", "reported", "candidate", "rejected"},
    ("visit", "confidence"): {"high", "medium", "low"},
    ("tenure", "confidence"): {"high", "medium", "low"},
    ("visit_person", "role"): {"companion", "host"},
    ("activity", "kind"): {"talks", "banquet", "performance", "site_visit", "agreement",
                           "ceremony", "meeting", "other"},
    ("person_alias", "kind"): {"romanisation", "native", "other"},
}
LEVEL_COLS = {("office", "rank"), ("visit", "level"), ("coverage", "min_level")}
DATE_COLS = {"start_date", "end_date", "birth_date", "death_date", "published", "accessed",
             "date"}
REFS = {("person", "country"): "country", ("person_alias", "person"): "person",
        ("office", "country"): "country", ("tenure", "person"): "person",
        ("tenure", "office"): "office", ("tenure_source", "tenure"): "tenure",
        ("tenure_source", "source"): "source", ("visit", "visitor"): "person",
        ("visit", "visitor_office"): "office", ("visit", "from_country"): "country",
        ("visit", "to_country"): "country", ("visit_person", "visit"): "visit",
        ("visit_person", "person"): "person", ("activity", "visit"): "visit",
        ("place", "visit"): "visit", ("place", "country"): "country",
        ("visit_source", "visit"): "visit", ("visit_source", "source"): "source",
        ("coverage", "from_country"): "country", ("coverage", "to_country"): "country",
        ("coverage", "person"): "person"}
REQUIRED = {("person", "name"), ("person_alias", "kind"), ("office", "country"),
            ("office", "name"), ("office", "rank"), ("tenure", "person"), ("tenure", "office"),
            ("tenure", "start_date"), ("visit", "level"), ("visit", "from_country"),
            ("visit", "to_country"), ("visit", "start_date"), ("visit", "type"),
            ("visit", "status"), ("visit_person", "name"), ("activity", "kind"),
            ("activity", "description"), ("place", "name"), ("coverage", "description"),
            ("coverage", "min_level"), ("coverage", "start_date")}
DATE_RE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default=build.DEFAULT_OUT)
    ap.add_argument("--countries", help="a country.csv whose codes are allowed")
    args = ap.parse_args(argv)
    errors, warnings = [], []
    data = {}
    for name, (cols, keys) in build.CONCEPTS.items():
        path = os.path.join(args.dir, name + ".csv")
        raw = open(path, "rb").read()
        text = raw.decode("utf-8")          # raises on invalid UTF-8
        if "\r" in text.replace('"\r', "").replace('\r"', ""):
            errors.append("%s: CR outside quoted fields" % name)
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        header = text.split("\n", 1)[0]
        if header != ",".join(cols):
            errors.append("%s: header %r" % (name, header))
        # canonical form: re-serialising gives the same bytes
        again = ",".join(cols) + "\n" + "".join(
            ",".join(build.csv_field(r[c]) for c in cols) + "\n" for r in rows)
        if again != text:
            errors.append("%s: not in canonical CSV form" % name)
        ks = [tuple(int(r[c]) if t is int else r[c].encode() for c, t in keys) for r in rows]
        if ks != sorted(ks) or len(set(ks)) != len(ks):
            errors.append("%s: rows not sorted by key or duplicate keys" % name)
        for i, r in enumerate(rows, 2):
            for c in cols:
                v = r[c]
                where = "%s.csv:%d %s" % (name, i, c)
                if (name, c) in REQUIRED and not v:
                    errors.append(where + ": required field empty")
                if v and c in DATE_COLS and not DATE_RE.match(v):
                    errors.append(where + ": bad date %r" % v)
                if v and (name, c) in ENUMS and v not in ENUMS[(name, c)]:
                    errors.append(where + ": %r not allowed" % v)
                if v and (name, c) in LEVEL_COLS and v not in LEVELS:
                    errors.append(where + ": %r is not a level" % v)
        data[name] = rows
    countries = {"CHN", "PRK"}
    if args.countries:
        with open(args.countries, encoding="utf-8-sig", newline="") as f:
            countries = {r["code"] for r in csv.DictReader(f)}
    ids = {"country": countries}
    for name in ("person", "office", "tenure", "source", "visit"):
        ids[name] = {r["id"] for r in data[name]}
    for (name, col), target in REFS.items():
        for i, r in enumerate(data[name], 2):
            if r[col] and r[col] not in ids[target]:
                errors.append("%s.csv:%d %s: unknown %s %r" % (name, i, col, target, r[col]))
    # check rules
    tenures = data["tenure"]
    sourced = {r["visit"] for r in data["visit_source"]}
    # Posts without tenures (build.EXTRA_OFFICES) are stated by the visit's
    # own sources; there is no tenure to check them against.
    extra_offices = {o[0] for o in build.EXTRA_OFFICES}
    for i, o in enumerate(data["office"], 2):
        if not o.get("rank_order", "").isdigit():
            errors.append("office.csv:%d %s: rank_order missing" % (i, o["id"]))
    qualities = {"", "original", "copy", "mirror", "proxy"}
    for i, s in enumerate(data["source"], 2):
        if s.get("quality", "") not in qualities:
            errors.append("source.csv:%d %s: quality %r" % (i, s["id"], s["quality"]))
    for i, v in enumerate(data["visit"], 2):
        if build.date_hi(v["end_date"] or v["start_date"]) > build.DATA_THROUGH:
            errors.append("visit.csv:%d %s: after DATA_THROUGH %s" % (i, v["id"],
                                                                     build.DATA_THROUGH))
    for i, v in enumerate(data["visit"], 2):
        where = "visit.csv:%d %s" % (i, v["id"])
        if v["end_date"] and build.date_lo(v["end_date"]) < build.date_lo(v["start_date"]):
            errors.append(where + ": end before start")
        if v["from_country"] == v["to_country"]:
            errors.append(where + ": from_country = to_country")
        if v["id"] not in sourced:
            errors.append(where + ": no source")
        if v["visitor_office"] and v["visitor_office"] not in extra_offices:
            ok = any(t["person"] == v["visitor"] and t["office"] == v["visitor_office"] and
                     build.surely_within(v["start_date"], v["end_date"], t["start_date"],
                                         t["end_date"]) for t in tenures)
            if not ok:
                errors.append(where + ": visitor does not hold %s on the visit dates"
                              % v["visitor_office"])
        if not v["visitor"] and not v["visitor_label"]:
            errors.append(where + ": neither visitor nor visitor_label")
    for t in tenures:
        if t["end_date"] and build.date_lo(t["end_date"]) < build.date_lo(t["start_date"]):
            errors.append("tenure %s: end before start" % t["id"])
    with_src = {r["tenure"] for r in data["tenure_source"]}
    for t in tenures:
        if t["id"] not in with_src:
            errors.append("tenure %s: no source" % t["id"])
    # likely duplicates: same visitor, overlapping dates (a warning in parley check)
    by_visitor = {}
    for v in data["visit"]:
        if v["visitor"]:
            by_visitor.setdefault(v["visitor"], []).append(v)
    for pid, vs in by_visitor.items():
        vs.sort(key=lambda v: build.date_lo(v["start_date"]))
        for a, b in zip(vs, vs[1:]):
            if build.date_lo(b["start_date"]) <= build.date_hi(a["end_date"] or a["start_date"]):
                warnings.append("possible duplicate: %s and %s" % (a["id"], b["id"]))
    for e in errors:
        print("error: " + e)
    for w in warnings:
        print("warning: " + w)
    for name in build.CONCEPTS:
        print("%-14s %5d" % (name, len(data[name])))
    print("%d errors, %d warnings" % (len(errors), len(warnings)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
