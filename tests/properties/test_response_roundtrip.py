"""Property-based round trip of response types against the spec's own schemas.

For a deterministic sample of the full OpenAI spec's response types (models spread
over the sorted list, a few named ones, a few union/enum/list aliases), Hypothesis
draws valid instances of each type's schema (converted to plain JSON Schema, see
``openapi_jsonschema``) with hypothesis-jsonschema, and checks that each instance

* parses into the generated class, from Python data and from JSON (the client's path),
* and serialises back to the same JSON: ``to_dict()``, ``to_json()`` and, for aliases,
  ``TypeAdapter.dump_python(mode="json", by_alias=True, exclude_unset=True)``.

"The same JSON" is JSON's data model: objects compare by key set and values, numbers by
value (``1`` and ``1.0`` are one JSON number; a ``number`` property is a binary64 float,
so ints beyond 2**53 compare after rounding to one, as any JSON parser reads them),
booleans are not numbers. Nothing is added: a property the instance omits must stay
omitted even if its schema has a ``default`` (``exclude_unset``), and unknown properties
of open objects must come back unchanged (the models keep extras).
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pydantic
import pytest
import yaml  # type: ignore[import-untyped]

from generator import ir
from generator.pipeline import generate
from generator.write import write_tree
from tests.conftest import CREATE_RUN, target_for
from tests.properties import hypothesis_compat
from tests.properties.openapi_jsonschema import Converter

hypothesis_jsonschema = pytest.importorskip("hypothesis_jsonschema")

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402

EXAMPLES = 15
SPREAD = 60  # models spread evenly over the sorted response models
NAMED = ("RunObject", "Response", "CreateChatCompletionResponse")
MIN_TESTED = 40
MAX_ITEMS = 3  # arrays are drawn with at most this many items (or their minItems): long lists test nothing more

# A valid-but-small stand-in for "any JSON value" (extras of open objects, untyped values):
# hypothesis-jsonschema's own draws deep documents, which dominates the run time.
_SCALAR = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
ANY_JSON = _SCALAR | st.lists(_SCALAR, max_size=3) | st.dictionaries(st.text(max_size=8), _SCALAR, max_size=3)

SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=(Phase.explicit, Phase.generate),  # no shrinking: failures print the drawn instance
    suppress_health_check=list(HealthCheck),
)

# Sampled types whose round trip fails because of a generator bug, by type name: "BUG: ..." reason.
# Their cases are strict xfails, so a fix turns them into failures that ask to remove the entry.
KNOWN_BUGS: dict[str, str] = {}

hypothesis_compat.install()
hypothesis_compat.speed_up(any_json=ANY_JSON)

pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")


# --- comparing JSON ----------------------------------------------------------------------


def json_difference(expected: Any, actual: Any, path: str = "$") -> str | None:
    """Where ``actual`` differs from ``expected`` as JSON, or None if they are the same JSON."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        same = type(expected) is type(actual) and expected == actual
    elif isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        try:
            same = expected == actual if isinstance(expected, int) and isinstance(actual, int) else float(expected) == float(actual)
        except OverflowError:  # an int no binary64 float can hold
            same = False
    elif isinstance(expected, dict) and isinstance(actual, dict):
        missing, added = expected.keys() - actual.keys(), actual.keys() - expected.keys()
        if missing or added:
            return f"{path}: keys missing {sorted(missing)!r}, added {sorted(added)!r}"
        for key in expected:
            found = json_difference(expected[key], actual[key], f"{path}[{key!r}]")
            if found:
                return found
        return None
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return f"{path}: {len(expected)} items became {len(actual)}"
        for index, (e, a) in enumerate(zip(expected, actual)):
            found = json_difference(e, a, f"{path}[{index}]")
            if found:
                return found
        return None
    else:
        same = type(expected) is type(actual) and expected == actual
    return None if same else f"{path}: {expected!r} became {actual!r}"


def test_json_difference_means_json_equality() -> None:
    assert json_difference({"a": [1, 2.0, None, "x"]}, {"a": [1.0, 2, None, "x"]}) is None
    assert json_difference(2**60 + 1, float(2**60)) is None  # a number property is a binary64 float
    assert json_difference(True, 1) == "$: True became 1"
    assert json_difference({"a": 1}, {"a": 1, "b": None}) == "$: keys missing [], added ['b']"
    assert json_difference({"a": [1]}, {"a": [2]}) == "$['a'][0]: 1 became 2"
    assert json_difference("1", 1) is not None


# --- the round trip ----------------------------------------------------------------------


@dataclass
class Subject:
    """One type under test: its generated class (or alias) and its schema's strategy."""

    definition: ir.NamedDef
    target: Any
    schema: dict[str, Any]
    skip_reason: str | None = None

    @property
    def name(self) -> str:
        return self.definition.name

    @functools.cached_property
    def adapter(self) -> pydantic.TypeAdapter[Any]:
        return pydantic.TypeAdapter(self.target)


def roundtrip_problem(subject: Subject, instance: Any) -> str | None:
    """What goes wrong when ``instance`` is parsed into the type and written back, if anything."""
    wire = json.dumps(instance)
    try:
        if isinstance(subject.definition, ir.Model):
            parsed = subject.target.model_validate(instance)
            outputs = {
                "to_dict()": parsed.to_dict(),
                "to_json()": json.loads(parsed.to_json()),
                "model_validate_json().to_dict()": subject.target.model_validate_json(wire).to_dict(),
            }
        else:
            adapter = subject.adapter
            dump: dict[str, Any] = dict(by_alias=True, exclude_unset=True, warnings=False)
            outputs = {
                "dump_python()": adapter.dump_python(adapter.validate_python(instance), mode="json", **dump),
                "validate_json().dump_json()": json.loads(adapter.dump_json(adapter.validate_json(wire), **dump)),
            }
    except pydantic.ValidationError as exc:
        return f"a valid instance does not parse: {exc}"
    for how, output in outputs.items():
        difference = json_difference(instance, json.loads(json.dumps(output)))
        if difference:
            return f"{how} is not the instance: {difference}"
    return None


def run_roundtrip(subject: Subject, strategy: st.SearchStrategy[Any] | None = None) -> None:
    """Round-trip ``EXAMPLES`` instances drawn from ``strategy`` (default: the subject's schema)."""
    if strategy is None:
        strategy = hypothesis_jsonschema.from_schema(subject.schema)
    problems: list[tuple[str, Any]] = []

    @SETTINGS
    @given(strategy)
    def roundtrip(instance: Any) -> None:
        problem = roundtrip_problem(subject, instance)
        if problem is not None and len(problems) < 3:
            problems.append((problem, instance))

    try:
        roundtrip()
    except Unsatisfiable as exc:
        subject.skip_reason = f"hypothesis-jsonschema drew no valid instance ({exc})"
        pytest.skip(f"{subject.name}: {subject.skip_reason}")
    if problems:
        problem, instance = problems[0]
        shown = json.dumps(instance, ensure_ascii=False)
        raise AssertionError(
            f"{subject.name} ({subject.definition.pointer}): {problem}\n"
            f"instance: {shown[:3000]}{' …' if len(shown) > 3000 else ''}\n"
            f"(the first of {len(problems)} failing examples recorded)"
        )


# --- the generated package ---------------------------------------------------------------


@dataclass
class Generated:
    package: str
    api: ir.Api
    converter: Converter
    subjects: dict[str, Subject] = field(default_factory=dict)

    def subject(self, name: str) -> Subject:
        if name not in self.subjects:
            self.subjects[name] = self._subject(name)
        return self.subjects[name]

    def _subject(self, name: str) -> Subject:
        (definition,) = {d.pointer: d for d in self.api.types if d.name == name and d.in_response}.values()
        module = importlib.import_module(f"{self.package}.types.{definition.module}")
        schema = bounded(self.converter.response_schema(definition.pointer), MAX_ITEMS)
        if jsonschema.Draft7Validator(schema).is_valid(None):
            # A named nullable schema is generated as its non-null type, used as `X | None` where
            # it is referred to (generator/lower/schemas.py): the class or alias itself never takes null.
            schema = {"allOf": [schema, {"not": {"type": "null"}}]}
        subject = Subject(definition, getattr(module, definition.name), schema)
        if hypothesis_jsonschema.from_schema(schema).is_empty:
            subject.skip_reason = (
                "no instance left once recursion is cut"
                if '"not": {}' in json.dumps(schema)
                else "the schema has no valid instance (as hypothesis-jsonschema reads it)"
            )
        return subject


def bounded(schema: Any, max_items: int) -> Any:
    """``schema`` with every array limited to ``max_items`` items (or its own ``minItems``).

    Every instance of the result is an instance of ``schema``; it only keeps Hypothesis from
    drawing long lists of large objects, which costs time and finds nothing more.
    """
    if isinstance(schema, list):
        return [bounded(s, max_items) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: bounded(v, max_items) if k not in ("enum", "const", "required") else v for k, v in schema.items()}
    if "items" in out or out.get("type") == "array" or (isinstance(out.get("type"), list) and "array" in out["type"]):
        out["maxItems"] = max(min(out.get("maxItems", max_items), max_items), out.get("minItems", 0))
    return out


def _generate(spec: Path, package: str, root: Path) -> Generated:
    result = generate(target_for(spec, package=package), cache_dir=None, jobs=1)
    write_tree(root / package, result.files)
    document = yaml.load(spec.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return Generated(package, result.api, Converter(document))


@contextlib.contextmanager
def importable(root: Path, package: str) -> Iterator[None]:
    sys.path.insert(0, str(root))
    importlib.invalidate_caches()
    try:
        yield
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[name]


def spread(names: list[str], count: int) -> list[str]:
    """``count`` names evenly spaced over ``names`` (all of them if there are fewer)."""
    if len(names) <= count:
        return names
    return [names[round(i * (len(names) - 1) / (count - 1))] for i in range(count)] if count > 1 else names[:1]


ALIAS_KINDS: tuple[tuple[str, tuple[type, ...], int], ...] = (
    ("union", (ir.UnionType,), 5),
    ("container", (ir.ListType, ir.MapType, ir.NamedType, ir.NullableType), 2),
    ("enum", (ir.LiteralType,), 1),
)
ALIASES = sum(count for _, _, count in ALIAS_KINDS)
CASES = [f"model-{i:02d}" for i in range(SPREAD)] + list(NAMED) + [f"alias-{i}" for i in range(ALIASES)]


def sample(api: ir.Api) -> dict[str, str]:
    """Case id → type name: the deterministic sample of response types."""
    models = sorted({d.name for d in api.types if isinstance(d, ir.Model) and d.in_response})
    cases = {f"model-{i:02d}": name for i, name in enumerate(spread(models, SPREAD))}
    cases.update({name: name for name in NAMED})
    aliases: list[str] = []
    for _, kinds, count in ALIAS_KINDS:
        of_kind = sorted({d.name for d in api.types if isinstance(d, ir.Alias) and d.in_response and isinstance(d.type, kinds)})
        aliases += spread(of_kind, count)
    cases.update({f"alias-{i}": name for i, name in enumerate(aliases)})
    return cases


@pytest.fixture(scope="module")
def full(openai_spec: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    root = tmp_path_factory.mktemp("roundtrip_full")
    generated = _generate(openai_spec, "openai_roundtrip", root)
    with importable(root, generated.package):
        yield generated


@pytest.fixture(scope="module")
def create_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    root = tmp_path_factory.mktemp("roundtrip_create_run")
    generated = _generate(CREATE_RUN, "create_run_roundtrip", root)
    with importable(root, generated.package):
        yield generated


# --- the tests ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_response_roundtrip(full: Generated, case: str, request: pytest.FixtureRequest) -> None:
    name = sample(full.api)[case]
    subject = full.subject(name)
    if subject.skip_reason:
        pytest.skip(f"{name}: {subject.skip_reason}")
    if name in KNOWN_BUGS:
        request.applymarker(pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[name]))
    run_roundtrip(subject)


def test_enough_types_are_tested(full: Generated) -> None:
    names = list(dict.fromkeys(sample(full.api).values()))
    assert len(names) == len(CASES)  # no type was sampled twice
    subjects = [full.subject(name) for name in names]
    skipped = {s.name: s.skip_reason for s in subjects if s.skip_reason}
    models = sum(1 for s in subjects if isinstance(s.definition, ir.Model) and not s.skip_reason)
    print(f"\nround trip: {len(subjects) - len(skipped)} of {len(subjects)} types tested ({models} models); skipped: {skipped}")
    assert models >= MIN_TESTED, skipped
    assert all(NAMED_SUBJECT not in skipped for NAMED_SUBJECT in NAMED), skipped


PYTHON_NAME_AS_EXTRA = (
    "BUG: an unknown property of an open object spelled like an aliased field's Python name is kept as an extra, "
    "but pydantic also counts the key in model_fields_set, so exclude_unset dumps the unset field under its wire "
    "name: AuditLog {..., \"api_key_created\": 5} comes back with an invented \"api_key.created\": null "
    "(before 2556f67, with populate_by_name, the property was taken for the field instead)"
)


@pytest.mark.xfail(strict=True, reason=PYTHON_NAME_AS_EXTRA)
@pytest.mark.parametrize(
    ("name", "python_name"),
    [("AuditLog", "api_key_created"), ("ResponseFormatJsonSchemaJsonSchema", "schema_")],
)
def test_unknown_property_spelled_like_a_python_field_name(full: Generated, name: str, python_name: str) -> None:
    """Open objects may carry any unknown property, including one named like a field's Python name."""
    subject = full.subject(name)
    assert isinstance(subject.definition, ir.Model)
    (field_,) = [f for f in subject.definition.fields if f.name == python_name]
    assert field_.wire_name != python_name
    valid = jsonschema.Draft7Validator(subject.schema).is_valid
    instances = st.tuples(hypothesis_jsonschema.from_schema(subject.schema), ANY_JSON)
    run_roundtrip(subject, instances.map(lambda drawn: {**drawn[0], python_name: drawn[1]}).filter(valid))


def test_create_run_run_object_roundtrip(create_run: Generated) -> None:
    subject = create_run.subject("RunObject")
    assert subject.skip_reason is None
    run_roundtrip(subject)
