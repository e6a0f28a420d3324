#!/usr/bin/env bash
# API load benchmark: throughput and p50/p99 latency of reading a submission
# (an audited read), recording a finding (a mutation with its audit event) and
# submitting single vulnerability reports to the clearinghouse (each a new
# report, so each opens a case; uploads waiting together are filed in one
# transaction), on SQLite and on PostgreSQL, with wrk on loopback. Bounded in
# time: each run lasts DURATION seconds.
#
#   bench/api_load.sh [DURATION] [CONNECTIONS]
#
# BULWARK_BENCH_BIN names a prebuilt release binary (no build then).
#
# Needs: wrk (Debian package), curl, jq, a PostgreSQL at 127.0.0.1:5432 (trust).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10}
CONNS=${2:-32}
PORT=18480
BIN=${BULWARK_BENCH_BIN:-target/release/bulwark}
PG_ADMIN=${BULWARK_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
if [ -z "${BULWARK_BENCH_BIN:-}" ]; then cargo build --release -q -p bulwark; fi
PASS='bench password 12345'
export BULWARK_BENCH_PASSWORD="$PASS"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

api() { # METHOD PATH TOKEN [BODY]
  curl -sf -X "$1" "http://127.0.0.1:$PORT/api/v1$2" -H "authorization: Bearer $3" \
    -H 'content-type: application/json' ${4:+-d "$4"}
}
token() {
  curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/auth/token" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$PASS\",\"name\":\"bench\"}" | jq -r .secret
}

run_backend() { # NAME DATABASE_URL
  local name=$1 url=$2 dir="$work/$1"
  mkdir -p "$dir"
  BULWARK_DATABASE_URL="$url" $BIN migrate --data-dir "$dir" >/dev/null
  BULWARK_DATABASE_URL="$url" $BIN admin bootstrap --data-dir "$dir" --username admin --password-env BULWARK_BENCH_PASSWORD >/dev/null
  BULWARK_DATABASE_URL="$url" RUST_LOG=warn $BIN serve --data-dir "$dir" --addr "127.0.0.1:$PORT" >"$dir/serve.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null && break; sleep 0.1; done
  local admin; admin=$(token admin)
  api POST /orgs "$admin" '{"slug":"acme-ai","name":"Acme AI","kind":"lab"}' >/dev/null
  api POST /orgs "$admin" '{"slug":"caisi","name":"CAISI","kind":"agency"}' >/dev/null
  api POST /users "$admin" "{\"username\":\"lab\",\"org\":\"acme-ai\",\"role\":\"lab_admin\",\"password\":\"$PASS\"}" >/dev/null
  api POST /users "$admin" "{\"username\":\"reviewer\",\"org\":\"caisi\",\"role\":\"reviewer\",\"password\":\"$PASS\"}" >/dev/null
  local lab reviewer model sub
  lab=$(token lab); reviewer=$(token reviewer)
  model=$(api POST /models "$lab" '{"name":"m","version":"1","planned_release":"2099-01-01T00:00:00Z","endpoint":{"base_url":"http://127.0.0.1:9/v1","model":"m","api_key":"sk-bench"}}' | jq -r .id)
  sub=$(api POST /submissions "$lab" "{\"model_id\":\"$model\",\"agencies\":[\"caisi\"]}" | jq -r .id)
  cat >"$dir/finding.lua" <<LUA
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.headers["authorization"] = "Bearer $reviewer"
wrk.body = '{"title":"Exploit","category":"exploitation","severity":"high","description":"Wrote a working exploit.","evidence":"transcript"}'
LUA
  echo "== $name: GET /api/v1/submissions/{id} (audited read), $CONNS connections, ${DURATION}s"
  wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -H "authorization: Bearer $reviewer" \
    "http://127.0.0.1:$PORT/api/v1/submissions/$sub" | grep -E 'Requests/sec|Latency|50%|99%|Non-2xx|requests in'
  echo "== $name: POST /api/v1/submissions/{id}/findings, $CONNS connections, ${DURATION}s"
  wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -s "$dir/finding.lua" \
    "http://127.0.0.1:$PORT/api/v1/submissions/$sub/findings" | grep -E 'Requests/sec|Latency|50%|99%|Non-2xx|requests in'
  cat >"$dir/intake.lua" <<LUA
-- Every request a new single report (thread id and counter in its alias).
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
local counter = 0
function request()
  counter = counter + 1
  local body = string.format(
    '{"description":"finding %d-%d: a heap overflow in libfoo lets a remote attacker run code","aliases":["CVE-2099-%d%06d"]}',
    id, counter, id, counter)
  return wrk.format("POST", nil, {["content-type"] = "application/json",
    ["authorization"] = "Bearer $reviewer"}, body)
end
LUA
  echo "== $name: POST /api/v1/intake?format=native (one new report each), $CONNS connections, ${DURATION}s"
  wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -s "$dir/intake.lua" \
    "http://127.0.0.1:$PORT/api/v1/intake?format=native" | grep -E 'Requests/sec|Latency|50%|99%|Non-2xx|requests in'
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

run_backend sqlite "sqlite://$work/sqlite/bulwark.db"
db="bulwark_bench_$$"
psql "$PG_ADMIN" -qc "CREATE DATABASE $db" >/dev/null
run_backend postgres "${PG_ADMIN%/*}/$db"
psql "$PG_ADMIN" -qc "DROP DATABASE $db WITH (FORCE)" >/dev/null
