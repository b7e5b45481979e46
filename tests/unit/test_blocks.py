"""Reading YAML block by block gives exactly what reading it whole gives, or declines."""

from __future__ import annotations

import marshal
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.load import blocks
from generator.load.blocks import ALIAS, ANCHOR, first_match
from generator.cache import CacheFile, read_entry, write_entry
from generator.load.reader import _Loader
from tests.conftest import CREATE_RUN, OPENAI, SPECS

SALT = "tests"
SPEC_FILES = [CREATE_RUN, *sorted((SPECS / "features").glob("*.yaml")), OPENAI]


def same(a: Any, b: Any) -> bool:
    """Equal, of the same types, with every mapping's keys in the same order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return bool(a == b)


def whole(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)


def cache_in(folder: Path) -> CacheFile:
    return CacheFile(folder / "blocks.marshal", SALT, 8 << 20)


def parse(text: str, cache: CacheFile | None = None) -> blocks.Parsed:
    return blocks.parse(text, _Loader, cache or CacheFile(None, "", 0))


@pytest.fixture
def cut_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cut every block that holds a mapping, however small, so small inputs exercise every cut."""
    monkeypatch.setattr(blocks, "SPLIT_MIN_CHARS", 0)


def assert_equivalent(text: str) -> blocks.Parsed:
    """Either the blocks give what the whole text gives, or they decline; never a different value."""
    parsed = parse(text)
    if parsed.value is not None:
        assert same(parsed.value, whole(text))
    return parsed


# --- the project's specs ----------------------------------------------------------------------


@pytest.mark.parametrize("spec", SPEC_FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("cut", ["default", "everything"])
def test_specs_read_in_blocks_equal_the_whole_parse(spec: Path, cut: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not spec.is_file():
        pytest.skip(f"{spec} is not there")
    if cut == "everything":
        monkeypatch.setattr(blocks, "SPLIT_MIN_CHARS", 0)
    text = spec.read_text(encoding="utf-8-sig")
    expected = whole(text)
    cache = cache_in(tmp_path)
    cold = parse(text, cache)
    cache.save()
    assert cold.stats.declined is None
    assert same(cold.value, expected)
    warm = parse(text, cache_in(tmp_path))
    assert warm.stats.parsed == 0
    assert same(warm.value, expected)


def test_the_full_spec_is_cut_into_paths_and_schemas(openai_spec: Path) -> None:
    parsed = parse(openai_spec.read_text(encoding="utf-8"))
    assert parsed.value is not None
    schemas = parsed.value["components"]["schemas"]
    assert all(("components", "schemas", name) in parsed.digests for name in schemas)
    assert all(("paths", path) in parsed.digests for path in parsed.value["paths"])


# --- what a warm run parses -------------------------------------------------------------------


def _edit_one_schema(text: str) -> str:
    edited = text.replace("description: Represents an execution run on a", "description: Edited. Represents an execution run on a", 1)
    assert edited != text
    return edited


@pytest.mark.parametrize("spec", [CREATE_RUN, OPENAI], ids=lambda p: p.name)
def test_a_warm_run_parses_only_the_edited_block(spec: Path, tmp_path: Path) -> None:
    if not spec.is_file():
        pytest.skip(f"{spec} is not there")
    text = spec.read_text(encoding="utf-8")
    first = cache_in(tmp_path)
    cold = parse(text, first)
    first.save()
    assert cold.stats.parsed > 10

    again = cache_in(tmp_path)
    unchanged = parse(text, again)
    again.save()
    assert (unchanged.stats.parsed, unchanged.stats.cached) == (0, cold.stats.parsed + cold.stats.cached)

    edited = _edit_one_schema(text)
    cache = cache_in(tmp_path)
    after_edit = parse(edited, cache)
    cache.save()
    assert after_edit.stats.parsed == 1
    assert same(after_edit.value, whole(edited))
    # Only the edited block's digest changed, and those of the blocks it was cut from.
    changed = sorted((k for k, d in after_edit.digests.items() if unchanged.digests.get(k) != d), key=len)
    assert changed[:3] == [("components",), ("components", "schemas"), ("components", "schemas", "RunObject")]
    assert all(deeper[: len(k)] == k for k, deeper in zip(changed, changed[1:]))


# --- the cache file ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not marshal at all \x00\xff",
        marshal.dumps(("another salt", {})),
        marshal.dumps((SALT, [1, 2, 3])),
        marshal.dumps((SALT, {5: b"x", b"k": 7})),
        marshal.dumps([1, 2]),
    ],
    ids=["empty", "garbage", "other-salt", "not-a-dict", "wrong-types", "not-a-pair"],
)
def test_a_corrupt_cache_file_only_costs_time(content: bytes, tmp_path: Path) -> None:
    text = CREATE_RUN.read_text(encoding="utf-8")
    write_entry(tmp_path / "blocks.marshal", content)  # sealed right: what is inside is judged
    cache = cache_in(tmp_path)
    parsed = parse(text, cache)
    cache.save()
    assert same(parsed.value, whole(text))
    assert parse(text, cache_in(tmp_path)).stats.parsed == 0  # and it was rewritten


def test_damaged_entries_are_parsed_again(tmp_path: Path) -> None:
    text = CREATE_RUN.read_text(encoding="utf-8")
    cache = cache_in(tmp_path)
    parse(text, cache)
    cache.save()
    # The file is sealed (a damaged file is an empty cache): damage its entries, and seal it again.
    sealed = read_entry(tmp_path / "blocks.marshal")
    assert sealed is not None
    salt, entries = marshal.loads(sealed)
    damaged = {digest: (b"\xff" if i % 3 == 0 else marshal.dumps({"a": 1, "b": 2}) if i % 3 == 1 else data) for i, (digest, data) in enumerate(entries.items())}
    write_entry(tmp_path / "blocks.marshal", marshal.dumps((salt, damaged)))
    parsed = parse(text, cache_in(tmp_path))
    assert parsed.stats.parsed == sum(1 for i in range(len(entries)) if i % 3 != 2)
    assert same(parsed.value, whole(text))


def test_an_unwritable_cache_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    cache = CacheFile(tmp_path / "file" / "blocks.marshal", SALT, 1 << 20)
    text = CREATE_RUN.read_text(encoding="utf-8")
    parsed = parse(text, cache)
    cache.save()
    assert same(parsed.value, whole(text))


def test_an_unsealed_cache_file_only_costs_time(tmp_path: Path) -> None:
    # What an earlier version wrote, or a file truncated or altered since: its seal does not match.
    text = CREATE_RUN.read_text(encoding="utf-8")
    cache = cache_in(tmp_path)
    parse(text, cache)
    cache.save()
    sealed = read_entry(tmp_path / "blocks.marshal")
    assert sealed is not None
    (tmp_path / "blocks.marshal").write_bytes(sealed)
    assert cache_in(tmp_path)._old == {}
    assert parse(text, cache_in(tmp_path)).stats.cached == 0


def test_the_cache_keeps_this_runs_entries_and_the_most_recent_others(tmp_path: Path) -> None:
    path = tmp_path / "c.marshal"
    for run in range(5):
        cache = CacheFile(path, "s", keep_bytes=2 * (16 + 100))
        for i in range(3):
            cache.put(bytes([run, i]) * 8, b"v" * 100)
        cache.save()
    _, entries = marshal.loads(read_entry(path) or b"")
    # This run's three, and two of the last run's, the most recently used last.
    assert list(entries) == [bytes([3, 1]) * 8, bytes([3, 2]) * 8, *(bytes([4, i]) * 8 for i in range(3))]


# --- small tricky inputs ----------------------------------------------------------------------

BIG = "\n".join(f"    line{i}: {i}" for i in range(5))

EQUIVALENT = {
    "comments at column 0 between and inside blocks": "# head\nopenapi: 3.1.0\n# between\ninfo:\n  title: x\n# inside\n  version: '1'\n#tail\n",
    "block scalars with key-like lines": "a:\n  b: |\n    c: 1\n     d: 2\n  e: >-\n    f: 3\n\n    g: 4\n  h: |+\n    keep\n\n\n  i: 1\n",
    "block scalar with indentation indicator": "a:\n  b: |2\n     c: 1\n    d: 2\n  e: 1\n",
    "quoted multi-line values": "a:\n  b: \"one\n    two: 2\n    three\"\n  c: 'x\n\n    y: z'\n  d: 1\n",
    "plain multi-line values": "a:\n  b: one\n    two\n    three\n  c: 1\n",
    "duplicate keys at every level": "a:\n  x: 1\n  y: 2\n  x: 3\nb: 1\na:\n  z: 1\n  z: 2\nb: 2\n",
    "int, float, bool and null keys": "200:\n  1: a\n  1.5: b\n  true: c\n  null: d\n  ~: e\n'200':\n  x: 1\n",
    "quoted keys": "'/a/{b}':\n  \"c d\": 1\n  'e''f': 2\n",
    "indentless sequences": "tags:\n- name: a\n- name: b\npaths:\n  /a:\n    required:\n    - x\n    - y\n  /b:\n  - 1\n",
    "flow collections inside blocks": "a:\n  b: {c: 1, d: [1, 2]}\n  e: [\n    1, 2]\n  f: 1\n",
    "deep nesting": "a:\n  b:\n    c:\n      d:\n        e:\n          f: 1\n",
    "crlf line breaks": "a:\r\n  b: 1\r\n  c:\r\n    d: 2\r\n",
    "trailing text without a newline": "a:\n  b: 1\nc: 2",
    "empty values": "a:\nb:\n  c:\n  d: ~\n",
    "blank lines with spaces": "a:\n  b: 1\n   \n  c: |\n    x\n  \n    y\n  d: 1\n",
    "tags inside blocks": "a:\n  b: !!str 1\n  c: !!float 2\n  d: !!binary aGVsbG8=\n",
    "big blocks": f"a:\n  b:\n{BIG}\n  c:\n{BIG}\n",
}

DECLINED = {
    "anchor and alias": "a:\n  b: &x 1\nc:\n  d: *x\n",
    "anchor alone": "a:\n  b: &x 1\n",
    "merge key at a cut": "a:\n  x: 1\n  <<: {y: 2}\n",
    "explicit key": "a:\n  x: 1\n  ? b\n  : c\n",
    "document marker": "---\na: 1\n",
    "document end": "a: 1\n...\n",
    "directive": "%YAML 1.1\n---\na: 1\n",
    "tab indentation": "a:\n\tb: 1\n",
    "nel line break": "a:\n  b: 1\x85c: 2\n",
    "lone carriage return": "a:\r  b: 1\n",
    "flow root": "{a: 1}\n",
    "sequence root": "- a\n- b\n",
    "scalar root": "just text\n",
    "indented first key": "  a: 1\nb: 2\n",
    "text before the first key": "  # fine\n  stray\na: 1\n",
    "line indented between levels": "a:\n    b: 1\n   c: 2\n  d: 3\n",
    "a block that fails alone": "a:\n  b: \"open\nc: close\"\n",
    "a flow value split at a cut": "a:\n  b: [1,\n  2]\n",
    "a key line that is not a key": "a:\n  b: 1\n  {c: 1}\n",
    "invalid YAML": "a:\n  b: 1\n c: 2\n",
    "tagged key line": "a:\n  x: 1\n  !!str b: 1\n",
    "multi-line plain continuation at the cut": "a: one\ntwo\n",
}


@pytest.mark.parametrize("text", EQUIVALENT.values(), ids=EQUIVALENT.keys())
def test_tricky_inputs_read_in_blocks(text: str, cut_everything: None) -> None:
    parsed = assert_equivalent(text)
    assert parsed.stats.declined is None, parsed.stats.declined
    assert parsed.stats.parsed > 1


@pytest.mark.parametrize("text", DECLINED.values(), ids=DECLINED.keys())
def test_inputs_blocks_cannot_prove_equal_are_declined(text: str, cut_everything: None) -> None:
    parsed = assert_equivalent(text)
    assert parsed.value is None
    assert parsed.stats.declined


def test_a_header_with_a_value_is_not_cut(cut_everything: None) -> None:
    # `a: !!null #:` ends in a colon like a bare `a:` line, but its value comes first.
    text = "a: null #:\n  b: 1\n"
    with pytest.raises(yaml.YAMLError):
        whole(text)
    assert parse(text).value is None


# --- properties -------------------------------------------------------------------------------

_keys = st.one_of(st.sampled_from(["a", "b", "/x/{y}", "200", "on", "key: colon", "#hash", "- dash", "? q", "<<", "null"]), st.integers(-3, 300))
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(st.sampled_from("ab :#-\n'\"|>{}[]&*!% \t"), max_size=30),
)
_values = st.recursive(_scalars, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_keys, inner, max_size=5)), max_leaves=30)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(
    document=st.dictionaries(_keys, _values, min_size=1, max_size=6),
    width=st.sampled_from([8, 30, 80]),
    indent=st.sampled_from([2, 4]),
    style=st.sampled_from([None, "'", '"', "|"]),
    noise=st.lists(st.tuples(st.integers(0, 200), st.sampled_from(["# c", "", "   ", "  # c", "- x", "  z: 1", "x:"])), max_size=3),
)
def test_any_dumped_document_reads_the_same_or_is_declined(document: dict[Any, Any], width: int, indent: int, style: str | None, noise: list[tuple[int, str]], cut_everything: None) -> None:
    text = yaml.safe_dump(document, width=width, indent=indent, default_style=style, sort_keys=False, allow_unicode=True)
    lines = text.split("\n")
    for at, line in noise:
        lines.insert(at % (len(lines) + 1), line)  # comments, blank lines, and stray lines anywhere
    text = "\n".join(lines)
    parsed = parse(text)
    if parsed.value is not None:
        assert same(parsed.value, whole(text))


@given(st.text(st.sampled_from("&*ab \n[{,/"), max_size=40))
def test_first_match_finds_what_search_finds(text: str) -> None:
    for pattern, marker in ((ANCHOR, "&"), (ALIAS, "*")):
        expected = pattern.search(text)
        found = first_match(pattern, text, marker)
        assert (found and found.span()) == (expected and expected.span())


def test_the_header_pattern_only_takes_bare_keys() -> None:
    header = re.compile(blocks._HEADER.pattern + r"\Z")
    assert header.match("  schemas:\n") and header.match("'/a/{b}':  \n") and header.match("200:\r\n")
    for line in ["a: 1\n", "a: # c\n", "a: &x\n", "a: !!map\n", "a: |\n", "- a:\n", "? a:\n", "a: b:\n", "{a}:\n"]:
        assert not header.match(line), line


def test_a_repeated_key_takes_the_digests_of_its_last_block(cut_everything: None) -> None:
    # The second `components` is one block: nothing of the first may still seem to describe its schemas.
    text = "components:\n  schemas:\n    Foo:\n      type: object\ncomponents: {schemas: {Foo: {type: 5}}}\n"
    parsed = assert_equivalent(text)
    assert parsed.value == {"components": {"schemas": {"Foo": {"type": 5}}}}
    assert list(parsed.digests) == [("components",)]
