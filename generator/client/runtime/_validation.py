"""Client-side checks of parameter constraints declared in the spec.

Only value constraints are checked here; whether a value has the right type is
the type checker's (and the server's) business, so a rule whose value has the
wrong Python type is skipped rather than reported.
"""

from __future__ import annotations

import enum
from collections import abc
import functools
import math
import re
from typing import Any, Callable, Mapping, Sequence, TypeGuard

from ._types import NotGiven

__all__ = ["check"]

# Long map keys are cut in messages so that an error stays one readable line.
_MAX_KEY_IN_MESSAGE = 16


def check(name: str, value: object, rule: Mapping[str, object]) -> None:
    """Raise ValueError("<path>: <what is wrong>") if `value` breaks `rule`."""
    if value is None or isinstance(value, NotGiven):
        return
    if isinstance(value, enum.Enum):
        value = value.value
    problem = _first_problem(value, rule)
    if problem is not None:
        raise ValueError(f"{name}: {problem}")
    _check_children(name, value, rule)


def _first_problem(value: object, rule: Mapping[str, object]) -> str | None:
    for checker, keywords in _CHECKERS:
        if keywords.isdisjoint(rule):
            continue
        problem = checker(value, rule)
        if problem is not None:
            return problem
    return None


def _check_children(name: str, value: object, rule: Mapping[str, object]) -> None:
    variants = rule.get("variants")
    if isinstance(variants, list):
        chosen = _variant_for(value, variants)
        if chosen is not None:
            check(name, value, chosen)
    items, values, keys, properties = (
        rule.get("items"),
        rule.get("values"),
        rule.get("keys"),
        rule.get("properties"),
    )
    if _is_mapping(items) and _is_array(value):
        for index, item in enumerate(value):
            check(f"{name}[{index}]", item, items)
    if not _is_mapping(value):
        return
    if _is_mapping(keys):
        for key in value:
            problem = _first_problem(key, keys)
            if problem is not None:
                raise ValueError(f"{name}[{_short_key(key)}]: key {problem}")
    if _is_mapping(values):
        for key, item in value.items():
            check(f"{name}[{key!r}]", item, values)
    if _is_mapping(properties):
        for prop, prop_rule in properties.items():
            if prop in value and _is_mapping(prop_rule):
                check(f"{name}.{prop}", value[prop], prop_rule)


def _kind_of(value: object) -> str | None:
    if isinstance(value, bool):
        return "boolean"
    if _is_number(value):
        return "number"
    if isinstance(value, str):
        return "string"
    if _is_mapping(value):
        return "object"
    if _is_array(value):
        return "array"
    return None


def _variant_for(value: object, variants: list[object]) -> Mapping[str, object] | None:
    """The one union member a value can only mean: by its JSON kind, then by its tag property.

    When that is not clear, nothing is checked: which member a value stands for is the server's call.
    """
    kind = _kind_of(value)
    candidates = [v for v in variants if _is_mapping(v) and v.get("kind") == kind]
    tagged = [v for v in candidates if isinstance(v.get("tag"), list)]
    if tagged and _is_mapping(value):
        matching = [v for v in tagged if value.get(v["tag"][0]) == v["tag"][1]]
        candidates = matching if matching else []
    if len(candidates) != 1:
        return None
    rule = candidates[0].get("rule")
    return rule if _is_mapping(rule) else None


def _short_key(key: object) -> str:
    if isinstance(key, str) and len(key) > _MAX_KEY_IN_MESSAGE:
        return repr(key[:_MAX_KEY_IN_MESSAGE] + "…")
    return repr(key)


# --- type tests -----------------------------------------------------------------


def _is_number(value: object) -> TypeGuard[int | float]:
    # bool is an int subclass in Python but never a number in JSON Schema.
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# dict, list and tuple are tested first: an ABC's isinstance is ten times slower, and a
# request's arguments are checked on every call.


def _is_mapping(value: object) -> TypeGuard[Mapping[Any, Any]]:
    return isinstance(value, dict) or (
        not isinstance(value, _NEVER_CONTAINERS) and isinstance(value, abc.Mapping)
    )


def _is_array(value: object) -> TypeGuard[Sequence[object]]:
    return isinstance(value, (list, tuple)) or (
        not isinstance(value, (*_NEVER_CONTAINERS, dict))
        and isinstance(value, abc.Sequence)
    )


_NEVER_CONTAINERS = (str, bytes, bytearray, int, float, type(None))


def _number(rule: Mapping[str, object], key: str) -> int | float | None:
    bound = rule.get(key)
    return (
        bound
        if isinstance(bound, (int, float)) and not isinstance(bound, bool)
        else None
    )


def _int(rule: Mapping[str, object], key: str) -> int | None:
    bound = rule.get(key)
    return bound if isinstance(bound, int) and not isinstance(bound, bool) else None


# --- individual rules: each returns a problem description or None ----------------


def _check_number(value: object, rule: Mapping[str, object]) -> str | None:
    if not _is_number(value):
        return None
    bound = _number(rule, "minimum")
    if bound is not None and value < bound:
        return f"must be >= {bound} (got {value})"
    bound = _number(rule, "maximum")
    if bound is not None and value > bound:
        return f"must be <= {bound} (got {value})"
    bound = _number(rule, "exclusiveMinimum")
    if bound is not None and value <= bound:
        return f"must be > {bound} (got {value})"
    bound = _number(rule, "exclusiveMaximum")
    if bound is not None and value >= bound:
        return f"must be < {bound} (got {value})"
    bound = _number(rule, "multipleOf")
    if bound is not None and bound > 0 and not _is_multiple(value, bound):
        return f"must be a multiple of {bound} (got {value})"
    return None


def _is_multiple(value: int | float, divisor: int | float) -> bool:
    if isinstance(value, int) and isinstance(divisor, int):
        return value % divisor == 0
    # Float division is inexact (0.3 / 0.1 == 2.9999999999999996): accept
    # quotients within a relative epsilon of an integer.
    quotient = value / divisor
    return math.isclose(quotient, round(quotient), rel_tol=1e-9, abs_tol=1e-9)


def _check_string(value: object, rule: Mapping[str, object]) -> str | None:
    if not isinstance(value, str):
        return None
    bound = _int(rule, "minLength")
    if bound is not None and len(value) < bound:
        return f"must be at least {bound} characters"
    bound = _int(rule, "maxLength")
    if bound is not None and len(value) > bound:
        return f"must be at most {bound} characters"
    pattern = rule.get("pattern")
    if isinstance(pattern, str):
        compiled = _compiled(pattern)
        if compiled is not None and compiled.search(value) is None:
            return f"must match pattern {pattern!r}"
    return None


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str] | None:
    """The spec's pattern as a Python regex; None for one Python's `re` cannot read (ECMA-262's
    `\\p{L}`, for one): a rule the client cannot check is the server's to check, not a crash."""
    try:
        return re.compile(pattern)
    except re.error:
        return None


def _check_array(value: object, rule: Mapping[str, object]) -> str | None:
    if not _is_array(value):
        return None
    bound = _int(rule, "minItems")
    if bound is not None and len(value) < bound:
        return f"must have at least {bound} items (got {len(value)})"
    bound = _int(rule, "maxItems")
    if bound is not None and len(value) > bound:
        return f"must have at most {bound} items (got {len(value)})"
    if rule.get("uniqueItems") is True and not _all_unique(value):
        return "must not contain duplicate items"
    return None


def _all_unique(items: Sequence[object]) -> bool:
    # Items may be unhashable (dicts); a quadratic scan keeps this general, and
    # arrays with a uniqueItems rule are small in practice.
    seen: list[object] = []
    for item in items:
        if any(_same_json(item, other) for other in seen):
            return False
        seen.append(item)
    return True


def _same_json(a: object, b: object) -> bool:
    # JSON equality: 1 == True in Python, but true is not 1 in JSON.
    return isinstance(a, bool) == isinstance(b, bool) and a == b


def _check_object(value: object, rule: Mapping[str, object]) -> str | None:
    if not _is_mapping(value):
        return None
    bound = _int(rule, "minProperties")
    if bound is not None and len(value) < bound:
        return f"must have at least {bound} keys (got {len(value)})"
    bound = _int(rule, "maxProperties")
    if bound is not None and len(value) > bound:
        return f"must have at most {bound} keys (got {len(value)})"
    return None


def _check_enum(value: object, rule: Mapping[str, object]) -> str | None:
    allowed = rule.get("enum")
    if not _is_array(allowed):
        return None
    if any(_same_json(value, option) for option in allowed):
        return None
    options = ", ".join(repr(option) for option in allowed)
    return f"must be one of {options} (got {value!r})"


# Each checker with the keywords it reads: one a rule does not mention is not called at all.
_CHECKERS: tuple[
    tuple[Callable[[object, Mapping[str, object]], str | None], frozenset[str]], ...
] = (
    (_check_enum, frozenset({"enum"})),
    (
        _check_number,
        frozenset(
            {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}
        ),
    ),
    (_check_string, frozenset({"minLength", "maxLength", "pattern"})),
    (_check_array, frozenset({"minItems", "maxItems", "uniqueItems"})),
    (_check_object, frozenset({"minProperties", "maxProperties"})),
)
