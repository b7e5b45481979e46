"""Python literals written the way black would write them, so formatting has nothing to change."""

from __future__ import annotations

import math

from generator import escape


def py_str(value: str) -> str:
    """A string literal, as ``escape.literal`` writes it (black's quotes; no unsafe character raw)."""
    return escape.literal(value)


def py_literal(value: object) -> str:
    """Any JSON-like value as Python source."""
    if isinstance(value, str):
        return py_str(value)
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return f'float("{value}")'
        # black writes an exponent without its plus sign: 1e16, not Python's 1e+16.
        return repr(value).replace("e+", "e")
    if isinstance(value, dict):
        return "{" + ", ".join(f"{py_literal(k)}: {py_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(py_literal(v) for v in value) + "]"
    raise TypeError(f"not a JSON-like value: {value!r}")
