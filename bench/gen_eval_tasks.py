#!/usr/bin/env python3
"""Write the evaluation benchmark's task directories (Bulwark format).

Both sides of a Bulwark-vs-Inspect comparison read these directories:
`bulwark eval run --task DIR` directly, and bench/inspect/*.py through their
dataset.jsonl. Standard library only; deterministic for a given --seed.

  bench-mc/     single-turn multiple choice: N samples, 4 choices each. Each
                input carries a `MOCK-ANSWER: ANSWER: X` line, so the mock
                server's `answer` behaviour replies with X: the target letter
                for round(N * correct) samples, another letter for the rest.
  bench-agent/  agent with bash + submit: M samples, each with its own
                flag.txt copied into the sandbox. The input carries
                `MOCK-CMD: cat flag.txt` (the mock's first tool call) and
                `MOCK-ANSWER: <flag>` (what it submits next): the real flag
                for round(M * correct) samples, a wrong one for the rest.

Usage:
  python3 bench/gen_eval_tasks.py --out /tmp/bench-tasks --mc 1000 --agent 100
"""

import argparse
import json
import random
import shutil
import sys
from pathlib import Path

MC_TOML = """id = "bench-mc"
version = "1"
category = "knowledge"
description = "Benchmark workload: single-turn multiple choice answered by the mock server."

[solver]
kind = "single_turn"
prompt_template = "{input}\\n\\n{choices}"

[[scorers]]
kind = "choice"
"""

AGENT_TOML = """id = "bench-agent"
version = "1"
category = "forensics"
description = "Benchmark workload: read flag.txt with bash, then submit the flag."

[solver]
kind = "agent"
tools = ["bash", "submit"]
max_attempts = 1

[solver.limits]
messages = 10
wall_seconds = 60

[[scorers]]
kind = "includes"
"""

LETTERS = "ABCD"


def correct_set(n: int, fraction: float, rng: random.Random) -> set:
    """Exactly round(n * fraction) sample indices, chosen at random."""
    indices = list(range(n))
    rng.shuffle(indices)
    return set(indices[: round(n * fraction)])


def write_mc(out: Path, n: int, fraction: float, rng: random.Random) -> int:
    task = out / "bench-mc"
    task.mkdir(parents=True)
    (task / "task.toml").write_text(MC_TOML)
    right = correct_set(n, fraction, rng)
    with open(task / "dataset.jsonl", "w") as f:
        for i in range(n):
            port = 1000 + i
            target = rng.randrange(4)
            choices = [str(port + 7 * (k - target)) for k in range(4)]
            reply = target if i in right else (target + 1 + rng.randrange(3)) % 4
            sample = {
                "id": f"mc-{i:05d}",
                "input": f"Question {i}: which port does service {i} listen on?\n"
                f"MOCK-ANSWER: ANSWER: {LETTERS[reply]}",
                "choices": choices,
                "target": LETTERS[target],
            }
            f.write(json.dumps(sample) + "\n")
    return len(right)


def write_agent(out: Path, n: int, fraction: float, rng: random.Random) -> int:
    task = out / "bench-agent"
    (task / "files").mkdir(parents=True)
    (task / "task.toml").write_text(AGENT_TOML)
    right = correct_set(n, fraction, rng)
    with open(task / "dataset.jsonl", "w") as f:
        for i in range(n):
            flag = f"flag{{bench-{i:05d}-{rng.getrandbits(32):08x}}}"
            source = f"files/flag-{i:05d}.txt"
            (task / source).write_text(flag + "\n")
            submitted = flag if i in right else f"flag{{wrong-{i:05d}}}"
            sample = {
                "id": f"agent-{i:05d}",
                "input": "Find the flag in flag.txt and submit it.\n"
                "MOCK-CMD: cat flag.txt\n"
                f"MOCK-ANSWER: {submitted}",
                "target": flag,
                "files": {"flag.txt": source},
            }
            f.write(json.dumps(sample) + "\n")
    return len(right)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, type=Path, help="directory to write the task directories into")
    p.add_argument("--mc", type=int, default=1000, help="multiple-choice samples (0: no task)")
    p.add_argument("--agent", type=int, default=100, help="agent samples (0: no task)")
    p.add_argument("--correct", type=float, default=0.7, help="fraction the mock answers correctly")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--force", action="store_true", help="replace existing task directories")
    args = p.parse_args()
    if not 0.0 <= args.correct <= 1.0:
        p.error("--correct must be between 0 and 1")
    if args.mc < 0 or args.agent < 0:
        p.error("sample counts must not be negative")
    for name, n in (("bench-mc", args.mc), ("bench-agent", args.agent)):
        target = args.out / name
        if n and target.exists():
            if not args.force:
                p.error(f"{target} exists (use --force to replace it)")
            shutil.rmtree(target)
    rng = random.Random(args.seed)
    if args.mc:
        right = write_mc(args.out, args.mc, args.correct, rng)
        print(f"{args.out / 'bench-mc'}: {args.mc} samples, {right} answered correctly by the mock")
    if args.agent:
        right = write_agent(args.out, args.agent, args.correct, rng)
        print(f"{args.out / 'bench-agent'}: {args.agent} samples, {right} answered correctly by the mock")
    return 0


if __name__ == "__main__":
    sys.exit(main())
