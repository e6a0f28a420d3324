#!/usr/bin/env bash
# Differential test of Bulwark's version orders and OSV range evaluation
# against the PyPI library univers (see univers_differential.py).
#
#   scripts/conformance/univers_differential.sh [--seed N] [--compare N] [--affected N]
#
# Creates a virtual environment at ${VENV:-/tmp/bulwark-univers-venv} with
# univers and its dependencies pinned, builds the version_oracle example and
# runs the comparison. dpkg and rpm, when installed, are used as reference
# checks too (Debian: `apt-get install rpm` provides rpm).
# BULWARK_CONFORMANCE_PROFILE: release (default) or debug (CI: the build
# `cargo test` already made).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
venv=${VENV:-/tmp/bulwark-univers-venv}

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check \
    univers==32.0.1 packaging==26.3 semantic-version==2.10.0 semver==3.1.1 attrs==26.1.0

profile=${BULWARK_CONFORMANCE_PROFILE:-release}
if [ "$profile" = release ]; then release=(--release); else release=(); fi
(cd "$root" && cargo build --quiet "${release[@]}" -p bulwark-formats --example version_oracle)
oracle="${CARGO_TARGET_DIR:-$root/target}/$profile/examples/version_oracle"

exec "$venv/bin/python" "$here/univers_differential.py" --oracle "$oracle" "$@"
