#!/usr/bin/env python3
"""Differential test: Bulwark's CVSS scoring against Red Hat's `cvss` library.

Generates a seeded random set of CVSS 3.1, 3.0 and 4.0 vectors (random
subsets of temporal/threat, environmental and supplemental metrics, `X`
values included), scores each with `cvss.CVSS3` / `cvss.CVSS4` and with the
`cvss_oracle` example of bulwark-formats, and compares every score, the
severity and the canonical vector exactly. Also checks that malformed vectors
are rejected by both. Prints counts and the first mismatches; exits 1 on any
mismatch.

Run through cvss_differential.sh, which builds the oracle and the venv.
"""

import argparse
import json
import random
import subprocess
import sys

import cvss
from cvss import CVSS3, CVSS4

V3_BASE = [
    ("AV", "NALP"), ("AC", "LH"), ("PR", "NLH"), ("UI", "NR"),
    ("S", "UC"), ("C", "HLN"), ("I", "HLN"), ("A", "HLN"),
]
V3_OPTIONAL = [
    ("E", "XHFPU"), ("RL", "XUWTO"), ("RC", "XCRU"),
    ("CR", "XHML"), ("IR", "XHML"), ("AR", "XHML"),
    ("MAV", "XNALP"), ("MAC", "XLH"), ("MPR", "XNLH"), ("MUI", "XNR"),
    ("MS", "XUC"), ("MC", "XHLN"), ("MI", "XHLN"), ("MA", "XHLN"),
]
V4_BASE = [
    ("AV", "NALP"), ("AC", "LH"), ("AT", "NP"), ("PR", "NLH"), ("UI", "NPA"),
    ("VC", "HLN"), ("VI", "HLN"), ("VA", "HLN"),
    ("SC", "HLN"), ("SI", "HLN"), ("SA", "HLN"),
]
V4_THREAT = [("E", "XAPU")]
V4_ENVIRONMENTAL = [
    ("CR", "XHML"), ("IR", "XHML"), ("AR", "XHML"),
    ("MAV", "XNALP"), ("MAC", "XLH"), ("MAT", "XNP"), ("MPR", "XNLH"), ("MUI", "XNPA"),
    ("MVC", "XHLN"), ("MVI", "XHLN"), ("MVA", "XHLN"),
    ("MSC", "XHLN"), ("MSI", "XSHLN"), ("MSA", "XSHLN"),
]
V4_SUPPLEMENTAL = [
    ("S", "XNP"), ("AU", "XNY"), ("R", "XAUI"), ("V", "XDC"), ("RE", "XLMH"),
    ("U", ["X", "Clear", "Green", "Amber", "Red"]),
]


def pick_fields(rng, metrics, probability):
    """Random values for a random subset of optional metrics, in order."""
    return [f"{m}:{rng.choice(list(vals))}" for m, vals in metrics if rng.random() < probability]


def v3_vector(rng, minor):
    fields = [f"{m}:{rng.choice(vals)}" for m, vals in V3_BASE]
    # Some vectors carry every optional metric, most a random subset.
    probability = 1.0 if rng.random() < 0.1 else rng.choice([0.2, 0.4, 0.6])
    fields += pick_fields(rng, V3_OPTIONAL, probability)
    if rng.random() < 0.25:
        rng.shuffle(fields)  # CVSS 3.x readers must accept any order.
    return f"CVSS:3.{minor}/" + "/".join(fields)


def v4_vector(rng):
    fields = [f"{m}:{rng.choice(vals)}" for m, vals in V4_BASE]
    probability = 1.0 if rng.random() < 0.1 else rng.choice([0.15, 0.35, 0.6])
    fields += pick_fields(rng, V4_THREAT, max(probability, 0.5))
    fields += pick_fields(rng, V4_ENVIRONMENTAL, probability)
    fields += pick_fields(rng, V4_SUPPLEMENTAL, probability)
    return "CVSS:4.0/" + "/".join(fields)


def malformed(rng, vector):
    """A mutation of a valid vector that every strict reader must reject."""
    prefix, _, body = vector.partition("/")
    fields = body.split("/")
    kind = rng.choice(["drop", "duplicate", "value", "metric", "trailing", "empty", "prefix"])
    if kind == "drop":
        fields.pop(rng.randrange(8))  # the first 8 fields are mandatory in both versions
    elif kind == "duplicate":
        fields.append(fields[rng.randrange(len(fields))])
    elif kind == "value":
        i = rng.randrange(len(fields))
        fields[i] = fields[i].split(":")[0] + ":Z"
    elif kind == "metric":
        fields.append("ZZ:N")
    elif kind == "trailing":
        return vector + "/"
    elif kind == "empty":
        fields.insert(rng.randrange(1, len(fields)), "")
    else:
        prefix = rng.choice(["CVSS:3.2", "CVSS:2.0", "cvss:3.1", "CVSS:4.1", "CVSS"])
    return prefix + "/" + "/".join(fields)


def reference(vector):
    """Red Hat's result for one vector, in the oracle's JSON shape."""
    try:
        if vector.startswith("CVSS:4.0/"):
            c = CVSS4(vector)
            return {"version": "4.0", "score": c.base_score, "severity": c.severity,
                    "canonical": c.clean_vector()}
        c = CVSS3(vector)
        base, temporal, environmental = c.scores()
        return {"version": f"3.{c.minor_version}", "base": base, "temporal": temporal,
                "environmental": environmental, "severity": c.severities()[0],
                "canonical": c.clean_vector()}
    except cvss.CVSSError as e:
        return {"error": str(e)}


def run_oracle(oracle, vectors):
    proc = subprocess.run([oracle], input="\n".join(vectors) + "\n", capture_output=True,
                          text=True, check=True)
    results = [json.loads(line) for line in proc.stdout.splitlines()]
    if len(results) != len(vectors):
        sys.exit(f"oracle returned {len(results)} lines for {len(vectors)} vectors")
    return results


def compare(expected, actual):
    """The fields that differ (empty when they agree)."""
    if "error" in expected or "error" in actual:
        return [] if ("error" in expected) == ("error" in actual) else ["error"]
    keys = [k for k in expected if k != "vector"]
    return [k for k in keys if expected[k] != actual.get(k)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--oracle", required=True, help="path to the cvss_oracle binary")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--v31", type=int, default=6500, help="random CVSS 3.1 vectors")
    parser.add_argument("--v30", type=int, default=1500, help="random CVSS 3.0 vectors")
    parser.add_argument("--v40", type=int, default=7000, help="random CVSS 4.0 vectors")
    parser.add_argument("--malformed", type=int, default=600, help="malformed vectors")
    parser.add_argument("--exhaustive-base", action="store_true",
                        help="also every CVSS 3.0/3.1 (2x2,592) and 4.0 (104,976) base vector")
    parser.add_argument("--show", type=int, default=10, help="mismatches to print")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    groups = {
        "3.1": [v3_vector(rng, 1) for _ in range(args.v31)],
        "3.0": [v3_vector(rng, 0) for _ in range(args.v30)],
        "4.0": [v4_vector(rng) for _ in range(args.v40)],
    }
    valid = groups["3.1"] + groups["3.0"] + groups["4.0"]
    groups["malformed"] = [malformed(rng, rng.choice(valid)) for _ in range(args.malformed)]
    # CVSS 4.0 requires the specification's metric order; Red Hat's library
    # accepts any order, so out-of-order vectors are checked on our side only.
    shuffled = []
    for vector in rng.sample(groups["4.0"], min(300, len(groups["4.0"]))):
        prefix, _, body = vector.partition("/")
        fields = body.split("/")
        while fields == body.split("/"):
            rng.shuffle(fields)
        shuffled.append(prefix + "/" + "/".join(fields))
    if args.exhaustive_base:
        add_exhaustive(groups)

    everything = [v for name in groups for v in groups[name]] + shuffled
    results = run_oracle(args.oracle, everything)
    ours = dict(zip(everything, results))

    failures = []
    print(f"cvss (Red Hat) {cvss.__version__}, seed {args.seed}")
    for name, vectors in groups.items():
        agree = skipped = 0
        for vector in vectors:
            expected, actual = reference(vector), ours[vector]
            if name != "malformed" and "error" in expected:
                failures.append((vector, ["reference rejected a generated vector"], expected, actual))
            elif name == "malformed" and "error" not in expected:
                skipped += 1  # e.g. a dropped optional metric: still valid, not a test
                continue
            diff = compare(expected, actual)
            if diff:
                failures.append((vector, diff, expected, actual))
            else:
                agree += 1
        note = f" ({skipped} mutations still valid, skipped)" if skipped else ""
        print(f"  {name:>16}: {len(vectors):6d} vectors, {agree:6d} agree{note}")
    rejected = sum(1 for v in shuffled if "error" in ours[v])
    print(f"  {'4.0 out of order':>16}: {len(shuffled):6d} vectors, {rejected:6d} rejected by us "
          "(Red Hat accepts any order)")
    if rejected != len(shuffled):
        failures.append(("4.0 out of order", ["accepted"], {}, {}))

    total = sum(len(v) for v in groups.values()) + len(shuffled)
    print(f"total: {total} vectors compared, {len(failures)} mismatches")
    for vector, diff, expected, actual in failures[: args.show]:
        print(f"MISMATCH {vector}\n  fields: {diff}\n  cvss:   {expected}\n  ours:   {actual}")
    return 1 if failures else 0


def add_exhaustive(groups):
    import itertools

    def product(metrics):
        for values in itertools.product(*[list(v) for _, v in metrics]):
            yield "/".join(f"{m}:{v}" for (m, _), v in zip(metrics, values))

    groups["3.1 all base"] = ["CVSS:3.1/" + b for b in product(V3_BASE)]
    groups["3.0 all base"] = ["CVSS:3.0/" + b for b in product(V3_BASE)]
    groups["4.0 all base"] = ["CVSS:4.0/" + b for b in product(V4_BASE)]


if __name__ == "__main__":
    sys.exit(main())
