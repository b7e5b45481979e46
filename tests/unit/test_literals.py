"""Literals are written as black writes them, and mean the value they were made from."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.client.format import format_source
from generator.client.literals import py_literal


def black_of(literal: str) -> str:
    return format_source(f"x = {literal}\n", 10_000)[len("x = ") : -1]


@pytest.mark.parametrize("value", [1e16, 1.0000000272564224e16, 1e-05, 2.5e-300, 1e300, -3.5e22, 0.1, -0.0, 10**20, "a'b", 'a"b', "a'\"b", "é\\"])
def test_black_writes_it_the_same(value: object) -> None:
    assert black_of(py_literal(value)) == py_literal(value)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_floats_round_trip_in_black_style(value: float) -> None:
    literal = py_literal(value)
    assert black_of(literal) == literal
    assert eval(literal) == value and math.copysign(1, eval(literal)) == math.copysign(1, value)
