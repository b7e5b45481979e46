"""Error responses carry the spec's error model (`err.error`), by status, range and default, leniently."""

from __future__ import annotations

import httpx
import pytest

from .support import MockApi, load


def raised(status: int, body: object, content_type: str = "application/json") -> object:
    import json

    api = MockApi(httpx.Response(status, content=json.dumps(body).encode(), headers={"content-type": content_type}))
    client = api.client("error-models")
    errors = load("error-models")
    with pytest.raises(errors.APIStatusError) as info:
        client.things.retrieve("t1")
    return info.value


def test_a_status_with_its_own_schema_gives_its_model() -> None:
    types = load("error-models", "types")
    err = raised(404, {"error": {"message": "No such thing", "type": "invalid_request_error", "param": "id", "code": None}})
    assert isinstance(err.error, types.ErrorResponse)
    assert err.error.error.message == "No such thing" and err.error.error.param == "id"
    assert (err.message, err.type, err.param) == ("No such thing", "invalid_request_error", "id")
    assert err.body == {"error": {"message": "No such thing", "type": "invalid_request_error", "param": "id", "code": None}}


def test_a_range_gives_its_model_and_problem_details_their_message() -> None:
    types = load("error-models", "types")
    err = raised(409, {"type": "https://e.test/conflict", "title": "Conflict", "status": 409, "detail": "Already there"}, "application/problem+json")
    assert isinstance(err.error, types.GetThingClientError)
    assert err.error.detail == "Already there" and err.error.status == 409
    assert err.message == "Conflict: Already there"


def test_default_covers_other_statuses() -> None:
    types = load("error-models", "types")
    err = raised(503, {"error": {"message": "Overloaded", "type": "server_error"}})
    assert isinstance(err.error, types.ErrorResponse) and err.error.error.type == "server_error"


def test_a_body_that_breaks_the_error_schema_is_kept_as_sent() -> None:
    types = load("error-models", "types")
    err = raised(404, {"error": {"message": 7, "extra": True}})
    assert isinstance(err.error, types.ErrorResponse)
    assert err.error.error.message == 7 and err.error.error.type is None
    assert raised(404, "not json at all").error is None  # a JSON string is no model


def test_a_text_body_has_no_error_model() -> None:
    api = MockApi(httpx.Response(404, content=b"<html>gone</html>", headers={"content-type": "text/html"}))
    errors = load("error-models")
    with pytest.raises(errors.NotFoundError) as info:
        api.client("error-models").things.retrieve("t1")
    assert info.value.error is None and info.value.body == "<html>gone</html>"
