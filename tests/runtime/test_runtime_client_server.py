"""The clients against a real HTTP server on 127.0.0.1 (sockets, resets, timeouts, streams)."""

from __future__ import annotations

import json
import time
from typing import Annotated, Any, Literal, Union

import pydantic
import pytest
from .runtime_support import (
    Harness,
    ScriptedServer,
    reset_connection,
    send_json,
    send_sse,
    sleep_then,
)

from generator.client.runtime._base_client import RequestOptions
from generator.client.runtime._errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APITimeoutError,
    BadRequestError,
    InternalServerError,
)
from generator.client.runtime._models import BaseModel


class Item(BaseModel):
    id: str
    count: int


class Tick(BaseModel):
    type: Literal["tick"]
    n: int


class Tock(BaseModel):
    type: Literal["tock"]
    n: int


Event = Annotated[Union[Tick, Tock], pydantic.Field(discriminator="type")]


def harness(kind: str, server: ScriptedServer, **kwargs: Any) -> Harness:
    return Harness(kind, base_url=server.url + "/v1", **kwargs)


def create_item(**kwargs: object) -> RequestOptions:
    return RequestOptions(method="post", path="/items", body={"name": "x"}, cast_to=Item, **kwargs)  # type: ignore[arg-type]


def test_success_round_trip(kind: str, server: ScriptedServer) -> None:
    server.script(send_json(200, {"id": "i1", "count": 2}))
    item = harness(kind, server).request(create_item(query={"tag": ["a", "b"]}))
    assert (item.id, item.count) == ("i1", 2)
    [request] = server.requests
    assert (request["method"], request["path"]) == ("POST", "/v1/items?tag=a&tag=b")
    assert json.loads(request["body"]) == {"name": "x"}
    assert request["headers"]["Authorization"] == "Bearer sk-test"
    assert request["headers"]["User-Agent"] == "test-agent/1.0"


def test_429_with_retry_after_then_200(kind: str, server: ScriptedServer) -> None:
    server.script(
        send_json(429, {"error": {"message": "slow down"}}, {"Retry-After": "2.5"}),
        send_json(200, {"id": "i1", "count": 1}),
    )
    h = harness(kind, server)
    assert h.request(create_item()).id == "i1"
    assert h.sleeps == [2.5]
    assert len(server.requests) == 2


def test_500_500_200(kind: str, server: ScriptedServer) -> None:
    server.script(
        send_json(500, {}), send_json(500, {}), send_json(200, {"id": "i1", "count": 1})
    )
    h = harness(kind, server)
    assert h.request(create_item()).count == 1
    assert len(server.requests) == 3
    assert len(h.sleeps) == 2
    assert 0.375 <= h.sleeps[0] <= 0.5 and 0.75 <= h.sleeps[1] <= 1.0


def test_retries_exhausted(kind: str, server: ScriptedServer) -> None:
    server.script(
        *[send_json(500, {"error": {"message": "down"}}, {"x-request-id": "req_9"})] * 3
    )
    with pytest.raises(InternalServerError) as info:
        harness(kind, server).request(create_item())
    assert len(server.requests) == 3
    assert (info.value.status_code, info.value.request_id, info.value.message) == (
        500,
        "req_9",
        "down",
    )


def test_400_is_never_retried(kind: str, server: ScriptedServer) -> None:
    server.script(
        send_json(400, {"error": {"message": "bad", "param": "name"}}),
        send_json(200, {}),
    )
    h = harness(kind, server)
    with pytest.raises(BadRequestError) as info:
        h.request(create_item())
    assert info.value.param == "name"
    assert len(server.requests) == 1 and h.sleeps == []


def test_connection_reset_then_success(kind: str, server: ScriptedServer) -> None:
    server.script(reset_connection, send_json(200, {"id": "i1", "count": 1}))
    h = harness(kind, server)
    assert h.request(create_item()).id == "i1"
    assert len(server.requests) == 2 and len(h.sleeps) == 1


def test_connection_reset_every_time(kind: str, server: ScriptedServer) -> None:
    server.script(reset_connection, reset_connection, reset_connection)
    h = harness(kind, server)
    with pytest.raises(APIConnectionError) as info:
        h.request(create_item())
    assert type(info.value) is APIConnectionError
    assert len(server.requests) == 3 and len(h.sleeps) == 2


def test_malformed_json_body(kind: str, server: ScriptedServer) -> None:
    server.script(send_json(200, b'{"id": "i1", "count": '))
    with pytest.raises(APIResponseValidationError) as info:
        harness(kind, server).request(create_item())
    assert info.value.body == '{"id": "i1", "count": '
    assert len(server.requests) == 1  # a bad body is not a reason to retry


def test_per_call_timeout(kind: str, server: ScriptedServer) -> None:
    slow = sleep_then(0.6, send_json(200, {"id": "late", "count": 0}))
    server.script(slow, slow)
    h = harness(kind, server, max_retries=1)
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        h.request(create_item(timeout=0.2))
    elapsed = time.monotonic() - started
    assert len(server.requests) == 2  # the timeout was retried once
    assert elapsed < 1.0  # each attempt gave up after ~0.2 s, not 0.6 s


STREAM = (
    b'data: {"type": "tick", "n": 1}\n\n',
    b'event: message\ndata: {"type": "tock", "n": 2}\n\n',
    b'data: {"type": "tick", "n": 3}\n\n',
    b'data: {"type": "tick", "n": 4, "cut": "he',  # the server dies mid-event
)


def test_stream_cut_mid_event(kind: str, server: ScriptedServer) -> None:
    server.script(send_sse(*STREAM))
    items = harness(kind, server).request(
        RequestOptions(
            method="post",
            path="/events",
            body={"stream": True},
            stream=True,
            stream_item=Event,
        )
    )
    assert [(type(i).__name__, i.n) for i in items] == [
        ("Tick", 1),
        ("Tock", 2),
        ("Tick", 3),
    ]
    assert server.requests[0]["headers"]["Accept"] == "text/event-stream"


def test_stream_done_error_and_unknown(kind: str, server: ScriptedServer) -> None:
    server.script(
        send_sse(
            b'data: {"type": "tick", "n": 1}\n\ndata: {"type": "tack", "n": 2}\n\ndata: [DONE]\n\n'
        ),
        send_sse(
            b'data: {"type": "tick", "n": 1}\n\nevent: error\ndata: {"error": {"message": "boom"}}\n\n'
        ),
    )
    h = harness(kind, server)
    items = h.request(
        RequestOptions(method="post", path="/events", stream=True, stream_item=Event)
    )
    assert [type(i).__name__ for i in items] == ["Tick", "UnknownEvent"]
    assert items[1].data == {"type": "tack", "n": 2}
    with pytest.raises(APIError) as info:
        h.request(
            RequestOptions(
                method="post", path="/events", stream=True, stream_item=Event
            )
        )
    assert type(info.value) is APIError
    assert info.value.message == "boom"
    assert info.value.body == {"error": {"message": "boom"}}
