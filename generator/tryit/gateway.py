"""The try-it gateway: serves the page and sends its requests with the generated client.

``python -m generator gateway --target NAME`` starts it (starlette on uvicorn). The page posts
``{operation, parameters, body}`` to ``/__tryit/send``; the gateway

* accepts it only from its own origin (plus ``--allow-origin``s) and under its own host names (a page
  on another site, or one reached by DNS rebinding, is refused), for an operation of the allowlist;
* calls the generated async client's method with those values: the request is built, checked
  (ranges, lengths, enums…: the client's own ``ValueError``) and encoded by the client itself, so it is
  byte for byte what the client sends, with the credentials from the gateway's environment or a file;
* sends it only to the one upstream, the spec's server URL unless configured: the client's base URL is
  fixed, a transport refuses any other scheme, host or port and, unless allowed, any address that is
  loopback, private, link-local or otherwise not global; redirects are never followed;
* answers with newline-delimited JSON: ``{"status", "headers"}``, then ``{"chunk"}`` lines as the body
  arrives (server-sent events pass through event by event), then ``{"end": true}``.

It logs the operation and the status, never a header or a credential.
"""

from __future__ import annotations

import asyncio
import importlib
import ipaddress
import json
import logging
import socket
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from generator import ir
from generator.tryit.page import operations, render_page

log = logging.getLogger("generator.gateway")

SEND_PATH = "/__tryit/send"
MAX_REQUEST_BYTES = 4 * 1024 * 1024


class DestinationRefused(httpx.TransportError):
    """The upstream request would go somewhere the gateway does not send to."""


@dataclass(frozen=True)
class Settings:
    upstream: str
    api_key: str | None = None
    operations: tuple[str, ...] = ()  # the allowlist; empty: every operation
    allow_private: bool = False
    allow_origins: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()  # Host headers the gateway answers to (its own names); empty: any
    timeout: float = 600.0


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


async def _addresses(host: str, port: int) -> list[str]:
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


class GuardedTransport(httpx.AsyncBaseTransport):
    """Sends only to ``upstream``'s scheme, host and port, and, unless allowed, only to public addresses."""

    def __init__(self, upstream: httpx.URL, allow_private: bool, inner: httpx.AsyncBaseTransport | None = None):
        self.upstream = upstream
        self.allow_private = allow_private
        self.inner = inner or httpx.AsyncHTTPTransport(retries=0)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        if (url.scheme, url.host, url.port) != (self.upstream.scheme, self.upstream.host, self.upstream.port):
            raise DestinationRefused(f"refused: {url.scheme}://{url.host} is not the upstream", request=request)
        if not self.allow_private:
            for address in await _addresses(url.host, url.port or (443 if url.scheme == "https" else 80)):
                if not is_public(address):
                    raise DestinationRefused(f"refused: {url.host} resolves to a non-public address ({address})", request=request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def load_client(out: Path, package: str) -> ModuleType:
    """The generated package at ``out`` (its folder is put first on ``sys.path``)."""
    parent = str(out.resolve().parent)
    if parent not in sys.path:
        sys.path.insert(0, parent)
    return importlib.import_module(package)


def _error(status: int, message: str, problems: list[str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "problems": problems or [message]}, status_code=status)


def create_app(api: ir.Api, client_module: ModuleType, settings: Settings, page: str | None = None) -> Starlette:
    page_html = page if page is not None else render_page(api)
    ops = {op.operation_id: (where, op) for where, op in operations(api)}
    upstream = httpx.URL(settings.upstream)
    if upstream.scheme not in ("http", "https") or not upstream.host:
        raise ValueError(f"the upstream {settings.upstream!r} is not an http(s) URL")
    state: dict[str, Any] = {}

    def client() -> Any:
        # One client per event loop (uvicorn has one; a test harness may start several).
        loop = id(asyncio.get_running_loop())
        if state.get("loop") != loop:
            state.pop("client", None)
            state["loop"] = loop
        if "client" not in state:
            http = httpx.AsyncClient(
                transport=GuardedTransport(upstream, settings.allow_private),
                follow_redirects=False,
                timeout=settings.timeout,
            )
            state["client"] = client_module.AsyncClient(api_key=settings.api_key, base_url=str(upstream), http_client=http, max_retries=0)
        return state["client"]

    def own_origin(request: Request) -> str:
        return f"{request.url.scheme}://{request.headers.get('host', '')}"

    def origin_allowed(request: Request) -> bool:
        origin = request.headers.get("origin")
        return origin is None or origin == own_origin(request) or origin in settings.allow_origins

    def host_allowed(request: Request) -> bool:
        return not settings.hosts or request.headers.get("host", "") in settings.hosts

    def cors(request: Request, response: Response) -> Response:
        origin = request.headers.get("origin")
        if origin is not None and origin in settings.allow_origins:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Vary"] = "Origin"
        return response

    async def index(request: Request) -> Response:
        if not host_allowed(request):
            return _error(421, "this gateway does not answer to that host name")
        return HTMLResponse(
            page_html,
            headers={"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store", "X-Frame-Options": "DENY"},
        )

    async def preflight(request: Request) -> Response:
        origin = request.headers.get("origin")
        if origin is None or origin not in settings.allow_origins or not host_allowed(request):
            return Response(status_code=403)
        return Response(
            status_code=204,
            headers={
                "Access-Control-Allow-Origin": origin,
                "Access-Control-Allow-Methods": "POST",
                "Access-Control-Allow-Headers": "Content-Type",
                "Access-Control-Max-Age": "600",
                "Vary": "Origin",
            },
        )

    async def send(request: Request) -> Response:
        if not host_allowed(request):
            return _error(421, "this gateway does not answer to that host name")
        if not origin_allowed(request):
            return _error(403, "requests are taken only from the gateway's own page")
        if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
            return cors(request, _error(415, "send application/json"))
        raw = await request.body()
        if len(raw) > MAX_REQUEST_BYTES:
            return cors(request, _error(413, "request too large"))
        try:
            payload = json.loads(raw)
        except ValueError:
            return cors(request, _error(400, "the request is not JSON"))
        if not isinstance(payload, dict) or not isinstance(payload.get("operation"), str):
            return cors(request, _error(400, "expected {operation, parameters, body}"))
        op_id = payload["operation"]
        if op_id not in ops or (settings.operations and op_id not in settings.operations):
            return cors(request, _error(403, f"operation {op_id!r} is not allowed by this gateway"))
        where, op = ops[op_id]
        try:
            args, kwargs = _arguments(op, payload.get("parameters"), payload.get("body"))
        except _Invalid as exc:
            return cors(request, _error(422, exc.problems[0], exc.problems))
        method: Any = client()
        for name in where:
            method = getattr(method, name)
        method = getattr(method.with_streaming_response, op.method_name)
        context = method(*args, **kwargs)
        errors = client_module
        try:
            response = await context.__aenter__()
        except ValueError as exc:  # the client's own checks, before anything was sent
            return cors(request, _error(422, str(exc)))
        except TypeError as exc:
            return cors(request, _error(422, str(exc)))
        except errors.APIStatusError as exc:
            log.info("%s -> %s", op_id, exc.status_code)
            return cors(request, _framed(exc.response.status_code, exc.response.headers, _single(exc.response)))
        except errors.APIConnectionError as exc:
            cause = _refusal(exc)
            log.info("%s -> not sent (%s)", op_id, "refused" if cause else type(exc).__name__)
            if cause is not None:
                return cors(request, _error(403, str(cause)))
            return cors(request, _error(502, f"the upstream could not be reached ({type(exc).__name__})"))
        log.info("%s -> %s", op_id, response.status_code)
        return cors(request, _framed(response.status_code, response.headers, _chunks(response, context)))

    app = Starlette(
        routes=[
            Route("/", index, methods=["GET"]),
            Route(SEND_PATH, send, methods=["POST"]),
            Route(SEND_PATH, preflight, methods=["OPTIONS"]),
        ],
    )
    app.state.tryit = state
    return app


def _refusal(exc: BaseException) -> DestinationRefused | None:
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 10:
        if isinstance(current, DestinationRefused):
            return current
        current = current.__cause__ or current.__context__
        seen += 1
    return None


class _Invalid(Exception):
    def __init__(self, problems: list[str]):
        super().__init__(problems[0])
        self.problems = problems


def _arguments(op: ir.Operation, parameters: object, body: object) -> tuple[list[Any], dict[str, Any]]:
    """The method's positional and keyword arguments from the page's values (Python names for
    parameters, wire names in a flattened body)."""
    problems: list[str] = []
    parameters = {} if parameters is None else parameters
    if not isinstance(parameters, dict):
        raise _Invalid(["parameters must be an object"])
    by_name = {p.name: p for p in op.parameters if p.location != "body"}
    values: dict[str, Any] = {}
    for name, value in parameters.items():
        if name not in by_name:
            problems.append(f"{name}: is not a parameter of {op.operation_id}")
        else:
            values[name] = value
    body_params = [p for p in op.parameters if p.location == "body"]
    if body is not None:
        if op.body is None:
            problems.append(f"{op.operation_id} takes no body")
        elif op.body.flattened:
            if not isinstance(body, dict):
                problems.append("body: must be an object")
            else:
                by_wire = {p.wire_name: p for p in body_params}
                for wire, value in body.items():
                    if wire not in by_wire:
                        problems.append(f"body.{wire}: is not a property of {op.operation_id}'s body")
                    else:
                        values[by_wire[wire].name] = value
        elif body_params:
            values[body_params[0].name] = body
    for p in op.parameters:
        if p.required and p.name not in values:
            problems.append(f"{p.name}: is required")
    if problems:
        raise _Invalid(problems)
    positional = [p.name for p in op.positional_path_parameters]
    args = [values.pop(name) for name in positional]
    return args, values


def _line(message: dict[str, Any]) -> bytes:
    return (json.dumps(message, ensure_ascii=False) + "\n").encode("utf-8")


def _framed(status: int, headers: httpx.Headers, chunks: AsyncIterator[bytes]) -> StreamingResponse:
    async def frames() -> AsyncIterator[bytes]:
        yield _line({"status": status, "headers": [[k, v] for k, v in headers.multi_items() if k.lower() not in _HIDDEN]})
        decoder = _Utf8()
        try:
            async for chunk in chunks:
                text = decoder.feed(chunk)
                if text:
                    yield _line({"chunk": text})
            rest = decoder.feed(b"", final=True)
            if rest:
                yield _line({"chunk": rest})
            yield _line({"end": True})
        except Exception as exc:  # the upstream broke off: the page is told, the gateway goes on
            yield _line({"error": f"the upstream response broke off ({type(exc).__name__})"})

    return StreamingResponse(frames(), media_type="application/x-ndjson", headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


# Hop-by-hop and cookie headers are not the page's business.
_HIDDEN = frozenset({"set-cookie", "connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding"})


class _Utf8:
    def __init__(self) -> None:
        import codecs

        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def feed(self, data: bytes, final: bool = False) -> str:
        return self._decoder.decode(data, final)  # type: ignore[no-any-return]


async def _chunks(response: Any, context: Any) -> AsyncIterator[bytes]:
    try:
        async for chunk in response.iter_bytes():
            yield chunk
    finally:
        await context.__aexit__(None, None, None)


async def _single(response: httpx.Response) -> AsyncIterator[bytes]:
    try:
        data = await response.aread()
    except Exception:
        data = b""
    yield data
