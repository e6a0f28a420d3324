#!/usr/bin/env bash
# Differential test of bulwark-formats' CVSS scoring against Red Hat's `cvss`
# PyPI library: builds the cvss_oracle example, sets up a venv with the
# pinned library, and compares scores on seeded random vectors.
#
#   scripts/conformance/cvss_differential.sh [--seed N] [--exhaustive-base] [...]
#
# Environment: VENV (default /tmp/bulwark-cvss-venv), CARGO_TARGET_DIR,
# BULWARK_CONFORMANCE_PROFILE (release, default, or debug: CI uses the debug
# build that `cargo test` already made).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${VENV:-/tmp/bulwark-cvss-venv}"
CVSS_VERSION="3.6"

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c "import cvss, sys; sys.exit(cvss.__version__ != '$CVSS_VERSION')" 2>/dev/null; then
    "$VENV/bin/pip" install --quiet "cvss==$CVSS_VERSION"
fi

PROFILE="${BULWARK_CONFORMANCE_PROFILE:-release}"
if [ "$PROFILE" = release ]; then release=(--release); else release=(); fi
(cd "$ROOT" && cargo build "${release[@]}" --quiet -p bulwark-formats --example cvss_oracle)
ORACLE="${CARGO_TARGET_DIR:-$ROOT/target}/$PROFILE/examples/cvss_oracle"

exec "$VENV/bin/python" "$ROOT/scripts/conformance/cvss_differential.py" --oracle "$ORACLE" "$@"
