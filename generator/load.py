"""Reading a spec: bytes → mapping → validated openapi-pydantic model, with located errors.

Lowering walks the raw mapping (it keeps every keyword, ``$ref`` siblings and
``x-`` extensions, and its paths are the JSON pointers that errors name); the
openapi-pydantic model is the structural check that the mapping is an OpenAPI
document at all. Line numbers are only computed when a problem is reported, by
composing the YAML a second time, so the fast path never pays for them.

With a cache directory, two caches make a warm run cheap: YAML is parsed block by block
and each block's value is kept by the hash of its text (``blocks``), and the entries of the
maps of named things (paths, webhooks, components) that passed validation as part of a
valid document are remembered, so only new or changed ones are validated again. Neither
changes what a run reads or reports.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from . import blocks
from .background import Job
from .blocks import ALIAS as _ALIAS, ANCHOR as _ANCHOR, CacheFile, first_match
from .installed import fingerprint
from .locate import locate as locate_in_text
from .diagnostics import Problem, SpecError, pointer, unescape_pointer_token

if TYPE_CHECKING:
    from pydantic import ValidationError

class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML as OpenAPI reads it: JSON's data model, so `2024-01-01` is a string, not a date."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Loader.yaml_implicit_resolvers.items()
}
_SUPPORTED = re.compile(r"^3\.[01]\.\d+$")
# Errors past this many are summarised: a broken spec can produce thousands.
MAX_PROBLEMS = 50


@dataclass(frozen=True)
class Document:
    file: str
    raw: dict[str, Any]
    text: str
    version: str

    @property
    def is_31(self) -> bool:
        return self.version.startswith("3.1")


def read(path: Path, display: str | None = None, cache_dir: Path | None = None) -> Document:
    """The document at ``path``; ``cache_dir`` (None: no cache) keeps what makes reading it again fast."""
    document, check = read_checking_aside(path, display, cache_dir, background=False)
    check.wait()
    return document


def read_checking_aside(path: Path, display: str | None = None, cache_dir: Path | None = None, *, background: bool = True) -> tuple[Document, StructureCheck]:
    """The document at ``path``, and its structural check, perhaps still running (``StructureCheck.wait`` for it).

    Everything else about reading (YAML, the `openapi` version) is checked before this returns.
    """
    file = display or str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SpecError([Problem(file, "", "file not found")]) from None
    except OSError as exc:
        raise SpecError([Problem(file, "", f"cannot read file: {exc.strerror or exc}")]) from None
    return _parse(data, file, cache_dir, background)


def decode(data: bytes, file: str) -> str:
    """``data`` as text; a located SpecError at the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start + len(data) - len(exc.object)  # the codec reports offsets past a BOM
        line = data.count(b"\n", 0, start) + 1
        column = start - (data.rfind(b"\n", 0, start) + 1) + 1
        raise SpecError([Problem(file, "", f"not UTF-8 text (byte {start} is {data[start:start + 1]!r})", "save the file as UTF-8", line=line, column=column)]) from None


def kind_of(value: Any) -> str:
    """How a message names the JSON type of ``value``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


def parse(data: bytes, file: str, cache_dir: Path | None = None) -> Document:
    document, check = _parse(data, file, cache_dir, background=False)
    check.wait()
    return document


def _parse(data: bytes, file: str, cache_dir: Path | None, background: bool) -> tuple[Document, StructureCheck]:
    text = decode(data, file)
    if not text.strip():
        raise SpecError([Problem(file, "", "the file is empty", "an OpenAPI 3.0 or 3.1 document was expected", line=1, column=1)])
    parsed = _parse_in_blocks(text, cache_dir) if cache_dir is not None and not _is_json(text) else None
    raw = parsed.value if parsed is not None and parsed.value is not None else _parse_text(text, file)
    _check_aliases(raw, text, file)
    if not isinstance(raw, dict):
        problem = Problem(file, "", f"the document is {kind_of(raw)}, not an object", "an OpenAPI document is an object with an `openapi` key")
        raise SpecError(locate_all(Document(file, {}, text, ""), [problem]))
    try:
        version = _check_version(raw, file)
    except SpecError as exc:
        raise SpecError(locate_all(Document(file, raw, text, ""), exc.problems)) from None
    document = Document(file, raw, text, version)
    return document, StructureCheck(document, cache_dir, parsed.digests if parsed is not None else None, background)


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
        pass
    # json's decoder recurses once per level; YAML's C parser reads any JSON nesting, and then
    # validation says where the document is too deep.
    try:
        return yaml.load(text, Loader=_Loader)
    except (yaml.YAMLError, RecursionError):
        raise SpecError([Problem(file, "", "the document is nested too deeply to read", line=1, column=1)]) from None


BLOCKS_FILE = "yaml-blocks-v1.marshal"
# Parsed blocks of other specs (or earlier versions of this one) kept beside this run's.
_BLOCKS_KEPT_BYTES = 8 << 20
# What a block's value depends on besides its text: the YAML library and the loader's settings.
_BLOCKS_SALT = f"pyyaml {yaml.__version__} libyaml {getattr(yaml, '__with_libyaml__', False)} {_Loader.__mro__[1].__name__} no-timestamps"


def _parse_in_blocks(text: str, cache_dir: Path) -> blocks.Parsed:
    """``text`` parsed through the block cache; its value is None when it must be parsed whole."""
    cache = CacheFile(cache_dir / BLOCKS_FILE, _BLOCKS_SALT, _BLOCKS_KEPT_BYTES)
    parsed = blocks.parse(text, _Loader, cache)
    if parsed.value is not None:
        cache.save()
    return parsed


# YAML aliases share one loaded value among all their uses; everything after loading walks
# every use anew, so a few lines of nested aliases can stand for billions of values.
MAX_EXPANDED_VALUES = 5_000_000


def _has_aliases(text: str) -> bool:
    return bool(first_match(_ANCHOR, text, "&") and first_match(_ALIAS, text, "*"))


def _check_aliases(raw: Any, text: str, file: str) -> None:
    if not _has_aliases(text):
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


class StructureCheck:
    """openapi-pydantic's verdict on a document, perhaps still being reached in a child process."""

    def __init__(self, document: Document, cache_dir: Path | None, read_from: Mapping[tuple[Any, ...], bytes] | None, background: bool):
        self._document = document
        self._after_pass: Callable[[], None] | None = None
        self._job: Job | None = None
        remembered = _remembered_validation(document, cache_dir, read_from or {})
        if remembered is None:
            raw = document.raw
        else:
            cache, digests, reduced = remembered
            if reduced is None:
                return  # every part is known to pass
            raw = reduced

            def remember() -> None:
                for digest in digests:
                    cache.put(digest, b"")
                cache.save()

            self._after_pass = remember
        self._job = Job(structural_problems, document.file, raw, background=background)

    def wait(self) -> None:
        """Raise the located problems, if the document is not OpenAPI; remember what passed."""
        job, self._job = self._job, None
        if job is None:
            return
        problems, locate = job.result()
        if problems:
            raise SpecError(locate_all(self._document, problems) if locate else problems)
        if self._after_pass is not None:
            self._after_pass()

    def cancel(self) -> None:
        job, self._job = self._job, None
        if job is not None:
            job.cancel()


def structural_problems(file: str, raw: dict[str, Any]) -> tuple[list[Problem], bool]:
    """openapi-pydantic's problems with ``raw`` (the document, or it less parts known to pass), and whether to locate them.

    Runs in a child process when it can: it returns problems rather than raising them.
    """
    # Imported here: 0.3-0.4 s, and a warm run on an unchanged spec validates nothing.
    from openapi_pydantic import parse_obj
    from pydantic import ValidationError

    try:
        parse_obj(raw)
    except ValidationError as exc:
        return _translate(Document(file, raw, "", ""), exc), True
    except RecursionError:
        return [Problem(file, "", "the document is nested too deeply to validate")], False
    return [], False


# --- remembering what validated -------------------------------------------------------------
#
# openapi-pydantic checks each entry of a map of named things (a path, a webhook, a schema…)
# on its own, against the entry's value alone; and taking an entry out of such a map never
# makes a valid document invalid. So an entry that passed as part of a valid document passes
# again wherever it stands, and a document can be validated less the entries known to pass:
# the problems found are the same, at the same pointers. Everything else (info, servers,
# security, tags, the maps themselves) is always validated, unless the whole document is
# known to pass.

VALIDATED_FILE = "openapi-validated-v1.marshal"
_VALIDATED_KEPT_BYTES = 4 << 20
_NAMED_COMPONENTS = ("schemas", "responses", "parameters", "examples", "requestBodies", "headers", "securitySchemes", "links", "callbacks", "pathItems")


def _remembered_validation(
    document: Document, cache_dir: Path | None, read_from: Mapping[tuple[Any, ...], bytes]
) -> tuple[CacheFile, list[bytes], dict[str, Any] | None] | None:
    """The validation cache, this document's digests, and the document less its known-valid entries (None: all known).

    None when there is no cache, or the document's values may be shared (YAML aliases) or
    too deep to fingerprint: then the whole document is validated, as without a cache.
    """
    salt = _validator_salt()
    if cache_dir is None or salt is None or _has_aliases(document.text):
        return None
    cache = CacheFile(cache_dir / VALIDATED_FILE, salt, _VALIDATED_KEPT_BYTES)
    try:
        digests, reduced = _reduce(document, cache, read_from)
    except RecursionError:
        return None
    return cache, digests, reduced


def _reduce(document: Document, cache: CacheFile, read_from: Mapping[tuple[Any, ...], bytes]) -> tuple[list[bytes], dict[str, Any] | None]:
    raw = document.raw
    reduced = dict(raw)
    skeleton = dict(raw)
    if isinstance(raw.get("components"), dict):
        reduced["components"] = dict(raw["components"])
        skeleton["components"] = dict(raw["components"])
    digests, unknown = [], 0
    for where in _named_maps(raw):
        entries = raw[where[0]] if len(where) == 1 else raw[where[0]][where[1]]
        kept = {}
        for key, value in entries.items():
            source = read_from.get((*where, key))
            digest = _digest(document.version, where, key, ("value", value) if source is None else ("text", source))
            digests.append(digest)
            if cache.get(digest) is None:
                kept[key] = value
        unknown += len(kept)
        _put(reduced, where, kept)
        _put(skeleton, where, {})
    digests.append(_digest(document.version, (), "", ("value", skeleton)))
    if unknown == 0 and cache.get(digests[-1]) is not None:
        return digests, None
    return digests, reduced


def _named_maps(raw: dict[str, Any]) -> list[tuple[str, ...]]:
    maps: list[tuple[str, ...]] = [(key,) for key in ("paths", "webhooks") if isinstance(raw.get(key), dict)]
    components = raw.get("components")
    if isinstance(components, dict):
        maps += [("components", kind) for kind in _NAMED_COMPONENTS if isinstance(components.get(kind), dict)]
    return maps


def _put(raw: dict[str, Any], where: tuple[str, ...], value: dict[Any, Any]) -> None:
    (raw if len(where) == 1 else raw[where[0]])[where[-1]] = value


def _digest(version: str, where: tuple[str, ...], key: Any, value: Any) -> bytes:
    # repr tells every type of the data model apart (1, 1.0, True, "1"), unlike JSON.
    text = repr((version, where, key, value))
    return hashlib.blake2b(text.encode("utf-8", "backslashreplace"), digest_size=16).digest()


def _validator_salt() -> str | None:
    return fingerprint("openapi_pydantic", "pydantic", "pydantic_core")


def _translate(document: Document, exc: ValidationError) -> list[Problem]:
    """Turn pydantic's error locations into JSON pointers into the document.

    pydantic's locations mix keys of the document with the names of union
    branches it tried (``Reference``, ``Schema``…). Walking the document along
    the location keeps only the real keys; of the branch errors, the ones for
    the branch the node plainly is (a ``$ref`` or not) are kept.
    """
    problems: list[Problem] = []
    seen: set[str] = set()
    for error in exc.errors():
        tokens, node, wrong_branch = [], document.raw, False
        loc = list(error["loc"])[1:]  # the first item is the version tag pydantic dispatched on
        for item in loc:
            if isinstance(node, dict) and item in node:
                tokens.append(item)
                node = node[item]
            elif isinstance(node, list) and isinstance(item, int) and item < len(node):
                tokens.append(item)
                node = node[item]
            elif isinstance(item, str) and item[:1].isupper():
                # A union branch: a `$ref` object is only a Reference, anything else never is.
                is_ref = isinstance(node, dict) and "$ref" in node
                wrong_branch = wrong_branch or (item == "Reference") != is_ref
        if wrong_branch:
            continue
        if error["type"] in {"recursion_loop", "recursion_depth_exceeded"}:
            # Name the schema the nesting starts in, not a pointer thousands of tokens long.
            depth = len(tokens)
            tokens = tokens[:3] if tokens[:2] == ["components", "schemas"] else tokens[:_DEEP_POINTER_TOKENS]
            message = f"nested too deeply to validate: a value more than {depth - len(tokens)} keys below here"
        elif loc and loc[-1] == "[key]":
            message = f"the key {error.get('input')!r} must be a string, not {kind_of(error.get('input'))}"
        else:
            message = _message(error)
        at = pointer(*tokens)
        if at in seen:
            continue
        seen.add(at)
        problems.append(Problem(document.file, at, message))
    return problems[:MAX_PROBLEMS]


_DEEP_POINTER_TOKENS = 8
_EXPECTED = {
    "list_type": "a list",
    "string_type": "a string",
    "bool_type": "a boolean",
    "bool_parsing": "a boolean",
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "float_parsing": "a number",
    "dict_type": "an object",
}


def _message(error: Any) -> str:
    """A pydantic error as the spec's author would say it: what was expected, what was found."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    got = kind_of(error.get("input"))
    if kind == "missing":
        return f"missing required field `{error['loc'][-1]}`"
    if kind in {"model_type", "model_attributes_type"}:
        name = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", str(ctx.get("class_name", "")))
        article = "an" if name[:1] in set("AEIOU") else "a"
        return f"expected {article} {name} object, got {got}" if name else f"expected an object, got {got}"
    if kind in _EXPECTED:
        return f"expected {_EXPECTED[kind]}, got {got}"
    if kind == "too_short" and ctx.get("min_length") == 1:
        return "must not be empty"
    if kind in {"enum", "literal_error"} and "expected" in ctx:
        return f"must be one of {ctx['expected']}, got {error.get('input')!r}"
    return str(error["msg"])


def locate_all(document: Document, problems: list[Problem]) -> list[Problem]:
    """Fill in line and column numbers for ``problems`` from the document's text."""
    if not problems:
        return problems
    text = document.text
    # Most problems can be found from the text alone; compose the document only for the rest.
    quick = [problem if problem.line else _quick(text, problem) for problem in problems]
    rest = [problem for problem in quick if not problem.line]
    if not rest:
        return quick
    located = iter(_compose_and_locate(document, rest))
    return [problem if problem.line else next(located) for problem in quick]


def _quick(text: str, problem: Problem) -> Problem:
    found = locate_in_text(text, problem.pointer)
    return replace(problem, line=found[0], column=found[1]) if found else problem


def _compose_and_locate(document: Document, problems: list[Problem]) -> list[Problem]:
    text = document.text
    if text.lstrip().startswith(("{", "[")):
        # JSON's surrogate-pair escapes (json.dumps writes emoji so) are not YAML: same-length stand-ins keep every column.
        text = _SURROGATE_ESCAPE.sub(lambda _: "\\uFFFD", text)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except (yaml.YAMLError, RecursionError):
        return problems
    return [_locate(root, problem) for problem in problems]


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
