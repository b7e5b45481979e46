"""Typed iteration over server-sent-event responses."""

from __future__ import annotations

import functools
import json
import types
from typing import (
    Any,
    AsyncGenerator,
    AsyncIterator,
    Generator,
    Generic,
    Iterator,
    TypeVar,
    Union,
    cast,
)

import httpx
import pydantic
from typing_extensions import Annotated, Self, get_args, get_origin

from ._errors import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    ResponseTooLargeError,
    error_fields,
    stream_error,
)
from ._models import (
    LENIENT,
    UnknownEvent,
    UnknownVariant,
    construct_unchecked,
    type_adapter,
)
from ._sse import SSEDecoder, ServerSentEvent, SSETooLargeError

__all__ = ["AsyncStream", "Stream"]

T = TypeVar("T")


class _Done:
    """Returned by event decoding when the stream announced its end with `[DONE]`."""


_DONE = _Done()


class _BaseStream(Generic[T]):
    """Decoding shared by the sync and async streams; they differ only in I/O."""

    response: httpx.Response

    def __init__(
        self,
        *,
        response: httpx.Response,
        item_type: object,
        envelope: bool = False,
        client: object = None,
        max_line_bytes: int | None = None,
        strict: bool = False,
    ) -> None:
        self.response = response
        self._envelope = envelope
        self._decoder = SSEDecoder(max_line_bytes)
        self._strict = strict
        self._context = None if strict else LENIENT
        # A data-only stream reports a failure as an event `{"error": {...}}`,
        # unless its events declare a top-level `error` field of their own.
        self._error_key = not envelope and not _declares_error_field(item_type)
        self._client = client  # kept only so the client outlives its streams
        # None/object mean "no schema": events are yielded as parsed JSON.
        self._adapter = (
            None
            if item_type is None or item_type is object
            else type_adapter(item_type)
        )
        self._is_union = _is_union(item_type)
        self._item_type = item_type

    def _raise_if_error(self, data: str) -> None:
        try:
            parsed = json.loads(data)
        except (ValueError, RecursionError):
            return
        if isinstance(parsed, dict) and parsed.get("error") is not None:
            raise stream_error(_error_message(parsed, data), self.response.request, parsed)

    def _decode_event(self, sse: ServerSentEvent) -> T | _Done:
        if sse.data.strip() == "[DONE]":
            return _DONE
        if self._error_key and '"error"' in sse.data:
            self._raise_if_error(sse.data)
        if sse.event != "error" and not self._envelope and self._adapter is not None:
            # Fast path: pydantic parses and validates the JSON text in one go,
            # about twice as fast as json.loads + validate_python.  Anything
            # unusual (non-JSON data, unknown tags) takes the full path below.
            try:
                item = self._adapter.validate_json(sse.data, context=self._context)
            except pydantic.ValidationError:
                pass
            else:
                if not isinstance(item, UnknownVariant):
                    return cast(T, item)
        try:
            parsed: object = json.loads(sse.data)
        except (ValueError, RecursionError):
            parsed = sse.data  # some streams send plain-text data
        if sse.event == "error":
            raise stream_error(_error_message(parsed, sse.data), self.response.request, parsed)
        value = {"event": sse.event, "data": parsed} if self._envelope else parsed
        if self._adapter is None:
            return cast(T, value)
        try:
            item = self._adapter.validate_python(value, context=self._context)
            if isinstance(item, UnknownVariant):
                # An event added to the API after generation, kept by a tolerant union.
                return cast(T, UnknownEvent(event=sse.event, data=parsed))
            return cast(T, item)
        except pydantic.ValidationError as exc:
            if self._only_tag_errors(exc):
                # An event added to the API after generation: surface it, never drop it.
                return cast(T, UnknownEvent(event=sse.event, data=parsed))
            if not self._strict:
                # Lenient: the event is kept, its values as sent where they break the schema.
                return cast(T, construct_unchecked(self._item_type, value))
            raise APIResponseValidationError(
                self.response,
                parsed,
                message=f"Stream event {sse.event or 'message'!r} does not match the schema: {exc}",
            ) from exc

    def _too_large(self, exc: SSETooLargeError) -> ResponseTooLargeError:
        return ResponseTooLargeError(
            f"A server-sent event line or event is larger than {exc.limit} bytes "
            "(raise `max_sse_line_bytes` on the client to accept it)",
            response=self.response,
            limit=exc.limit,
        )

    def _only_tag_errors(self, exc: pydantic.ValidationError) -> bool:
        """True when validation failed only because the event's tag is not a known one.

        A discriminated union reports that directly (`union_tag_invalid`).  For
        a single model, or a plain union, the sign is a `literal_error` on a
        top-level field (the envelope's `event`) of the model, or of every member.
        """
        errors = exc.errors()
        if not errors:
            return False
        if all(
            error["type"] == "union_tag_invalid" and not error["loc"]
            for error in errors
        ):
            return True
        if not self._is_union:
            return any(self._is_tag_literal_error(error, depth=1) for error in errors)
        # Plain union: pydantic prefixes each location with the member tried.
        tag_failed: dict[object, bool] = {}
        for error in errors:
            member = error["loc"][0] if error["loc"] else None
            tag_failed[member] = tag_failed.get(
                member, False
            ) or self._is_tag_literal_error(error, depth=2)
        return all(tag_failed.values())

    def _is_tag_literal_error(self, error: Any, *, depth: int) -> bool:
        loc = error["loc"]
        if error["type"] != "literal_error" or len(loc) != depth:
            return False
        return not self._envelope or loc[-1] == "event"


class Stream(_BaseStream[T]):
    """Iterator of the items of a streamed response; closes the response when done."""

    def __init__(
        self,
        *,
        response: httpx.Response,
        item_type: object,
        envelope: bool = False,
        client: object = None,
        max_line_bytes: int | None = None,
        strict: bool = False,
    ) -> None:
        super().__init__(
            response=response,
            item_type=item_type,
            envelope=envelope,
            client=client,
            max_line_bytes=max_line_bytes,
            strict=strict,
        )
        self._iterator = self._iterate()

    def __iter__(self) -> Iterator[T]:
        return self._iterator

    def __next__(self) -> T:
        return next(self._iterator)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: types.TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop the stream and release the connection."""
        self._iterator.close()
        self.response.close()

    def _iterate(self) -> Generator[T, None, None]:
        try:
            for sse in self._events():
                item = self._decode_event(sse)
                if isinstance(item, _Done):
                    break
                yield item
        finally:
            self.response.close()

    def _events(self) -> Iterator[ServerSentEvent]:
        try:
            yield from self._decoder.iter_bytes(self.response.iter_bytes())
        except SSETooLargeError as exc:
            raise self._too_large(exc) from None
        except httpx.TimeoutException as exc:
            raise APITimeoutError(self.response.request) from exc
        except httpx.TransportError as exc:
            raise APIConnectionError(request=self.response.request) from exc


class AsyncStream(_BaseStream[T]):
    """Async iterator of the items of a streamed response; closes the response when done."""

    def __init__(
        self,
        *,
        response: httpx.Response,
        item_type: object,
        envelope: bool = False,
        client: object = None,
        max_line_bytes: int | None = None,
        strict: bool = False,
    ) -> None:
        super().__init__(
            response=response,
            item_type=item_type,
            envelope=envelope,
            client=client,
            max_line_bytes=max_line_bytes,
            strict=strict,
        )
        self._iterator = self._iterate()

    def __aiter__(self) -> AsyncIterator[T]:
        return self._iterator

    async def __anext__(self) -> T:
        return await self._iterator.__anext__()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: types.TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Stop the stream and release the connection."""
        await self._iterator.aclose()
        await self.response.aclose()

    async def close(self) -> None:
        """Alias of `aclose()`."""
        await self.aclose()

    async def _iterate(self) -> AsyncGenerator[T, None]:
        try:
            async for sse in self._events():
                item = self._decode_event(sse)
                if isinstance(item, _Done):
                    break
                yield item
        finally:
            await self.response.aclose()

    async def _events(self) -> AsyncIterator[ServerSentEvent]:
        try:
            async for sse in self._decoder.aiter_bytes(self.response.aiter_bytes()):
                yield sse
        except SSETooLargeError as exc:
            raise self._too_large(exc) from None
        except httpx.TimeoutException as exc:
            raise APITimeoutError(self.response.request) from exc
        except httpx.TransportError as exc:
            raise APIConnectionError(request=self.response.request) from exc


def _error_message(parsed: object, raw: str) -> str:
    """The message of an `error` event: the server's (see `error_fields`), else the raw data."""
    return error_fields(parsed).get("message") or raw


def _declares_error_field(item_type: object) -> bool:
    """Whether the events (a model, or any member of a union) have a top-level `error` field."""
    try:
        return _declares_error_field_cached(item_type)
    except TypeError:  # unhashable type expression
        return _declares_error_field_cached.__wrapped__(item_type)


@functools.lru_cache(maxsize=256)
def _declares_error_field_cached(item_type: object) -> bool:
    while get_origin(item_type) is Annotated:
        item_type = get_args(item_type)[0]
    if _is_union(item_type):
        return any(_declares_error_field(m) for m in get_args(item_type))
    if isinstance(item_type, type) and issubclass(item_type, pydantic.BaseModel):
        return any((f.alias or n) == "error" for n, f in item_type.model_fields.items())
    return False


def _is_union(tp: object) -> bool:
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    return get_origin(tp) in (Union, types.UnionType)
