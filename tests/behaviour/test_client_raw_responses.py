"""`with_raw_response` and `with_streaming_response` on the createRun client, sync and async;
`_request_id` on the models it returns."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from openai_client import APIResponse, AsyncAPIResponse, NotFoundError, ResponseTooLargeError
from openai_client.types import RunObject

from .support import RUN, Recorder, body_of, json_response, make_client, sse_event, sse_response

HEADERS = {"x-request-id": "req_123", "openai-processing-ms": "42"}


def streamed_json(body: Any = None, headers: dict[str, str] | None = None, *, asynchronous: bool = False) -> Any:
    """A responder whose body is a stream of chunks (not in memory until read)."""
    data = json.dumps(RUN if body is None else body).encode()

    async def agen() -> Any:
        yield data[:100]
        yield data[100:]

    def respond(request: httpx.Request) -> httpx.Response:
        chunks: Any = agen() if asynchronous else iter([data[:100], data[100:]])
        return httpx.Response(200, content=chunks, headers={"content-type": "application/json", **(headers or {})})

    return respond


def _sync(recorder: Recorder, **kwargs: Any) -> Any:
    return make_client("sync", transport=recorder.transport, **kwargs)


def test_a_parsed_model_carries_the_request_id() -> None:
    recorder = Recorder(json_response(headers=HEADERS))
    run = _sync(recorder).threads.runs.create("thread_1", assistant_id="asst_1")
    assert run._request_id == "req_123"
    assert "_request_id" not in run.to_dict() and "req_123" not in run.to_json()
    other = _sync(Recorder(json_response(headers={"request-id": "req_9"}))).threads.runs.create("t", assistant_id="a")
    assert other._request_id == "req_9"
    assert _sync(Recorder(json_response())).threads.runs.create("t", assistant_id="a")._request_id is None


def test_raw_response_sends_the_same_request_and_parses_the_same() -> None:
    plain, raw = Recorder(json_response(headers=HEADERS)), Recorder(json_response(headers=HEADERS))
    expected = _sync(plain).threads.runs.create("thread_1", assistant_id="asst_1", temperature=0.5)
    response = _sync(raw).threads.runs.with_raw_response.create("thread_1", assistant_id="asst_1", temperature=0.5)
    assert isinstance(response, APIResponse)
    sent, sent_raw = plain.last, raw.last
    assert (sent_raw.method, sent_raw.url, body_of(sent_raw)) == (sent.method, sent.url, body_of(sent))
    assert response.status_code == 200
    assert response.headers["openai-processing-ms"] == "42"
    assert response.request_id == "req_123"
    assert response.http_request.url.path.endswith("/threads/thread_1/runs")
    assert response.json() == RUN
    assert json.loads(response.text) == RUN and json.loads(response.content) == RUN
    parsed = response.parse()
    assert isinstance(parsed, RunObject) and parsed == expected
    assert parsed._request_id == "req_123"
    assert response.parse() is parsed  # parsed once


def test_raw_response_through_a_parent_resource_and_with_options() -> None:
    recorder = Recorder(json_response())
    client = _sync(recorder)
    response = client.with_options(max_retries=0).threads.with_raw_response.runs.create("t", assistant_id="a")
    assert isinstance(response, APIResponse) and isinstance(response.parse(), RunObject)


def test_raw_response_still_raises_status_errors() -> None:
    recorder = Recorder(json_response(404, {"error": {"message": "no such thread"}}))
    with pytest.raises(NotFoundError, match="no such thread"):
        _sync(recorder, max_retries=0).threads.runs.with_raw_response.create("t", assistant_id="a")


def test_streaming_response_reads_nothing_until_asked() -> None:
    recorder = Recorder(streamed_json(headers=HEADERS))
    with _sync(recorder).threads.runs.with_streaming_response.create("t", assistant_id="a") as response:
        assert isinstance(response, APIResponse)
        assert response.headers["x-request-id"] == "req_123"
        assert not hasattr(response.http_response, "_content")  # not read yet
        data = b"".join(response.iter_bytes())
        assert json.loads(data) == RUN
        assert not hasattr(response.http_response, "_content")  # streamed, not buffered
    assert response.is_closed


def test_streaming_response_parse_and_lines() -> None:
    with _sync(Recorder(json_response())).threads.runs.with_streaming_response.create("t", assistant_id="a") as response:
        assert isinstance(response.parse(), RunObject)
    with _sync(Recorder(json_response())).threads.runs.with_streaming_response.create("t", assistant_id="a") as response:
        assert json.loads("".join(response.iter_lines())) == RUN


def test_streaming_response_of_an_event_stream_parses_into_the_stream() -> None:
    events = sse_event("thread.run.created", RUN) + sse_event(None, "[DONE]")
    recorder = Recorder(sse_response(events))
    with _sync(recorder).threads.runs.with_streaming_response.create("t", assistant_id="a", stream=True) as response:
        assert response.headers["content-type"] == "text/event-stream"
        stream = response.parse()
        names = [event.event for event in stream]
    assert names == ["thread.run.created"]


def test_reading_a_streamed_body_keeps_the_size_limit_iterating_does_not() -> None:
    big = {"padding": "x" * 5000, **RUN}
    client = _sync(Recorder(streamed_json(body=big)), max_response_bytes=1000)
    with pytest.raises(ResponseTooLargeError):
        client.threads.runs.create("t", assistant_id="a")
    with client.threads.runs.with_streaming_response.create("t", assistant_id="a") as response:
        with pytest.raises(ResponseTooLargeError):
            response.read()
    with client.threads.runs.with_streaming_response.create("t", assistant_id="a") as response:
        assert json.loads(b"".join(response.iter_bytes())) == big


def test_async_raw_and_streaming_responses() -> None:
    async def main() -> tuple[Any, ...]:
        recorder = Recorder(streamed_json(headers=HEADERS, asynchronous=True))
        async with make_client("async", transport=recorder.transport) as client:
            raw = await client.threads.runs.with_raw_response.create("t", assistant_id="a")
            async with client.threads.runs.with_streaming_response.create("t", assistant_id="a") as streamed:
                assert isinstance(streamed, AsyncAPIResponse)
                chunks = [chunk async for chunk in streamed.iter_bytes()]
            async with client.threads.runs.with_streaming_response.create("t", assistant_id="a") as again:
                parsed = await again.parse()
                text = await again.text()
            return raw, chunks, streamed, parsed, text

    raw, chunks, streamed, parsed, text = asyncio.run(main())
    assert isinstance(raw, APIResponse) and raw.request_id == "req_123"
    assert isinstance(raw.parse(), RunObject) and raw.parse()._request_id == "req_123"
    assert json.loads(b"".join(chunks)) == RUN and streamed.is_closed
    assert isinstance(parsed, RunObject) and json.loads(text) == RUN
