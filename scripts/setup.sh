#!/usr/bin/env bash
# Creates .venv (once) and installs the generator with its test dependencies, every version pinned by
# scripts/constraints.txt (build dependencies too), so that a new release cannot turn CI red overnight.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --constraint scripts/constraints.txt --upgrade pip
.venv/bin/python -m pip install --quiet --constraint scripts/constraints.txt --build-constraint scripts/constraints.txt -e ".[test]"
