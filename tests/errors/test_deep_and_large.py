"""Deeply nested and very large specs: a located error or a package, never a RecursionError or a blow-up."""

from __future__ import annotations

import json
import os
import subprocess
import time
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.load.reader import MAX_READ_DEPTH, _Loader, too_deep

from .conftest import CREATE_RUN, LOCATED, ROOT, assert_located, problem_lines, run_cli

pytestmark = pytest.mark.slow

DEPTH = 5000


def _document(schemas: dict[str, Any]) -> dict[str, Any]:
    first = next(iter(schemas))
    response = {"description": "OK", "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{first}"}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Deep", "version": "1"},
        "paths": {"/deep": {"get": {"operationId": "getDeep", "responses": {"200": response}}}},
        "components": {"schemas": schemas},
    }


def _nested_text(depth: int, json_syntax: bool) -> str:
    # Built as text: json.dumps and yaml.dump recurse once per level themselves.
    inner = '{"type": "string"}'
    for _ in range(depth):
        inner = '{"type": "array", "items": ' + inner + "}"
    head = json.dumps(_document({"Deep": {}}))
    text = head.replace('"Deep": {}', '"Deep": ' + inner)
    return text if json_syntax else "# flow-style YAML\n" + text


def _generate(tmp_path: Path, spec: Path) -> tuple[int, str]:
    run = run_cli("generate", str(spec), "--out", str(tmp_path / "pkg"), "--package", "pkg", "--no-cache", "--jobs", "1", "--quiet")
    assert "RecursionError" not in run.err
    assert "Traceback" not in run.err
    assert run.code in {0, 1}, run.err
    return run.code, run.err


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_a_5000_level_nested_schema_is_a_located_error(tmp_path: Path, suffix: str) -> None:
    spec = tmp_path / f"deep{suffix}"
    spec.write_text(_nested_text(DEPTH, suffix == ".json"))
    code, err = _generate(tmp_path, spec)
    assert code == 1
    assert_located(err, Path.cwd())
    (line,) = problem_lines(err)
    match = LOCATED.match(line)
    assert match and match["pointer"] == "/components/schemas/Deep"
    assert "nested too deeply" in match["message"]
    assert len(line) < 300, "the pointer names where the nesting starts, not its 5000 levels"


def test_a_parser_without_a_nesting_limit_gives_the_same_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # PyYAML up to 6.0.3 reads any nesting and leaves it to validation; from 6.0.4 libyaml refuses past 1000
    # levels. Both must name the schema the nesting starts in.
    value: dict[str, Any] = {"type": "string"}
    for _ in range(DEPTH):
        value = {"type": "array", "items": value}
    document = _document({"Deep": value})
    monkeypatch.setattr(yaml, "load", lambda text, Loader: document)
    spec = tmp_path / "deep.yaml"
    spec.write_text(_nested_text(DEPTH, False))
    code, err = _generate(tmp_path, spec)
    assert code == 1
    (line,) = problem_lines(err)
    match = LOCATED.match(line)
    assert match and match["pointer"] == "/components/schemas/Deep"
    assert "nested too deeply" in match["message"]


def test_too_deep_names_the_schema_in_block_yaml_after_other_sequences() -> None:
    lines = ["openapi: 3.1.0", "tags:", "- name: a", "- name: b", "components:", "  schemas:", "    Fine:", "      enum:", "      - x", "    Deep:"]
    indent = 6
    for _ in range(MAX_READ_DEPTH):
        lines += [" " * indent + "items:", " " * indent + "  - type: array"]
        indent += 4
    problem = too_deep("\n".join(lines) + "\n", "deep.yaml")
    assert (problem.pointer, problem.line, problem.column) == ("/components/schemas/Deep", 11, 7)
    assert problem.message.startswith("nested too deeply to read")


def test_too_deep_names_the_first_keys_outside_schemas() -> None:
    text = '{"openapi": "3.1.0", "paths": {"/a": {"get": {"x": ' + "[" * (MAX_READ_DEPTH + 5) + "]" * (MAX_READ_DEPTH + 5) + "}}}}"
    problem = too_deep(text, "deep.json")
    assert problem.pointer == "/paths/~1a/get/x/0/0/0/0"
    assert problem.line == 1


def test_a_document_that_is_not_deep_gets_the_plain_message() -> None:
    problem = too_deep("a: [1, 2]\n", "x.yaml")
    assert (problem.pointer, problem.message, problem.line) == ("", "the document is nested too deeply to read", 1)


def test_a_5000_long_chain_of_refs_is_a_located_error(tmp_path: Path) -> None:
    # Each schema is shallow, so validation passes; it is lowering that must not recurse 5000 deep.
    schemas = {f"S{i}": {"type": "object", "properties": {"next": {"$ref": f"#/components/schemas/S{i + 1}"}}} for i in range(DEPTH)}
    schemas[f"S{DEPTH}"] = {"type": "string"}
    spec = tmp_path / "chain.json"
    spec.write_text(json.dumps(_document(schemas)))
    code, err = _generate(tmp_path, spec)
    assert code == 1
    assert_located(err, Path.cwd())
    assert "levels deep" in err


def test_nesting_just_under_the_limits_generates(tmp_path: Path) -> None:
    schemas = {f"S{i}": {"type": "object", "properties": {"next": {"$ref": f"#/components/schemas/S{i + 1}"}}} for i in range(60)}
    schemas["S60"] = {"type": "string"}
    spec = tmp_path / "chain.json"
    spec.write_text(json.dumps(_document(schemas)))
    assert _generate(tmp_path, spec) == (0, "")


def test_inline_nesting_past_the_lowering_limit_is_a_located_error(tmp_path: Path) -> None:
    # 150 levels of inline objects pass validation and stop at the lowering limit.
    inner: dict[str, Any] = {"type": "string"}
    for _ in range(150):
        inner = {"type": "object", "properties": {"a": inner}}
    spec = tmp_path / "inline.json"
    spec.write_text(json.dumps(_document({"Deep": inner})))
    code, err = _generate(tmp_path, spec)
    assert code == 1
    assert_located(err, Path.cwd())
    assert "schemas nest more than" in err


def _large_spec(path: Path, megabytes: int) -> None:
    """specs/create_run.yaml plus enough unused component schemas to weigh ``megabytes`` MB, as JSON."""
    raw = yaml.load(CREATE_RUN.read_text(encoding="utf-8"), Loader=_Loader)
    schemas = raw["components"]["schemas"]
    filler = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 60
    i = 0
    size = len(json.dumps(raw))
    while size < megabytes * 1_000_000:
        schema = {"type": "object", "description": filler, "properties": {f"field_{j}": {"type": "string", "description": f"Field {j}."} for j in range(8)}}
        schemas[f"Filler{i}"] = schema
        size += len(json.dumps(schema)) + 16
        i += 1
    path.write_text(json.dumps(raw))


def test_a_20_mb_spec_generates_in_bounded_memory(tmp_path: Path) -> None:
    spec = tmp_path / "large.json"
    _large_spec(spec, 20)
    assert spec.stat().st_size >= 20_000_000
    out = tmp_path / "pkg"
    command = [sys.executable, "-m", "generator", "generate", str(spec), "--out", str(out), "--package", "large", "--no-cache", "--jobs", "1"]
    # A fresh process, and its own peak memory: os.wait4 gives the rusage of that one child (RUSAGE_CHILDREN
    # would be the largest of every child this test session has waited for: mypy or tsc runs of other tests).
    # The timeout only stops a hang; how long it takes is bench/generate.py's business, not a test's.
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    with open(tmp_path / "stderr", "w+", encoding="utf-8") as err:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
        deadline = time.monotonic() + 300
        while (waited := os.wait4(process.pid, os.WNOHANG))[0] == 0:
            if time.monotonic() > deadline:
                process.kill()
                raise AssertionError("the generator ran past 300 s")
            time.sleep(0.05)
        process.returncode = os.waitstatus_to_exitcode(waited[1])
        err.seek(0)
        stderr = err.read()
    assert process.returncode == 0, stderr
    assert "large: 1 operations" in stderr
    assert (out / "resources" / "threads_runs.py").is_file()
    peak_mb = waited[2].ru_maxrss / 1024  # KiB on Linux
    assert peak_mb < 1024, f"peak memory {peak_mb:.0f} MB"  # about 200 MB when this was written
