"""With a warm cache, a broken spec gets exactly the messages it gets without one."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import CREATE_RUN, ROOT, SPECS, assert_located, run_cli

CORPUS = sorted(p.name for p in SPECS.iterdir() if p.is_file())


def _generate(spec: Path | str, out: Path, *extra: str) -> tuple[int, str]:
    run = run_cli("generate", str(spec), "--out", str(out), "--package", "pkg", "--jobs", "1", "--quiet", *extra)
    return run.code, run.err


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # messages name files relative to the working directory


# Edits of a valid spec that make it invalid; the cache has seen the valid one.
BREAKING_EDITS = {
    "schema type is a number": ("    RunObject:\n      type: object\n", "    RunObject:\n      type: 5\n"),
    "schema required is a string": ("      required: [id, object, created_at,", "      required: x\n      x-was: [id, object, created_at,"),
    "operation deprecated is not a boolean": ("      operationId: createRun\n", "      operationId: createRun\n      deprecated: [maybe]\n"),
    "info title is a number": ("  title: OpenAI Assistants API — Create run\n", "  title: 5\n"),
    "new schema is invalid": ("    RunObject:\n", "    Broken:\n      properties: [1]\n    RunObject:\n"),
}


@pytest.mark.parametrize("edit", BREAKING_EDITS.values(), ids=BREAKING_EDITS.keys())
def test_an_invalid_edit_after_a_cached_run_is_reported_as_without_a_cache(edit: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENERATOR_CACHE_DIR", str(tmp_path / "cache"))
    spec = tmp_path / CREATE_RUN.name
    text = CREATE_RUN.read_text(encoding="utf-8")
    spec.write_text(text, encoding="utf-8")
    assert _generate(spec, tmp_path / "primed") == (0, "")

    edited = text.replace(*edit, 1)
    assert edited != text
    spec.write_text(edited, encoding="utf-8")
    uncached = _generate(spec, tmp_path / "cold", "--no-cache")
    assert uncached[0] == 1
    assert_located(uncached[1], tmp_path)
    assert _generate(spec, tmp_path / "warm") == uncached
    assert _generate(spec, tmp_path / "warm") == uncached  # and a failed run cached nothing wrong

    spec.write_text(text, encoding="utf-8")
    assert _generate(spec, tmp_path / "fixed") == (0, "")


@pytest.mark.parametrize("name", CORPUS)
def test_the_errors_corpus_reads_the_same_with_a_cache(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = (SPECS / name).relative_to(ROOT).as_posix()
    expected = _generate(spec, tmp_path / "a", "--no-cache")
    monkeypatch.setenv("GENERATOR_CACHE_DIR", str(tmp_path / "cache"))
    assert _generate(spec, tmp_path / "b") == expected  # cold cache
    assert _generate(spec, tmp_path / "c") == expected  # warm cache
