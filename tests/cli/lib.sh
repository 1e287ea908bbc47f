# tests/cli/lib.sh - helpers for case scripts (source it: . "$REPO/tests/cli/lib.sh").

# import_must_fail FILE...: imports into a copy of the bundled store; the import
# must fail and the full export must be byte-identical before and after.
# Exits with the import's exit code (the case's expected_exit says which).
import_must_fail() {
  local db="$BUNDLED_DB"
  parley --db "$db" export --format ndjson >before.ndjson || exit 90
  parley --db "$db" audit --json --limit 0 >before.audit || exit 91
  parley --db "$db" import "$@"
  local rc=$?
  parley --db "$db" export --format ndjson >after.ndjson || exit 92
  parley --db "$db" audit --json --limit 0 >after.audit || exit 93
  cmp -s before.ndjson after.ndjson || { echo "store changed by a failed import" >&2; exit 94; }
  cmp -s before.audit after.audit || { echo "audit log changed by a failed import" >&2; exit 95; }
  [ "$rc" = 0 ] && { echo "import succeeded but should have failed" >&2; exit 96; }
  exit "$rc"
}

VISIT_HEADER='id,visitor,visitor_label,visitor_office,visitor_title,level,from_country,to_country,start_date,end_date,type,summary,confidence,status,disputed,note'
