"""The committed createRun package type-checks under mypy --strict and imports cleanly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ROOT / "generated"


def test_generated_package_passes_mypy_strict() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", "/dev/null", "openai_client"],
        cwd=GENERATED,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-4000:]
    assert "Success: no issues found" in run.stdout


def test_generated_package_imports_with_its_public_names() -> None:
    names = [
        "Client", "AsyncClient", "APIError", "APIStatusError", "APIConnectionError", "APITimeoutError",
        "BadRequestError", "AuthenticationError", "PermissionDeniedError", "NotFoundError", "ConflictError",
        "UnprocessableEntityError", "RateLimitError", "InternalServerError", "Stream", "AsyncStream", "NOT_GIVEN",
    ]  # fmt: skip
    code = f"import openai_client as m; missing = [n for n in {names!r} if not hasattr(m, n)]; print(missing)"
    run = subprocess.run([sys.executable, "-c", code], cwd=GENERATED, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
