#!/usr/bin/env bash
# Clearinghouse intake against real public documents: uploads the shared samples through
# `bulwark ingest --json` to a fresh `bulwark serve` (temporary SQLite data directory) and
# checks that
#
#   1. every valid sample is taken with no reject: osv-rustsec/crates (OSV), the KEV catalogue,
#      cve-5 (all files), sarif (every .sarif file), cyclonedx/VEX (every VEX case file) and
#      csaf/examples/csaf (advisories and csaf_vex). Prints per folder: files, accepted,
#      duplicates, rejected, and every rejected record with its reason;
#   2. the CSAF 2.0 validator test suite (csaf/validator-data/testcases.json): each file
#      listed as a failure of a mandatory test (6.1.x) is rejected — answered 422 with a
#      reason naming that test (e.g. "6.1.1 /vulnerabilities/0/…"), or every record rejected —
#      and each file listed as valid for a mandatory test is accepted. Each file is uploaded
#      on its own with --format csaf. Prints counts and every file that went the wrong way.
#
#   scripts/conformance/ingest_samples.sh [SAMPLES_DIR]
#
# SAMPLES_DIR defaults to ../shared/samples next to the repository root. Exits 0 with
# "skipping: no samples" when it does not exist, 1 on any failure. Builds the binary first
# (cargo: the release build, or the debug one with BULWARK_CONFORMANCE_PROFILE=debug, in
# CARGO_TARGET_DIR or target/); downloads nothing. Needs jq, curl, python3.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SAMPLES="${1:-$ROOT/../shared/samples}"
if [[ ! -d "$SAMPLES" ]]; then
  echo "skipping: no samples at $SAMPLES"
  exit 0
fi
SAMPLES="$(cd "$SAMPLES" && pwd)"
PROFILE="${BULWARK_CONFORMANCE_PROFILE:-release}"
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/$PROFILE/bulwark"
PORT="${BULWARK_CONFORMANCE_PORT:-18495}"
PASS='conformance password 12345'
export BULWARK_CONFORMANCE_PASSWORD="$PASS"

if [[ "$PROFILE" == release ]]; then release=(--release); else release=(); fi
(cd "$ROOT" && cargo build "${release[@]}" -q -p bulwark)

work="$(mktemp -d "${TMPDIR:-/tmp}/bulwark-ingest-samples.XXXXXX")"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# --- server and analyst ---------------------------------------------------------------------
data="$work/data"
export BULWARK_DATABASE_URL="sqlite://$data/bulwark.db"
mkdir -p "$data"
"$BIN" migrate --data-dir "$data" >/dev/null
"$BIN" admin bootstrap --data-dir "$data" --username admin --password-env BULWARK_CONFORMANCE_PASSWORD >/dev/null
RUST_LOG=warn "$BIN" serve --data-dir "$data" --addr "127.0.0.1:$PORT" >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null && break; sleep 0.1; done
token() {
  curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/auth/token" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$PASS\",\"name\":\"conformance\"}" | jq -r .secret
}
api() { # METHOD PATH TOKEN BODY
  curl -sf -X "$1" "http://127.0.0.1:$PORT/api/v1$2" -H "authorization: Bearer $3" \
    -H 'content-type: application/json' -d "$4" >/dev/null
}
admin="$(token admin)"
api POST /orgs "$admin" '{"slug":"clearinghouse","name":"Clearinghouse","kind":"clearinghouse"}'
api POST /users "$admin" "{\"username\":\"analyst\",\"org\":\"clearinghouse\",\"role\":\"analyst\",\"password\":\"$PASS\"}"
export BULWARK_SERVER="http://127.0.0.1:$PORT"
BULWARK_TOKEN="$(token analyst)"
export BULWARK_TOKEN

# ingest OUT FORMAT PATH... : runs `bulwark ingest --json`; the summary goes to OUT. Exit 1
# (something rejected) is expected and read from the summary; anything else is fatal.
ingest() {
  local out=$1 format=$2 rc=0
  shift 2
  "$BIN" ingest --format "$format" --json "$@" >"$out" 2>"$out.err" || rc=$?
  if [[ ! -s "$out" ]] || ! jq -e . "$out" >/dev/null 2>&1; then
    echo "bulwark ingest failed (exit $rc) on $*:" >&2
    cat "$out.err" >&2
    tail -20 "$work/serve.log" >&2
    exit 1
  fi
}

failures=0

# --- 1. valid samples -------------------------------------------------------------------------
echo "== valid samples (no record may be rejected)"
printf '%-28s %6s %9s %11s %9s\n' folder files accepted duplicates rejected
check_folder() { # LABEL FILE...
  local label=$1 out="$work/folder.json"
  shift
  ingest "$out" auto "$@"
  local accepted duplicates rejected
  accepted=$(jq .accepted "$out")
  duplicates=$(jq .duplicates "$out")
  rejected=$(jq '.rejected | length' "$out")
  printf '%-28s %6d %9d %11d %9d\n' "$label" "$#" "$accepted" "$duplicates" "$rejected"
  if [[ "$rejected" -ne 0 ]]; then
    failures=$((failures + 1))
    jq -r --arg root "$SAMPLES/" '.rejected[] | "   REJECTED \(.file | ltrimstr($root)): \(.reason)"' "$out"
  fi
}
files_of() { # DIR PATTERN... -> NUL-separated, sorted
  find "$@" -type f -print0 | sort -z
}
mapfile -d '' osv < <(files_of "$SAMPLES/osv-rustsec/crates" -name '*.json')
mapfile -d '' kev < <(files_of "$SAMPLES/kev" -name 'known_exploited_vulnerabilities.json')
mapfile -d '' cve < <(files_of "$SAMPLES/cve-5" -name '*.json')
mapfile -d '' sarif < <(files_of "$SAMPLES/sarif" -name '*.sarif')
mapfile -d '' vex < <(files_of "$SAMPLES/cyclonedx/VEX" -name '*.json')
mapfile -d '' csaf < <(files_of "$SAMPLES/csaf/examples/csaf" -name '*.json')
check_folder osv-rustsec/crates "${osv[@]}"
check_folder kev "${kev[@]}"
check_folder cve-5 "${cve[@]}"
check_folder sarif "${sarif[@]}"
# Results that are not findings (suppressed, baselineState "absent", kind pass/…) yield no
# record at all; show how many, so that they are never lost silently.
sarif_results=$(python3 - "${sarif[@]}" <<'PY'
import json, sys
print(sum(len(run.get("results") or []) for f in sys.argv[1:]
          for run in (json.load(open(f, encoding="utf-8-sig")).get("runs") or [])))
PY
)
sarif_answered=$(jq '.accepted + .duplicates + (.rejected | length)' "$work/folder.json")
echo "   (sarif: $sarif_results results in the logs, $sarif_answered answered, $((sarif_results - sarif_answered)) yielded no record: suppressed, absent or not findings)"
check_folder cyclonedx/VEX "${vex[@]}"
check_folder csaf/examples/csaf "${csaf[@]}"

# --- 2. CSAF validator test suite ---------------------------------------------------------------
echo
echo "== CSAF validator test suite: mandatory tests (6.1.x), one upload per file, --format csaf"
suite="$SAMPLES/csaf/validator-data"
# One line per (test, file, expectation): "6.1.1<TAB>fail<TAB>mandatory/….json".
python3 - "$suite/testcases.json" >"$work/cases.tsv" <<'PY'
import json, sys
for test in json.load(open(sys.argv[1]))["tests"]:
    if test.get("group") != "mandatory":
        continue
    for case in test.get("failures", []):
        print(f"{test['id']}\tfail\t{case['name']}")
    for case in test.get("valid", []):
        print(f"{test['id']}\tvalid\t{case['name']}")
PY
fail_total=0 fail_ok=0 fail_named=0 valid_total=0 valid_ok=0
wrong=()
while IFS=$'\t' read -r test expect name; do
  out="$work/case.json"
  ingest "$out" csaf "$suite/$name"
  accepted=$(jq .accepted "$out")
  duplicates=$(jq .duplicates "$out")
  rejected=$(jq '.rejected | length' "$out")
  if [[ "$expect" == fail ]]; then
    fail_total=$((fail_total + 1))
    # Rejected as it must be: the document refused with a reason naming the test
    # ("… 6.1.1 /vulnerabilities/0/…: …"), or every one of its records refused.
    names_test=no all_records=no
    if jq -r '.rejected[].reason' "$out" | grep -Eq "(^|[ ;:])${test//./\\.} "; then names_test=yes; fi
    if [[ "$rejected" -gt 0 && "$accepted" -eq 0 && "$duplicates" -eq 0 ]] &&
       ! jq -r '.rejected[].reason' "$out" | grep -vq '^record '; then all_records=yes; fi
    if [[ "$names_test" == yes || "$all_records" == yes ]]; then
      fail_ok=$((fail_ok + 1))
      if [[ "$names_test" == yes ]]; then fail_named=$((fail_named + 1)); fi
    elif [[ "$rejected" -gt 0 ]]; then
      wrong+=("$test must fail: $name was rejected, but not for $test: $(jq -r '.rejected[0].reason' "$out" | cut -c1-300)")
    else
      wrong+=("$test must fail: $name was accepted ($accepted accepted, $duplicates duplicates)")
    fi
  else
    valid_total=$((valid_total + 1))
    if [[ "$rejected" -eq 0 ]]; then
      valid_ok=$((valid_ok + 1))
    else
      wrong+=("$test valid: $name was rejected: $(jq -r '.rejected[0].reason' "$out" | cut -c1-300)")
    fi
  fi
done <"$work/cases.tsv"
echo "   failures rejected: $fail_ok / $fail_total ($fail_named answered 422 naming the test, $((fail_ok - fail_named)) with every record rejected)"
echo "   valid accepted:    $valid_ok / $valid_total"
if [[ ${#wrong[@]} -gt 0 ]]; then
  failures=$((failures + 1))
  echo "   wrong way (${#wrong[@]}):"
  printf '     %s\n' "${wrong[@]}"
fi

echo
if [[ "$failures" -ne 0 ]]; then
  echo "FAILED: $failures check(s) failed (see above)"
  exit 1
fi
echo "OK: every sample ingested as expected"
