"""OpenAPI 3.0/3.1 schemas → self-contained JSON Schema (draft 7) for hypothesis-jsonschema.

hypothesis-jsonschema understands drafts 4–7 and no recursive references, while
OpenAPI documents mix 3.0 and 3.1 idioms. ``response_schema`` takes one schema of an
OpenAPI document (by JSON pointer) and returns plain JSON Schema that describes
what a *response* may contain:

* every ``$ref`` is inlined; a reference cycle is unrolled ``recursion_limit`` times
  and then cut with the empty schema ``{"not": {}}``, which removes the branch
  (a union member, a non-required property, list items) that would recurse further;
  ``$recursiveRef: "#"`` (draft 2019-09) means the enclosing ``$recursiveAnchor``
  schema and is unrolled the same way;
* ``nullable: true`` (3.0) becomes a type list with ``"null"`` or ``anyOf [.., null]``;
* a schema without ``type`` gets the one its keywords imply (``properties`` → object,
  ``items`` → array): OpenAPI tools, the generator included, read it so, while JSON
  Schema alone would let values of every other type through;
* ``exclusiveMinimum: true`` (3.0, with ``minimum``) becomes the numeric 3.1 form;
* a ``discriminator`` makes its property required in every variant, restricted to
  the tags that select that variant (``mapping`` keys, else the component name when
  the variant does not fix the value itself), as OpenAPI defines it;
* ``writeOnly`` properties are removed (a response never contains them);
* annotations and OpenAPI-only keywords (``example``, ``x-*``, ``discriminator``,
  ``default``, ``readOnly``…) and unknown keywords are dropped.

Every instance of the result is a valid instance of the OpenAPI schema.
"""

from __future__ import annotations

import copy
from typing import Any

NEVER: dict[str, Any] = {"not": {}}
"""The schema no value satisfies."""

# JSON Schema keywords kept as they are (values that are not schemas).
_PLAIN = frozenset(
    {
        "type",
        "enum",
        "const",
        "format",
        "multipleOf",
        "maximum",
        "minimum",
        "exclusiveMaximum",
        "exclusiveMinimum",
        "maxLength",
        "minLength",
        "pattern",
        "maxItems",
        "minItems",
        "uniqueItems",
        "maxProperties",
        "minProperties",
        "required",
    }
)
_ONE_SCHEMA = ("items", "additionalProperties", "propertyNames", "not", "contains")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
_SCHEMA_MAPS = ("properties", "patternProperties")


class Converter:
    """Converts schemas of one OpenAPI document; keeps no state between calls but the document."""

    def __init__(self, document: dict[str, Any], *, recursion_limit: int = 1):
        self.document = document
        self.recursion_limit = recursion_limit

    # --- entry point ---------------------------------------------------------------------

    def response_schema(self, pointer: str) -> dict[str, Any]:
        return self._convert(self.resolve(pointer), (pointer,), anchor=None)

    def resolve(self, pointer: str) -> Any:
        node: Any = self.document
        for part in pointer.lstrip("#").split("/")[1:]:
            part = part.replace("~1", "/").replace("~0", "~")
            node = node[int(part)] if isinstance(node, list) else node[part]
        return node

    # --- the conversion ------------------------------------------------------------------

    def _follow(self, pointer: str, stack: tuple[str, ...], anchor: str | None) -> dict[str, Any]:
        if stack.count(pointer) > self.recursion_limit:
            return dict(NEVER)
        return self._convert(self.resolve(pointer), (*stack, pointer), anchor)

    def _convert(self, node: Any, stack: tuple[str, ...], anchor: str | None) -> dict[str, Any]:
        if node is True:
            return {}
        if node is False:
            return dict(NEVER)
        if not isinstance(node, dict):
            raise TypeError(f"not a schema: {node!r} at {stack[-1]}")
        if node.get("$recursiveAnchor") is True:
            anchor = stack[-1]

        parts: list[dict[str, Any]] = []
        if "$ref" in node:
            ref = node["$ref"]
            if not ref.startswith("#/"):
                raise ValueError(f"external reference {ref!r} is not supported")
            parts.append(self._follow(ref[1:], stack, anchor))
        if "$recursiveRef" in node:
            if node["$recursiveRef"] != "#" or anchor is None:
                raise ValueError(f"unsupported $recursiveRef at {stack[-1]}")
            parts.append(self._follow(anchor, stack, anchor))

        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in _PLAIN:
                out[key] = copy.deepcopy(value)
            elif key in _ONE_SCHEMA:
                out[key] = self._convert(value, stack, anchor)
            elif key in _SCHEMA_LISTS:
                out[key] = [self._convert(v, stack, anchor) for v in value]
            elif key in _SCHEMA_MAPS:
                out[key] = {
                    name: self._convert(v, stack, anchor)
                    for name, v in value.items()
                    if not (isinstance(v, dict) and v.get("writeOnly") is True)
                }
            # Everything else is an annotation, OpenAPI-only or unknown: dropped.

        if "type" not in out:
            implied = _implied_type(node)
            if implied is not None:
                out["type"] = implied
        write_only = {name for name, v in (node.get("properties") or {}).items() if isinstance(v, dict) and v.get("writeOnly") is True}
        if write_only and "required" in out:
            out["required"] = [name for name in out["required"] if name not in write_only]
        _exclusive_bounds(out)
        if isinstance(node.get("discriminator"), dict):
            self._apply_discriminator(node, out)

        if parts:
            result = parts[0] if not out and len(parts) == 1 else {"allOf": [*parts, out] if out else parts}
        else:
            result = out
        if node.get("nullable") is True:
            result = _nullable(result)
        return result

    def _apply_discriminator(self, node: dict[str, Any], out: dict[str, Any]) -> None:
        prop = node["discriminator"]["propertyName"]
        mapping: dict[str, str] = node["discriminator"].get("mapping") or {}
        for key in ("oneOf", "anyOf"):
            if key not in node:
                continue
            variants = []
            for raw, converted in zip(node[key], out[key]):
                tag: dict[str, Any] = {"required": [prop]}
                ref = raw.get("$ref") if isinstance(raw, dict) else None
                if ref is not None:
                    values = [value for value, target in mapping.items() if target == ref]
                    if not values and not _fixes(converted, prop):
                        values = [ref.rsplit("/", 1)[1]]
                    if values:
                        tag["properties"] = {prop: {"enum": values}}
                if isinstance(raw, dict) and raw.get("type") == "null":
                    variants.append(converted)
                else:
                    variants.append({"allOf": [converted, tag]})
            out[key] = variants


def _fixes(schema: dict[str, Any], prop: str) -> bool:
    """Whether ``schema`` restricts ``prop`` to listed values (``enum``/``const``) somewhere."""
    if not isinstance(schema, dict):
        return False
    target = (schema.get("properties") or {}).get(prop)
    if isinstance(target, dict) and _has_values(target):
        return True
    return any(_fixes(part, prop) for part in schema.get("allOf", []))


def _has_values(schema: dict[str, Any]) -> bool:
    if "enum" in schema or "const" in schema:
        return True
    branches = [s for s in schema.get("anyOf", []) + schema.get("oneOf", []) if s.get("type") != "null"]
    return bool(branches) and all(_has_values(s) for s in branches) or any(_has_values(s) for s in schema.get("allOf", []))


def _implied_type(node: dict[str, Any]) -> str | None:
    """The type a schema without ``type`` means by its keywords, as OpenAPI tools read it."""
    if "properties" in node or "additionalProperties" in node or "propertyNames" in node:
        return "object"
    if "items" in node:
        return "array"
    return None


def _exclusive_bounds(out: dict[str, Any]) -> None:
    for exclusive, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        value = out.get(exclusive)
        if isinstance(value, bool):  # OpenAPI 3.0: a flag on minimum/maximum
            del out[exclusive]
            if value and bound in out:
                out[exclusive] = out.pop(bound)


_TYPE_ONLY = _PLAIN - {"required"} | {"items", "additionalProperties", "properties", "patternProperties", "propertyNames"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` or null."""
    if schema == NEVER:
        return {"type": "null"}
    types = schema.get("type")
    if types is not None and set(schema) <= _TYPE_ONLY and "const" not in schema:
        out = dict(schema)
        types = [types] if isinstance(types, str) else list(types)
        out["type"] = types if "null" in types else [*types, "null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
        return out
    return {"anyOf": [schema, {"type": "null"}]}
