"""The complete OpenAI spec: every operation generated, every module imports, mypy --strict is clean,
and the output is exactly what black makes of it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.format import format_source
from generator.operations import HTTP_METHODS
from generator.pipeline import Result, generate
from generator.write import write_tree
from tests.conftest import target_for

PACKAGE = "openai_full"


@pytest.fixture(scope="module")
def full(openai_spec: Path) -> Result:
    return generate(target_for(openai_spec, package=PACKAGE), cache_dir=None, jobs=1)


@pytest.fixture(scope="module")
def written(full: Result, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("full")
    write_tree(root / PACKAGE, full.files)
    return root


def test_every_operation_is_generated(full: Result, openai_spec: Path) -> None:
    raw = yaml.load(openai_spec.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    in_spec = sum(1 for item in raw["paths"].values() for method in HTTP_METHODS if method in item)
    assert in_spec == 288
    assert full.operation_count == in_spec


def test_webhooks_are_not_operations(full: Result) -> None:
    assert not any("webhook" in path for path in full.files if path.startswith("resources/"))


def test_every_module_imports(written: Path) -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        f"import {PACKAGE}, {PACKAGE}.types, {PACKAGE}.resources\n"
        "failed = []\n"
        f"for package in ({PACKAGE}.types, {PACKAGE}.resources):\n"
        "    for info in pkgutil.iter_modules(package.__path__):\n"
        "        try:\n"
        "            importlib.import_module(package.__name__ + '.' + info.name)\n"
        "        except Exception as exc:\n"
        "            failed.append(f'{info.name}: {exc!r}')\n"
        "print('\\n'.join(failed))\n"
        "sys.exit(1 if failed else 0)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=written, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]


def test_importing_the_client_does_not_import_every_model(written: Path) -> None:
    code = (
        "import sys\n"
        f"from {PACKAGE} import Client\n"
        "client = Client(api_key='sk-test')\n"
        "client.threads.runs\n"
        f"print(sum(1 for name in sys.modules if name.startswith('{PACKAGE}.types.')))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=written, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert int(run.stdout) < 200  # of ~1,900 type modules


def test_mypy_strict_is_clean(written: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", "/dev/null", PACKAGE],
        cwd=written,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert run.returncode == 0, run.stdout[-5000:]
    assert "Success: no issues found" in run.stdout


def test_black_changes_nothing(full: Result) -> None:
    # Every resource module, and every fourth type module (all of them take a minute of black).
    paths = sorted(p for p in full.files if p.endswith(".py") and not p.startswith("_runtime/"))
    sample = [p for i, p in enumerate(paths) if not p.startswith("types/") or i % 4 == 0]
    changed = [p for p in sample if format_source(full.files[p], full.target.line_length) != full.files[p]]
    assert changed == []
