#!/usr/bin/env bash
# Re-pins scripts/constraints.txt to the newest releases the project's ranges allow: a fresh virtualenv,
# an unconstrained install, then its freeze. Read the diff and run the tests before committing it.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --upgrade pip setuptools
"$work/venv/bin/python" -m pip install --quiet -e ".[test]"
{
  sed -n '1,3p' scripts/constraints.txt
  "$work/venv/bin/python" -m pip freeze --all --exclude-editable | grep -E '^(pip|setuptools)=='
  "$work/venv/bin/python" -m pip freeze --exclude-editable | grep -vE '^(pip|setuptools)=='
} > "$work/constraints.txt"
mv "$work/constraints.txt" scripts/constraints.txt
git --no-pager diff --stat scripts/constraints.txt
