"""Failures, retries and streaming, against a real HTTP server on 127.0.0.1 and a MockTransport.

The server is a `ThreadingHTTPServer` on port 0 that plays a script of
responses, one per request; it is stopped after each test, and a watchdog
stops it by itself if a test hangs.  Retry waits go to a list instead of
`time.sleep` (the client's `_sleep` is replaced), so the retry tests are fast.
"""

from __future__ import annotations

import asyncio
import json
import socket
import struct
import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import httpx
import pytest

from openai_client import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnknownEvent,
    UnprocessableEntityError,
)
from openai_client.types.error_event import ErrorEvent
from openai_client.types.run_object import RunObject
from openai_client.types.run_stream_event_thread_run_completed import RunStreamEventThreadRunCompleted
from openai_client.types.run_stream_event_thread_run_created import RunStreamEventThreadRunCreated
from openai_client.types.run_stream_event_thread_run_in_progress import RunStreamEventThreadRunInProgress

from .support import (
    KINDS,
    RUN,
    Recorder,
    create,
    json_response,
    make_client,
    raising,
    raw_response,
    run_payload,
    sse_event,
    sse_response,
)

WATCHDOG_SECONDS = 30.0
STALL_SECONDS = 2.0  # how long a "stall" answer waits; bounded, and cut short at shutdown

ERROR_BODY = {
    "error": {
        "message": "The thread is locked.",
        "type": "invalid_request_error",
        "code": "thread_locked",
        "param": "thread_id",
    }
}


# --- the scripted server ------------------------------------------------------------


@dataclass
class Answer:
    """One scripted answer: a response, a reset, a stall, or an SSE stream (maybe cut)."""

    kind: str  # "respond" | "reset" | "stall" | "sse"
    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    chunks: tuple[bytes, ...] = ()
    complete: bool = True


def respond(status: int, body: Any = None, headers: dict[str, str] | None = None) -> Answer:
    raw = body if isinstance(body, bytes) else json.dumps(RUN if body is None else body).encode()
    head = {"Content-Type": "application/json", **(headers or {})}
    return Answer("respond", status=status, body=raw, headers=tuple(head.items()))


def sse(*chunks: str, complete: bool = True) -> Answer:
    return Answer("sse", chunks=tuple(c.encode() for c in chunks), complete=complete)


RESET = Answer("reset")
STALL = Answer("stall")


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class ScriptedServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # never wait for a handler thread at shutdown

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script: deque[Answer] = deque()
        self.seen: list[Seen] = []
        self.stopping = threading.Event()
        self.lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def play(self, *answers: Answer) -> None:
        self.script.extend(answers)

    def next_answer(self) -> Answer:
        with self.lock:
            return self.script.popleft() if self.script else respond(599, {"error": {"message": "script exhausted"}})

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that time out or drop streams make writes fail; that is expected here.
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: ScriptedServer

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without NODELAY, Nagle's
        # algorithm and delayed ACKs add ~40 ms to every response.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.seen.append(Seen("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body))
        answer = self.server.next_answer()
        if answer.kind == "reset":
            # SO_LINGER with a zero timeout makes close() send RST: a connection reset.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if answer.kind == "stall":
            self.server.stopping.wait(STALL_SECONDS)
            answer = respond(200)
        if answer.kind == "sse":
            self._stream(answer)
            return
        self.send_response(answer.status)
        for name, value in answer.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)

    def _stream(self, answer: Answer) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for chunk in answer.chunks:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.flush()
        if answer.complete:
            self.wfile.write(b"0\r\n\r\n")
        else:
            # Cut: no terminating chunk, and the connection goes away.
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    srv = ScriptedServer()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    watchdog = threading.Timer(WATCHDOG_SECONDS, srv.shutdown)
    watchdog.daemon = True
    watchdog.start()
    try:
        yield srv
    finally:
        watchdog.cancel()
        srv.stopping.set()
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=5)


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def over_server(kind: str, server: ScriptedServer, sleeps: list[float], **kw: Any) -> Any:
    options = kw.pop("options", None)
    drain = kw.pop("drain", False)
    limit = kw.pop("limit", None)
    client_kw = {"base_url": server.base_url, "sleeps": sleeps, **kw.pop("client_kw", {})}
    kw.setdefault("assistant_id", "asst_abc")
    return create(kind, client_kw=client_kw, options=options, drain=drain, limit=limit, **kw)


def over_mock(kind: str, recorder: Recorder, sleeps: list[float], **kw: Any) -> Any:
    options = kw.pop("options", None)
    drain = kw.pop("drain", False)
    limit = kw.pop("limit", None)
    client_kw = {"transport": recorder.transport, "sleeps": sleeps, **kw.pop("client_kw", {})}
    kw.setdefault("assistant_id", "asst_abc")
    return create(kind, client_kw=client_kw, options=options, drain=drain, limit=limit, **kw)


# --- retries ------------------------------------------------------------------------


def test_429_with_retry_after_then_success(kind: str, server: ScriptedServer) -> None:
    server.play(respond(429, ERROR_BODY, {"Retry-After": "3"}), respond(200))
    sleeps: list[float] = []
    run = over_server(kind, server, sleeps)
    assert isinstance(run, RunObject) and run.id == RUN["id"]
    assert len(server.seen) == 2
    assert sleeps == [3.0]  # the server's delay, not the backoff
    assert server.seen[0].body == server.seen[1].body


def test_429_with_retry_after_ms_on_mock(kind: str) -> None:
    rec = Recorder(json_response(429, ERROR_BODY, {"retry-after-ms": "1500"}), json_response(200))
    sleeps: list[float] = []
    run = over_mock(kind, rec, sleeps)
    assert isinstance(run, RunObject)
    assert sleeps == [1.5]


def test_500_500_200_retries_with_backoff(kind: str, server: ScriptedServer) -> None:
    server.play(respond(500, ERROR_BODY), respond(502, b"bad gateway"), respond(200))
    sleeps: list[float] = []
    run = over_server(kind, server, sleeps)
    assert isinstance(run, RunObject)
    assert len(server.seen) == 3
    assert len(sleeps) == 2
    assert 0.375 <= sleeps[0] <= 0.5 and 0.75 <= sleeps[1] <= 1.0  # 0.5 s, 1 s, less up to 25% jitter


def test_500_500_200_on_mock(kind: str) -> None:
    rec = Recorder(json_response(500, ERROR_BODY), json_response(503, ERROR_BODY), json_response(200))
    sleeps: list[float] = []
    assert isinstance(over_mock(kind, rec, sleeps), RunObject)
    assert len(rec.requests) == 3 and len(sleeps) == 2


def test_retries_exhausted_raise_internal_server_error_with_details(kind: str, server: ScriptedServer) -> None:
    server.play(*[respond(500, ERROR_BODY, {"x-request-id": f"req_{i}"}) for i in range(3)])
    sleeps: list[float] = []
    with pytest.raises(InternalServerError) as info:
        over_server(kind, server, sleeps)
    error = info.value
    assert len(server.seen) == 3 and len(sleeps) == 2  # max_retries=2 by default
    assert error.status_code == 500
    assert error.request_id == "req_2"  # from the last attempt
    assert error.message == "The thread is locked."
    assert (error.type, error.code, error.param) == ("invalid_request_error", "thread_locked", "thread_id")
    assert error.body == ERROR_BODY
    assert "500" in str(error)


@pytest.mark.parametrize(
    "status, error_class, retried",
    [
        (400, BadRequestError, False),
        (401, AuthenticationError, False),
        (403, PermissionDeniedError, False),
        (404, NotFoundError, False),
        (409, ConflictError, True),
        (422, UnprocessableEntityError, False),
        (429, RateLimitError, True),
        (418, APIStatusError, False),
    ],
)
def test_status_codes_map_to_error_classes(
    kind: str, server: ScriptedServer, status: int, error_class: type, retried: bool
) -> None:
    attempts = 3 if retried else 1
    server.play(*[respond(status, ERROR_BODY, {"x-request-id": "req_x"}) for _ in range(attempts)])
    sleeps: list[float] = []
    with pytest.raises(error_class) as info:
        over_server(kind, server, sleeps)
    assert type(info.value) is error_class
    assert len(server.seen) == attempts
    assert len(sleeps) == attempts - 1
    assert info.value.status_code == status
    assert info.value.request_id == "req_x"
    assert info.value.code == "thread_locked"


@pytest.mark.parametrize("status, error_class", [(400, BadRequestError), (409, ConflictError), (404, NotFoundError)])
def test_status_codes_on_mock(kind: str, status: int, error_class: type) -> None:
    rec = Recorder(json_response(status, ERROR_BODY))
    with pytest.raises(error_class):
        over_mock(kind, rec, [])
    assert len(rec.requests) == (3 if status == 409 else 1)


def test_status_errors_carry_the_specs_error_model(kind: str) -> None:
    from openai_client.types import ErrorResponse

    rec = Recorder(json_response(400, ERROR_BODY))
    with pytest.raises(BadRequestError) as info:
        over_mock(kind, rec, [])
    assert isinstance(info.value.error, ErrorResponse)  # the spec's 4XX schema
    assert info.value.error.error.code == "thread_locked"
    rec = Recorder(json_response(500, {"error": {"message": 5}}))  # breaks the schema: kept as sent
    with pytest.raises(InternalServerError) as info5:
        over_mock(kind, rec, [])
    assert isinstance(info5.value.error, ErrorResponse) and info5.value.error.error.message == 5


def test_x_should_retry_header_wins(kind: str) -> None:
    rec = Recorder(json_response(400, ERROR_BODY, {"x-should-retry": "true"}), json_response(200))
    assert isinstance(over_mock(kind, rec, []), RunObject)
    rec = Recorder(json_response(500, ERROR_BODY, {"x-should-retry": "false"}))
    with pytest.raises(InternalServerError):
        over_mock(kind, rec, [])
    assert len(rec.requests) == 1


def test_error_body_that_is_not_json(kind: str, server: ScriptedServer) -> None:
    server.play(respond(400, b"<html>bad</html>", {"Content-Type": "text/html"}))
    with pytest.raises(BadRequestError) as info:
        over_server(kind, server, [])
    assert info.value.body == "<html>bad</html>"
    assert info.value.code is None
    assert "400" in str(info.value)


def test_connection_reset_is_retried_then_api_connection_error(kind: str, server: ScriptedServer) -> None:
    server.play(RESET, RESET, RESET)
    sleeps: list[float] = []
    with pytest.raises(APIConnectionError) as info:
        over_server(kind, server, sleeps)
    assert not isinstance(info.value, APITimeoutError)
    assert len(server.seen) == 3 and len(sleeps) == 2
    assert isinstance(info.value.__cause__, httpx.TransportError)


def test_connection_reset_then_success(kind: str, server: ScriptedServer) -> None:
    server.play(RESET, respond(200))
    assert isinstance(over_server(kind, server, []), RunObject)
    assert len(server.seen) == 2


def test_connection_refused_is_api_connection_error(kind: str) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on the port any more.
    sleeps: list[float] = []
    with pytest.raises(APIConnectionError):
        create(kind, client_kw={"base_url": f"http://127.0.0.1:{port}/v1", "sleeps": sleeps}, assistant_id="a")
    assert len(sleeps) == 2


def test_transport_errors_on_mock(kind: str) -> None:
    rec = Recorder(raising(httpx.ReadError, "reset by peer"))
    with pytest.raises(APIConnectionError):
        over_mock(kind, rec, [])
    assert len(rec.requests) == 3
    rec = Recorder(raising(httpx.ReadTimeout, "timed out"))
    with pytest.raises(APITimeoutError):
        over_mock(kind, rec, [])
    assert len(rec.requests) == 3


def test_per_call_timeout_raises_api_timeout_error(kind: str, server: ScriptedServer) -> None:
    server.play(STALL, STALL)
    sleeps: list[float] = []
    with pytest.raises(APITimeoutError) as info:
        over_server(kind, server, sleeps, client_kw={"max_retries": 1}, timeout=0.2)
    assert isinstance(info.value, APIConnectionError)
    assert len(server.seen) == 2 and len(sleeps) == 1  # timeouts are retried too


def test_malformed_json_body_is_api_response_validation_error(kind: str, server: ScriptedServer) -> None:
    server.play(respond(200, b'{"id": "run_1", "object": '))
    with pytest.raises(APIResponseValidationError) as info:
        over_server(kind, server, [])
    assert info.value.status_code == 200
    assert len(server.seen) == 1  # a 2xx is never retried


def test_body_not_matching_schema_is_api_response_validation_error_when_strict(kind: str) -> None:
    body = run_payload()
    del body["id"]
    rec = Recorder(json_response(200, body), raw_response(200, b"not json at all"))
    with pytest.raises(APIResponseValidationError) as info:
        over_mock(kind, rec, [], client_kw={"strict_responses": True})
    assert info.value.body == body
    with pytest.raises(APIResponseValidationError):
        over_mock(kind, rec, [])


def test_with_options_max_retries_zero(kind: str, server: ScriptedServer) -> None:
    server.play(respond(500, ERROR_BODY), respond(500, ERROR_BODY), respond(200))
    sleeps: list[float] = []
    with pytest.raises(InternalServerError):
        over_server(kind, server, sleeps, options={"max_retries": 0})
    assert len(server.seen) == 1 and sleeps == []


def test_with_options_does_not_change_the_original_client(kind: str) -> None:
    rec = Recorder(json_response(500, ERROR_BODY), json_response(500, ERROR_BODY), json_response(200))
    if kind == "sync":
        client = make_client("sync", transport=rec.transport, sleeps=[])
        with pytest.raises(InternalServerError):
            client.with_options(max_retries=0).threads.runs.create("t", assistant_id="a")
        assert isinstance(client.threads.runs.create("t", assistant_id="a"), RunObject)
        client.close()
    else:

        async def main() -> None:
            client = make_client("async", transport=rec.transport, sleeps=[])
            with pytest.raises(InternalServerError):
                await client.with_options(max_retries=0).threads.runs.create("t", assistant_id="a")
            assert isinstance(await client.threads.runs.create("t", assistant_id="a"), RunObject)
            await client.close()

        asyncio.run(main())
    assert len(rec.requests) == 3  # 1 (the copy: no retry) + 2 (the original: 500 retried, then 200)


# --- streaming ----------------------------------------------------------------------


def _run_event(name: str, **overrides: Any) -> str:
    return sse_event(name, run_payload(**overrides))


STREAM_EVENTS = (
    _run_event("thread.run.created"),
    _run_event("thread.run.in_progress", status="in_progress"),
    sse_event("thread.run.brand_new_event", {"id": "x_1", "hello": "world"}),
    _run_event("thread.run.completed", status="completed"),
    sse_event("done", "[DONE]"),
    _run_event("thread.run.created", id="run_after_done"),
)


def _check_typed_events(events: list[Any]) -> None:
    assert [type(e) for e in events] == [
        RunStreamEventThreadRunCreated,
        RunStreamEventThreadRunInProgress,
        UnknownEvent,
        RunStreamEventThreadRunCompleted,
    ]
    created = events[0]
    assert created.event == "thread.run.created"
    assert isinstance(created.data, RunObject) and created.data.id == RUN["id"]
    assert events[1].data.status == "in_progress"
    assert events[2].event == "thread.run.brand_new_event"
    assert events[2].data == {"id": "x_1", "hello": "world"}
    assert events[3].data.status == "completed"


def test_stream_yields_typed_events_until_done_over_server(kind: str, server: ScriptedServer) -> None:
    # Split the events over chunks at awkward places, as a network would.
    text = "".join(STREAM_EVENTS)
    server.play(sse(text[:7], text[7:200], text[200:1234], text[1234:]))
    drained = over_server(kind, server, [], stream=True, drain=True)
    assert drained.error is None
    _check_typed_events(drained.events)
    assert drained.response_closed
    seen = server.seen[0]
    assert json.loads(seen.body)["stream"] is True
    assert seen.headers["accept"] == "text/event-stream"


def test_stream_yields_typed_events_until_done_on_mock(kind: str) -> None:
    rec = Recorder(sse_response("".join(STREAM_EVENTS)))
    drained = over_mock(kind, rec, [], stream=True, drain=True)
    assert drained.error is None
    _check_typed_events(drained.events)
    assert drained.response_closed


def test_stream_data_done_without_event_name_ends_the_stream(kind: str) -> None:
    rec = Recorder(sse_response(_run_event("thread.run.created") + "data: [DONE]\n\n" + _run_event("thread.run.queued")))
    drained = over_mock(kind, rec, [], stream=True, drain=True)
    assert drained.error is None
    assert [e.event for e in drained.events] == ["thread.run.created"]


@pytest.mark.parametrize("where", ["server", "mock"])
def test_stream_error_event_raises_api_error(kind: str, server: ScriptedServer, where: str) -> None:
    text = _run_event("thread.run.created") + sse_event(
        "error", {"code": "server_error", "message": "The model crashed."}
    ) + _run_event("thread.run.completed")
    if where == "server":
        server.play(sse(text))
        drained = over_server(kind, server, [], stream=True, drain=True)
    else:
        drained = over_mock(kind, Recorder(sse_response(text)), [], stream=True, drain=True)
    assert [e.event for e in drained.events] == ["thread.run.created"]
    assert isinstance(drained.error, APIError)
    assert not isinstance(drained.error, APIStatusError)
    assert drained.error.message == "The model crashed."
    assert drained.error.body == {"code": "server_error", "message": "The model crashed."}
    assert drained.response_closed
    # An error event is raised, never yielded as an ErrorEvent.
    assert not any(isinstance(event, ErrorEvent) for event in drained.events)


def test_stream_cut_mid_event_over_server_is_api_connection_error(kind: str, server: ScriptedServer) -> None:
    full = _run_event("thread.run.created")
    partial = _run_event("thread.run.in_progress")[:60]
    server.play(sse(full, partial, complete=False))
    drained = over_server(kind, server, [], stream=True, drain=True)
    assert [e.event for e in drained.events] == ["thread.run.created"]
    assert isinstance(drained.error, APIConnectionError)
    assert drained.response_closed


def test_stream_cut_mid_event_on_mock_drops_the_incomplete_event(kind: str) -> None:
    # The body simply ends inside an event (no transport error to see): the
    # incomplete event is discarded, as the SSE spec says, and iteration ends.
    text = _run_event("thread.run.created") + _run_event("thread.run.in_progress")[:80]
    drained = over_mock(kind, Recorder(sse_response(text)), [], stream=True, drain=True)
    assert drained.error is None
    assert [e.event for e in drained.events] == ["thread.run.created"]


def test_stream_event_with_invalid_data_is_api_response_validation_error_when_strict(kind: str) -> None:
    text = sse_event("thread.run.created", {"id": "run_1"})  # not a run object
    drained = over_mock(
        kind, Recorder(sse_response(text)), [], stream=True, drain=True, client_kw={"strict_responses": True}
    )
    assert isinstance(drained.error, APIResponseValidationError)
    assert drained.response_closed


@pytest.mark.parametrize("where", ["server", "mock"])
def test_stream_context_manager_closes_the_response_when_left_early(
    kind: str, server: ScriptedServer, where: str
) -> None:
    text = "".join(STREAM_EVENTS)
    if where == "server":
        server.play(sse(text))
        drained = over_server(kind, server, [], stream=True, drain=True, limit=1)
    else:
        drained = over_mock(kind, Recorder(sse_response(text)), [], stream=True, drain=True, limit=1)
    assert len(drained.events) == 1 and drained.error is None
    assert drained.response_closed


def test_stream_request_with_error_status_is_retried_then_raised(kind: str, server: ScriptedServer) -> None:
    server.play(respond(503, ERROR_BODY), sse(_run_event("thread.run.created"), sse_event("done", "[DONE]")))
    sleeps: list[float] = []
    drained = over_server(kind, server, sleeps, stream=True, drain=True)
    assert [e.event for e in drained.events] == ["thread.run.created"]
    assert len(sleeps) == 1
    server.play(respond(401, ERROR_BODY))
    with pytest.raises(AuthenticationError):
        over_server(kind, server, [], stream=True, drain=True)


def test_stream_close_without_iterating_closes_the_response(kind: str) -> None:
    rec = Recorder(sse_response("".join(STREAM_EVENTS)))
    if kind == "sync":
        with make_client("sync", transport=rec.transport) as client:
            stream = client.threads.runs.create("t", assistant_id="a", stream=True)
            stream.close()
            assert stream.response.is_closed
            assert list(stream) == []
        return

    async def main() -> None:
        async with make_client("async", transport=rec.transport) as client:
            stream = await client.threads.runs.create("t", assistant_id="a", stream=True)
            await stream.close()
            assert stream.response.is_closed
            assert [e async for e in stream] == []

    asyncio.run(main())
