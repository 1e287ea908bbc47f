#!/usr/bin/env python3
"""gen.py - synthetic stores for scale tests, shaped like the real data.

  tools/synth/gen.py --visits N [--countries 50] [--seed 1] [--status confirmed]
                     [--top-share 0.10] [--out FILE.ndjson]

Writes one NDJSON import file (parley's canonical NDJSON: one
{"concept": ..., columns...} object a line) holding:
- offices for each of the first --countries countries of data/world (CHN and USA
  first, so CHN-USA is the largest pair; PRK is left out, so the bundled
  China-DPRK pair is never touched), with consecutive tenures of synthetic
  people from 1946 to today, so every visitor is in office on the visit date
  and eras have leader pairs;
- N visits over the C*(C-1)/2 country pairs, skewed like real travel data: a
  pair's share follows a power law whose exponent is chosen so that the largest
  pair holds --top-share of all visits (about a tenth); levels from paramount
  leader down to ministerial; 10% of dates known to the month, 3% to the year;
  hosts, some companions and places; a shared source per pair and year.
Every record is marked synthetic: ids start with 'syn-', visits and people say
so in their note, sources in their citation.  Never mix these into the bundled
data.  The same arguments always give the same bytes.
"""
import argparse
import csv
import json
import os
import random
import sys
from datetime import date, timedelta

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NOTE = "synthetic record for scale tests (tools/synth/gen.py)"
LEVELS = [  # (office suffix, office name, rank, share of visits)
    ("leader", "Paramount leader", "paramount_leader", 0.05),
    ("hos", "Head of state", "head_of_state", 0.05),
    ("hog", "Head of government", "head_of_government", 0.10),
    ("senior", "Senior official", "other_senior", 0.30),
    ("fm", "Foreign minister", "ministerial", 0.50),
]
WORDS = ("talks trade security cooperation energy investment culture health climate "
         "infrastructure agriculture education border maritime finance technology "
         "tourism science visit banquet ceremony exchange dialogue").split()
RARE = ["treaty", "summit", "communique", "memorandum"]
TYPES = ["state", "official", "working", "unofficial", "multilateral"]
START, END = date(1950, 1, 1), date(2026, 11, 30)


def countries(n):
    with open(os.path.join(REPO, "data", "world", "country.csv"), newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["cow_code"] and not r["end_date"]]
    codes = [r["code"] for r in rows if r["code"] not in ("CHN", "USA", "PRK")]
    return ["CHN", "USA"] + codes[: n - 2]


def exponent_for(npairs, top_share):
    lo, hi = 0.0, 3.0
    for _ in range(60):
        s = (lo + hi) / 2
        total = sum((r + 1) ** -s for r in range(npairs))
        if 1.0 / total < top_share:
            lo = s
        else:
            hi = s
    return (lo + hi) / 2


def emit(out, concept, **cols):
    obj = {"concept": concept}
    obj.update({k: v for k, v in cols.items() if v is not None})
    out.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))
    out.write("\n")


def build_offices(out, rng, codes):
    """Tenures per office as (start, end, person id), consecutive from 1946."""
    holders = {}
    for c in codes:
        lc = c.lower()
        for suffix, name, rank, _ in LEVELS:
            oid = "syn-%s-%s" % (lc, suffix)
            emit(out, "office", id=oid, country=c, name="%s of %s (synthetic)" % (name, c), rank=rank)
            spans, d, k = [], date(1946, 1, 1), 0
            while d <= END:
                k += 1
                length = rng.randint(2 * 365, 10 * 365) if suffix in ("leader", "hos") else rng.randint(365, 6 * 365)
                e = d + timedelta(days=length)
                pid = "syn-%s-%s-%d" % (lc, suffix, k)
                emit(out, "person", id=pid, name="%s %s %d" % (c, name, k), country=c, note=NOTE)
                tend = e.isoformat() if e <= END else None
                emit(out, "tenure", id="%s/%s" % (oid, pid), person=pid, office=oid,
                     start_date=d.isoformat(), end_date=tend, confidence="high", note=NOTE)
                spans.append((d, e, pid))
                d = e
            holders[(c, suffix)] = (oid, spans)
    return holders


def holder_at(holders, c, suffix, day):
    oid, spans = holders[(c, suffix)]
    lo, hi = 0, len(spans) - 1
    while lo < hi:  # the last tenure starting on or before day
        mid = (lo + hi + 1) // 2
        if spans[mid][0] <= day:
            lo = mid
        else:
            hi = mid - 1
    s, e, pid = spans[lo]
    if day >= e and lo + 1 < len(spans):
        return oid, spans[lo + 1][2]
    return oid, pid


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--visits", type=int, required=True)
    ap.add_argument("--countries", type=int, default=50)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--status", default="confirmed", choices=["confirmed", "reported", "candidate"])
    ap.add_argument("--top-share", type=float, default=0.10)
    ap.add_argument("--out", default="-")
    a = ap.parse_args()
    if a.countries < 3 or a.visits < 1:
        sys.exit("gen.py: need at least 3 countries and 1 visit")
    rng = random.Random(a.seed)
    codes = countries(a.countries)
    pairs = [(x, y) for i, x in enumerate(codes) for y in codes[i + 1:]]
    s = exponent_for(len(pairs), a.top_share)
    weights = [(r + 1) ** -s for r in range(len(pairs))]
    cum, t = [], 0.0
    for w in weights:
        t += w
        cum.append(t)
    out = sys.stdout if a.out == "-" else open(a.out, "w", encoding="utf-8")
    holders = build_offices(out, rng, codes)
    level_cum, t = [], 0.0
    for lv in LEVELS:
        t += lv[3]
        level_cum.append(t)
    span_days = (END - START).days
    sources = set()
    for n in range(1, a.visits + 1):
        pi = min(bisect(cum, rng.random() * cum[-1]), len(pairs) - 1)
        x, y = pairs[pi]
        src, dst = (x, y) if rng.random() < 0.5 else (y, x)
        day = START + timedelta(days=rng.randrange(span_days))
        li = min(bisect(level_cum, rng.random()), len(LEVELS) - 1)
        suffix, _, rank, _ = LEVELS[li]
        oid, visitor = holder_at(holders, src, suffix, day)
        p = rng.random()
        if p < 0.03:
            start, end = "%04d" % day.year, None
        elif p < 0.13:
            start, end = "%04d-%02d" % (day.year, day.month), None
        else:
            start = day.isoformat()
            end = (day + timedelta(days=rng.randint(0, 5))).isoformat()
        words = rng.sample(WORDS, 4)
        if rng.random() < 0.02:
            words.append(rng.choice(RARE))
        vid = "syn-%07d" % n
        emit(out, "visit", id=vid, visitor=visitor, visitor_office=oid, level=rank,
             from_country=src, to_country=dst, start_date=start, end_date=end,
             type=rng.choice(TYPES), summary=" ".join(words), confidence="medium",
             status=a.status, note=NOTE)
        sid = "syn-s-%s-%s-%d" % (min(src, dst).lower(), max(src, dst).lower(), day.year)
        if sid not in sources:
            sources.add(sid)
            emit(out, "source", id=sid, citation="synthetic yearbook %s-%s %d (%s)" % (
                min(src, dst), max(src, dst), day.year, NOTE), title="Synthetic yearbook %d" % day.year,
                publisher="parley synthetic data")
        emit(out, "visit_source", visit=vid, source=sid)
        if rng.random() < 0.8:
            _, host = holder_at(holders, dst, "leader", day)
            emit(out, "visit_person", visit=vid, role="host", seq=1, person=host, name=host)
        if rng.random() < 0.3:
            _, comp = holder_at(holders, src, "fm", day)
            if comp != visitor:
                emit(out, "visit_person", visit=vid, role="companion", seq=1, person=comp, name=comp)
        if rng.random() < 0.5:
            emit(out, "place", visit=vid, seq=1, name="Capital of %s" % dst, country=dst)
    if out is not sys.stdout:
        out.close()


def bisect(cum, v):
    lo, hi = 0, len(cum)
    while lo < hi:
        mid = (lo + hi) // 2
        if cum[mid] < v:
            lo = mid + 1
        else:
            hi = mid
    return lo


if __name__ == "__main__":
    main()
