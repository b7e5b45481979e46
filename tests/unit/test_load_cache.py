"""Reading a spec with a cache directory gives the Document reading it without one gives."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.load import reader as load
from generator.load import structure
from generator.diagnostics import Problem, SpecError
from tests.conftest import CREATE_RUN, OPENAI, ROOT
from tests.unit.test_blocks import same

EDITED_DESCRIPTION = ("description: Represents an execution run on a", "description: Edited. Represents an execution run on a")
EDITED_TITLE = ("      title: A run on a thread\n", "      title: A run on a thread (edited)\n")


def copy_of(spec: Path, folder: Path, edit: tuple[str, str] | None = None) -> Path:
    text = spec.read_text(encoding="utf-8")
    if edit is not None:
        edited = text.replace(*edit, 1)
        assert edited != text
        text = edited
    copy = folder / spec.name
    copy.write_text(text, encoding="utf-8")
    return copy


def assert_same_document(a: load.Document, b: load.Document) -> None:
    assert (a.file, a.text, a.version) == (b.file, b.text, b.version)
    assert same(a.raw, b.raw)


@pytest.mark.parametrize("spec", [CREATE_RUN, OPENAI], ids=lambda p: p.name)
def test_cold_and_warm_reads_give_the_uncached_document(spec: Path, tmp_path: Path) -> None:
    if not spec.is_file():
        pytest.skip(f"{spec} is not there")
    cache = tmp_path / "cache"
    expected = load.read(spec, "spec.yaml")
    assert_same_document(load.read(spec, "spec.yaml", cache), expected)
    assert (cache / load.BLOCKS_FILE).is_file() and (cache / structure.VALIDATED_FILE).is_file()
    # The cache is keyed by content, not by path: a copy elsewhere is warm too.
    copy = copy_of(spec, tmp_path)
    assert_same_document(load.read(copy, "spec.yaml", cache), expected)


def test_no_cache_dir_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    load.read(copy_of(CREATE_RUN, tmp_path), "spec.yaml", None)
    assert [p.name for p in tmp_path.iterdir()] == [CREATE_RUN.name]


class _Validations:
    """What ``structure.structural_problems`` was asked to check."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.seen: list[dict[str, Any]] = []
        real = structure.structural_problems

        def record(file: str, raw: dict[str, Any]) -> tuple[list[Problem], bool]:
            self.seen.append(raw)
            return real(file, raw)

        monkeypatch.setattr(structure, "structural_problems", record)


def test_only_new_or_changed_entries_are_validated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    validations = _Validations(monkeypatch)
    load.read(copy_of(CREATE_RUN, tmp_path), "spec.yaml", cache)
    assert len(validations.seen) == 1 and validations.seen[0]["components"]["schemas"]

    load.read(copy_of(CREATE_RUN, tmp_path), "spec.yaml", cache)
    assert len(validations.seen) == 1, "an unchanged document is not validated again"

    document = load.read(copy_of(CREATE_RUN, tmp_path, EDITED_TITLE), "spec.yaml", cache)
    reduced = validations.seen[-1]
    assert list(reduced["components"]["schemas"]) == ["RunObject"]
    assert reduced["paths"] == {}
    # Everything that is not an entry of a map of named things is validated every time.
    assert [k for k in document.raw if k not in ("paths", "components")] == [k for k in reduced if k not in ("paths", "components")]
    assert all(reduced[k] is document.raw[k] for k in reduced if k not in ("paths", "components"))


def test_an_edited_description_is_not_validated_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Any string passes as a description: an entry whose descriptions alone changed is known to pass."""
    cache = tmp_path / "cache"
    load.read(copy_of(CREATE_RUN, tmp_path), "spec.yaml", cache)
    validations = _Validations(monkeypatch)
    load.read(copy_of(CREATE_RUN, tmp_path, EDITED_DESCRIPTION), "spec.yaml", cache)
    info = ("  description: |-\n    A single", "  description: |-\n    Edited. A single")
    load.read(copy_of(CREATE_RUN, tmp_path, info), "spec.yaml", cache)
    assert validations.seen == []


def test_a_description_that_is_a_property_name_is_still_validated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`description` as a property's name holds a schema: a string there fails, whatever it says."""
    cache = tmp_path / "cache"
    property_named_description = (
        "      properties:\n        id:\n          type: string\n          description: The identifier, which",
        "      properties:\n        description:\n          type: string\n        id:\n          type: string\n          description: The identifier, which",
    )
    spec = copy_of(CREATE_RUN, tmp_path, property_named_description)
    text = spec.read_text(encoding="utf-8")
    assert "      properties:\n        description:\n          type: string\n" in text
    load.read(spec, "spec.yaml", cache)
    spec.write_text(text.replace(property_named_description[1], property_named_description[1].replace("        description:\n          type: string\n", "        description: a string, not a schema\n")), encoding="utf-8")
    with pytest.raises(SpecError) as raised:
        load.read(spec, "spec.yaml", cache)
    assert any("/components/schemas/RunObject/properties/description" in problem.pointer for problem in raised.value.problems)


def test_a_changed_version_validates_everything_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    load.read(copy_of(CREATE_RUN, tmp_path), "spec.yaml", cache)
    validations = _Validations(monkeypatch)
    document = load.read(copy_of(CREATE_RUN, tmp_path, ("openapi: 3.1.0", "openapi: 3.1.1")), "spec.yaml", cache)
    assert same(validations.seen[0], document.raw)


def test_yaml_aliases_are_always_validated_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    text = CREATE_RUN.read_text(encoding="utf-8").replace("info:\n  title:", "info:\n  x-a: &a 1\n  x-b: *a\n  title:", 1)
    spec = tmp_path / "aliased.yaml"
    spec.write_text(text, encoding="utf-8")
    for _ in range(2):
        validations = _Validations(monkeypatch)
        document = load.read(spec, "spec.yaml", cache)
        assert len(validations.seen) == 1 and validations.seen[0] is document.raw


def test_a_warm_run_on_an_unchanged_spec_does_not_import_openapi_pydantic(tmp_path: Path) -> None:
    spec = copy_of(CREATE_RUN, tmp_path)
    script = (
        "import sys\n"
        "from generator import background\n"
        "background._can_fork = lambda: False  # validate in this process, where the imports can be seen\n"
        "from generator.cli import main\n"
        f"code = main(['generate', {str(spec)!r}, '--out', {str(tmp_path / 'pkg')!r}, '--package', 'pkg', '--jobs', '1', '--quiet'])\n"
        "print(code, 'openapi_pydantic' in sys.modules, 'pydantic' in sys.modules)\n"
    )
    env = {**os.environ, "GENERATOR_CACHE_DIR": str(tmp_path / "cache")}

    def run() -> str:
        done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert run() == "0 True True"  # cold: everything is validated
    assert run() == "0 False False"


def test_corrupt_cache_files_are_read_as_empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    for name in (load.BLOCKS_FILE, structure.VALIDATED_FILE):
        (cache / name).write_bytes(b"\x00garbage")
    validations = _Validations(monkeypatch)
    document = load.read(copy_of(CREATE_RUN, tmp_path), "spec.yaml", cache)
    assert_same_document(document, load.read(CREATE_RUN, "spec.yaml"))
    assert len(validations.seen) == 2 and same(validations.seen[0], document.raw)


_WARNED_SPEC = """openapi: 3.1.0
info:
  title: Warned
  version: '1'
paths:
  /things:
    get:
      operationId: listThings
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Thing'
components:
  schemas:
    Other:
      type: object
      properties:
        a:
          type: string
    Thing:
      type: object
      required: [id, missing]
      properties:
        id:
          type: string
"""


def test_warnings_in_unchanged_blocks_are_located_from_the_cache_where_a_cold_run_places_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.pipeline import generate
    from tests.conftest import target_for

    spec = tmp_path / "warned.yaml"
    spec.write_text(_WARNED_SPEC, encoding="utf-8")
    cache = tmp_path / "cache"
    first = generate(target_for(spec, package="pkg"), cache_dir=cache, jobs=1)
    assert [w.pointer for w in first.warnings] == ["/components/schemas/Thing/required"]

    # Lines added above the block: its problems move down with it.
    spec.write_text(_WARNED_SPEC.replace("  title: Warned\n", "  title: Warned\n  description: |\n    one\n    two\n    three\n"), encoding="utf-8")
    searched: list[str] = []
    real = load.locate_in_text
    monkeypatch.setattr(load, "locate_in_text", lambda text, pointer: searched.append(pointer) or real(text, pointer))
    warm = generate(target_for(spec, package="pkg"), cache_dir=cache, jobs=1)
    assert searched == [], "the warning's block is unchanged: its place comes from the cache"
    cold = generate(target_for(spec, package="pkg"), cache_dir=None, jobs=1)
    assert searched, "a cold run searches the text"
    assert warm.warnings == cold.warnings
    assert warm.warnings[0].line == first.warnings[0].line + 4


def test_a_warning_in_an_edited_block_is_searched_for_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.pipeline import generate
    from tests.conftest import target_for

    spec = tmp_path / "warned.yaml"
    spec.write_text(_WARNED_SPEC, encoding="utf-8")
    cache = tmp_path / "cache"
    generate(target_for(spec, package="pkg"), cache_dir=cache, jobs=1)
    # The same block with a line added before the problem: a place remembered for the old text would be one line off.
    spec.write_text(_WARNED_SPEC.replace("    Thing:\n      type: object\n", "    Thing:\n      type: object\n      description: a thing\n"), encoding="utf-8")
    warm = generate(target_for(spec, package="pkg"), cache_dir=cache, jobs=1)
    cold = generate(target_for(spec, package="pkg"), cache_dir=None, jobs=1)
    assert warm.warnings == cold.warnings


def test_a_json_spec_with_ampersands_and_stars_is_validated_only_where_it_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`&` and `*` in JSON strings (URLs, `*/*`) are not YAML anchors and aliases: the validation cache applies."""
    import json

    import yaml

    raw = yaml.load(CREATE_RUN.read_text(encoding="utf-8"), Loader=load._Loader)
    raw["info"]["description"] = "See https://example.com/?a=1&b=2 and */* &anchor *alias"
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(raw), encoding="utf-8")
    cache = tmp_path / "cache"
    validations = _Validations(monkeypatch)
    load.read(spec, "spec.json", cache)
    assert len(validations.seen) == 1
    load.read(spec, "spec.json", cache)
    assert len(validations.seen) == 1, "an unchanged JSON document is not validated again"
    raw["components"]["schemas"]["RunObject"]["title"] = "edited"
    spec.write_text(json.dumps(raw), encoding="utf-8")
    load.read(spec, "spec.json", cache)
    assert list(validations.seen[-1]["components"]["schemas"]) == ["RunObject"]


_TRICKY_JSON = {
    "duplicate keys": '{"openapi": "3.1.0", "paths": {"/a": {"x": 1}, "/b": {}, "/a": {"y": 2}}, "paths": {"/c": {}}}',
    "whitespace everywhere": ' \n{ "openapi" :"3.1.0" ,\r\n\t"paths" : { "/a" : { } } , "components" : { "schemas" : { "A" : { "type" : "object" } } } }\n ',
    "escaped keys": '{"openapi": "3.1.0", "paths": {"/\\u00e9\\"q": {"get": {}}}, "components": {"schemas": {"\\ud83d\\ude00": {}}}}',
    "maps that are not objects": '{"openapi": "3.1.0", "paths": [], "components": {"schemas": 1, "responses": null}}',
    "empty maps": '{"openapi": "3.1.0", "paths": {}, "components": {}}',
    "not an object": "[1, 2]",
    "numbers and constants": '{"openapi": "3.1.0", "paths": {"/a": {"x-n": [1, 1.0, -0.0, 1e400, true, null]}}}',
}


@pytest.mark.parametrize("name", sorted(_TRICKY_JSON))
def test_json_read_entry_by_entry_is_json_loads(name: str) -> None:
    import json

    text = _TRICKY_JSON[name]
    parsed = load._json_in_entries(text)
    assert parsed.value is not None
    assert same(parsed.value, json.loads(text))
    # Each entry's digest is of its own text: the same entry elsewhere in another document has the same one.
    for path, digest in parsed.digests.items():
        assert isinstance(digest, bytes) and len(path) in (2, 3)


@pytest.mark.parametrize("text", ['{"openapi": "3.1.0"} x', '{"paths": {"/a": {}', '{"paths": {"/a" {}}}', '{"a": 1,}'])
def test_json_that_does_not_read_cleanly_is_left_to_json_loads(text: str) -> None:
    assert load._json_in_entries(text).value is None


def test_a_json_spec_read_with_a_cache_is_the_uncached_document(tmp_path: Path) -> None:
    import json

    import yaml

    raw = yaml.load(CREATE_RUN.read_text(encoding="utf-8"), Loader=load._Loader)
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(raw, indent=1), encoding="utf-8")
    assert_same_document(load.read(spec, "spec.json", tmp_path / "cache"), load.read(spec, "spec.json"))


@pytest.mark.parametrize("indent", [None, 2], ids=["one line", "indented"])
def test_warnings_in_unchanged_json_entries_are_located_from_the_cache_where_a_cold_run_places_them(indent: int | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    import yaml

    from generator.pipeline import generate
    from tests.conftest import target_for

    raw = yaml.safe_load(_WARNED_SPEC)
    spec = tmp_path / "warned.json"
    spec.write_text(json.dumps(raw, indent=indent), encoding="utf-8")
    cache = tmp_path / "cache"
    first = generate(target_for(spec, package="pkg"), cache_dir=cache, jobs=1)
    assert [w.pointer for w in first.warnings] == ["/components/schemas/Thing/required"]

    raw["info"]["description"] = "Text added before the entry:\nevery offset after it moves."
    spec.write_text(json.dumps(raw, indent=indent), encoding="utf-8")
    walked: list[list[str]] = []
    real = load.json_offsets
    monkeypatch.setattr(load, "json_offsets", lambda text, pointers: walked.append(pointers) or real(text, pointers))
    warm = generate(target_for(spec, package="pkg"), cache_dir=cache, jobs=1)
    assert walked == [], "the warning's entry is unchanged: its place comes from the cache"
    monkeypatch.setattr(load, "json_offsets", real)
    cold = generate(target_for(spec, package="pkg"), cache_dir=None, jobs=1)
    assert warm.warnings == cold.warnings
    assert (warm.warnings[0].line, warm.warnings[0].column) != (first.warnings[0].line, first.warnings[0].column)
