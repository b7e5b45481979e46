"""Stream / AsyncStream: typed events, [DONE], error events, unknown events, closing."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, AsyncIterator, Iterator, Literal, Union

import httpx
import pydantic
import pytest

from generator.client.runtime._errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
)
from generator.client.runtime._models import BaseModel, UnknownEvent
from generator.client.runtime._streaming import AsyncStream, Stream


class Delta(BaseModel):
    type: Literal["delta"]
    text: str


class Finished(BaseModel):
    type: Literal["finished"]
    total: int


Chunk = Annotated[Union[Delta, Finished], pydantic.Field(discriminator="type")]


class Thing(BaseModel):
    id: str


class ThingCreated(BaseModel):
    event: Literal["thing.created"]
    data: Thing


class ThingDeleted(BaseModel):
    event: Literal["thing.deleted"]
    data: Thing


Envelope = Annotated[
    Union[ThingCreated, ThingDeleted], pydantic.Field(discriminator="event")
]

REQUEST = httpx.Request("POST", "https://api.test/v1/things")


class Chunked(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body delivered in small chunks, like a network stream (not pre-read by httpx)."""

    def __init__(self, body: bytes, size: int = 7) -> None:
        self.chunks = [body[i : i + size] for i in range(0, len(body), size)]

    def __iter__(self) -> Iterator[bytes]:
        yield from self.chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk


def sse_response(body: bytes) -> httpx.Response:
    return httpx.Response(
        200,
        stream=Chunked(body),
        request=REQUEST,
        headers={"content-type": "text/event-stream"},
    )


def items(body: bytes, item_type: object, *, envelope: bool = False, strict: bool = False) -> list[Any]:
    """Consume the body through both Stream and AsyncStream; they must agree."""
    sync_items: list[Any] = list(
        Stream(response=sse_response(body), item_type=item_type, envelope=envelope, strict=strict)
    )

    async def run() -> list[Any]:
        stream: AsyncStream[Any] = AsyncStream(
            response=sse_response(body), item_type=item_type, envelope=envelope, strict=strict
        )
        return [item async for item in stream]

    async_items = asyncio.run(run())
    assert sync_items == async_items
    return sync_items


def test_typed_items_and_done() -> None:
    body = (
        b'data: {"type": "delta", "text": "Hel"}\n\n'
        b'data: {"type": "delta", "text": "lo"}\n\n'
        b'data: {"type": "finished", "total": 2}\n\n'
        b"data: [DONE]\n\n"
        b'data: {"type": "delta", "text": "after done"}\n\n'
    )
    got = items(body, Chunk)
    assert [type(item) for item in got] == [Delta, Delta, Finished]
    assert "".join(item.text for item in got if isinstance(item, Delta)) == "Hello"
    assert got[2].total == 2


def test_done_with_whitespace() -> None:
    assert (
        items(
            b'data: {"type": "delta", "text": "x"}\n\ndata:  [DONE] \n\ndata: {"bad": 1}\n\n',
            Chunk,
        )[0].text
        == "x"
    )


def test_unknown_tag_yields_unknown_event() -> None:
    body = b'data: {"type": "brand_new", "x": 1}\n\ndata: {"type": "delta", "text": "ok"}\n\n'
    got = items(body, Chunk)
    assert isinstance(got[0], UnknownEvent)
    assert got[0].data == {"type": "brand_new", "x": 1}
    assert got[0].event is None
    assert isinstance(got[1], Delta)


def test_envelope_wraps_event_name_and_data() -> None:
    body = (
        b'event: thing.created\ndata: {"id": "t1"}\n\n'
        b'event: thing.renamed\ndata: {"id": "t1", "name": "n"}\n\n'
        b'event: thing.deleted\ndata: {"id": "t1"}\n\n'
    )
    got = items(body, Envelope, envelope=True)
    assert isinstance(got[0], ThingCreated) and got[0].data.id == "t1"
    # An event name the spec does not list must surface, not vanish.
    assert isinstance(got[1], UnknownEvent)
    assert (got[1].event, got[1].data) == ("thing.renamed", {"id": "t1", "name": "n"})
    assert isinstance(got[2], ThingDeleted)


def test_unknown_literal_on_single_model_and_plain_union() -> None:
    got = items(b'event: other\ndata: {"id": "t"}\n\n', ThingCreated, envelope=True)
    assert isinstance(got[0], UnknownEvent) and got[0].event == "other"
    got = items(b'data: {"type": "nope"}\n\n', Union[Delta, Finished])
    assert isinstance(got[0], UnknownEvent)


def test_invalid_known_event_raises_validation_error_when_strict() -> None:
    body = b'data: {"type": "delta", "text": 123}\n\n'
    with pytest.raises(APIResponseValidationError) as info:
        list(Stream(response=sse_response(body), item_type=Chunk, strict=True))
    assert info.value.body == {"type": "delta", "text": 123}
    with pytest.raises(APIResponseValidationError):
        items(b'event: thing.created\ndata: {"no_id": 1}\n\n', Envelope, envelope=True, strict=True)


def test_invalid_known_event_is_kept_by_default() -> None:
    (delta,) = items(b'data: {"type": "delta", "text": 123}\n\n', Chunk)
    assert isinstance(delta, Delta) and delta.text == 123
    assert delta.to_dict() == {"type": "delta", "text": 123}
    (created,) = items(b'event: thing.created\ndata: {"no_id": 1}\n\n', Envelope, envelope=True)
    assert isinstance(created, ThingCreated) and isinstance(created.data, Thing)
    assert created.data.id is None and created.data.no_id == 1  # type: ignore[attr-defined]
    assert created.to_dict() == {"event": "thing.created", "data": {"no_id": 1}}


def test_error_event_raises_api_error_with_payload() -> None:
    body = (
        b'data: {"type": "delta", "text": "partial"}\n\n'
        b'event: error\ndata: {"error": {"message": "overloaded", "code": "busy"}}\n\n'
    )
    stream: Stream[Any] = Stream(response=sse_response(body), item_type=Chunk)
    assert next(stream).text == "partial"
    with pytest.raises(APIError) as info:
        next(stream)
    assert info.value.message == "overloaded"
    assert info.value.body == {"error": {"message": "overloaded", "code": "busy"}}
    assert info.value.request is REQUEST
    assert stream.response.is_closed

    for payload, message in [
        (b'{"message": "flat"}', "flat"),
        (b"plain text failure", "plain text failure"),
    ]:
        with pytest.raises(APIError) as info:
            items(b"event: error\ndata: " + payload + b"\n\n", Chunk)
        assert info.value.message == message


def test_untyped_stream_keeps_json_and_text() -> None:
    assert items(b'data: {"a": 1}\n\ndata: not json\n\n', None) == [
        {"a": 1},
        "not json",
    ]
    assert items(b'event: x\ndata: {"a": 1}\n\n', None, envelope=True) == [
        {"event": "x", "data": {"a": 1}}
    ]


def test_response_closed_after_full_iteration_close_and_with() -> None:
    body = b'data: {"type": "delta", "text": "a"}\n\ndata: {"type": "delta", "text": "b"}\n\n'
    stream: Stream[Any] = Stream(response=sse_response(body), item_type=Chunk)
    list(stream)
    assert stream.response.is_closed

    stream = Stream(response=sse_response(body), item_type=Chunk)
    with stream as entered:
        assert entered is stream
        assert next(iter(stream)).text == "a"
        assert not stream.response.is_closed
    assert stream.response.is_closed
    assert list(stream) == []  # closed streams yield nothing more

    stream = Stream(response=sse_response(body), item_type=Chunk)
    stream.close()
    assert stream.response.is_closed


def test_async_close_and_context_manager() -> None:
    body = b'data: {"type": "delta", "text": "a"}\n\ndata: {"type": "delta", "text": "b"}\n\n'

    async def run() -> None:
        stream: AsyncStream[Any] = AsyncStream(
            response=sse_response(body), item_type=Chunk
        )
        async with stream as entered:
            assert entered is stream
            first = await stream.__anext__()
            assert first.text == "a"
        assert stream.response.is_closed

        stream = AsyncStream(response=sse_response(body), item_type=Chunk)
        await stream.aclose()
        assert stream.response.is_closed
        assert [item async for item in stream] == []

    asyncio.run(run())


class _Broken(httpx.SyncByteStream, httpx.AsyncByteStream):
    """Sends one event, then the connection drops."""

    def __iter__(self) -> Iterator[bytes]:
        yield b'data: {"type": "delta", "text": "a"}\n\n'
        raise httpx.ReadError("connection lost")

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b'data: {"type": "delta", "text": "a"}\n\n'
        raise httpx.ReadError("connection lost")


def test_transport_error_mid_stream_becomes_api_connection_error() -> None:
    stream: Stream[Any] = Stream(
        response=httpx.Response(200, stream=_Broken(), request=REQUEST), item_type=Chunk
    )
    assert next(stream).text == "a"
    with pytest.raises(APIConnectionError):
        next(stream)

    async def run() -> None:
        astream: AsyncStream[Any] = AsyncStream(
            response=httpx.Response(200, stream=_Broken(), request=REQUEST),
            item_type=Chunk,
        )
        assert (await astream.__anext__()).text == "a"
        with pytest.raises(APIConnectionError):
            await astream.__anext__()

    asyncio.run(run())


class Part(BaseModel):
    kind: Literal["text"]


class Message(BaseModel):
    type: Literal["message"]
    part: Annotated[Union[Part], pydantic.Field(discriminator="kind")]


def test_unknown_nested_tag_is_a_validation_error_not_an_unknown_event() -> None:
    # The event itself is known; only a value inside it is not: that is a schema
    # mismatch to report (when strict), not an event to pass through as unknown.
    body = b'data: {"type": "message", "part": {"kind": "video"}}\n\n'
    with pytest.raises(APIResponseValidationError):
        items(body, Message, strict=True)
    (message,) = items(body, Message)
    assert isinstance(message, Message) and message.part.kind == "video"


# --- tolerant response unions ------------------------------------------------------------


def test_response_unions_keep_members_the_spec_does_not_list() -> None:
    from typing import Annotated, Literal, Union

    import pydantic

    from generator.client.runtime._models import BaseModel, KeepUnknown, KeepUnmatched, UnknownVariant

    class Code(BaseModel):
        type: Literal["code"]

    class Search(BaseModel):
        type: Literal["search"]
        limit: int

    tagged = pydantic.TypeAdapter(list[Annotated[Union[Code, Search], pydantic.Field(discriminator="type"), KeepUnknown]])
    plain = pydantic.TypeAdapter(Annotated[Union[Literal["auto"], Code, Search], KeepUnmatched])

    code, new = tagged.validate_python([{"type": "code"}, {"type": "web", "depth": 2}])
    assert isinstance(code, Code)
    assert isinstance(new, UnknownVariant) and new.type == "web" and new.depth == 2  # type: ignore[attr-defined]
    assert isinstance(plain.validate_python({"type": "grammar"}), UnknownVariant)
    assert plain.validate_python("auto") == "auto"
    # A known tag with bad data is still an error where the union is discriminated.
    with pytest.raises(pydantic.ValidationError):
        tagged.validate_python([{"type": "search", "limit": "many"}])
    # Non-objects are never swallowed.
    with pytest.raises(pydantic.ValidationError):
        plain.validate_python(5)
