#!/usr/bin/env bash
# Validate Bulwark Inspect exports with inspect-ai 0.3.285 itself.
#
#   bench/inspect/check_export.sh LOGFILE [LOGFILE...]
#
# Uses the virtual environment $INSPECT_VENV (default /tmp/inspect-venv),
# creating it and installing inspect-ai==0.3.285 there when it is missing
# (never in the repository). For each file it runs `inspect log dump` (which
# must print the log back as JSON) and check_export.py (read_eval_log, the
# header-only read, messages, tool calls, scores, errors).
set -euo pipefail

if [ "$#" -lt 1 ]; then
    echo "usage: $0 LOGFILE [LOGFILE...]" >&2
    exit 2
fi

here="$(cd "$(dirname "$0")" && pwd)"
venv="${INSPECT_VENV:-/tmp/inspect-venv}"
version="0.3.285"

if ! "$venv/bin/python" -c "import inspect_ai, sys; sys.exit(inspect_ai.__version__ != '$version')" 2>/dev/null; then
    echo "installing inspect-ai==$version into $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "inspect-ai==$version" openai
fi

for log in "$@"; do
    if [ ! -f "$log" ]; then
        echo "FAIL $log: no such file" >&2
        exit 1
    fi
    # `inspect log dump` re-serialises the parsed log: it must be JSON with
    # the same task and sample count.
    "$venv/bin/inspect" log dump "$log" | "$venv/bin/python" -c '
import json, sys
dumped = json.load(sys.stdin)
original = json.load(open(sys.argv[1]))
assert dumped["eval"]["task"] == original["eval"]["task"], "task differs after dump"
assert len(dumped.get("samples") or []) == len(original.get("samples") or []), "sample count differs after dump"
n = len(dumped.get("samples") or [])
print("dump %s: %d samples, status %s" % (sys.argv[1], n, dumped["status"]))
' "$log"
done
"$venv/bin/python" "$here/check_export.py" "$@"
