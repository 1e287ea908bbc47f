#!/usr/bin/env python3
"""hostile_store.py DB - gives a store the names an older store can hold.

Writes, straight into the SQLite file (as a store made before imports
rejected such bytes could hold them), one hostile name on the person
kim-jong-un and on the source of the first visit: a quote, a backslash,
</script>, '&', two control characters, U+2028 and a byte that is not
UTF-8.  The store's triggers call parley's own SQL functions, which plain
sqlite3 lacks, so they are dropped for the write and put back as they were.

Every JSON writer must give the name back as the same text with U+FFFD in
place of the bad byte: RAW.decode("utf-8", "replace").
"""
import sqlite3
import sys

RAW = b'Kim "Q" \\ </script>&\x01\x1f \xe2\x80\xa8 bad\xff end'


def main():
    db = sqlite3.connect(sys.argv[1])
    triggers = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for name, _ in triggers:
        db.execute(f'DROP TRIGGER "{name}"')
    db.execute("UPDATE person SET name = CAST(? AS TEXT) WHERE id = 'kim-jong-un'", (RAW,))
    db.execute("UPDATE source SET title = CAST(? AS TEXT) WHERE id = (SELECT source FROM"
               " visit_source WHERE visit = '2018-03-25-prk-chn-kim-jong-un' LIMIT 1)", (RAW,))
    for _, sql in triggers:
        db.execute(sql)
    db.commit()
    n = db.execute("SELECT count(*) FROM person WHERE CAST(name AS BLOB) = ?", (RAW,)).fetchone()[0]
    assert n == 1, "the hostile name was not written"


main()
