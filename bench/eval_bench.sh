#!/usr/bin/env bash
# The evaluation harness side by side with Inspect (inspect-ai 0.3.285), in
# one run on this machine against the same mock server (BENCHMARKS.md).
#
#   bench/eval_bench.sh [MC_SAMPLES] [AGENT_SAMPLES]      (default 2000 200)
#
# For each mock latency (0 and 50 ms) and workload (single-turn multiple
# choice; agent: one `bash` call, then `submit`), both tools run the same
# generated samples as whole processes under /usr/bin/time: samples/s
# (start-up included), CPU seconds, peak RSS, log bytes per sample and
# accuracy. Then Bulwark alone: the latency bound at 50 ms with 256
# connections (N = 20,000), and peak RSS at N = 2,000 against N = 20,000.
#
# A Bulwark row takes about a second, an Inspect row half a minute, and this
# machine's speed drifts within minutes, so each Bulwark row is run REPEATS
# times, half before and half after Inspect's run of the same row; the table
# shows the median run (by samples/s) and the lines under it every run.
#
# Environment: BULWARK_BIN (default target/release/bulwark, built if
# missing), INSPECT_VENV (default /tmp/inspect-venv, created with
# inspect-ai==0.3.285 if missing), CONNECTIONS (default 32), REPEATS
# (default 5), SKIP_INSPECT=1.
set -euo pipefail

mc="${1:-2000}"
agent="${2:-200}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
bin="${BULWARK_BIN:-$repo/target/release/bulwark}"
venv="${INSPECT_VENV:-/tmp/inspect-venv}"
conns="${CONNECTIONS:-32}"
repeats="${REPEATS:-5}"
work="$(mktemp -d /tmp/bulwark-eval-bench.XXXXXX)"

[ -x "$bin" ] || (cd "$repo" && cargo build --release -p bulwark)
if [ "${SKIP_INSPECT:-0}" != 1 ] &&
    ! "$venv/bin/python" -c "import inspect_ai, sys; sys.exit(inspect_ai.__version__ != '0.3.285')" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "inspect-ai==0.3.285" openai
fi

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

start_mock() { # behaviour latency -> sets mock_url
    local port
    port="$(free_port)"
    "$bin" eval mock-server --addr "127.0.0.1:$port" --behaviour "$1" --latency-ms "$2" >/dev/null 2>&1 &
    pids+=("$!")
    for _ in $(seq 1 100); do
        if curl -fsS -o /dev/null -X POST -H 'content-type: application/json' \
            -d '{"model":"m","messages":[{"role":"user","content":"hi"}]}' \
            "http://127.0.0.1:$port/v1/chat/completions" 2>/dev/null; then
            mock_url="http://127.0.0.1:$port/v1"
            return 0
        fi
        sleep 0.1
    done
    echo "mock server ($1) did not start" >&2
    return 1
}

# time_of FILE -> "wall cpu rss_mb" from /usr/bin/time's output
time_of() { awk '/^wall/ {print $2, $4 + $6, $8 / 1024}' "$1"; }

row() { # tool workload latency n wall cpu rss log_bytes accuracy
    printf '| %s | %s | %s ms | %s | %.2f | %.1f | %.1f | %.1f | %s | %s |\n' \
        "$1" "$2" "$3" "$4" "$5" "$(echo "$4 / $5" | bc -l)" "$6" "$7" "$8" "$9"
}

bulwark_run() { # workload task-dir url latency connections -> one row
    local out="$work/bulwark-$1-$4-$5"
    /usr/bin/time -f 'wall %e user %U sys %S rss %M' -o "$out.time" \
        "$bin" eval run --task "$2" --base-url "$3" --model mock-model --max-connections "$5" \
        --log-dir "$work/runs" --run-id "$1-$4-$5-$RANDOM$RANDOM" --json >"$out.json" 2>"$out.err"
    read -r wall cpu rss <<<"$(time_of "$out.time")"
    local n acc bytes
    n="$(jq '.counts.completed' "$out.json")"
    acc="$(jq -r '[.metrics | to_entries[] | select(.key | endswith("/overall.accuracy")) | .value.value][0] | . * 1000 | round / 1000' "$out.json")"
    bytes="$(jq -r '.throughput.log_bytes_per_sample | round' "$out.json")"
    row bulwark "$1" "$4" "$n" "$wall" "$cpu" "$rss" "$bytes" "$acc"
    echo "$(jq -r '.throughput.samples_per_second' "$out.json")" >"$out.inrun"
}

bulwark_repeat() { # count workload task-dir url latency connections: rows appended to a file
    local file="$work/rows-$2-$5"
    for _ in $(seq 1 "$1"); do bulwark_run "${@:2}" >>"$file"; done
}

bulwark_median() { # workload latency: the median row, then every run's samples/s
    local file="$work/rows-$1-$2"
    sort -t'|' -k7,7 -g "$file" | sed -n "$(( ($(wc -l <"$file") + 1) / 2 ))p"
    echo "$1 $2 ms, Bulwark runs (samples/s, in order): $(cut -d'|' -f7 "$file" | tr -d ' ' | paste -sd' ')" >>"$work/runs.txt"
}

inspect_run() { # workload task-dir url latency connections
    local out="$work/inspect-$1-$4-$5"
    /usr/bin/time -f 'wall %e user %U sys %S rss %M' -o "$out.time" \
        env OPENAI_API_KEY=mock-key "$venv/bin/python" "$repo/bench/inspect/run_bench.py" "$1" \
        --task-dir "$2" --base-url "$3" --max-connections "$5" --log-dir "$work/inspect-$1-$4" --json >"$out.json"
    read -r wall cpu rss <<<"$(time_of "$out.time")"
    local n acc logfile bytes
    n="$(jq '.samples' "$out.json")"
    acc="$(jq -r '.accuracy | . * 1000 | round / 1000' "$out.json")"
    logfile="$(jq -r '.log' "$out.json")"
    bytes="$(( $(stat -c %s "${logfile#file://}") / n ))"
    row inspect "$1" "$4" "$n" "$wall" "$cpu" "$rss" "$bytes" "$acc"
}

python3 "$repo/bench/gen_eval_tasks.py" --out "$work/tasks" --mc "$mc" --agent "$agent" --force >/dev/null
echo "machine: $(nproc) cores; bulwark $(git -C "$repo" rev-parse --short HEAD); inspect-ai 0.3.285; $conns connections"
echo
echo '| tool | workload | mock latency | samples | wall s | samples/s | CPU s | peak RSS MB | log bytes/sample | accuracy |'
echo '|---|---|---|---|---|---|---|---|---|---|'
before=$(( (repeats + 1) / 2 ))
after=$(( repeats - before ))
for latency in 0 50; do
    start_mock answer "$latency"
    answer_url="$mock_url"
    start_mock tool-then-submit "$latency"
    tool_url="$mock_url"
    for workload in mc agent; do
        if [ "$workload" = mc ]; then url="$answer_url"; else url="$tool_url"; fi
        bulwark_repeat "$before" "$workload" "$work/tasks/bench-$workload" "$url" "$latency" "$conns"
        [ "${SKIP_INSPECT:-0}" = 1 ] || inspect_run "$workload" "$work/tasks/bench-$workload" "$url" "$latency" "$conns" >"$work/inspect-row"
        bulwark_repeat "$after" "$workload" "$work/tasks/bench-$workload" "$url" "$latency" "$conns"
        bulwark_median "$workload" "$latency"
        [ "${SKIP_INSPECT:-0}" = 1 ] || cat "$work/inspect-row"
    done
done
echo
cat "$work/runs.txt"
echo
echo "Bulwark alone:"
python3 "$repo/bench/gen_eval_tasks.py" --out "$work/big" --mc 20000 --agent 1 --force >/dev/null
start_mock answer 50
bulwark_run mc "$work/big/bench-mc" "$mock_url" 50 256 >"$work/bound.row"
echo "latency bound, 50 ms, 256 connections, N = 20,000: $(cat "$work"/bulwark-mc-50-256.inrun) samples/s in the run (bound 5120/s); whole process: $(cat "$work/bound.row")"
start_mock answer 0
bulwark_run mc "$work/tasks/bench-mc" "$mock_url" 0 "$conns" >"$work/small.row"
bulwark_run mc "$work/big/bench-mc" "$mock_url" 0 "$conns" >"$work/large.row"
echo "peak RSS, N = 2,000:  $(cut -d'|' -f9 "$work/small.row") MB"
echo "peak RSS, N = 20,000: $(cut -d'|' -f9 "$work/large.row") MB"
echo
echo "work directory: $work"
