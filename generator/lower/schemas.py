"""Lowering JSON Schemas (as OpenAPI 3.0 and 3.1 write them) to IR types.

Named types come from ``$ref`` targets: an object with properties becomes a
``Model``, an enum, union, list or map an ``Alias``; a plain primitive is inlined
(a ``$ref`` to ``type: boolean`` reads better as ``bool``). Inline objects get a
name from where they stand (``CreateRunRequest`` + ``truncation_strategy`` →
``CreateRunRequestTruncationStrategy``) and are cached by location, so a schema
is lowered once whatever path reaches it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from generator import ir
from generator.diagnostics import Report, SpecError, escape_pointer_token, kind_of, unescape_pointer_token
from generator.lower.media import preferred
from generator.lower.naming import NameTable, field_names, pascal
from generator.load.refs import BROKEN, COMPONENT_KINDS, Location, Resolver

_PRIMITIVES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "null": "none"}
_KNOWN_TYPES = frozenset(_PRIMITIVES) | {"array", "object"}
# Keywords that only annotate: an ``allOf`` part with nothing else adds no structure.
_ANNOTATIONS = frozenset({"description", "title", "nullable", "default", "example", "examples", "deprecated", "readOnly", "writeOnly", "externalDocs", "$comment"})


def child(at: Location, *tokens: str | int) -> Location:
    path = at[1]
    for token in tokens:
        text = str(token)
        # Called for every schema node: most tokens need no escaping, so skip the two replaces.
        path += "/" + (escape_pointer_token(text) if "~" in text or "/" in text else text)
    return at[0], path


@dataclass
class _Def:
    name: str
    location: Location
    kind: str  # "model" | "alias"
    description: str | None = None
    fields: tuple[ir.Field, ...] = ()
    extra: ir.Type | None = None
    type: ir.Type | None = None
    filled: bool = False


@dataclass
class _Object:
    """An object schema with ``allOf`` merged in."""

    properties: dict[str, tuple[Any, Location]] = field(default_factory=dict)
    required: list[str] = field(default_factory=list)
    extra: tuple[Any, Location] | None = None
    extra_forbidden: bool = False


def json_example(node: dict[str, Any]) -> str | None:
    """``example``, else the first of a list of ``examples`` (JSON Schema's), else of a map of Example
    Objects' ``value``s (OpenAPI's, on parameters and media types), as JSON text."""
    if "example" in node:
        return _json_text(node["example"])
    examples = node.get("examples")
    if isinstance(examples, list) and examples:
        return _json_text(examples[0])
    if isinstance(examples, dict):
        for value in examples.values():
            if isinstance(value, dict) and "value" in value:
                return _json_text(value["value"])
    return None


def _json_text(value: Any) -> str | None:
    try:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        return None  # a YAML value JSON cannot hold (a date, NaN): no example rather than a wrong one


def json_default(node: dict[str, Any]) -> str | None:
    if "default" not in node:
        return None
    return json.dumps(node["default"], sort_keys=True, ensure_ascii=False)


class SchemaLowerer:
    def __init__(self, resolver: Resolver, report: Report, class_names: NameTable):
        self.resolver = resolver
        self.report = report
        self.names = class_names
        self.defs: dict[Location, _Def] = {}
        # What a $ref target lowers to when it is used in place: NamedType, or an inlined primitive.
        self._targets: dict[Location, ir.Type] = {}
        self._inline: dict[Location, ir.Type] = {}
        self._depth = 0  # nested lower() calls: a located error past MAX_SCHEMA_DEPTH, never a RecursionError
        self._component_names = self._claim_component_names()
        # Discriminator values a model's tag property takes, from the unions that list the model.
        self._tags: dict[Location, dict[str, list[str | int | bool]]] = {}
        self._followed: dict[tuple[Location, str], tuple[Any, Location]] = {}
        self._is_30 = not str(self.resolver.root.raw.get("openapi", "")).startswith("3.1")

    def _claim_component_names(self) -> dict[Location, str]:
        schemas = self.resolver.root.raw.get("components", {}) or {}
        schemas = schemas.get("schemas", {}) if isinstance(schemas, dict) else {}
        names = {}
        for key in schemas if isinstance(schemas, dict) else ():
            names[(self.resolver.root.file, f"/components/schemas/{escape_pointer_token(key)}")] = self.names.claim(pascal(str(key)), sep="")
        return names

    # --- entry points ----------------------------------------------------------------

    def lower(self, node: Any, at: Location, hint: str) -> ir.Type:
        """The IR type of the schema ``node`` found at ``at``; ``hint`` names inline objects."""
        if self._depth >= MAX_SCHEMA_DEPTH:
            self.report.error(at[1], f"schemas nest more than {MAX_SCHEMA_DEPTH} levels deep here", "through properties, items, unions and `$ref`s", file=at[0])
            return ir.Primitive("any")
        self._depth += 1
        try:
            return self._lower_node(node, at, hint)
        finally:
            self._depth -= 1

    def _lower_node(self, node: Any, at: Location, hint: str) -> ir.Type:
        if isinstance(node, bool):
            # Only where the document has one: callers stand `True` in for a schema that is left out.
            if self._is_30 and not at[1].endswith("/additionalProperties") and isinstance(self.resolver.node(at), bool):
                self._warn_boolean(at)
            return ir.Primitive("any") if node else ir.Primitive("none")
        if not isinstance(node, dict):
            self.report.error(at[1], f"a schema must be an object, not {kind_of(node)}", file=at[0])
            return ir.Primitive("any")
        self._leniencies(node, at)
        if "$ref" in node:
            if self._is_30 or not _object_siblings(node):
                return self._reference(node, at)
            # 3.1: keywords beside `$ref` apply too, as an `allOf` would (collect merges the target in).
            if at not in self._inline:
                self._inline[at] = self._inline_model(node, at, hint)
            return self._inline[at]
        if at in self._inline:
            return self._inline[at]
        result = self._lower_inline(node, at, hint)
        self._inline[at] = result
        return result

    def _leniencies(self, node: dict[str, Any], at: Location) -> None:
        """Warn of what a schema gets wrong whose intent is clear (each schema node is lowered through here)."""
        if "pattern" in node and not isinstance(node["pattern"], str):
            self.report.warn(at[1] + "/pattern", f"a `pattern` must be a string, not {kind_of(node['pattern'])}; not checked", "quote the regular expression", file=at[0])
        if self._is_30:
            self._warn_30(node, at)
        elif "examples" in node and not isinstance(node["examples"], list):
            self.report.warn(at[1] + "/examples", "a schema's `examples` must be a list; ignored", "write `examples: [...]`, or `example:` for one", file=at[0])

    def _warn_30(self, node: dict[str, Any], at: Location) -> None:
        """Leniencies: what 3.0 specs commonly get wrong, whose intent is clear, read with a warning."""
        if isinstance(node.get("type"), list):
            self.report.warn(at[1] + "/type", "a list of types is OpenAPI 3.1, not 3.0; read as 3.1 reads it", "in 3.0, write one `type` (with `nullable: true` for 'null') or `anyOf`", file=at[0])
        elif "null" in _types(node):
            self.report.warn(at[1] + "/type", "`type: 'null'` is OpenAPI 3.1, not 3.0; read as `nullable: true`", "in 3.0, write `nullable: true` on the schema that may be null", file=at[0])
        if "$ref" in node:
            # Extensions (`x-ms-client-flatten`) and `xml` are not schema keywords: beside a `$ref` they are no mistake.
            ignored = sorted(str(k) for k in node if k != "$ref" and k not in _ANNOTATIONS and k != "xml" and not str(k).startswith("x-"))
            if ignored:
                names = ", ".join(f"`{k}`" for k in ignored)
                self.report.warn(at[1], f"{names} beside `$ref` ignored, as OpenAPI 3.0 says", "to combine them, write `allOf: [{$ref: ...}, {...}]`", file=at[0])

    def _warn_boolean(self, at: Location) -> None:
        self.report.warn(at[1], "a boolean schema is JSON Schema 2020-12 (OpenAPI 3.1), not 3.0; read as 2020-12 reads it", "in 3.0, write `{}` for true and `not: {}` for false", file=at[0])

    def is_model(self, node: dict[str, Any], at: Location) -> bool:
        """Whether a schema is an object with known properties (a request body to flatten)."""
        return self._shape(node, at) == "model"

    def default_of(self, node: Any, at: Location) -> str | None:
        """A schema's default as JSON text: its own, its target's, or its one non-null variant's."""
        found = self._look_through(node, at, lambda n: "default" in n)
        return json_default(found) if found is not None else None

    def example_of(self, node: Any, at: Location) -> str | None:
        """A schema's example as JSON text: ``example``, else the first of ``examples`` (a list), looked
        up as its default is."""
        found = self._look_through(node, at, lambda n: "example" in n or (isinstance(n.get("examples"), list) and bool(n["examples"])))
        return json_example(found) if found is not None else None

    def description_of(self, node: Any, at: Location) -> str | None:
        """A schema's description: its own, its target's, or its one non-null variant's."""
        found = self._look_through(node, at, lambda n: _text(n.get("description")) is not None)
        return _text(found.get("description")) if found is not None else None

    def _look_through(self, node: Any, at: Location, wanted: Any) -> dict[str, Any] | None:
        """The first schema along refs, one-part ``allOf``s and nullable unions that has what is ``wanted``."""
        for _ in range(16):
            if not isinstance(node, dict):
                return None
            if wanted(node):
                return node
            if "$ref" in node:
                node, at = self.follow(node, at)
                continue
            keyword = next((k for k in ("anyOf", "oneOf", "allOf") if isinstance(node.get(k), list)), None)
            if keyword is None:
                return None
            parts = [(i, v) for i, v in enumerate(node[keyword]) if not _is_null_schema(v) and not (keyword == "allOf" and _only_annotations(v))]
            if len(parts) != 1:
                return None
            node, at = parts[0][1], child(at, keyword, parts[0][0])
        return None

    def follow(self, node: Any, at: Location) -> tuple[Any, Location]:
        """``Resolver.follow``, remembered: a schema's refs are followed by its lowering, its
        description, its default and each union or object it is part of."""
        if not isinstance(node, dict) or "$ref" not in node:
            return node, at
        ref = node["$ref"]
        if not isinstance(ref, str):
            return self.resolver.follow(node, at)  # reports it
        found = self._followed.get((at, ref))
        if found is None:
            found = self.resolver.follow(node, at)
            if found[0] is not BROKEN:  # a broken one is reported wherever it is followed from
                self._followed[(at, ref)] = found
        return found

    def component_name(self, at: Location) -> str | None:
        return self._component_names.get(at)

    # --- references -----------------------------------------------------------------

    def _reference(self, node: dict[str, Any], at: Location) -> ir.Type:
        target_node, target = self.follow(node, at)
        if target_node is BROKEN:
            return ir.Primitive("any")  # reported by the resolver
        wrong = _not_a_schema(target_node, target[1])
        if wrong == "a response":
            # A schema `$ref` to a response (rumble): its JSON body's schema is meant, any JSON when it has none.
            media, schema = _json_schema_of_response(target_node)
            self.report.warn(at[1] + "/$ref", f"`$ref` {node['$ref']!r} points to a response, not to a schema; read as the schema of its JSON body" + ("" if schema is not None else ", which it does not give: any JSON"), file=at[0])
            if media is None or schema is None:
                return ir.Primitive("any")
            return self.lower(schema, child(target, "content", media, "schema"), "Model")
        if wrong is not None:
            self.report.error(at[1] + "/$ref", f"`$ref` {node['$ref']!r} points to {wrong}, not to a schema", file=at[0])
            return ir.Primitive("any")
        result = self._targets.get(target)
        if result is None:
            result = self._define(target_node, target)
        # 3.0 specs write `$ref` + `nullable: true` as siblings; OpenAI's 3.1 spec does too.
        if node.get("nullable") is True and not isinstance(result, ir.NullableType):
            result = ir.NullableType(result)
        return result

    def _define(self, node: Any, at: Location) -> ir.Type:
        if not isinstance(node, dict):
            return self.lower(node, at, "Model")
        self._leniencies(node, at)
        shape = self._shape(node, at)
        if shape == "primitive":
            result = self._lower_inline(node, at, "Model")
            self._targets[at] = result
            return result
        existing = self.defs.get(at)
        if existing is not None:
            # Lowered in place first (an inline object that a `$ref` elsewhere points into): one type, one name.
            named_existing: ir.Type = ir.NamedType(existing.name)
            self._targets[at] = ir.NullableType(named_existing) if _is_nullable(node) else named_existing
            return self._targets[at]
        name = self._component_names.get(at) or self.names.claim(pascal(_name_from_pointer(at[1])), sep="")
        definition = _Def(name, at, "model" if shape == "model" else "alias", description=_text(node.get("description")))
        self.defs[at] = definition
        named: ir.Type = ir.NamedType(name)
        nullable = _is_nullable(node)
        self._targets[at] = ir.NullableType(named) if nullable else named
        if shape == "model":
            self._fill_model(definition, node, at)
        else:
            lowered = self._lower_inline(node, at, name)
            if isinstance(lowered, ir.NullableType):
                # The alias names the non-null type; where it is used, it is used as nullable.
                lowered = lowered.inner
                self._targets[at] = ir.NullableType(named)
            definition.type = lowered
        return self._targets[at]

    def _shape(self, node: dict[str, Any], at: Location) -> str:
        """``model``, ``alias`` or ``primitive``: how a named schema is rendered."""
        if self._has_properties(node, at):
            return "model"
        types = _types(node)
        if "enum" in node or "const" in node or "oneOf" in node or "anyOf" in node:
            return "alias"
        if "allOf" in node:
            parts = [p for p in node["allOf"] if not _only_annotations(p)] if isinstance(node["allOf"], list) else []
            if len(parts) == 1:
                inner, inner_at = self.follow(parts[0], child(at, "allOf", node["allOf"].index(parts[0])))
                return self._shape(inner, inner_at) if isinstance(inner, dict) else "primitive"
            return "alias"
        if types & {"array", "object"} or "items" in node or "prefixItems" in node or "additionalProperties" in node or "unevaluatedProperties" in node:
            return "alias"
        return "primitive"

    def _has_properties(self, node: dict[str, Any], at: Location) -> bool:
        if isinstance(node.get("properties"), dict) and node["properties"]:
            return ("oneOf" not in node and "anyOf" not in node) or _required_alternatives(node) is not None
        if isinstance(node.get("allOf"), list):
            substantive = [p for p in node["allOf"] if not _only_annotations(p)]
            if len(substantive) > 1:
                return True
        return False

    # --- inline schemas ---------------------------------------------------------------

    def _lower_inline(self, node: dict[str, Any], at: Location, hint: str) -> ir.Type:
        result = self._lower_core(node, at, hint)
        if _is_nullable(node) and not isinstance(result, ir.NullableType) and result != ir.Primitive("none"):
            result = ir.NullableType(result)
        return result

    def _lower_core(self, node: dict[str, Any], at: Location, hint: str) -> ir.Type:
        if "const" in node:
            return _const_type(node["const"])
        if "enum" in node:
            return self._enum(node, at)
        if ("oneOf" in node or "anyOf" in node) and _required_alternatives(node) is None:
            return self._union(node, at, hint)
        if "allOf" in node:
            return self._all_of(node, at, hint)
        types = _types(node)
        unknown = types - _KNOWN_TYPES
        if unknown:
            self.report.error(at[1] + "/type", f"unknown type {sorted(unknown)[0]!r}", "one of " + ", ".join(sorted(_KNOWN_TYPES)), file=at[0])
            return ir.Primitive("any")
        non_null = sorted(types - {"null"})
        if len(non_null) > 1:
            variants = tuple(self._single_type(node, t, at, hint) for t in non_null)
            return ir.UnionType(variants)
        kind = non_null[0] if non_null else ("null" if types else _implied_type(node))
        return self._single_type(node, kind, at, hint)

    def _single_type(self, node: dict[str, Any], kind: str | None, at: Location, hint: str) -> ir.Type:
        if kind == "array":
            items = node.get("items", True)
            prefix = node.get("prefixItems")
            if isinstance(prefix, list) and prefix:
                return self._prefix_items(node, prefix, items, at, hint)
            item = self.lower(items, child(at, "items"), hint + "Item")
            # `items: false`: no item is valid, so the only valid array is the empty one.
            return ir.ListType(item, replace(_constraints(node), max_items=0) if items is False else _constraints(node))
        if kind == "object":
            return self._object(node, at, hint)
        if kind is None:
            return ir.Primitive("any")
        if kind == "string" and node.get("format") == "binary":
            return ir.Primitive("bytes", "binary")
        fmt = node.get("format") if isinstance(node.get("format"), str) else None
        return ir.Primitive(_PRIMITIVES[kind], fmt, _constraints(node))  # type: ignore[arg-type]

    def _prefix_items(self, node: dict[str, Any], prefix: list[Any], items: Any, at: Location, hint: str) -> ir.Type:
        """2020-12 ``prefixItems`` (a tuple): a list of any of the positions' types, and of ``items``
        for the rest; with ``items: false`` at most as many items as positions."""
        members: list[ir.Type] = []
        for index, position in enumerate(prefix):
            lowered = self.lower(position, child(at, "prefixItems", index), f"{hint}Item{index + 1}")
            if lowered not in members:
                members.append(lowered)
        if items is not False:
            rest = self.lower(items, child(at, "items"), hint + "Item")
            if rest not in members:
                members.append(rest)
        constraints = _constraints(node)
        if items is False:
            most = len(prefix) if constraints.max_items is None else min(constraints.max_items, len(prefix))
            constraints = replace(constraints, max_items=most)
        if ir.Primitive("any") in members:
            item: ir.Type = ir.Primitive("any")
        else:
            item = members[0] if len(members) == 1 else ir.UnionType(tuple(members))
        return ir.ListType(item, constraints)

    def _enum(self, node: dict[str, Any], at: Location) -> ir.Type:
        values = node["enum"]
        if not isinstance(values, list) or not values:
            self.report.error(at[1] + "/enum", "`enum` must be a non-empty list", file=at[0])
            return ir.Primitive("any")
        scalar = [v for v in values if isinstance(v, (str, int, float, bool)) or v is None]
        if len(scalar) != len(values):
            self.report.warn(at[1] + "/enum", "non-scalar enum values are typed as any value", file=at[0])
            return ir.Primitive("any")
        present = tuple(dict.fromkeys(v for v in scalar if v is not None))
        result: ir.Type = ir.LiteralType(present, open=len(present) > 1) if present else ir.Primitive("none")
        if None in scalar and present:
            result = ir.NullableType(result)
        return result

    def _object(self, node: dict[str, Any], at: Location, hint: str) -> ir.Type:
        if isinstance(node.get("properties"), dict) and node["properties"]:
            return self._inline_model(node, at, hint)
        extra = _extra_properties(node)
        extra = True if extra is None else extra
        keyword = "additionalProperties" if "additionalProperties" in node else "unevaluatedProperties"
        value = self.lower(extra, child(at, keyword), hint + "Value") if extra is not False else ir.Primitive("any")
        keys = node.get("propertyNames")
        return ir.MapType(value, _constraints(keys) if isinstance(keys, dict) else ir.Constraints(), _constraints(node))

    def _inline_model(self, node: dict[str, Any], at: Location, hint: str) -> ir.Type:
        if at in self.defs:
            return ir.NamedType(self.defs[at].name)
        definition = _Def(self.names.claim(hint, sep=""), at, "model", description=_text(node.get("description")))
        self.defs[at] = definition
        self._fill_model(definition, node, at)
        return ir.NamedType(definition.name)

    def _all_of(self, node: dict[str, Any], at: Location, hint: str) -> ir.Type:
        parts = node["allOf"]
        if not isinstance(parts, list) or not parts:
            self.report.error(at[1] + "/allOf", "`allOf` must be a non-empty list", file=at[0])
            return ir.Primitive("any")
        substantive = [(i, p) for i, p in enumerate(parts) if not _only_annotations(p)]
        if len(substantive) == 1:
            index, part = substantive[0]
            result = self.lower(part, child(at, "allOf", index), hint)
            nullable = any(isinstance(p, dict) and p.get("nullable") is True for p in parts)
            return ir.NullableType(result) if nullable and not isinstance(result, ir.NullableType) else result
        return self._inline_model(node, at, hint)

    def _union(self, node: dict[str, Any], at: Location, hint: str) -> ir.Type:
        keyword = "oneOf" if "oneOf" in node else "anyOf"
        raw = node[keyword]
        if not isinstance(raw, list) or not raw:
            self.report.error(at[1] + "/" + keyword, f"`{keyword}` must be a non-empty list", file=at[0])
            return ir.Primitive("any")
        non_null = [i for i, v in enumerate(raw) if not _is_null_schema(v)]
        if self._is_30:
            for i, v in enumerate(raw):
                if i not in non_null and isinstance(v, dict):
                    self._warn_30(v, child(at, keyword, i))
        if len(non_null) == 1:
            # `anyOf: [X, {type: null}]` is X made nullable: X keeps its own name, or the one it stands in for.
            index = non_null[0]
            single = self.lower(raw[index], child(at, keyword, index), hint)
            return single if isinstance(single, ir.NullableType) else ir.NullableType(single)
        flat = self._flatten(raw, child(at, keyword), hint)
        nullable = False
        variants: list[ir.Type] = []
        for variant_node, variant_at, variant_hint in flat:
            if _is_null_schema(variant_node):
                nullable = True
                continue
            lowered = self.lower(variant_node, variant_at, variant_hint)
            if isinstance(lowered, ir.NullableType):
                nullable, lowered = True, lowered.inner
            if lowered == ir.Primitive("none"):
                nullable = True
            elif lowered not in variants:
                variants.append(lowered)
        if not variants:
            return ir.Primitive("none")
        discriminator = self._discriminator(node, flat, at)
        result: ir.Type = variants[0] if len(variants) == 1 else ir.UnionType(tuple(variants), discriminator)
        return ir.NullableType(result) if nullable else result

    def _flatten(self, raw: list[Any], at: Location, hint: str) -> list[tuple[Any, Location, str]]:
        """Variants of a union, with nested plain unions spliced in (``oneOf`` of ``oneOf``s)."""
        out: list[tuple[Any, Location, str]] = []
        for index, variant in enumerate(raw):
            variant_at = child(at, index)
            target, target_at = self.follow(variant, variant_at)
            nested = _plain_union(target)
            if nested is not None and not _is_nullable(target):
                inner_hint = self._component_names.get(target_at) or hint
                out.extend(self._flatten(target[nested], child(target_at, nested), inner_hint))
                continue
            out.append((variant, variant_at, hint + self._variant_suffix(target, index)))
        return out

    def _variant_suffix(self, node: Any, index: int) -> str:
        if isinstance(node, dict):
            tag = _tag_of(node)
            if tag is not None:
                return pascal(str(tag))
            if isinstance(node.get("title"), str):
                return pascal(node["title"])
        return f"Variant{index + 1}"

    def _discriminator(self, node: dict[str, Any], flat: list[tuple[Any, Location, str]], at: Location) -> str | None:
        explicit = node.get("discriminator")
        if isinstance(explicit, dict) and isinstance(explicit.get("propertyName"), str):
            if self._explicit_discriminator(explicit["propertyName"], explicit.get("mapping"), flat, child(at, "discriminator", "mapping")):
                return str(explicit["propertyName"])
        objects = []
        for variant, variant_at, _ in flat:
            target, target_at = self.follow(variant, variant_at)
            if not isinstance(target, dict) or _types(target) == {"null"}:
                continue
            objects.append(self.collect(target, target_at))
        if len(objects) < 2:
            return None
        explicit = node.get("discriminator")
        candidates = [explicit["propertyName"]] if isinstance(explicit, dict) and isinstance(explicit.get("propertyName"), str) else list(objects[0].properties)
        for name in candidates:
            tags = []
            for obj in objects:
                prop = obj.properties.get(name)
                tag = _tag_of_property(self.follow(*prop)[0]) if prop else None
                if tag is None or name not in obj.required:
                    break
                tags.append(tag)
            else:
                if len(set(tags)) == len(tags):
                    return name
        return None

    def _explicit_discriminator(self, name: str, mapping: Any, flat: list[tuple[Any, Location, str]], at: Location) -> bool:
        """Tag every variant model of a union with a ``discriminator`` keyword; False if one cannot be.

        A variant's values are the ``mapping`` keys that point to it, else its own ``const``/``enum``
        for the property, else (the OpenAPI default) its component name. The property's type in
        the model becomes a ``Literal`` of them, which is what a tagged union needs to dispatch on.
        """
        mapped: dict[Location, list[str | int | bool]] = {}
        for tag, ref in mapping.items() if isinstance(mapping, dict) else ():
            if not isinstance(ref, str):
                continue
            if "#" not in ref and "/" not in ref and not ref.endswith((".yaml", ".yml", ".json")):
                ref = "#/components/schemas/" + escape_pointer_token(ref)  # a bare schema name
            try:
                target_at = self.resolver.follow_strict({"$ref": ref}, child(at, str(tag)))[1]
            except SpecError as exc:
                # Only a hint (the union's members are listed anyway; a tag then comes from the member):
                # an entry that points nowhere is left out, not the spec (digitalocean's names a file it does not ship).
                problem = exc.problems[0]
                self.report.warn(problem.pointer.removesuffix("/$ref"), problem.message + "; this mapping entry is ignored", problem.hint, file=problem.file)
                continue
            mapped.setdefault(target_at, []).append(str(tag))
        plan: dict[Location, list[str | int | bool]] = {}
        for variant, variant_at, _ in flat:
            if _is_null_schema(variant):
                continue
            target, target_at = self.follow(variant, variant_at)
            definition = self.defs.get(target_at)
            if not isinstance(target, dict) or definition is None or definition.kind != "model":
                return False
            prop = self.collect(target, target_at).properties.get(name)
            own = _tag_values(self.follow(*prop)[0]) if prop else None
            implicit = _component_key(target_at[1])
            tags = mapped.get(target_at) or own or ([implicit] if implicit is not None else None)
            if not tags:
                return False
            plan[target_at] = list(tags)
        every = [tag for tags in plan.values() for tag in tags]
        if len(plan) < 2 or len(set(every)) != len(every):
            return False
        for target_at, tags in plan.items():
            known = self._tags.setdefault(target_at, {}).setdefault(name, [])
            known.extend(tag for tag in tags if tag not in known)
            if self.defs[target_at].filled:
                self._apply_tags(self.defs[target_at])
        return True

    def _apply_tags(self, definition: _Def) -> None:
        """Give a model's discriminator properties the ``Literal`` type of their tag values."""
        fields = list(definition.fields)
        for wire, tags in self._tags.get(definition.location, {}).items():
            tag_type = ir.LiteralType(tuple(tags))
            index = next((i for i, f in enumerate(fields) if f.wire_name == wire), None)
            if index is None:
                name = field_names([wire], taken={f.name for f in fields})[wire]
                fields.append(ir.Field(name=name, wire_name=wire, type=tag_type, required=True))
            else:
                fields[index] = replace(fields[index], type=tag_type, required=True)
        definition.fields = tuple(fields)

    # --- objects ----------------------------------------------------------------------

    def collect(self, node: dict[str, Any], at: Location, depth: int = 0) -> _Object:
        """Properties of an object schema with every ``allOf`` part merged in, in order."""
        if depth > 64:
            raise SpecError([self.report.problem(at[1], "`allOf` nested too deeply", file=at[0])])
        result = _Object()
        if "$ref" in node and not self._is_30:
            target, target_at = self.follow(node, at)
            if isinstance(target, dict):
                _merge(result, self.collect(target, target_at, depth + 1))
        for index, part in enumerate(node.get("allOf") or ()):
            part_node, part_at = self.follow(part, child(at, "allOf", index))
            if isinstance(part_node, dict):
                _merge(result, self.collect(part_node, part_at, depth + 1))
        properties = node.get("properties")
        if isinstance(properties, dict):
            for wire, schema in properties.items():
                if schema is False:
                    if self._is_30:
                        self._warn_boolean(child(at, "properties", str(wire)))
                    continue  # a property that must not be there: neither a field nor an argument
                result.properties[str(wire)] = (schema, child(at, "properties", str(wire)))
        elif properties is not None:
            self.report.error(at[1] + "/properties", "`properties` must be an object", file=at[0])
        required = node.get("required")
        if isinstance(required, list):
            result.required.extend(str(r) for r in required if str(r) not in result.required)
        result.required.extend(r for r in _required_alternatives(node) or () if r not in result.required)
        extra = _extra_properties(node)
        if extra is False:
            result.extra_forbidden = True
        elif isinstance(extra, dict) and extra:
            result.extra = (extra, child(at, "additionalProperties" if "additionalProperties" in node else "unevaluatedProperties"))
        return result

    def _fill_model(self, definition: _Def, node: dict[str, Any], at: Location) -> None:
        obj = self.collect(node, at)
        names = field_names(obj.properties)
        fields = []
        for wire, (schema, schema_at) in obj.properties.items():
            target = self.follow(schema, schema_at)[0] if isinstance(schema, dict) else {}
            target = target if isinstance(target, dict) else {}
            source = schema if isinstance(schema, dict) else {}
            description = self.description_of(schema, schema_at)
            default = self.default_of(schema, schema_at)
            example = self.example_of(schema, schema_at)
            name = names[wire]
            fields.append(
                ir.Field(
                    name=name,
                    wire_name=wire,
                    type=self.lower(schema, schema_at, definition.name + pascal(wire)),
                    required=wire in obj.required,
                    description=description,
                    default=default,
                    example=example,
                    read_only=bool(source.get("readOnly") or target.get("readOnly")),
                    write_only=bool(source.get("writeOnly") or target.get("writeOnly")),
                    deprecated=bool(source.get("deprecated") or target.get("deprecated")),
                )
            )
        for wire in obj.required:
            if wire not in obj.properties and obj.extra is None and not node.get("allOf"):
                self.report.warn(at[1] + "/required", f"required property {wire!r} is not in `properties`", file=at[0])
        definition.fields = tuple(fields)
        definition.filled = True
        self._apply_tags(definition)
        if obj.extra is not None:
            definition.extra = self.lower(obj.extra[0], obj.extra[1], definition.name + "Value")


# Below MAX_SCHEMA_DEPTH nested schemas (about six Python frames each) lowering stays well
# inside Python's default recursion limit; real specs nest fewer than 20.
MAX_SCHEMA_DEPTH = 100
_NOT_SCHEMAS = {section: kind for section, kind in COMPONENT_KINDS.items() if section != "schemas"}


def _json_schema_of_response(node: Any) -> tuple[str | None, Any]:
    """A response object's JSON media type and the schema it gives, or None for what it lacks."""
    content = node.get("content") if isinstance(node, dict) else None
    if not isinstance(content, dict):
        return None, None
    media = preferred(map(str, content), "json")
    found = content[media] if media is not None else None
    return media, found.get("schema") if isinstance(found, dict) else None


def _not_a_schema(node: Any, ptr: str) -> str | None:
    """What a ``$ref`` target is when it plainly is not a schema (for the error), else None."""
    if isinstance(node, bool):
        return None
    if not isinstance(node, dict):
        return kind_of(node)
    tokens = ptr.split("/")[1:]
    if len(tokens) == 3 and tokens[0] == "components" and tokens[1] in _NOT_SCHEMAS:
        return _NOT_SCHEMAS[tokens[1]]
    if len(tokens) in {2, 3} and tokens[0] == "paths":
        return "a path item" if len(tokens) == 2 else "an operation"
    if tokens and tokens[0] in {"info", "servers", "security", "tags", "externalDocs"}:
        return f"`/{tokens[0]}`"
    return None


def _merge(into: _Object, other: _Object) -> None:
    into.properties.update(other.properties)
    into.required.extend(r for r in other.required if r not in into.required)
    into.extra = other.extra or into.extra
    into.extra_forbidden = into.extra_forbidden or other.extra_forbidden


def _types(node: dict[str, Any]) -> set[str]:
    value = node.get("type")
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {str(v) for v in value}
    return set()


def _extra_properties(node: dict[str, Any]) -> Any:
    """What properties beyond ``properties`` must be: ``additionalProperties``, else 2020-12's
    ``unevaluatedProperties`` (the same where nothing else evaluates them), else None."""
    if "additionalProperties" in node:
        return node["additionalProperties"]
    return node.get("unevaluatedProperties")


def _object_siblings(node: dict[str, Any]) -> bool:
    """Whether keywords beside a ``$ref`` add properties or requirements to the object it names."""
    return isinstance(node.get("properties"), dict) and bool(node["properties"]) or isinstance(node.get("required"), list) and bool(node["required"])


def _const_type(value: Any) -> ir.Type:
    """``const`` of any JSON value: a ``Literal`` of a scalar, else the value's JSON type."""
    if value is None:
        return ir.Primitive("none")
    if isinstance(value, (str, int, float, bool)):
        return ir.LiteralType((value,))
    if isinstance(value, dict):
        return ir.MapType(ir.Primitive("any"))
    return ir.ListType(ir.Primitive("any"))


def _implied_type(node: dict[str, Any]) -> str | None:
    if "properties" in node or "additionalProperties" in node or "unevaluatedProperties" in node or "propertyNames" in node:
        return "object"
    if "items" in node or "prefixItems" in node:
        return "array"
    return None


def _is_nullable(node: dict[str, Any]) -> bool:
    return node.get("nullable") is True or "null" in _types(node) and len(_types(node)) > 1


def _is_null_schema(node: Any) -> bool:
    return isinstance(node, dict) and "$ref" not in node and (_types(node) == {"null"} or node.get("enum") == [None])


def _only_annotations(node: Any) -> bool:
    return isinstance(node, dict) and "$ref" not in node and set(node) <= _ANNOTATIONS


# What a `oneOf`/`anyOf` member beside `properties` may say and still be only a choice of which of those
# properties are required (`anyOf: [{required: [file_ids]}, {required: [files]}]`).
_FRAGMENT_KEYS = frozenset({"required", "properties", "additionalProperties", "type", "title", "description", "not", "minProperties", "maxProperties"})


def _required_alternatives(node: dict[str, Any]) -> list[str] | None:
    """For an object whose ``oneOf``/``anyOf`` members only choose among its own properties (which are
    required, or a narrower value for one), what every member requires; None for any other union.

    Such an object is a model with its properties (a body of keyword arguments, not one opaque value):
    a property some members require and others don't is optional, as the server decides between them.
    """
    properties = node.get("properties")
    keyword = "oneOf" if "oneOf" in node else "anyOf" if "anyOf" in node else None
    if keyword is None or not isinstance(properties, dict) or not properties:
        return None
    members = node[keyword]
    if not isinstance(members, list) or not members:
        return None
    common: list[str] | None = None
    for member in members:
        if not isinstance(member, dict) or not all(k in _FRAGMENT_KEYS or str(k).startswith("x-") for k in member):
            return None
        if member.get("type", "object") != "object" or not set(member.get("properties") or {}) <= set(properties):
            return None
        required = member.get("required") or []
        if not isinstance(required, list) or not {str(r) for r in required} <= set(properties):
            return None
        names = [str(r) for r in required]
        common = names if common is None else [r for r in common if r in names]
    return common


def _plain_union(node: Any) -> str | None:
    if not isinstance(node, dict) or "properties" in node or "allOf" in node or "discriminator" in node:
        return None
    for keyword in ("oneOf", "anyOf"):
        if isinstance(node.get(keyword), list) and node[keyword]:
            return keyword
    return None


def _tag_of_property(node: Any) -> str | int | bool | None:
    if not isinstance(node, dict):
        return None
    if "const" in node and isinstance(node["const"], (str, int, bool)):
        return node["const"]  # type: ignore[no-any-return]
    enum = node.get("enum")
    if isinstance(enum, list) and len(enum) == 1 and isinstance(enum[0], (str, int, bool)):
        return enum[0]  # type: ignore[no-any-return]
    return None


def _tag_values(node: Any) -> list[str | int | bool] | None:
    """The values a discriminator property allows by its own ``const`` or ``enum``."""
    if not isinstance(node, dict):
        return None
    if "const" in node:
        values = [node["const"]]
    elif isinstance(node.get("enum"), list):
        values = node["enum"]
    else:
        return None
    if not values or not all(isinstance(v, (str, int, bool)) for v in values):
        return None
    return list(dict.fromkeys(values))


def _component_key(ptr: str) -> str | None:
    """``Cat`` for ``/components/schemas/Cat``: the implicit discriminator value of a component."""
    prefix = "/components/schemas/"
    if not ptr.startswith(prefix) or "/" in ptr[len(prefix) :]:
        return None
    return unescape_pointer_token(ptr[len(prefix) :])


def _tag_of(node: dict[str, Any]) -> str | int | bool | None:
    """The constant ``type``/``event``/``object`` value an object variant is recognised by."""
    properties = node.get("properties")
    if not isinstance(properties, dict):
        return None
    for key in ("type", "event", "object", "kind"):
        tag = _tag_of_property(properties.get(key))
        if tag is not None:
            return tag
    return None


_CONSTRAINT_KEYWORDS = frozenset(
    {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength", "pattern", "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties"}
)
_NO_CONSTRAINTS = ir.Constraints()


def _constraints(node: dict[str, Any]) -> ir.Constraints:
    if _CONSTRAINT_KEYWORDS.isdisjoint(node):
        return _NO_CONSTRAINTS  # most schemas: skip looking up thirteen keywords one by one
    return _stated_constraints(node)


def _stated_constraints(node: dict[str, Any]) -> ir.Constraints:
    def number(key: str) -> float | None:
        value = node.get(key)
        return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    def integer(key: str) -> int | None:
        value = node.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    exclusive_min, exclusive_max = number("exclusiveMinimum"), number("exclusiveMaximum")
    minimum, maximum = number("minimum"), number("maximum")
    # OpenAPI 3.0 writes exclusiveMinimum as a boolean modifier of minimum.
    if node.get("exclusiveMinimum") is True and minimum is not None:
        exclusive_min, minimum = minimum, None
    if node.get("exclusiveMaximum") is True and maximum is not None:
        exclusive_max, maximum = maximum, None
    pattern = node.get("pattern")
    return ir.Constraints(
        minimum=minimum,
        maximum=maximum,
        exclusive_minimum=exclusive_min,
        exclusive_maximum=exclusive_max,
        multiple_of=number("multipleOf"),
        min_length=integer("minLength"),
        max_length=integer("maxLength"),
        pattern=pattern if isinstance(pattern, str) else None,
        min_items=integer("minItems"),
        max_items=integer("maxItems"),
        unique_items=node.get("uniqueItems") is True,
        min_properties=integer("minProperties"),
        max_properties=integer("maxProperties"),
    )


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _name_from_pointer(ptr: str) -> str:
    tokens = [t for t in ptr.split("/") if t and t not in {"components", "schemas", "properties", "items", "content", "$defs", "definitions"}]
    return "".join(pascal(t) for t in tokens[-2:]) or "Model"
