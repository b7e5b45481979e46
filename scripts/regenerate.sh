#!/usr/bin/env bash
# Set-up included: installs the generator, then regenerates every [tool.generator] target.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m generator generate "$@"
