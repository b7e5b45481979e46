"""openapi-pydantic's structural check of a spec: aside, on only what has not passed before, said plainly.

openapi-pydantic's model is the check that a mapping is an OpenAPI document at all
(lowering walks the raw mapping itself). Three things make it cheap and readable:
it runs in a child process while lowering goes on (``background``); with a cache
directory, only the entries of the maps of named things that have not passed
before are validated; and pydantic's errors are turned into JSON pointers and
messages in the spec author's terms.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.background import Job
from generator.load.blocks import has_aliases
from generator.cache import Cache, Namespace, View, fingerprint, source_digest
from generator.diagnostics import MAX_PROBLEMS, Problem, SpecError, kind_of, pointer, where_nesting_starts

if TYPE_CHECKING:
    from pydantic import ValidationError

    from generator.load.reader import Document


class StructureCheck:
    """openapi-pydantic's verdict on a document, perhaps still being reached in a child process."""

    def __init__(
        self,
        document: Document,
        cache: Cache,
        read_from: Mapping[tuple[Any, ...], bytes] | None,
        background: bool,
        locate: Callable[[list[Problem]], list[Problem]],
    ):
        self._locate = locate
        self._after_pass: Callable[[], None] | None = None
        self._job: Job | None = None
        remembered = _remembered_validation(document, cache, read_from or {})
        if remembered is None:
            raw = document.raw
        else:
            view, digests, reduced = remembered
            if reduced is None:
                return  # every part is known to pass
            raw = reduced

            def remember() -> None:  # written by the cache's owner, with the rest of the run's entries
                for digest in digests:
                    view.put(digest, b"")

            self._after_pass = remember
        self._job = Job(structural_problems, document.file, raw, background=background)

    def wait(self) -> None:
        """Raise the located problems, if the document is not OpenAPI; remember what passed."""
        job, self._job = self._job, None
        if job is None:
            return
        problems, locate = job.result()
        if problems:
            raise SpecError(self._locate(problems) if locate else problems)
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
        return _translate(file, raw, exc), True
    except RecursionError:
        return [Problem(file, "", "the document is nested too deeply to validate")], False
    return [], False


# --- remembering what validated -------------------------------------------------------------
#
# openapi-pydantic checks each entry of a map of named things (a path, a webhook, a schema…)
# on its own, against the entry's value alone; and taking an entry out of such a map never
# makes a valid document invalid. So an entry that passed as part of a valid document passes
# again wherever it stands, and a document can be validated less the entries known to pass:
# the problems found are the same, at the same pointers. An entry is known by its text, and
# by its value with its descriptions left out (``_without_descriptions``): editing a
# description needs no validation. Everything else (info, servers,
# security, tags, the maps themselves) is always validated, unless the whole document is
# known to pass.

VALIDATED = Namespace(
    "openapi-validated",
    code=lambda: (lambda salt: None if salt is None else salt + "\n" + source_digest([Path(__file__)]))(_validator_salt()),
    keep_bytes=4 << 20,
)
VALIDATED_FILE = "openapi-validated.marshal"
_NAMED_COMPONENTS = ("schemas", "responses", "parameters", "examples", "requestBodies", "headers", "securitySchemes", "links", "callbacks", "pathItems")


def _remembered_validation(
    document: Document, cache: Cache, read_from: Mapping[tuple[Any, ...], bytes]
) -> tuple[View, list[bytes], dict[str, Any] | None] | None:
    """The validation cache, this document's digests, and the document less its known-valid entries (None: all known).

    None when there is no cache, or the document's values may be shared (YAML aliases) or
    too deep to fingerprint: then the whole document is validated, as without a cache.
    """
    # JSON has no aliases (its `&` and `*` are in strings); YAML may share values through them.
    if cache.key(VALIDATED, ()) is None or (not _is_json(document.text) and has_aliases(document.text)):
        return None
    view = cache.view(VALIDATED)
    try:
        digests, reduced = _reduce(document, view, read_from)
    except RecursionError:
        return None
    return view, digests, reduced


def _reduce(document: Document, cache: View, read_from: Mapping[tuple[Any, ...], bytes]) -> tuple[list[bytes], dict[str, Any] | None]:
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
                # Changed text: known to pass when only its descriptions changed.
                shape = _digest(document.version, where, key, ("shape", _without_descriptions(value)))
                digests.append(shape)
                if cache.get(shape) is None:
                    kept[key] = value
                else:
                    cache.put(digest, b"")  # passes as its shape did: known by its text from now on
        unknown += len(kept)
        _put(reduced, where, kept)
        _put(skeleton, where, {})
    digests.append(_digest(document.version, (), "", ("shape", _without_descriptions(skeleton))))
    if unknown == 0 and cache.get(digests[-1]) is not None:
        return digests, None
    return digests, reduced


def _is_json(text: str) -> bool:
    return text.lstrip().startswith(("{", "["))  # as the reader tells JSON from YAML


def _without_descriptions(value: Any) -> Any:
    """``value`` with every string under a ``description`` key made empty: what passes openapi-pydantic is the same.

    Wherever OpenAPI has a ``description``, it is any string; where ``description`` is a name (a
    property, a map key) its value is an object, and a string there fails whatever it says. So
    an entry that passed passes again with other description texts, and one key serves both.
    """
    kind = type(value)
    if kind is dict:
        return {k: "" if k == "description" and type(v) is str else _without_descriptions(v) for k, v in value.items()}
    if kind is list:
        return [_without_descriptions(v) for v in value]
    return value


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


_TYPE_NAMES = frozenset({"string", "number", "integer", "boolean", "array", "object", "null"})


def _is_type_list(node: Any) -> bool:
    """A JSON Schema list of type names, each once (`[string, 'null']`)."""
    return isinstance(node, list) and bool(node) and all(isinstance(t, str) and t in _TYPE_NAMES for t in node) and len(set(node)) == len(node)


def _validator_salt() -> str | None:
    return fingerprint("openapi_pydantic", "pydantic", "pydantic_core")


def _translate(file: str, raw: dict[str, Any], exc: ValidationError) -> list[Problem]:
    """Turn pydantic's error locations into JSON pointers into the document.

    pydantic's locations mix keys of the document with the names of union
    branches it tried (``Reference``, ``Schema``…). Walking the document along
    the location keeps only the real keys; of the branch errors, the ones for
    the branch the node plainly is (a ``$ref`` or not) are kept.
    """
    problems: list[Problem] = []
    seen: set[str] = set()
    for error in exc.errors():
        tokens, node, wrong_branch = [], raw, False
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
        if len(tokens) > 1 and tokens[-1] == "examples" and error["type"] == "list_type" and _in_schema(raw, tokens):
            continue  # a schema's `examples` written as a map: only an annotation, ignored by lowering with a warning
        if len(tokens) == 2 and tokens[0] == "paths" and str(tokens[1]).startswith("x-"):
            continue  # a specification extension of the Paths object (`x-codegen-contextRoot`): allowed, ignored by lowering
        if len(tokens) > 3 and tokens[-3] == "callbacks" and tokens[-1] == "$ref" and isinstance(node, str):
            continue  # a callback given by reference (valid; openapi-pydantic reads `$ref` as an expression)
        if tokens and tokens[-1] == "pattern" and not isinstance(node, str) and _in_schema(raw, tokens):
            continue  # a number as a pattern: lowering does not check it, with a warning
        if tokens and tokens[-1] == "type" and node == "null" and error["type"] in {"enum", "literal_error"}:
            continue  # `type: 'null'` in 3.0: lowering reads it as `nullable: true`, with a warning
        if tokens and tokens[-1] == "type" and _is_type_list(node) and _in_schema(raw, tokens[:-1] + ["type"]):
            continue  # `type: [string, 'null']` in 3.0 (3.1's spelling): lowering reads it, with a warning
        if isinstance(node, bool) and error["type"] in {"model_type", "model_attributes_type"}:
            # JSON Schema 2020-12 (OpenAPI 3.1) lets `true`/`false` stand for a schema anywhere; openapi-pydantic
            # does not know it. Lowering reads them (with a warning in a 3.0 document).
            if (error.get("ctx") or {}).get("class_name") == "Schema":
                continue
        if error["type"] in {"recursion_loop", "recursion_depth_exceeded"}:
            depth = len(tokens)
            tokens = where_nesting_starts(tokens)
            message = f"nested too deeply to validate: a value more than {depth - len(tokens)} keys below here"
        elif loc and loc[-1] == "[key]":
            message = f"the key {error.get('input')!r} must be a string, not {kind_of(error.get('input'))}"
        else:
            message = _message(error)
        at = pointer(*tokens)
        if at in seen:
            continue
        seen.add(at)
        problems.append(Problem(file, at, message))
    return problems[:MAX_PROBLEMS]


def _in_schema(raw: dict[str, Any], tokens: list[Any]) -> bool:
    """Whether the value at ``tokens`` is a keyword of a schema (not of a media type or parameter,
    whose ``examples`` is a map): its owner has a schema keyword, or stands under ``schemas``."""
    owner: Any = raw
    for token in tokens[:-1]:
        owner = owner[token]
    return isinstance(owner, dict) and ("type" in owner or "properties" in owner or tokens[-3:-2] == ["schemas"] or tokens[-3:-2] == ["properties"])


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
