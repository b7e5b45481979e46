"""_validation.check: every rule, the message format, and what is deliberately skipped."""

from __future__ import annotations

import enum
from typing import Any

import pytest

from generator.client.runtime._types import NOT_GIVEN
from generator.client.runtime._validation import check


def error_of(name: str, value: Any, rule: dict[str, Any]) -> str:
    with pytest.raises(ValueError) as info:
        check(name, value, rule)
    return str(info.value)


@pytest.mark.parametrize(
    ("value", "rule", "message"),
    [
        (5, {"maximum": 2}, "temperature: must be <= 2 (got 5)"),
        (-1, {"minimum": 0}, "temperature: must be >= 0 (got -1)"),
        (0, {"exclusiveMinimum": 0}, "temperature: must be > 0 (got 0)"),
        (1.0, {"exclusiveMaximum": 1}, "temperature: must be < 1 (got 1.0)"),
        (0.7, {"multipleOf": 0.5}, "temperature: must be a multiple of 0.5 (got 0.7)"),
        (7, {"multipleOf": 2}, "temperature: must be a multiple of 2 (got 7)"),
    ],
)
def test_number_rules(value: Any, rule: dict[str, Any], message: str) -> None:
    assert error_of("temperature", value, rule) == message


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        (2, {"maximum": 2}),
        (0, {"minimum": 0}),
        (0.1, {"exclusiveMinimum": 0}),
        (0.3, {"multipleOf": 0.1}),  # 0.3 / 0.1 is 2.9999999999999996 in floats
        (6, {"multipleOf": 2}),
    ],
)
def test_number_rules_accept_valid_values(value: Any, rule: dict[str, Any]) -> None:
    check("x", value, rule)


def test_string_rules() -> None:
    assert error_of("tools[3].function.name", "a" * 65, {"maxLength": 64}) == (
        "tools[3].function.name: must be at most 64 characters"
    )
    assert (
        error_of("name", "", {"minLength": 1}) == "name: must be at least 1 characters"
    )
    assert (
        error_of("name", "Bad Name", {"pattern": "^[a-z_]+$"})
        == "name: must match pattern '^[a-z_]+$'"
    )
    check(
        "name", "good_name", {"pattern": "^[a-z_]+$", "maxLength": 64, "minLength": 1}
    )
    # JSON Schema patterns are not anchored.
    check("name", "xx-abc-yy", {"pattern": "abc"})


def test_array_rules() -> None:
    assert (
        error_of("stop", ["a"] * 5, {"maxItems": 4})
        == "stop: must have at most 4 items (got 5)"
    )
    assert (
        error_of("stop", [], {"minItems": 1})
        == "stop: must have at least 1 items (got 0)"
    )
    assert (
        error_of("ids", [1, 2, 1], {"uniqueItems": True})
        == "ids: must not contain duplicate items"
    )
    assert (
        error_of("objs", [{"a": 1}, {"a": 1}], {"uniqueItems": True})
        == "objs: must not contain duplicate items"
    )
    check("ids", [1, True], {"uniqueItems": True})  # true is not 1 in JSON


def test_object_rules() -> None:
    metadata = {f"k{i}": "v" for i in range(17)}
    assert (
        error_of("metadata", metadata, {"maxProperties": 16})
        == "metadata: must have at most 16 keys (got 17)"
    )
    assert (
        error_of("metadata", {}, {"minProperties": 1})
        == "metadata: must have at least 1 keys (got 0)"
    )


def test_enum_rule() -> None:
    rule = {"enum": ["low", "medium", "high"]}
    assert error_of("reasoning_effort", "extreme", rule) == (
        "reasoning_effort: must be one of 'low', 'medium', 'high' (got 'extreme')"
    )
    check("reasoning_effort", "low", rule)

    class Effort(enum.Enum):
        LOW = "low"
        EXTREME = "extreme"

    check("reasoning_effort", Effort.LOW, rule)
    assert "got 'extreme'" in error_of("reasoning_effort", Effort.EXTREME, rule)
    # bool is not a number: True must not pass as 1.
    assert "got True" in error_of("n", True, {"enum": [1, 2]})


def test_nested_rules_name_the_path() -> None:
    rule = {
        "items": {
            "properties": {"function": {"properties": {"name": {"maxLength": 64}}}}
        }
    }
    tools = [{"function": {"name": "ok"}}] * 3 + [{"function": {"name": "x" * 65}}]
    assert (
        error_of("tools", tools, rule)
        == "tools[3].function.name: must be at most 64 characters"
    )
    # A property missing from the mapping is not checked.
    check("tools", [{"function": {}}], rule)


def test_map_keys_and_values() -> None:
    rule = {"keys": {"maxLength": 64}, "values": {"maxLength": 3}}
    long_key = "k" * 65
    message = error_of("metadata", {long_key: "v"}, rule)
    assert message.startswith("metadata['k")
    assert message.endswith("…']: key must be at most 64 characters")
    assert len(message) < 80  # the key is shortened, not printed whole
    assert (
        error_of("metadata", {"a": "long"}, rule)
        == "metadata['a']: must be at most 3 characters"
    )
    check("metadata", {"a": "abc"}, rule)


def test_none_and_not_given_are_never_checked() -> None:
    rule = {"minimum": 1, "minLength": 1, "enum": ["a"], "items": {"minimum": 1}}
    check("x", None, rule)
    check("x", NOT_GIVEN, rule)
    check("xs", [None, NOT_GIVEN], {"items": rule})
    check("m", {"a": None}, {"values": {"minLength": 2}})


def test_rules_for_other_types_are_skipped() -> None:
    # Type mismatches are the type checker's job, not this module's.
    check("x", "a string", {"maximum": 2, "minItems": 3, "maxProperties": 0})
    check("x", 100, {"maxLength": 1, "pattern": "^a$", "maxItems": 0})
    check("x", [1, 2, 3], {"maxLength": 1, "maximum": 0})
    check("x", {"a": 1}, {"maxItems": 0, "maxLength": 0})
    check("flag", True, {"maximum": 0, "minimum": 5})  # bool is not a number
    check("x", b"bytes", {"maxItems": 1})  # bytes are not an array


# --- unions: the member a value can only mean is checked ------------------------------

_TOOLS = {
    "variants": [
        {"kind": "object", "tag": ["type", "code"]},
        {"kind": "object", "tag": ["type", "search"], "rule": {"properties": {"max": {"maximum": 50}}}},
        {"kind": "string", "rule": {"enum": ["auto"]}},
    ]
}


def test_union_member_chosen_by_tag_is_checked() -> None:
    import pytest

    from generator.client.runtime._validation import check

    check("tool", {"type": "search", "max": 50}, _TOOLS)
    check("tool", {"type": "code", "max": 99}, _TOOLS)  # that member has no such rule
    with pytest.raises(ValueError, match=r"^tool\.max: must be <= 50"):
        check("tool", {"type": "search", "max": 51}, _TOOLS)


def test_union_member_chosen_by_kind_is_checked() -> None:
    import pytest

    from generator.client.runtime._validation import check

    check("tool", "auto", _TOOLS)
    with pytest.raises(ValueError, match=r"^tool: must be one of 'auto'"):
        check("tool", "manual", _TOOLS)


def test_union_value_matching_no_member_is_left_to_the_server() -> None:
    from generator.client.runtime._validation import check

    check("tool", {"type": "unknown", "max": 99}, _TOOLS)
    check("tool", 5, _TOOLS)
