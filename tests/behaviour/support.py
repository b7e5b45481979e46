"""Shared helpers for the behaviour tests: canned payloads, a recording mock API,
and one way to drive the sync and the async client through the same scenario.

The async client is always built inside `asyncio.run`, because an
`httpx.AsyncClient`'s connections belong to the event loop that opened them.
"""

from __future__ import annotations

import asyncio
import copy
import json
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Union
from urllib.parse import parse_qsl

import httpx

from openai_client import AsyncClient, Client

BASE_URL = "https://api.test/v1"
API_KEY = "sk-test-123"
KINDS = ("sync", "async")
INCLUDE_CONTENT = "step_details.tool_calls[*].file_search.results[*].content"

# A complete run object, as the API returns it (every required field present).
RUN: dict[str, Any] = {
    "id": "run_abc123",
    "object": "thread.run",
    "created_at": 1_700_000_000,
    "thread_id": "thread_abc",
    "assistant_id": "asst_abc",
    "status": "queued",
    "required_action": None,
    "last_error": None,
    "expires_at": 1_700_000_600,
    "started_at": None,
    "cancelled_at": None,
    "failed_at": None,
    "completed_at": None,
    "incomplete_details": None,
    "model": "gpt-4o",
    "instructions": "Be helpful.",
    "tools": [{"type": "code_interpreter"}],
    "metadata": {"team": "qa"},
    "usage": None,
    "temperature": 1.0,
    "top_p": 1.0,
    "max_prompt_tokens": None,
    "max_completion_tokens": None,
    "truncation_strategy": {"type": "auto", "last_messages": None},
    "tool_choice": "auto",
    "parallel_tool_calls": True,
    "response_format": "auto",
}


def run_payload(**overrides: Any) -> dict[str, Any]:
    """A deep copy of RUN with some top-level fields replaced or added."""
    payload = copy.deepcopy(RUN)
    payload.update(copy.deepcopy(overrides))
    return payload


# --- responses for the mock transport ------------------------------------------------

Responder = Callable[[httpx.Request], httpx.Response]


def json_response(
    status: int = 200, body: Any = None, headers: dict[str, str] | None = None
) -> Responder:
    """A responder answering JSON (RUN when no body is given)."""
    payload = RUN if body is None else body

    def respond(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=payload, headers=headers)

    return respond


def raw_response(
    status: int, content: bytes, headers: dict[str, str] | None = None
) -> Responder:
    def respond(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=content, headers=headers)

    return respond


def sse_response(text: str | bytes) -> Responder:
    body = text.encode("utf-8") if isinstance(text, str) else text

    def respond(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, content=body, headers={"content-type": "text/event-stream"}
        )

    return respond


def raising(exc_type: type[httpx.TransportError], message: str) -> Responder:
    """A responder that fails the way a broken connection or a timeout does."""

    def respond(request: httpx.Request) -> httpx.Response:
        raise exc_type(message, request=request)

    return respond


def sse_event(event: str | None, data: Any) -> str:
    """One SSE event; `data` that is not a str is sent as JSON."""
    text = data if isinstance(data, str) else json.dumps(data)
    head = f"event: {event}\n" if event is not None else ""
    return head + "".join(f"data: {line}\n" for line in text.split("\n")) + "\n"


class Recorder:
    """A MockTransport handler that records every request and answers from a script.

    The script is consumed in order; its last responder keeps answering once
    the others are used up.
    """

    def __init__(self, *responders: Responder) -> None:
        self.script: deque[Responder] = deque(responders or (json_response(),))
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        responder = self.script.popleft() if len(self.script) > 1 else self.script[0]
        return responder(request)

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    @property
    def last(self) -> httpx.Request:
        assert self.requests, "no request was sent"
        return self.requests[-1]


def body_of(request: httpx.Request) -> Any:
    return json.loads(request.content)


def query_of(request: httpx.Request) -> list[tuple[str, str]]:
    return parse_qsl(request.url.query.decode("ascii"), keep_blank_values=True)


# --- driving the sync and the async client alike ------------------------------------

_UNSET: Any = object()


def make_client(
    kind: str,
    *,
    transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None,
    sleeps: list[float] | None = None,
    base_url: str | None = _UNSET,
    api_key: str | None = _UNSET,
    **kwargs: Any,
) -> Union[Client, AsyncClient]:
    """A Client or AsyncClient; with `sleeps`, retry waits are recorded instead of slept."""
    options: dict[str, Any] = dict(kwargs)
    options["base_url"] = BASE_URL if base_url is _UNSET else base_url
    options["api_key"] = API_KEY if api_key is _UNSET else api_key
    client: Union[Client, AsyncClient]
    if kind == "sync":
        if transport is not None:
            options["http_client"] = httpx.Client(transport=transport)  # type: ignore[arg-type]
        client = Client(**options)
        if sleeps is not None:
            client._sleep = sleeps.append  # type: ignore[method-assign]
    else:
        if transport is not None:
            options["http_client"] = httpx.AsyncClient(transport=transport)  # type: ignore[arg-type]
        client = AsyncClient(**options)
        if sleeps is not None:

            async def record(seconds: float) -> None:
                sleeps.append(seconds)

            client._sleep = record  # type: ignore[method-assign]
    return client


@dataclass
class Drained:
    """What consuming a stream produced."""

    events: list[Any] = field(default_factory=list)
    error: BaseException | None = None
    response_closed: bool = False


def create(
    kind: str,
    *,
    client_kw: dict[str, Any] | None = None,
    options: dict[str, Any] | None = None,
    drain: bool = False,
    limit: int | None = None,
    thread_id: Any = "thread_abc",
    **call_kw: Any,
) -> Any:
    """Build a client of `kind`, call `threads.runs.create`, and return the result.

    `options` goes through `client.with_options(...)` first.  With `drain`, a
    streamed result is consumed inside its `with` block (stopping after `limit`
    events) and a `Drained` is returned; errors raised while iterating are
    captured in it, errors raised by the call itself propagate.
    """
    if kind == "sync":
        client = make_client("sync", **(client_kw or {}))
        with client:  # type: ignore[union-attr]
            target = client.with_options(**options) if options else client
            result = target.threads.runs.create(thread_id, **call_kw)
            return _drain_sync(result, limit) if drain else result

    async def main() -> Any:
        client = make_client("async", **(client_kw or {}))
        async with client:  # type: ignore[union-attr]
            target = client.with_options(**options) if options else client
            result = await target.threads.runs.create(thread_id, **call_kw)
            return await _drain_async(result, limit) if drain else result

    return asyncio.run(main())


def _drain_sync(stream: Any, limit: int | None) -> Drained:
    drained = Drained()
    try:
        with stream:
            for event in stream:
                drained.events.append(event)
                if limit is not None and len(drained.events) >= limit:
                    break
    except Exception as exc:  # noqa: BLE001 - the test inspects it
        drained.error = exc
    drained.response_closed = stream.response.is_closed
    return drained


async def _drain_async(stream: Any, limit: int | None) -> Drained:
    drained = Drained()
    try:
        async with stream:
            async for event in stream:
                drained.events.append(event)
                if limit is not None and len(drained.events) >= limit:
                    break
    except Exception as exc:  # noqa: BLE001 - the test inspects it
        drained.error = exc
    drained.response_closed = stream.response.is_closed
    return drained
