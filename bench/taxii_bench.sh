#!/usr/bin/env bash
# TAXII 2.1 benchmark: load N STIX indicators into one collection of a fresh release
# `bulwark serve` (SQLite) through POST batches of 1000, then page through all of them with
# taxii2-client's as_pages (100 per page), recording per-page latency p50/p99/max and the
# total (bench/taxii_bench.py does both and checks every id came back exactly once).
# Side by side: medallion 3.0.0 (memory backend) and Bulwark at a smaller N, same client,
# same objects.
#
#   bench/taxii_bench.sh [N] [SMALL_N]     defaults: N=1000000, SMALL_N=10000
#
# Environment: BULWARK_BIN (default /work/target-bench/release/bulwark, built with
# CARGO_TARGET_DIR=/work/target-bench cargo build --release -p bulwark when missing),
# BULWARK_VENV_DIR (Python venv with taxii2-client and medallion==3.0.0; created when
# missing), SKIP_MEDALLION=1 to leave medallion out, SKIP_BULWARK=1 to run only medallion,
# BACKEND=postgres to run Bulwark on a fresh PostgreSQL database (BULWARK_BENCH_POSTGRES_URL,
# default postgres://postgres@127.0.0.1:5432/postgres, names the server), PORT (default 18470).
set -euo pipefail
N=${1:-1000000}
SMALL_N=${2:-10000}
repo=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BULWARK_BIN:-/work/target-bench/release/bulwark}
PORT=${PORT:-18470}
MPORT=$((PORT + 1))
PASS="bench-password-0123456789"
export BULWARK_BENCH_PASSWORD=$PASS
work=$(mktemp -d /tmp/bulwark-taxii-bench.XXXXXX)
venv=${BULWARK_VENV_DIR:-$work/venv}
BACKEND=${BACKEND:-sqlite}
PG_ADMIN=${BULWARK_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
PG_DB=bulwark_taxii_bench
pids=()
drop_pg() { [ "$BACKEND" != postgres ] || psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true; }
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; drop_pg; rm -rf "$work"; }
trap cleanup EXIT
[ "${SKIP_BULWARK:-0}" = 1 ] || [ -x "$BIN" ] || (cd "$repo" && CARGO_TARGET_DIR=/work/target-bench cargo build --release -p bulwark)
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q taxii2-client medallion==3.0.0
fi
PY="$venv/bin/python"
GREEN=404f982b-d245-5ece-880c-d9fb7c2ec308

start_bulwark() { # DIR
  local dir=$1 url="sqlite://$1/bulwark.db"
  mkdir -p "$dir"
  if [ "$BACKEND" = postgres ]; then
    drop_pg
    psql "$PG_ADMIN" -qc "CREATE DATABASE $PG_DB" >/dev/null
    url="${PG_ADMIN%/*}/$PG_DB"
  fi
  BULWARK_DATABASE_URL="$url" "$BIN" migrate --data-dir "$dir" >/dev/null
  BULWARK_DATABASE_URL="$url" "$BIN" admin bootstrap --data-dir "$dir" --username admin \
    --password-env BULWARK_BENCH_PASSWORD >/dev/null
  BULWARK_DATABASE_URL="$url" RUST_LOG=warn "$BIN" serve --data-dir "$dir" --addr "127.0.0.1:$PORT" \
    >"$dir/serve.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null && break; sleep 0.1; done
  local admin
  admin=$(curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/auth/token" -H 'content-type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$PASS\",\"name\":\"bench\"}" | "$PY" -c 'import json,sys;print(json.load(sys.stdin)["secret"])')
  curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/orgs" -H "authorization: Bearer $admin" -H 'content-type: application/json' \
    -d '{"slug":"clearinghouse","name":"Clearinghouse","kind":"clearinghouse"}' >/dev/null
  curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/users" -H "authorization: Bearer $admin" -H 'content-type: application/json' \
    -d "{\"username\":\"analyst\",\"org\":\"clearinghouse\",\"role\":\"analyst\",\"password\":\"$PASS\"}" >/dev/null
}
stop_last() { kill "${pids[-1]}" 2>/dev/null || true; wait "${pids[-1]}" 2>/dev/null || true; unset 'pids[-1]'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); bulwark $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?')"

run_bulwark() { # N LABEL
  start_bulwark "$work/bulwark-$1"
  local url="http://127.0.0.1:$PORT/taxii2/bulwark/collections/$GREEN/"
  if [ "$BACKEND" = postgres ]; then
    # Statistics as autovacuum would gather them (it is off on these machines): load,
    # ANALYZE, then page.
    "$PY" "$repo/bench/taxii_bench.py" "$url" analyst "$PASS" "$1" --label "$2" --load-only
    psql "${PG_ADMIN%/*}/$PG_DB" -qc "ANALYZE" >/dev/null
    "$PY" "$repo/bench/taxii_bench.py" "$url" analyst "$PASS" "$1" --label "$2" --skip-load
  else
    "$PY" "$repo/bench/taxii_bench.py" "$url" analyst "$PASS" "$1" --label "$2"
  fi
  stop_last
}

run_medallion() { # N
  local dir="$work/medallion"; mkdir -p "$dir"
  cat >"$dir/data.json" <<JSON
{"/discovery": {"title": "bench", "default": "http://127.0.0.1:$MPORT/api1/", "api_roots": ["http://127.0.0.1:$MPORT/api1/"]},
 "api1": {"information": {"title": "api1", "versions": ["application/taxii+json;version=2.1"], "max_content_length": 104857600},
          "status": [],
          "collections": [{"id": "$GREEN", "title": "bench", "can_read": true, "can_write": true,
                           "media_types": ["application/stix+json;version=2.1"], "objects": [], "manifest": []}]}}
JSON
  cat >"$dir/config.json" <<JSON
{"backend": {"module": "medallion.backends.memory_backend", "module_class": "MemoryBackend", "filename": "$dir/data.json"},
 "users": {"analyst": "$PASS"}, "taxii": {"max_page_size": 100}}
JSON
  "$venv/bin/medallion" --host 127.0.0.1 --port "$MPORT" "$dir/config.json" >"$dir/log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$MPORT/taxii2/" && break; sleep 0.2; done
  "$PY" "$repo/bench/taxii_bench.py" "http://127.0.0.1:$MPORT/api1/collections/$GREEN/" \
    analyst "$PASS" "$1" --label "medallion-$1"
  stop_last
}

if [ "${SKIP_MEDALLION:-0}" != 1 ]; then
  run_medallion "$SMALL_N"
fi
if [ "${SKIP_BULWARK:-0}" != 1 ]; then
  run_bulwark "$SMALL_N" "bulwark-$BACKEND-$SMALL_N"
  run_bulwark "$N" "bulwark-$BACKEND-$N"
fi
