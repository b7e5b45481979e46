"""Helpers for the runtime tests: client harness, mock API, scripted HTTP server."""

from __future__ import annotations

import asyncio
import json
import socket
import struct
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

import httpx

from generator.client.runtime._base_client import (
    AsyncAPIClient,
    AuthSpec,
    RequestOptions,
    SyncAPIClient,
)

BEARER = AuthSpec("header", "Authorization", "Bearer {key}")


# --- client harness: run the same scenario against the sync and the async client ---


class Harness:
    """Runs RequestOptions through a sync or async client and records retry sleeps.

    The async client is created inside each `asyncio.run`, because an httpx
    AsyncClient's connections belong to the event loop that opened them.
    """

    def __init__(
        self,
        kind: str,
        *,
        base_url: str,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None,
        follow_redirects: bool = False,
        **client_kwargs: Any,
    ) -> None:
        self.kind = kind
        self.base_url = base_url
        self.transport = transport
        self.follow_redirects = follow_redirects
        self.client_kwargs = {
            "api_key": "sk-test",
            "auth": BEARER,
            "user_agent": "test-agent/1.0",
            **client_kwargs,
        }
        self.sleeps: list[float] = []

    def sync_client(self) -> SyncAPIClient:
        assert self.transport is None or isinstance(self.transport, httpx.BaseTransport)
        http = httpx.Client(
            transport=self.transport, follow_redirects=self.follow_redirects
        )
        client = SyncAPIClient(
            base_url=self.base_url, http_client=http, **self.client_kwargs
        )
        client._sleep = self.sleeps.append  # type: ignore[method-assign,assignment]
        return client

    def async_client(self) -> AsyncAPIClient:
        assert self.transport is None or isinstance(
            self.transport, httpx.AsyncBaseTransport
        )
        http = httpx.AsyncClient(
            transport=self.transport, follow_redirects=self.follow_redirects
        )
        client = AsyncAPIClient(
            base_url=self.base_url, http_client=http, **self.client_kwargs
        )

        async def record(seconds: float) -> None:
            self.sleeps.append(seconds)

        client._sleep = record  # type: ignore[method-assign]
        return client

    def request(self, options: RequestOptions) -> Any:
        """The call's result; streams are consumed into a list."""
        if self.kind == "sync":
            with self.sync_client() as client:
                result = client.request(options)
                return list(result) if options.stream else result

        async def run() -> Any:
            async with self.async_client() as client:
                result = await client.request(options)
                if options.stream:
                    return [item async for item in result]
                return result

        return asyncio.run(run())


class MockApi:
    """An httpx MockTransport (sync and async) replying from a list of handlers."""

    def __init__(self, *handlers: Callable[[httpx.Request], httpx.Response]) -> None:
        self.handlers = deque(handlers)
        self.requests: list[httpx.Request] = []
        self.transport = httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if not self.handlers:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        handler = (
            self.handlers[0] if len(self.handlers) == 1 else self.handlers.popleft()
        )
        return handler(request)


def reply(
    status: int = 200, body: object = None, headers: dict[str, str] | None = None
) -> Callable[[httpx.Request], httpx.Response]:
    """A handler answering with a JSON body (or raw bytes/str)."""

    def handle(request: httpx.Request) -> httpx.Response:
        if isinstance(body, (bytes, str)):
            return httpx.Response(status, content=body, headers=headers)
        return httpx.Response(
            status, json=body if body is not None else {}, headers=headers
        )

    return handle


# --- a real HTTP server on 127.0.0.1 answering from a script --------------------------

Action = Callable[[BaseHTTPRequestHandler], None]


class ScriptedServer:
    """ThreadingHTTPServer whose answers are queued actions; records every request."""

    def __init__(self) -> None:
        self.actions: deque[Action] = deque()
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            timeout = 5  # bounded: a stuck client cannot hold a thread forever

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with server.lock:
                    server.requests.append(
                        {
                            "method": self.command,
                            "path": self.path,
                            "headers": dict(self.headers),
                            "body": body,
                        }
                    )
                    action = server.actions.popleft() if server.actions else None
                try:
                    if action is None:
                        send_json(404, {"error": {"message": "no scripted response"}})(
                            self
                        )
                    else:
                        action(self)
                except OSError:
                    pass  # the client gave up (e.g. timed out) before we answered

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _any

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def script(self, *actions: Action) -> None:
        self.actions.extend(actions)


def send_json(
    status: int, body: object, headers: dict[str, str] | None = None
) -> Action:
    def act(handler: BaseHTTPRequestHandler) -> None:
        payload = json.dumps(body).encode() if not isinstance(body, bytes) else body
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(payload)

    return act


def reset_connection(handler: BaseHTTPRequestHandler) -> None:
    """Close the socket without answering; SO_LINGER 0 makes it a TCP reset."""
    handler.connection.setsockopt(
        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
    )
    handler.close_connection = True
    handler.connection.close()


def sleep_then(seconds: float, action: Action) -> Action:
    def act(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        action(handler)

    return act


def send_sse(*chunks: bytes) -> Action:
    """An event stream without Content-Length: it ends when the server closes."""

    def act(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.end_headers()
        for chunk in chunks:
            handler.wfile.write(chunk)
            handler.wfile.flush()
        handler.close_connection = True

    return act
