"""Responses by the media type the server sent; `BinaryResponse`; `with_raw_response` and
`with_streaming_response` on a resource (sync and async, over a mock transport and a real server)."""

from __future__ import annotations

import asyncio
import json
import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, Callable

import httpx
import pydantic
import pytest

from generator.client.runtime._base_client import AsyncAPIClient, RequestOptions, SyncAPIClient
from generator.client.runtime._errors import APIResponseValidationError, ResponseTooLargeError
from generator.client.runtime._models import BaseModel
from generator.client.runtime._response import APIResponse, AsyncAPIResponse, AsyncResource, BinaryResponse, SyncResource

from .runtime_support import BEARER, Harness, MockApi, ScriptedServer

MakeHarness = Callable[..., tuple[Harness, MockApi]]


class Widget(BaseModel):
    id: str


def answer(content: bytes, content_type: str | None, headers: dict[str, str] | None = None) -> Callable[[httpx.Request], httpx.Response]:
    def handle(request: httpx.Request) -> httpx.Response:
        sent = dict(headers or {})
        if content_type is not None:
            sent["content-type"] = content_type
        return httpx.Response(200, content=content, headers=sent)

    return handle


def download(**kwargs: Any) -> RequestOptions:
    return RequestOptions(method="get", path="/files/f1/content", **kwargs)


# --- the media type the server sent ------------------------------------------------------


def test_the_sent_media_type_chooses_among_the_listed_ones(mock_harness: MakeHarness) -> None:
    harness, api = mock_harness(
        answer(b'{"id": "w1"}', "application/json"),
        answer(b"hello", "text/plain; charset=utf-8"),
        answer(b"\x89PNG", "image/png"),
        answer(b'{"id": "w2"}', None),  # no content type: the preferred kind
    )
    options = download(response_kind="json", cast_to=Widget, response_also=("binary", "text"))
    assert harness.request(options) == Widget(id="w1")
    assert harness.request(options) == "hello"
    binary = harness.request(options)
    assert isinstance(binary, BinaryResponse) and binary.content == b"\x89PNG"
    assert harness.request(options) == Widget(id="w2")
    assert api.requests[0].headers["accept"] == "*/*"


def test_text_json_is_json_whatever_else_is_listed(mock_harness: MakeHarness) -> None:
    """`text/json` (servers written on .NET send it) is JSON, not the text the operation also lists."""
    harness, _ = mock_harness(answer(b'{"id": "w1"}', "text/json; charset=utf-8"), answer(b'{"id": "w2"}', "application/x-json"), strict_responses=True)
    options = download(response_kind="json", cast_to=Widget, response_also=("text",))
    assert [harness.request(options), harness.request(options)] == [Widget(id="w1"), Widget(id="w2")]


def test_a_json_operation_answered_with_text_keeps_the_text(mock_harness: MakeHarness) -> None:
    harness, _ = mock_harness(
        answer(b"1\n00:00:00,000 --> 00:00:01,000\nHello", "text/plain"),
        answer(b'{"id": "w1"}', "text/plain"),  # mislabelled JSON is still JSON
        answer(b"\x00\x01", "application/octet-stream"),
    )
    options = download(cast_to=Widget)
    assert harness.request(options) == "1\n00:00:00,000 --> 00:00:01,000\nHello"
    assert harness.request(options) == Widget(id="w1")
    assert harness.request(options).content == b"\x00\x01"


def test_strict_responses_raise_for_text_where_json_is_declared(mock_harness: MakeHarness) -> None:
    harness, _ = mock_harness(answer(b"plain words", "text/plain"), strict_responses=True)
    with pytest.raises(APIResponseValidationError, match="not valid JSON"):
        harness.request(download(cast_to=Widget))


def test_a_binary_operation_answered_with_json_lists_it_only_if_declared(mock_harness: MakeHarness) -> None:
    harness, _ = mock_harness(answer(b'{"error": "gone"}', "application/json"))
    assert isinstance(harness.request(download(response_kind="binary")), BinaryResponse)
    assert harness.request(download(response_kind="binary", response_also=("json",))) == {"error": "gone"}


def test_no_declared_content_is_none_only_for_an_empty_body(mock_harness: MakeHarness) -> None:
    harness, _ = mock_harness(
        lambda r: httpx.Response(204),
        answer(b"file bytes", "application/octet-stream"),
        answer(b"some text", "text/csv"),
        answer(b'{"ok": true}', "application/json"),
    )
    options = download(response_kind="none")
    assert harness.request(options) is None
    assert harness.request(options).content == b"file bytes"
    assert harness.request(options) == "some text"
    kept = harness.request(options)
    assert isinstance(kept, BinaryResponse) and kept.json() == {"ok": True}


def test_models_carry_the_request_id(mock_harness: MakeHarness) -> None:
    harness, _ = mock_harness(
        answer(b'{"id": "w1"}', "application/json", {"x-request-id": "req_1"}),
        answer(b'{"id": 5}', "application/json", {"request-id": "req_2"}),  # lenient: built unchecked
        answer(b'{"id": "w3"}', "application/json"),
    )
    first, second, third = (harness.request(download(cast_to=Widget)) for _ in range(3))
    assert (first._request_id, second._request_id, third._request_id) == ("req_1", "req_2", None)
    assert first.to_dict() == {"id": "w1"} and first == Widget(id="w1")


def test_binary_response_object(tmp_path: Path) -> None:
    response = httpx.Response(200, content="héllo".encode(), headers={"content-type": "text/x-thing; charset=utf-8", "x-request-id": "r9"})
    binary = BinaryResponse(response)
    assert binary.response is response and binary.content == "héllo".encode()
    assert binary.text == "héllo" and binary.encoding == "utf-8" and binary.request_id == "r9"
    assert b"".join(binary.iter_bytes(2)) == binary.content and len(list(binary.iter_bytes(2))) == 3
    binary.write_to_file(tmp_path / "out.bin")
    assert (tmp_path / "out.bin").read_bytes() == binary.content
    assert BinaryResponse(httpx.Response(200, content=b'[1, 2]')).json() == [1, 2]


# --- with_raw_response / with_streaming_response on a resource -------------------------


class Widgets(SyncResource):
    def retrieve(self, widget_id: str) -> Widget:
        return self._client.request(  # type: ignore[no-any-return]
            RequestOptions(method="get", path="/widgets/{id}", path_params={"id": widget_id}, cast_to=Widget)
        )

    def content(self) -> BinaryResponse:
        return self._client.request(download(response_kind="binary"))  # type: ignore[no-any-return]

    @property
    def parts(self) -> Widgets:
        return Widgets(self._client)


class AsyncWidgets(AsyncResource):
    async def retrieve(self, widget_id: str) -> Widget:
        return await self._client.request(  # type: ignore[no-any-return]
            RequestOptions(method="get", path="/widgets/{id}", path_params={"id": widget_id}, cast_to=Widget)
        )

    async def content(self) -> BinaryResponse:
        return await self._client.request(download(response_kind="binary"))  # type: ignore[no-any-return]


def sync_client(transport: httpx.BaseTransport, **kwargs: Any) -> SyncAPIClient:
    return SyncAPIClient(
        base_url="https://api.test/v1", api_key="k", auth=BEARER, user_agent="t/1",
        http_client=httpx.Client(transport=transport), max_retries=0, **kwargs,
    )


def async_client(transport: httpx.AsyncBaseTransport, **kwargs: Any) -> AsyncAPIClient:
    return AsyncAPIClient(
        base_url="https://api.test/v1", api_key="k", auth=BEARER, user_agent="t/1",
        http_client=httpx.AsyncClient(transport=transport), max_retries=0, **kwargs,
    )


def chunked(*chunks: bytes, content_type: str = "application/json", asynchronous: bool = False) -> Callable[[httpx.Request], httpx.Response]:
    async def agen() -> Any:
        for chunk in chunks:
            yield chunk

    def handle(request: httpx.Request) -> httpx.Response:
        body: Any = agen() if asynchronous else iter(chunks)
        return httpx.Response(200, content=body, headers={"content-type": content_type, "x-request-id": "req_7"})

    return handle


def test_sync_raw_response() -> None:
    api = MockApi(chunked(b'{"id":', b' "w1"}'))
    widgets = Widgets(sync_client(api.transport))
    response = widgets.with_raw_response.retrieve("w1")
    assert isinstance(response, APIResponse)
    assert api.requests[0].url.path == "/v1/widgets/w1"
    assert (response.status_code, response.request_id, response.headers["content-type"]) == (200, "req_7", "application/json")
    assert response.http_request is api.requests[0] or response.http_request.url == api.requests[0].url
    assert response.content == b'{"id": "w1"}' and response.json() == {"id": "w1"} and response.text == '{"id": "w1"}'
    parsed = response.parse()
    assert parsed == Widget(id="w1") and parsed._request_id == "req_7"
    assert widgets.with_raw_response.parts.retrieve("w2").http_request.url.path == "/v1/widgets/w2"


def test_sync_streaming_response_is_not_buffered() -> None:
    api = MockApi(chunked(b"ab", b"cd", b"ef", content_type="application/octet-stream"))
    widgets = Widgets(sync_client(api.transport, max_response_bytes=4))
    with widgets.with_streaming_response.content() as response:
        assert not response.is_closed
        assert list(response.iter_bytes()) == [b"ab", b"cd", b"ef"]  # past the limit: streamed
        assert not hasattr(response.http_response, "_content")
    assert response.is_closed
    with widgets.with_streaming_response.content() as response:
        with pytest.raises(ResponseTooLargeError):
            response.read()
    with widgets.with_streaming_response.parts.content() as response:  # through a sub-resource
        assert isinstance(response, APIResponse)


def test_sync_streaming_response_parse() -> None:
    api = MockApi(chunked(b"ab", b"cd", content_type="application/octet-stream"))
    with Widgets(sync_client(api.transport)).with_streaming_response.content() as response:
        binary = response.parse()
        assert isinstance(binary, BinaryResponse) and binary.content == b"abcd"


def test_async_raw_and_streaming_responses() -> None:
    async def main() -> tuple[Any, ...]:
        raw_api = MockApi(chunked(b'{"id": "w1"}', asynchronous=True))
        raw = await AsyncWidgets(async_client(raw_api.transport)).with_raw_response.retrieve("w1")
        api = MockApi(chunked(b"ab", b"cd", content_type="application/octet-stream", asynchronous=True))
        widgets = AsyncWidgets(async_client(api.transport, max_response_bytes=3))
        async with widgets.with_streaming_response.content() as streamed:
            assert isinstance(streamed, AsyncAPIResponse)
            chunks = [chunk async for chunk in streamed.iter_bytes()]
        async with widgets.with_streaming_response.content() as again:
            with pytest.raises(ResponseTooLargeError):
                await again.read()
        lines_api = MockApi(chunked(b"a\nb", b"\nc", content_type="text/plain", asynchronous=True))
        async with AsyncWidgets(async_client(lines_api.transport)).with_streaming_response.content() as lines:
            got = [line async for line in lines.iter_lines()]
        return raw, chunks, streamed, got

    raw, chunks, streamed, lines = asyncio.run(main())
    assert isinstance(raw, APIResponse) and raw.parse() == Widget(id="w1") and raw.request_id == "req_7"
    assert chunks == [b"ab", b"cd"] and streamed.is_closed
    assert lines == ["a", "b", "c"]


# --- a real server: chunks arrive before the body ends ----------------------------------


def _trickle(first_seen: threading.Event, outcome: dict[str, bool]) -> Callable[[BaseHTTPRequestHandler], None]:
    """Send one chunk, then wait for the client to say it got it before sending the rest."""

    def act(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/octet-stream")
        handler.send_header("Content-Length", "10")
        handler.end_headers()
        handler.wfile.write(b"first")
        handler.wfile.flush()
        outcome["client saw the first chunk first"] = first_seen.wait(timeout=10)
        handler.wfile.write(b"-rest")
        handler.wfile.flush()

    return act


def test_streaming_response_from_a_real_server(kind: str, server: ScriptedServer) -> None:
    first_seen = threading.Event()
    outcome: dict[str, bool] = {}
    server.script(_trickle(first_seen, outcome))
    received: list[bytes] = []

    def on_chunk(chunk: bytes) -> None:
        received.append(chunk)
        first_seen.set()

    if kind == "sync":
        client = SyncAPIClient(base_url=server.url, api_key="k", auth=BEARER, user_agent="t/1", max_retries=0)
        with Widgets(client).with_streaming_response.content() as response:
            for chunk in response.iter_bytes():
                on_chunk(chunk)
        client.close()
    else:

        async def main() -> None:
            async with AsyncAPIClient(base_url=server.url, api_key="k", auth=BEARER, user_agent="t/1", max_retries=0) as client:
                async with AsyncWidgets(client).with_streaming_response.content() as response:
                    async for chunk in response.iter_bytes():
                        on_chunk(chunk)

        asyncio.run(main())
    assert outcome == {"client saw the first chunk first": True}
    assert b"".join(received) == b"first-rest" and received[0] == b"first"


def test_sync_raw_response_of_an_event_stream_reads_it_on_demand() -> None:
    api = MockApi(chunked(b"data: {\"id\": \"w1\"}\n\n", b"data: [DONE]\n\n", content_type="text/event-stream"))
    client = sync_client(api.transport)
    options = RequestOptions(method="post", path="/widgets", stream=True, stream_item=Widget)
    raw = client._request_response(options, "raw")
    assert list(raw.parse()) == [Widget(id="w1")]
    again = client._request_response(options, "raw")
    assert again.text == 'data: {"id": "w1"}\n\ndata: [DONE]\n\n'
