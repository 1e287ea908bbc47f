#!/usr/bin/env python3
"""bench/teams/writers.py - the bench's editors, and the lost-update check.

  writers.py write BASE USERS VISITS SECONDS OUT.json
      One thread per user in USERS (lines "name password"): log in (POST
      /login), read the CSRF token (GET /api/v1/session), then for SECONDS
      save edits continuously: GET /api/v1/visits/ID for its ETag, then
      PATCH it with If-Match, X-CSRF-Token and a note unique to this write
      ("bench <run> <user> #<n>", the run being OUT's base name).  Visits are drawn at random from VISITS (fewer
      visits than writers, so editors collide and some saves get 412, as
      two editors would).  Writes every answer's status and each 2xx
      write's note to OUT.json.
  writers.py verify DB OUT.json
      Reads the audit log of the store (read-only) and checks that every
      2xx write is in it exactly once, that no entry is there without its
      2xx, and that each visit's committed writes form one chain (each
      entry's "before" note is the previous entry's "after" note: nobody
      overwrote a change they had not seen), and that each visit holds the
      last note of its chain.  Prints the counts; exit 1 on any lost update.
  writers.py fresh BASE FRESH URLS
      No stale answer: GETs every path in URLS (one a line) from the server
      at BASE (its answer cache warm from the run) and from the server at
      FRESH (the same store, PARLEY_NO_RESPONSE_CACHE=1: every answer read
      from the store now) and compares status, body and ETag.  Prints the
      counts; exit 1 when any differs.
"""
import http.client
import json
import os
import random
import sqlite3
import sys
import threading
import time
import urllib.parse


login_lock = threading.Lock()


def tag_of(out_file):
    """The run's name (OUT.json's base name): in every note and reason, so runs on one
    store are told apart."""
    return os.path.splitext(os.path.basename(out_file))[0]


def writer(base, name, password, visits, seconds, out, start, tag):
    host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
    c = http.client.HTTPConnection(host, port, timeout=30)

    def req(method, path, body=None, headers=None):
        nonlocal c
        for attempt in range(2):
            try:
                c.request(method, path, body=body, headers=headers or {})
                r = c.getresponse()
                h = {}
                for k, v in r.getheaders():  # the first of each: the session's Set-Cookie
                    h.setdefault(k.lower(), v)
                return r.status, h, r.read()
            except (http.client.HTTPException, OSError):
                c.close()
                c = http.client.HTTPConnection(host, port, timeout=30)
                if attempt or method != "GET":  # a PATCH may have committed: never resend
                    raise
    form = urllib.parse.urlencode({"user": name, "password": password})
    with login_lock:  # one at a time, before the clock starts: a login is ~70 ms of Argon2id
        st, h, _ = req("POST", "/login", form, {"Content-Type": "application/x-www-form-urlencoded"})
        cookie = h.get("set-cookie", "").split(";")[0]
        st, _, b = req("GET", "/api/v1/session", headers={"Cookie": cookie})
        csrf = json.loads(b)["csrf_token"]
    start.wait()  # every writer logged in: the clock starts
    until = time.time() + seconds
    rnd = random.Random(name)
    n = 0
    while time.time() < until:
        vid = rnd.choice(visits)
        st, h, _ = req("GET", "/api/v1/visits/" + vid)
        etag = h.get("etag")
        n += 1
        note = "bench %s %s #%d" % (tag, name, n)
        body = json.dumps({"note": note, "reason": "bench: " + note})
        t0 = time.time()
        st, h, _ = req("PATCH", "/api/v1/visits/" + vid, body,
                       {"Cookie": cookie, "X-CSRF-Token": csrf, "If-Match": etag,
                        "Content-Type": "application/json"})
        out.append({"user": name, "visit": vid, "note": note, "status": st,
                    "ms": round((time.time() - t0) * 1000, 2)})


def cmd_write(base, users_file, visits_file, seconds, out_file):
    users = [l.split() for l in open(users_file) if l.strip()]
    visits = [l.strip() for l in open(visits_file) if l.strip()]
    outs = [[] for _ in users]
    start = threading.Barrier(len(users) + 1)
    ts = [threading.Thread(target=writer, args=(base, u, p, visits, float(seconds), outs[i], start,
                                                 tag_of(out_file)))
          for i, (u, p) in enumerate(users)]
    for t in ts:
        t.start()
    start.wait()
    print("ready", flush=True)  # the bench starts its readers' clock on this line
    for t in ts:
        t.join()
    rows = [r for o in outs for r in o]
    json.dump(rows, open(out_file, "w"))
    ok = sum(1 for r in rows if 200 <= r["status"] < 300)
    print("writes: %d sent, %d committed (2xx), %d refused as stale (412), %d other" % (
        len(rows), ok, sum(1 for r in rows if r["status"] == 412),
        sum(1 for r in rows if not 200 <= r["status"] < 300 and r["status"] != 412)))


def cmd_verify(db, out_file):
    rows = json.load(open(out_file))
    committed = {r["note"]: r for r in rows if 200 <= r["status"] < 300}
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    entries = con.execute("SELECT seq, entity_key, before, after FROM audit WHERE entity = 'visit'"
                          " AND action = 'update' AND substr(reason, 1, ?) = ? ORDER BY seq",
                          (len("bench: bench %s " % tag_of(out_file)),
                           "bench: bench %s " % tag_of(out_file))).fetchall()
    found, problems, chains = {}, [], {}
    for seq, key, before, after in entries:
        b, a = json.loads(before or "{}"), json.loads(after or "{}")
        note = a.get("note")
        found[note] = found.get(note, 0) + 1
        prev = chains.get(key)
        if prev is not None and b.get("note") != prev:
            problems.append("#%d on %s was made over %r, not the previous commit %r" % (
                seq, key, b.get("note"), prev))
        chains[key] = note
    missing = [n for n in committed if found.get(n, 0) != 1]
    extra = [n for n in found if n not in committed]
    for key, last in chains.items():
        (now,) = con.execute("SELECT note FROM visit WHERE id = ?", (key,)).fetchone()
        if now != last:
            problems.append("%s holds %r, its last commit was %r" % (key, now, last))
    print("verify: %d committed writes, %d in the audit log, %d missing, %d unexplained, "
          "%d chain breaks" % (len(committed), len(entries), len(missing), len(extra), len(problems)))
    for p in (missing[:5] + extra[:5] + problems[:5]):
        print("  ", p)
    return 1 if missing or extra or problems else 0


def cmd_fresh(base, fresh, urls_file):
    paths = [l.strip() for l in open(urls_file) if l.strip()]

    def conn(b):
        u = urllib.parse.urlsplit(b)
        return http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    a, f = conn(base), conn(fresh)
    stale = []
    for p in paths:
        got = []
        for c in (a, f):
            c.request("GET", p)
            r = c.getresponse()
            got.append((r.status, r.read(), r.getheader("ETag")))
        if got[0] != got[1]:
            stale.append(p)
    print("fresh: %d answers compared with an uncached server, %d differ" % (len(paths), len(stale)))
    for p in stale[:5]:
        print("   stale:", p)
    return 1 if stale else 0


if __name__ == "__main__":
    if len(sys.argv) == 7 and sys.argv[1] == "write":
        cmd_write(*sys.argv[2:])
    elif len(sys.argv) == 5 and sys.argv[1] == "fresh":
        sys.exit(cmd_fresh(*sys.argv[2:]))
    elif len(sys.argv) == 4 and sys.argv[1] == "verify":
        sys.exit(cmd_verify(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(__doc__)
