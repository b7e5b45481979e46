"""IR → the reference pages' model: one row per parameter and per nested field, as a reader needs them.

Nothing here writes Markdown (but the code spans of the sentences of our own that quote a value): rows hold the IR's own values (wire names, types, defaults as JSON text,
descriptions as the spec wrote them); ``render.py`` turns them into cells. The rules of the rows:

* nested fields are flattened: ``a[].b`` (items of a list), ``a[].b[].c``, ``a.<key>`` (the values of a map);
  a body field that is a list is named ``a[]``, as it is shown in most API references;
* a union of objects gets a labelled row per variant (``tools[]`` when ``type`` is ``"function"``) whose
  fields follow it (``tools[].function.name``);
* a named type met again inside itself is not expanded again: the row links to the type's page, as it does
  past ``MAX_DEPTH`` levels of nesting and once a table holds ``MAX_ROWS`` rows;
* the description carries the possible values and the constraints in words ("Between 0 and 2",
  "At most 20 items", "At most 16 keys; keys at most 64 characters").
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Literal

from generator import ir
from generator.docs.markdown import code

MAX_DEPTH = 6  # levels of nesting below a parameter shown as rows; deeper, a link to the type's page
MAX_ROWS = 400  # rows in one table before named types are only linked


@dataclass(frozen=True)
class Row:
    """One line of a parameter or field table."""

    name: str  # the flattened wire path: `additional_messages[].attachments[].file_id`
    type: ir.Type  # as the IR has it (nullable, named…); render.py writes it with links
    required: bool | None  # None: not said (a variant's row)
    depth: int = 0
    python: str | None = None  # the Python name, where it is not the wire name
    description: str | None = None
    default: str | None = None  # the spec's default as JSON text: the server's, never sent unless given
    values: tuple[str | int | float | bool | None, ...] = ()  # possible values (an enum, a const)
    item_values: bool = False  # the values are those of each item of a list
    # Besides the values, a union takes: "any" (a variant of a primitive type takes any other value),
    # "objects" (its other variants are objects or lists), or "" (nothing else).
    other_values: Literal["", "any", "objects"] = ""
    constraints: tuple[str, ...] = ()  # in words
    # The row heads a union variant: ("tag", field, value as JSON) for "when `type` is `"function"`",
    # ("type", name), ("array",), ("object",) or ("index", n) for the others.
    variant: tuple[str, ...] | None = None
    see: str | None = None  # a named type not expanded here (recursion or depth): link to its page
    cut: Literal["", "recursive", "deep"] = ""
    sent: bool = False  # the client sends it itself (Content-Type, configured headers): the default is what it sends
    deprecated: bool = False
    read_only: bool = False
    write_only: bool = False


@dataclass(frozen=True)
class Table:
    location: str  # path, header, query, cookie, body, response
    title: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Event:
    name: str | None  # the SSE `event:` name, when the stream's events carry one
    data: ir.Type
    description: str | None


@dataclass(frozen=True)
class OperationPage:
    path: str  # the page's file, relative to the docs folder
    operation: ir.Operation
    call: str  # client.threads.runs.create
    resource: tuple[str, ...]
    tables: tuple[Table, ...]
    response: Table | None
    events: tuple[Event, ...]
    # Code examples shown under "Examples": (title, language, code). Empty here; an output that makes
    # snippets from the same IR fills it in (dataclasses.replace) before the pages are rendered.
    snippets: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class TypePage:
    path: str
    name: str
    description: str | None
    kind: str  # "object" or "alias"
    alias: ir.Type | None
    tables: tuple[Table, ...]  # "As sent" / "As received" when the two differ, else one


_TITLES = {
    "path": "Path parameters",
    "header": "Request headers",
    "query": "Query parameters",
    "cookie": "Cookies",
    "body": "Request body fields",
}
_LOCATIONS = ("path", "header", "query", "cookie", "body")


class Definitions:
    """Named types by name, for requests (the ``…Param`` side) and for responses."""

    def __init__(self, api: ir.Api):
        self.request: dict[str, ir.NamedDef] = {}
        self.response: dict[str, ir.NamedDef] = {}
        self.any: dict[str, ir.NamedDef] = {}
        for d in api.types:
            self.any.setdefault(d.name, d)
            if d.in_request or not d.in_response:
                self.request.setdefault(d.name, d)
            if d.in_response or not d.in_request:
                self.response.setdefault(d.name, d)

    def get(self, name: str, side: str) -> ir.NamedDef | None:
        table = self.request if side == "request" else self.response
        return table.get(name) or self.any.get(name)


def unwrap(t: ir.Type, defs: Definitions, side: str) -> tuple[ir.Type, bool, str | None]:
    """The type under nullables and aliases, whether null is allowed, and the first name met (for a link)."""
    nullable = False
    name: str | None = None
    seen: set[str] = set()
    while True:
        if isinstance(t, ir.NullableType):
            nullable = True
            t = t.inner
        elif isinstance(t, ir.NamedType):
            d = defs.get(t.name, side)
            if name is None:
                name = t.name
            if not isinstance(d, ir.Alias) or t.name in seen:
                return t, nullable, name
            seen.add(t.name)
            t = d.type
        elif isinstance(t, ir.UnionType) and any(_is_none(v) for v in t.variants):
            rest = tuple(v for v in t.variants if not _is_none(v))
            nullable = True
            t = rest[0] if len(rest) == 1 else ir.UnionType(rest, t.discriminator)
        elif isinstance(t, ir.LiteralType) and None in t.values and len(t.values) > 1:
            nullable = True
            t = ir.LiteralType(tuple(v for v in t.values if v is not None), t.open)
        else:
            return t, nullable, name


def _is_none(t: ir.Type) -> bool:
    return isinstance(t, ir.Primitive) and t.kind == "none"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def constraint_words(c: ir.Constraints, noun: str = "characters") -> list[str]:
    """Sentences for one value's constraints: ranges, lengths, item and key counts, patterns."""
    out: list[str] = []
    low = (c.minimum, "at least") if c.minimum is not None else (c.exclusive_minimum, "more than") if c.exclusive_minimum is not None else None
    high = (c.maximum, "at most") if c.maximum is not None else (c.exclusive_maximum, "less than") if c.exclusive_maximum is not None else None
    if low and high and c.minimum is not None and c.maximum is not None:
        out.append(f"Between {_number(c.minimum)} and {_number(c.maximum)}")
    else:
        if low and low[0] is not None:
            out.append(f"{low[1].capitalize()} {_number(low[0])}")
        if high and high[0] is not None:
            out.append(f"{high[1].capitalize()} {_number(high[0])}")
    if c.multiple_of is not None:
        out.append(f"A multiple of {_number(c.multiple_of)}")
    if c.min_length is not None and c.max_length is not None:
        out.append(f"{c.min_length} to {c.max_length} {noun}" if c.min_length != c.max_length else f"Exactly {_plural(c.max_length, noun[:-1], noun)}")
    elif c.min_length is not None and c.min_length > 0:
        out.append(f"At least {_plural(c.min_length, noun[:-1], noun)}")
    elif c.max_length is not None:
        out.append(f"At most {_plural(c.max_length, noun[:-1], noun)}")
    if c.pattern is not None:
        out.append(f"Matches the pattern `{c.pattern}`")
    if c.min_items is not None and c.max_items is not None:
        out.append(f"{c.min_items} to {c.max_items} items" if c.min_items != c.max_items else f"Exactly {_plural(c.max_items, 'item', 'items')}")
    elif c.min_items is not None and c.min_items > 0:
        out.append(f"At least {_plural(c.min_items, 'item', 'items')}")
    elif c.max_items is not None:
        out.append(f"At most {_plural(c.max_items, 'item', 'items')}")
    if c.unique_items:
        out.append("Items are unique")
    if c.min_properties is not None and c.min_properties > 0:
        out.append(f"At least {_plural(c.min_properties, 'key', 'keys')}")
    if c.max_properties is not None:
        out.append(f"At most {_plural(c.max_properties, 'key', 'keys')}")
    return out


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def describe(t: ir.Type) -> tuple[tuple[str | int | float | bool | None, ...], bool, tuple[str, ...]]:
    """(possible values, whether they are the items', constraints in words) of an unwrapped type."""
    if isinstance(t, ir.LiteralType):
        return t.values, False, ()
    if isinstance(t, ir.Primitive):
        return (), False, tuple(constraint_words(t.constraints))
    if isinstance(t, ir.ListType):
        words = constraint_words(t.constraints)
        item = t.item
        while isinstance(item, ir.NullableType):
            item = item.inner
        if isinstance(item, ir.LiteralType):
            return item.values, True, tuple(words)
        if isinstance(item, ir.Primitive):
            words += [f"each item: {_lower_first(w)}" for w in constraint_words(item.constraints)]
        return (), False, tuple(words)
    if isinstance(t, ir.MapType):
        words = constraint_words(t.constraints)
        words += [f"keys {_lower_first(w)}" for w in constraint_words(t.key_constraints)]
        value = t.value
        while isinstance(value, ir.NullableType):
            value = value.inner
        if isinstance(value, ir.Primitive):
            words += [f"values {_lower_first(w)}" for w in constraint_words(value.constraints)]
        return (), False, ("; ".join(words),) if words else ()
    return (), False, ()


def _variant_tag(variants: tuple[ir.Type, ...], discriminator: str | None, defs: Definitions, side: str) -> str | None:
    """The field whose constant value tells the variants apart: the discriminator, else one every object variant has."""
    if discriminator:
        return discriminator
    models = [d for v in variants if isinstance(v, ir.NamedType) and isinstance(d := defs.get(v.name, side), ir.Model)]
    if len(models) < 2:
        return None
    common: dict[str, None] | None = None
    for model in models:
        tags = {f.wire_name: None for f in model.fields if _single_value(f.type) is not _NONE}
        common = tags if common is None else {k: None for k in common if k in tags}
    return next(iter(common), None) if common else None


_NONE = object()


def _single_value(t: ir.Type) -> object:
    while isinstance(t, ir.NullableType):
        t = t.inner
    if isinstance(t, ir.LiteralType) and len(t.values) == 1:
        return t.values[0]
    return _NONE


class Flattener:
    """Rows for parameters and fields, nested fields included, within the depth and row bounds."""

    def __init__(self, defs: Definitions, side: str, max_depth: int = MAX_DEPTH, max_rows: int = MAX_ROWS):
        self.defs = defs
        self.side = side
        self.max_depth = max_depth
        self.max_rows = max_rows
        self.rows: list[Row] = []

    # --- entry points ---------------------------------------------------------------------

    def parameter(self, p: ir.Parameter, *, list_suffix: bool) -> None:
        name = p.wire_name + ("[]" if list_suffix and self._is_list(p.type) else "")
        python = p.name if p.name != p.wire_name else None
        self._field(name, p.type, p.required, p.description, p.default, python=python, deprecated=p.deprecated, depth=0, seen=())

    def fields(self, model: ir.Model, prefix: str = "", depth: int = 0, seen: tuple[str, ...] = ()) -> None:
        for f in model.fields:
            if self.side == "request" and f.read_only:
                continue
            if self.side == "response" and f.write_only:
                continue
            name = prefix + f.wire_name + ("[]" if self._is_list(f.type) else "")
            python = f.name if self.side == "response" and f.name != f.wire_name else None
            self._field(
                name, f.type, f.required, f.description, f.default, python=python, deprecated=f.deprecated,
                depth=depth, seen=seen, read_only=f.read_only, write_only=f.write_only,
            )

    def whole(
        self, t: ir.Type, required: bool, description: str | None, default: str | None, *, python: str | None = None, own_row: bool = True
    ) -> None:
        """A value that is not a field (a body sent whole, a response): its fields are named from its top,
        `name`, or `[].name` for a list; ``own_row`` adds a row for the value itself, named `(the whole value)`."""
        name = "[]" if self._is_list(t) else ""
        if own_row:
            self._field(name, t, required, description, default, python=python, depth=-1, seen=())
            return
        core, _, named = unwrap(t, self.defs, self.side)
        if self._structured(core) is not None:
            self._children(name, core, -1, (named,) if named else ())

    # --- the walk -------------------------------------------------------------------------

    def _is_list(self, t: ir.Type) -> bool:
        return isinstance(unwrap(t, self.defs, self.side)[0], ir.ListType)

    def _field(
        self, name: str, t: ir.Type, required: bool, description: str | None, default: str | None, *,
        python: str | None = None, deprecated: bool = False, depth: int, seen: tuple[str, ...],
        read_only: bool = False, write_only: bool = False, variant: tuple[str, ...] | None = None,
    ) -> None:
        core, _, named = unwrap(t, self.defs, self.side)
        if not description and named is not None:
            d = self.defs.get(named, self.side)
            description = d.description if d is not None else None
        values, item_values, constraints = describe(core)
        other: Literal["", "any", "objects"] = ""
        if isinstance(core, ir.UnionType):
            values, other = self._union_values(core)
        cut, see = self._cut(core, named, depth, seen)
        self.rows.append(
            Row(
                name, t, required, depth, python, description, default, values, item_values, other, constraints,
                variant=variant, see=see, cut=cut, deprecated=deprecated, read_only=read_only, write_only=write_only,
            )
        )
        if not cut:
            self._children(name, core, depth, seen + ((named,) if named else ()))

    def _union_values(self, union: ir.UnionType) -> tuple[tuple[str | int | float | bool | None, ...], Literal["", "any", "objects"]]:
        """The values the enum and const variants of a union allow, and what else its other variants take."""
        values: dict[str | int | float | bool | None, None] = {}
        primitive = structured = False
        for v in _flat_variants(union, self.defs, self.side):
            core, _, _ = unwrap(v, self.defs, self.side)
            if isinstance(core, ir.LiteralType):
                values.update((x, None) for x in core.values)
            elif isinstance(core, ir.Primitive):
                primitive = True
            else:
                structured = True
        if not values:
            return (), ""
        return tuple(values), "any" if primitive else "objects" if structured else ""

    def _cut(self, core: ir.Type, named: str | None, depth: int, seen: tuple[str, ...]) -> tuple[Literal["", "recursive", "deep"], str | None]:
        inner = self._structured(core)
        if inner is None:
            return "", None
        names = list(dict.fromkeys([*([named] if named else []), *self._chain(core)]))
        for n in names:
            if n in seen:
                return "recursive", n
        if depth + 1 >= self.max_depth or len(self.rows) >= self.max_rows:
            return "deep", names[-1] if names else None
        return "", None

    def _chain(self, t: ir.Type) -> list[str]:
        """The named types met going down ``t`` through nullables, aliases and list items."""
        out: list[str] = []
        for _ in range(64):
            t, _, named = unwrap(t, self.defs, self.side)
            if named:
                out.append(named)
            if isinstance(t, ir.ListType):
                t = t.item
                continue
            if isinstance(t, ir.NamedType):
                out.append(t.name)
            break
        return out

    def _structured(self, core: ir.Type, visiting: frozenset[str] = frozenset()) -> str | None:
        """Whether ``core`` has rows below it: the name of the model it is (or ends in), "" if anonymous, None if none.

        A named type met again while looking counts as having rows: below it is the cut that links to it.
        """
        t = core
        while True:
            if isinstance(t, ir.NamedType) and t.name in visiting:
                return ""
            if isinstance(t, ir.NamedType):
                visiting = visiting | {t.name}
            t, _, named = unwrap(t, self.defs, self.side)
            if named:
                visiting = visiting | {named}
            if isinstance(t, ir.ListType):
                t = t.item
            elif isinstance(t, ir.MapType):
                return ""  # its values are a row: `a.<key>`
            elif isinstance(t, ir.NamedType):
                d = self.defs.get(t.name, self.side)
                return t.name if isinstance(d, ir.Model) and (d.fields or d.extra is not None) else None
            elif isinstance(t, ir.UnionType):
                return "" if any(self._structured(v, visiting) is not None for v in t.variants) else None
            else:
                return None

    def _children(self, name: str, core: ir.Type, depth: int, seen: tuple[str, ...]) -> None:
        if isinstance(core, ir.ListType):
            item, _, item_name = unwrap(core.item, self.defs, self.side)
            if isinstance(item, ir.ListType):
                # a list of lists: the inner list is a row of its own, `a[][]`
                self._field(name + "[]", core.item, False, None, None, depth=depth + 1, seen=seen)
                return
            self._expand(name, item, item_name, depth, seen)
        elif isinstance(core, ir.MapType):
            self._field(name.removesuffix("[]") + ".<key>", core.value, False, None, None, depth=depth + 1, seen=seen)
        else:
            self._expand(name, core, None, depth, seen)

    def _expand(self, name: str, t: ir.Type, named: str | None, depth: int, seen: tuple[str, ...]) -> None:
        """The rows below ``name`` for an element of type ``t`` (already unwrapped): fields, or variants."""
        if named and named not in seen and not isinstance(t, ir.NamedType):
            seen = seen + (named,)  # an alias of a union or a map: met again below, it is recursion
        if isinstance(t, ir.NamedType):
            d = self.defs.get(t.name, self.side)
            if isinstance(d, ir.Model):
                self.fields(d, prefix=_prefix(name), depth=depth + 1, seen=seen + (t.name,))
                if d.extra is not None:
                    self._field(_prefix(name) + "<key>", d.extra, False, "Any other key.", None, depth=depth + 1, seen=seen + (t.name,))
        elif isinstance(t, ir.UnionType):
            self._variants(name, t, depth, seen)
        elif isinstance(t, ir.MapType):
            self._field(_prefix(name) + "<key>", t.value, False, None, None, depth=depth + 1, seen=seen)

    def _variants(self, name: str, union: ir.UnionType, depth: int, seen: tuple[str, ...]) -> None:
        variants = _flat_variants(union, self.defs, self.side)
        tag = _variant_tag(variants, union.discriminator, self.defs, self.side)
        for i, v in enumerate(variants, 1):
            core, _, named = unwrap(v, self.defs, self.side)
            if self._structured(core) is None:
                continue
            label = self._label(core, named, tag, i)
            d = self.defs.get(named, self.side) if named else None
            cut, see = self._cut(core, named, depth, seen)
            self.rows.append(Row(name, v, None, depth, description=d.description if d else None, variant=label, see=see, cut=cut))
            if not cut:
                if isinstance(core, ir.ListType):
                    self._children(name + "[]", core, depth, seen + ((named,) if named else ()))
                else:
                    self._expand(name, core, named, depth, seen + ((named,) if named and not isinstance(core, ir.NamedType) else ()))

    def _label(self, core: ir.Type, named: str | None, tag: str | None, index: int) -> tuple[str, ...]:
        if isinstance(core, ir.NamedType):
            d = self.defs.get(core.name, self.side)
            if tag and isinstance(d, ir.Model):
                for f in d.fields:
                    if f.wire_name == tag and (value := _single_value(f.type)) is not _NONE:
                        return ("tag", tag, json.dumps(value, ensure_ascii=False))
            return ("type", core.name)
        if isinstance(core, ir.ListType):
            return ("array",)
        if isinstance(core, ir.MapType):
            return ("object",)
        return ("index", str(index))


def _prefix(name: str) -> str:
    return name + "." if name else ""


def _flat_variants(union: ir.UnionType, defs: Definitions, side: str) -> tuple[ir.Type, ...]:
    out: list[ir.Type] = []
    for v in union.variants:
        core, _, _ = unwrap(v, defs, side)
        if isinstance(core, ir.UnionType) and not isinstance(v, ir.NamedType):
            out.extend(_flat_variants(core, defs, side))
        elif not _is_none(core):
            out.append(v)
    return tuple(out)


# --- pages ---------------------------------------------------------------------------------


def _walk(resources: tuple[ir.Resource, ...], trail: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], ir.Resource]]:
    out = []
    for resource in resources:
        here = trail + (resource.name,)
        out.append((here, resource))
        out.extend(_walk(resource.children, here))
    return out


def operation_pages(api: ir.Api, defs: Definitions | None = None) -> list[OperationPage]:
    defs = defs or Definitions(api)
    pages = []
    for trail, resource in _walk(api.resources):
        for op in resource.operations:
            pages.append(operation_page(api, op, trail, defs))
    return pages


def operation_page(api: ir.Api, op: ir.Operation, trail: tuple[str, ...], defs: Definitions) -> OperationPage:
    tables = []
    for location in _LOCATIONS:
        flat = Flattener(defs, "request")
        for scheme in _schemes(api, op):
            if scheme.location == location:
                _auth_row(scheme, flat)
        if location == "header":
            _header_rows(api, op, flat)
        params = [p for p in op.parameters if p.location == location]
        if location == "path":
            params = list(op._path_order()) + [p for p in params if p not in op._path_order()]
        if location == "body" and op.body is not None and not op.body.flattened:
            for p in params[:1]:  # the body sent whole, as one argument: its row, then its fields
                flat.whole(p.type, p.required, p.description, p.default, python=p.name)
            params = []
        for p in params:
            flat.parameter(p, list_suffix=location == "body")
        if flat.rows:
            tables.append(Table(location, _TITLES[location], tuple(flat.rows)))
    response = None
    if op.response.type is not None:
        flat = Flattener(defs, "response", max_depth=3)
        flat.whole(op.response.type, True, None, None, own_row=False)
        response = Table("response", "Response fields", tuple(flat.rows))
    events: tuple[Event, ...] = ()
    if op.stream is not None:
        events = stream_events(op.stream, defs)
    path = "/".join(("resources", *trail, op.method_name)) + ".md"
    return OperationPage(path, op, ".".join(("client", *trail, op.method_name)), trail, tuple(tables), response, events)


def _schemes(api: ir.Api, op: ir.Operation) -> list[ir.SecurityScheme]:
    """The schemes a call of ``op`` may send, in the order its requirement names them."""
    requirement = op.security if op.security is not None else api.security
    by_key = {scheme.key: scheme for scheme in api.security_schemes}
    keys = dict.fromkeys(key for alternative in requirement for key in alternative)
    return [by_key[key] for key in keys if key in by_key]


def _auth_row(scheme: ir.SecurityScheme, flat: Flattener) -> None:
    """A credential the client adds to the request, as the client sends it."""
    placeholder = "<username:password, base64>" if scheme.kind == "basic" else "<token>" if scheme.kind == "oauth2" else "<api key>"
    sent = code(scheme.template.replace("{key}", placeholder))
    sources = []
    for argument in scheme.arguments:
        source = f"the client's `{argument.name}` argument"
        if argument.env:
            source += f" (default: the environment variable {code(argument.env)})"
        sources.append(source)
    where = ", ".join(sources) if sources else "the client"
    text = f"The credential of the `{scheme.key}` scheme, sent by the client: {sent}, from {where}."
    flat.rows.append(Row(scheme.name, ir.Primitive("str"), True, description=text, sent=True))


def _header_rows(api: ir.Api, op: ir.Operation, flat: Flattener) -> None:
    text = ir.Primitive("str")
    if op.body is not None:
        flat.rows.append(Row("Content-Type", text, op.body.required, description="The media type of the request body.", default=json.dumps(op.body.content_type), sent=True))
    for name, value in api.default_headers:
        flat.rows.append(Row(name, text, False, description="A default header of the client, sent with every request.", default=json.dumps(value, ensure_ascii=False), sent=True))
    for name, value in op.fixed_headers:
        flat.rows.append(Row(name, text, False, description="Sent by the client with every request under this path.", default=json.dumps(value, ensure_ascii=False), sent=True))


def stream_events(stream: ir.Stream, defs: Definitions) -> tuple[Event, ...]:
    core, _, named = unwrap(stream.item, defs, "response")
    variants = _flat_variants(core, defs, "response") if isinstance(core, ir.UnionType) else (stream.item,)
    out = []
    for v in variants:
        vcore, _, vname = unwrap(v, defs, "response")
        d = defs.get(vname, "response") if vname else None
        if stream.envelope and isinstance(d, ir.Model):
            event = next((f for f in d.fields if f.wire_name == "event"), None)
            data = next((f for f in d.fields if f.wire_name == "data"), None)
            value = _single_value(event.type) if event else _NONE
            if value is not _NONE and data is not None:
                out.append(Event(str(value), data.type, d.description or data.description))
                continue
        out.append(Event(None, v, d.description if d else None))
    return tuple(out)


def type_pages(api: ir.Api, defs: Definitions | None = None) -> list[TypePage]:
    defs = defs or Definitions(api)
    pages = []
    for name in sorted(defs.any):
        request, response = defs.request.get(name), defs.response.get(name)
        first = defs.any[name]
        if isinstance(first, ir.Alias):
            pages.append(TypePage(type_path(name), name, first.description, "alias", first.type, ()))
            continue
        tables = []
        shown = [(side, d) for side, d in (("request", request), ("response", response)) if isinstance(d, ir.Model)]
        if len(shown) == 2 and shown[0][1].fields == shown[1][1].fields:
            shown = shown[1:]
        for side, d in shown:
            assert isinstance(d, ir.Model)
            flat = Flattener(defs, side, max_depth=1)
            flat.fields(d)
            if d.extra is not None:
                flat.rows.append(Row("<key>", d.extra, False, description="Any other key."))
            # Each field's type links to its own page: "its fields: see …" would say it twice.
            flat.rows[:] = [dataclasses.replace(r, see=None) if r.cut == "deep" else r for r in flat.rows]
            title = "Fields" if len(shown) == 1 else ("Fields as sent" if side == "request" else "Fields as received")
            tables.append(Table(side, title, tuple(flat.rows)))
        pages.append(TypePage(type_path(name), name, first.description, "object", None, tuple(tables)))
    return pages


def type_path(name: str) -> str:
    return f"types/{name}.md"
