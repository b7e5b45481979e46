"""Example arguments for an operation, from the IR alone, the same on every run.

A value comes from the spec's ``example`` / ``examples``, else its ``default``, else it is built to
satisfy the type and its constraints (enum values, ranges, lengths, item and key counts, formats,
simple patterns). A spec value that does not satisfy its own schema is passed over, since the
generated client would refuse it. Values are JSON-like (``dict``, ``list``, ``str``, ``int``,
``float``, ``bool``, ``None``), plus :class:`Bytes` for a binary value (a file to upload).

Two variants per operation: ``minimal`` (the required arguments) and ``full`` (those, and every
optional argument that has a default in the spec, spelled out with that default).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any, Literal

from generator import ir

Variant = Literal["minimal", "full"]
Source = Literal["example", "default", "built"]


@dataclass(frozen=True)
class Bytes:
    """A binary value: a file's content."""

    data: bytes
    filename: str = "example.bin"


@dataclass(frozen=True)
class Argument:
    parameter: ir.Parameter
    value: Any
    source: Source


@dataclass(frozen=True)
class Example:
    """An operation's arguments, in the client's order: the positional path parameter, then the
    keyword path parameters, then the others in the order of ``operation.parameters``."""

    operation: ir.Operation
    variant: Variant
    arguments: tuple[Argument, ...]

    def value(self, wire_name: str, location: ir.ParamLocation) -> Any:
        for argument in self.arguments:
            if argument.parameter.wire_name == wire_name and argument.parameter.location == location:
                return argument.value
        raise KeyError((location, wire_name))

    def at(self, location: ir.ParamLocation) -> tuple[Argument, ...]:
        return tuple(a for a in self.arguments if a.parameter.location == location)

    @property
    def streams(self) -> bool:
        """Whether the call asks for the event stream (its flag given as true, or a stream-only operation)."""
        stream = self.operation.stream
        if stream is None:
            return False
        if stream.flag is None:
            return True
        return any(a.parameter.name == stream.flag and a.value is True for a in self.arguments)


def example(api: ir.Api, operation: ir.Operation, variant: Variant = "minimal", *, stream: bool = False) -> Example:
    """The arguments of ``operation`` for ``variant``; ``stream=True`` also gives the stream flag as ``True``
    (for an operation that has one)."""
    values = Values(api)
    ordered = [*operation.positional_path_parameters, *operation.keyword_path_parameters]
    ordered += [p for p in operation.parameters if p.location != "path"]
    flag = operation.stream.flag if operation.stream else None
    arguments = []
    for p in ordered:
        if flag is not None and p.name == flag and p.location == "body" and stream:
            arguments.append(Argument(p, True, "built"))
            continue
        if p.required:
            value, source = values.for_parameter(p)
            arguments.append(Argument(p, value, source))
        elif variant == "full" and p.default is not None and not (p.location == "header" and not _TOKEN.fullmatch(p.wire_name)):
            # (A header name HTTP does not allow is left out: no client can send it.)
            default = _json(p.default)
            if default is not _MISSING and values.fits(p.type, default):
                arguments.append(Argument(p, default, "default"))
    return Example(operation, variant, tuple(arguments))


_MISSING = object()
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def _json(text: str | None) -> Any:
    if text is None:
        return _MISSING
    try:
        return json.loads(text)
    except ValueError:
        return _MISSING


class Values:
    """Values for types of one API (named types are looked up in ``api.types``)."""

    def __init__(self, api: ir.Api) -> None:
        self.api = api
        self.named = {d.name: d for d in api.types}

    def for_parameter(self, p: ir.Parameter) -> tuple[Any, Source]:
        return self.choose(p.type, p.example, p.default, p.wire_name)

    def choose(self, t: ir.Type, example: str | None, default: str | None, name: str, depth: int = 0, seen: frozenset[str] = frozenset()) -> tuple[Any, Source]:
        for text, source in ((example, "example"), (default, "default")):
            value = _json(text)
            if value is not _MISSING and self.fits(t, value):
                return value, source  # type: ignore[return-value]
        return self.build(t, name, depth, seen), "built"

    # --- building ---------------------------------------------------------------------

    def build(self, t: ir.Type, name: str = "", depth: int = 0, seen: frozenset[str] = frozenset()) -> Any:
        if depth > 24:
            return None  # a chain of aliases deeper than any real schema nests: cut
        if isinstance(t, ir.NullableType):
            if set(ir.names_in(t.inner)) & seen:
                return None  # recursion cut where the schema allows it
            return self.build(t.inner, name, depth, seen)
        if isinstance(t, ir.LiteralType):
            values = [v for v in t.values if v is not None]
            return values[0] if values else None
        if isinstance(t, ir.Primitive):
            return _primitive(t, name)
        if isinstance(t, ir.ListType):
            count = max(1, t.constraints.min_items or 0)
            if t.constraints.max_items is not None:
                count = min(count, t.constraints.max_items)
            if depth > 6 or set(ir.names_in(t.item)) & seen:
                count = t.constraints.min_items or 0
            if count == 0:
                return []
            item = self.build(t.item, _singular(name), depth + 1, seen)
            if t.constraints.unique_items and count > 1:
                return [_varied(item, i) for i in range(count)]
            return [item] * count
        if isinstance(t, ir.MapType):
            count = max(1, t.constraints.min_properties or 0)
            if t.constraints.max_properties is not None:
                count = min(count, t.constraints.max_properties)
            if depth > 6 or set(ir.names_in(t.value)) & seen:
                count = t.constraints.min_properties or 0
            keys = [_string(t.key_constraints, "key" if count == 1 else f"key{i + 1}", None) for i in range(count)]
            return {key: self.build(t.value, "value", depth + 1, seen) for key in keys}
        if isinstance(t, ir.UnionType):
            variants = [v for v in t.variants if not (isinstance(v, ir.Primitive) and v.kind == "none")]
            # The first variant that does not lead back into a type being built.
            for variant in variants:
                if not (set(ir.names_in(variant)) & seen):
                    return self.build(variant, name, depth, seen)
            return self.build(variants[0], name, depth, seen) if variants else None
        if isinstance(t, ir.NamedType):
            definition = self.named.get(t.name)
            if definition is None:
                return {}
            if isinstance(definition, ir.Alias):
                return self.build(definition.type, name, depth + 1, seen | {t.name})
            return self._object(definition, depth, seen | {t.name})
        return None

    def _object(self, model: ir.Model, depth: int, seen: frozenset[str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in model.fields:
            if not f.required or f.read_only:
                continue
            if depth > 8:
                break
            out[f.wire_name] = self.choose(f.type, f.example, f.default, f.wire_name, depth + 1, seen)[0]
        return out

    # --- checking ---------------------------------------------------------------------

    def fits(self, t: ir.Type, value: Any, depth: int = 0) -> bool:
        """Whether ``value`` is of type ``t`` and satisfies its constraints (as the client checks them)."""
        if depth > 32:
            return False
        if isinstance(t, ir.NullableType):
            return value is None or self.fits(t.inner, value, depth + 1)
        if isinstance(t, ir.LiteralType):
            return any(value == v and type(value) is type(v) for v in t.values)
        if isinstance(t, ir.Primitive):
            return _primitive_fits(t, value)
        if isinstance(t, ir.ListType):
            return isinstance(value, list) and _count_fits(len(value), t.constraints.min_items, t.constraints.max_items) and all(self.fits(t.item, v, depth + 1) for v in value)
        if isinstance(t, ir.MapType):
            return (
                isinstance(value, dict)
                and _count_fits(len(value), t.constraints.min_properties, t.constraints.max_properties)
                and all(_primitive_fits(ir.Primitive("str", constraints=t.key_constraints), k) and self.fits(t.value, v, depth + 1) for k, v in value.items())
            )
        if isinstance(t, ir.UnionType):
            return any(self.fits(v, value, depth + 1) for v in t.variants)
        if isinstance(t, ir.NamedType):
            definition = self.named.get(t.name)
            if definition is None:
                return False
            if isinstance(definition, ir.Alias):
                return self.fits(definition.type, value, depth + 1)
            if not isinstance(value, dict):
                return False
            known = {f.wire_name: f for f in definition.fields}
            for f in definition.fields:
                if f.required and not f.read_only and f.wire_name not in value:
                    return False
            for key, item in value.items():
                found = known.get(key)
                if found is None:
                    if definition.extra is None or not self.fits(definition.extra, item, depth + 1):
                        return False
                elif found.read_only or not self.fits(found.type, item, depth + 1):
                    return False
            return True
        return False


def _count_fits(n: int, least: int | None, most: int | None) -> bool:
    return (least is None or n >= least) and (most is None or n <= most)


def _primitive_fits(t: ir.Primitive, value: Any) -> bool:
    c = t.constraints
    if t.kind == "any":
        return True
    if t.kind == "none":
        return value is None
    if t.kind == "bool":
        return isinstance(value, bool)
    if t.kind == "bytes":
        return isinstance(value, Bytes)
    if t.kind == "str":
        if not isinstance(value, str) or not _count_fits(len(value), c.min_length, c.max_length):
            return False
        if c.pattern is not None:
            try:
                return re.search(c.pattern, value) is not None
            except re.error:
                return True
        return True
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if t.kind == "int" and not isinstance(value, int):
        return False
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return False
    if c.minimum is not None and value < c.minimum or c.maximum is not None and value > c.maximum:
        return False
    if c.exclusive_minimum is not None and value <= c.exclusive_minimum:
        return False
    if c.exclusive_maximum is not None and value >= c.exclusive_maximum:
        return False
    if c.multiple_of:
        ratio = value / c.multiple_of
        return abs(ratio - round(ratio)) < 1e-9
    return True


# --- built values -----------------------------------------------------------------------


_FORMATS: dict[str, str] = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "12:00:00",
    "duration": "P1D",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "uri": "https://example.com",
    "url": "https://example.com",
    "iri": "https://example.com",
    "uri-reference": "https://example.com",
    "uuid": "123e4567-e89b-12d3-a456-426614174000",
    "byte": "ZXhhbXBsZQ==",
    "password": "example-password",
    "binary": "example",
}


def _primitive(t: ir.Primitive, name: str) -> Any:
    c = t.constraints
    if t.kind == "bool":
        return True
    if t.kind == "none":
        return None
    if t.kind == "bytes":
        return Bytes(b"example")
    if t.kind == "any":
        return "example"
    if t.kind in ("int", "float"):
        return _number(t)
    return _string(c, _words(name), t.format)


def _number(t: ir.Primitive) -> int | float:
    c = t.constraints
    step = 1 if t.kind == "int" else 0.5
    low = c.minimum
    if c.exclusive_minimum is not None and (low is None or c.exclusive_minimum >= low):
        low = c.exclusive_minimum + step
    high = c.maximum
    if c.exclusive_maximum is not None and (high is None or c.exclusive_maximum <= high):
        high = c.exclusive_maximum - step
    value: float = 1
    if low is not None and value < low:
        value = low
    if high is not None and value > high:
        value = high
    if t.kind == "int":
        value = math.ceil(value)
        if high is not None and value > high:
            value = math.floor(high)
    if c.multiple_of:
        value = math.ceil(value / c.multiple_of) * c.multiple_of
        if high is not None and value > high:
            value = math.floor(high / c.multiple_of) * c.multiple_of
    if t.kind == "int" or float(value).is_integer():
        return int(value)
    return float(value)


def _string(c: ir.Constraints, words: str, format: str | None) -> str:
    candidates = [_FORMATS[format]] if format in _FORMATS else []
    candidates.append(_id_like(words) or words or "example")
    candidates += ["example", "abc", "a1", "1", "A", "x"]
    for candidate in candidates:
        fitted = _fit_length(candidate, c)
        if _primitive_fits(ir.Primitive("str", constraints=c), fitted):
            return fitted
    if c.pattern is not None:
        built = _from_pattern(c.pattern, c.min_length, c.max_length)
        if built is not None:
            return built
    return _fit_length(candidates[0], c)


def _fit_length(text: str, c: ir.Constraints) -> str:
    if c.max_length is not None and len(text) > c.max_length:
        text = text[: c.max_length]
    if c.min_length is not None and len(text) < c.min_length:
        text = text + "x" * (c.min_length - len(text))
    return text


def _id_like(words: str) -> str | None:
    """``thread_123`` for a ``thread_id``: identifiers read as identifiers."""
    found = re.fullmatch(r"(.+?)[ _-]?id", words, re.IGNORECASE)
    if found and found.group(1).strip(" _-"):
        return re.sub(r"\W+", "_", found.group(1).strip(" _-").lower()) + "_123"
    return None


def _words(name: str) -> str:
    """A wire name as a plain value: ``assistant_id``, ``first name`` stay themselves, other
    characters dropped."""
    return re.sub(r"[^A-Za-z0-9_ -]+", "", name).strip() or "example"


def _singular(name: str) -> str:
    return name[:-1] if name.endswith("s") and len(name) > 3 else name


def _varied(value: Any, i: int) -> Any:
    if isinstance(value, str):
        return value + str(i + 1) if i else value
    if isinstance(value, bool):
        return value if i == 0 else not value
    if isinstance(value, (int, float)):
        return value + i
    return value


# A small reading of regular expressions: a sequence of literals, classes and escapes, each
# optionally repeated. Anything else (groups, alternatives) gives no value.
_ATOM = re.compile(r"\\d|\\w|\\s|\\.|\\[-/\\^$.*+?()|{}\[\]]|\[(\^?)((?:\\.|[^\]\\])+)\]|\.|[^\\^$.*+?()|{}\[\]]")
_REPEAT = re.compile(r"\{(\d+)(?:,(\d*))?\}|[*+?]")


def _from_pattern(pattern: str, min_length: int | None = None, max_length: int | None = None) -> str | None:
    """A string matching ``pattern``, for patterns made of literals, classes, escapes, groups (the
    first alternative of each) and quantifiers; None otherwise. Each quantifier is at its least (a
    ``+`` once) unless that is shorter than ``min_length``: then the open quantifiers repeat more,
    until the text is long enough (corpus: AWS ARNs with ``minLength: 20`` and a short pattern
    reading). A text that fits the pattern but not the lengths is the last resort."""
    fallback: str | None = None
    for extra in (0, 1, 2, 4, 8, 16, 32, 64):
        try:
            built, at = _sequence(pattern, 0, 0, extra)
        except (ValueError, IndexError):
            return None
        if built is None or at != len(pattern):
            return None
        try:
            if not re.search(pattern, built):
                return fallback
        except re.error:
            return None
        if max_length is not None and len(built) > max_length:
            return fallback or built
        if min_length is None or len(built) >= min_length:
            return built
        if fallback is not None and len(built) <= len(fallback):
            return fallback  # nothing open to repeat: more would not lengthen it
        fallback = fallback or built
    return fallback


def _sequence(body: str, at: int, depth: int, extra: int = 0) -> tuple[str | None, int]:
    if depth > 20:
        return None, at
    out: list[str] = []
    while at < len(body):
        ch = body[at]
        if ch == ")":
            return "".join(out), at
        if ch == "|":
            return "".join(out), _skip_alternatives(body, at)
        if ch in "^$":
            at += 1
            continue
        if ch == "(":
            start = at + 1
            if body.startswith("?:", start):
                start += 2
            elif body.startswith("?", start):
                return None, at  # lookarounds, named groups, flags
            inner, end = _sequence(body, start, depth + 1, extra)
            if inner is None or end >= len(body) or body[end] != ")":
                return None, at
            piece, at = inner, end + 1
        else:
            atom = _ATOM.match(body, at)
            if atom is None:
                return None, at
            at = atom.end()
            text = _atom_text(atom)
            if text is None:
                return None, at
            piece = text
        count = 1
        repeat = _REPEAT.match(body, at)
        if repeat is not None:
            at = repeat.end()
            token = repeat.group(0)
            if token == "?":
                count = 0
            elif token in ("*", "+"):
                count = (token == "+") + extra
            else:
                low, high = int(repeat.group(1)), repeat.group(2)
                count = low if high is None else low + extra if high == "" else min(low + extra, int(high))
            if body.startswith("?", at):
                at += 1  # a lazy quantifier
        out.append(piece * min(count, 64))
    return "".join(out), at


def _skip_alternatives(body: str, at: int) -> int:
    """From a ``|``, the index of the ``)`` closing its group (or the end)."""
    depth = 0
    in_class = False
    while at < len(body):
        ch = body[at]
        if ch == "\\":
            at += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                return at
            depth -= 1
        at += 1
    return at


def _atom_text(atom: re.Match[str]) -> str | None:
    text = atom.group(0)
    if text in ("\\d", "\\w", "\\s", "."):
        return {"\\d": "1", "\\w": "a", "\\s": " ", ".": "a"}[text]
    if text.startswith("\\"):
        return text[1]
    if text.startswith("["):
        if atom.group(1):
            # A negated class (`[^/]`): the first of a few plain characters it lets through.
            try:
                return next((ch for ch in "a1xA_-." if re.fullmatch(text, ch)), None)
            except re.error:
                return None
        return _class_member(atom.group(2))
    return text


def _class_member(members: str) -> str | None:
    if members.startswith("\\"):
        return {"d": "1", "w": "a", "s": " "}.get(members[1:2], members[1:2] or None)
    if len(members) >= 3 and members[1] == "-":
        first = members[0]
        return "a" if first <= "a" <= members[2] else first
    return members[0]
