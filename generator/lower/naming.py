"""Turning names from a spec into valid, unique, readable Python identifiers."""

from __future__ import annotations

import builtins
import functools
import keyword
import re
import unicodedata

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


# Memoised: the same spec names are turned into identifiers for every reference, field and operation.
@functools.lru_cache(maxsize=16384)
def snake(text: str) -> str:
    """``createRun`` → ``create_run``; always a valid identifier, never a keyword."""
    name = "_".join(words(text)) or "value"
    if name[0].isdigit():
        name = "n" + name
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
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


@functools.lru_cache(maxsize=16384)
def field_name(wire: str) -> str:
    """A Python attribute for a JSON property; the wire name is kept separately as the alias."""
    if wire.isidentifier() and wire.isascii() and not keyword.iskeyword(wire):
        name = wire
    else:
        name = snake(wire)
    # pydantic reserves ``model_*`` attributes and treats leading underscores as private.
    if name.startswith("model_") or name.startswith("_"):
        name = "field_" + name.lstrip("_")
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        name += "_"
    return name


def operation_id_of(path: str, method: str, node: dict[str, object]) -> str:
    """The operation's ``operationId``, or one made from its method and path when it has none."""
    operation_id = node.get("operationId")
    if isinstance(operation_id, str) and operation_id.strip():
        return operation_id
    return snake(method + " " + " ".join(words(path)))


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
