"""Responses as objects: binary bodies, and the raw / streamed responses of `with_raw_response`
and `with_streaming_response`.

A resource reached through `resource.with_raw_response` (or `.with_streaming_response`) is the
same generated resource bound to a `_ModeClient`: its methods build the same request, and the
client hands back the HTTP response wrapped here instead of parsing it.
"""

from __future__ import annotations

import json
import os
import types
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

import httpx
from typing_extensions import Self

if TYPE_CHECKING:
    from ._base_client import AsyncAPIClient, RequestOptions, SyncAPIClient

__all__ = [
    "APIResponse",
    "AsyncAPIResponse",
    "AsyncResource",
    "BinaryResponse",
    "SyncResource",
    "request_id_of",
]

R = TypeVar("R")
Mode = Literal["raw", "stream"]


def request_id_of(headers: httpx.Headers) -> str | None:
    """The server's id for the request, as its `x-request-id` (or `request-id`) header says."""
    found: str | None = headers.get("x-request-id") or headers.get("request-id")
    return found


class BinaryResponse:
    """A response body that is not JSON or text: a file, audio, an image.

    The body has been read (within the client's `max_response_bytes`); for downloads larger
    than that, use `with_streaming_response` and `iter_bytes()`.
    """

    def __init__(self, response: httpx.Response) -> None:
        self.response = response

    @property
    def content(self) -> bytes:
        return self.response.content

    @property
    def text(self) -> str:
        return self.response.text

    @property
    def encoding(self) -> str | None:
        return self.response.encoding

    @property
    def content_type(self) -> str | None:
        media: str | None = self.response.headers.get("content-type")
        return media

    @property
    def request_id(self) -> str | None:
        return request_id_of(self.response.headers)

    def json(self, **kwargs: Any) -> Any:
        return json.loads(self.response.content, **kwargs)

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        content = self.response.content
        size = chunk_size or len(content) or 1
        for start in range(0, len(content), size):
            yield content[start : start + size]

    def write_to_file(self, file: str | os.PathLike[str]) -> None:
        with open(file, "wb") as out:
            out.write(self.response.content)

    def __repr__(self) -> str:
        return f"<BinaryResponse {self.content_type or 'no content type'}, {len(self.content)} bytes>"


class _BaseAPIResponse(Generic[R]):
    def __init__(
        self,
        response: httpx.Response,
        parse: Callable[[httpx.Response], Any],
        *,
        stream: bool,
        max_bytes: int | None,
    ) -> None:
        self.http_response = response
        self._parse_fn = parse
        self._stream = stream  # an event stream: parse() hands the unread body to a Stream
        self._max_bytes = max_bytes
        self._parsed: Any = _UNSET

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def http_request(self) -> httpx.Request:
        return self.http_response.request

    @property
    def url(self) -> httpx.URL:
        return self.http_response.url

    @property
    def method(self) -> str:
        return self.http_request.method

    @property
    def http_version(self) -> str:
        return self.http_response.http_version

    @property
    def elapsed(self) -> Any:
        return self.http_response.elapsed

    @property
    def is_closed(self) -> bool:
        return self.http_response.is_closed

    @property
    def request_id(self) -> str | None:
        return request_id_of(self.http_response.headers)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} [{self.status_code}] {self.method} {self.url}>"


class _Unset:
    pass


_UNSET = _Unset()


class APIResponse(_BaseAPIResponse[R]):
    """An HTTP response of a generated method, before (or besides) parsing.

    `parse()` gives what the method returns; `content`, `text` and `json()` read the body
    (bounded by `max_response_bytes`); `iter_bytes()`, `iter_text()` and `iter_lines()` stream
    it with no limit, without keeping it in memory.
    """

    def __init__(
        self,
        response: httpx.Response,
        parse: Callable[[httpx.Response], Any],
        *,
        stream: bool,
        max_bytes: int | None,
        read: Callable[[httpx.Response], None] | None,
    ) -> None:
        super().__init__(response, parse, stream=stream, max_bytes=max_bytes)
        self._read_fn = read

    def read(self) -> bytes:
        """The whole body, read within the client's size limit."""
        response = self.http_response
        if self._read_fn is not None:
            read, self._read_fn = self._read_fn, None
            read(response)
        return response.content

    @property
    def content(self) -> bytes:
        return self.read()

    @property
    def text(self) -> str:
        self.read()
        return self.http_response.text

    def json(self, **kwargs: Any) -> Any:
        return json.loads(self.read(), **kwargs)

    def parse(self) -> R:
        """What the method returns (for an event stream, the stream over the unread body)."""
        if isinstance(self._parsed, _Unset):
            if not self._stream:
                self.read()
            self._parsed = self._parse_fn(self.http_response)
        return self._parsed  # type: ignore[no-any-return]

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        return self.http_response.iter_bytes(chunk_size)

    def iter_text(self, chunk_size: int | None = None) -> Iterator[str]:
        return self.http_response.iter_text(chunk_size)

    def iter_lines(self) -> Iterator[str]:
        return self.http_response.iter_lines()

    def close(self) -> None:
        self.http_response.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: types.TracebackType | None,
    ) -> None:
        self.close()


class AsyncAPIResponse(_BaseAPIResponse[R]):
    """The async client's streamed response: as `APIResponse`, with awaitable reads."""

    def __init__(
        self,
        response: httpx.Response,
        parse: Callable[[httpx.Response], Any],
        *,
        stream: bool,
        max_bytes: int | None,
        read: Callable[[httpx.Response], Awaitable[None]] | None,
    ) -> None:
        super().__init__(response, parse, stream=stream, max_bytes=max_bytes)
        self._read_fn = read

    async def read(self) -> bytes:
        response = self.http_response
        if self._read_fn is not None:
            read, self._read_fn = self._read_fn, None
            await read(response)
        return response.content

    async def text(self) -> str:
        await self.read()
        return self.http_response.text

    async def json(self, **kwargs: Any) -> Any:
        return json.loads(await self.read(), **kwargs)

    async def parse(self) -> R:
        if isinstance(self._parsed, _Unset):
            if not self._stream:
                await self.read()
            self._parsed = self._parse_fn(self.http_response)
        return self._parsed  # type: ignore[no-any-return]

    def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        return self.http_response.aiter_bytes(chunk_size)

    def iter_text(self, chunk_size: int | None = None) -> AsyncIterator[str]:
        return self.http_response.aiter_text(chunk_size)

    def iter_lines(self) -> AsyncIterator[str]:
        return self.http_response.aiter_lines()

    async def close(self) -> None:
        await self.http_response.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: types.TracebackType | None,
    ) -> None:
        await self.close()


# --- with_raw_response / with_streaming_response ----------------------------------------


class _ModeClient:
    """Stands in for the client under a resource: `request()` answers with the response object."""

    __slots__ = ("_client", "_mode")

    def __init__(self, client: Any, mode: Mode) -> None:
        self._client = client
        self._mode = mode

    def request(self, options: RequestOptions) -> Any:
        return self._client._request_response(options, self._mode)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


class _SyncStreamContext(Generic[R]):
    """`with resource.with_streaming_response.method(...) as response:` sends on entry, closes on exit."""

    def __init__(self, call: Callable[[], APIResponse[R]]) -> None:
        self._call = call
        self._response: APIResponse[R] | None = None

    def __enter__(self) -> APIResponse[R]:
        self._response = self._call()
        return self._response

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: types.TracebackType | None,
    ) -> None:
        if self._response is not None:
            self._response.close()


class _AsyncStreamContext(Generic[R]):
    def __init__(self, call: Callable[[], Awaitable[AsyncAPIResponse[R]]]) -> None:
        self._call = call
        self._response: AsyncAPIResponse[R] | None = None

    async def __aenter__(self) -> AsyncAPIResponse[R]:
        self._response = await self._call()
        return self._response

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: types.TracebackType | None,
    ) -> None:
        if self._response is not None:
            await self._response.close()


class _Methods:
    __slots__ = ("_resource",)

    def __init__(self, resource: Any) -> None:
        self._resource = resource


class RawResponseMethods(_Methods):
    """The resource's methods, returning an `APIResponse` (`.parse()` for the usual result)."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Callable[..., APIResponse[Any]]:
        return getattr(self._resource, name)  # type: ignore[no-any-return]


class AsyncRawResponseMethods(_Methods):
    """The async resource's methods, returning an `APIResponse` once awaited."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Callable[..., Awaitable[APIResponse[Any]]]:
        return getattr(self._resource, name)  # type: ignore[no-any-return]


class StreamingResponseMethods(_Methods):
    """The resource's methods as context managers over an unread `APIResponse`."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Callable[..., _SyncStreamContext[Any]]:
        method = getattr(self._resource, name)
        if isinstance(method, SyncResource):  # a sub-resource: its methods stream too
            return StreamingResponseMethods(method)  # type: ignore[return-value]

        def call(*args: Any, **kwargs: Any) -> _SyncStreamContext[Any]:
            return _SyncStreamContext(lambda: method(*args, **kwargs))

        return call


class AsyncStreamingResponseMethods(_Methods):
    """The async resource's methods as async context managers over an unread `AsyncAPIResponse`."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Callable[..., _AsyncStreamContext[Any]]:
        method = getattr(self._resource, name)
        if isinstance(method, AsyncResource):
            return AsyncStreamingResponseMethods(method)  # type: ignore[return-value]

        def call(*args: Any, **kwargs: Any) -> _AsyncStreamContext[Any]:
            return _AsyncStreamContext(lambda: method(*args, **kwargs))

        return call


class SyncResource:
    """Base of generated resources: `with_raw_response` and `with_streaming_response`."""

    _client: SyncAPIClient

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client

    @property
    def with_raw_response(self) -> RawResponseMethods:
        """These methods, answering with the `APIResponse` (status, headers, `.parse()`)."""
        return RawResponseMethods(type(self)(_ModeClient(self._client, "raw")))  # type: ignore[arg-type]

    @property
    def with_streaming_response(self) -> StreamingResponseMethods:
        """These methods as context managers; the body is read only when asked (`iter_bytes()`)."""
        return StreamingResponseMethods(type(self)(_ModeClient(self._client, "stream")))  # type: ignore[arg-type]


class AsyncResource:
    """Base of generated async resources: `with_raw_response` and `with_streaming_response`."""

    _client: AsyncAPIClient

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client

    @property
    def with_raw_response(self) -> AsyncRawResponseMethods:
        return AsyncRawResponseMethods(type(self)(_ModeClient(self._client, "raw")))  # type: ignore[arg-type]

    @property
    def with_streaming_response(self) -> AsyncStreamingResponseMethods:
        return AsyncStreamingResponseMethods(type(self)(_ModeClient(self._client, "stream")))  # type: ignore[arg-type]
