"""Reference solution for a multiple-choice task: prints the answer key's
entry for the sample named by BULWARK_SAMPLE_ID in the `ANSWER: X` form the
`choice` scorer reads."""
import json
import os
import sys


def main() -> int:
    sample_id = os.environ.get("BULWARK_SAMPLE_ID", "")
    if not sample_id:
        print("BULWARK_SAMPLE_ID is not set", file=sys.stderr)
        return 2
    with open("answers.json", encoding="utf-8") as f:
        key = json.load(f)
    entry = key.get(sample_id)
    if entry is None:
        print(f"no reference answer for sample {sample_id!r}", file=sys.stderr)
        return 2
    print(f"ANSWER: {entry['answer']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
