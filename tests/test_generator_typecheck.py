"""The generator's own code type-checks (the generated code has its own, strict, check)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_generator_passes_mypy() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "--cache-dir", "/dev/null", "generator"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-4000:]
