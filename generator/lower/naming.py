"""Turning names from a spec into valid, unique, readable Python identifiers."""

from __future__ import annotations

import builtins
import functools
import keyword
import re
import unicodedata
from collections.abc import Iterable

# A module name is a file name (and its `.pyc`: `name.cpython-311.pyc`): file systems allow 255 bytes, so a
# longer name (Microsoft Graph beta's schemas and paths give 300 characters) is cut, and a digest of the whole
# name keeps it unique and the same on every run.
MAX_MODULE_NAME = 160


def module_name(name: str) -> str:
    """``name`` as a module (file) name: itself, or cut to ``MAX_MODULE_NAME`` characters with a digest."""
    if len(name) <= MAX_MODULE_NAME:
        return name
    import hashlib

    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return name[: MAX_MODULE_NAME - 9].rstrip("_") + "_" + digest


_WORD_BOUNDARY = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?=[A-Z][a-z]|[^A-Za-z]|$)|[A-Z]+|[0-9]+")
_NOT_IDENT = re.compile(r"[^0-9A-Za-z]+")

# Names that would shadow something the generated modules rely on. Fields and
# arguments may still use builtins (``type``, ``id``, ``input``): they live in a
# class or function scope where shadowing is harmless and the wire name wins.
_RESERVED_CLASS_NAMES = frozenset(
    {
        "BaseModel",
        "Field",
        "Literal",
        "Annotated",
        "Union",
        "Any",
        "Optional",
        "TypedDict",
        "Required",
        "NotRequired",
        "Sequence",
        "Mapping",
        "Stream",
        "AsyncStream",
        "NotGiven",
        "Client",
        "AsyncClient",
        # Imported by resource modules from the runtime.
        "Body",
        "Headers",
        "Query",
        "FileTypes",
        "RequestOptions",
        "SyncAPIClient",
        "AsyncAPIClient",
        "UnknownEvent",
        "TypeAlias",
    }
    | {name for name in dir(builtins) if name[:1].isupper()}
)
# Method and argument names the generated resources use themselves.
# The method body calls `cast(...)` and `dict(...)`: an argument must not shadow them either.
RESERVED_ARGUMENTS = frozenset({"self", "extra_headers", "extra_query", "extra_body", "timeout", "cast", "dict"})


def _ascii(text: str) -> str:
    # NFKD splits accents off letters (é → e); ß has no decomposition but a usual spelling.
    text = text.replace("ß", "ss").replace("ẞ", "SS")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def words(text: str) -> list[str]:
    """Split ``text`` into lower-case words at case changes, digits and punctuation."""
    out: list[str] = []
    for chunk in _NOT_IDENT.split(_ascii(text)):
        out.extend(match.group(0).lower() for match in _WORD_BOUNDARY.finditer(chunk))
    return out


# Python 3.11's soft keywords, fixed: 3.12 adds `type`, and the output must not depend on the Python
# that runs the generator.
_SOFT_KEYWORDS = frozenset({"_", "case", "match"})


def _snake_words(text: str) -> str:
    name = "_".join(words(text)) or "value"
    return "n" + name if name[0].isdigit() else name


# Memoised: the same spec names are turned into identifiers for every reference, field and operation.
@functools.lru_cache(maxsize=16384)
def snake(text: str) -> str:
    """``createRun`` → ``create_run``; always a valid identifier, never a keyword."""
    name = _snake_words(text)
    if keyword.iskeyword(name) or name in _SOFT_KEYWORDS:
        name += "_"
    return name


@functools.lru_cache(maxsize=16384)
def pascal(text: str) -> str:
    """``run.step-object`` → ``RunStepObject``; never a builtin or a name the output imports."""
    parts = words(text)
    name = "".join(part[:1].upper() + part[1:] for part in parts) or "Model"
    if name[0].isdigit():
        name = "N" + name
    if name in _RESERVED_CLASS_NAMES:
        name += "Model"
    return name


# What a model's field must not be called: pydantic's ``BaseModel`` attributes (2.x, with 1.x's
# deprecated methods it still has), the runtime's own, and names the class body uses after its
# fields (`= Field(...)`, `Literal[...]`). A fixed list, so that the output does not depend on
# the installed pydantic.
MODEL_ATTRIBUTES = frozenset(
    {
        "construct", "copy", "dict", "fields", "from_orm", "json", "parse_file", "parse_obj", "parse_raw",
        "schema", "schema_json", "update_forward_refs", "validate",
        "model_computed_fields", "model_config", "model_construct", "model_copy", "model_dump",
        "model_dump_json", "model_extra", "model_fields", "model_fields_set", "model_json_schema",
        "model_parametrized_name", "model_post_init", "model_rebuild", "model_validate",
        "model_validate_json", "model_validate_strings",
        "to_dict", "to_json",
        "Field", "Literal", "Annotated", "Union", "Optional", "TypeAlias", "KeepUnknown", "KeepUnmatched", "builtins",
    }
)  # fmt: skip

_SNAKE_CASE = re.compile(r"[a-z][a-z0-9_]*")


@functools.lru_cache(maxsize=16384)
def field_name(wire: str) -> str:
    """The snake_case attribute for a JSON property (the wire name is kept as its alias).

    A wire name already in snake_case is kept exactly (``top_p``, ``file_id2``); any other is
    split into words (``itemsTotal`` → ``items_total``, ``_links`` → ``links``, ``@odata.nextLink``
    → ``odata_next_link``). A keyword or a ``BaseModel`` attribute gets a trailing underscore
    (``class_``, ``schema_``, ``json_``), as PEP 8 suggests; a soft keyword is a fine attribute
    (``match``, ``case``, as ``type`` is).
    """
    name = wire if _SNAKE_CASE.fullmatch(wire) else _snake_words(wire)
    if name in MODEL_ATTRIBUTES or keyword.iskeyword(name):
        name += "_"
    return name


def _usable_attribute(wire: str) -> bool:
    return (
        wire.isidentifier()
        and wire.isascii()
        and not wire.startswith("_")
        and wire not in MODEL_ATTRIBUTES
        and not keyword.iskeyword(wire)
    )


def field_names(wires: Iterable[str], taken: Iterable[str] = ()) -> dict[str, str]:
    """Python names for one model's properties, by wire name in their order: unique, and each the same
    whatever the properties' order.

    A property whose wire name is its Python name keeps it. When two wire names give one Python
    name (``totalCount`` beside ``total_count``), the other keeps its wire name where that is a
    usable attribute (``totalCount``), else it gets a trailing underscore (``_links`` beside
    ``links`` → ``links_``); a number only when even that is taken. Between wire names none of which
    is the Python name, the first in sort order gets it (``a-b`` → ``a_b``, ``a.b`` → ``a_b_``).
    """
    table = NameTable(MODEL_ATTRIBUTES | set(taken))
    order = list(dict.fromkeys(wires))
    out: dict[str, str] = {}
    for wire in order:
        if field_name(wire) == wire and wire not in table:
            out[wire] = table.claim(wire)
    for wire in sorted(set(order) - set(out)):  # sorted: moving a property in the spec renames nothing
        name = field_name(wire)
        if name in table:
            other = wire if _usable_attribute(wire) and wire not in table else name + "_"
            name = other if other not in table else name  # then numbered: `a_b_2`, never `a_b__2`
        out[wire] = table.claim(name)
    return {wire: out[wire] for wire in order}


def operation_id_of(path: str, method: str, node: dict[str, object]) -> str:
    """The operation's ``operationId``, or one made from its method and path when it has none."""
    operation_id = node.get("operationId")
    if isinstance(operation_id, str) and operation_id.strip():
        return operation_id
    return snake(method + " " + " ".join(words(path)))


class OperationIds:
    """Hands out the operation ids of one ``paths`` map, in the order its operations are asked for.

    An id the spec states is kept. One made from the method and path (the operation states none) may
    be one another operation states, or one made for another path (`/users/~` and `/users` both give
    `get_users`): it then takes a number (`get_users_2`), so only ids the spec states twice collide.
    Lowering and the configuration check both use this, so they agree on every id.
    """

    def __init__(self, paths: dict[object, object], methods: Iterable[str]):
        self._made = NameTable({
            node["operationId"]
            for path, item in paths.items() if isinstance(item, dict) and not str(path).startswith("x-")
            for method in methods if isinstance(node := item.get(method), dict)
            if isinstance(node.get("operationId"), str) and node["operationId"].strip()
        })

    def of(self, path: str, method: str, node: dict[str, object]) -> str:
        operation_id = operation_id_of(path, method, node)
        return operation_id if operation_id == node.get("operationId") else self._made.claim(operation_id)


class NameTable:
    """Hands out unique names within one namespace, deterministically.

    Comparison is case-insensitive when ``fold_case`` is set, because module
    names become files and some file systems do not tell ``Foo`` from ``foo``.
    """

    def __init__(self, taken: frozenset[str] | set[str] = frozenset(), *, fold_case: bool = False):
        self._fold = fold_case
        self._taken: set[str] = {self._key(name) for name in taken}

    def _key(self, name: str) -> str:
        return name.lower() if self._fold else name

    def claim(self, name: str, sep: str = "_") -> str:
        candidate, counter = name, 2
        while self._key(candidate) in self._taken:
            candidate = f"{name}{sep}{counter}"
            counter += 1
        self._taken.add(self._key(candidate))
        return candidate

    def __contains__(self, name: str) -> bool:
        return self._key(name) in self._taken
