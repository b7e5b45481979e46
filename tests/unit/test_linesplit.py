"""linesplit must split exactly as black does, or decline."""

from __future__ import annotations

import keyword
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.client.format import format_source
from generator.client.linesplit import split_element, split_statement
from generator.client.literals import py_literal


def black_lines(line: str, line_length: int) -> list[str]:
    """What black makes of ``line`` standing as an element of a call (or of a dict, for a dict item), re-indented."""
    indent = len(line) - len(line.lstrip(" "))
    head, tail = ("x = {", "}") if line.lstrip().startswith('"') else ("x = _(", ")")
    source = f"{head}\n    {line.strip()}\n{tail}\n"
    formatted = format_source(source, line_length - indent + 4).rstrip("\n").split("\n")[1:-1]
    return [" " * (indent - 4) + part if part else part for part in formatted]


scalars = st.one_of(
    st.text(alphabet=string.ascii_letters + string.digits + " _-.'\"\\/[]{}()*:,", max_size=24),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.none(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.dictionaries(st.text(alphabet=string.ascii_lowercase + "_", min_size=1, max_size=12), inner, max_size=5),
    ),
    max_leaves=40,
)


def element(shape: int, value: object) -> str:
    literal = py_literal(value)
    if shape == 0:
        return f"rule=(rule, {literal}),"
    if shape == 1:
        return f"rule={literal},"
    if shape == 2:
        return f"validation=dict(rule=(rule, {literal})),"
    return f"{literal},"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=values, shape=st.integers(0, 3), depth=st.integers(1, 12), line_length=st.integers(40, 120))
def test_split_element_matches_black(value: object, shape: int, depth: int, line_length: int) -> None:
    line = " " * (4 * depth) + element(shape, value)
    ours = split_element(line, line_length)
    # Plain literals in these shapes are the subset linesplit exists for: it must not decline them.
    assert ours is not None
    assert ours == black_lines(line, line_length)


@pytest.mark.parametrize(
    "line",
    [
        # fits: unchanged
        '        a=(a, {"enum": ["x", "y"]}),',
        # a display with several elements explodes, one per line, with a trailing comma
        '        tools=(tools, {"items": {"variants": [{"kind": "string"}, {"kind": "array", "rule": {"minItems": 1}}]}}),',
        # one element: no trailing comma is added, the inner display is split instead
        '        include=(include, {"items": {"enum": ["step_details.tool_calls[*].file_search.results[*].content"]}}),',
        # a call's arguments stay on one line when they fit, unlike a display's elements
        '        validation=dict(alpha=(alpha, {"minimum": 0}), beta=(beta, {"maximum": 1}), gamma=(gamma, {"enum": [1, 2]})),',
        # empty pairs are never split
        '                                    "properties": {"a": {}, "b": [], "c": {"enum": ["aaaaaaaaaaaaaaaaaaaaaaa"]}},',
        # a head longer than the line: black keeps the split at the one bracket pair there is
        " " * 90 + '"a_rather_long_key_name": {"enum": ["one", "two"]},',
        # nothing to split at: the line stays long
        "        " + "A" * 100 + " as " + "A" * 100 + ",",
        # a subscript is a trailer: its body stays on one line when it fits
        "        cast_to=Annotated[Union[" + ", ".join(f"Type{i}" for i in range(20)) + "], Keep],",
    ],
)
def test_known_shapes(line: str) -> None:
    ours = split_element(line, 100)
    assert ours is not None
    assert ours == black_lines(line, 100)


@pytest.mark.parametrize(
    "line",
    [
        "        x=(a if b else c, " + "d" * 100 + "),",  # an operator black splits at
        "        x=(" + '"a" "b", ' * 20 + "),",  # implicit concatenation
        "        x=(" + '"é", ' * 40 + "),",  # wide characters are black's to measure
        "        x=[" + "a, " * 40 + "b,],",  # a magic trailing comma
        "        x=(" + "a" * 100 + ") + 1,",  # an operator
        "        x=(" + "a" * 100 + "),",  # redundant parentheses
    ],
)
def test_declines_what_it_does_not_know(line: str) -> None:
    assert split_element(line, 100) is None


# --- annotations: a def's parameters and annotated assignments --------------------------

names = st.text(alphabet=string.ascii_letters, min_size=1, max_size=40).filter(lambda n: not keyword.iskeyword(n))


def annotations() -> st.SearchStrategy[str]:
    leaf = st.one_of(
        names,
        st.lists(st.text(alphabet=string.ascii_lowercase + "-._", max_size=30), min_size=1, max_size=8).map(
            lambda values: "Literal[" + ", ".join(py_literal(v) for v in values) + "]"
        ),
        names.map(lambda n: f'Field(discriminator="{n}")'),
    )
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.tuples(names, st.lists(inner, min_size=1, max_size=5)).map(lambda t: f"{t[0]}[{', '.join(t[1])}]"),
            st.lists(inner, min_size=2, max_size=4).map(" | ".join),
        ),
        max_leaves=25,
    )


def black_statement(line: str, line_length: int) -> list[str]:
    indent = len(line) - len(line.lstrip(" "))
    formatted = format_source(line.strip() + "\n", line_length - indent).rstrip("\n").split("\n")
    return [" " * indent + part if part else part for part in formatted]


def black_parameter(line: str, line_length: int) -> list[str]:
    indent = len(line) - len(line.lstrip(" "))
    source = "def _(\n    " + line.strip() + "\n): ...\n"
    formatted = format_source(source, line_length - indent + 4).rstrip("\n").split("\n")[1:-1]
    return [" " * (indent - 4) + part if part else part for part in formatted]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=names,
    annotation=annotations(),
    value=st.sampled_from(["", " = None", ' = Field(default=None, alias="some.wire_name")', " = NOT_GIVEN"]),
    alias=st.booleans(),
    depth=st.integers(0, 3),
    line_length=st.integers(60, 120),
)
def test_split_statement_matches_black(name: str, annotation: str, value: str, alias: bool, depth: int, line_length: int) -> None:
    line = " " * (4 * depth) + (f"{name}: TypeAlias = {annotation}" if alias else f"{name}: {annotation}{value}")
    ours = split_statement(line, line_length)
    if ours is not None:  # it may decline (black's second opinion); it must never differ
        assert ours == black_statement(line, line_length)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=names,
    annotation=annotations(),
    default=st.sampled_from(["", " = NOT_GIVEN", " = None"]),
    depth=st.integers(1, 4),
    line_length=st.integers(60, 120),
)
def test_split_parameter_matches_black(name: str, annotation: str, default: str, depth: int, line_length: int) -> None:
    line = " " * (4 * depth) + f"{name}: {annotation}{default},"
    ours = split_element(line, line_length, parameter=True)
    if ours is not None:
        assert ours == black_parameter(line, line_length)


def test_the_generated_annotations_are_within_the_subset() -> None:
    """The shapes the templates write: linesplit must take them, not decline to black."""
    field = "    annotations: list[Annotated[Union[" + ", ".join(f"Annotation{i}Object" for i in range(4)) + '], Field(discriminator="type"), KeepUnknown]] | None = None'
    alias = "AssistantStreamEvent: TypeAlias = Annotated[Union[" + ", ".join(f"Event{i}" for i in range(12)) + '], Field(discriminator="event"), KeepUnknown]'
    parameter = "        tools: Sequence[" + " | ".join(f"AssistantTools{i}Param" for i in range(4)) + "] | None | NotGiven = NOT_GIVEN,"
    assert split_statement(field, 100) == black_statement(field, 100)
    assert split_statement(alias, 100) == black_statement(alias, 100)
    assert split_element(parameter, 100, parameter=True) == black_parameter(parameter, 100)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=names,
    annotation=st.one_of(st.just("dict[str, object]"), annotations()),
    value=st.one_of(st.lists(values, max_size=6), st.dictionaries(st.text(alphabet=string.ascii_lowercase + "_", min_size=1, max_size=12), values, max_size=6)),
    reference=names,
    depth=st.integers(0, 2),
    line_length=st.integers(40, 120),
)
def test_split_statement_with_a_display_value_matches_black(name: str, annotation: str, value: object, reference: str, depth: int, line_length: int) -> None:
    """`_rules.py`'s constants: `Name: dict[str, object] = {...}`, whose values may name other constants."""
    literal = py_literal(value).replace("None", reference)  # a bare name where a value stands, as rules refer to rules
    line = " " * (4 * depth) + f"{name}: {annotation} = {literal}"
    ours = split_statement(line, line_length)
    if ours is not None:
        assert ours == black_statement(line, line_length)
