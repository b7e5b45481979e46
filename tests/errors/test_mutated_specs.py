"""Property: whatever is broken in a spec, the generator makes a package that compiles or says where the spec is wrong.

Mutations of specs/create_run.yaml — keys dropped, values of the wrong type, broken
`$ref`s, subtrees replaced by scalars or lists — must end in exit 0 with Python that
compiles, or exit 1 with every line of stderr located (FILE:LINE:COL: POINTER: ...)
or the final `failed:` summary. Never exit 3, never a traceback.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.load.reader import _Loader

from .conftest import CREATE_RUN, LOCATED, SUMMARY, assert_located, problem_lines, run_cli

pytestmark = pytest.mark.slow

BASE: dict[str, Any] = yaml.load(CREATE_RUN.read_text(encoding="utf-8"), Loader=_Loader)
Path_ = tuple[Any, ...]


def _paths(node: Any, prefix: Path_ = ()) -> Iterator[Path_]:
    if isinstance(node, dict):
        items: Any = node.items()
    elif isinstance(node, list):
        items = enumerate(node)
    else:
        return
    for key, value in items:
        yield prefix + (key,)
        yield from _paths(value, prefix + (key,))


PATHS = sorted(_paths(BASE), key=repr)
REFS = [p for p in PATHS if p[-1] == "$ref"]
# Where the structure matters most: operations, parameters, bodies, responses, top-level schemas.
HOT = [p for p in PATHS if p[:1] == ("paths",) or (p[:2] == ("components", "schemas") and len(p) <= 5) or len(p) <= 2]

SCALARS = st.sampled_from([None, 0, -1, 2.5, True, False, "", "x", "string", "object", "#/components/schemas"])
REPLACEMENTS = st.one_of(SCALARS, st.sampled_from([[], {}, ["x"], [None], {"type": 7}, {"$ref": "#/nope"}, [{"type": "string"}]]))
BROKEN_REFS = st.sampled_from(
    ["#/components/schemas/Nope", "#/components/schemas", "#/paths", "#/info/title", "#", "", "Nope", "#Nope", "nope.yaml#/X", "https://example.com/x.yaml#/Y", 42, None, ["#/x"], {"$ref": "#/x"}]
)


@st.composite
def mutation(draw: st.DrawFn) -> tuple[str, Path_, Any]:
    kind = draw(st.sampled_from(["drop", "replace", "break-ref", "wrap-in-list", "stringify", "swap"]))
    if kind == "break-ref":
        return kind, draw(st.sampled_from(REFS)), draw(BROKEN_REFS)
    path = draw(st.sampled_from(HOT if draw(st.booleans()) else PATHS))
    if kind == "replace":
        return kind, path, draw(REPLACEMENTS)
    if kind == "swap":  # another subtree of the document in its place
        return kind, path, draw(st.sampled_from(PATHS))
    return kind, path, None


def _parent(doc: Any, path: Path_) -> Any:
    node = doc
    for key in path[:-1]:
        if isinstance(node, dict) and key in node or isinstance(node, list) and isinstance(key, int) and key < len(node):
            node = node[key]
        else:
            return None
    last = path[-1]
    if isinstance(node, dict) and last in node or isinstance(node, list) and isinstance(last, int) and last < len(node):
        return node
    return None


def _get(doc: Any, path: Path_) -> Any:
    parent = _parent(doc, path)
    return copy.deepcopy(parent[path[-1]]) if parent is not None else None


def _apply(doc: Any, kind: str, path: Path_, value: Any) -> None:
    parent = _parent(doc, path)
    if parent is None:
        return  # an earlier mutation removed it
    key = path[-1]
    if kind == "drop":
        del parent[key]
    elif kind in {"replace", "break-ref"}:
        parent[key] = copy.deepcopy(value)
    elif kind == "wrap-in-list":
        parent[key] = [parent[key]]
    elif kind == "stringify":
        parent[key] = json.dumps(parent[key])[:40]
    elif kind == "swap":
        parent[key] = _get(BASE, value)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    base = tmp_path_factory.mktemp("mutations")
    with pytest.MonkeyPatch.context() as patch:
        # One format cache for every example: unchanged files are not formatted again.
        patch.setenv("GENERATOR_CACHE_DIR", str(base / "cache"))
        yield base


_BUDGET = {"started": 0.0}
# Past this many seconds the remaining examples pass without running: the test stays near 30 s.
BUDGET_SECONDS = 30


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutations=st.lists(mutation(), min_size=1, max_size=3), as_json=st.booleans())
def test_mutated_spec_generates_or_fails_with_located_messages(workdir: Path, mutations: list[tuple[str, Path_, Any]], as_json: bool) -> None:
    if not _BUDGET["started"]:
        _BUDGET["started"] = time.monotonic()
    if time.monotonic() - _BUDGET["started"] > BUDGET_SECONDS:
        return
    doc = copy.deepcopy(BASE)
    for kind, path, value in mutations:
        _apply(doc, kind, path, value)
    case = workdir / f"case-{time.monotonic_ns()}"
    case.mkdir()
    spec = case / ("create_run.json" if as_json else "create_run.yaml")
    if as_json:
        spec.write_text(json.dumps(doc, indent=1, ensure_ascii=False), encoding="utf-8")
    else:
        spec.write_text(yaml.dump(doc, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True), encoding="utf-8")
    out = case / "pkg"

    run = run_cli("generate", str(spec), "--out", str(out), "--package", "client", "--jobs", "1", "--quiet")

    assert "Traceback" not in run.err
    assert run.code in {0, 1}, f"exit {run.code}: {run.err}"
    if run.code == 0:
        if run.err:
            assert_located(run.err, case)  # warnings are located too
        compiled = 0
        for source in out.rglob("*.py"):
            compile(source.read_text(encoding="utf-8"), str(source), "exec")
            compiled += 1
        assert compiled > 0
    else:
        assert not out.exists()
        lines = run.err.splitlines()
        assert SUMMARY.match(lines[-1]), lines[-1]
        for line in problem_lines(run.err):
            assert LOCATED.match(line), f"not located: {line!r}"
        assert_located(run.err, case)
