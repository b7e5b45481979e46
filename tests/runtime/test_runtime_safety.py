"""A hostile or careless server: redirects to other origins, huge bodies, slow bodies.

Each scenario runs against the sync and the async client (the `kind` fixture);
the ones that need real sockets use `ScriptedServer` on 127.0.0.1, the rest
`httpx.MockTransport`.  Nothing here sends more than a few MB: limits are set
small and the servers are bounded.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import time
import tracemalloc
import zlib
from http.server import BaseHTTPRequestHandler
from typing import Any, Callable, Iterator

import httpx
import pytest

from generator.client.runtime._base_client import (
    DEFAULT_CONNECTION_LIMITS,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_SSE_LINE_BYTES,
    AsyncAPIClient,
    AuthSpec,
    RequestOptions,
    SyncAPIClient,
)
from generator.client.runtime._errors import (
    APIError,
    APITimeoutError,
    ResponseTooLargeError,
)
from generator.client.runtime._models import BaseModel

from .runtime_support import Harness, MockApi, ScriptedServer, reply, send_json

KEY = "sk-test"
MiB = 1024 * 1024

SCHEMES = {
    "bearer": AuthSpec("header", "Authorization", "Bearer {key}"),
    "api-key-header": AuthSpec("header", "X-Api-Key"),
    "api-key-query": AuthSpec("query", "api_key"),
    "api-key-cookie": AuthSpec("cookie", "token"),
}
REDIRECTS = (301, 302, 303, 307, 308)
OTHER_ORIGINS = (
    "https://elsewhere.test/v1/landing",  # another host
    "https://api.test:8443/v1/landing",  # another port
    "http://api.test/v1/landing",  # another scheme
)
SAME_ORIGIN = ("https://api.test/v1/landing", "https://api.test:443/v1/landing", "/v1/landing")


class Item(BaseModel):
    id: str
    count: int


def get(path: str = "/widgets", **kwargs: Any) -> RequestOptions:
    return RequestOptions(method="get", path=path, cast_to=Item, **kwargs)


def carries_key(request: httpx.Request | dict[str, Any]) -> bool:
    """Whether the API key appears anywhere in the request's URL or headers."""
    if isinstance(request, dict):
        return KEY in request["path"] or any(KEY in v for v in request["headers"].values())
    return KEY in str(request.url) or any(KEY in v for v in request.headers.values())


def redirecting_api(status: int, location: str) -> MockApi:
    """Redirects the first request, keeping its query on the new location (as proxies do)."""

    def first(request: httpx.Request) -> httpx.Response:
        query = request.url.query.decode()
        target = location + ("?" + query if query else "")
        return httpx.Response(status, headers={"Location": target})

    return MockApi(first, reply(200, {"id": "i1", "count": 1}))


def mock(kind: str, api: MockApi, **kwargs: Any) -> Harness:
    return Harness(kind, base_url="https://api.test/v1", transport=api.transport, follow_redirects=True, **kwargs)


# --- 7: redirects never carry credentials to another origin -----------------------------


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("status", REDIRECTS)
@pytest.mark.parametrize("location", OTHER_ORIGINS)
def test_redirect_to_another_origin_drops_every_credential(
    kind: str, scheme: str, status: int, location: str
) -> None:
    api = redirecting_api(status, location)
    item = mock(kind, api, auth=SCHEMES[scheme]).request(get())
    assert item.id == "i1"
    first, landing = api.requests
    assert carries_key(first)
    assert str(landing.url).startswith(location)
    assert not carries_key(landing), (landing.url, dict(landing.headers))


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("status", REDIRECTS)
@pytest.mark.parametrize("location", SAME_ORIGIN)
def test_redirect_within_the_origin_keeps_the_credentials(
    kind: str, scheme: str, status: int, location: str
) -> None:
    api = redirecting_api(status, location)
    mock(kind, api, auth=SCHEMES[scheme]).request(get())
    landing = api.requests[1]
    assert landing.url.path == "/v1/landing"
    assert carries_key(landing), (landing.url, dict(landing.headers))


def test_same_origin_redirect_puts_a_query_key_back_when_the_location_lost_it(kind: str) -> None:
    api = MockApi(
        lambda r: httpx.Response(302, headers={"Location": "/v1/landing"}),
        reply(200, {"id": "i1", "count": 1}),
    )
    mock(kind, api, auth=SCHEMES["api-key-query"]).request(get())
    assert api.requests[1].url.params["api_key"] == KEY


def test_cookie_parameters_do_not_follow_to_another_origin(kind: str) -> None:
    api = redirecting_api(307, OTHER_ORIGINS[0])
    mock(kind, api).request(get(cookies={"session": "s3cr3t"}))
    assert "s3cr3t" in api.requests[0].headers["cookie"]
    assert "cookie" not in api.requests[1].headers


@pytest.mark.parametrize(("status", "method", "has_body"), [(301, "GET", False), (302, "GET", False), (303, "GET", False), (307, "POST", True), (308, "POST", True)])
def test_redirect_method_and_body(kind: str, status: int, method: str, has_body: bool) -> None:
    api = redirecting_api(status, SAME_ORIGIN[0])
    options = RequestOptions(method="post", path="/widgets", body={"name": "x"}, cast_to=Item)
    mock(kind, api).request(options)
    landing = api.requests[1]
    assert landing.method == method
    assert (landing.content == b'{"name":"x"}') is has_body
    assert ("content-type" in landing.headers) is has_body


def test_redirects_are_not_followed_when_the_users_http_client_says_so(kind: str) -> None:
    api = redirecting_api(302, SAME_ORIGIN[0])
    harness = Harness(kind, base_url="https://api.test/v1", transport=api.transport, max_retries=0)
    with pytest.raises(APIError):
        harness.request(get())
    assert len(api.requests) == 1


@pytest.fixture
def other_server() -> Iterator[ScriptedServer]:
    srv = ScriptedServer()
    srv.thread.start()
    try:
        yield srv
    finally:
        srv.httpd.shutdown()
        srv.httpd.server_close()
        srv.thread.join(timeout=5)


def redirect_to(status: int, url: str) -> Callable[[BaseHTTPRequestHandler], None]:
    def act(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Location", url)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return act


@pytest.mark.parametrize("status", (302, 307))
def test_real_redirect_to_another_port_drops_the_api_key_header(
    kind: str, server: ScriptedServer, other_server: ScriptedServer, status: int
) -> None:
    # Two ports on 127.0.0.1 are two origins.
    server.script(redirect_to(status, other_server.url + "/v1/landing"))
    other_server.script(send_json(200, {"id": "i1", "count": 1}))
    harness = Harness(kind, base_url=server.url + "/v1", follow_redirects=True, auth=SCHEMES["api-key-header"])
    assert harness.request(get()).id == "i1"
    [first], [landing] = server.requests, other_server.requests
    assert first["headers"]["X-Api-Key"] == KEY
    assert landing["path"] == "/v1/landing"
    assert not carries_key(landing), landing


def test_real_redirect_within_the_server_keeps_the_api_key_header(kind: str, server: ScriptedServer) -> None:
    server.script(redirect_to(307, server.url + "/v1/landing"), send_json(200, {"id": "i1", "count": 1}))
    harness = Harness(kind, base_url=server.url + "/v1", follow_redirects=True, auth=SCHEMES["api-key-header"])
    harness.request(get())
    assert server.requests[1]["headers"]["X-Api-Key"] == KEY


# --- 8: bounded bodies ----------------------------------------------------------------


class Sent:
    """What a streaming server action managed to write before the client hung up."""

    def __init__(self) -> None:
        self.bytes = 0
        self.broken = False


def endless_body(
    sent: Sent,
    *,
    status: int = 200,
    total: int = 64 * MiB,
    headers: dict[str, str] | None = None,
    chunk: bytes = b"x" * 65536,
    prefix: bytes = b"",
) -> Callable[[BaseHTTPRequestHandler], None]:
    """A body of `total` bytes without Content-Length (it ends when the server closes)."""

    def act(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        for name, value in (headers or {"Content-Type": "application/json"}).items():
            handler.send_header(name, value)
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.close_connection = True
        try:
            handler.wfile.write(prefix)
            while sent.bytes < total:
                handler.wfile.write(chunk)
                sent.bytes += len(chunk)
        except OSError:
            sent.broken = True

    return act


def test_an_endless_body_stops_at_the_limit_and_closes_the_connection(kind: str, server: ScriptedServer) -> None:
    sent = Sent()
    server.script(endless_body(sent))
    harness = Harness(kind, base_url=server.url + "/v1", max_response_bytes=MiB)
    with pytest.raises(ResponseTooLargeError) as info:
        harness.request(get())
    assert info.value.limit == MiB and info.value.status_code == 200

    deadline = time.monotonic() + 5
    while not sent.broken and time.monotonic() < deadline:
        time.sleep(0.01)
    assert sent.broken, "the client kept the connection open"
    assert sent.bytes < 64 * MiB


def test_a_declared_length_over_the_limit_is_refused_before_reading(kind: str, server: ScriptedServer) -> None:
    sent = Sent()
    server.script(endless_body(sent, total=8 * MiB, headers={"Content-Length": str(8 * MiB)}))
    with pytest.raises(ResponseTooLargeError):
        Harness(kind, base_url=server.url + "/v1", max_response_bytes=MiB).request(get())


def test_an_endless_error_body_is_bounded_too_and_not_retried(kind: str, server: ScriptedServer) -> None:
    sent = Sent()
    server.script(endless_body(sent, status=500), endless_body(Sent(), status=500))
    harness = Harness(kind, base_url=server.url + "/v1", max_response_bytes=MiB)
    with pytest.raises(ResponseTooLargeError) as info:
        harness.request(get())
    assert info.value.status_code == 500
    assert len(server.requests) == 1


def gzip_bomb(size: int) -> bytes:
    return gzip.compress(b"\0" * size, compresslevel=9)


def test_a_gzip_bomb_is_counted_decompressed_and_never_inflated_past_the_limit(
    kind: str, server: ScriptedServer
) -> None:
    bomb = gzip_bomb(64 * MiB)  # ~64 KB on the wire
    assert len(bomb) < MiB
    server.script(send_json(200, bomb, {"Content-Encoding": "gzip"}))
    harness = Harness(kind, base_url=server.url + "/v1", max_response_bytes=MiB)
    tracemalloc.start()
    try:
        with pytest.raises(ResponseTooLargeError):
            harness.request(get())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Inflating the wire chunk in one go would allocate its 64 MiB at once.
    assert peak < 16 * MiB


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate"])
def test_compressed_bodies_under_the_limit_are_decoded(kind: str, server: ScriptedServer, encoding: str) -> None:
    body = json.dumps({"id": "i" * 5000, "count": 3}).encode()
    if encoding == "gzip":
        wire = gzip.compress(body)
    elif encoding == "deflate":
        wire = zlib.compress(body)
    else:
        compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        wire = compressor.compress(body) + compressor.flush()
    header = "deflate" if encoding == "raw-deflate" else encoding
    server.script(send_json(200, wire, {"Content-Encoding": header}))
    item = Harness(kind, base_url=server.url + "/v1", max_response_bytes=len(body)).request(get())
    assert (item.id, item.count) == ("i" * 5000, 3)


def test_a_body_at_the_limit_passes_and_one_byte_more_does_not(kind: str) -> None:
    body = json.dumps({"id": "abc", "count": 1}).encode()
    api = MockApi(reply(200, body))
    harness = Harness(kind, base_url="https://api.test/v1", transport=api.transport, max_response_bytes=len(body))
    assert harness.request(get()).id == "abc"
    harness = Harness(kind, base_url="https://api.test/v1", transport=api.transport, max_response_bytes=len(body) - 1)
    with pytest.raises(ResponseTooLargeError):
        harness.request(get())


def test_a_streamed_gzip_bomb_on_a_mock_transport(kind: str) -> None:
    bomb = gzip_bomb(8 * MiB)
    api = MockApi(lambda r: httpx.Response(200, headers={"Content-Encoding": "gzip"}, stream=httpx.ByteStream(bomb)))
    harness = Harness(kind, base_url="https://api.test/v1", transport=api.transport, max_response_bytes=MiB)
    with pytest.raises(ResponseTooLargeError):
        harness.request(get())


def test_with_options_lifts_the_limit_for_a_large_download(kind: str) -> None:
    payload = b"\1" * (2 * MiB)
    api = MockApi(lambda r: httpx.Response(200, stream=httpx.ByteStream(payload)))
    options = RequestOptions(method="get", path="/files/f1/content", response_kind="binary")

    async def run_async() -> bytes:
        async with harness.async_client() as client:
            with pytest.raises(ResponseTooLargeError):
                await client.request(options)
            result = await client.with_options(max_response_bytes=None).request(options)
            return bytes(result.content)

    harness = Harness(kind, base_url="https://api.test/v1", transport=api.transport, max_response_bytes=MiB)
    if kind == "sync":
        with harness.sync_client() as client:
            with pytest.raises(ResponseTooLargeError):
                client.request(options)
            assert client.with_options(max_response_bytes=None).request(options).content == payload
    else:
        assert asyncio.run(run_async()) == payload


def stream_options() -> RequestOptions:
    return RequestOptions(method="post", path="/runs", body={"stream": True}, stream=True)


def test_an_sse_line_that_never_ends_stops_at_the_line_limit(kind: str, server: ScriptedServer) -> None:
    sent = Sent()
    server.script(endless_body(sent, headers={"Content-Type": "text/event-stream"}, prefix=b"data: "))
    harness = Harness(kind, base_url=server.url + "/v1", max_sse_line_bytes=MiB)
    with pytest.raises(ResponseTooLargeError) as info:
        harness.request(stream_options())
    assert info.value.limit == MiB
    assert sent.bytes < 64 * MiB


def test_an_sse_event_that_never_ends_stops_at_the_limit(kind: str, server: ScriptedServer) -> None:
    # Short data lines, never the blank line that would end the event.
    server.script(endless_body(Sent(), headers={"Content-Type": "text/event-stream"}, chunk=b"data: x\n" * 8192))
    harness = Harness(kind, base_url=server.url + "/v1", max_sse_line_bytes=MiB)
    with pytest.raises(ResponseTooLargeError):
        harness.request(stream_options())


def test_a_stream_longer_than_the_body_limit_is_fine(kind: str) -> None:
    # The streaming API is how large responses stay possible: only one line or event is bounded.
    events = b"".join(b'data: {"n": %d}\n\n' % n for n in range(20000))
    assert len(events) > 256 * 1024
    api = MockApi(lambda r: httpx.Response(200, headers={"Content-Type": "text/event-stream"}, content=events))
    harness = Harness(kind, base_url="https://api.test/v1", transport=api.transport, max_response_bytes=1024, max_sse_line_bytes=1024)
    items = harness.request(stream_options())
    assert len(items) == 20000 and items[-1] == {"n": 19999}


def test_limits_default_to_safe_sizes_and_reject_nonsense() -> None:
    assert (DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_MAX_SSE_LINE_BYTES) == (100 * MiB, 16 * MiB)
    client = SyncAPIClient(base_url="https://api.test", api_key=KEY, auth=None, user_agent="t")
    assert (client._max_response_bytes, client._max_sse_line_bytes) == (100 * MiB, 16 * MiB)
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="max_response_bytes"):
            SyncAPIClient(base_url="https://api.test", api_key=KEY, auth=None, user_agent="t", max_response_bytes=bad)  # type: ignore[arg-type]


# --- 9: a float timeout is a deadline for the whole attempt ----------------------------------


def trickle(body: bytes, every: float, *, headers_too: bool = False) -> Callable[[BaseHTTPRequestHandler], None]:
    """Headers, then the body one byte at a time (with `headers_too`, the headers as well)."""

    def act(handler: BaseHTTPRequestHandler) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
        handler.close_connection = True
        try:
            if headers_too:
                for i in range(len(head)):
                    handler.wfile.write(head[i : i + 1])
                    handler.wfile.flush()
                    time.sleep(every)
            else:
                handler.wfile.write(head)
                handler.wfile.flush()
            for i in range(len(body)):
                time.sleep(every)
                handler.wfile.write(body[i : i + 1])
                handler.wfile.flush()
        except OSError:
            pass

    return act


def test_a_float_timeout_bounds_a_body_that_trickles(kind: str, server: ScriptedServer) -> None:
    # One byte every 0.2 s: no single read ever waits 1 s, the whole body would take 10 s.
    server.script(trickle(b"x" * 50, 0.2))
    harness = Harness(kind, base_url=server.url + "/v1", timeout=1.0, max_retries=0)
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        harness.request(get())
    assert time.monotonic() - started < 5  # a guard that it ended, not a benchmark


def test_a_per_call_float_timeout_is_a_deadline_too(kind: str, server: ScriptedServer) -> None:
    server.script(trickle(b"x" * 50, 0.2))
    harness = Harness(kind, base_url=server.url + "/v1", max_retries=0)
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        harness.request(get(timeout=1))
    assert time.monotonic() - started < 5


def test_an_httpx_timeout_keeps_its_per_read_meaning(kind: str, server: ScriptedServer) -> None:
    body = json.dumps({"id": "i1", "count": 1}).encode().ljust(40)
    server.script(trickle(body, 0.1))  # ~4 s in all, never 1.5 s between bytes
    harness = Harness(kind, base_url=server.url + "/v1", timeout=httpx.Timeout(1.5), max_retries=0)
    assert harness.request(get()).id == "i1"


def test_the_async_deadline_also_bounds_headers_that_trickle(server: ScriptedServer) -> None:
    server.script(trickle(b"{}", 0.2, headers_too=True))
    harness = Harness("async", base_url=server.url + "/v1", timeout=1.0, max_retries=0)
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        harness.request(get())
    assert time.monotonic() - started < 5


def test_a_deadline_is_per_attempt_and_timeouts_are_retried(kind: str, server: ScriptedServer) -> None:
    server.script(trickle(b"x" * 50, 0.2), send_json(200, {"id": "i1", "count": 1}))
    harness = Harness(kind, base_url=server.url + "/v1", timeout=1.0, max_retries=1)
    assert harness.request(get()).id == "i1"
    assert len(harness.sleeps) == 1


# --- 11: connection pool --------------------------------------------------------------


def pool_of(client: SyncAPIClient | AsyncAPIClient) -> Any:
    return client._client._transport._pool  # type: ignore[union-attr]


def test_the_default_pool_is_as_large_as_the_official_sdks() -> None:
    assert (DEFAULT_CONNECTION_LIMITS.max_connections, DEFAULT_CONNECTION_LIMITS.max_keepalive_connections) == (1000, 100)
    for cls in (SyncAPIClient, AsyncAPIClient):
        client = cls(base_url="https://api.test", api_key=KEY, auth=None, user_agent="t")
        pool = pool_of(client)
        assert (pool._max_connections, pool._max_keepalive_connections) == (1000, 100)
        assert client._client.follow_redirects is True


def test_the_pool_limits_are_configurable() -> None:
    limits = httpx.Limits(max_connections=7, max_keepalive_connections=3)
    for cls in (SyncAPIClient, AsyncAPIClient):
        pool = pool_of(cls(base_url="https://api.test", api_key=KEY, auth=None, user_agent="t", limits=limits))
        assert (pool._max_connections, pool._max_keepalive_connections) == (7, 3)


def test_limits_with_an_own_http_client_is_an_error() -> None:
    with pytest.raises(ValueError, match="limits"):
        SyncAPIClient(
            base_url="https://api.test", api_key=KEY, auth=None, user_agent="t",
            http_client=httpx.Client(), limits=httpx.Limits(max_connections=1),
        )


# --- the SSE decoder's own limit ------------------------------------------------------


def decode(chunks: list[bytes], limit: int) -> list[str]:
    from generator.client.runtime._sse import SSEDecoder

    return [event.data for event in SSEDecoder(limit).iter_bytes(iter(chunks))]


@pytest.mark.parametrize(
    "chunks",
    [
        [b"data: 0123456789\n\n"],  # one chunk
        [b"data: 01234", b"56789", b"\n\n"],  # a line cut into pieces
        [b"data: 01234\ndata: 5678\n\n"],  # two data lines: 5 + 4 bytes and the joining LF
        [b"data: 0123456789\n\ndata: 0123456789\n\n"],  # each event counts alone
    ],
)
def test_sse_lines_and_events_up_to_the_limit_pass(chunks: list[bytes]) -> None:
    # The limit counts a line's bytes without its end, and an event's data without the "data: " prefixes.
    assert decode(chunks, 16)


@pytest.mark.parametrize(
    "chunks",
    [
        [b"data: 0123456789abcdefXYZ\n\n"],
        [b"data: 01234", b"56789abcdef", b"XYZ", b"\n\n"],
        [b": a comment that is far too long for the limit\n"],
        [b"data: 0123456789\n", b"data: 0123456789\n", b"\n"],
        [b"data: 0123456789\ndata: 0123456789\n\n"],
        [b"data", b":01234567", b"89\ndata:0123456789\n"],
    ],
)
def test_sse_lines_or_events_over_the_limit_raise(chunks: list[bytes]) -> None:
    from generator.client.runtime._sse import SSETooLargeError

    with pytest.raises(SSETooLargeError):
        decode(chunks, 16)
