"""Every file of the generated createRun package, one syrupy snapshot each, stored as `.py` text.

After an intended change to the generator: `.venv/bin/python -m pytest tests/snapshots --snapshot-update`,
then read the diff of tests/snapshots/__snapshots__ before committing it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from generator import config
from generator.pipeline import generate

ROOT = Path(__file__).resolve().parents[2]


class PythonSnapshot(SingleFileSnapshotExtension):
    file_extension = "py"
    _write_mode = WriteMode.TEXT


@cache
def generated_files() -> dict[str, str]:
    (target,) = [t for t in config.load_targets(ROOT / "pyproject.toml") if t.package == "openai_client"]
    return generate(target, cache_dir=None, jobs=1).files


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "path" in metafunc.fixturenames:
        # The runtime is copied, not generated: test_runtime_is_copied_verbatim covers it.
        metafunc.parametrize("path", sorted(p for p in generated_files() if p.endswith(".py") and not p.startswith("_runtime/")))


@pytest.fixture
def snapshot_py(snapshot):  # type: ignore[no-untyped-def]
    return snapshot.use_extension(PythonSnapshot)


def test_generated_file(path: str, snapshot_py) -> None:  # type: ignore[no-untyped-def]
    assert generated_files()[path] == snapshot_py


def test_runtime_is_copied_verbatim() -> None:
    runtime = ROOT / "generator" / "client" / "runtime"
    copied = {p[len("_runtime/") :]: text for p, text in generated_files().items() if p.startswith("_runtime/")}
    assert copied == {p.name: p.read_text(encoding="utf-8") for p in runtime.glob("*.py")}


def test_committed_package_matches_the_generator() -> None:
    """generated/ is what the generator makes of specs/: the same check CI runs with `generator check`."""
    committed = ROOT / "generated" / "openai_client"
    on_disk = {p.relative_to(committed).as_posix(): p.read_text(encoding="utf-8") for p in committed.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert sorted(on_disk) == sorted(generated_files())
    stale = [path for path, text in generated_files().items() if on_disk[path] != text]
    assert stale == [], "generated/ is stale: run `.venv/bin/python -m generator generate`"
