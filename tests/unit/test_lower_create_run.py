"""Lowering createRun: the IR of every parameter the seed documents list."""

from __future__ import annotations

import json

import pytest

from generator import ir
from tests.conftest import CREATE_RUN, lower_spec


@pytest.fixture(scope="module")
def api() -> ir.Api:
    return lower_spec(CREATE_RUN).api


@pytest.fixture(scope="module")
def operation(api: ir.Api) -> ir.Operation:
    (threads,) = api.resources
    (runs,) = threads.children
    (op,) = runs.operations
    return op


@pytest.fixture(scope="module")
def params(operation: ir.Operation) -> dict[str, ir.Parameter]:
    return {p.name: p for p in operation.parameters}


def defs(api: ir.Api) -> dict[str, ir.NamedDef]:
    return {d.name: d for d in api.types}


def test_operation_is_placed_by_its_path(api: ir.Api, operation: ir.Operation) -> None:
    assert [r.name for r in api.resources] == ["threads"]
    assert api.resources[0].children[0].name == "runs"
    assert (operation.operation_id, operation.method_name, operation.http_method) == ("createRun", "create", "post")
    assert operation.path == "/threads/{thread_id}/runs"
    assert operation.summary == "Create a run."


def test_every_seed_parameter_is_an_argument(params: dict[str, ir.Parameter]) -> None:
    seed = {
        "thread_id", "include", "assistant_id", "model", "reasoning_effort", "instructions", "additional_instructions",
        "additional_messages", "tools", "metadata", "temperature", "top_p", "stream", "max_prompt_tokens",
        "max_completion_tokens", "truncation_strategy", "tool_choice", "parallel_tool_calls", "response_format",
    }  # fmt: skip
    assert set(params) == seed


def test_content_type_header_is_not_an_argument(params: dict[str, ir.Parameter]) -> None:
    # OpenAPI: a header parameter named Content-Type is ignored; the client sets it from the body.
    assert all(p.location != "header" for p in params.values())


@pytest.mark.parametrize(
    ("name", "wire", "location", "required"),
    [
        ("thread_id", "thread_id", "path", True),
        ("include", "include[]", "query", False),
        ("assistant_id", "assistant_id", "body", True),
        ("model", "model", "body", False),
        ("temperature", "temperature", "body", False),
        ("stream", "stream", "body", False),
    ],
)
def test_names_and_locations(params: dict[str, ir.Parameter], name: str, wire: str, location: str, required: bool) -> None:
    p = params[name]
    assert (p.wire_name, p.location, p.required) == (wire, location, required)


@pytest.mark.parametrize(
    ("name", "default"),
    [("reasoning_effort", "medium"), ("temperature", 1), ("top_p", 1), ("parallel_tool_calls", True), ("model", None)],
)
def test_defaults(params: dict[str, ir.Parameter], name: str, default: object) -> None:
    raw = params[name].default
    assert (json.loads(raw) if raw is not None else None) == default


def _strip(t: ir.Type) -> ir.Type:
    return t.inner if isinstance(t, ir.NullableType) else t


def test_number_constraints(params: dict[str, ir.Parameter]) -> None:
    temperature = _strip(params["temperature"].type)
    top_p = _strip(params["top_p"].type)
    assert isinstance(temperature, ir.Primitive) and temperature.kind == "float"
    assert (temperature.constraints.minimum, temperature.constraints.maximum) == (0, 2)
    assert isinstance(top_p, ir.Primitive) and (top_p.constraints.minimum, top_p.constraints.maximum) == (0, 1)
    for name in ("max_prompt_tokens", "max_completion_tokens"):
        t = _strip(params[name].type)
        assert isinstance(t, ir.Primitive) and t.kind == "int" and t.constraints.minimum == 256


def test_nullability_follows_the_spec(params: dict[str, ir.Parameter]) -> None:
    nullable = {n for n, p in params.items() if isinstance(p.type, ir.NullableType)}
    assert {"model", "instructions", "tools", "metadata", "temperature", "stream", "truncation_strategy", "tool_choice", "response_format", "reasoning_effort"} <= nullable
    assert not {"thread_id", "assistant_id", "parallel_tool_calls", "include"} & nullable


def test_tools_are_a_discriminated_union_of_at_most_20(params: dict[str, ir.Parameter]) -> None:
    tools = _strip(params["tools"].type)
    assert isinstance(tools, ir.ListType) and tools.constraints.max_items == 20
    assert isinstance(tools.item, ir.UnionType) and tools.item.discriminator == "type"
    assert [v.name for v in tools.item.variants if isinstance(v, ir.NamedType)] == ["AssistantToolsCode", "AssistantToolsFileSearch", "AssistantToolsFunction"]


def test_metadata_limits(api: ir.Api, params: dict[str, ir.Parameter]) -> None:
    metadata = _strip(params["metadata"].type)
    assert isinstance(metadata, ir.NamedType)
    alias = defs(api)[metadata.name]
    assert isinstance(alias, ir.Alias) and isinstance(alias.type, ir.MapType)
    assert alias.type.constraints.max_properties == 16
    assert alias.type.key_constraints.max_length == 64
    value = alias.type.value
    assert isinstance(value, ir.Primitive) and value.constraints.max_length == 512


def test_reasoning_effort_is_an_enum_alias(api: ir.Api, params: dict[str, ir.Parameter]) -> None:
    effort = _strip(params["reasoning_effort"].type)
    assert isinstance(effort, ir.NamedType)
    alias = defs(api)[effort.name]
    assert isinstance(alias, ir.Alias) and alias.type == ir.LiteralType(("low", "medium", "high"), open=True)


def test_model_accepts_any_string_or_a_known_name(params: dict[str, ir.Parameter]) -> None:
    model = _strip(params["model"].type)
    assert isinstance(model, ir.UnionType)
    assert model.variants[0] == ir.Primitive("str")
    assert isinstance(model.variants[1], ir.NamedType)


def test_include_is_a_list_of_the_one_known_value(params: dict[str, ir.Parameter]) -> None:
    include = params["include"].type
    assert include == ir.ListType(ir.LiteralType(("step_details.tool_calls[*].file_search.results[*].content",)))


def test_tool_choice_and_response_format_keep_their_alias_names(params: dict[str, ir.Parameter]) -> None:
    assert _strip(params["tool_choice"].type) == ir.NamedType("AssistantsApiToolChoiceOption")
    assert _strip(params["response_format"].type) == ir.NamedType("AssistantsApiResponseFormatOption")


def test_body_is_flattened_json(operation: ir.Operation) -> None:
    assert operation.body == ir.Body("json", "application/json", True, flattened=True)


def test_response_and_stream(api: ir.Api, operation: ir.Operation) -> None:
    r = operation.response
    assert (r.kind, r.type, r.content_type, r.also, r.status) == ("json", ir.NamedType("RunObject"), "application/json", (), "200")
    assert operation.stream is not None and operation.stream.flag == "stream"
    # Events are {"event": ..., "data": ...} objects: the SSE event name is the tag.
    assert operation.stream.envelope is True
    event = defs(api)[operation.stream.item.name]  # type: ignore[union-attr]
    assert isinstance(event, ir.Alias) and isinstance(event.type, ir.UnionType)
    assert event.type.discriminator == "event"
    assert len(event.type.variants) >= 12


def test_descriptions_are_carried(params: dict[str, ir.Parameter]) -> None:
    assert params["thread_id"].description == "The ID of the thread to run."
    assert "sampling temperature" in (params["temperature"].description or "")


def test_security_and_server(api: ir.Api) -> None:
    (scheme,) = api.security_schemes
    assert (scheme.key, scheme.kind, scheme.location, scheme.name, scheme.template) == ("ApiKeyAuth", "key", "header", "Authorization", "Bearer {key}")
    assert scheme.arguments == (ir.AuthArgument("api_key", "token", "CLIENT_API_KEY"),)  # package `client`
    assert api.security == (("ApiKeyAuth",),) and not api.anonymous_calls
    assert api.base_url == "https://api.openai.com/v1"


def test_a_model_used_on_both_sides_has_both_variants(api: ir.Api) -> None:
    tools = [d for d in api.types if d.name == "AssistantToolsFunction"]
    assert {(d.in_request, d.in_response) for d in tools} == {(True, False), (False, True)}
    (request,) = [d for d in tools if d.in_request]
    assert request.param_name == "AssistantToolsFunctionParam" and request.param_module == "assistant_tools_function_param"
