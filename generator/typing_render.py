"""How IR types are written in Python source: annotations, alias values and validation rules.

These are the template filters that deal with types. A type is written for one
side: ``response`` (pydantic models; open enums also accept unknown strings) or
``request`` (TypedDicts, ``Sequence``/``Mapping`` so callers may pass tuples or
any mapping; enums closed, so a type checker catches typos).
"""

from __future__ import annotations

from typing import Any

from . import ir


class TypeWriter:
    def __init__(self, api: ir.Api):
        self.defs: dict[str, ir.NamedDef] = {}
        for definition in api.types:
            self.defs.setdefault(definition.name, definition)

    # --- annotations ------------------------------------------------------------------

    def annotation(self, t: ir.Type, side: str, runtime: bool = False) -> str:
        """A type expression. ``runtime`` writes ``Union``/``Optional`` for module-level aliases."""
        return self._write(t, side, runtime)

    def _write(self, t: ir.Type, side: str, runtime: bool) -> str:
        if isinstance(t, ir.Primitive):
            return self._primitive(t, side)
        if isinstance(t, ir.ListType):
            inner = self._write(t.item, side, runtime)
            return f"Sequence[{inner}]" if side == "request" else f"list[{inner}]"
        if isinstance(t, ir.MapType):
            inner = self._write(t.value, side, runtime)
            return f"Mapping[str, {inner}]" if side == "request" else f"dict[str, {inner}]"
        if isinstance(t, ir.LiteralType):
            literal = "Literal[" + ", ".join(_literal(v) for v in t.values) + "]"
            if t.open and side == "response":
                return self._join([literal, _base_of(t.values)], runtime)
            return literal
        if isinstance(t, ir.NullableType):
            inner = self._write(t.inner, side, runtime)
            return f"Optional[{inner}]" if runtime else f"{inner} | None"
        if isinstance(t, ir.UnionType):
            members = [self._write(v, side, runtime) for v in t.variants]
            union = self._join(members, runtime)
            if t.discriminator and side == "response":
                return f"Annotated[{union if runtime else 'Union[' + ', '.join(members) + ']'}, Field(discriminator={t.discriminator!r})]"
            return union
        if isinstance(t, ir.NamedType):
            return self._named(t.name, side, runtime)
        raise TypeError(f"unknown IR type {t!r}")

    def _named(self, name: str, side: str, runtime: bool) -> str:
        definition = self.defs[name]
        written = definition.param_name if side == "request" else definition.name
        if side == "response" and isinstance(definition, ir.Alias) and definition.in_request and _open(definition.type):
            # A shared enum alias is closed (requests must be exact); responses may carry new values.
            return self._join([written, "str"], runtime)
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
        out: list[str] = []
        _collect_names(t, out)
        return out

    def is_bool(self, t: ir.Type) -> bool:
        while isinstance(t, ir.NullableType):
            t = t.inner
        return isinstance(t, ir.Primitive) and t.kind == "bool"

    def nullable(self, t: ir.Type) -> bool:
        return isinstance(t, ir.NullableType)

    # --- validation rules ---------------------------------------------------------------

    def rule(self, t: ir.Type) -> dict[str, Any] | None:
        """A JSON-Schema-like rule for the runtime validator, or None when nothing can be checked."""
        return self._rule(t, frozenset())

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
        # Unions are not checked: which variant a value means is the server's call.
        return rule or None


def _collect_names(t: ir.Type | None, out: list[str]) -> None:
    if isinstance(t, ir.NamedType):
        if t.name not in out:
            out.append(t.name)
    elif isinstance(t, ir.ListType):
        _collect_names(t.item, out)
    elif isinstance(t, ir.MapType):
        _collect_names(t.value, out)
    elif isinstance(t, ir.UnionType):
        for variant in t.variants:
            _collect_names(variant, out)
    elif isinstance(t, ir.NullableType):
        _collect_names(t.inner, out)


def _open(t: ir.Type) -> bool:
    if isinstance(t, ir.LiteralType):
        return t.open
    if isinstance(t, ir.NullableType):
        return _open(t.inner)
    return False


def _literal(value: object) -> str:
    return repr(value)


def _base_of(values: tuple[object, ...]) -> str:
    if all(isinstance(v, str) for v in values):
        return "str"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "int"
    return "object"


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
