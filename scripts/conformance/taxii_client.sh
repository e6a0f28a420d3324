#!/usr/bin/env bash
# TAXII 2.1 conformance against the OASIS reference client, taxii2-client: a fresh
# `bulwark serve` on a temporary SQLite database, an analyst POSTs N (default 300) STIX
# indicators with Collection.add_objects, then taxii2-client reads discovery, the API root,
# the collections, and pages through ALL objects with as_pages (per_request 100), checking
# the count and every id (bench/taxii_bench.py). Exits non-zero on any mismatch.
#
#   scripts/conformance/taxii_client.sh [N]
#
# Environment: BULWARK_BIN (default: target/release/bulwark, else target/debug/bulwark),
# BULWARK_VENV_DIR (a venv to reuse; default: a new one in a temporary directory), PORT.
set -euo pipefail
N=${1:-300}
repo=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${BULWARK_BIN:-}
if [ -z "$BIN" ]; then
  for b in "$repo/target/release/bulwark" "$repo/target/debug/bulwark"; do [ -x "$b" ] && BIN=$b && break; done
fi
[ -n "$BIN" ] || { (cd "$repo" && cargo build -p bulwark); BIN="$repo/target/debug/bulwark"; }
PORT=${PORT:-18480}
PASS="conformance-password-0123"
export BULWARK_BENCH_PASSWORD=$PASS
work=$(mktemp -d /tmp/bulwark-taxii-conf.XXXXXX)
venv=${BULWARK_VENV_DIR:-$work/venv}
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
"$venv/bin/pip" install -q taxii2-client
PY="$venv/bin/python"
url="sqlite://$work/bulwark.db"
BULWARK_DATABASE_URL="$url" "$BIN" migrate --data-dir "$work" >/dev/null
BULWARK_DATABASE_URL="$url" "$BIN" admin bootstrap --data-dir "$work" --username admin \
  --password-env BULWARK_BENCH_PASSWORD >/dev/null
BULWARK_DATABASE_URL="$url" RUST_LOG=warn "$BIN" serve --data-dir "$work" --addr "127.0.0.1:$PORT" \
  >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null && break; sleep 0.1; done
api() { curl -sf -X POST "http://127.0.0.1:$PORT/api/v1$1" -H "authorization: Bearer $2" -H 'content-type: application/json' -d "$3"; }
admin=$(curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/auth/token" -H 'content-type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$PASS\",\"name\":\"conf\"}" | "$PY" -c 'import json,sys;print(json.load(sys.stdin)["secret"])')
api /orgs "$admin" '{"slug":"clearinghouse","name":"Clearinghouse","kind":"clearinghouse"}' >/dev/null
api /users "$admin" "{\"username\":\"analyst\",\"org\":\"clearinghouse\",\"role\":\"analyst\",\"password\":\"$PASS\"}" >/dev/null

base="http://127.0.0.1:$PORT/taxii2/"
"$PY" - "$base" "$PASS" <<'PYEOF'
import sys
from taxii2client.v21 import Server
base, password = sys.argv[1], sys.argv[2]
server = Server(base, user="analyst", password=password)
assert server.api_roots, "no API roots"
root = server.default
assert root.url.endswith("/taxii2/bulwark/"), root.url
assert "application/taxii+json;version=2.1" in root.versions, root.versions
titles = [c.title for c in root.collections]
assert titles[:5] == ["TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED"], titles
assert len(titles) == 13, titles
green = [c for c in root.collections if c.title == "TLP:GREEN"][0]
assert green.id == "404f982b-d245-5ece-880c-d9fb7c2ec308" and green.can_read and green.can_write
print("discovery, API root and %d collections: ok" % len(titles))
PYEOF
"$PY" "$repo/bench/taxii_bench.py" "${base}bulwark/collections/404f982b-d245-5ece-880c-d9fb7c2ec308/" \
  analyst "$PASS" "$N" --batch 100 --label conformance
echo "taxii2-client conformance: ok"
