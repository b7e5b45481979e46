"""The createRun method generated from the full OpenAI spec has the signature generated from specs/create_run.yaml."""

from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path

import pytest

from generator.pipeline import generate
from generator.write import write_tree
from tests.conftest import CREATE_RUN, target_for


def _create_signature(spec: Path, package: str, tmp: Path) -> inspect.Signature:
    result = generate(target_for(spec, package=package, operations=("createRun",)), cache_dir=None, jobs=1)
    write_tree(tmp / package, result.files)
    sys.path.insert(0, str(tmp))
    try:
        module = importlib.import_module(f"{package}.resources.threads_runs")
        return inspect.signature(module.Runs.create)
    finally:
        sys.path.remove(str(tmp))


def _described(signature: inspect.Signature) -> list[tuple[str, str, str, str]]:
    return [(p.name, str(p.kind), str(p.annotation), repr(p.default)) for p in signature.parameters.values()]


def test_same_create_run_signature(openai_spec: Path, tmp_path: Path) -> None:
    ours = _described(_create_signature(CREATE_RUN, "fragment_client", tmp_path))
    full = _described(_create_signature(openai_spec, "full_client", tmp_path))
    assert [p[0] for p in ours] == [p[0] for p in full]
    assert ours == full
    # The arguments the issue names, as the SDK has them: the thread positional, the rest keyword-only.
    kinds = {name: kind for name, kind, _, _ in ours}
    assert kinds["thread_id"] == "POSITIONAL_OR_KEYWORD"
    assert all(kind == "KEYWORD_ONLY" for name, kind in kinds.items() if name not in {"self", "thread_id"})


def test_operation_filter_keeps_only_the_named_operation(openai_spec: Path) -> None:
    result = generate(target_for(openai_spec, operations=("createRun",)), cache_dir=None, jobs=1)
    assert result.operation_count == 1
    assert "resources/threads_runs.py" in result.files


def test_unknown_operation_is_a_located_error(openai_spec: Path) -> None:
    from generator.diagnostics import SpecError

    with pytest.raises(SpecError) as info:
        generate(target_for(openai_spec, operations=("noSuchOperation",)), cache_dir=None, jobs=1)
    assert "noSuchOperation" in str(info.value)
