"""Arrays and objects in query strings and forms (the client's formats), the spec's per-field
`encoding`, files given as bytes, file objects, paths or tuples, and the multipart switch."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from generator.client.runtime._base_client import RequestOptions, SyncAPIClient
from generator.client.runtime._types import NOT_GIVEN
from tests.multipart_parts import Part, parts_of


def send(options: RequestOptions, array_format: str = "repeat", object_format: str | None = None) -> httpx.Request:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        return httpx.Response(200, json={})

    class Client(SyncAPIClient):
        _array_format = array_format
        _object_format = object_format

    http = httpx.Client(transport=httpx.MockTransport(answer))
    client = Client(base_url="https://api.test/v1", api_key=None, auth=None, timeout=5, max_retries=0,
                    default_headers=None, user_agent="t", validate=True, http_client=http)
    client.request(options)
    return seen[0]


QUERY = {"include": ["a", "b"], "ids[]": [1, 2], "meta": {"k": "v", "n": {"x": True}}, "skip": None, "one": "x"}


@pytest.mark.parametrize(
    ("array_format", "object_format", "expected"),
    [
        ("repeat", None, [("include", "a"), ("include", "b"), ("ids[]", "1"), ("ids[]", "2"), ("meta[k]", "v"), ("meta[n][x]", "true"), ("one", "x")]),
        ("brackets", "brackets", [("include[]", "a"), ("include[]", "b"), ("ids[]", "1"), ("ids[]", "2"), ("meta[k]", "v"), ("meta[n][x]", "true"), ("one", "x")]),
        ("indices", "dots", [("include[0]", "a"), ("include[1]", "b"), ("ids[][0]", "1"), ("ids[][1]", "2"), ("meta.k", "v"), ("meta.n.x", "true"), ("one", "x")]),
        ("comma", None, [("include", "a,b"), ("ids[]", "1,2"), ("meta[k]", "v"), ("meta[n][x]", "true"), ("one", "x")]),
    ],
)
def test_query_arrays_and_objects_follow_the_client_format(array_format: str, object_format: str | None, expected: list[tuple[str, str]]) -> None:
    request = send(RequestOptions(method="get", path="/things", query=QUERY), array_format, object_format)
    assert parse_qsl(request.url.query.decode(), keep_blank_values=True) == expected


def test_an_explicit_query_style_wins_over_the_client_format() -> None:
    options = RequestOptions(method="get", path="/things", query={"tags": ["a", "b"], "ids": [1, 2]},
                             styles={("query", "tags"): ("form", True), ("query", "ids"): ("pipeDelimited", False)})
    request = send(options, "brackets", "brackets")
    assert parse_qsl(request.url.query.decode()) == [("tags", "a"), ("tags", "b"), ("ids", "1|2")]


def fields(parts: list[Part]) -> list[tuple[str, str | None, bytes]]:
    return [(p.name, p.filename, p.data) for p in parts]


BODY: dict[str, Any] = {
    "file": b"PNG",
    "granularities": ["word", "segment"],
    "expires_after": {"anchor": "created_at", "seconds": 3600},
    "n": 2,
    "flag": False,
    "gone": NOT_GIVEN,
    "none": None,
}


def test_multipart_brackets_as_the_official_sdk_writes_them() -> None:
    request = send(RequestOptions(method="post", path="/up", body=BODY, body_kind="multipart"), "brackets", "brackets")
    assert sorted(fields(parts_of(request))) == sorted([
        ("file", "upload", b"PNG"),
        ("granularities[]", None, b"word"),
        ("granularities[]", None, b"segment"),
        ("expires_after[anchor]", None, b"created_at"),
        ("expires_after[seconds]", None, b"3600"),
        ("n", None, b"2"),
        ("flag", None, b"false"),
    ])


def test_multipart_default_repeats_arrays_and_sends_objects_as_json() -> None:
    request = send(RequestOptions(method="post", path="/up", body=BODY, body_kind="multipart"))
    got = fields(parts_of(request))
    assert [f for f in got if f[0] == "granularities"] == [("granularities", None, b"word"), ("granularities", None, b"segment")]
    (meta,) = [f for f in got if f[0] == "expires_after"]
    assert json.loads(meta[2]) == {"anchor": "created_at", "seconds": 3600}


def test_a_multipart_field_with_an_encoding_content_type_is_a_part_of_that_type() -> None:
    body = {"sdp": "v=0\r\n", "session": {"type": "realtime", "model": "m"}, "plain": "x"}
    encoding = {"sdp": ("application/sdp", None, None), "session": ("application/json", None, None)}
    request = send(RequestOptions(method="post", path="/calls", body=body, body_kind="multipart", encoding=encoding), "brackets", "brackets")
    parts = {p.name: p for p in parts_of(request)}
    assert (parts["sdp"].content_type, parts["sdp"].data) == ("application/sdp", b"v=0\r\n")
    assert parts["session"].content_type == "application/json"
    assert json.loads(parts["session"].data) == {"type": "realtime", "model": "m"}
    assert (parts["plain"].content_type, parts["plain"].data) == (None, b"x")


def test_form_encoding_style_and_explode_per_field() -> None:
    body = {"scope": ["a", "b"], "ids": [1, 2], "filter": {"k": "v"}, "plain": ["x", "y"]}
    encoding = {"scope": (None, "spaceDelimited", False), "ids": (None, "form", False), "filter": (None, "deepObject", True)}
    request = send(RequestOptions(method="post", path="/token", body=body, body_kind="form", encoding=encoding))
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qsl(request.content.decode()) == [("scope", "a b"), ("ids", "1,2"), ("filter[k]", "v"), ("plain", "x"), ("plain", "y")]


def test_files_as_paths_file_objects_and_tuples(tmp_path: Path) -> None:
    path = tmp_path / "photo.png"
    path.write_bytes(b"from-disk")
    handle = io.BytesIO(b"from-io")
    handle.name = "/somewhere/else/clip.mp3"
    body = {"a": path, "b": handle, "c": ("named.txt", b"tuple", "text/plain"), "d": ("p.bin", path), "e": [b"1", path]}
    request = send(RequestOptions(method="post", path="/up", body=body, body_kind="multipart"), "brackets")
    got = {(p.name, p.filename, p.data) for p in parts_of(request)}
    assert got == {
        ("a", "photo.png", b"from-disk"),
        ("b", "clip.mp3", b"from-io"),
        ("c", "named.txt", b"tuple"),
        ("d", "p.bin", b"from-disk"),
        ("e[]", "upload", b"1"),
        ("e[]", "photo.png", b"from-disk"),
    }
    assert str(tmp_path).encode() not in request.content  # the path's name is sent, never the path
    (typed,) = [p for p in parts_of(request) if p.name == "c"]
    assert typed.content_type == "text/plain"


def test_a_binary_body_given_as_a_path_sends_the_file(tmp_path: Path) -> None:
    path = tmp_path / "chunk.bin"
    path.write_bytes(b"\x00\x01chunk")
    request = send(RequestOptions(method="post", path="/raw", body=path, body_kind="binary"))
    assert request.content == b"\x00\x01chunk"


def test_files_kind_switches_to_multipart_only_when_a_file_is_given() -> None:
    def options(body: dict[str, Any]) -> RequestOptions:
        return RequestOptions(method="post", path="/c/files", body=body, body_kind="json", files_kind="multipart")

    as_json = send(options({"file_id": "file-1", "file": NOT_GIVEN}))
    assert as_json.headers["content-type"] == "application/json"
    assert json.loads(as_json.content) == {"file_id": "file-1"}
    as_parts = send(options({"file_id": NOT_GIVEN, "file": ("data.csv", b"a,b")}))
    assert as_parts.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert fields(parts_of(as_parts)) == [("file", "data.csv", b"a,b")]
    listed = send(options({"files": [b"x", b"y"]}))
    assert listed.headers["content-type"].startswith("multipart/form-data")


def test_a_path_value_keeps_what_a_segment_may_carry_and_encodes_the_rest() -> None:
    options = RequestOptions(method="get", path="/models/{model}", path_params={"model": "ft:gpt-4o:acme::x1@v=2"})
    assert send(options).url.raw_path == b"/v1/models/ft:gpt-4o:acme::x1@v=2"
    options = RequestOptions(method="get", path="/models/{model}", path_params={"model": "a/b c?d#e%f"})
    assert send(options).url.raw_path == b"/v1/models/a%2Fb%20c%3Fd%23e%25f"


@pytest.mark.parametrize("array_format", ["repeat", "brackets", "indices", "comma"])
@pytest.mark.parametrize("object_format", ["brackets", "dots"])
def test_formats_write_what_the_official_sdks_querystring_writes(array_format: str, object_format: str) -> None:
    qs = pytest.importorskip("openai._qs")
    data: dict[str, Any] = {
        "tags": ["a", "b c", "ü"],
        "meta": {"k": "v", "deep": {"x": 1, "flag": True}, "list": [1, 2]},
        "n": 3,
        "off": False,
        "gone": None,
        "empty": [],
    }
    if array_format != "comma":  # the SDK's comma format writes an object in a list as its repr
        data["rows"] = [{"id": 1}, {"id": 2}]
    expected = qs.Querystring(array_format=array_format, nested_format=object_format).stringify_items(data)
    from generator.client.runtime import _forms

    ours = [(name, _forms.scalar_str(leaf)) for key, value in data.items() for name, leaf in _forms.flatten(key, value, array_format, object_format)]
    assert ours == expected
