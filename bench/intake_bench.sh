#!/usr/bin/env bash
# Clearinghouse intake benchmark: how fast `bulwark ingest` files N generated vulnerability
# reports (half OSV NDJSON, half SARIF; ~10 % exact and ~10 % near duplicates, see
# bench/gen_reports.py) through `POST /api/v1/intake` of a fresh release `bulwark serve`, on
# SQLite and on PostgreSQL, and how well it deduplicates them.
#
#   bench/intake_bench.sh [N] [--seed S] [--data DIR] [--backends "sqlite postgres"]
#                         [--perf DIR] [--no-build]
#
#   N           reports to generate (default 1000000)
#   --seed S    generator seed (default 1)
#   --data DIR  where the generated set lives (default: a cache directory per N and seed,
#               $BULWARK_BENCH_CACHE or ~/.cache/bulwark-bench, reused across runs; it is
#               regenerated when its .manifest.json is missing or for another N or seed)
#   --backends  which backends to run (default: both)
#   --perf DIR  also record the server with `perf record -g` during the upload and write
#               DIR/<backend>.perf.data, DIR/<backend>.perf.txt (perf report, top symbols) and
#               DIR/<backend>.serve.log (the server's log; BULWARK_BENCH_LOG=bulwark::intake=debug
#               logs every upload's phases: parse, wait for the intake lock, lookups, plan,
#               writes, commit)
#   --no-build  use the release binary as it is ($BULWARK_BENCH_BIN, else CARGO_TARGET_DIR or target/)
#   BULWARK_BENCH_KEEP=1 keeps the work directory (the SQLite database) for inspection
#
# Per backend: wall-clock time of `bulwark ingest DIR --json` alone (the intake: every file
# uploaded, as the CLI does), reports/s = N / wall, the server's CPU seconds (utime + stime)
# and peak RSS (VmHWM), the CLI's totals and the rows in the database (sqlite3 / psql).
# Checks (the script exits 1 when one fails):
#   * no record rejected, `bulwark ingest` exit 0, accepted + duplicates = N;
#   * accepted and duplicates exactly as the manifest expects (expected_accepted,
#     expected_duplicates: exact duplicates are decided by content hash and exact keys);
#   * reports stored = accepted, cases stored = cases opened;
#   * cases within the MinHash tolerance of the manifest's expected_cases_minhash: near
#     duplicates join their original with probability p(J) (64-hash MinHash, 16x4 LSH, given
#     each pair's true Jaccard J), so the number of joins has standard deviation
#     near_merge_sd (68 at N = 1,000,000). The model ignores joins it cannot see: a
#     rewording whose original was missed can join another rewording of the same original,
#     which opens fewer cases than expected. The tolerance is max(5 * near_merge_sd,
#     0.5 % of near_dups): 501 cases at N = 1,000,000 (5 sd alone, 342, was exceeded by the
#     first run: 481 fewer cases than expected).
#
# Needs: cargo, python3, jq, bc, curl, sqlite3, psql and a PostgreSQL at 127.0.0.1:5432
# (trust auth; override with BULWARK_BENCH_POSTGRES_URL). Downloads nothing. Build the binary
# outside the shared target directory with CARGO_TARGET_DIR=/work/target-bench, say.
set -euo pipefail
cd "$(dirname "$0")/.."

N=1000000
SEED=1
BUILD=yes
DATA=""
BACKENDS="sqlite postgres"
PERF_DIR=""
while [ $# -gt 0 ]; do
  case $1 in
    --data) DATA=$2; shift 2 ;;
    --backends) BACKENDS=$2; shift 2 ;;
    --perf) PERF_DIR=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --no-build) BUILD=no; shift ;;
    -h|--help) sed -n '2,43p' "$0"; exit 0 ;;
    *) N=$1; shift ;;
  esac
done

PORT=${BULWARK_BENCH_PORT:-18490}
BIN=${BULWARK_BENCH_BIN:-${CARGO_TARGET_DIR:-$PWD/target}/release/bulwark}
PG_ADMIN=${BULWARK_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
PASS='bench password 12345'
export BULWARK_BENCH_PASSWORD="$PASS"

if [ "$BUILD" = yes ]; then cargo build --release -q -p bulwark; fi
work=$(mktemp -d)
server_pid=""
pg_db=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  if [ -n "$pg_db" ]; then psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true; fi
  if [ -n "${BULWARK_BENCH_KEEP:-}" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# --- the data set -----------------------------------------------------------------------
if [ -z "$DATA" ]; then DATA=${BULWARK_BENCH_CACHE:-$HOME/.cache/bulwark-bench}/reports-n$N-s$SEED; fi
if [ -f "$DATA/.manifest.json" ] && [ "$(jq -r .n "$DATA/.manifest.json")" = "$N" ] &&
   [ "$(jq -r .seed "$DATA/.manifest.json")" = "$SEED" ] &&
   [ "$(jq -r '.near_merge_sd // empty' "$DATA/.manifest.json")" != "" ]; then
  echo "== reusing $DATA ($(jq -c '{n, unique, exact_dups, near_dups}' "$DATA/.manifest.json"))"
else
  rm -rf "$DATA"; mkdir -p "$DATA"
  echo "== generating $N reports into $DATA"
  /usr/bin/time -f "   generated in %e s (peak RSS %M KiB)" python3 bench/gen_reports.py --out "$DATA" --n "$N" --seed "$SEED" >/dev/null
fi
manifest=$DATA/.manifest.json
jq -c '{unique, exact_dups, near_dups, expected_accepted, expected_duplicates, expected_cases, expected_cases_minhash, near_merge_sd, near_jaccard, files}' "$manifest"
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
  BULWARK_DATABASE_URL="$url" RUST_LOG=${BULWARK_BENCH_LOG:-warn} "$BIN" serve --data-dir "$dir" --addr "127.0.0.1:$PORT" \
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
  # What the server wrote (SQLite: WAL frames and checkpoints; PostgreSQL's own writes are
  # its processes', not the server's): bytes through write calls and how many calls.
  echo "   server writes: $(awk '/^wchar/ {printf "%.0f MB", $2 / 1048576} /^syscw/ {printf " in %d calls", $2}' "/proc/$server_pid/io")"
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
  server_pid=""
  if [ -n "$PERF_DIR" ]; then cp "$dir/serve.log" "$PERF_DIR/$name.serve.log"; fi
  if [ ! -s "$dir/ingest.json" ]; then
    echo "ingest failed (exit $rc):"; tail -5 "$dir/ingest.err"; tail -20 "$dir/serve.log" | cut -c1-300; exit 1
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
  local want_accepted want_dups want_cases tolerance
  want_accepted=$(jq .expected_accepted "$manifest")
  want_dups=$(jq .expected_duplicates "$manifest")
  want_cases=$(jq .expected_cases_minhash "$manifest")
  tolerance=$(jq '[5 * .near_merge_sd, 0.005 * .near_dups] | max | ceil' "$manifest")
  if [ "$accepted" -ne "$want_accepted" ]; then echo "CHECK FAILED: $accepted accepted, manifest expects $want_accepted"; ok=no; fi
  if [ "$duplicates" -ne "$want_dups" ]; then echo "CHECK FAILED: $duplicates duplicates, manifest expects $want_dups"; ok=no; fi
  local off=$((cases - want_cases))
  if [ "${off#-}" -gt "$tolerance" ]; then
    echo "CHECK FAILED: $cases cases, manifest expects $want_cases +- $tolerance (off by $off)"; ok=no
  fi

  local db_size
  case $name in
    sqlite) db_size=$(du -cm "${url#sqlite://}"* | tail -1 | cut -f1) ;;
    postgres) db_size=$(psql "$url" -Atc "SELECT pg_database_size(current_database()) / 1048576") ;;
  esac
  ROWS+=("$(printf '| %s | %d | %.1f | %.0f | %d | %d | %d | %d | %s | %.1f | %s | %s | %.1f | %s | %s |' \
    "$name" "$N" "$wall" "$(echo "$N / $wall" | bc -l)" "$accepted" "$duplicates" "$rejected" "$cases" \
    "$rss" "$cpu" "$cli_rss" "$db_size" "$cli_cpu" "$ok" "$(cut -d' ' -f1-3 /proc/loadavg)")")
  QUALITY+=("$name: cases found $cases; expected $want_cases +- $tolerance given the near duplicates' \
Jaccard and 64-hash MinHash (off by $off; $(jq .expected_cases "$manifest") unique reports); \
accepted $accepted (expected $want_accepted), duplicates $duplicates (expected $want_dups)")
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
