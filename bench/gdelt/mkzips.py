#!/usr/bin/env python3
"""mkzips.py - the input of bench/gdelt/zips: real GDELT 2.0 rows repacked as
GDELT publishes them, one zip per 15 minutes.

usage: mkzips.py DATA_DIR OUT_DIR COUNT
Each archive holds one member, NAME.export.CSV, whose rows are those of one
of the three real 2.0 export files in DATA_DIR (in turn), rotated to start at
a different line so that no two archives are byte-identical; names run in
15-minute steps from 2019-01-01 00:00.  The same rows go, gzip-compressed, to
OUT_DIR/gz/NAME.export.CSV.gz (for DuckDB).  Both at zlib level 6 (the zip
and gzip tools' default).  Archives already present are kept."""
import datetime, gzip, os, sys, zipfile
from multiprocessing import Pool

data, out, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
srcs = ['20180326044500.export.CSV', '20190121220000.export.CSV', '20191024143000.export.CSV']
lines = [open(os.path.join(data, s), 'rb').read().splitlines(keepends=True) for s in srcs]
t0 = datetime.datetime(2019, 1, 1)

def one(i):
    name = (t0 + datetime.timedelta(minutes=15 * i)).strftime('%Y%m%d%H%M%S') + '.export.CSV'
    z = os.path.join(out, name + '.zip')
    g = os.path.join(out, 'gz', name + '.gz')
    if os.path.exists(z) and os.path.exists(g):
        return
    rows = lines[i % 3]
    k = (i * 7919) % len(rows)
    body = b''.join(rows[k:] + rows[:k])
    with zipfile.ZipFile(z + '.tmp', 'w', zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr(name, body)
    os.replace(z + '.tmp', z)
    with open(g + '.tmp', 'wb') as f:
        f.write(gzip.compress(body, compresslevel=6, mtime=0))
    os.replace(g + '.tmp', g)

os.makedirs(os.path.join(out, 'gz'), exist_ok=True)
with Pool(os.cpu_count()) as p:
    p.map(one, range(count), chunksize=50)
