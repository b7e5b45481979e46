"""The OpenAPI → JSON Schema conversion that the round-trip properties draw instances from."""

from __future__ import annotations

from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest

from tests.properties.openapi_jsonschema import NEVER, Converter


def convert(schemas: dict[str, Any], name: str = "X", **options: Any) -> dict[str, Any]:
    return Converter({"components": {"schemas": schemas}}, **options).response_schema(f"/components/schemas/{name}")


def valid(schema: dict[str, Any], value: Any) -> bool:
    jsonschema.Draft7Validator.check_schema(schema)
    return bool(jsonschema.Draft7Validator(schema).is_valid(value))


def test_nullable_becomes_a_null_type_or_a_null_branch() -> None:
    assert convert({"X": {"type": "string", "nullable": True}}) == {"type": ["string", "null"]}
    assert convert({"X": {"type": "string", "enum": ["a"], "nullable": True}}) == {"type": ["string", "null"], "enum": ["a", None]}
    ref = convert({"X": {"$ref": "#/components/schemas/Y", "nullable": True}, "Y": {"type": "integer"}})
    assert ref == {"type": ["integer", "null"]}
    union = convert({"X": {"oneOf": [{"type": "integer"}, {"type": "string"}], "nullable": True}})
    assert valid(union, None) and valid(union, 1) and not valid(union, 1.5)


def test_refs_are_inlined_with_their_sibling_constraints() -> None:
    schema = convert({"X": {"$ref": "#/components/schemas/Y", "minLength": 2, "description": "d"}, "Y": {"type": "string"}})
    assert schema == {"allOf": [{"type": "string"}, {"minLength": 2}]}


def test_openapi_30_exclusive_bounds_become_numbers() -> None:
    schema = convert({"X": {"type": "number", "minimum": 0, "exclusiveMinimum": True, "maximum": 1, "exclusiveMaximum": False}})
    assert schema == {"type": "number", "exclusiveMinimum": 0, "maximum": 1}


def test_annotations_and_openapi_keywords_are_dropped() -> None:
    node = {
        "type": "object",
        "title": "t",
        "example": {},
        "default": {},
        "x-stainless-const": True,
        "readOnly": True,
        "optional": True,
        "properties": {"example": {"type": "string", "default": "a", "x-oaiMeta": {}}},
    }
    assert convert({"X": node}) == {"type": "object", "properties": {"example": {"type": "string"}}}


def test_write_only_properties_are_not_in_responses() -> None:
    node = {"type": "object", "required": ["a", "secret"], "properties": {"a": {"type": "string"}, "secret": {"type": "string", "writeOnly": True}}}
    assert convert({"X": node}) == {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}}


def test_missing_type_is_implied_by_keywords() -> None:
    schema = convert({"X": {"properties": {"a": {"items": {"type": "string"}}}}})
    assert schema == {"type": "object", "properties": {"a": {"type": "array", "items": {"type": "string"}}}}


def test_discriminator_requires_the_tag_of_each_variant() -> None:
    schemas = {
        "X": {
            "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}, {"$ref": "#/components/schemas/Fish"}],
            "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat", "kitty": "#/components/schemas/Cat"}},
        },
        "Cat": {"type": "object", "properties": {"kind": {"type": "string"}}},
        "Dog": {"type": "object", "properties": {"kind": {"type": "string"}}},
        "Fish": {"type": "object", "properties": {"kind": {"type": "string", "enum": ["fish"]}}},
    }
    schema = convert(schemas)
    assert valid(schema, {"kind": "kitty"}) and valid(schema, {"kind": "Dog"}) and valid(schema, {"kind": "fish"})
    assert not valid(schema, {}) and not valid(schema, {"kind": "dog"}) and not valid(schema, {"kind": "Cat"})


def test_recursion_is_unrolled_then_cut() -> None:
    schemas = {"X": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/X"}}}}
    once = convert(schemas, recursion_limit=1)
    assert once == {"type": "object", "properties": {"next": {"type": "object", "properties": {"next": NEVER}}}}
    assert valid(once, {"next": {}}) and not valid(once, {"next": {"next": {}}})


def test_recursive_ref_means_the_recursive_anchor() -> None:
    schemas = {
        "X": {
            "$recursiveAnchor": True,
            "type": "object",
            "properties": {"filters": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"$recursiveRef": "#"}]}}},
        }
    }
    schema = convert(schemas)
    assert valid(schema, {"filters": ["a", {"filters": ["b"]}]})
    assert not valid(schema, {"filters": [{"filters": [{"filters": []}]}]})  # cut after one level
    with pytest.raises(ValueError, match="recursiveRef"):
        convert({"X": {"type": "array", "items": {"$recursiveRef": "#"}}})
