"""Lenient responses: data that breaks the schema is kept, not thrown away.

`construct` validates, and where validation fails builds that level without
validation, its parts going through `construct` again. `strict=True` raises.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal, Union

import httpx
import pydantic
import pytest

from generator.client.runtime._base_client import RequestOptions
from generator.client.runtime._errors import APIError, APIResponseValidationError, APIStatusError, error_fields
from generator.client.runtime._models import (
    BaseModel,
    KeepUnknown,
    KeepUnmatched,
    UnknownEvent,
    UnknownVariant,
    construct,
)
from generator.client.runtime._streaming import Stream

from .runtime_support import Harness, MockApi, reply


class Usage(BaseModel):
    total: int
    detail: str | None = None


class Tool(BaseModel):
    type: Literal["function"]
    name: str


class Code(BaseModel):
    type: Literal["code"]
    language: str


class Search(BaseModel):
    type: Literal["search"]
    limit: int


class Grammar(BaseModel):
    syntax: str
    strict: bool


class Regex(BaseModel):
    pattern: str


Tagged = Annotated[Union[Code, Search], pydantic.Field(discriminator="type"), KeepUnknown]
Plain = Annotated[Union[Literal["auto"], Grammar, Regex], KeepUnmatched]


class Run(BaseModel):
    id: str
    instructions: str
    created_at: int
    usage: Usage | None
    tools: list[Tool]
    step: Tagged | None = None
    format: Plain | None = None
    scores: dict[str, int] | None = None
    model_name: str | None = pydantic.Field(default=None, alias="model")


RUN: dict[str, Any] = {
    "id": "run_1",
    "instructions": "Be brief.",
    "created_at": 1,
    "usage": {"total": 3},
    "tools": [{"type": "function", "name": "f"}],
    "model": "m1",
}


def run(**changes: Any) -> dict[str, Any]:
    data = json.loads(json.dumps(RUN))
    for key, value in changes.items():
        if value is _DROP:
            del data[key]
        else:
            data[key] = value
    return data


_DROP: Any = object()


def test_valid_data_is_validated_as_usual() -> None:
    got = construct(Run, run())
    assert isinstance(got, Run) and isinstance(got.usage, Usage)
    assert got.model_fields_set == {"id", "instructions", "created_at", "usage", "tools", "model_name"}


def test_null_where_a_string_is_required_is_kept() -> None:
    data = run(instructions=None)
    with pytest.raises(pydantic.ValidationError):
        Run.model_validate(data)
    got = construct(Run, data)
    assert isinstance(got, Run)
    assert got.instructions is None and got.id == "run_1" and got.model_name == "m1"
    # The parts that validate are still validated models.
    assert isinstance(got.usage, Usage) and got.usage.total == 3
    assert isinstance(got.tools[0], Tool)
    assert got.to_dict() == data
    assert got.model_dump(mode="json", by_alias=True, exclude_unset=True, warnings=False) == data


def test_missing_required_fields_read_as_none_and_stay_unset() -> None:
    data = run(id=_DROP, usage={"detail": "no total"})
    got = construct(Run, data)
    assert got.id is None and "id" not in got.model_fields_set
    assert isinstance(got.usage, Usage)
    assert got.usage.total is None and got.usage.detail == "no total"
    assert got.to_dict() == data


def test_wrong_type_deep_in_a_list_item() -> None:
    data = run(tools=[{"type": "function", "name": "ok"}, {"type": "function", "name": 7}, "not an object"])
    got = construct(Run, data)
    first, second, third = got.tools
    assert isinstance(first, Tool) and first.name == "ok"
    assert isinstance(second, Tool) and second.name == 7
    assert third == "not an object"
    assert got.to_dict() == data


def test_list_where_an_object_is_expected_and_the_reverse() -> None:
    data = run(usage=[1, 2], tools={"type": "function"})
    got = construct(Run, data)
    assert got.usage == [1, 2] and got.tools == {"type": "function"}
    assert got.to_dict() == data


def test_discriminated_union_member_with_bad_data_is_that_member() -> None:
    data = run(step={"type": "search", "limit": "many", "extra": True})
    got = construct(Run, data)
    assert isinstance(got.step, Search)
    assert got.step.limit == "many" and got.step.extra is True  # type: ignore[attr-defined]
    # A member with good data is validated; an unknown tag is an UnknownVariant.
    assert isinstance(construct(Run, run(step={"type": "code", "language": "py"})).step, Code)
    unknown = construct(Run, run(step={"type": "video", "id": 2}, instructions=None)).step
    assert isinstance(unknown, UnknownVariant) and unknown.id == 2  # type: ignore[attr-defined]
    assert got.to_dict() == data


def test_discriminated_union_without_keep_unknown_keeps_an_unknown_tag() -> None:
    bare = Annotated[Union[Code, Search], pydantic.Field(discriminator="type")]
    got = construct(list[bare], [{"type": "code", "language": "c"}, {"type": "web", "q": 1}])  # type: ignore[valid-type]
    assert isinstance(got[0], Code)
    assert isinstance(got[1], UnknownVariant) and got[1].q == 1  # type: ignore[attr-defined]


def test_plain_union_member_with_bad_data_is_the_closest_member() -> None:
    data = run(format={"syntax": "lark", "strict": "maybe"})
    got = construct(Run, data)
    assert isinstance(got.format, Grammar) and got.format.strict == "maybe"
    # Validated without the lenient context (as a strict client does), KeepUnmatched
    # keeps it as an UnknownVariant, as before.
    strict = Run.model_validate(data).format
    assert isinstance(strict, UnknownVariant) and strict.strict == "maybe"  # type: ignore[attr-defined]
    tagged = Union[Literal["auto"], Code, Search]
    assert isinstance(construct(tagged, {"type": "search", "limit": "many"}), Search)
    assert isinstance(construct(tagged, {"type": "brand_new"}), UnknownVariant)
    # Members the union holds validate as usual.
    assert construct(Run, run(format="auto", instructions=None)).format == "auto"
    assert isinstance(construct(Run, run(format={"pattern": "x"}, instructions=None)).format, Regex)
    # A value no member can take is kept as it is.
    assert construct(Run, run(format=12, instructions=None)).format == 12
    assert got.to_dict() == data


def test_plain_union_without_keep_unmatched_picks_the_closest_member() -> None:
    union = Union[Literal["auto"], Grammar, Regex]
    got = construct(union, {"syntax": "lark", "strict": "maybe"})
    assert isinstance(got, Grammar) and got.strict == "maybe"
    assert isinstance(construct(union, {"pattern": 1}), Regex)
    assert construct(union, "manual") == "manual"
    assert construct(list[union], [{"other": 1}]) == [UnknownVariant(other=1)]  # type: ignore[valid-type]


def test_plain_union_skips_members_whose_tag_disagrees() -> None:
    union = Union[Code, Search]
    got = construct(union, {"type": "search", "language": "py", "limit": "x"})
    assert isinstance(got, Search) and got.limit == "x"
    assert isinstance(construct(union, {"type": "other"}), UnknownVariant)


def test_map_values_of_the_wrong_type() -> None:
    data = run(scores={"a": 1, "b": "two", "c": None})
    got = construct(Run, data)
    assert got.scores == {"a": 1, "b": "two", "c": None}
    assert got.to_dict() == data
    usages = construct(Mapping[str, Usage], {"x": {"total": 1}, "y": {"total": "?"}})
    assert isinstance(usages["x"], Usage) and isinstance(usages["y"], Usage)
    assert usages["y"].total == "?"


def test_top_level_list_and_scalars() -> None:
    got = construct(Sequence[Usage], [{"total": 1}, {"total": "x"}, 5])
    assert [type(item) for item in got] == [Usage, Usage, int]
    assert construct(int, "not a number") == "not a number"
    assert construct(Usage, "a string") == "a string"


def test_field_types_rebuilt_for_lenient_parts_validate_like_the_model() -> None:
    # construct validates each field with the field's type as pydantic applies it
    # (discriminator, then validators): an unknown tag in a KeepUnknown field of a
    # model that fails elsewhere must still become an UnknownVariant.
    got = construct(Run, run(instructions=None, step={"type": "new"}))
    assert isinstance(got.step, UnknownVariant)


# --- through the client ------------------------------------------------------------


def request(harness: Harness, options: RequestOptions) -> Any:
    return harness.request(options)


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_client_is_lenient_by_default_and_strict_on_request(kind: str) -> None:
    data = run(instructions=None, usage={"total": "three"}, tools=[{"name": 1}])
    options = RequestOptions(method="get", path="/runs/1", cast_to=Run)
    api = MockApi(reply(200, data), reply(200, data))
    lenient = Harness(kind, base_url="https://api.test", transport=api.transport)
    got = request(lenient, options)
    assert isinstance(got, Run) and got.instructions is None and got.tools[0].name == 1
    assert got.to_dict() == data
    strict = Harness(kind, base_url="https://api.test", transport=api.transport, strict_responses=True)
    with pytest.raises(APIResponseValidationError) as info:
        request(strict, options)
    assert info.value.body == data


def test_with_options_switches_strictness() -> None:
    from generator.client.runtime._base_client import SyncAPIClient

    api = MockApi(reply(200, {"total": "x"}))
    client = SyncAPIClient(
        base_url="https://api.test", api_key=None, auth=None, user_agent="t",
        http_client=httpx.Client(transport=api.transport),
    )
    with pytest.raises(APIResponseValidationError):
        client.with_options(strict_responses=True).request(RequestOptions(method="get", path="/", cast_to=Usage))
    assert client._strict_responses is False


def test_body_that_is_not_json_still_raises() -> None:
    api = MockApi(reply(200, b"{not json"))
    harness = Harness("sync", base_url="https://api.test", transport=api.transport)
    with pytest.raises(APIResponseValidationError):
        harness.request(RequestOptions(method="get", path="/", cast_to=Usage))


# --- errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"error": {"message": "Bad key", "type": "invalid_request_error", "code": "k", "param": "key"}},
            {"message": "Bad key", "type": "invalid_request_error", "code": "k", "param": "key"},
        ),
        ({"error": "plain words"}, {"message": "plain words"}),
        ({"message": "flat", "code": 42}, {"message": "flat", "code": "42"}),
        ({"detail": "Not found"}, {"message": "Not found"}),
        (
            {"detail": [{"loc": ["body", "n"], "msg": "field required"}, {"msg": "too long"}]},
            {"message": "body.n: field required; too long"},
        ),
        (
            {"type": "https://x.test/probs/out-of-credit", "title": "Out of credit", "status": 403,
             "detail": "Your balance is 30."},
            {"message": "Out of credit: Your balance is 30.", "type": "https://x.test/probs/out-of-credit"},
        ),
        ({"title": "Gone"}, {"message": "Gone"}),
        ({"errors": [{"message": "first", "code": "E1"}, {"message": "second"}]}, {"message": "first", "code": "E1"}),
        ({"error": {"code": "only_code"}, "message": "outer"}, {"code": "only_code", "message": "outer"}),
        ({"unrelated": 1}, {}),
        ("text body", {}),
        (None, {}),
    ],
)
def test_error_fields_of_common_shapes(body: object, expected: dict[str, str]) -> None:
    assert error_fields(body) == expected


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"detail": "No such run"}, "No such run"),
        ({"type": "about:blank", "title": "Not Found", "detail": "run_9"}, "Not Found: run_9"),
    ],
)
def test_status_error_carries_the_fields_and_the_whole_body(body: dict[str, Any], message: str) -> None:
    api = MockApi(reply(404, body, {"content-type": "application/problem+json"}))
    harness = Harness("sync", base_url="https://api.test", transport=api.transport)
    with pytest.raises(APIStatusError) as info:
        harness.request(RequestOptions(method="get", path="/"))
    assert info.value.message == message and info.value.body == body
    assert str(info.value) == f"Error code: 404 - {message}"


def test_a_validation_error_does_not_read_error_fields_from_a_success_body() -> None:
    api = MockApi(reply(200, {"type": "thing", "code": "c", "total": "x"}))
    harness = Harness("sync", base_url="https://api.test", transport=api.transport, strict_responses=True)
    with pytest.raises(APIResponseValidationError) as info:
        harness.request(RequestOptions(method="get", path="/", cast_to=Usage))
    assert (info.value.type, info.value.code) == (None, None)


# --- streams --------------------------------------------------------------------------


def sse(body: bytes) -> httpx.Response:
    return httpx.Response(200, content=body, request=httpx.Request("POST", "https://api.test/s"))


def test_data_only_error_event_raises_api_error_with_the_servers_message() -> None:
    body = (
        b'data: {"type": "code", "language": "py"}\n\n'
        b'data: {"error": {"message": "The server had an error", "type": "server_error", "code": null}}\n\n'
    )
    for strict in (False, True):
        stream: Stream[Any] = Stream(response=sse(body), item_type=Tagged, strict=strict)
        assert isinstance(next(stream), Code)
        with pytest.raises(APIError) as info:
            next(stream)
        assert not isinstance(info.value, APIResponseValidationError)
        assert info.value.message == "The server had an error"
        assert info.value.type == "server_error" and info.value.code is None
        assert info.value.body == {"error": {"message": "The server had an error", "type": "server_error", "code": None}}
        assert stream.response.is_closed
    # Untyped streams too.
    with pytest.raises(APIError):
        list(Stream(response=sse(b'data: {"error": "quota"}\n\n'), item_type=None))


def test_error_key_in_events_that_declare_one_is_data() -> None:
    class Job(BaseModel):
        status: str
        error: dict[str, str] | None = None

    body = b'data: {"status": "failed", "error": {"message": "disk full"}}\n\ndata: {"status": "ok", "error": null}\n\n'
    got = list(Stream(response=sse(body), item_type=Job))
    assert [job.status for job in got] == ["failed", "ok"]
    assert got[0].error == {"message": "disk full"}
    # `"error": null`, and an `error` nested deeper, are never failures.
    nested = b'data: {"type": "code", "language": "py", "meta": {"error": {"message": "x"}}, "error": null}\n\n'
    assert isinstance(list(Stream(response=sse(nested), item_type=Tagged))[0], Code)


def test_unknown_event_exposes_its_fields() -> None:
    body = b'data: {"type": "response.new_thing", "sequence_number": 4, "item": {"id": "i"}}\n\n'
    (event,) = list(Stream(response=sse(body), item_type=Tagged))
    assert isinstance(event, UnknownEvent)
    assert event.type == "response.new_thing" and event.sequence_number == 4
    assert event.item == {"id": "i"}
    assert event.event is None and event.data["sequence_number"] == 4  # type: ignore[index]
    assert event.to_dict() == {"event": None, "data": {"type": "response.new_thing", "sequence_number": 4, "item": {"id": "i"}}}
    with pytest.raises(AttributeError):
        event.missing  # noqa: B018
    named = b'event: thing.renamed\ndata: {"id": "t1", "name": "n"}\n\n'

    class ThingCreated(BaseModel):
        event: Literal["thing.created"]
        data: Usage

    (renamed,) = list(Stream(response=sse(named), item_type=ThingCreated, envelope=True))
    assert isinstance(renamed, UnknownEvent) and renamed.event == "thing.renamed"
    assert (renamed.id, renamed.name) == ("t1", "n")


# --- deep data ------------------------------------------------------------------------


class Node(BaseModel):
    value: int
    children: list[Node] = []


Node.model_rebuild()


def nested(depth: int) -> bytes:
    return ('{"value": 1, "children": [' * depth + '{"value": "x"}' + "]}" * depth).encode()


def test_deep_drift_is_kept_and_too_deep_json_is_a_validation_error() -> None:
    api = MockApi(reply(200, nested(50)), reply(200, nested(200)), reply(200, nested(5000)))
    harness = Harness("sync", base_url="https://api.test", transport=api.transport)
    node = harness.request(RequestOptions(method="get", path="/", cast_to=Node))
    for _ in range(50):
        assert isinstance(node, Node) and node.value == 1
        (node,) = node.children
    assert isinstance(node, Node) and node.value == "x"
    # Deeper than construct's recursion can go: models near the top, the rest kept as parsed.
    deep = harness.request(RequestOptions(method="get", path="/", cast_to=Node))
    assert isinstance(deep, Node)
    for _ in range(200):
        deep = deep.children[0] if isinstance(deep, Node) else deep["children"][0]
    assert (deep.value if isinstance(deep, Node) else deep["value"]) == "x"
    # Deeper than Python can parse: not JSON to us, so an error even when lenient (not a RecursionError).
    with pytest.raises(APIResponseValidationError):
        harness.request(RequestOptions(method="get", path="/", cast_to=Node))


def test_union_with_unhashable_members_is_still_constructed() -> None:
    # A member carrying pydantic metadata (an unhashable FieldInfo) cannot be a cache key.
    code = Annotated[Code, pydantic.Field(description="code")]
    union = Annotated[Union[code, Search], pydantic.Field(discriminator="type")]  # type: ignore[valid-type]
    got = construct(list[union], [{"type": "search", "limit": "many"}, {"type": "code", "language": 1}])  # type: ignore[valid-type]
    assert isinstance(got[0], Search) and got[0].limit == "many"
    assert isinstance(got[1], Code) and got[1].language == 1


# --- the lenient fallback's cost: validators it builds ------------------------------


class Stamp(BaseModel):
    at: datetime.datetime
    note: str


class Log(BaseModel):
    entries: list[Stamp]
    by_name: dict[str, Stamp] | None = None
    pair: Annotated[list[Stamp], pydantic.Field(min_length=2)] | None = None


def adapters_built(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    from generator.client.runtime import _models

    built: list[object] = []
    real = _models._cached_adapter

    def spy(tp: Any) -> pydantic.TypeAdapter[Any]:
        built.append(tp)
        return real(tp)

    monkeypatch.setattr(_models, "_cached_adapter", spy)
    return built


def test_items_beside_a_bad_one_are_validated_by_the_models_validator(monkeypatch: pytest.MonkeyPatch) -> None:
    built = adapters_built(monkeypatch)
    good = {"at": "2024-01-02T03:04:05Z", "note": "ok"}
    bad = {"at": "2024-01-02T03:04:05Z", "note": 7}
    data = {"entries": [good, bad, good], "by_name": {"a": good, "b": bad}}
    got = construct(Log, data)
    first, second, third = got.entries
    # The good items were validated (the timestamp parsed), the bad one keeps what was sent.
    assert isinstance(first.at, datetime.datetime) and isinstance(third.at, datetime.datetime)
    assert isinstance(second, Stamp) and second.note == 7 and isinstance(second.at, datetime.datetime)
    assert isinstance(got.by_name["a"].at, datetime.datetime) and got.by_name["b"].note == 7
    assert list(got.by_name) == ["a", "b"]
    assert got.to_dict() == {"entries": [{**good, "at": "2024-01-02T03:04:05Z"}, bad, good], "by_name": {"a": good, "b": bad}}
    # No adapter was built for a field's type or the item type, only the model's (which is
    # the class's own validator; the bad item is built by its fields with Stamp's own).
    assert built == [Log]


def test_a_list_whose_good_items_alone_break_its_constraint_is_still_kept() -> None:
    good = {"at": "2024-01-02T03:04:05Z", "note": "ok"}
    got = construct(Log, {"entries": [], "pair": [good, {"at": "never", "note": "x"}]})
    first, second = got.pair
    assert isinstance(first.at, datetime.datetime)
    assert isinstance(second, Stamp) and second.at == "never"


def test_an_adapter_of_a_model_shares_the_class_validator() -> None:
    from generator.client.runtime._models import type_adapter

    class Fresh(BaseModel):
        name: str

    adapter = type_adapter(Fresh)
    assert adapter.validate_python({"name": "x"}).name == "x"
    assert Fresh.__pydantic_complete__
    assert adapter.validator is Fresh.__pydantic_validator__
