"""How IR types are written in Python source: annotations, alias values and validation rules.

These are the template filters that deal with types. A type is written for one
side: ``response`` (pydantic models; open enums also accept unknown strings) or
``request`` (TypedDicts, ``Sequence``/``Mapping`` so callers may pass tuples or
any mapping; enums closed, so a type checker catches typos).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass
from typing import Any

from generator import ir
from generator.client.literals import py_literal


@dataclass(frozen=True)
class RuleRef:
    """A place in a rule where a named type's shared rule goes: its constant in the rules module."""

    name: str


class _Everything:
    """A container of every name: while the fixpoint finds each name's references."""

    def __contains__(self, name: object) -> bool:
        return True


# Names the rules module itself uses: a constant named so gets the suffix (as names ending in it do).
_RESERVED_CONSTANTS = frozenset({"dict", "str", "object"})


def rule_constant(name: str) -> str:
    """The rules module's constant for a named type: its Python name (already an identifier, unique),
    with `_rule` added for a name the module uses itself, or one that ends so (which keeps it injective)."""
    if name in _RESERVED_CONSTANTS or name.startswith("__") or name.endswith("_rule"):
        return name + "_rule"
    return name


def rule_source(rule: object, module: str) -> str:
    """A rule as Python source, as ``py_literal`` writes it; a shared rule is ``module.Constant``."""
    if isinstance(rule, RuleRef):
        return f"{module}.{rule_constant(rule.name)}" if module else rule_constant(rule.name)
    if isinstance(rule, dict):
        return "{" + ", ".join(f"{py_literal(k)}: {rule_source(v, module)}" for k, v in rule.items()) + "}"
    if isinstance(rule, list):
        return "[" + ", ".join(rule_source(v, module) for v in rule) + "]"
    return py_literal(rule)


def rule_refs(rule: object) -> Iterable[str]:
    """The shared rules a rule refers to, in order of appearance (repeats included)."""
    if isinstance(rule, RuleRef):
        yield rule.name
    elif isinstance(rule, dict):
        for value in rule.values():
            yield from rule_refs(value)
    elif isinstance(rule, list):
        for value in rule:
            yield from rule_refs(value)


class TypeWriter:
    def __init__(self, api: ir.Api):
        self.array_format = api.array_format
        self.defs: dict[str, ir.NamedDef] = {}
        for definition in api.types:
            self.defs.setdefault(definition.name, definition)

    # --- annotations ------------------------------------------------------------------

    def annotation(self, t: ir.Type, side: str, runtime: bool = False, module: str = "") -> str:
        """A type expression. ``runtime`` writes ``Union``/``Optional`` for module-level aliases;
        ``module`` (the name a resource module imports the types package as) qualifies each
        generated type, ``types.Run``, so that the type is imported when the expression is evaluated."""
        return self._write(t, side, runtime, module + "." if module else "")

    def _write(self, t: ir.Type, side: str, runtime: bool, q: str = "") -> str:
        if isinstance(t, ir.Primitive):
            return self._primitive(t, side)
        if isinstance(t, ir.ListType):
            inner = self._write(t.item, side, runtime, q)
            return f"Sequence[{inner}]" if side == "request" else f"list[{inner}]"
        if isinstance(t, ir.MapType):
            inner = self._write(t.value, side, runtime, q)
            return f"Mapping[str, {inner}]" if side == "request" else f"dict[str, {inner}]"
        if isinstance(t, ir.LiteralType):
            # Floats cannot be Literal members: a number enum is typed `float` (its rule still checks it).
            exact = [v for v in t.values if not isinstance(v, float)]
            members = ["Literal[" + ", ".join(_literal(v) for v in exact) + "]"] if exact else []
            if len(exact) < len(t.values):
                members.append("float")
            if t.open and side == "response" and _base_of(t.values) not in members:
                members.append(_base_of(t.values))
            return self._join(members, runtime)
        if isinstance(t, ir.NullableType):
            inner = self._write(t.inner, side, runtime, q)
            return f"Optional[{inner}]" if runtime else f"{inner} | None"
        if isinstance(t, ir.UnionType):
            members = [self._write(v, side, runtime, q) for v in t.variants]
            union = self._join(members, runtime)
            tag_field = self._tag_field(t) if t.discriminator and side == "response" else None
            if tag_field is not None:
                # KeepUnknown: a tag added to the API after generation is kept, not a parse error.
                inner = union if runtime else "Union[" + ", ".join(members) + "]"
                return f"Annotated[{inner}, Field(discriminator={py_literal(tag_field)}), KeepUnknown]"
            if side == "response" and any(self._is_model(v) for v in t.variants):
                inner = union if runtime else "Union[" + ", ".join(members) + "]"
                return f"Annotated[{inner}, KeepUnmatched]"
            return union
        if isinstance(t, ir.NamedType):
            return self._named(t.name, side, runtime, q)
        raise TypeError(f"unknown IR type {t!r}")

    def _tag_field(self, union: ir.UnionType) -> str | None:
        """The Python name of the tag property in every member: pydantic's ``discriminator`` names
        the field, not the JSON key (``field_type`` for ``__type``). None when the members differ."""
        names = set()
        for variant in union.variants:
            definition = self.defs.get(variant.name) if isinstance(variant, ir.NamedType) else None
            if not isinstance(definition, ir.Model):
                return union.discriminator  # as before: pydantic reports what it cannot use
            found = next((f.name for f in definition.fields if f.wire_name == union.discriminator), None)
            if found is None:
                return None
            names.add(found)
        return names.pop() if len(names) == 1 else None

    def written_as(self, name: str) -> tuple[object, ...]:
        """All that a reference to ``name`` depends on: both names, model or not, an alias's type."""
        definition = self.defs[name]
        aliased = definition.type if isinstance(definition, ir.Alias) else None
        # A discriminated union names its members' tag field in Python: the renamed fields are part of how it is written.
        renamed = tuple((f.wire_name, f.name) for f in definition.fields if f.name != f.wire_name) if isinstance(definition, ir.Model) else ()
        return definition.name, definition.param_name, isinstance(definition, ir.Model), definition.in_request, aliased, renamed

    def _is_model(self, t: ir.Type) -> bool:
        return isinstance(t, ir.NamedType) and isinstance(self.defs.get(t.name), ir.Model)

    def _named(self, name: str, side: str, runtime: bool, q: str = "") -> str:
        definition = self.defs[name]
        written = q + (definition.param_name if side == "request" else definition.name)
        if side == "response" and isinstance(definition, ir.Alias) and definition.in_request and _open(definition.type):
            # A shared enum alias is closed (requests must be exact); responses may carry new values.
            return self._join([written, _open_base(definition.type)], runtime)
        return written

    @staticmethod
    def _join(members: list[str], runtime: bool) -> str:
        if len(members) == 1:
            return members[0]
        return "Union[" + ", ".join(members) + "]" if runtime else " | ".join(members)

    @staticmethod
    def _primitive(t: ir.Primitive, side: str) -> str:
        if t.kind == "bytes":
            return "FileTypes" if side == "request" else "bytes"
        return {"str": "str", "int": "int", "float": "float", "bool": "bool", "any": "object", "none": "None"}[t.kind]

    def names_in(self, t: ir.Type | None) -> list[str]:
        """Named types an annotation refers to, in order of appearance."""
        return list(ir.names_in(t))

    def wire_styles(self, parameters: tuple[ir.Parameter, ...]) -> str:
        """``RequestOptions.styles`` as source: the parameters the runtime's default encoding misses.

        The runtime sends path and header values in the ``simple`` style, query arrays exploded
        (``ids=1&ids=2``) and query objects as ``name[key]=value``; a query parameter whose spec
        states no style keeps that convention. Everything else is passed on as ``(style, explode)``.
        """
        entries = []
        for p in parameters:
            if p.location == "body":
                continue
            default = "simple" if p.location in {"path", "header"} else "form"
            style = p.style or default
            explode = p.explode
            if p.location == "query" and p.style is None and explode:
                continue
            # An explicit exploded `form` array repeats its name, which is the runtime's default array
            # format; a client configured for another format needs it said.
            repeats = self.array_format in (None, "repeat")
            if p.location == "query" and style == "form" and explode and repeats and not self._is_object(p.type):
                continue
            if p.location != "query" and (style, explode) == (default, default == "form"):
                continue
            entries.append(f"({py_literal(p.location)}, {py_literal(p.wire_name)}): ({py_literal(style)}, {explode})")
        return "{" + ", ".join(entries) + "}" if entries else ""

    def body_encoding(self, body: ir.Body) -> str:
        """``RequestOptions.encoding`` as source: property -> (contentType, style, explode)."""
        entries = [
            f"{py_literal(name)}: ({py_literal(media)}, {py_literal(style)}, {py_literal(explode)})"
            for name, media, style, explode in body.encoding
        ]
        return "{" + ", ".join(entries) + "}"

    def _is_object(self, t: ir.Type, seen: frozenset[str] = frozenset()) -> bool:
        while isinstance(t, ir.NullableType):
            t = t.inner
        if isinstance(t, ir.MapType):
            return True
        if isinstance(t, ir.NamedType) and t.name not in seen:
            definition = self.defs[t.name]
            return isinstance(definition, ir.Model) or self._is_object(definition.type, seen | {t.name})
        return False

    def is_bool(self, t: ir.Type) -> bool:
        while isinstance(t, ir.NullableType):
            t = t.inner
        return isinstance(t, ir.Primitive) and t.kind == "bool"

    def nullable(self, t: ir.Type) -> bool:
        """Whether an annotation of ``t`` already admits None (`X | None`, or `None` itself)."""
        return isinstance(t, ir.NullableType) or t == ir.Primitive("none")

    # --- validation rules ---------------------------------------------------------------

    def rule(self, t: ir.Type) -> dict[str, Any] | None:
        """A JSON-Schema-like rule for the runtime validator, or None when nothing can be checked."""
        return self._rule(t, frozenset())

    def shared_rule(self, t: ir.Type) -> dict[str, Any] | RuleRef | None:
        """``rule``, but each named type with a rule is a ``RuleRef`` to its shared rule
        (``shared_rules``) instead of its rule written out; a recursive type is checked to any depth."""
        return self._canonical(self._body(t, self._nonempty))

    def shared_rules(self) -> dict[str, dict[str, Any]]:
        """Each named type's own rule (``RuleRef`` for the named types in it), by name, for the named
        types that have one: a type whose rule is another's (an alias of a model) has none here, the
        references go to that other type's."""
        found: dict[str, dict[str, Any]] = {}
        for name, body in self._bodies.items():
            if isinstance(body, dict):
                canonical = self._canonical(body)
                assert isinstance(canonical, dict)
                found[name] = canonical
        return found

    @functools.cached_property
    def _nonempty(self) -> frozenset[str]:
        """The named types with a rule: a least fixpoint, since a rule may refer to itself (a cycle
        without a constraint in it has no rule). A name is added when its rule, with the names found
        so far, is not empty, and only the names that mention it are looked at again."""
        everything = _Everything()
        users: dict[str, set[str]] = {}
        for name in self.defs:
            for used in rule_refs(self._named_body(name, everything)):
                users.setdefault(used, set()).add(name)
        found: set[str] = set()
        queue = [name for name in self.defs if self._named_body(name, found)]
        found.update(queue)
        while queue:
            name = queue.pop()
            for user in sorted(users.get(name, ())):
                if user not in found and self._named_body(user, found):
                    found.add(user)
                    queue.append(user)
        return frozenset(found)

    @functools.cached_property
    def _bodies(self) -> dict[str, dict[str, Any] | RuleRef]:
        nonempty = self._nonempty
        bodies: dict[str, dict[str, Any] | RuleRef] = {}
        for name in self.defs:
            if name in nonempty:
                body = self._named_body(name, nonempty)
                assert body is not None
                bodies[name] = body
        return bodies

    def _target(self, name: str) -> str:
        """The type whose shared rule ``name``'s is: itself, or the type an alias (chain) stands for."""
        seen = {name}
        body = self._bodies[name]
        while isinstance(body, RuleRef) and body.name not in seen:
            name = body.name
            seen.add(name)
            body = self._bodies[name]
        return name

    def _canonical(self, rule: Any) -> Any:
        if isinstance(rule, RuleRef):
            return RuleRef(self._target(rule.name))
        if isinstance(rule, dict):
            return {k: self._canonical(v) for k, v in rule.items()}
        if isinstance(rule, list):
            return [self._canonical(v) for v in rule]
        return rule

    def _named_body(self, name: str, nonempty: Container[str]) -> dict[str, Any] | RuleRef | None:
        """A named type's own rule: ``_rule``'s, with each named type in it a reference."""
        definition = self.defs[name]
        if isinstance(definition, ir.Alias):
            return self._body(definition.type, nonempty)
        properties = {}
        for f in definition.fields:
            if f.read_only:
                continue  # rules check what is sent, and a readOnly property is not
            sub = self._body(f.type, nonempty)
            if sub:
                properties[f.wire_name] = sub
        return {"properties": properties} if properties else None

    def _body(self, t: ir.Type, nonempty: Container[str]) -> dict[str, Any] | RuleRef | None:
        if isinstance(t, ir.NullableType):
            return self._body(t.inner, nonempty)
        if isinstance(t, ir.NamedType):
            return RuleRef(t.name) if t.name in nonempty else None
        rule: dict[str, Any] = {}
        if isinstance(t, ir.Primitive):
            rule.update(_constraint_rule(t.constraints))
        elif isinstance(t, ir.LiteralType):
            rule["enum"] = list(t.values)
        elif isinstance(t, ir.ListType):
            rule.update(_constraint_rule(t.constraints))
            items = self._body(t.item, nonempty)
            if items:
                rule["items"] = items
        elif isinstance(t, ir.MapType):
            rule.update(_constraint_rule(t.constraints))
            keys = _constraint_rule(t.key_constraints)
            if keys:
                rule["keys"] = keys
            values = self._body(t.value, nonempty)
            if values:
                rule["values"] = values
        elif isinstance(t, ir.UnionType):
            variants = self._variant_rules(t, lambda v: self._body(v, nonempty))
            if variants:
                rule["variants"] = variants
        return rule or None

    def _rule(self, t: ir.Type, visiting: frozenset[str]) -> dict[str, Any] | None:
        if isinstance(t, ir.NullableType):
            return self._rule(t.inner, visiting)
        if isinstance(t, ir.NamedType):
            if t.name in visiting:
                return None
            definition = self.defs[t.name]
            if isinstance(definition, ir.Alias):
                return self._rule(definition.type, visiting | {t.name})
            properties = {}
            for f in definition.fields:
                if f.read_only:
                    continue  # rules check what is sent, and a readOnly property is not
                sub = self._rule(f.type, visiting | {t.name})
                if sub:
                    properties[f.wire_name] = sub
            return {"properties": properties} if properties else None
        rule: dict[str, Any] = {}
        if isinstance(t, ir.Primitive):
            rule.update(_constraint_rule(t.constraints))
        elif isinstance(t, ir.LiteralType):
            rule["enum"] = list(t.values)
        elif isinstance(t, ir.ListType):
            rule.update(_constraint_rule(t.constraints))
            items = self._rule(t.item, visiting)
            if items:
                rule["items"] = items
        elif isinstance(t, ir.MapType):
            rule.update(_constraint_rule(t.constraints))
            keys = _constraint_rule(t.key_constraints)
            if keys:
                rule["keys"] = keys
            values = self._rule(t.value, visiting)
            if values:
                rule["values"] = values
        elif isinstance(t, ir.UnionType):
            variants = self._variant_rules(t, lambda v: self._rule(v, visiting))
            if variants:
                rule["variants"] = variants
        return rule or None

    def _variant_rules(self, union: ir.UnionType, rule_of: Callable[[ir.Type], object]) -> list[dict[str, Any]]:
        """Each member's rule, with the JSON kind (and tag) the runtime tells members apart by."""
        out = []
        discriminator = union.discriminator or self._implied_tag(union)
        for variant in union.variants:
            kind, tag = self._kind_and_tag(variant, discriminator)
            if kind is None:
                return []
            entry: dict[str, Any] = {"kind": kind}
            if tag is not None:
                entry["tag"] = [discriminator, tag]
            sub = rule_of(variant)
            if sub:
                entry["rule"] = sub
            out.append(entry)
        # Untagged members of the same JSON kind cannot be told apart: the runtime would skip them anyway.
        kinds = [e["kind"] for e in out if "tag" not in e]
        out = [e for e in out if "tag" in e or kinds.count(e["kind"]) == 1]
        return out if any("rule" in e for e in out) else []

    def _implied_tag(self, union: ir.UnionType) -> str | None:
        """A property every object member has as a distinct constant (``type`` in a mixed union)."""
        models = []
        for variant in union.variants:
            while isinstance(variant, ir.NamedType) and isinstance(self.defs.get(variant.name), ir.Alias):
                variant = self.defs[variant.name].type  # type: ignore[union-attr]
            if isinstance(variant, ir.NamedType) and isinstance(self.defs.get(variant.name), ir.Model):
                models.append(self.defs[variant.name])
        if len(models) < 2:
            return None
        for candidate in models[0].fields:  # type: ignore[union-attr]
            tags = []
            for model in models:
                field = next((f for f in model.fields if f.wire_name == candidate.wire_name), None)  # type: ignore[union-attr]
                if field is None or not (isinstance(field.type, ir.LiteralType) and len(field.type.values) == 1):
                    break
                tags.append(field.type.values[0])
            else:
                if len(set(tags)) == len(tags):
                    return candidate.wire_name
        return None

    def _kind_and_tag(self, t: ir.Type, discriminator: str | None) -> tuple[str | None, object]:
        while isinstance(t, ir.NamedType) and isinstance(self.defs.get(t.name), ir.Alias):
            t = self.defs[t.name].type  # type: ignore[union-attr]
        if isinstance(t, ir.NamedType):
            model = self.defs[t.name]
            tag = None
            if discriminator and isinstance(model, ir.Model):
                field = next((f for f in model.fields if f.wire_name == discriminator), None)
                if field is not None and isinstance(field.type, ir.LiteralType) and len(field.type.values) == 1:
                    tag = field.type.values[0]
            return "object", tag
        if isinstance(t, ir.Primitive):
            return {"str": "string", "int": "number", "float": "number", "bool": "boolean"}.get(t.kind), None
        if isinstance(t, ir.LiteralType):
            kinds = {_literal_kind(v) for v in t.values}
            return (kinds.pop() if len(kinds) == 1 else None), None
        if isinstance(t, ir.ListType):
            return "array", None
        if isinstance(t, ir.MapType):
            return "object", None
        return None, None


def _literal_kind(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return "string" if isinstance(value, str) else "null"


def _open(t: ir.Type) -> bool:
    if isinstance(t, ir.LiteralType):
        return t.open
    if isinstance(t, ir.NullableType):
        return _open(t.inner)
    return False


def _literal(value: object) -> str:
    return py_literal(value)


def _base_of(values: tuple[object, ...]) -> str:
    if all(isinstance(v, str) for v in values):
        return "str"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "int"
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return "float"
    return "object"


def _open_base(t: ir.Type) -> str:
    """The type an open enum falls back to for values it does not list."""
    while isinstance(t, ir.NullableType):
        t = t.inner
    return _base_of(t.values) if isinstance(t, ir.LiteralType) else "str"


_RULE_KEYS = {
    "minimum": "minimum",
    "maximum": "maximum",
    "exclusive_minimum": "exclusiveMinimum",
    "exclusive_maximum": "exclusiveMaximum",
    "multiple_of": "multipleOf",
    "min_length": "minLength",
    "max_length": "maxLength",
    "pattern": "pattern",
    "min_items": "minItems",
    "max_items": "maxItems",
    "min_properties": "minProperties",
    "max_properties": "maxProperties",
}


def _constraint_rule(c: ir.Constraints) -> dict[str, Any]:
    rule = {key: getattr(c, attr) for attr, key in _RULE_KEYS.items() if getattr(c, attr) is not None}
    if c.unique_items:
        rule["uniqueItems"] = True
    return rule
