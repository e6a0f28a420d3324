#!/usr/bin/env bash
# Clearinghouse intake benchmark: how fast `bulwark ingest` files N generated vulnerability
# reports (half OSV NDJSON, half SARIF; ~10 % exact and ~10 % near duplicates, see
# bench/gen_reports.py) through `POST /api/v1/intake` of a fresh `bulwark serve`, on SQLite
# and on PostgreSQL, and how well it deduplicates them.
#
#   bench/intake_bench.sh [N] [--data DIR] [--backends "sqlite postgres"] [--perf DIR]
#
#   N           reports to generate (default 1000000)
#   --data DIR  reuse (or create) the generated set in DIR instead of a temporary directory
#               (regenerated when DIR/.manifest.json is missing or for another N)
#   --backends  which backends to run (default: both)
#   --perf DIR  also record the server with `perf record -g` during the upload and write
#               DIR/<backend>.perf.data and DIR/<backend>.perf.txt (perf report, top symbols)
#
# Per backend: wall-clock time of `bulwark ingest DIR --json` (one client, uploads in
# sequence, as the CLI does), reports/s = N / wall, the CLI's totals (checked: accepted +
# duplicates == N, no rejects), the cases and reports in the database (counted with
# sqlite3 / psql), and the server's peak RSS (VmHWM). Then the dedup quality: cases expected
# from the generator's counts against cases found.
#
# Needs: cargo, python3, jq, curl, sqlite3, psql and a PostgreSQL at 127.0.0.1:5432 (trust
# auth; override with BULWARK_BENCH_POSTGRES_URL). Downloads nothing (cargo builds offline
# from its cache if it must).
set -euo pipefail
cd "$(dirname "$0")/.."

N=1000000
DATA=""
BACKENDS="sqlite postgres"
PERF_DIR=""
while [ $# -gt 0 ]; do
  case $1 in
    --data) DATA=$2; shift 2 ;;
    --backends) BACKENDS=$2; shift 2 ;;
    --perf) PERF_DIR=$2; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) N=$1; shift ;;
  esac
done

PORT=${BULWARK_BENCH_PORT:-18490}
BIN=$PWD/target/release/bulwark
PG_ADMIN=${BULWARK_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
PASS='bench password 12345'
export BULWARK_BENCH_PASSWORD="$PASS"

cargo build --release -q -p bulwark
work=$(mktemp -d)
server_pid=""
pg_db=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  if [ -n "$pg_db" ]; then psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# --- the data set -----------------------------------------------------------------------
if [ -z "$DATA" ]; then DATA=$work/reports; fi
if [ -f "$DATA/.manifest.json" ] && [ "$(jq -r .n "$DATA/.manifest.json")" = "$N" ]; then
  echo "== reusing $DATA ($(jq -c '{n, unique, exact_dups, near_dups}' "$DATA/.manifest.json"))"
else
  rm -rf "$DATA"; mkdir -p "$DATA"
  echo "== generating $N reports into $DATA"
  /usr/bin/time -f "   generated in %e s (peak RSS %M KiB)" python3 bench/gen_reports.py --out "$DATA" --n "$N" >/dev/null
fi
manifest=$DATA/.manifest.json
jq -c '{unique, exact_dups, near_dups, expected_duplicates, expected_cases, expected_cases_minhash, near_jaccard, files}' "$manifest"
echo "   $(du -sh "$DATA" | cut -f1) in $(find "$DATA" -type f ! -name '.*' | wc -l) files"

# --- helpers --------------------------------------------------------------------------------
api() { # METHOD PATH TOKEN [BODY]
  curl -sf -X "$1" "http://127.0.0.1:$PORT/api/v1$2" -H "authorization: Bearer $3" \
    -H 'content-type: application/json' ${4:+-d "$4"}
}
token() {
  curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/auth/token" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$PASS\",\"name\":\"bench\"}" | jq -r .secret
}
sql() { # BACKEND URL QUERY -> one value
  case $1 in
    sqlite) sqlite3 "${2#sqlite://}" "$3" ;;
    postgres) psql "$2" -Atc "$3" ;;
  esac
}

ROWS=()
run_backend() { # NAME DATABASE_URL
  local name=$1 url=$2 dir="$work/$1"
  mkdir -p "$dir"
  BULWARK_DATABASE_URL="$url" "$BIN" migrate --data-dir "$dir" >/dev/null
  BULWARK_DATABASE_URL="$url" "$BIN" admin bootstrap --data-dir "$dir" --username admin \
    --password-env BULWARK_BENCH_PASSWORD >/dev/null
  BULWARK_DATABASE_URL="$url" RUST_LOG=warn "$BIN" serve --data-dir "$dir" --addr "127.0.0.1:$PORT" \
    >"$dir/serve.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null && break; sleep 0.1; done
  local admin analyst
  admin=$(token admin)
  api POST /orgs "$admin" '{"slug":"cisa-ch","name":"Clearinghouse","kind":"clearinghouse"}' >/dev/null
  api POST /users "$admin" "{\"username\":\"analyst\",\"org\":\"cisa-ch\",\"role\":\"analyst\",\"password\":\"$PASS\"}" >/dev/null
  analyst=$(token analyst)

  local perf_pid=""
  if [ -n "$PERF_DIR" ]; then
    mkdir -p "$PERF_DIR"
    perf record -g -F 499 -p "$server_pid" -o "$PERF_DIR/$name.perf.data" >/dev/null 2>&1 &
    perf_pid=$!
  fi
  echo "== $name: bulwark ingest ($N reports)"
  local start end rc=0
  start=$(date +%s.%N)
  BULWARK_SERVER="http://127.0.0.1:$PORT" BULWARK_TOKEN="$analyst" \
    /usr/bin/time -f "%e %U %S %M" -o "$dir/cli.time" \
    "$BIN" ingest "$DATA" --json >"$dir/ingest.json" 2>"$dir/ingest.err" || rc=$?
  end=$(date +%s.%N)
  if [ -n "$perf_pid" ]; then
    kill -INT "$perf_pid"; wait "$perf_pid" 2>/dev/null || true
    perf report -i "$PERF_DIR/$name.perf.data" --no-children --percent-limit 0.7 --stdio \
      --sort symbol -g none 2>/dev/null >"$PERF_DIR/$name.perf.txt" || true
  fi
  local rss cpu
  rss=$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$server_pid/status")
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' "/proc/$server_pid/stat") # utime + stime
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
  server_pid=""
  if [ ! -s "$dir/ingest.json" ]; then
    echo "ingest failed (exit $rc):"; tail -5 "$dir/ingest.err"; tail -20 "$dir/serve.log"; exit 1
  fi

  local wall accepted duplicates new_cases rejected cases reports
  wall=$(echo "$end - $start" | bc -l)
  accepted=$(jq .accepted "$dir/ingest.json")
  duplicates=$(jq .duplicates "$dir/ingest.json")
  new_cases=$(jq .new_cases "$dir/ingest.json")
  rejected=$(jq '.rejected | length' "$dir/ingest.json")
  cases=$(sql "$name" "$url" "SELECT COUNT(*) FROM vuln_cases")
  reports=$(sql "$name" "$url" "SELECT COUNT(*) FROM vuln_reports")
  local cli_cpu cli_rss cli_u cli_s
  read -r _ cli_u cli_s cli_rss <"$dir/cli.time"
  cli_cpu=$(echo "$cli_u + $cli_s" | bc -l)
  cli_rss=$((cli_rss / 1024))

  local ok=yes
  if [ $((accepted + duplicates)) -ne "$N" ]; then echo "CHECK FAILED: accepted + duplicates = $((accepted + duplicates)), not $N"; ok=no; fi
  if [ "$rejected" -ne 0 ]; then
    echo "CHECK FAILED: $rejected rejected; the first:"; jq -r '.rejected[:5][] | "  \(.file): \(.reason)"' "$dir/ingest.json"; ok=no
  fi
  if [ "$reports" -ne "$accepted" ]; then echo "CHECK FAILED: $reports reports stored, $accepted accepted"; ok=no; fi
  if [ "$cases" -ne "$new_cases" ]; then echo "CHECK FAILED: $cases cases stored, $new_cases opened"; ok=no; fi
  if [ "$rc" -ne 0 ]; then echo "CHECK FAILED: bulwark ingest exited $rc"; ok=no; fi

  local db_size
  case $name in
    sqlite) db_size=$(du -cm "${url#sqlite://}"* | tail -1 | cut -f1) ;;
    postgres) db_size=$(psql "$url" -Atc "SELECT pg_database_size(current_database()) / 1048576") ;;
  esac
  ROWS+=("$(printf '| %s | %d | %.1f | %.0f | %d | %d | %d | %d | %s | %.1f | %s | %s | %.1f | %s | %s |' \
    "$name" "$N" "$wall" "$(echo "$N / $wall" | bc -l)" "$accepted" "$duplicates" "$rejected" "$cases" \
    "$rss" "$cpu" "$cli_rss" "$db_size" "$cli_cpu" "$ok" "$(cut -d' ' -f1-3 /proc/loadavg)")")
  QUALITY+=("$name: cases found $cases; expected $(jq .expected_cases "$manifest") (unique reports), \
$(jq .expected_cases_minhash "$manifest") given the near duplicates' Jaccard and 64-hash MinHash; \
duplicates answered $duplicates, expected $(jq .expected_duplicates "$manifest")")
  echo "   done in $(printf %.1f "$wall") s"
}

QUALITY=()
for backend in $BACKENDS; do
  case $backend in
    sqlite) run_backend sqlite "sqlite://$work/sqlite/bulwark.db" ;;
    postgres)
      pg_db="bulwark_intake_bench_$$"
      psql "$PG_ADMIN" -qc "CREATE DATABASE $pg_db" >/dev/null
      run_backend postgres "${PG_ADMIN%/*}/$pg_db"
      psql "$PG_ADMIN" -qc "DROP DATABASE $pg_db WITH (FORCE)" >/dev/null
      pg_db="" ;;
    *) echo "unknown backend $backend"; exit 2 ;;
  esac
done

echo
echo "| backend | reports | wall s | reports/s | accepted | duplicates | rejected | cases | server peak RSS MB | server CPU s | CLI peak RSS MB | DB MB | CLI CPU s | checks ok | load avg |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"
printf '%s\n' "${ROWS[@]}"
echo
echo "Dedup quality:"
printf '  %s\n' "${QUALITY[@]}"
for row in "${ROWS[@]}"; do case $row in *"| no |"*) exit 1 ;; esac; done
