"""SyncAPIClient / AsyncAPIClient over httpx.MockTransport: building, retries, parsing."""

from __future__ import annotations

import asyncio
import email.utils
import functools
import io
import json
import time
from typing import Annotated, Any, Callable, Literal, Union

import httpx
import pydantic

from generator.client.runtime._response import BinaryResponse
import pytest
from .runtime_support import BEARER, Harness, MockApi, reply

from generator.client.runtime._base_client import (
    AsyncAPIClient,
    AuthSpec,
    RequestOptions,
    SyncAPIClient,
)
from generator.client.runtime._errors import (
    APIConnectionError,
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
    UnprocessableEntityError,
)
from generator.client.runtime._models import BaseModel
from generator.client.runtime._streaming import AsyncStream, Stream
from generator.client.runtime._types import NOT_GIVEN

MakeHarness = Callable[..., tuple[Harness, MockApi]]


class Widget(BaseModel):
    id: str
    size: int = 0
    display_name: str | None = pydantic.Field(default=None, alias="displayName")


class Circle(BaseModel):
    shape: Literal["circle"]
    radius: float


class Square(BaseModel):
    shape: Literal["square"]
    side: float


Shape = Annotated[Union[Circle, Square], pydantic.Field(discriminator="shape")]


def get(path: str = "/widgets", **kwargs: Any) -> RequestOptions:
    return RequestOptions(method="get", path=path, **kwargs)


def post(path: str = "/widgets", **kwargs: Any) -> RequestOptions:
    return RequestOptions(method="post", path=path, **kwargs)


# --- URL, path parameters, query ---------------------------------------------------


def test_path_params_are_encoded_as_segments(mock_harness: MakeHarness) -> None:
    harness, api = mock_harness(reply(200, {}))
    harness.request(
        get(
            "/widgets/{widget_id}/parts/{flag}",
            path_params={"widget_id": "a/b c?", "flag": True},
        )
    )
    assert api.requests[0].url.raw_path == b"/v1/widgets/a%2Fb%20c%3F/parts/true"
    harness.request(get("/widgets/{widget_id}", path_params={"widget_id": "..a"}))
    assert api.requests[1].url.raw_path == b"/v1/widgets/..a"


@pytest.mark.parametrize(
    ("template", "params"),
    [
        ("/widgets/{widget_id}", {"widget_id": "."}),
        ("/widgets/{widget_id}", {"widget_id": ".."}),
        ("/widgets/{widget_id}/parts", {"widget_id": ".."}),
        ("/widgets/{widget_id}", {"widget_id": [".."]}),
        # Two placeholders that together make a dot-segment.
        ("/widgets/{a}{b}", {"a": ".", "b": "."}),
    ],
)
def test_dot_segment_path_params_raise_before_sending(
    mock_harness: MakeHarness, template: str, params: dict[str, object]
) -> None:
    # Sent as `%2E%2E`, a proxy may normalise it back into `..` and move the request.
    harness, api = mock_harness(reply(200, {}))
    with pytest.raises(ValueError, match="dot-segment"):
        harness.request(get(template, path_params=params))
    assert api.requests == []


def test_a_query_written_into_the_path_is_kept(mock_harness: MakeHarness) -> None:
    harness, api = mock_harness(reply(200, {}))
    harness.request(get("/widgets?beta=true"))
    harness.request(get("/widgets/{widget_id}?beta=true", path_params={"widget_id": "w1"}, query={"limit": 5}))
    assert str(api.requests[0].url).endswith("/v1/widgets?beta=true")
    assert api.requests[1].url.path == "/v1/widgets/w1"
    assert list(api.requests[1].url.params.multi_items()) == [("beta", "true"), ("limit", "5")]


@pytest.mark.parametrize("value", ["", None])
def test_empty_path_param_raises_before_any_request(
    mock_harness: MakeHarness, value: object
) -> None:
    harness, api = mock_harness(reply(200, {}))
    with pytest.raises(ValueError) as info:
        harness.request(
            get("/things/{thing_id}/parts", path_params={"thing_id": value})
        )
    assert (
        str(info.value)
        == f"Expected a non-empty value for `thing_id` but received {value!r}"
    )
    assert api.requests == []


def test_query_encoding_and_extra_query(mock_harness: MakeHarness) -> None:
    harness, api = mock_harness(reply(200, {}))
    harness.request(
        get(
            query={
                "include[]": ["a", "b"],
                "stream": True,
                "verbose": False,
                "limit": 10,
                "after": NOT_GIVEN,
                "before": None,
                "order": "asc",
                "filter": {"color": "red"},
            },
            extra_query={"order": "desc", "debug": 1},
        )
    )
    assert api.requests[0].url.params.multi_items() == [
        ("include[]", "a"),
        ("include[]", "b"),
        ("stream", "true"),
        ("verbose", "false"),
        ("limit", "10"),
        ("order", "desc"),
        ("filter[color]", "red"),
        ("debug", "1"),
    ]


def test_base_url_with_or_without_trailing_slash() -> None:
    seen: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json={})

    transport = httpx.MockTransport(handle)
    for base in ("https://api.test/v1", "https://api.test/v1/"):
        client = SyncAPIClient(
            base_url=base,
            api_key=None,
            auth=None,
            user_agent="ua",
            http_client=httpx.Client(transport=transport),
        )
        client.request(get("/widgets"))
    assert seen == ["https://api.test/v1/widgets", "https://api.test/v1/widgets"]


# --- headers and auth ----------------------------------------------------------------


def test_default_headers_and_precedence(mock_harness: MakeHarness) -> None:
    harness, api = mock_harness(
        reply(200, {}), default_headers={"X-Team": "default", "X-Keep": "kept"}
    )
    harness.request(
        get(
            headers={
                "X-Team": "operation",
                "X-Op": 5,
                "X-Flag": True,
                "X-Unset": NOT_GIVEN,
                "X-Keep": NOT_GIVEN,
            },
            extra_headers={"X-Op": "extra", "User-Agent": None, "X-Keep": NOT_GIVEN},
        )
    )
    headers = api.requests[0].headers
    assert headers["Accept"] == "application/json"
    assert headers["Authorization"] == "Bearer sk-test"
    assert headers["X-Team"] == "operation"
    assert headers["X-Op"] == "extra"
    assert headers["X-Flag"] == "true"
    assert "X-Unset" not in headers
    assert "X-Keep" not in headers  # removed by extra_headers
    assert "User-Agent" not in headers  # removed, and not replaced by httpx's own
    assert "Content-Type" not in headers  # no body, no content type
    assert not any(name.lower().startswith("x-stainless") for name in headers)


def test_user_agent_and_default_header_override(mock_harness: MakeHarness) -> None:
    harness, api = mock_harness(
        reply(200, {}), default_headers={"Authorization": "Token abc"}
    )
    harness.request(get())
    assert api.requests[0].headers["User-Agent"] == "test-agent/1.0"
    assert api.requests[0].headers["Authorization"] == "Token abc"


@pytest.mark.parametrize(
    ("auth", "check"),
    [
        (
            AuthSpec("header", "X-Api-Key", "{key}"),
            lambda r: r.headers["X-Api-Key"] == "sk-test",
        ),
        (
            AuthSpec("query", "api_key", "{key}"),
            lambda r: r.url.params["api_key"] == "sk-test",
        ),
        (
            AuthSpec("cookie", "session", "{key}"),
            lambda r: r.headers["Cookie"] == "session=sk-test",
        ),
    ],
)
def test_auth_locations(
    mock_harness: MakeHarness, auth: AuthSpec, check: Callable[[httpx.Request], bool]
) -> None:
    harness, api = mock_harness(reply(200, {}), auth=auth)
    harness.request(get())
    assert check(api.requests[0])
    assert "Authorization" not in api.requests[0].headers


def test_no_api_key_sends_no_auth(mock_harness: MakeHarness) -> None:
    harness, api = mock_harness(reply(200, {}), api_key=None)
    harness.request(get())
    assert "Authorization" not in api.requests[0].headers


# --- bodies ----------------------------------------------------------------------


def test_json_body_drops_not_given_and_merges_extra_body(
    mock_harness: MakeHarness,
) -> None:
    harness, api = mock_harness(reply(200, {}))
    harness.request(
        post(
            body={
                "name": "w",
                "size": NOT_GIVEN,
                "note": None,
                "nested": {"keep": 1, "drop": NOT_GIVEN},
                "model": Widget(id="w1", displayName="Nice"),
                "color": "red",
            },
            extra_body={"color": "blue", "extra": [1, 2], "name": NOT_GIVEN},
        )
    )
    request = api.requests[0]
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == {
        "note": None,
        "nested": {"keep": 1},
        "model": {"id": "w1", "displayName": "Nice"},
        "color": "blue",
        "extra": [1, 2],
    }


def test_non_object_json_body(mock_harness: MakeHarness) -> None:
    harness, api = mock_harness(reply(200, {}))
    harness.request(post(body=[1, "two", None]))
    assert json.loads(api.requests[0].content) == [1, "two", None]


def test_multipart_splits_files_and_fields(mock_harness: MakeHarness) -> None:
    harness, api = mock_harness(reply(200, {}))
    harness.request(
        post(
            body={
                "file": ("report.txt", b"file-bytes", "text/plain"),
                "images": [b"img-1", io.BytesIO(b"img-2")],
                "purpose": "assistants",
                "flag": True,
                "count": 3,
                "meta": {"a": 1},
                "tags": ["x", "y"],
                "skip": NOT_GIVEN,
                "none": None,
            },
            body_kind="multipart",
        )
    )
    request = api.requests[0]
    content_type = request.headers["Content-Type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    parts = parse_multipart(request.content, content_type.split("boundary=")[1])
    assert parts["file"] == [(b"report.txt", b"file-bytes")]
    assert [data for _, data in parts["images"]] == [b"img-1", b"img-2"]
    assert parts["purpose"] == [(None, b"assistants")]
    assert parts["flag"] == [(None, b"true")]
    assert parts["count"] == [(None, b"3")]
    assert json.loads(parts["meta"][0][1]) == {"a": 1}
    # An array repeats its field (the client's default array format); an object is one JSON field.
    assert parts["tags"] == [(None, b"x"), (None, b"y")]
    assert "skip" not in parts and "none" not in parts


def test_multipart_without_files_is_still_multipart(mock_harness: MakeHarness) -> None:
    harness, api = mock_harness(reply(200, {}))
    harness.request(post(body={"purpose": "x"}, body_kind="multipart"))
    assert (
        api.requests[0]
        .headers["Content-Type"]
        .startswith("multipart/form-data; boundary=")
    )


def parse_multipart(
    content: bytes, boundary: str
) -> dict[str, list[tuple[bytes | None, bytes]]]:
    """name -> [(filename or None, data)] (a small parser for test assertions)."""
    parts: dict[str, list[tuple[bytes | None, bytes]]] = {}
    for raw in content.split(b"--" + boundary.encode())[1:-1]:
        head, _, data = raw.strip(b"\r\n").partition(b"\r\n\r\n")
        disposition = head.split(b"\r\n")[0]
        name = disposition.split(b'name="')[1].split(b'"')[0].decode()
        filename = (
            disposition.split(b'filename="')[1].split(b'"')[0]
            if b"filename=" in disposition
            else None
        )
        parts.setdefault(name, []).append((filename, data))
    return parts


def test_form_body(mock_harness: MakeHarness) -> None:
    harness, api = mock_harness(reply(200, {}))
    harness.request(
        post(
            body={
                "grant_type": "password",
                "scope": ["a", "b"],
                "remember": False,
                "x": NOT_GIVEN,
            },
            body_kind="form",
        )
    )
    request = api.requests[0]
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.content == b"grant_type=password&scope=a&scope=b&remember=false"


def test_binary_and_text_bodies(mock_harness: MakeHarness) -> None:
    harness, api = mock_harness(reply(200, {}))
    harness.request(
        post(body=b"\x00\x01raw", body_kind="binary", content_type="audio/wav")
    )
    harness.request(
        post(
            body=io.BytesIO(b"from a file"),
            body_kind="binary",
            content_type="application/pdf",
        )
    )
    harness.request(post(body="héllo", body_kind="text", content_type="text/csv"))
    assert (api.requests[0].content, api.requests[0].headers["Content-Type"]) == (
        b"\x00\x01raw",
        "audio/wav",
    )
    assert (api.requests[1].content, api.requests[1].headers["Content-Type"]) == (
        b"from a file",
        "application/pdf",
    )
    assert (api.requests[2].content, api.requests[2].headers["Content-Type"]) == (
        "héllo".encode(),
        "text/csv",
    )


def test_binary_file_body_is_resent_whole_on_retry(mock_harness: MakeHarness) -> None:
    harness, api = mock_harness(reply(500, {}), reply(200, {}))
    harness.request(
        post(
            body=io.BytesIO(b"payload"),
            body_kind="binary",
            content_type="application/octet-stream",
        )
    )
    assert [r.content for r in api.requests] == [b"payload", b"payload"]


# --- validation ---------------------------------------------------------------------

RULES = {"temperature": (5, {"maximum": 2}), "top_p": (NOT_GIVEN, {"maximum": 1})}


def test_validation_runs_before_any_request(mock_harness: MakeHarness) -> None:
    harness, api = mock_harness(reply(200, {}))
    with pytest.raises(ValueError, match=r"^temperature: must be <= 2 \(got 5\)$"):
        harness.request(post(body={"temperature": 5}, validation=RULES))
    assert api.requests == []


def test_validation_can_be_turned_off(mock_harness: MakeHarness) -> None:
    harness, api = mock_harness(reply(200, {}), validate=False)
    harness.request(post(body={"temperature": 5}, validation=RULES))
    assert len(api.requests) == 1


# --- responses ------------------------------------------------------------------------


def test_model_response_keeps_unknown_fields(mock_harness: MakeHarness) -> None:
    harness, _ = mock_harness(
        reply(200, {"id": "w1", "size": 3, "displayName": "W", "brand_new": {"x": 1}})
    )
    widget = harness.request(get(cast_to=Widget))
    assert isinstance(widget, Widget)
    assert (widget.id, widget.size, widget.display_name) == ("w1", 3, "W")
    assert widget.brand_new == {"x": 1}  # type: ignore[attr-defined]
    assert widget.to_dict() == {
        "id": "w1",
        "size": 3,
        "displayName": "W",
        "brand_new": {"x": 1},
    }
    assert json.loads(widget.to_json()) == widget.to_dict()


def test_list_union_and_dict_responses(mock_harness: MakeHarness) -> None:
    harness, _ = mock_harness(
        reply(200, [{"id": "a"}, {"id": "b"}]),
        reply(200, {"shape": "square", "side": 2}),
        reply(200, {"free": ["form"]}),
        reply(200, {"raw": True}),
    )
    widgets = harness.request(get(cast_to=list[Widget]))
    assert [w.id for w in widgets] == ["a", "b"]
    assert isinstance(harness.request(get(cast_to=Shape)), Square)
    assert harness.request(get(cast_to=dict[str, object])) == {"free": ["form"]}
    assert harness.request(get(cast_to=None)) == {"raw": True}


def test_binary_text_and_none_responses(mock_harness: MakeHarness) -> None:
    harness, api = mock_harness(
        reply(200, b"\x89PNG..."),
        reply(200, "plain text"),
        lambda r: httpx.Response(204),
    )
    binary = harness.request(get(response_kind="binary"))
    assert isinstance(binary, BinaryResponse) and binary.content == b"\x89PNG..."
    assert harness.request(get(response_kind="text")) == "plain text"
    assert harness.request(get(response_kind="none")) is None
    assert api.requests[0].headers["Accept"] == "*/*"


def test_malformed_json_response(mock_harness: MakeHarness) -> None:
    harness, _ = mock_harness(reply(200, b'{"id": "w1",'))
    with pytest.raises(APIResponseValidationError) as info:
        harness.request(get(cast_to=Widget))
    assert info.value.status_code == 200
    assert info.value.body == '{"id": "w1",'


def test_schema_mismatch_response_raises_when_strict(mock_harness: MakeHarness) -> None:
    harness, _ = mock_harness(reply(200, {"size": "not a number"}), strict_responses=True)
    with pytest.raises(APIResponseValidationError) as info:
        harness.request(get(cast_to=Widget))
    assert info.value.body == {"size": "not a number"}
    assert isinstance(info.value.__cause__, pydantic.ValidationError)


def test_schema_mismatch_response_is_kept_by_default(mock_harness: MakeHarness) -> None:
    harness, _ = mock_harness(reply(200, {"size": "not a number", "displayName": "W"}))
    widget = harness.request(get(cast_to=Widget))
    assert isinstance(widget, Widget)
    assert (widget.id, widget.size, widget.display_name) == (None, "not a number", "W")
    assert widget.to_dict() == {"size": "not a number", "displayName": "W"}


# --- errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (422, UnprocessableEntityError),
        (418, APIStatusError),
    ],
)
def test_status_errors_are_not_retried(
    mock_harness: MakeHarness, status: int, error_class: type[APIStatusError]
) -> None:
    body = {
        "error": {
            "message": "Nope",
            "type": "invalid_request_error",
            "code": "bad",
            "param": "size",
        }
    }
    harness, api = mock_harness(reply(status, body, {"x-request-id": "req_123"}))
    with pytest.raises(error_class) as info:
        harness.request(get())
    error = info.value
    assert type(error) is error_class
    assert len(api.requests) == 1
    assert harness.sleeps == []
    assert (error.status_code, error.request_id, error.message) == (
        status,
        "req_123",
        "Nope",
    )
    assert (error.type, error.code, error.param) == (
        "invalid_request_error",
        "bad",
        "size",
    )
    assert error.body == body
    assert str(error) == f"Error code: {status} - Nope"


def test_error_without_message_uses_generic_text(mock_harness: MakeHarness) -> None:
    harness, _ = mock_harness(
        reply(404, {"reason": "missing"}), reply(400, b"<html>oops</html>")
    )
    with pytest.raises(NotFoundError) as info:
        harness.request(get())
    assert info.value.message == "Error code: 404 - {'reason': 'missing'}"
    assert str(info.value) == info.value.message
    with pytest.raises(BadRequestError) as info2:
        harness.request(get())
    assert info2.value.body == "<html>oops</html>"
    assert info2.value.code is None


def test_flat_error_body(mock_harness: MakeHarness) -> None:
    harness, _ = mock_harness(reply(400, {"message": "flat message", "code": 42}))
    with pytest.raises(BadRequestError) as info:
        harness.request(get())
    assert (info.value.message, info.value.code) == ("flat message", "42")


# --- retries ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (408, APIStatusError),
        (409, ConflictError),
        (429, RateLimitError),
        (500, InternalServerError),
        (503, InternalServerError),
    ],
)
def test_retryable_statuses_exhaust_retries(
    mock_harness: MakeHarness, status: int, error_class: type[Exception]
) -> None:
    harness, api = mock_harness(reply(status, {"error": {"message": "busy"}}))
    with pytest.raises(error_class):
        harness.request(get())
    assert len(api.requests) == 3  # first attempt + max_retries=2
    assert len(harness.sleeps) == 2


def test_retry_then_success(mock_harness: MakeHarness) -> None:
    harness, api = mock_harness(reply(500, {}), reply(502, {}), reply(200, {"id": "w"}))
    assert harness.request(get(cast_to=Widget)).id == "w"
    assert len(api.requests) == 3


def test_backoff_grows_exponentially_with_jitter_and_cap(
    mock_harness: MakeHarness,
) -> None:
    harness, _ = mock_harness(reply(500, {}), max_retries=6)
    with pytest.raises(InternalServerError):
        harness.request(get())
    assert len(harness.sleeps) == 6
    for attempt, slept in enumerate(harness.sleeps):
        base = min(0.5 * 2**attempt, 8.0)
        assert 0.75 * base <= slept <= base, (attempt, slept)


def test_jitter_takes_up_to_a_quarter_off(
    mock_harness: MakeHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    draws = iter([0.0, 1.0])
    monkeypatch.setattr(
        "generator.client.runtime._base_client.random.random", lambda: next(draws)
    )
    harness, _ = mock_harness(reply(500, {}))
    with pytest.raises(InternalServerError):
        harness.request(get())
    assert harness.sleeps == [0.5, 0.75]


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
    ],
)
def test_retry_after_headers(
    mock_harness: MakeHarness, headers: dict[str, str], expected: float
) -> None:
    harness, _ = mock_harness(reply(429, {}, headers), reply(200, {}))
    harness.request(get())
    assert harness.sleeps == [expected]


def test_retry_after_http_date(mock_harness: MakeHarness) -> None:
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    harness, _ = mock_harness(reply(503, {}, {"retry-after": when}), reply(200, {}))
    harness.request(get())
    assert 28 <= harness.sleeps[0] <= 31


@pytest.mark.parametrize("value", ["120", "0", "-3", "soon", "nan"])
def test_unusable_retry_after_falls_back_to_backoff(
    mock_harness: MakeHarness, value: str
) -> None:
    harness, _ = mock_harness(reply(429, {}, {"retry-after": value}), reply(200, {}))
    harness.request(get())
    assert 0.375 <= harness.sleeps[0] <= 0.5


def test_x_should_retry_header_wins(mock_harness: MakeHarness) -> None:
    harness, api = mock_harness(
        reply(400, {}, {"x-should-retry": "true"}), reply(200, {})
    )
    harness.request(get())
    assert len(api.requests) == 2
    harness, api = mock_harness(reply(500, {}, {"x-should-retry": "false"}))
    with pytest.raises(InternalServerError):
        harness.request(get())
    assert len(api.requests) == 1


def raise_error(error: Exception) -> Callable[[httpx.Request], httpx.Response]:
    def handle(request: httpx.Request) -> httpx.Response:
        raise error

    return handle


def test_connection_errors_are_retried(mock_harness: MakeHarness) -> None:
    harness, api = mock_harness(
        raise_error(httpx.ConnectError("refused")), reply(200, {"id": "w"})
    )
    assert harness.request(get(cast_to=Widget)).id == "w"
    assert len(api.requests) == 2

    harness, api = mock_harness(raise_error(httpx.ReadError("reset")))
    with pytest.raises(APIConnectionError) as info:
        harness.request(get())
    assert type(info.value) is APIConnectionError
    assert info.value.message == "Connection error."
    assert isinstance(info.value.__cause__, httpx.ReadError)
    assert len(api.requests) == 3

    harness, api = mock_harness(raise_error(httpx.ReadTimeout("slow")))
    with pytest.raises(APITimeoutError) as timeout_info:
        harness.request(get())
    assert timeout_info.value.message == "Request timed out."
    assert len(api.requests) == 3


def test_zero_retries(mock_harness: MakeHarness) -> None:
    harness, api = mock_harness(reply(500, {}), max_retries=0)
    with pytest.raises(InternalServerError):
        harness.request(get())
    assert len(api.requests) == 1 and harness.sleeps == []


# --- timeouts -------------------------------------------------------------------------------


def test_timeouts(mock_harness: MakeHarness) -> None:
    harness, api = mock_harness(reply(200, {}))
    harness.request(get())
    harness.request(get(timeout=0.2))
    harness.request(get(timeout=httpx.Timeout(3.0, connect=1.0)))
    harness.request(get(timeout=None))
    timeouts = [r.extensions["timeout"] for r in api.requests]
    assert timeouts[0] == {"connect": 5.0, "read": 600.0, "write": 600.0, "pool": 600.0}
    assert timeouts[1] == {"connect": 0.2, "read": 0.2, "write": 0.2, "pool": 0.2}
    assert timeouts[2] == {"connect": 1.0, "read": 3.0, "write": 3.0, "pool": 3.0}
    assert timeouts[3] == {"connect": None, "read": None, "write": None, "pool": None}


# --- streaming through the client -----------------------------------------------------------

SSE_BODY = b'data: {"shape": "circle", "radius": 1}\n\ndata: {"shape": "hexagon"}\n\ndata: [DONE]\n\n'


def test_stream_request(mock_harness: MakeHarness) -> None:
    harness, api = mock_harness(
        reply(500, {}),
        lambda r: httpx.Response(
            200, content=SSE_BODY, headers={"content-type": "text/event-stream"}
        ),
    )
    items = harness.request(post(body={"stream": True}, stream=True, stream_item=Shape))
    assert isinstance(items[0], Circle)
    assert type(items[1]).__name__ == "UnknownEvent"
    assert len(items) == 2
    assert api.requests[-1].headers["Accept"] == "text/event-stream"
    assert len(api.requests) == 2  # the 500 before the stream started was retried


def test_stream_request_status_error(mock_harness: MakeHarness) -> None:
    harness, _ = mock_harness(reply(400, {"error": {"message": "bad stream"}}))
    with pytest.raises(BadRequestError, match="bad stream"):
        harness.request(post(stream=True, stream_item=Shape))


def test_stream_classes_and_context_manager() -> None:
    transport = httpx.MockTransport(lambda r: httpx.Response(200, content=SSE_BODY))
    client = SyncAPIClient(
        base_url="https://x",
        api_key="k",
        auth=BEARER,
        user_agent="ua",
        http_client=httpx.Client(transport=transport),
    )
    with client.request(post(stream=True, stream_item=Shape)) as stream:
        assert isinstance(stream, Stream)
        assert isinstance(next(stream), Circle)
    assert stream.response.is_closed

    async def run() -> None:
        aclient = AsyncAPIClient(
            base_url="https://x",
            api_key="k",
            auth=BEARER,
            user_agent="ua",
            http_client=httpx.AsyncClient(transport=transport),
        )
        async with await aclient.request(
            post(stream=True, stream_item=Shape)
        ) as astream:
            assert isinstance(astream, AsyncStream)
            assert isinstance(await astream.__anext__(), Circle)
        assert astream.response.is_closed
        await aclient.close()

    asyncio.run(run())


# --- client options ---------------------------------------------------------------------------


class Resource:
    def __init__(self, client: SyncAPIClient) -> None:
        self.client = client


class GeneratedLike(SyncAPIClient):
    @functools.cached_property
    def widgets(self) -> Resource:
        return Resource(self)


def test_with_options_copies_and_shares_http_client() -> None:
    api = MockApi(reply(500, {}))
    http = httpx.Client(transport=api.transport)
    client = GeneratedLike(
        base_url="https://a.test",
        api_key="k1",
        auth=BEARER,
        user_agent="ua",
        http_client=http,
        default_headers={"X-A": "1"},
    )
    assert client.widgets.client is client
    copy = client.with_options(
        max_retries=0,
        api_key="k2",
        timeout=1.5,
        default_headers={"X-B": "2"},
        validate=False,
    )
    assert isinstance(copy, GeneratedLike)
    assert copy._client is client._client
    assert (copy.max_retries, copy.api_key, copy.timeout) == (0, "k2", 1.5)
    assert (client.max_retries, client.api_key, client.timeout) == (
        2,
        "k1",
        client.timeout,
    )
    assert copy.widgets.client is copy  # cached resources are rebuilt for the copy
    assert client.widgets.client is client
    copy._sleep = client._sleep = lambda seconds: None  # type: ignore[method-assign]

    with pytest.raises(InternalServerError):
        copy.request(get())
    assert len(api.requests) == 1  # no retries on the copy
    assert api.requests[0].headers["Authorization"] == "Bearer k2"
    assert (api.requests[0].headers["X-A"], api.requests[0].headers["X-B"]) == (
        "1",
        "2",
    )

    copy.close()
    assert not http.is_closed  # a copy does not close the shared pool
    with pytest.raises(InternalServerError):
        client.request(get())
    assert len(api.requests) == 4
    client.close()
    assert http.is_closed


def test_with_options_base_url() -> None:
    api = MockApi(reply(200, {}))
    client = SyncAPIClient(
        base_url="https://a.test",
        api_key=None,
        auth=None,
        user_agent="ua",
        http_client=httpx.Client(transport=api.transport),
    )
    client.with_options(base_url="https://b.test/v2").request(get())
    assert str(api.requests[0].url) == "https://b.test/v2/widgets"
    assert str(client.base_url) == "https://a.test"


def test_invalid_max_retries() -> None:
    with pytest.raises(ValueError):
        SyncAPIClient(
            base_url="https://a",
            api_key=None,
            auth=None,
            user_agent="ua",
            max_retries=-1,
        )


def test_async_client_closes_its_pool() -> None:
    async def run() -> bool:
        client = AsyncAPIClient(
            base_url="https://a", api_key=None, auth=None, user_agent="ua"
        )
        async with client:
            pass
        return client._client.is_closed

    assert asyncio.run(run())
