#!/usr/bin/env bash
# Validates Bulwark's advisory exports with each ecosystem's own tools.
#
#   scripts/conformance/validate_exports.sh [SCHEMAS_DIR]
#
# Builds and runs `cargo run -p bulwark-formats --example export_samples`,
# which writes generated advisories as CSAF 2.0, OSV, CVE JSON 5 and STIX 2.1
# plus a CSAF provider directory, then checks them with tools installed from
# PyPI into a virtual environment (${VENV:-/tmp/bulwark-export-venv}):
#
#   CSAF 2.0   `csaf validate --spec-version v20 --preset basic` (PyPI `csaf`):
#              the CSAF 2.0 JSON schema and every mandatory test 6.1.1–6.1.33
#              (with the profile tests 6.1.27.x), offline (`--no-network`).
#   STIX 2.1   `stix2_validator --version 2.1 --strict --enforce-refs`: the
#              OASIS schemas, every reference resolving inside the bundle, and
#              the spec's MUST and SHOULD checks, warnings as errors, except
#              the two best practices the exporter departs from on purpose:
#                103  ids SHOULD be UUIDv4 — exports use UUIDv5 so re-exports
#                     keep their ids (DESIGN: exports are deterministic);
#                302  external references with a URL SHOULD carry a hash of
#                     the linked content — advisory links are web pages that
#                     change, a hash would be stale or misleading.
#   OSV        `jsonschema` (Draft 2020-12) against SCHEMAS/osv/schema.json.
#   CVE 5      `jsonschema` (Draft 7) against SCHEMAS/cve-5/CVE_JSON_bundled_5.1.1.json.
#              Then a check of our own (invariant 8): every STIX object bears
#              exactly one OASIS TLP 2.0 marking defined in its bundle.
#   provider   `jsonschema` against SCHEMAS/csaf-2.0/provider_json_schema.json,
#              plus the directory rules the schema cannot see: every
#              index.txt / changes.csv entry exists, hashes match the files.
#
# Schemas are read from SCHEMAS_DIR (default: ../shared/schemas next to the
# repository), resolved offline through its url-map.json; nothing is
# downloaded but the pinned PyPI packages. Prints per-format counts and exits
# non-zero on any failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SCHEMAS="$(cd "${1:-${SCHEMAS:-$ROOT/../shared/schemas}}" && pwd)"
VENV="${VENV:-/tmp/bulwark-export-venv}"
OUT="$(mktemp -d "${TMPDIR:-/tmp}/bulwark-exports.XXXXXX")"
trap 'rm -rf "$OUT"' EXIT

# Pinned. stix2-validator 3.3.1's wheel ships without its schemas-2.1
# folder, so 3.2.0 (the last wheel that has them) is used.
PACKAGES=(
  "csaf==2026.10.25"
  "stix2-validator==3.2.0"
  "jsonschema==4.26.0"
  "referencing==0.37.0"
)

if [[ ! -x "$VENV/bin/python" ]]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install --quiet --disable-pip-version-check "${PACKAGES[@]}"

echo "== tools"
"$VENV/bin/pip" list --disable-pip-version-check 2>/dev/null |
  grep -Ei '^(csaf|stix2-validator|stix2-patterns|jsonschema|referencing) ' | sed 's/^/   /'

echo "== generating samples into $OUT"
(cd "$ROOT" && cargo run --quiet -p bulwark-formats --example export_samples -- "$OUT")

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

echo "== CSAF 2.0: csaf validate (schema + mandatory tests)"
mapfile -t csaf_files < <(find "$OUT/csaf" "$OUT/provider" -name '*.json' ! -name provider-metadata.json | sort)
csaf_log="$OUT/csaf-validate.log"
if "$VENV/bin/csaf" validate --spec-version v20 --preset basic --no-network --quiet \
  "${csaf_files[@]}" >"$csaf_log" 2>&1; then
  csaf_ok=${#csaf_files[@]}
else
  cat "$csaf_log"
  fail "csaf validate"
  csaf_ok=$(grep -c '^Overall: PASS' "$csaf_log" || true)
fi
echo "   CSAF: $csaf_ok/${#csaf_files[@]} valid"

echo "== STIX 2.1: stix2_validator --strict"
mapfile -t stix_files < <(find "$OUT/stix" -name '*.json' | sort)
stix_log="$OUT/stix-validate.log"
if "$VENV/bin/stix2_validator" --version 2.1 --strict --enforce-refs --disable 103,302 \
  "${stix_files[@]}" >"$stix_log" 2>&1; then
  stix_ok=${#stix_files[@]}
else
  cat "$stix_log"
  fail "stix2_validator"
  stix_ok=$(grep -c 'STIX JSON: Valid' "$stix_log" || true)
fi
echo "   STIX: $stix_ok/${#stix_files[@]} valid"

echo "== STIX markings; OSV, CVE 5, provider metadata: jsonschema (offline)"
if ! "$VENV/bin/python" - "$SCHEMAS" "$OUT" <<'PY'
import hashlib
import json
import pathlib
import sys

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7, DRAFT202012

schemas, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
url_map = json.loads((schemas / "url-map.json").read_text())["map"]


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def registry():
    resources = []
    for url, rel in url_map.items():
        contents = load(schemas / rel)
        spec = DRAFT7 if "draft-07" in contents.get("$schema", "") else DRAFT202012
        resources.append((url, Resource.from_contents(contents, default_specification=spec)))
    return Registry().with_resources(resources)


REGISTRY = registry()


def deepest(error):
    """The most specific cause inside oneOf/anyOf alternatives."""
    while error.context:
        error = max(error.context, key=lambda e: len(e.absolute_path))
    return error


def check(label, schema_rel, files):
    schema = load(schemas / schema_rel)
    cls = jsonschema.validators.validator_for(schema)
    validator = cls(schema, registry=REGISTRY, format_checker=cls.FORMAT_CHECKER)
    bad = 0
    for path in files:
        errors = list(validator.iter_errors(load(path)))
        for error in errors[:5]:
            error = deepest(error)
            where = "/".join(map(str, error.absolute_path))
            print(f"   {path.relative_to(out)}: /{where}: {error.message[:300]}")
        bad += bool(errors)
    print(f"   {label}: {len(files) - bad}/{len(files)} valid")
    return bad


def provider_directory():
    """Requirements the schema cannot see: listed files exist, hashes match."""
    root = out / "provider"
    bad = 0
    for index in sorted(root.glob("*/index.txt")):
        folder = index.parent
        listed = index.read_text().split()
        changes = [line.split(",")[0].strip('"') for line in (folder / "changes.csv").read_text().splitlines()]
        if sorted(listed) != sorted(changes):
            print(f"   {folder.name}: index.txt and changes.csv disagree")
            bad += 1
        for rel in listed:
            doc = folder / rel
            for algo in ("sha256", "sha512"):
                digest, name = (folder / f"{rel}.{algo}").read_text().split()
                if name != doc.name or hashlib.new(algo, doc.read_bytes()).hexdigest() != digest:
                    print(f"   {folder.name}/{rel}.{algo}: does not match the file")
                    bad += 1
    print(f"   provider directory: {len(list(root.glob('*/index.txt')))} TLP folders checked, {bad} problems")
    return bad


TLP2 = {
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}


def stix_markings():
    """Invariant 8, which stix2-validator does not check: every object
    carries exactly one OASIS TLP 2.0 marking, defined in the same bundle,
    and its creator is in the bundle too."""
    files = sorted((out / "stix").glob("*.json"))
    bad = 0
    for path in files:
        objects = load(path).get("objects", [])
        ids = {o["id"] for o in objects}
        for o in objects:
            if o["type"] == "marking-definition":
                continue
            refs = o.get("object_marking_refs", [])
            creator = o.get("created_by_ref")
            if len(refs) != 1 or refs[0] not in TLP2 or refs[0] not in ids or (creator and creator not in ids):
                print(f"   {path.name}: {o['id']}: markings {refs}, creator {creator}")
                bad += 1
    print(f"   STIX TLP markings: {len(files)} bundles checked, {bad} problems")
    return bad


failed = 0
failed += stix_markings()
failed += check("OSV", "osv/schema.json", sorted((out / "osv").glob("*.json")))
failed += check("CVE 5", "cve-5/CVE_JSON_bundled_5.1.1.json", sorted((out / "cve5").glob("*.json")))
failed += check("provider-metadata", "csaf-2.0/provider_json_schema.json", [out / "provider" / "provider-metadata.json"])
failed += provider_directory()
sys.exit(1 if failed else 0)
PY
then
  fail "jsonschema"
fi

if ((failures > 0)); then
  echo "== $failures validator(s) failed"
  exit 1
fi
echo "== all exports valid"
