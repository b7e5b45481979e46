"""Which media type an operation sends and expects, when the spec lists several."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.lower import surface
from generator.lower.media import media_kind, preferred
from tests.conftest import lower_spec

SCHEMA = {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}


@pytest.mark.parametrize(
    ("media", "kind"),
    [
        ("application/json", "json"), ("application/json; charset=utf-8", "json"), ("application/vnd.api+json", "json"),
        ("text/json", "json"), ("Text/JSON; charset=utf-8", "json"), ("application/x-json", "json"), ("*/*", "json"),
        ("text/plain", "text"), ("application/xml", "text"), ("text/jsonl", "text"), ("application/jsonl", "binary"),
        ("application/octet-stream", "binary"), ("multipart/form-data", "multipart"), ("text/event-stream", "stream"),
    ],
)
def test_media_kinds(media: str, kind: str) -> None:
    assert media_kind(media) == kind


def test_application_json_is_preferred_then_other_json_then_a_wildcard() -> None:
    assert preferred(["*/*", "text/json", "application/json"], "json") == "application/json"
    assert preferred(["*/*", "text/json", "application/vnd.x+json"], "json") == "text/json"
    assert preferred(["*/*"], "json") == "*/*"
    assert preferred(["text/plain"], "json") is None


def _operation(tmp_path: Path, operation: dict[str, Any]) -> Any:
    document = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/things": {"post": {"operationId": "makeThing", **operation}}}}
    file = tmp_path / "api.json"
    file.write_text(json.dumps(document), encoding="utf-8")
    (call,) = surface.calls(lower_spec(file).api)
    return call.operation


def test_text_json_beside_application_json_is_the_same_json(tmp_path: Path) -> None:
    """Azure and .NET specs list `text/json` (and `text/plain`) beside `application/json` on thousands of
    operations: the body is sent as application/json, and `text/json` is not a text response besides JSON."""
    content = {media: {"schema": SCHEMA} for media in ("text/json", "application/*+json", "application/json")}
    op = _operation(tmp_path, {
        "requestBody": {"content": content},
        "responses": {"200": {"description": "OK", "content": {"text/json": {"schema": SCHEMA}, "application/json": {"schema": SCHEMA}}}},
    })
    assert (op.body.kind, op.body.content_type) == ("json", "application/json")
    assert (op.response.kind, op.response.content_type, op.response.also) == ("json", "application/json", ())
    with_text = _operation(tmp_path, {"responses": {"200": {"description": "OK", "content": {"text/plain": {"schema": SCHEMA}, "text/json": {"schema": SCHEMA}}}}})
    assert (with_text.response.kind, with_text.response.content_type, with_text.response.also) == ("json", "text/json", ("text",))
