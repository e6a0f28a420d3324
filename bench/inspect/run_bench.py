"""Run a Bulwark benchmark workload through Inspect and report the figures.

  python bench/inspect/run_bench.py mc    --task-dir DIR --base-url URL [options]
  python bench/inspect/run_bench.py agent --task-dir DIR --base-url URL [options]

Runs bulwark_tasks.bulwark_mc / bulwark_agent with `openai/<model>` against
an OpenAI-compatible endpoint (normally `bulwark eval mock-server`), then
prints one line: samples, errors, accuracy, wall seconds and samples per
second (--json for a JSON object). Wall seconds cover Inspect's whole
`eval()` call: task setup, every sample, scoring and writing the log.
Exits non-zero when the evaluation did not succeed.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from inspect_ai import eval as inspect_eval  # noqa: E402
from inspect_ai.log import read_eval_log  # noqa: E402

from bulwark_tasks import bulwark_agent, bulwark_mc  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("workload", choices=["mc", "agent"])
    p.add_argument("--task-dir", required=True, help="a task directory from bench/gen_eval_tasks.py")
    p.add_argument("--base-url", required=True, help="e.g. http://127.0.0.1:8900/v1")
    p.add_argument("--model", default="mock-model", help="model name sent to the endpoint")
    p.add_argument("--limit", type=int, default=None, help="only the first N samples")
    p.add_argument("--max-connections", type=int, default=32, help="concurrent model connections")
    p.add_argument("--max-samples", type=int, default=None, help="samples in flight (default: max-connections)")
    p.add_argument("--log-dir", default="/tmp/inspect-bench-logs", help="where Inspect writes its log")
    p.add_argument("--log-format", choices=["eval", "json"], default="eval")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    args = p.parse_args()

    if not (Path(args.task_dir) / "dataset.jsonl").is_file():
        p.error(f"{args.task_dir} has no dataset.jsonl (write one with bench/gen_eval_tasks.py)")
    # The mock ignores the key, the OpenAI client insists on one.
    os.environ.setdefault("OPENAI_API_KEY", "mock-key")

    make = bulwark_mc if args.workload == "mc" else bulwark_agent
    task = make(task_dir=args.task_dir, limit=args.limit)
    started = time.perf_counter()
    logs = inspect_eval(
        task,
        model=f"openai/{args.model}",
        model_base_url=args.base_url,
        # Chat Completions, as Bulwark and the mock server speak it (Inspect's
        # OpenAI provider would otherwise use the Responses API).
        model_args={"responses_api": False},
        max_connections=args.max_connections,
        max_samples=args.max_samples or args.max_connections,
        max_sandboxes=args.max_samples or args.max_connections,
        log_dir=args.log_dir,
        log_format=args.log_format,
        display="none",
        fail_on_error=False,
    )
    wall = time.perf_counter() - started

    log = logs[0]
    if log.samples is None and log.location:
        log = read_eval_log(log.location)
    samples = log.samples or []
    errors = sum(1 for sample in samples if sample.error is not None)
    accuracy = None
    if log.results and log.results.scores:
        metric = log.results.scores[0].metrics.get("accuracy")
        accuracy = metric.value if metric else None
    report = {
        "workload": args.workload,
        "status": log.status,
        "samples": len(samples),
        "errors": errors,
        "accuracy": accuracy,
        "wall_seconds": round(wall, 3),
        "samples_per_second": round(len(samples) / wall, 2) if wall > 0 else None,
        "log": log.location,
    }
    if args.json:
        print(json.dumps(report))
    else:
        acc = "-" if accuracy is None else f"{accuracy:.3f}"
        print(
            f"inspect {args.workload}: status {log.status}, {len(samples)} samples, {errors} errors, "
            f"accuracy {acc}, {wall:.2f} s wall, {report['samples_per_second']} samples/s; log {log.location}"
        )
    if log.status != "success":
        if log.error:
            print(f"error: {log.error.message}", file=sys.stderr)
        return 1
    if errors:
        first = next(sample for sample in samples if sample.error is not None)
        print(f"error: {errors} samples failed; the first ({first.id}): {first.error.message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
