#!/usr/bin/env python3
"""Differential test: Bulwark's version orders against the PyPI library univers.

Generates a deterministic (seeded) set of cases across ecosystems -- pairwise
comparisons and OSV range membership -- asks Bulwark (the `version_oracle`
example, JSON lines on stdin/stdout) and univers, and reports agreement per
ecosystem and operation. Exits non-zero on any disagreement that is not an
explicit, documented exclusion (see EXCLUSIONS), and on any disagreement
between Bulwark and the reference tools dpkg and rpm where they are installed.

Run it through univers_differential.sh, which pins univers and builds the
oracle. Range cases are OSV events (shuffled, since OSV does not require them
sorted). For univers, the same events are sorted in univers's order and
turned into `vers` constraints (`>=`, `<`, `<=`), evaluated with univers's
containment algorithm; `limit` events become extra `<` ranges of which one
must hold, listed `versions` become `=` constraints.
"""

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from functools import cmp_to_key

from univers import versions as uv
from univers.version_constraint import VersionConstraint
from univers.version_range import RANGE_CLASS_BY_SCHEMES

SEED = 4402024
UNIVERS_VERSION = "32.0.1"

# ---------------------------------------------------------------- generators


def pick(r, *choices):
    return r.choice(choices)


def gen_pypi(r):
    s = ""
    if r.random() < 0.05:
        s += pick(r, "v", "V")
    if r.random() < 0.08:
        s += f"{pick(r, 0, 1, 2)}!"
    s += ".".join(str(pick(r, 0, 0, 1, 1, 2, 3, 10, 11, 2024)) for _ in range(pick(r, 1, 2, 2, 3, 3, 4)))
    if r.random() < 0.35:
        s += pick(r, "", "", ".", "-", "_")
        s += pick(r, "a", "b", "rc", "alpha", "beta", "c", "pre", "preview", "A", "RC", "Beta")
        s += pick(r, "", "0", "1", "1", "2", "10", ".1", "-2")
    if r.random() < 0.25:
        if r.random() < 0.3:
            s += "-" + pick(r, "0", "1", "3")
        else:
            s += pick(r, ".post", "post", "-post", "_post", ".rev", "r", "-r", ".POST")
            s += pick(r, "", "0", "1", "3", "12")
    if r.random() < 0.25:
        s += pick(r, ".dev", "dev", "-dev", "_dev", ".DEV") + pick(r, "", "0", "1", "5")
    if r.random() < 0.15:
        s += "+" + pick(r, "local", "ubuntu.1", "ubuntu-1", "abc.5", "abc.7", "5", "7", "abc", "1.2", "A.b", "deb_11", "01")
    return s


def mutate_pypi(r, s):
    """Near-valid spellings: both sides must reject these."""
    return pick(r, s + ".", "." + s, s + "+", s + "a1a", s + "-", s + "x", s + "+a..b", s + "!", "abc" + s, s.replace(".", "..", 1) if "." in s else s + "..1")


def gen_deb(r):
    s = pick(r, "", "", "", "", "1:", "2:", "0:", "10:")
    s += str(pick(r, 0, 1, 1, 2, 3, 10))
    for _ in range(pick(r, 0, 1, 2, 3, 3, 4)):
        s += pick(
            r, ".0", ".1", ".2", ".10", "~rc1", "~rc2", "~", "~~", "~beta1", "+dfsg", "+dfsg1",
            "a", "b", "+", ".", "p1", "+git20200101", "+really1.0", "A", "ubuntu",
        )
    if r.random() < 0.7:
        if r.random() < 0.05:
            s += "-" + pick(r, "1", "beta")  # a hyphen inside the upstream part
        s += "-" + pick(
            r, "1", "0", "2", "10", "1ubuntu1", "0ubuntu0.1", "1~bpo11+1", "1+b1", "1.1", "1~rc",
            "3+deb12u1", "1build1", "0.1~",
        )
    return s


def mutate_deb(r, s):
    return pick(r, "a" + s, s + "_x", ":" + s, s + ":1", "x:" + s, s + "-a_b", "~" + s, s + "é")


def gen_rpm(r):
    s = pick(r, "", "", "", "0:", "1:", "2:")
    s += str(pick(r, 0, 1, 1, 2, 5, 10))
    for _ in range(pick(r, 0, 1, 2, 3, 4)):
        s += pick(
            r, ".0", ".1", ".2", ".10", ".001", "~rc1", "~rc2", "~", "^git1", "^20200101", "^",
            "a", "b", "p1", "_1", "+1", ".fc38", "~~",
        )
    if r.random() < 0.75:
        s += "-" + pick(r, "1", "2", "0.1", "1.el8", "1.el8_9", "2.el8", "1.fc38", "0.1.rc1", "3~beta", "1^post1", "10", "1.el9", "el8")
    return s


MAVEN_WORDS = (
    "alpha", "beta", "milestone", "rc", "cr", "RC", "CR", "SNAPSHOT", "snapshot", "ga", "GA",
    "final", "Final", "FINAL", "sp", "SP", "RELEASE", "release", "abc", "xyz", "jre", "android",
    "M", "m", "a", "b", "0", "1", "2", "10",
)


def gen_maven(r):
    s = ".".join(str(pick(r, 0, 1, 1, 2, 3, 10)) for _ in range(pick(r, 1, 2, 3, 3, 4)))
    if r.random() < 0.05:
        return s + "-" + pick(r, "20200101.123456-1", "20200101.123456-2", "20210101.000000-1")
    for _ in range(pick(r, 0, 0, 1, 1, 2)):
        s += pick(r, "-", "-", ".", "") + r.choice(MAVEN_WORDS) + pick(r, "", "", "1", "2", "10", "-1", ".1", "-0")
    return s


SEMVER_PRE = (
    "alpha", "beta", "rc", "0", "1", "2", "11", "alpha.1", "alpha.beta", "beta.2", "beta.11",
    "rc.1", "x-y", "a-b", "1a", "0.3.7", "x.7.z.92", "RC.1",
)


def gen_semver(r, v_prefix=False):
    s = f"{pick(r, 0, 0, 1, 1, 2, 10)}.{pick(r, 0, 0, 1, 2, 10)}.{pick(r, 0, 0, 1, 2, 11)}"
    if r.random() < 0.4:
        s += "-" + r.choice(SEMVER_PRE)
    if r.random() < 0.1:
        s += "+" + pick(r, "build.1", "001", "exp.sha.5114f85", "x")
    if v_prefix and r.random() < 0.1:
        s = "v" + s
    return s


def gen_npm(r):
    return gen_semver(r, v_prefix=True)


def gen_go(r):
    prefix = "v" if r.random() < 0.7 else ""
    kind = r.random()
    ts = pick(r, "20191109021931", "20200101000000", "20210315120000")
    rev = pick(r, "daa7c04131f5", "000000000000", "abcdef123456")
    if kind < 0.2:
        base = pick(r, "0.0.0-", "1.2.4-0.", "1.3.0-rc.1.0.", "2.0.0-0.")
        return f"{prefix}{base}{ts}-{rev}"
    if kind < 0.3:
        return prefix + pick(r, "0", "1", "2", "1.2", "0.1", "1.0")
    s = gen_semver(r).split("+")[0]
    if r.random() < 0.1:
        s += "+incompatible"
    return prefix + s


def gen_generic(r):
    # univers's `generic` vers scheme orders versions as (coerced) SemVer, so
    # the shared domain is 1 to 3 numeric components.
    return ".".join(pick(r, "0", "1", "2", "3", "10", "01", "007") for _ in range(pick(r, 1, 2, 3)))


class Eco:
    """An ecosystem under test: the oracle's name, univers's vers scheme and
    version class, its generator and OSV range types."""

    def __init__(self, name, scheme, generate, range_types, mutate=None):
        self.name = name
        self.scheme = scheme
        self.range_class = RANGE_CLASS_BY_SCHEMES[scheme]
        self.version_class = self.range_class.version_class
        self.generate = generate
        self.range_types = range_types
        self.mutate = mutate


ECOSYSTEMS = [
    Eco("pypi", "pypi", gen_pypi, ["ECOSYSTEM"], mutate_pypi),
    Eco("deb", "deb", gen_deb, ["ECOSYSTEM"], mutate_deb),
    Eco("rpm", "rpm", gen_rpm, ["ECOSYSTEM"]),
    Eco("maven", "maven", gen_maven, ["ECOSYSTEM"]),
    Eco("npm", "npm", gen_npm, ["ECOSYSTEM", "SEMVER"]),
    Eco("cargo", "cargo", lambda r: gen_semver(r), ["ECOSYSTEM", "SEMVER"]),
    Eco("golang", "golang", gen_go, ["SEMVER"]),
    Eco("generic", "generic", gen_generic, ["ECOSYSTEM"]),
]

# ---------------------------------------------------------------- univers side


class Univers:
    """univers's answers for one ecosystem. `fix`, when given, builds the
    version objects instead of the plain version class: the exclusions use it
    to correct one univers defect and see whether the answer changes."""

    def __init__(self, eco, fix=None):
        self.eco = eco
        self.fix = fix

    def version(self, text):
        try:
            return self.fix(self.eco, text) if self.fix else self.eco.version_class(text)
        except Exception:  # univers raises InvalidVersion, ValueError, TypeError, ...
            return None

    def answer(self, case):
        if case["op"] == "compare":
            va, vb = self.version(case["a"]), self.version(case["b"])
            return "error" if va is None or vb is None else u_cmp(va, vb)
        return self.affected(case)

    def contains(self, version, constraints):
        """Membership in a vers range, by univers's containment algorithm."""
        cs = sorted(VersionConstraint(comparator=c, version=self.version(v)) for c, v in constraints)
        return version in self.eco.range_class(constraints=cs)

    def affected(self, case):
        v = self.version(case["version"])
        if v is None:
            return "error"
        listed = [x for x in case.get("versions", []) if self.version(x) is not None]
        if listed and self.contains(v, [("=", x) for x in listed]):
            return True
        for rng in case["ranges"]:
            constraints, limits = self.osv_to_vers(rng["events"])
            inside = constraints == "*" or (constraints is not None and self.contains(v, constraints))
            if inside and limits and "*" not in limits:
                inside = any(self.contains(v, [("<", limit)]) for limit in limits)
            if inside:
                return True
        return False

    def osv_to_vers(self, events):
        """OSV events as vers constraints: the events sorted in univers's
        order (`introduced: "0"` first), walked as OSV's evaluation does,
        each affected interval becoming `>=lo` and `<hi` (`fixed`) or `<=hi`
        (`last_affected`). Returns (constraints, "*" or None, limits)."""
        limits = [v for e in events for k, v in e.items() if k == "limit"]
        walk = [(k, v) for e in events for k, v in e.items() if k != "limit"]

        def order(x, y):
            zx, zy = x == ("introduced", "0"), y == ("introduced", "0")
            if zx or zy:
                return zy - zx
            return u_cmp(self.version(x[1]), self.version(y[1]))

        walk.sort(key=cmp_to_key(order))
        constraints, is_open = [], False
        for kind, text in walk:
            if kind == "introduced" and not is_open:
                if text != "0":
                    constraints.append((">=", text))
                is_open = True
            elif kind != "introduced" and is_open:
                constraints.append(("<" if kind == "fixed" else "<=", text))
                is_open = False
        if not constraints:
            return ("*" if is_open else None), limits
        return constraints, limits


def u_version(eco, text):
    return Univers(eco).version(text)


def u_cmp(a, b):
    return (a > b) - (a < b)


# ---------------------------------------------------------------- cases


def distinct_sorted(eco, r, pool, k):
    """k versions from the pool, pairwise unequal under univers, sorted."""
    chosen = []
    # A bound spelled "0" would be OSV's special `introduced: "0"` (before
    # every version), not the version 0: keep it out of ranges.
    for text in r.sample([t for t in pool if t != "0"], min(len(pool), 4 * k)):
        obj = u_version(eco, text)
        if obj is not None and all(u_cmp(obj, o) != 0 for _, o in chosen):
            chosen.append((text, obj))
        if len(chosen) == k:
            break
    chosen.sort(key=cmp_to_key(lambda x, y: u_cmp(x[1], y[1])))
    return [t for t, _ in chosen]


def make_range(eco, r, pool):
    """An OSV range over distinct bounds: introduced/closing events
    alternating in univers's order, optionally from "0" and with a limit."""
    bounds = distinct_sorted(eco, r, pool, pick(r, 1, 2, 2, 3, 4, 5))
    closing = "last_affected" if r.random() < 0.3 else "fixed"
    events = []
    is_open = r.random() < 0.35
    if is_open:
        events.append({"introduced": "0"})
    for b in bounds:
        events.append({closing: b} if is_open else {"introduced": b})
        is_open = not is_open
    limit = None
    roll = r.random()
    if roll < 0.12:
        limit = r.choice(pool)
    elif roll < 0.16:
        limit = "*"
    if limit is not None:
        events.append({"limit": limit})
    r.shuffle(events)
    return {"type": r.choice(eco.range_types), "events": events}, bounds


def make_cases(eco, r, n_compare, n_affected):
    pool = [eco.generate(r) for _ in range(300)]
    cases = []
    for _ in range(n_compare):
        a = r.choice(pool)
        b = r.choice(pool) if r.random() < 0.85 else a
        if eco.mutate and r.random() < 0.05:
            a = eco.mutate(r, a)
        cases.append({"op": "compare", "ecosystem": eco.name, "a": a, "b": b})
    for _ in range(n_affected):
        ranges, bounds = [], []
        for _ in range(pick(r, 1, 1, 1, 2)):
            rng, bs = make_range(eco, r, pool)
            ranges.append(rng)
            bounds += bs
        versions = r.sample(pool, pick(r, 1, 2)) if r.random() < 0.15 else []
        near = bounds + versions
        version = r.choice(near) if near and r.random() < 0.4 else r.choice(pool)
        case = {"op": "affected", "ecosystem": eco.name, "version": version, "ranges": ranges}
        if versions:
            case["versions"] = versions
        cases.append(case)
    return cases


def case_versions(case):
    if case["op"] == "compare":
        return [case["a"], case["b"]]
    out = [case["version"]] + case.get("versions", [])
    for rng in case["ranges"]:
        out += [v for e in rng["events"] for v in e.values() if v not in ("0", "*")]
    return out


# ---------------------------------------------------------------- exclusions
#
# Inputs on which univers itself is demonstrably wrong. Each exclusion names
# a univers defect and a correction of it; a case is excluded only when the
# correction changes univers's answer (so the defect decides it), and is then
# checked against the corrected answer instead. Which cases are excluded
# never depends on Bulwark's answers.


def strip_build(text):
    """SemVer 2.0 section 10: build metadata MUST be ignored when determining
    precedence. univers orders it inconsistently: `1.0.0+a` is neither <, ==
    nor > `1.0.0` (its `==` compares the build, its `<`/`>` do not), so its
    vers containment, which tests `==` first, puts `1.0.0+a` outside
    `>=1.0.0|<2.0.0`. Correction: drop the build metadata."""
    return text.split("+", 1)[0]


def release_as_ga(text):
    """Maven's ComparableVersion aliases `release` to the empty qualifier like
    `ga` and `final` (maven-artifact 3.8.7: `1.0-release == 1.0`; the POM
    reference's version order lists it); univers 32.0.1 treats `release` as
    an unknown qualifier, after `sp`. Correction: spell it `ga` where it is
    a whole qualifier (a run of letters; `releaseFinal` is another word)."""
    return re.sub("(?<![a-z])release(?![a-z])", "ga", text, flags=re.IGNORECASE)


def maven_normalised(version):
    """Maven's ListItem.normalize() runs on every list: it drops empty
    sub-lists and then trailing null items (maven-artifact 3.8.7: `1-a-0` has
    tokens `[1, [a]]`). univers normalises nested lists only before they get
    a sub-list and keeps `[1, ['a', []]]`; its empty list then compares greater
    than a qualifier where Maven's missing item compares as the release
    qualifier (univers: `1-a-0 > 1-a.b`, Maven: `1-a-0 < 1-a.b`). Correction:
    apply Maven's normalisation to univers's parse."""

    def normalise(items):
        items = [normalise(i) if isinstance(i, tuple) else i for i in items]
        i = len(items) - 1
        while i >= 0:
            if items[i] in (0, "", ()):
                del items[i]
            elif not isinstance(items[i], tuple):
                break
            i -= 1
        return tuple(items)

    version.value._parsed = normalise(version.value._parsed)
    return version


# (name, ecosystems, correction of the text, correction of the parsed object)
EXCLUSIONS = [
    ("semver-build-metadata", {"npm", "cargo", "golang"}, strip_build, None),
    ("maven-release-alias", {"maven"}, release_as_ga, None),
    ("maven-empty-sublist", {"maven"}, None, maven_normalised),
]


def corrector(fixes):
    """A version builder applying several corrections together."""

    def build(eco, text):
        for fix_text, _ in fixes:
            text = fix_text(text) if fix_text else text
        version = eco.version_class(text)
        for _, fix_object in fixes:
            version = fix_object(version) if fix_object else version
        return version

    return build


def univers_corrected(eco, case, fixes):
    try:
        return Univers(eco, corrector(fixes)).answer(case)
    except Exception:
        # The correction reorders the range's bounds, so univers's vers
        # constraints built from them are no longer valid: the case cannot be
        # checked against univers at all.
        return UNCHECKABLE


def corrected_answer(eco, case, raw):
    """(exclusion names, univers's answer with every correction for the
    ecosystem applied) when a univers defect decides this case, else None."""
    mine = [(name, t, o) for name, ecos, t, o in EXCLUSIONS if eco.name in ecos]
    if not mine:
        return None
    fixed = univers_corrected(eco, case, [(t, o) for _, t, o in mine])
    if fixed == raw:
        return None
    # Name the corrections that change the answer on their own (or all).
    names = [n for n, t, o in mine if univers_corrected(eco, case, [(t, o)]) != raw]
    return "+".join(names or [n for n, _, _ in mine]), fixed


UNCHECKABLE = "not checkable"


# Inputs without a defined answer, left out of the comparison.


def maven_not_transitive(eco, case):
    """Maven's order is not transitive on some spellings, for example with a
    qualifier after a dot: `1.jre < 1alpha1 < 1 < 1.jre` in maven-artifact
    3.8.7, univers and Bulwark alike. OSV evaluation sorts a range's events,
    which is undefined when the event versions and the version under test are
    not totally ordered, so such range cases have no defined answer. Checked
    in univers's order as is and as corrected by EXCLUSIONS (Bulwark's)."""
    if case["op"] != "affected":
        return False
    fixes = [(t, o) for _, ecos, t, o in EXCLUSIONS if eco.name in ecos]
    for builder in (Univers(eco), Univers(eco, corrector(fixes))):
        objs = [v for v in (builder.version(t) for t in case_versions(case)) if v is not None]
        if not totally_ordered(objs):
            return True
    return False


def totally_ordered(objs):
    """Whether univers's comparisons on these versions are antisymmetric and
    transitive."""
    for a in objs:
        for b in objs:
            ab = u_cmp(a, b)
            if ab != -u_cmp(b, a):
                return False
            if ab > 0:
                continue
            for c in objs:
                if u_cmp(b, c) <= 0 and u_cmp(a, c) > 0:
                    return False
    return True


UNDEFINED = [("maven-not-transitive", {"maven"}, maven_not_transitive)]


def undefined_reason(eco, case):
    for name, ecos, pred in UNDEFINED:
        if eco.name in ecos and pred(eco, case):
            return name
    return None


# ---------------------------------------------------------------- reference tools


def check_dpkg(cases, answers, limit):
    """Bulwark against `dpkg --compare-versions` on a sample of deb pairs."""
    if not shutil.which("dpkg"):
        return None
    checked = bad = 0
    mismatches = []
    for case, ans in zip(cases, answers):
        if case["op"] != "compare" or case["ecosystem"] != "deb" or "result" not in ans:
            continue
        a, b = case["a"], case["b"]
        def rel(op):
            return subprocess.run(["dpkg", "--compare-versions", a, op, b], capture_output=True).returncode == 0
        ref = -1 if rel("lt") else (0 if rel("eq") else 1)
        checked += 1
        if ref != ans["result"]:
            bad += 1
            mismatches.append((a, b, ans["result"], ref))
        if checked >= limit:
            break
    return checked, bad, mismatches


def check_rpm(cases, answers, limit):
    """Bulwark against rpm's own EVR comparison (`rpm.ver` in rpm's Lua)."""
    if not shutil.which("rpm"):
        return None
    pairs = [
        (c["a"], c["b"], ans["result"])
        for c, ans in zip(cases, answers)
        if c["op"] == "compare" and c["ecosystem"] == "rpm" and "result" in ans
    ][:limit]
    lua = "".join(
        f'do local a, b = rpm.ver([[{a}]]), rpm.ver([[{b}]]); print((a < b and -1 or (a == b and 0 or 1)) .. "\\n") end '
        for a, b, _ in pairs
    )
    out = subprocess.run(["rpm", "--eval", "%{lua: " + lua + "}"], capture_output=True, text=True)
    refs = [int(x) for x in out.stdout.split()]
    if out.returncode != 0 or len(refs) != len(pairs):
        return None
    mismatches = [(a, b, ours, ref) for (a, b, ours), ref in zip(pairs, refs) if ours != ref]
    return len(pairs), len(mismatches), mismatches


# ---------------------------------------------------------------- main


def oracle_answers(oracle, cases):
    lines = "".join(json.dumps({k: v for k, v in c.items() if not k.startswith("_")}) + "\n" for c in cases)
    out = subprocess.run([oracle], input=lines, capture_output=True, text=True, check=True)
    answers = [json.loads(line) for line in out.stdout.splitlines()]
    if len(answers) != len(cases):
        sys.exit(f"oracle answered {len(answers)} of {len(cases)} cases")
    return answers


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--oracle", required=True, help="path to the built version_oracle example")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--compare", type=int, default=2000, help="compare cases per ecosystem")
    ap.add_argument("--affected", type=int, default=1000, help="range cases per ecosystem")
    ap.add_argument("--show", type=int, default=5, help="disagreements shown per ecosystem and op")
    args = ap.parse_args()

    r = random.Random(args.seed)
    by_name = {e.name: e for e in ECOSYSTEMS}
    cases = [c for eco in ECOSYSTEMS for c in make_cases(eco, r, args.compare, args.affected)]
    answers = oracle_answers(args.oracle, cases)

    stats = defaultdict(Counter)
    excluded = Counter()
    excluded_disagreeing = Counter()
    unchecked = Counter()
    undefined = Counter()
    shown = defaultdict(list)
    for case, ans in zip(cases, answers):
        eco = by_name[case["ecosystem"]]
        ours = ans.get("result", "error")
        key = (eco.name, case["op"])
        stats[key]["cases"] += 1
        undefined_case = undefined_reason(eco, case)
        if undefined_case:
            stats[key]["undefined"] += 1
            undefined[undefined_case] += 1
            continue
        theirs = Univers(eco).answer(case)
        correction = corrected_answer(eco, case, theirs)
        if correction:
            reason, corrected = correction
            stats[key]["excluded"] += 1
            excluded[reason] += 1
            if corrected == UNCHECKABLE:
                unchecked[reason] += 1
            elif ours != corrected:
                excluded_disagreeing[reason] += 1
                stats[key]["disagree"] += 1
                shown[key].append((case, ours, f"{corrected!r} (corrected for {reason})", ans.get("error")))
            continue
        if ours == theirs:
            stats[key]["agree"] += 1
            stats[key]["both-invalid"] += ours == "error"
        else:
            stats[key]["disagree"] += 1
            shown[key].append((case, ours, theirs, ans.get("error")))

    print(f"univers {UNIVERS_VERSION}, seed {args.seed}, {len(cases)} cases\n")
    columns = ["cases", "agree", "excluded", "undefined", "disagree", "both-invalid"]
    print(f"{'ecosystem':<10} {'op':<9}" + "".join(f" {c:>12}" for c in columns))
    totals = Counter()
    for (name, op), row in sorted(stats.items()):
        totals.update(row)
        print(f"{name:<10} {op:<9}" + "".join(f" {row[c]:>12}" for c in columns))
    print(f"{'total':<20}" + "".join(f" {totals[c]:>12}" for c in columns))
    print("(both-invalid: both sides reject the version(s); counted in agree)")

    if excluded:
        print("\nexclusions (a univers defect decides the case; see EXCLUSIONS in this script):")
        for name in sorted(excluded):
            if excluded[name]:
                agreed = excluded[name] - excluded_disagreeing[name] - unchecked[name]
                print(
                    f"  {name}: {excluded[name]} cases; Bulwark agrees with corrected univers on {agreed}, "
                    f"disagrees on {excluded_disagreeing[name]}; {unchecked[name]} not checkable "
                    "(the correction reorders a range's bounds)"
                )

    if undefined:
        print("\nundefined inputs (no defined answer; see UNDEFINED in this script):")
        for name, count in sorted(undefined.items()):
            print(f"  {name}: {count} cases")

    failed = totals["disagree"] > 0
    for key, rows in sorted(shown.items()):
        print(f"\nfirst disagreements, {key[0]} {key[1]}:")
        for case, ours, theirs, err in rows[: args.show]:
            public = {k: v for k, v in case.items() if not k.startswith("_")}
            print(f"  bulwark={ours!r} univers={theirs!r} {json.dumps(public)}" + (f"  ({err})" if err else ""))

    print("\nreference tools:")
    for label, check in (("dpkg --compare-versions", check_dpkg), ("rpm (rpm.ver)", check_rpm)):
        result = check(cases, answers, 1000)
        if result is None:
            print(f"  {label}: not installed, skipped")
            continue
        checked, bad, mismatches = result
        print(f"  {label}: {checked - bad}/{checked} pairs agree with Bulwark")
        for a, b, ours, ref in mismatches[: args.show]:
            print(f"    {a!r} vs {b!r}: bulwark {ours}, reference {ref}")
        failed |= bad > 0

    print("\nFAILED" if failed else "\nOK: no disagreements outside the documented exclusions")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
