"""The generated createRun client keeps responses that drift from the spec.

Real servers send what their spec does not allow (a null for a required string,
a missing field, a new kind of tool): by default the client returns the object
with the values as sent; `Client(strict_responses=True)` raises as before.
"""

from __future__ import annotations

from typing import Any

import pytest

from openai_client import APIError, APIResponseValidationError
from openai_client._runtime._models import UnknownEvent, UnknownVariant
from openai_client.types.assistant_tools_code import AssistantToolsCode
from openai_client.types.assistant_tools_function import AssistantToolsFunction
from openai_client.types.response_format_json_schema import ResponseFormatJsonSchema
from openai_client.types.run_object import RunObject
from openai_client.types.run_object_required_action import RunObjectRequiredAction
from openai_client.types.run_object_required_action_submit_tool_outputs import (
    RunObjectRequiredActionSubmitToolOutputs,
)
from openai_client.types.run_stream_event_thread_run_created import RunStreamEventThreadRunCreated
from openai_client.types.truncation_object import TruncationObject

from .support import KINDS, Recorder, json_response, run_payload, sse_event, sse_response, create


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def call(kind: str, body: Any, **client_kw: Any) -> Any:
    recorder = Recorder(json_response(200, body))
    return create(kind, client_kw={"transport": recorder.transport, **client_kw}, assistant_id="asst_abc")


def without(payload: dict[str, Any], *keys: str) -> dict[str, Any]:
    for key in keys:
        del payload[key]
    return payload


DRIFTS: dict[str, dict[str, Any]] = {
    # What the issue found first: instructions is a required string, the fixture sent null.
    "null_required_string": run_payload(instructions=None),
    "missing_required_fields": without(run_payload(), "id", "model"),
    "missing_nested_required": run_payload(
        status="requires_action",
        required_action={"type": "submit_tool_outputs", "submit_tool_outputs": {}},
    ),
    "wrong_type_in_list_item": run_payload(
        tools=[{"type": "code_interpreter"}, {"type": "function", "function": {"name": 3}}]
    ),
    "union_member_with_missing_field": run_payload(response_format={"type": "json_schema"}),
    "map_value_of_wrong_type": run_payload(metadata={"team": "qa", "count": 3, "nested": {"a": 1}}),
    "nested_model_of_wrong_shape": run_payload(truncation_strategy={"type": "auto", "last_messages": "all"}),
}


@pytest.mark.parametrize("drift", sorted(DRIFTS))
def test_drifting_response_is_kept_and_dumps_back_to_the_wire_data(kind: str, drift: str) -> None:
    body = DRIFTS[drift]
    run = call(kind, body)
    assert isinstance(run, RunObject)
    assert run.to_dict() == body
    assert run.model_dump(mode="json", by_alias=True, exclude_unset=True, warnings=False) == body


@pytest.mark.parametrize("drift", sorted(set(DRIFTS) - {"union_member_with_missing_field"}))
def test_strict_responses_raise_for_the_same_drift(kind: str, drift: str) -> None:
    with pytest.raises(APIResponseValidationError) as info:
        call(kind, DRIFTS[drift], strict_responses=True)
    assert info.value.body == DRIFTS[drift]


def test_strict_responses_keep_an_unmatched_union_object_as_unknown_variant(kind: str) -> None:
    # As before: an object that no member of a plain union takes is an UnknownVariant.
    run = call(kind, DRIFTS["union_member_with_missing_field"], strict_responses=True)
    assert isinstance(run.response_format, UnknownVariant)


def test_values_read_as_sent_and_valid_parts_stay_models(kind: str) -> None:
    run = call(kind, DRIFTS["null_required_string"])
    assert run.instructions is None and run.id == "run_abc123" and run.status == "queued"
    assert isinstance(run.tools[0], AssistantToolsCode)
    assert isinstance(run.truncation_strategy, TruncationObject)

    run = call(kind, DRIFTS["missing_required_fields"])
    assert run.id is None and run.model is None and "id" not in run.model_fields_set

    run = call(kind, DRIFTS["missing_nested_required"])
    assert isinstance(run.required_action, RunObjectRequiredAction)
    outputs = run.required_action.submit_tool_outputs
    assert isinstance(outputs, RunObjectRequiredActionSubmitToolOutputs) and outputs.tool_calls is None

    run = call(kind, DRIFTS["wrong_type_in_list_item"])
    code, function = run.tools
    assert isinstance(code, AssistantToolsCode)
    assert isinstance(function, AssistantToolsFunction) and function.function.name == 3

    run = call(kind, DRIFTS["union_member_with_missing_field"])
    assert isinstance(run.response_format, ResponseFormatJsonSchema)
    assert run.response_format.json_schema is None

    run = call(kind, DRIFTS["map_value_of_wrong_type"])
    assert run.metadata == {"team": "qa", "count": 3, "nested": {"a": 1}}


def test_unknown_kind_of_object_in_a_union_is_kept(kind: str) -> None:
    body = run_payload(tools=[{"type": "web_browser", "budget": 2}], response_format={"kind": "new"})
    run = call(kind, body)
    assert isinstance(run.tools[0], UnknownVariant) and run.tools[0].budget == 2
    assert isinstance(run.response_format, UnknownVariant) and run.response_format.kind == "new"
    assert run.to_dict() == body


def drain(kind: str, text: str, **client_kw: Any) -> Any:
    recorder = Recorder(sse_response(text))
    return create(
        kind,
        client_kw={"transport": recorder.transport, **client_kw},
        assistant_id="asst_abc",
        stream=True,
        drain=True,
    )


def test_stream_event_whose_data_drifts_is_kept(kind: str) -> None:
    data = run_payload(instructions=None, status="queued")
    text = sse_event("thread.run.created", data) + sse_event("thread.run.brand_new", {"id": "x", "sequence_number": 7})
    drained = drain(kind, text)
    assert drained.error is None and drained.response_closed
    created, unknown = drained.events
    assert isinstance(created, RunStreamEventThreadRunCreated)
    assert isinstance(created.data, RunObject) and created.data.instructions is None
    assert created.to_dict() == {"event": "thread.run.created", "data": data}
    assert isinstance(unknown, UnknownEvent) and unknown.event == "thread.run.brand_new"
    assert (unknown.id, unknown.sequence_number) == ("x", 7)

    strict = drain(kind, text, strict_responses=True)
    assert isinstance(strict.error, APIResponseValidationError)


def test_stream_error_event_raises_api_error_with_the_servers_message(kind: str) -> None:
    text = sse_event("thread.run.created", run_payload()) + sse_event(
        "error", {"error": {"message": "Rate limit reached", "type": "rate_limit_error", "code": "rate_limit"}}
    )
    drained = drain(kind, text)
    assert len(drained.events) == 1
    assert type(drained.error) is APIError
    assert drained.error.message == "Rate limit reached"
    assert (drained.error.type, drained.error.code) == ("rate_limit_error", "rate_limit")
