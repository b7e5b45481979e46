"""What the generated client sends, and how it reads a successful answer.

Every test runs against the sync `Client` and the async `AsyncClient` over an
`httpx.MockTransport`, so the exact request can be inspected.
"""

from __future__ import annotations

import json
import math

import httpx
import pytest

import openai_client
from openai_client import NOT_GIVEN
from openai_client.types.assistant_tools_code_param import AssistantToolsCodeParam
from openai_client.types.assistant_tools_file_search_param import AssistantToolsFileSearchParam
from openai_client.types.assistant_tools_function import AssistantToolsFunction
from openai_client.types.assistant_tools_function_param import AssistantToolsFunctionParam
from openai_client.types.assistants_named_tool_choice import AssistantsNamedToolChoice
from openai_client.types.assistants_named_tool_choice_param import AssistantsNamedToolChoiceParam
from openai_client.types.create_message_request_param import CreateMessageRequestParam
from openai_client.types.function_object_param import FunctionObjectParam
from openai_client.types.response_format_json_schema_param import ResponseFormatJsonSchemaParam
from openai_client.types.run_object import RunObject
from openai_client.types.truncation_object import TruncationObject
from openai_client.types.truncation_object_param import TruncationObjectParam

from .support import (
    API_KEY,
    BASE_URL,
    INCLUDE_CONTENT,
    KINDS,
    Recorder,
    body_of,
    create,
    json_response,
    make_client,
    query_of,
    run_payload,
)


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def send(kind: str, recorder: Recorder | None = None, client_kw: dict | None = None, **call_kw):
    """Call create() through a recording mock; returns (result, recorder)."""
    recorder = recorder or Recorder()
    kw = {"transport": recorder.transport, **(client_kw or {})}
    call_kw.setdefault("assistant_id", "asst_abc")
    result = create(kind, client_kw=kw, **call_kw)
    return result, recorder


# --- method, URL, path ------------------------------------------------------------


def test_method_and_url(kind: str) -> None:
    _, rec = send(kind, thread_id="thread_abc")
    assert len(rec.requests) == 1
    request = rec.last
    assert request.method == "POST"
    assert str(request.url) == f"{BASE_URL}/threads/thread_abc/runs"


def test_path_parameter_is_percent_encoded(kind: str) -> None:
    _, rec = send(kind, thread_id="a/b c")
    # One path segment: "/" and " " are escaped, not interpreted.
    assert rec.last.url.raw_path == b"/v1/threads/a%2Fb%20c/runs"
    assert rec.last.url.path == "/v1/threads/a/b c/runs"


@pytest.mark.parametrize("thread_id", ["", None])
def test_empty_thread_id_raises_before_any_request(kind: str, thread_id: object) -> None:
    rec = Recorder()
    with pytest.raises(ValueError, match="thread_id"):
        send(kind, rec, thread_id=thread_id)
    assert rec.requests == []


@pytest.mark.parametrize("thread_id", [".", ".."])
def test_dot_segment_thread_id_raises_before_any_request(kind: str, thread_id: str) -> None:
    # `%2E%2E` would be turned back into `..` by proxies and reach another path.
    rec = Recorder()
    with pytest.raises(ValueError, match="dot-segment"):
        send(kind, rec, thread_id=thread_id)
    assert rec.requests == []


# --- query ------------------------------------------------------------------------


def test_include_is_repeated_query_values_and_never_in_body(kind: str) -> None:
    _, rec = send(kind, include=[INCLUDE_CONTENT, INCLUDE_CONTENT])
    assert query_of(rec.last) == [("include[]", INCLUDE_CONTENT), ("include[]", INCLUDE_CONTENT)]
    body = body_of(rec.last)
    assert "include" not in body and "include[]" not in body
    assert body == {"assistant_id": "asst_abc"}


def test_extra_query_is_added_to_the_query(kind: str) -> None:
    _, rec = send(kind, include=[INCLUDE_CONTENT], extra_query={"debug": "1", "tags": ["a", "b"]})
    assert query_of(rec.last) == [
        ("include[]", INCLUDE_CONTENT),
        ("debug", "1"),
        # The target's array_format = "brackets" (pyproject.toml) holds for extra_query too, as in the SDK.
        ("tags[]", "a"),
        ("tags[]", "b"),
    ]
    assert body_of(rec.last) == {"assistant_id": "asst_abc"}


def test_extra_query_overrides_a_generated_query_parameter(kind: str) -> None:
    _, rec = send(kind, include=[INCLUDE_CONTENT], extra_query={"include[]": "other"})
    assert query_of(rec.last) == [("include[]", "other")]


# --- body -------------------------------------------------------------------------


def test_optional_arguments_are_omitted_unless_given(kind: str) -> None:
    _, rec = send(kind)
    assert body_of(rec.last) == {"assistant_id": "asst_abc"}
    assert rec.last.url.query == b""


def test_given_arguments_are_sent(kind: str) -> None:
    _, rec = send(kind, instructions="Be brief.", temperature=0.5, parallel_tool_calls=False)
    assert body_of(rec.last) == {
        "assistant_id": "asst_abc",
        "instructions": "Be brief.",
        "temperature": 0.5,
        "parallel_tool_calls": False,
    }


NULLABLE = (
    "model",
    "reasoning_effort",
    "instructions",
    "additional_instructions",
    "additional_messages",
    "tools",
    "metadata",
    "temperature",
    "top_p",
    "stream",
    "max_prompt_tokens",
    "max_completion_tokens",
    "truncation_strategy",
    "tool_choice",
    "response_format",
)


def test_explicit_none_is_sent_as_null(kind: str) -> None:
    result, rec = send(kind, **{name: None for name in NULLABLE})
    assert body_of(rec.last) == {"assistant_id": "asst_abc", **{name: None for name in NULLABLE}}
    assert b'"temperature":null' in rec.last.content
    # stream=None is not a stream request.
    assert isinstance(result, RunObject)
    assert rec.last.headers["accept"] == "application/json"


def test_extra_body_is_merged_at_top_level_and_wins(kind: str) -> None:
    _, rec = send(
        kind,
        temperature=1.0,
        instructions="original",
        extra_body={"temperature": 0.25, "new_feature": {"on": True}, "instructions": None},
    )
    assert body_of(rec.last) == {
        "assistant_id": "asst_abc",
        "temperature": 0.25,
        "instructions": None,
        "new_feature": {"on": True},
    }


def test_extra_body_not_given_removes_a_field(kind: str) -> None:
    _, rec = send(kind, temperature=1.0, extra_body={"temperature": NOT_GIVEN})
    assert body_of(rec.last) == {"assistant_id": "asst_abc"}


def test_dict_and_typed_dict_arguments_are_sent_as_json(kind: str) -> None:
    tools = [
        AssistantToolsCodeParam(type="code_interpreter"),
        AssistantToolsFileSearchParam(
            type="file_search",
            file_search={"max_num_results": 5, "ranking_options": {"ranker": "auto", "score_threshold": 0.5}},
        ),
        AssistantToolsFunctionParam(
            type="function",
            function=FunctionObjectParam(
                name="get_weather",
                description="Weather for a city",
                parameters={"type": "object", "properties": {"city": {"type": "string"}}},
                strict=True,
            ),
        ),
    ]
    messages = [
        CreateMessageRequestParam(role="user", content="Hello"),
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is in these images?"},
                {"type": "image_url", "image_url": {"url": "https://example.com/cat.png", "detail": "low"}},
                {"type": "image_file", "image_file": {"file_id": "file_img", "detail": "high"}},
            ],
            "attachments": [{"file_id": "file_doc", "tools": [{"type": "file_search"}]}],
            "metadata": {"source": "test"},
        },
    ]
    response_format = ResponseFormatJsonSchemaParam(
        type="json_schema",
        json_schema={
            "name": "answer",
            "description": "An answer",
            "schema": {"type": "object", "properties": {"a": {"type": "integer"}}},
            "strict": True,
        },
    )
    _, rec = send(
        kind,
        tools=tools,
        tool_choice=AssistantsNamedToolChoiceParam(type="function", function={"name": "get_weather"}),
        response_format=response_format,
        truncation_strategy=TruncationObjectParam(type="last_messages", last_messages=3),
        additional_messages=messages,
    )
    body = body_of(rec.last)
    assert body["tools"] == [dict(t) for t in json.loads(json.dumps(tools))]
    assert body["tools"][2]["function"]["parameters"]["properties"] == {"city": {"type": "string"}}
    assert body["tool_choice"] == {"type": "function", "function": {"name": "get_weather"}}
    assert body["response_format"]["json_schema"]["schema"]["properties"] == {"a": {"type": "integer"}}
    assert body["truncation_strategy"] == {"type": "last_messages", "last_messages": 3}
    assert body["additional_messages"] == json.loads(json.dumps(messages))
    assert body["additional_messages"][1]["content"][1]["image_url"]["url"] == "https://example.com/cat.png"


@pytest.mark.parametrize("tool_choice", ["none", "auto", "required", {"type": "file_search"}])
def test_tool_choice_strings_and_objects(kind: str, tool_choice: object) -> None:
    _, rec = send(kind, tool_choice=tool_choice)
    assert body_of(rec.last)["tool_choice"] == tool_choice


@pytest.mark.parametrize("model", ["gpt-4o", "ft:gpt-4o-mini:acme::abc123", "some-future-model"])
def test_model_accepts_known_and_arbitrary_strings(kind: str, model: str) -> None:
    _, rec = send(kind, model=model)
    assert body_of(rec.last)["model"] == model


# --- headers, auth, settings --------------------------------------------------------


def test_default_headers(kind: str) -> None:
    _, rec = send(kind)
    headers = rec.last.headers
    assert headers["openai-beta"] == "assistants=v2"
    assert headers["authorization"] == f"Bearer {API_KEY}"
    assert headers["content-type"] == "application/json"
    assert headers["accept"] == "application/json"


def test_user_agent_names_package_and_version(kind: str) -> None:
    _, rec = send(kind)
    agent = rec.last.headers["user-agent"]
    assert "openai_client" in agent
    assert openai_client.__version__ in agent
    assert not agent.startswith("python-httpx")


def test_extra_headers_override_defaults(kind: str) -> None:
    _, rec = send(
        kind,
        extra_headers={
            "OpenAI-Beta": "assistants=v3",
            "Authorization": "Bearer other-key",
            "User-Agent": "my-app/2",
            "X-Custom": "yes",
        },
    )
    headers = rec.last.headers
    assert headers["openai-beta"] == "assistants=v3"
    assert headers["authorization"] == "Bearer other-key"
    assert headers["user-agent"] == "my-app/2"
    assert headers["x-custom"] == "yes"
    assert headers.get_list("openai-beta") == ["assistants=v3"]


def test_extra_headers_not_given_removes_a_header(kind: str) -> None:
    _, rec = send(kind, extra_headers={"OpenAI-Beta": NOT_GIVEN, "User-Agent": NOT_GIVEN})
    assert "openai-beta" not in rec.last.headers
    # Not even httpx's own default User-Agent comes back.
    assert "user-agent" not in rec.last.headers
    assert rec.last.headers["authorization"] == f"Bearer {API_KEY}"


def test_client_default_headers_are_sent_but_path_headers_win(kind: str) -> None:
    # As the SDK does: the operation's own `OpenAI-Beta` (path_headers) wins over the client's
    # default headers; only extra_headers override it (test_extra_headers_override_defaults).
    _, rec = send(kind, client_kw={"default_headers": {"OpenAI-Beta": "assistants=v9", "X-Team": "qa"}})
    assert rec.last.headers["openai-beta"] == "assistants=v2"
    assert rec.last.headers["x-team"] == "qa"


def test_api_key_from_environment(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    _, rec = send(kind, client_kw={"api_key": None})
    assert rec.last.headers["authorization"] == "Bearer sk-from-env"


def test_explicit_api_key_wins_over_environment(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    _, rec = send(kind, client_kw={"api_key": "sk-explicit"})
    assert rec.last.headers["authorization"] == "Bearer sk-explicit"


@pytest.mark.parametrize("client_class", [openai_client.Client, openai_client.AsyncClient])
def test_missing_api_key_is_a_clear_error_at_construction(
    client_class: type, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(ValueError, match="OPENAI_API_KEY") as info:
        client_class(base_url=BASE_URL)
    assert "api_key" in str(info.value)


def test_base_url_from_environment(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "https://env.example/v9")
    _, rec = send(kind, client_kw={"base_url": None})
    assert str(rec.last.url) == "https://env.example/v9/threads/thread_abc/runs"


def test_base_url_argument_wins_over_environment(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "https://env.example/v9")
    _, rec = send(kind, client_kw={"base_url": "http://127.0.0.1:9/api/"})
    assert str(rec.last.url) == "http://127.0.0.1:9/api/threads/thread_abc/runs"


def test_default_base_url(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    _, rec = send(kind, client_kw={"base_url": None})
    assert str(rec.last.url) == "https://api.openai.com/v1/threads/thread_abc/runs"


def test_per_call_timeout_reaches_the_transport(kind: str) -> None:
    _, rec = send(kind, timeout=0.2)
    assert rec.last.extensions["timeout"] == {"connect": 0.2, "read": 0.2, "write": 0.2, "pool": 0.2}


# --- responses --------------------------------------------------------------------

RICH_RUN = run_payload(
    status="requires_action",
    required_action={
        "type": "submit_tool_outputs",
        "submit_tool_outputs": {
            "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city":"Oslo"}'}}
            ]
        },
    },
    last_error={"code": "rate_limit_exceeded", "message": "slow down"},
    incomplete_details={"reason": "max_prompt_tokens"},
    usage={"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    tools=[
        {"type": "code_interpreter"},
        {"type": "file_search", "file_search": {"max_num_results": 3}},
        {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}},
    ],
    truncation_strategy={"type": "last_messages", "last_messages": 4},
    tool_choice={"type": "function", "function": {"name": "get_weather"}},
    response_format={"type": "json_schema", "json_schema": {"name": "answer", "strict": True}},
)


def test_response_is_parsed_into_run_object_with_nested_models(kind: str) -> None:
    run, _ = send(kind, Recorder(json_response(200, RICH_RUN)))
    assert isinstance(run, RunObject)
    assert run.id == "run_abc123" and run.object == "thread.run" and run.status == "requires_action"
    assert run.required_action is not None
    call = run.required_action.submit_tool_outputs.tool_calls[0]
    assert (call.id, call.function.name, json.loads(call.function.arguments)) == ("call_1", "get_weather", {"city": "Oslo"})
    assert run.last_error is not None and run.last_error.code == "rate_limit_exceeded"
    assert run.incomplete_details is not None and run.incomplete_details.reason == "max_prompt_tokens"
    assert run.usage is not None and run.usage.total_tokens == 15
    assert [tool.type for tool in run.tools] == ["code_interpreter", "file_search", "function"]
    assert isinstance(run.tools[2], AssistantToolsFunction)
    assert run.tools[2].function.name == "get_weather"
    assert isinstance(run.truncation_strategy, TruncationObject) and run.truncation_strategy.last_messages == 4
    assert isinstance(run.tool_choice, AssistantsNamedToolChoice)
    assert run.tool_choice.function is not None and run.tool_choice.function.name == "get_weather"
    assert run.response_format is not None and run.response_format.type == "json_schema"  # type: ignore[union-attr]
    assert run.metadata == {"team": "qa"}
    assert run.to_dict()["required_action"] == RICH_RUN["required_action"]


def test_unknown_response_fields_are_kept_and_readable(kind: str) -> None:
    body = run_payload(
        brand_new_field={"nested": [1, 2]},
        usage={"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3, "cached_tokens": 7},
    )
    run, _ = send(kind, Recorder(json_response(200, body)))
    assert run.brand_new_field == {"nested": [1, 2]}  # type: ignore[attr-defined]
    assert run.usage.cached_tokens == 7  # type: ignore[union-attr]
    assert run.to_dict()["brand_new_field"] == {"nested": [1, 2]}


def test_unknown_enum_values_are_accepted(kind: str) -> None:
    body = run_payload(
        status="paused",
        last_error={"code": "brand_new_code", "message": "?"},
        incomplete_details={"reason": "brand_new_reason"},
        truncation_strategy={"type": "smart", "last_messages": None},
        tool_choice="sometimes",
    )
    run, _ = send(kind, Recorder(json_response(200, body)))
    assert run.status == "paused"
    assert run.last_error is not None and run.last_error.code == "brand_new_code"
    assert run.incomplete_details is not None and run.incomplete_details.reason == "brand_new_reason"
    assert run.truncation_strategy is not None and run.truncation_strategy.type == "smart"
    assert run.tool_choice == "sometimes"


@pytest.mark.parametrize(
    "field, value",
    [
        ("tools", [{"type": "web_search"}]),
        ("response_format", {"type": "grammar", "grammar": "x"}),
    ],
)
def test_unknown_union_members_in_a_response_are_accepted(kind: str, field: str, value: object) -> None:
    run, _ = send(kind, Recorder(json_response(200, run_payload(**{field: value}))))
    assert json.loads(json.dumps(run.to_dict()[field])) == value
    kept = getattr(run, field)
    kept = kept[0] if isinstance(kept, list) else kept
    assert type(kept).__name__ == "UnknownVariant" and kept.type == value_type(value)


def value_type(value: object) -> object:
    return (value[0] if isinstance(value, list) else value)["type"]  # type: ignore[index]


# --- client-side validation -------------------------------------------------------

INVALID = [
    pytest.param({"temperature": 5}, "temperature", id="temperature-5"),
    pytest.param({"temperature": -0.1}, "temperature", id="temperature-negative"),
    pytest.param({"top_p": -1}, "top_p", id="top_p--1"),
    pytest.param({"top_p": 1.5}, "top_p", id="top_p-1.5"),
    pytest.param({"tools": [{"type": "code_interpreter"}] * 21}, "tools", id="21-tools"),
    pytest.param({"metadata": {f"k{i}": "v" for i in range(17)}}, "metadata", id="metadata-17-keys"),
    pytest.param({"metadata": {"k" * 65: "v"}}, "metadata", id="metadata-65-char-key"),
    pytest.param({"metadata": {"key": "v" * 513}}, "metadata", id="metadata-513-char-value"),
    pytest.param({"max_prompt_tokens": 100}, "max_prompt_tokens", id="max_prompt_tokens-100"),
    pytest.param({"max_completion_tokens": 255}, "max_completion_tokens", id="max_completion_tokens-255"),
    pytest.param({"reasoning_effort": "extreme"}, "reasoning_effort", id="reasoning_effort-extreme"),
    pytest.param({"include": ["bogus"]}, "include", id="include-bogus"),
    pytest.param(
        {"truncation_strategy": {"type": "last_messages", "last_messages": 0}},
        "truncation_strategy",
        id="truncation-last_messages-0",
    ),
    pytest.param(
        {"additional_messages": [{"role": "system", "content": "hi"}]},
        "additional_messages",
        id="message-role-system",
    ),
]


@pytest.mark.parametrize("arguments, parameter", INVALID)
def test_constraint_violation_raises_naming_the_parameter_and_sends_nothing(
    kind: str, arguments: dict, parameter: str
) -> None:
    rec = Recorder()
    with pytest.raises(ValueError) as info:
        send(kind, rec, **arguments)
    assert str(info.value).startswith(parameter)
    assert rec.requests == []


def test_boundary_values_are_valid(kind: str) -> None:
    _, rec = send(
        kind,
        temperature=2,
        top_p=0,
        max_prompt_tokens=256,
        tools=[{"type": "code_interpreter"}] * 20,
        metadata={("k" * 63 + str(i % 10)) if i < 10 else f"k{i}": "v" * 512 for i in range(16)},
    )
    assert body_of(rec.last)["temperature"] == 2


@pytest.mark.parametrize("arguments, parameter", INVALID)
def test_validate_false_turns_validation_off(kind: str, arguments: dict, parameter: str) -> None:
    _, rec = send(kind, client_kw={"validate": False}, **arguments)
    assert len(rec.requests) == 1
    sent = body_of(rec.last)
    if parameter == "include":
        assert query_of(rec.last) == [("include[]", "bogus")]
    else:
        assert sent[parameter] == json.loads(json.dumps(arguments[parameter]))


def test_with_options_validate_false(kind: str) -> None:
    _, rec = send(kind, options={"validate": False}, temperature=5)
    assert body_of(rec.last)["temperature"] == 5


@pytest.mark.parametrize(
    "arguments",
    [
        pytest.param({"temperature": math.nan}, id="temperature-nan"),
        pytest.param({"top_p": math.nan}, id="top_p-nan"),
        pytest.param(
            {"tools": [{"type": "file_search", "file_search": {"ranking_options": {"score_threshold": math.inf}}}]},
            id="score_threshold-inf",
        ),
    ],
)
def test_non_finite_numbers_are_never_sent_as_invalid_json(kind: str, arguments: dict) -> None:
    rec = Recorder()
    try:
        send(kind, rec, **arguments)
    except ValueError:
        pass  # refused before sending: fine
    for request in rec.requests:
        json.loads(request.content, parse_constant=_reject_constant)


def _reject_constant(token: str) -> None:
    raise ValueError(f"not JSON: {token}")


@pytest.mark.parametrize(
    "arguments",
    [
        pytest.param({"tools": [{"type": "file_search", "file_search": {"max_num_results": 99}}]}, id="max_num_results-99"),
        pytest.param({"tools": [{"type": "function", "function": {"name": "bad name!"}}]}, id="function-name-pattern"),
        pytest.param({"additional_messages": [{"role": "user", "content": []}]}, id="content-minItems"),
        pytest.param(
            {"response_format": {"type": "json_schema", "json_schema": {"name": "x" * 65}}}, id="json_schema-name-65"
        ),
    ],
)
def test_constraints_inside_union_members_are_validated(kind: str, arguments: dict) -> None:
    rec = Recorder()
    with pytest.raises(ValueError):
        send(kind, rec, **arguments)
    assert rec.requests == []


def test_make_client_rejects_negative_max_retries() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        make_client("sync", max_retries=-1)


def test_http_client_is_used_as_given() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=run_payload())

    http = httpx.Client(transport=httpx.MockTransport(handler), headers={"X-From-Http-Client": "1"})
    with openai_client.Client(api_key=API_KEY, base_url=BASE_URL, http_client=http) as client:
        client.threads.runs.create("t", assistant_id="a")
    assert seen[0].headers["x-from-http-client"] == "1"
