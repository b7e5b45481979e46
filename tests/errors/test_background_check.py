"""The structural check gives the same messages whether a prewarmed child, a forked child or this process runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator import background

from .conftest import ROOT, SPECS, run_cli

# Structural problems (openapi-pydantic's), one of them where lowering would also fail on its own.
CASES = ["several-structure-errors.yaml", "info-not-object.yaml", "paths-not-object.yaml", "operation-not-object.yaml", "json-wrong-types.json"]


def _inline(spec: Path, out: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.setattr(background, "_can_fork", lambda: False)
    run = run_cli("generate", str(spec), "--out", str(out), "--package", "pkg", "--quiet", "--no-cache")
    return run.code, run.err


@pytest.mark.parametrize("name", CASES)
def test_messages_do_not_depend_on_where_the_check_ran(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    spec = (SPECS / name).relative_to(ROOT)
    command = [sys.executable, "-m", "generator", "generate", str(spec), "--out", str(tmp_path / "a"), "--package", "pkg", "--quiet", "--no-cache"]
    # As a user runs it: the prewarmed child (where the machine allows) checks the structure.
    done = subprocess.run(command, cwd=ROOT, env={**os.environ}, capture_output=True, text=True, timeout=120)
    forked = run_cli("generate", str(spec), "--out", str(tmp_path / "b"), "--package", "pkg", "--quiet", "--no-cache")
    code, err = _inline(spec, tmp_path / "c", monkeypatch)
    assert code == 1 and "error" in err
    assert (done.returncode, done.stderr) == (code, err)
    assert (forked.code, forked.err) == (code, err)
    assert not any(p.exists() for p in (tmp_path / "a", tmp_path / "b", tmp_path / "c"))
