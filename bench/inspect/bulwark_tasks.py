"""Inspect tasks equivalent to Bulwark's benchmark workloads.

Each task reads a Bulwark task directory written by bench/gen_eval_tasks.py
(its dataset.jsonl: id, input, choices, target, files), so Inspect and
`bulwark eval run` solve exactly the same samples. Requires inspect-ai
0.3.285 (see README.md).

  bulwark_mc     single-turn multiple choice: multiple_choice() + choice()
  bulwark_agent  ReAct agent (react()) with a bash tool and submit, in a
                 `local` sandbox, scored with includes()

Both can be run with the Inspect CLI, e.g.

  inspect eval bench/inspect/bulwark_tasks.py@bulwark_mc -T task_dir=/tmp/bench-tasks/bench-mc \\
      --model openai/mock-model --model-base-url http://127.0.0.1:8900/v1

or through run_bench.py, which also prints samples, accuracy and wall seconds.
"""

import json
from pathlib import Path

from inspect_ai import Task, task
from inspect_ai.agent import react
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.scorer import choice, includes
from inspect_ai.solver import multiple_choice
from inspect_ai.tool import Tool, tool
from inspect_ai.util import sandbox


def read_dataset(task_dir: str, limit: int | None = None) -> list[dict]:
    """The first `limit` lines of TASK_DIR/dataset.jsonl, parsed."""
    path = Path(task_dir) / "dataset.jsonl"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no dataset (write one with bench/gen_eval_tasks.py)")
    records = []
    with open(path) as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise ValueError(f"{path}:{number}: not JSON: {e}") from e
            if limit is not None and len(records) >= limit:
                break
    return records


@task
def bulwark_mc(task_dir: str, limit: int | None = None) -> Task:
    """Single-turn multiple choice over a Bulwark task directory."""
    records = read_dataset(task_dir, limit)
    samples = [
        Sample(id=r["id"], input=r["input"], choices=r["choices"], target=r["target"])
        for r in records
    ]
    return Task(
        dataset=MemoryDataset(samples, name=Path(task_dir).name),
        solver=multiple_choice(),
        scorer=choice(),
    )


@tool(name="bash")
def bash_cmd(timeout: int | None = None) -> Tool:
    """Inspect's bash() tool with Bulwark's parameter name.

    Inspect 0.3.285's bash() takes `command`; Bulwark's agent (and the mock
    server's `tool-then-submit` behaviour) call bash with `cmd`. This is the
    same tool -- `bash --login -c CMD` in the sample's sandbox, stderr then
    stdout -- under the argument name the model is told about.
    """

    async def execute(cmd: str) -> str:
        """Use this function to execute bash commands.

        Args:
          cmd: The bash command to execute.

        Returns:
          The output of the command.
        """
        result = await sandbox().exec(cmd=["bash", "--login", "-c", cmd], timeout=timeout)
        output = f"{result.stderr}\n" if result.stderr else ""
        return f"{output}{result.stdout}"

    return execute


@task
def bulwark_agent(task_dir: str, limit: int | None = None) -> Task:
    """ReAct agent with bash and submit over a Bulwark task directory."""
    root = Path(task_dir).resolve()
    records = read_dataset(task_dir, limit)
    samples = [
        Sample(
            id=r["id"],
            input=r["input"],
            target=r["target"],
            # destination in the sandbox -> file in the task directory
            files={dest: str(root / source) for dest, source in r.get("files", {}).items()},
        )
        for r in records
    ]
    return Task(
        dataset=MemoryDataset(samples, name=root.name),
        solver=react(tools=[bash_cmd(timeout=60)], attempts=1),
        scorer=includes(),
        sandbox="local",
        message_limit=10,
    )
