"""Validate a Bulwark Inspect export with inspect-ai itself.

Run by check_export.sh inside a virtual environment holding
inspect-ai==0.3.285. For each LOGFILE:

  1. `inspect_ai.log.read_eval_log(LOGFILE)` parses it into Inspect's
     pydantic models (the same validation `inspect view` relies on);
  2. the header-only read (`header_only=True`, the streaming path the log
     list of `inspect view` uses) agrees with the full read;
  3. every sample's messages, tool calls, scores and events are the types
     Inspect expects, tool messages answer a tool call of an earlier
     assistant message, and errored samples carry their error.

Prints a one-line summary per file and exits non-zero on the first failure.
"""

import sys

from inspect_ai.log import read_eval_log
from inspect_ai.model import ChatMessageAssistant, ChatMessageTool


def fail(path: str, why: str) -> None:
    print(f"FAIL {path}: {why}", file=sys.stderr)
    sys.exit(1)


def check(path: str) -> None:
    log = read_eval_log(path)
    header = read_eval_log(path, header_only=True)
    if header.samples is not None:
        fail(path, "header-only read returned samples")
    if header.eval.task != log.eval.task or header.status != log.status:
        fail(path, "header-only read disagrees with the full read")
    if header.results is None or log.results is None:
        fail(path, "no results")
    samples = log.samples or []
    tool_calls = tool_results = errors = events = 0
    for sample in samples:
        call_ids = set()
        for message in sample.messages:
            if isinstance(message, ChatMessageAssistant):
                for call in message.tool_calls or []:
                    if not isinstance(call.arguments, dict):
                        fail(path, f"sample {sample.id}: tool call arguments are not a dict")
                    call_ids.add(call.id)
                    tool_calls += 1
            elif isinstance(message, ChatMessageTool):
                if message.tool_call_id not in call_ids:
                    fail(path, f"sample {sample.id}: tool result {message.tool_call_id} answers no earlier call")
                tool_results += 1
        if sample.error is not None:
            errors += 1
            if not sample.error.message:
                fail(path, f"sample {sample.id}: error without a message")
        for score in (sample.scores or {}).values():
            if score.value not in ("C", "I") and not isinstance(score.value, (int, float)):
                fail(path, f"sample {sample.id}: unexpected score value {score.value!r}")
        events += len(sample.events)
    headline = log.results.scores[0] if log.results.scores else None
    metrics = (
        ", ".join(f"{k}={v.value:.4f}" for k, v in headline.metrics.items()) if headline else "no scores"
    )
    print(
        f"OK {path}: status={log.status} task={log.eval.task} model={log.eval.model} "
        f"samples={len(samples)} errors={errors} tool_calls={tool_calls} tool_results={tool_results} "
        f"events={events} scorer={headline.name if headline else '-'} {metrics}"
    )


def main() -> int:
    if len(sys.argv) < 2:
        print("usage: check_export.py LOGFILE...", file=sys.stderr)
        return 2
    for path in sys.argv[1:]:
        try:
            check(path)
        except SystemExit:
            raise
        except Exception as e:  # noqa: BLE001 - report any parse failure plainly
            fail(path, f"{type(e).__name__}: {e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
