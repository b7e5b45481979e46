"""Guards on the wire: bounded response bodies, deadlines, credential-safe redirects.

A server is untrusted input.  This module holds the I/O-free parts of what the
clients do about it (the sync and async loops in `_base_client` feed it):

- `BodyReader` counts a body's *decoded* bytes against a limit while it is read,
  and inflates gzip/deflate itself with a bounded output size, so a small
  compressed body cannot expand into gigabytes before the limit is seen;
- `redirect_request` builds the next request of a redirect chain and drops every
  credential the client added when the redirect leaves the origin.
"""

from __future__ import annotations

import time
import zlib
from typing import Collection

import httpx

from ._errors import ResponseTooLargeError

__all__ = [
    "DEFAULT_CONNECTION_LIMITS",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_MAX_SSE_LINE_BYTES",
    "BodyReader",
    "checked_limit",
    "deadline_passed",
    "redirect_request",
    "too_large",
]

DEFAULT_MAX_RESPONSE_BYTES = 100 * 1024 * 1024
DEFAULT_MAX_SSE_LINE_BYTES = 16 * 1024 * 1024
# The official SDK's pool: many concurrent calls should not queue for 100 connections.
DEFAULT_CONNECTION_LIMITS = httpx.Limits(
    max_connections=1000, max_keepalive_connections=100
)

_IDENTITY = ("", "identity")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def checked_limit(name: str, value: int | None) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{name} must be a positive integer or None (got {value!r})")
    return value


def deadline_passed(request: httpx.Request) -> httpx.ReadTimeout:
    return httpx.ReadTimeout("The request's deadline passed", request=request)


class BodyReader:
    """Collects one response body, decoded, refusing more than `limit` bytes.

    `raw` tells the caller which iterator to feed: True means the raw
    (still encoded) bytes, which this reader decodes itself; False means
    httpx's decoded bytes (encodings this reader does not inflate itself,
    e.g. br or zstd, which httpx decodes chunk by chunk).
    """

    __slots__ = (
        "_chunks",
        "_deadline",
        "_inflater",
        "_limit",
        "_response",
        "_size",
        "raw",
    )

    def __init__(
        self, response: httpx.Response, limit: int | None, deadline: float | None
    ) -> None:
        self._response = response
        self._limit = limit
        self._deadline = deadline
        self._chunks: list[bytes] = []
        self._size = 0
        self._inflater: _Inflater | None = None
        encoding = response.headers.get("content-encoding", "").strip().lower()
        self.raw = True
        if encoding in _IDENTITY:
            declared = response.headers.get("content-length", "")
            if limit is not None and declared.isdigit() and int(declared) > limit:
                self._too_large()
        elif encoding in ("gzip", "x-gzip", "deflate"):
            self._inflater = _Inflater(encoding, response.request)
        else:
            self.raw = False

    def feed(self, chunk: bytes) -> None:
        if self._inflater is not None:
            room = None if self._limit is None else self._limit - self._size + 1
            chunk = self._inflater.decode(chunk, room)
        self._add(chunk)

    def finish(self) -> bytes:
        if self._inflater is not None:
            self._add(self._inflater.flush())
        return b"".join(self._chunks)

    def _add(self, chunk: bytes) -> None:
        self._size += len(chunk)
        if self._limit is not None and self._size > self._limit:
            self._too_large()
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise deadline_passed(self._response.request)
        self._chunks.append(chunk)

    def _too_large(self) -> None:
        raise too_large(self._response, self._limit)


def too_large(response: httpx.Response, limit: int | None) -> ResponseTooLargeError:
    return ResponseTooLargeError(
        f"The response body is larger than {limit} bytes "
        "(raise `max_response_bytes` on the client to accept it)",
        response=response,
        limit=limit,
    )


class _Inflater:
    """gzip / deflate decoding whose output per call is bounded."""

    __slots__ = ("_first", "_gzip", "_obj", "_request")

    def __init__(self, encoding: str, request: httpx.Request) -> None:
        self._gzip = encoding != "deflate"
        self._obj = zlib.decompressobj(
            zlib.MAX_WBITS | 16 if self._gzip else zlib.MAX_WBITS
        )
        self._first = True
        self._request = request

    def decode(self, data: bytes, room: int | None) -> bytes:
        # `room` bounds the output: one byte more than the limit allows is
        # enough to know the body is too large, whatever the input expands to.
        try:
            out = self._obj.decompress(data, room or 0)
        except zlib.error as exc:
            if self._gzip or not self._first:
                raise httpx.DecodingError(str(exc), request=self._request) from exc
            # "deflate" sent as a raw stream without the zlib wrapper, as some servers do.
            self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
            self._first = False
            return self.decode(data, room)
        self._first = False
        return out

    def flush(self) -> bytes:
        try:
            return self._obj.flush()
        except zlib.error as exc:  # pragma: no cover - zlib's flush rarely fails
            raise httpx.DecodingError(str(exc), request=self._request) from exc


# --- redirects ------------------------------------------------------------------------


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return (url.scheme, url.host, url.port or _DEFAULT_PORTS.get(url.scheme))


def redirect_request(
    request: httpx.Request,
    response: httpx.Response,
    *,
    credential_headers: Collection[str],
    credential_query: Collection[tuple[str, str]],
    cookies: httpx.Cookies,
    timeout: dict[str, float | None] | None,
) -> httpx.Request:
    """The request that follows `response` (a 3xx with a Location).

    Leaving the origin (scheme, host or port differ) drops every header named in
    `credential_headers` (the client's auth header, Authorization, Cookie) and
    the API-key query parameters `credential_query` ((name, value) pairs); a
    redirect within the origin keeps them, and puts each key back on the query if
    the new location dropped it.  303, and 301/302 after a POST, become a GET
    without a body, as browsers and httpx do.
    """
    url = _location(request, response)
    method = request.method
    status = response.status_code
    if status in (302, 303) and method != "HEAD":
        method = "GET"
    elif status == 301 and method == "POST":
        method = "GET"
    headers = httpx.Headers(request.headers)
    headers["Host"] = url.netloc.decode("ascii")
    stream: httpx.SyncByteStream | httpx.AsyncByteStream | None = request.stream
    if method != request.method:
        for name in ("content-length", "content-type", "transfer-encoding"):
            headers.pop(name, None)
        stream = None
    if _origin(url) != _origin(request.url):
        for name in credential_headers:
            headers.pop(name, None)
        for name, _ in credential_query:
            if name in url.params:
                url = url.copy_remove_param(name)
    else:
        for name, value in credential_query:
            if name not in url.params:
                url = url.copy_add_param(name, value)
    extensions = dict(request.extensions)
    if timeout is not None:
        extensions["timeout"] = timeout
    return httpx.Request(
        method,
        url,
        headers=headers,
        cookies=cookies,
        stream=stream,
        extensions=extensions,
    )


def _location(request: httpx.Request, response: httpx.Response) -> httpx.URL:
    try:
        url = httpx.URL(response.headers["location"])
    except httpx.InvalidURL as exc:
        raise httpx.RemoteProtocolError(
            f"Invalid URL in the Location header: {exc}", request=request
        ) from None
    if url.scheme and not url.host:
        url = url.copy_with(host=request.url.host)
    if url.is_relative_url:
        url = request.url.join(url)
    if url.scheme not in _DEFAULT_PORTS:
        raise httpx.UnsupportedProtocol(
            f"Redirect to a non-HTTP URL: {url.scheme!r}", request=request
        )
    return url
