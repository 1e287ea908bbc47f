// duckdb.mjs - the DuckDB side of bench/gdelt/run: the same count query with
// read_csv on the tab-separated file, timed inside one Node process.
// usage: node duckdb.mjs FILE A B REPS [CODES]  -> prints "month code count" lines,
// then one "time SECONDS CPU_SECONDS" line per repetition (wall clock, and the
// process's user+system CPU time, all threads).
import { DuckDBInstance } from '@duckdb/node-api';

const [file, a, b, reps, codeList] = process.argv.slice(2);
// FILE may be a glob (DuckDB reads every match); CODES: comma-separated.
const codes = (codeList || '036,042,043,044,045,046').split(',');
const names = Array.from({ length: 61 }, (_, i) => `c${i}`);
const sql = `
  SELECT c2 AS month, c26 AS code, count(*) AS n
  FROM read_csv('${file.replace(/'/g, "''")}', delim='\\t', header=false, quote='', escape='',
                all_varchar=true, names=[${names.map((n) => `'${n}'`).join(',')}])
  WHERE ((c7 = '${a}' AND c17 = '${b}') OR (c7 = '${b}' AND c17 = '${a}'))
    AND c26 IN (${codes.map((c) => `'${c}'`).join(',')})
  GROUP BY 1, 2 ORDER BY 1, 2`;

const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
let rows = [];
const times = [];
for (let i = 0; i < Number(reps); i++) {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const reader = await con.runAndReadAll(sql);
  const t1 = process.hrtime.bigint();
  const c1 = process.cpuUsage(c0);
  times.push(`${(Number(t1 - t0) / 1e9).toFixed(3)} ${((c1.user + c1.system) / 1e6).toFixed(3)}`);
  rows = reader.getRows();
}
for (const r of rows) console.log(`${r[0]} ${r[1]} ${r[2]}`);
for (const t of times) console.log(`time ${t}`);
