"""Reading a spec: bytes → mapping → validated openapi-pydantic model, with located errors.

Lowering walks the raw mapping (it keeps every keyword, ``$ref`` siblings and
``x-`` extensions, and its paths are the JSON pointers that errors name); the
openapi-pydantic model is the structural check that the mapping is an OpenAPI
document at all. Line numbers are only computed when a problem is reported, so the
fast path never pays for them: JSON by one walk of its text down the reported pointers
(``locate.locate_json``), YAML by searching its text, composing only what that leaves.

With a cache (``generator.cache``), a warm run is cheap: YAML is parsed block by block and
each block's value is kept by the hash of its text (``blocks``); a JSON text is read entry by
entry so that each entry of ``paths``, ``webhooks`` and ``components/*`` has a digest of its
text too; the entries of those maps that passed validation as part of a valid document are
remembered by those digests (and by their value without descriptions), so only new or changed
ones are validated again; and a problem inside an unchanged block or entry is placed from where
it was in it. None of these changes what a run reads or reports.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from generator.load import blocks
from generator.load.blocks import ALIAS as _ALIAS, first_match, has_aliases
from generator.cache import Cache, Namespace, View, source_digest
from generator.diagnostics import Problem, SpecError, kind_of, pointer, unescape_pointer_token, where_nesting_starts
from generator.load.locate import deep_json_frames, json_marks, json_offsets, locate as locate_in_text, locate_by_scanning, locate_json, scan_values
from generator.load.structure import StructureCheck

class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML as OpenAPI reads it: JSON's data model, so `2024-01-01` is a string, not a date."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Loader.yaml_implicit_resolvers.items()
}
_SUPPORTED = re.compile(r"^3\.[01]\.\d+$")


@dataclass(frozen=True)
class Blocks:
    """Where the blocks a YAML text was read in stand (by their keys, as strings), and a cache of locations in them."""

    spans: dict[tuple[str, ...], tuple[int, int, bytes]]  # begin, end, digest of the block's text
    locations: View


@dataclass(frozen=True)
class Document:
    file: str
    raw: dict[str, Any]
    text: str
    version: str
    # Read block by block through the cache: a problem inside an unchanged block is located without searching the text.
    blocks: Blocks | None = field(default=None, compare=False, repr=False)

    @property
    def is_31(self) -> bool:
        return self.version.startswith("3.1")


def read(path: Path, display: str | None = None, cache_dir: Cache | Path | None = None) -> Document:
    """The document at ``path``; ``cache_dir`` (None: no cache) keeps what makes reading it again fast.

    A folder given here is saved to before this returns; a :class:`Cache` is saved by its owner.
    """
    cache = Cache.of(cache_dir)
    document, check = read_checking_aside(path, display, cache, background=False)
    check.wait()
    if cache is not cache_dir:
        cache.save()
    return document


def read_checking_aside(path: Path, display: str | None = None, cache_dir: Cache | Path | None = None, *, background: bool = True) -> tuple[Document, StructureCheck]:
    """The document at ``path``, and its structural check, perhaps still running (``StructureCheck.wait`` for it).

    Everything else about reading (YAML, the `openapi` version) is checked before this returns.
    What it keeps in the cache is written by ``cache.save()``, the caller's.
    """
    file = display or str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SpecError([Problem(file, "", "file not found")]) from None
    except OSError as exc:
        raise SpecError([Problem(file, "", f"cannot read file: {exc.strerror or exc}")]) from None
    return _parse(data, file, Cache.of(cache_dir), background)


def decode(data: bytes, file: str) -> str:
    """``data`` as text; a located SpecError at the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start + len(data) - len(exc.object)  # the codec reports offsets past a BOM
        line = data.count(b"\n", 0, start) + 1
        column = start - (data.rfind(b"\n", 0, start) + 1) + 1
        raise SpecError([Problem(file, "", f"not UTF-8 text (byte {start} is {data[start:start + 1]!r})", "save the file as UTF-8", line=line, column=column)]) from None


def parse(data: bytes, file: str, cache_dir: Cache | Path | None = None) -> Document:
    cache = Cache.of(cache_dir)
    document, check = _parse(data, file, cache, background=False)
    check.wait()
    if cache is not cache_dir:
        cache.save()
    return document


def _parse(data: bytes, file: str, cache: Cache, background: bool) -> tuple[Document, StructureCheck]:
    text = decode(data, file)
    if not text.strip():
        raise SpecError([Problem(file, "", "the file is empty", "an OpenAPI 3.0 or 3.1 document was expected", line=1, column=1)])
    parsed = (_json_in_entries(text) if _is_json(text) else _parse_in_blocks(text, cache)) if cache.enabled else None
    raw = parsed.value if parsed is not None and parsed.value is not None else _parse_text(text, file)
    _check_aliases(raw, text, file)
    _check_surrogates(raw, text, file)
    if not isinstance(raw, dict):
        problem = Problem(file, "", f"the document is {kind_of(raw)}, not an object", "an OpenAPI document is an object with an `openapi` key")
        raise SpecError(locate_all(Document(file, {}, text, ""), [problem]))
    try:
        version = _check_version(raw, file)
    except SpecError as exc:
        raise SpecError(locate_all(Document(file, raw, text, ""), exc.problems)) from None
    document = Document(file, raw, text, version, _blocks(parsed, cache))
    digests = parsed.digests if parsed is not None else None
    return document, StructureCheck(document, cache, digests, background, lambda problems: locate_all(document, problems))


def _is_json(text: str) -> bool:
    return text.lstrip().startswith(("{", "["))


def _parse_text(text: str, file: str) -> Any:
    try:
        if _is_json(text):
            return json.loads(text)
        return yaml.load(text, Loader=_Loader)
    except json.JSONDecodeError as exc:
        raise SpecError([Problem(file, "", f"invalid JSON: {exc.msg}", line=exc.lineno, column=exc.colno)]) from None
    except yaml.MarkedYAMLError as exc:
        if exc.problem and "nesting depth" in exc.problem:
            # libyaml (from PyYAML 6.0.4) refuses deep nesting itself; say where it starts, as for JSON.
            raise SpecError([too_deep(text, file)]) from None
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or exc.context or "invalid YAML"
        hint = None
        if exc.problem and exc.context:
            hint = exc.context
            if exc.context_mark is not None and (exc.context_mark.line, exc.context_mark.column) != (mark.line, mark.column):
                hint += f" that starts at line {exc.context_mark.line + 1}, column {exc.context_mark.column + 1}"
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise SpecError([Problem(file, "", f"invalid YAML: {message}", hint, line=line, column=column)]) from None
    except yaml.YAMLError as exc:
        raise SpecError([Problem(file, "", f"invalid YAML: {exc}", line=1, column=1)]) from None
    except RecursionError:
        # json's decoder recurses once per level (about a thousand at most).
        raise SpecError([too_deep(text, file)]) from None


# Deeper than any real spec, and below both json's recursion limit and libyaml's nesting limit, so that a
# document too deep to read is reported the same way whichever parser and PyYAML version refused it.
MAX_READ_DEPTH = 900


def too_deep(text: str, file: str) -> Problem:
    """Where ``text`` nests deeper than :data:`MAX_READ_DEPTH`: the schema (or first keys) the nesting starts in.

    Only a document that failed to parse gets here.
    """
    if _is_json(text):
        # JSON by a regular expression over the text: PyYAML's scanner would take minutes on a large document.
        deep = deep_json_frames(_json_as_yaml(text), MAX_READ_DEPTH)
        found: Any = [deep] if deep is not None else []
    else:
        found = (frames for frames, _ in scan_values(text) if len(frames) >= MAX_READ_DEPTH)
    for frames in found:
        path: list[str | int] = where_nesting_starts([frame[1] for frame in frames])
        _, _, line, column = frames[len(path)]
        below = f"more than {MAX_READ_DEPTH - len(path)} levels below here"
        return Problem(file, pointer(*path), f"nested too deeply to read: {below}", "real specs nest a few dozen levels at most", line=line, column=column)
    return Problem(file, "", "the document is nested too deeply to read", line=1, column=1)


def _json_as_yaml(text: str) -> str:
    # JSON's surrogate-pair escapes (json.dumps writes emoji so) are not YAML: same-length stand-ins keep every column.
    return _SURROGATE_ESCAPE.sub(lambda _: "\\uFFFD", text) if _is_json(text) else text


# What a block's value depends on besides its text: the YAML library and the loader's settings.
_BLOCKS_SALT = f"pyyaml {yaml.__version__} libyaml {getattr(yaml, '__with_libyaml__', False)} {_Loader.__mro__[1].__name__} no-timestamps"
# Parsed blocks of other specs (or earlier versions of this one) are kept beside this run's, up to 8 MB.
YAML_BLOCKS = Namespace("yaml-blocks", code=lambda: _BLOCKS_SALT, keep_bytes=8 << 20)
BLOCKS_FILE = "yaml-blocks.marshal"


def _parse_in_blocks(text: str, cache: Cache) -> blocks.Parsed:
    """``text`` parsed through the block cache; its value is None when it must be parsed whole."""
    # A block's value is what its text alone parses to, whatever the rest: kept even when the cut is declined.
    return blocks.parse(text, _Loader, cache.view(YAML_BLOCKS))


_JSON_WS = re.compile(r"[ \t\n\r]*")
_json_decoder = json.JSONDecoder()
_json_string = json.decoder.scanstring  # type: ignore[attr-defined]
# The maps of named things, whose entries the validation cache knows by their text.
_JSON_ENTRY_MAPS = {("paths",), ("webhooks",), ("components",)}


def _json_in_entries(text: str) -> blocks.Parsed:
    """``json.loads(text)``, read so that each entry of ``paths``, ``webhooks`` and ``components/*`` has a
    digest of its text (as YAML blocks have: the validation cache then needs no walk of the values).

    The value is None (and the text is read by ``json.loads``, which reports any error) when the text
    is not an object or does not read cleanly this way.
    """
    stats = blocks.BlockStats()
    digests: dict[tuple[Any, ...], bytes] = {}
    spans: dict[tuple[Any, ...], tuple[int, int]] = {}
    repeated: list[bool] = []
    try:
        value, end = _json_object(text, _JSON_WS.match(text, 0).end(), (), digests, spans, repeated)  # type: ignore[union-attr]
        if _JSON_WS.match(text, end).end() != len(text):  # type: ignore[union-attr]
            raise ValueError("extra data")
    except (ValueError, IndexError, RecursionError):
        stats.declined = "not read entry by entry"
        return blocks.Parsed(None, stats)
    return blocks.Parsed(value, stats, digests, spans, bool(repeated))


def _json_object(
    text: str, pos: int, path: tuple[Any, ...], digests: dict[tuple[Any, ...], bytes], spans: dict[tuple[Any, ...], tuple[int, int]], repeated: list[bool]
) -> tuple[Any, int]:
    """The object at ``pos`` and where it ends; the maps of ``_JSON_ENTRY_MAPS`` are walked into, and their entries' texts digested."""
    if path not in _JSON_ENTRY_MAPS and (len(path) != 2 or path[0] != "components") and path != ():
        return _json_decoder.raw_decode(text, pos)
    if text[pos] != "{":
        return _json_decoder.raw_decode(text, pos)
    out: dict[str, Any] = {}
    pos = _JSON_WS.match(text, pos + 1).end()  # type: ignore[union-attr]
    if text[pos] == "}":
        return out, pos + 1
    while True:
        if text[pos] != '"':
            raise ValueError("a key was expected")
        key, pos = _json_string(text, pos + 1, True)
        pos = _JSON_WS.match(text, pos).end()  # type: ignore[union-attr]
        if text[pos] != ":":
            raise ValueError("':' was expected")
        pos = _JSON_WS.match(text, pos + 1).end()  # type: ignore[union-attr]
        start = pos
        value, pos = _json_object(text, pos, (*path, key), digests, spans, repeated)
        if path in _JSON_ENTRY_MAPS and path != ("components",) or len(path) == 2:
            # As json.loads builds an object: a repeated key keeps its place and takes the last value.
            digests[(*path, key)] = hashlib.blake2b(text[start:pos].encode("utf-8", "surrogatepass"), digest_size=16).digest()
            spans[(*path, key)] = (start, pos)
        if key in out:
            repeated.append(True)
        out[key] = value
        pos = _JSON_WS.match(text, pos).end()  # type: ignore[union-attr]
        if text[pos] == "}":
            return out, pos + 1
        if text[pos] != ",":
            raise ValueError("',' or '}' was expected")
        pos = _JSON_WS.match(text, pos + 1).end()  # type: ignore[union-attr]


# YAML aliases share one loaded value among all their uses; everything after loading walks
# every use anew, so a few lines of nested aliases can stand for billions of values.
MAX_EXPANDED_VALUES = 5_000_000


def _check_aliases(raw: Any, text: str, file: str) -> None:
    if _is_json(text) or not has_aliases(text):  # JSON has no aliases: every value is its own
        return  # no aliases: every value is written out once, nothing to expand
    sizes: dict[int, int] = {}
    visiting: set[int] = set()
    stack: list[tuple[Any, bool]] = [(raw, False)]
    problem = None
    while stack and problem is None:
        node, children_done = stack.pop()
        children = list(node.values()) if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is None or id(node) in sizes:
            continue
        if children_done:
            visiting.discard(id(node))
            sizes[id(node)] = min(MAX_EXPANDED_VALUES + 1, 1 + sum(sizes.get(id(c), 1) for c in children))
            if sizes[id(node)] > MAX_EXPANDED_VALUES:
                problem = f"YAML aliases expand the document to more than {MAX_EXPANDED_VALUES:,} values"
            continue
        if id(node) in visiting:
            problem = "a YAML alias refers to a value that contains it: the document never ends"
            break
        visiting.add(id(node))
        stack.append((node, True))
        stack.extend((c, False) for c in children if isinstance(c, (dict, list)) and id(c) not in sizes)
    if problem is not None:
        first = first_match(_ALIAS, text, "*")
        line = text.count("\n", 0, first.start()) + 1 if first else 1
        column = first.start() - text.rfind("\n", 0, first.start()) if first else 1
        raise SpecError([Problem(file, "", problem, "write the values out, or use fewer levels of aliases", line=line, column=column)])


# How a lone surrogate gets into a document: JSON's (and YAML's) escapes; raw ones are not UTF-8.
_SURROGATE_ESCAPES = re.compile(r"\\u[dD][89a-fA-F]|\\U0000[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_surrogates(raw: Any, text: str, file: str) -> None:
    """A located error for every string (key or value) holding a lone surrogate, e.g. JSON's ``"\\ud800"``.

    That is not Unicode text: it can be neither written as UTF-8 nor sent, so it is refused where it stands.
    Valid pairs (emoji written as ``"\\ud83d\\ude00"``) were joined by the parser and pass.
    """
    if not _SURROGATE_ESCAPES.search(text):
        return  # the only way to write one
    if _is_json(text) and not _lone_surrogate_escape(text):
        return  # only pairs (json.dumps writes every emoji so), which the parser joined: no need to walk it all
    problems: list[Problem] = []
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(raw, ())]
    hint = "write the character itself, or both halves of a surrogate pair"
    while stack and len(problems) < 20:
        node, path = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(key, str) and _SURROGATE.search(key):
                    problems.append(Problem(file, pointer(*path), f"a key holds a lone surrogate ({_lone(key)}), which is not Unicode text", hint))
                    continue
                stack.append((value, (*path, str(key))))
        elif isinstance(node, list):
            stack.extend((item, (*path, i)) for i, item in enumerate(node))
        elif isinstance(node, str) and _SURROGATE.search(node):
            problems.append(Problem(file, pointer(*path), f"the string holds a lone surrogate ({_lone(node)}), which is not Unicode text", hint))
    if problems:
        document = Document(file, raw if isinstance(raw, dict) else {}, text, "")
        raise SpecError(locate_all(document, sorted(problems, key=lambda p: p.pointer)))


_SURROGATE_ESCAPE_AT = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _lone_surrogate_escape(text: str) -> bool:
    """Whether the JSON ``text`` escapes a surrogate that is not half of a pair (a high one right before a low one)."""
    pending = -1  # where the escape after an unpaired high surrogate must start
    for match in _SURROGATE_ESCAPE_AT.finditer(text):
        start = back = match.start()
        while back and text[back - 1] == "\\":
            back -= 1
        if (start - back) % 2:
            continue  # an escaped backslash, then the letters "ud8.."
        high = text[start + 3] in "89abAB"
        if pending >= 0:
            if high or start != pending:
                return True
            pending = -1
        elif high:
            pending = match.end()
        else:
            return True
    return pending >= 0


def _lone(text: str) -> str:
    found = _SURROGATE.search(text)
    return f"\\u{ord(found.group()):04x}" if found else ""


def _check_version(raw: dict[str, Any], file: str) -> str:
    if "swagger" in raw:
        raise SpecError([Problem(file, "/swagger", f"Swagger {raw['swagger']} documents are not supported", "convert it to OpenAPI 3 first, e.g. with swagger2openapi")])
    version = raw.get("openapi")
    if version is None:
        raise SpecError([Problem(file, "", "missing `openapi` version field", "add e.g. `openapi: 3.1.0`")])
    if not isinstance(version, str) or not _SUPPORTED.match(version):
        hint = "3.0.x and 3.1.x are supported" + ("" if isinstance(version, str) else "; quote the version so YAML reads it as a string")
        raise SpecError([Problem(file, "/openapi", f"unsupported OpenAPI version {version!r}", hint)])
    return version


def locate_all(document: Document, problems: list[Problem]) -> list[Problem]:
    """Fill in line and column numbers for ``problems`` from the document's text."""
    if not problems:
        return problems
    text = document.text
    if _is_json(text):
        # JSON is located by walking its text down the reported pointers, all in one pass: no YAML composer.
        if document.blocks is not None:
            return _compose_rest(document, _BlockPlaces(document).json(problems))
        return _compose_rest(document, _placed(problems, locate_json(text, [problem.pointer for problem in problems if not problem.line])))
    blocks = _BlockPlaces(document) if document.blocks is not None else None
    found = blocks.known(problems) if blocks is not None else problems
    # Most problems can be found from the text alone; compose the document only for the rest.
    located = _compose_rest(document, [problem if problem.line else _quick(text, problem) for problem in found])
    if blocks is not None:
        blocks.remember(problems, located)
    return located


def _compose_rest(document: Document, quick: list[Problem]) -> list[Problem]:
    rest = [problem for problem in quick if not problem.line]
    if not rest:
        return quick
    located = iter(_compose_and_locate(document, rest))
    return [problem if problem.line else next(located) for problem in quick]


# Where a problem is in a block depends on the block's text and the rest of its pointer alone:
# kept by those, it is found again in the same block wherever the block has moved to.
LOCATIONS = Namespace("yaml-locations", code=lambda: source_digest([Path(__file__).with_name("locate.py"), Path(__file__)]), keep_bytes=1 << 20)


def _blocks(parsed: blocks.Parsed | None, cache: Cache) -> Blocks | None:
    if parsed is None or parsed.value is None or parsed.repeated_keys or not parsed.spans:
        return None  # with a repeated key, a search of the text may find the first of two blocks
    spans = {path: (*parsed.spans[path], digest) for path, digest in parsed.digests.items() if all(isinstance(key, str) for key in path)}
    return Blocks(spans, cache.view(LOCATIONS))  # type: ignore[arg-type]


class _BlockPlaces:
    """Locations of problems, relative to the innermost block holding them, from the cache and into it."""

    def __init__(self, document: Document):
        assert document.blocks is not None
        self.text = document.text
        self.blocks = document.blocks
        self._lines: dict[int, int] = {}

    def _block(self, pointer: str) -> tuple[tuple[int, int, bytes], tuple[str, ...]] | None:
        tokens = tuple(unescape_pointer_token(t) for t in pointer.split("/")[1:])
        for depth in range(len(tokens), 0, -1):
            span = self.blocks.spans.get(tokens[:depth])
            if span is not None:
                return span, tokens[depth:]
        return None

    def _line_of(self, offsets: list[int]) -> None:
        """The 1-based line of each offset, counting the text once up to the last."""
        line, at = 1, 0
        for offset in sorted(set(offsets)):
            line += self.text.count("\n", at, offset)
            at = offset
            self._lines[offset] = line

    def known(self, problems: list[Problem]) -> list[Problem]:
        places = {}
        for i, problem in enumerate(problems):
            if problem.line:
                continue
            block = self._block(problem.pointer)
            if block is None:
                continue
            (begin, _, digest), rest = block
            value = self.blocks.locations.get(("yaml", digest, rest))
            if isinstance(value, str) and (parts := value.split(" ")) and len(parts) == 2 and all(p.isdigit() for p in parts):
                places[i] = (begin, int(parts[0]), int(parts[1]))
        self._line_of([begin for begin, _, _ in places.values()])
        return [replace(problem, line=self._lines[places[i][0]] + places[i][1], column=places[i][2]) if i in places else problem for i, problem in enumerate(problems)]

    def remember(self, asked: list[Problem], located: list[Problem]) -> None:
        todo = []
        for before, after in zip(asked, located):
            if before.line or not after.line or after.column is None:
                continue
            block = self._block(before.pointer)
            if block is not None:
                todo.append((block, after))
        self._line_of([offset for ((begin, end, _), _), _ in todo for offset in (begin, end)])
        for ((begin, end, digest), rest), problem in todo:
            first, last = self._lines[begin], self._lines[end]
            assert problem.line is not None
            # Only a place inside the block is the block's alone (a missing key places the problem at a parent).
            if first <= problem.line <= last and (problem.line < last or end == len(self.text)):
                self.blocks.locations.put(("yaml", digest, rest), f"{problem.line - first} {problem.column}")

    def json(self, problems: list[Problem]) -> list[Problem]:
        """``problems`` placed in a JSON text: by the offset of each in its entry, kept, or found by walking the text."""
        offsets: dict[int, int] = {}
        walk: dict[int, tuple[tuple[int, int, bytes], tuple[str, ...]] | None] = {}
        for i, problem in enumerate(problems):
            if problem.line:
                continue
            block = self._block(problem.pointer)
            value = self.blocks.locations.get(("json", block[0][2], block[1])) if block is not None else None
            if isinstance(value, str) and value.isdigit():
                offsets[i] = block[0][0] + int(value)  # type: ignore[index]
            else:
                walk[i] = block
        if walk:
            found = json_offsets(self.text, [problems[i].pointer for i in walk])
            for i, block in walk.items():
                at = found.get(problems[i].pointer)
                if at is None:
                    continue
                offsets[i] = at
                # Only a place inside the entry is the entry's alone (a missing key places the problem at a parent).
                if block is not None and block[0][0] <= at < block[0][1]:
                    self.blocks.locations.put(("json", block[0][2], block[1]), str(at - block[0][0]))
        marks = json_marks(self.text, list(offsets.values()))
        return [replace(problem, line=marks[offsets[i]][0], column=marks[offsets[i]][1]) if i in offsets else problem for i, problem in enumerate(problems)]


def _quick(text: str, problem: Problem) -> Problem:
    found = locate_in_text(text, problem.pointer)
    return replace(problem, line=found[0], column=found[1]) if found else problem


def _compose_and_locate(document: Document, problems: list[Problem]) -> list[Problem]:
    text = _json_as_yaml(document.text)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except (yaml.YAMLError, RecursionError):
        # Too deep to compose (libyaml's limit, or Python's): the scanner reads any depth.
        return _placed(problems, locate_by_scanning(text, [problem.pointer for problem in problems]))
    return [_locate(root, problem) for problem in problems]


def _placed(problems: list[Problem], found: dict[str, tuple[int, int]]) -> list[Problem]:
    """``problems`` with the (line, column) ``found`` for their pointers; those already located, or not found, as they are."""
    return [replace(problem, line=found[problem.pointer][0], column=found[problem.pointer][1]) if not problem.line and problem.pointer in found else problem for problem in problems]


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _locate(root: yaml.Node | None, problem: Problem) -> Problem:
    if problem.line or root is None:
        return problem
    node = root
    tokens = [unescape_pointer_token(t) for t in problem.pointer.split("/")[1:]]
    for token in tokens:
        child = _child(node, token)
        if child is None:
            break
        node = child
    mark = node.start_mark
    return Problem(problem.file, problem.pointer, problem.message, problem.hint, problem.severity, mark.line + 1, mark.column + 1)


def _child(node: yaml.Node, token: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == token:
                return value
    elif isinstance(node, yaml.SequenceNode) and token.isdigit() and int(token) < len(node.value):
        return node.value[int(token)]
    return None
