#!/usr/bin/env bash
# Run the same benchmark samples through Bulwark and through Inspect, both
# against Bulwark's mock server, and print samples, accuracy and wall seconds
# for each side.
#
#   bench/inspect/compare.sh [MC_SAMPLES] [AGENT_SAMPLES]     (default 200 20)
#
# Environment:
#   BULWARK_BIN      the bulwark binary (default target/release/bulwark, built if missing)
#   INSPECT_VENV     virtual environment with inspect-ai 0.3.285 (default /tmp/inspect-venv,
#                    created if missing)
#   LATENCY_MS       mock server latency per request (default 0)
#   MAX_CONNECTIONS  concurrent samples on both sides (default 32)
#   WORK_DIR         where tasks and logs go (default: a new /tmp/bulwark-inspect-bench.XXXXXX)
#
# The agent workload needs bubblewrap for Bulwark's sandbox (Debian package
# `bubblewrap`); Inspect uses its `local` sandbox.
set -euo pipefail

mc="${1:-200}"
agent="${2:-20}"
repo="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${BULWARK_BIN:-$repo/target/release/bulwark}"
venv="${INSPECT_VENV:-/tmp/inspect-venv}"
latency="${LATENCY_MS:-0}"
conns="${MAX_CONNECTIONS:-32}"
work="${WORK_DIR:-$(mktemp -d /tmp/bulwark-inspect-bench.XXXXXX)}"

if [ ! -x "$bin" ]; then
    (cd "$repo" && cargo build --release -p bulwark)
fi
if ! "$venv/bin/python" -c "import inspect_ai, sys; sys.exit(inspect_ai.__version__ != '0.3.285')" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "inspect-ai==0.3.285" openai
fi

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

start_mock() { # behaviour -> sets mock_url (no subshell: the pid must reach cleanup)
    local port
    port="$(free_port)"
    "$bin" eval mock-server --addr "127.0.0.1:$port" --behaviour "$1" --latency-ms "$latency" \
        >"$work/mock-$1.log" 2>&1 &
    pids+=("$!")
    for _ in $(seq 1 100); do
        if curl -fsS "http://127.0.0.1:$port/v1/models" >/dev/null 2>&1; then
            mock_url="http://127.0.0.1:$port/v1"
            return 0
        fi
        sleep 0.1
    done
    echo "mock server ($1) did not start; see $work/mock-$1.log" >&2
    return 1
}

python3 "$repo/bench/gen_eval_tasks.py" --out "$work/tasks" --mc "$mc" --agent "$agent" --force
start_mock answer
answer_url="$mock_url"
start_mock tool-then-submit
tool_url="$mock_url"
export OPENAI_API_KEY="${OPENAI_API_KEY:-mock-key}"

bulwark_side() { # workload task-dir url
    local started ended
    started="$(date +%s.%N)"
    "$bin" eval run --task "$2" --base-url "$3" --model mock-model --max-connections "$conns" \
        --log-dir "$work/bulwark-runs" --run-id "$1-$(date +%s%N)" --json >"$work/bulwark-$1.json"
    ended="$(date +%s.%N)"
    python3 - "$work/bulwark-$1.json" "$started" "$ended" "$1" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
wall = float(sys.argv[3]) - float(sys.argv[2])
acc = next((m["value"] for k, m in s["metrics"].items() if k.endswith("/overall.accuracy")), None)
n = s["counts"]["completed"]
print(f"bulwark {sys.argv[4]}: status {s['status']}, {n} samples, {s['counts']['errors']} errors, "
      f"accuracy {acc:.3f}, {wall:.2f} s wall, {n / wall:.2f} samples/s; log {s['run_dir']}")
EOF
}

inspect_side() { # workload task-dir url
    "$venv/bin/python" "$repo/bench/inspect/run_bench.py" "$1" --task-dir "$2" --base-url "$3" \
        --max-connections "$conns" --log-dir "$work/inspect-logs"
}

echo "work directory: $work (mock latency ${latency} ms, ${conns} connections)"
if [ "$mc" -gt 0 ]; then
    bulwark_side mc "$work/tasks/bench-mc" "$answer_url"
    inspect_side mc "$work/tasks/bench-mc" "$answer_url"
fi
if [ "$agent" -gt 0 ]; then
    bulwark_side agent "$work/tasks/bench-agent" "$tool_url"
    inspect_side agent "$work/tasks/bench-agent" "$tool_url"
fi
