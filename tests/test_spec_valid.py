"""Checks for the hand-written createRun description in specs/create_run.yaml.

The document must be a valid OpenAPI 3.1 description, carry the parameter facts
taken from the reference documents (defaults, constraints, required flags), and
describe both response media types, including a well-formed stream-event union.
"""

from __future__ import annotations

import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.validation import OpenAPIV31SpecValidator

ROOT = Path(__file__).resolve().parent.parent
SPEC_PATH = ROOT / "specs" / "create_run.yaml"
REFERENCE_PATH = ROOT.parent / "shared" / "specs" / "openai.yaml"

RUN_EVENTS = {
    "thread.run.created",
    "thread.run.queued",
    "thread.run.in_progress",
    "thread.run.requires_action",
    "thread.run.completed",
    "thread.run.incomplete",
    "thread.run.failed",
    "thread.run.cancelling",
    "thread.run.cancelled",
    "thread.run.expired",
}


@pytest.fixture(scope="module")
def spec() -> dict:
    with SPEC_PATH.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="module")
def schemas(spec) -> dict:
    return spec["components"]["schemas"]


@pytest.fixture(scope="module")
def operation(spec) -> dict:
    return spec["paths"]["/threads/{thread_id}/runs"]["post"]


@pytest.fixture(scope="module")
def body(schemas) -> dict:
    return schemas["CreateRunRequest"]


def resolve(spec: dict, node: dict) -> dict:
    """Follow local $refs until reaching a schema without one."""
    while "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        target = spec
        for part in ref[2:].split("/"):
            target = target[part]
        node = target
    return node


def non_null_branch(spec: dict, node: dict) -> dict:
    """For `anyOf: [X, {type: null}]` return X (resolved); otherwise the node itself."""
    node = resolve(spec, node)
    if "anyOf" in node:
        branches = [b for b in node["anyOf"] if b != {"type": "null"}]
        assert len(branches) == 1, node
        return resolve(spec, branches[0])
    return node


def accepts_null(spec: dict, node: dict) -> bool:
    node = resolve(spec, node)
    types = node.get("type")
    if types == "null" or (isinstance(types, list) and "null" in types):
        return True
    return any(accepts_null(spec, b) for b in node.get("anyOf", []) + node.get("oneOf", []))


def walk(node, path=()):
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, path + (index,))


def validator_for(spec: dict, name: str) -> jsonschema.Draft202012Validator:
    root = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": f"#/components/schemas/{name}",
        "components": spec["components"],
    }
    return jsonschema.Draft202012Validator(root)


# --------------------------------------------------------------------------
# Document-level validity
# --------------------------------------------------------------------------


def test_is_valid_openapi_31(spec):
    assert spec["openapi"] == "3.1.0"
    validate(spec, cls=OpenAPIV31SpecValidator)


def test_every_local_ref_resolves(spec):
    for path, node in walk(spec):
        if isinstance(node, dict) and "$ref" in node:
            resolve(spec, node)  # raises KeyError on a dangling reference


def test_uses_31_nullability_only(spec):
    offenders = [path for path, node in walk(spec) if isinstance(node, dict) and "nullable" in node]
    assert offenders == []


def test_info_servers_and_security(spec):
    assert spec["info"]["title"] and spec["info"]["version"] and spec["info"]["description"]
    assert [s["url"] for s in spec["servers"]] == ["https://api.openai.com/v1"]
    assert spec["components"]["securitySchemes"]["ApiKeyAuth"] == {"type": "http", "scheme": "bearer"}
    assert spec["security"] == [{"ApiKeyAuth": []}]


def test_single_operation(spec, operation):
    operations = [
        (path, method)
        for path, item in spec["paths"].items()
        for method in item
        if method in {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
    ]
    assert operations == [("/threads/{thread_id}/runs", "post")]
    assert operation["operationId"] == "createRun"
    assert operation["summary"] == "Create a run."
    assert operation["tags"] == ["Assistants"]
    assert operation["description"].strip()


def test_schema_names_exist_in_reference(schemas):
    if not REFERENCE_PATH.exists():
        pytest.skip("reference openai.yaml not available")
    text = REFERENCE_PATH.read_text(encoding="utf-8")
    reference_names = set(re.findall(r"^    ([A-Za-z0-9_]+):\s*$", text, flags=re.M))
    missing = sorted(set(schemas) - reference_names)
    assert missing == []


# --------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------


def test_parameters(operation):
    params = {(p["in"], p["name"]): p for p in operation["parameters"]}
    assert set(params) == {("path", "thread_id"), ("query", "include[]"), ("header", "Content-Type")}

    thread_id = params[("path", "thread_id")]
    assert thread_id["required"] is True
    assert thread_id["schema"] == {"type": "string"}
    assert thread_id["description"] == "The ID of the thread to run."

    include = params[("query", "include[]")]
    assert include.get("required", False) is False
    assert include["style"] == "form" and include["explode"] is True
    assert include["schema"]["type"] == "array"
    assert include["schema"]["items"] == {
        "type": "string",
        "enum": ["step_details.tool_calls[*].file_search.results[*].content"],
    }
    assert "(/docs/assistants/tools/file-search#customizing-file-search-settings)" in include["description"]

    content_type = params[("header", "Content-Type")]
    assert content_type["required"] is True
    assert content_type["schema"] == {"type": "string", "default": "application/json"}


def test_request_body(operation):
    request = operation["requestBody"]
    assert request["required"] is True
    assert list(request["content"]) == ["application/json"]
    assert request["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/CreateRunRequest"}


# --------------------------------------------------------------------------
# Request body: required flags, defaults, constraints, nullability
# --------------------------------------------------------------------------


def test_body_properties_and_required(body):
    assert body["type"] == "object"
    assert body["required"] == ["assistant_id"]
    assert body["additionalProperties"] is False
    assert list(body["properties"]) == [
        "assistant_id", "model", "reasoning_effort", "instructions", "additional_instructions",
        "additional_messages", "tools", "metadata", "temperature", "top_p", "stream",
        "max_prompt_tokens", "max_completion_tokens", "truncation_strategy", "tool_choice",
        "parallel_tool_calls", "response_format",
    ]  # fmt: skip
    assert body["properties"]["assistant_id"]["type"] == "string"


def test_defaults(spec, body):
    props = body["properties"]
    assert props["temperature"]["default"] == 1
    assert props["top_p"]["default"] == 1
    assert resolve(spec, props["parallel_tool_calls"]) == {
        "type": "boolean",
        "default": True,
        "description": resolve(spec, props["parallel_tool_calls"])["description"],
    }
    effort = non_null_branch(spec, props["reasoning_effort"])
    assert effort["type"] == "string"
    assert effort["enum"] == ["low", "medium", "high"]
    assert effort["default"] == "medium"


def test_constraints(spec, body):
    props = body["properties"]
    assert (props["temperature"]["minimum"], props["temperature"]["maximum"]) == (0, 2)
    assert (props["top_p"]["minimum"], props["top_p"]["maximum"]) == (0, 1)
    assert props["max_prompt_tokens"]["minimum"] == 256
    assert props["max_completion_tokens"]["minimum"] == 256
    assert props["tools"]["maxItems"] == 20

    metadata = non_null_branch(spec, props["metadata"])
    assert metadata["type"] == "object"
    assert metadata["maxProperties"] == 16
    assert metadata["propertyNames"]["maxLength"] == 64
    assert metadata["additionalProperties"] == {"type": "string", "maxLength": 512}

    function_name = spec["components"]["schemas"]["FunctionObject"]["properties"]["name"]
    assert function_name["maxLength"] == 64
    assert re.fullmatch(function_name["pattern"], "get_current-weather2")
    assert not re.fullmatch(function_name["pattern"], "has space")

    json_schema = spec["components"]["schemas"]["ResponseFormatJsonSchema"]["properties"]["json_schema"]
    assert json_schema["required"] == ["name"]
    assert json_schema["properties"]["name"]["maxLength"] == 64

    last_messages = non_null_branch(spec, spec["components"]["schemas"]["TruncationObject"]["properties"]["last_messages"])
    assert last_messages == {**last_messages, "type": "integer", "minimum": 1}


@pytest.mark.parametrize(
    "name",
    [
        "model", "reasoning_effort", "instructions", "additional_instructions", "additional_messages",
        "tools", "metadata", "temperature", "top_p", "stream", "max_prompt_tokens",
        "max_completion_tokens", "truncation_strategy", "tool_choice", "response_format",
    ],
)  # fmt: skip
def test_nullable_body_fields(spec, body, name):
    assert accepts_null(spec, body["properties"][name])


def test_not_nullable_body_fields(spec, body):
    assert not accepts_null(spec, body["properties"]["assistant_id"])
    assert not accepts_null(spec, body["properties"]["parallel_tool_calls"])


def test_model_is_string_or_supported_model(spec, body):
    branches = body["properties"]["model"]["anyOf"]
    assert {"type": "string"} in branches
    assert {"$ref": "#/components/schemas/AssistantSupportedModels"} in branches
    assert {"type": "null"} in branches
    models = spec["components"]["schemas"]["AssistantSupportedModels"]["enum"]
    assert "gpt-4o" in models and len(models) == len(set(models))


def test_tool_unions(spec, body):
    tools = body["properties"]["tools"]["items"]["oneOf"]
    assert [t["$ref"].rsplit("/", 1)[1] for t in tools] == [
        "AssistantToolsCode",
        "AssistantToolsFileSearch",
        "AssistantToolsFunction",
    ]
    choice = spec["components"]["schemas"]["AssistantsApiToolChoiceOption"]["oneOf"]
    assert choice[0]["enum"] == ["none", "auto", "required"]
    assert choice[1] == {"$ref": "#/components/schemas/AssistantsNamedToolChoice"}
    response_format = spec["components"]["schemas"]["AssistantsApiResponseFormatOption"]["oneOf"]
    assert response_format[0]["enum"] == ["auto"]
    assert [r["$ref"].rsplit("/", 1)[1] for r in response_format[1:]] == [
        "ResponseFormatText",
        "ResponseFormatJsonObject",
        "ResponseFormatJsonSchema",
    ]


def test_additional_messages(spec, schemas):
    message = schemas["CreateMessageRequest"]
    assert sorted(message["required"]) == ["content", "role"]
    assert message["properties"]["role"]["enum"] == ["user", "assistant"]
    text, parts = message["properties"]["content"]["oneOf"]
    assert text["type"] == "string"
    assert parts["type"] == "array" and parts["minItems"] == 1
    assert [p["$ref"].rsplit("/", 1)[1] for p in parts["items"]["oneOf"]] == [
        "MessageContentImageFileObject",
        "MessageContentImageUrlObject",
        "MessageRequestContentTextObject",
    ]
    assert accepts_null(spec, message["properties"]["attachments"])


def test_descriptions_keep_relative_links(body):
    props = body["properties"]
    assert "(/docs/api-reference/assistants)" in props["assistant_id"]["description"]
    assert "(/docs/api-reference/models)" in props["model"]["description"]
    assert "(/docs/api-reference/assistants/createAssistant)" in props["instructions"]["description"]


def test_request_examples(spec):
    validator = validator_for(spec, "CreateRunRequest")
    validator.validate({"assistant_id": "asst_abc123"})
    validator.validate(
        {
            "assistant_id": "asst_abc123",
            "model": "gpt-4o",
            "reasoning_effort": None,
            "additional_messages": [
                {"role": "user", "content": "Hello"},
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "What is in this image?"},
                        {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}},
                    ],
                    "attachments": [{"file_id": "file_1", "tools": [{"type": "file_search"}]}],
                    "metadata": {"k": "v"},
                },
            ],
            "tools": [
                {"type": "code_interpreter"},
                {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}},
            ],
            "temperature": 0.2,
            "top_p": None,
            "stream": True,
            "max_prompt_tokens": 256,
            "truncation_strategy": {"type": "last_messages", "last_messages": 3},
            "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
            "parallel_tool_calls": False,
            "response_format": {"type": "json_schema", "json_schema": {"name": "out", "schema": {}}},
        }
    )


@pytest.mark.parametrize(
    "bad",
    [
        {},
        {"assistant_id": "a", "temperature": 2.5},
        {"assistant_id": "a", "top_p": -0.1},
        {"assistant_id": "a", "max_completion_tokens": 255},
        {"assistant_id": "a", "reasoning_effort": "extreme"},
        {"assistant_id": "a", "tools": [{"type": "code_interpreter"}] * 21},
        {"assistant_id": "a", "metadata": {"k" * 65: "v"}},
        {"assistant_id": "a", "metadata": {"k": "v" * 513}},
        {"assistant_id": "a", "metadata": {f"k{i}": "v" for i in range(17)}},
        {"assistant_id": "a", "additional_messages": [{"role": "system", "content": "x"}]},
        {"assistant_id": "a", "unknown_field": 1},
    ],
)
def test_request_rejections(spec, bad):
    assert not validator_for(spec, "CreateRunRequest").is_valid(bad)


# --------------------------------------------------------------------------
# Responses
# --------------------------------------------------------------------------


def test_200_has_json_and_event_stream(operation):
    content = operation["responses"]["200"]["content"]
    assert set(content) == {"application/json", "text/event-stream"}
    assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/RunObject"}
    assert content["text/event-stream"]["schema"] == {"$ref": "#/components/schemas/AssistantStreamEvent"}


def test_error_responses(spec, operation, schemas):
    responses = operation["responses"]
    error_codes = [code for code in responses if code != "200"]
    assert error_codes and set(error_codes) <= {"4XX", "5XX", "default"}
    for code in error_codes:
        response = resolve(spec, responses[code])
        assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorResponse"}
    assert schemas["ErrorResponse"]["required"] == ["error"]
    error = schemas["Error"]
    assert sorted(error["required"]) == ["code", "message", "param", "type"]
    assert accepts_null(spec, error["properties"]["code"])
    assert accepts_null(spec, error["properties"]["param"])
    assert not accepts_null(spec, error["properties"]["message"])


def test_run_object_required_fields(schemas):
    run = schemas["RunObject"]
    assert set(run["required"]) <= set(run["properties"])
    assert len(run["required"]) == 25
    assert run["properties"]["object"]["enum"] == ["thread.run"]
    assert len(run["properties"]["status"]["enum"]) == 9


def test_run_object_example(spec):
    validator_for(spec, "RunObject").validate(
        {
            "id": "run_abc123", "object": "thread.run", "created_at": 1699063290,
            "assistant_id": "asst_abc123", "thread_id": "thread_abc123", "status": "requires_action",
            "required_action": {
                "type": "submit_tool_outputs",
                "submit_tool_outputs": {
                    "tool_calls": [
                        {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
                    ]
                },
            },
            "started_at": 1699063290, "expires_at": None, "cancelled_at": None, "failed_at": None,
            "completed_at": None, "last_error": None, "model": "gpt-4o", "instructions": "Be brief.",
            "incomplete_details": None, "tools": [{"type": "code_interpreter"}], "metadata": {},
            "usage": None, "temperature": 1.0, "top_p": 1.0, "max_prompt_tokens": 1000,
            "max_completion_tokens": 1000, "truncation_strategy": {"type": "auto", "last_messages": None},
            "response_format": "auto", "tool_choice": "auto", "parallel_tool_calls": True,
        }
    )  # fmt: skip


# --------------------------------------------------------------------------
# Stream events
# --------------------------------------------------------------------------


def stream_event_variants(spec: dict) -> list[dict]:
    variants = []
    for member in spec["components"]["schemas"]["AssistantStreamEvent"]["oneOf"]:
        member = resolve(spec, member)
        for variant in member.get("oneOf", [member]):
            variants.append(resolve(spec, variant))
    return variants


def test_every_stream_event_has_single_value_event_enum(spec):
    variants = stream_event_variants(spec)
    names = []
    for variant in variants:
        assert variant["type"] == "object"
        assert set(variant["required"]) == {"event", "data"}
        event = variant["properties"]["event"]
        assert event["type"] == "string"
        assert len(event["enum"]) == 1, event
        assert "data" in variant["properties"]
        names.append(event["enum"][0])
    assert len(names) == len(set(names)), "duplicate event names"
    assert RUN_EVENTS <= set(names)
    assert {"thread.created", "error", "done"} <= set(names)


def test_event_payload_types(spec):
    by_name = {v["properties"]["event"]["enum"][0]: v["properties"]["data"] for v in stream_event_variants(spec)}
    for name in RUN_EVENTS:
        assert by_name[name] == {"$ref": "#/components/schemas/RunObject"}
    assert by_name["thread.created"] == {"$ref": "#/components/schemas/ThreadObject"}
    assert by_name["thread.message.delta"] == {"$ref": "#/components/schemas/MessageDeltaObject"}
    assert by_name["thread.run.step.delta"] == {"$ref": "#/components/schemas/RunStepDeltaObject"}
    assert by_name["error"] == {"$ref": "#/components/schemas/Error"}
    assert by_name["done"] == {"type": "string", "enum": ["[DONE]"]}


@pytest.mark.parametrize(
    "event",
    [
        {"event": "done", "data": "[DONE]"},
        {"event": "error", "data": {"code": None, "message": "boom", "param": None, "type": "server_error"}},
        {
            "event": "thread.message.delta",
            "data": {
                "id": "msg_001",
                "object": "thread.message.delta",
                "delta": {"content": [{"index": 0, "type": "text", "text": {"value": "Hello", "annotations": []}}]},
            },
        },
        {
            "event": "thread.run.step.created",
            "data": {
                "id": "step_001", "object": "thread.run.step", "created_at": 1710330641, "run_id": "run_123",
                "assistant_id": "asst_123", "thread_id": "thread_123", "type": "message_creation",
                "status": "in_progress", "cancelled_at": None, "completed_at": None, "expired_at": None,
                "failed_at": None, "last_error": None, "metadata": None, "usage": None,
                "step_details": {"type": "message_creation", "message_creation": {"message_id": "msg_001"}},
            },
        },
    ],
)  # fmt: skip
def test_stream_event_examples(spec, event):
    validator_for(spec, "AssistantStreamEvent").validate(event)


def test_stream_event_rejects_unknown_event(spec):
    assert not validator_for(spec, "AssistantStreamEvent").is_valid({"event": "thread.run.exploded", "data": {}})
