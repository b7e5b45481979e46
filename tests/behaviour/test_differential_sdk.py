"""Differential test: the generated client sends what the official `openai` SDK sends.

Both clients make the same call over an `httpx.MockTransport`; the two
captured requests must have the same method, the same (percent-encoded) path,
the same decoded query, the same JSON body (compared as parsed JSON, with int
and float kept apart) and the same values for the headers that carry meaning
(auth, beta flag, content type, accept, and any extra header of the call).

The SDK (3.54.0) talks through `httpx2` internally but accepts a legacy
`httpx.Client` / `httpx.AsyncClient` as `http_client`, so one MockTransport
class serves both.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

openai = pytest.importorskip("openai")

from openai_client import AsyncClient, Client  # noqa: E402

from .support import (  # noqa: E402
    API_KEY,
    BASE_URL,
    INCLUDE_CONTENT,
    RUN,
    Recorder,
    json_response,
    query_of,
    run_payload,
    sse_event,
    sse_response,
)

# The SDK marks the Assistants API deprecated on every call.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

COMPARED_HEADERS = ("authorization", "openai-beta", "content-type", "accept")


@dataclass(frozen=True)
class Wire:
    """The parts of a request that must match."""

    method: str
    path: bytes
    query: tuple[tuple[str, str], ...]
    body: str | None  # canonical JSON text (sorted keys), so 1 and 1.0 stay different
    headers: tuple[tuple[str, str | None], ...]


def wire(request: httpx.Request, extra_header_names: tuple[str, ...] = (), *, stream: bool = False) -> Wire:
    content = request.content
    body = json.dumps(json.loads(content), sort_keys=True) if content else None
    # Known, deliberate difference: for a stream the SDK still sends
    # `Accept: application/json`; ours asks for `text/event-stream` (checked below).
    base = tuple(n for n in COMPARED_HEADERS if not (stream and n == "accept"))
    names = base + tuple(n.lower() for n in extra_header_names)
    return Wire(
        method=request.method,
        path=request.url.raw_path.split(b"?")[0],
        query=tuple(query_of(request)),
        body=body,
        headers=tuple((name, request.headers.get(name)) for name in names),
    )


def differences(ours: Wire, sdk: Wire) -> list[str]:
    """Human-readable differences; empty when the requests match."""
    found: list[str] = []
    for name in ("method", "path", "query", "headers"):
        if getattr(ours, name) != getattr(sdk, name):
            found.append(f"{name}: ours={getattr(ours, name)!r} sdk={getattr(sdk, name)!r}")
    if ours.body != sdk.body:
        mine = json.loads(ours.body) if ours.body else {}
        theirs = json.loads(sdk.body) if sdk.body else {}
        for key in sorted(set(mine) | set(theirs)):
            a, b = mine.get(key, "<absent>"), theirs.get(key, "<absent>")
            if json.dumps(a, sort_keys=True) != json.dumps(b, sort_keys=True):
                found.append(f"body.{key}: ours={a!r} sdk={b!r}")
    return found


# --- the call shapes ----------------------------------------------------------------

TOOLS_OF_EACH_KIND = [
    {"type": "code_interpreter"},
    {"type": "file_search"},
    {
        "type": "file_search",
        "file_search": {"max_num_results": 7, "ranking_options": {"ranker": "default_2024_08_21", "score_threshold": 0.4}},
    },
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Current weather for a city.",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["c", "f"]}},
                "required": ["city"],
                "additionalProperties": False,
            },
            "strict": True,
        },
    },
]

IMAGE_MESSAGES = [
    {"role": "user", "content": "Plain text message."},
    {
        "role": "user",
        "content": [
            {"type": "text", "text": "Compare these two images."},
            {"type": "image_url", "image_url": {"url": "https://example.com/a.png", "detail": "high"}},
            {"type": "image_file", "image_file": {"file_id": "file_img_1", "detail": "low"}},
            {"type": "image_file", "image_file": {"file_id": "file_img_2"}},
        ],
        "attachments": [
            {"file_id": "file_doc_1", "tools": [{"type": "code_interpreter"}, {"type": "file_search"}]}
        ],
        "metadata": {"origin": "differential"},
    },
    {"role": "assistant", "content": [{"type": "text", "text": "Noted."}]},
]

JSON_SCHEMA_FORMAT = {
    "type": "json_schema",
    "json_schema": {
        "name": "weather_report",
        "description": "A weather report.",
        "schema": {
            "type": "object",
            "properties": {"temp": {"type": "number"}, "sky": {"type": "string"}},
            "required": ["temp", "sky"],
            "additionalProperties": False,
        },
        "strict": True,
    },
}

EVERY_PARAMETER: dict[str, Any] = {
    "assistant_id": "asst_every",
    "include": [INCLUDE_CONTENT],
    "model": "gpt-4o",
    "reasoning_effort": "high",
    "instructions": "You are terse.",
    "additional_instructions": "Answer in French.",
    "additional_messages": IMAGE_MESSAGES,
    "tools": TOOLS_OF_EACH_KIND,
    "metadata": {"user": "u_1", "session": "s_9"},
    "temperature": 0.7,
    "top_p": 0.9,
    "stream": False,
    "max_prompt_tokens": 2000,
    "max_completion_tokens": 1000,
    "truncation_strategy": {"type": "last_messages", "last_messages": 5},
    "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
    "parallel_tool_calls": False,
    "response_format": {"type": "json_object"},
}

EXPLICIT_NONE: dict[str, Any] = {
    "assistant_id": "asst_none",
    **{
        name: None
        for name in (
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
    },
}


@dataclass(frozen=True)
class Shape:
    name: str
    kwargs: dict[str, Any]
    thread_id: str = "thread_abc"
    stream: bool = False
    header_names: tuple[str, ...] = field(default_factory=tuple)


SHAPES = [
    Shape("required_only", {"assistant_id": "asst_abc"}),
    Shape("every_parameter", EVERY_PARAMETER),
    Shape("explicit_none", EXPLICIT_NONE),
    Shape("stream_true", {"assistant_id": "asst_abc", "stream": True, "instructions": "stream it"}, stream=True),
    Shape(
        "extra_body",
        {"assistant_id": "asst_abc", "temperature": 1.0, "extra_body": {"temperature": 0.1, "future_flag": {"on": True}}},
    ),
    Shape("extra_query", {"assistant_id": "asst_abc", "extra_query": {"api-version": "2025-01-01", "trace": "1"}}),
    Shape(
        "extra_headers",
        {"assistant_id": "asst_abc", "extra_headers": {"X-Custom": "yes", "OpenAI-Beta": "assistants=v2,extra"}},
        header_names=("x-custom",),
    ),
    Shape("include", {"assistant_id": "asst_abc", "include": [INCLUDE_CONTENT]}),
    Shape("include_with_extra_query", {"assistant_id": "asst_abc", "include": [INCLUDE_CONTENT], "extra_query": {"b": "2"}}),
    Shape("tools_each_kind", {"assistant_id": "asst_abc", "tools": TOOLS_OF_EACH_KIND}),
    Shape(
        "tool_choice_named",
        {"assistant_id": "asst_abc", "tools": TOOLS_OF_EACH_KIND[3:], "tool_choice": {"type": "function", "function": {"name": "get_weather"}}},
    ),
    Shape("tool_choice_named_file_search", {"assistant_id": "asst_abc", "tool_choice": {"type": "file_search"}}),
    Shape("tool_choice_required", {"assistant_id": "asst_abc", "tool_choice": "required"}),
    Shape("response_format_json_schema", {"assistant_id": "asst_abc", "response_format": JSON_SCHEMA_FORMAT}),
    Shape("response_format_auto", {"assistant_id": "asst_abc", "response_format": "auto"}),
    Shape("additional_messages_with_images", {"assistant_id": "asst_abc", "additional_messages": IMAGE_MESSAGES}),
    Shape("metadata", {"assistant_id": "asst_abc", "metadata": {f"key_{i}": f"value {i} é ✓" for i in range(16)}}),
    Shape("truncation_strategy", {"assistant_id": "asst_abc", "truncation_strategy": {"type": "auto"}}),
    Shape("truncation_last_messages", {"assistant_id": "asst_abc", "truncation_strategy": {"type": "last_messages", "last_messages": 1}}),
    Shape("arbitrary_model_and_odd_thread_id", {"assistant_id": "asst abc/ü", "model": "ft:gpt-4o-mini:acme::x1"}, thread_id="thr/a b?c#d%e"),
    Shape("integers_stay_integers", {"assistant_id": "asst_abc", "temperature": 1, "top_p": 0.5, "max_prompt_tokens": 256}),
]

ASYNC_SHAPES = [s for s in SHAPES if s.name in ("every_parameter", "stream_true")]

STREAM_BODY = (
    sse_event("thread.run.created", run_payload(id="run_s1"))
    + sse_event("thread.run.queued", run_payload(id="run_s1"))
    + sse_event("thread.run.in_progress", run_payload(id="run_s1", status="in_progress"))
    + sse_event("thread.run.completed", run_payload(id="run_s1", status="completed"))
    + sse_event("done", "[DONE]")
)
EXPECTED_EVENTS = [
    ("thread.run.created", "run_s1"),
    ("thread.run.queued", "run_s1"),
    ("thread.run.in_progress", "run_s1"),
    ("thread.run.completed", "run_s1"),
]


def _responder(shape: Shape):
    return sse_response(STREAM_BODY) if shape.stream else json_response(200, RUN)


def _events(stream: Any) -> list[tuple[str, str]]:
    with stream:
        return [(event.event, event.data.id) for event in stream]


def call_sdk(shape: Shape) -> tuple[httpx.Request, Any]:
    rec = Recorder(_responder(shape))
    client = openai.OpenAI(
        api_key=API_KEY, base_url=BASE_URL, max_retries=0, http_client=httpx.Client(transport=rec.transport)
    )
    with client:
        result = client.beta.threads.runs.create(shape.thread_id, **shape.kwargs)
        outcome = _events(result) if shape.stream else result.id
    assert len(rec.requests) == 1
    return rec.last, outcome


def call_ours(shape: Shape, **kwargs_override: Any) -> tuple[httpx.Request, Any]:
    rec = Recorder(_responder(shape))
    client = Client(api_key=API_KEY, base_url=BASE_URL, max_retries=0, http_client=httpx.Client(transport=rec.transport))
    with client:
        result = client.threads.runs.create(shape.thread_id, **{**shape.kwargs, **kwargs_override})
        outcome = _events(result) if shape.stream else result.id
    assert len(rec.requests) == 1
    return rec.last, outcome


async def _aevents(stream: Any) -> list[tuple[str, str]]:
    async with stream:
        return [(event.event, event.data.id) async for event in stream]


async def acall_sdk(shape: Shape) -> tuple[httpx.Request, Any]:
    rec = Recorder(_responder(shape))
    client = openai.AsyncOpenAI(
        api_key=API_KEY, base_url=BASE_URL, max_retries=0, http_client=httpx.AsyncClient(transport=rec.transport)
    )
    async with client:
        result = await client.beta.threads.runs.create(shape.thread_id, **shape.kwargs)
        outcome = await _aevents(result) if shape.stream else result.id
    return rec.last, outcome


async def acall_ours(shape: Shape) -> tuple[httpx.Request, Any]:
    rec = Recorder(_responder(shape))
    client = AsyncClient(
        api_key=API_KEY, base_url=BASE_URL, max_retries=0, http_client=httpx.AsyncClient(transport=rec.transport)
    )
    async with client:
        result = await client.threads.runs.create(shape.thread_id, **shape.kwargs)
        outcome = await _aevents(result) if shape.stream else result.id
    return rec.last, outcome


# --- the tests ----------------------------------------------------------------------


def test_there_are_enough_call_shapes() -> None:
    assert len(SHAPES) >= 12
    assert len({shape.name for shape in SHAPES}) == len(SHAPES)


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.name)
def test_sync_request_matches_sdk(shape: Shape) -> None:
    sdk_request, sdk_outcome = call_sdk(shape)
    our_request, our_outcome = call_ours(shape)
    names, stream = shape.header_names, shape.stream
    assert differences(wire(our_request, names, stream=stream), wire(sdk_request, names, stream=stream)) == []
    assert our_outcome == sdk_outcome
    if shape.stream:
        assert our_request.headers["accept"] == "text/event-stream"
        assert sdk_request.headers["accept"] == "application/json"
        assert our_outcome == EXPECTED_EVENTS
    else:
        assert our_outcome == RUN["id"]


@pytest.mark.parametrize("shape", ASYNC_SHAPES, ids=lambda s: s.name)
def test_async_request_matches_sdk(shape: Shape) -> None:
    async def both() -> tuple[tuple[httpx.Request, Any], tuple[httpx.Request, Any]]:
        return await acall_ours(shape), await acall_sdk(shape)

    (our_request, our_outcome), (sdk_request, sdk_outcome) = asyncio.run(both())
    names, stream = shape.header_names, shape.stream
    assert differences(wire(our_request, names, stream=stream), wire(sdk_request, names, stream=stream)) == []
    assert our_outcome == sdk_outcome


def test_the_comparison_detects_a_difference() -> None:
    """A deliberately different call must show up, field by field."""
    shape = next(s for s in SHAPES if s.name == "every_parameter")
    sdk_request, _ = call_sdk(shape)
    our_request, _ = call_ours(shape, temperature=0.5, include=NOT_INCLUDE, metadata={"user": "u_2"})
    found = differences(wire(our_request), wire(sdk_request))
    assert any(line.startswith("body.temperature:") for line in found)
    assert any(line.startswith("body.metadata:") for line in found)
    assert any(line.startswith("query:") for line in found)
    assert not any(line.startswith(("method:", "path:", "body.tools:")) for line in found)


def test_the_comparison_tells_int_from_float_and_paths_apart() -> None:
    shape = next(s for s in SHAPES if s.name == "integers_stay_integers")
    sdk_request, _ = call_sdk(shape)
    our_request, _ = call_ours(shape, temperature=1.0)
    assert differences(wire(our_request), wire(sdk_request)) == ["body.temperature: ours=1.0 sdk=1"]
    other = Shape("other_thread", shape.kwargs, thread_id="thread_other")
    our_request, _ = call_ours(other)
    assert [line.split(":")[0] for line in differences(wire(our_request), wire(sdk_request))] == ["path"]


NOT_INCLUDE: list[str] = []
