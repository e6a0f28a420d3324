"""Reference solution for a vulnerability-localisation task: prints the
reviewed answer (CWE and line) for the sample named by BULWARK_SAMPLE_ID."""
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
    print(entry["reason"])
    print(f"ANSWER: {entry['cwe']}:{entry['line']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
