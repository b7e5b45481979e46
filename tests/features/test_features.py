"""The feature corpus: one small spec per schema or HTTP construct, in `specs/features/`.

For every spec this module
  * generates the client in-process and imports it (support.corpus),
  * snapshots every generated file except the copied `_runtime/`,
  * drives the client over `httpx.MockTransport`: the request it builds (method, URL,
    query, headers, body) and what it makes of the response (model, union member, bytes,
    stream events),
and `test_mypy_strict` type-checks all generated packages, with `typed_usage.py`, in one run.

After an intended generator change: `.venv/bin/python -m pytest tests/features --snapshot-update`,
then read the diff of tests/features/__snapshots__.
"""

from __future__ import annotations

import builtins
import inspect
import io
import json
import typing
from pathlib import Path
from urllib.parse import parse_qsl

import httpx
import pytest
import yaml
from openapi_spec_validator import validate

from generator import ir

from . import support
from .support import BASE_URL, MockApi, json_reply, load, multipart_parts, parts_named, query_pairs, raw_path, required_keys, run, sse_reply


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "generated_path" in metafunc.fixturenames:
        found = support.corpus()
        cases = [(feature, path) for feature in support.features() for path in support.walk(found.files(feature))]
        metafunc.parametrize(("feature", "generated_path"), cases, ids=[f"{f}.{p.replace('/', '.')}" for f, p in cases])


# --- the corpus as a whole ----------------------------------------------------------------


# Features that show a leniency: invalid on purpose, each read with the warnings it earns.
LENIENT = {"lenient-30", "lenient-31", "query-in-path-key"}
# Valid, but with a warning: an x-ms-pageable the response does not fit (read as a plain call).
WARNED = LENIENT | {"pagination-extensions"}


def test_corpus_covers_every_concept() -> None:
    """At least 28 specs, each generated without warnings (but the lenient ones), named for the one concept it shows."""
    names = support.features()
    assert len(names) >= 28
    for pair in ("nullable", "tagged-union", "const"):
        assert {f"{pair}-30", f"{pair}-31"} <= set(names), pair
    found = support.corpus()
    assert {name: [str(w) for w in result.warnings] for name, result in found.results.items() if result.warnings and name not in WARNED} == {}
    assert all(found.results[name].warnings for name in WARNED)


@pytest.mark.parametrize("feature", support.features())
def test_spec_is_valid_openapi(feature: str) -> None:
    """The corpus is made of valid documents: what it tests is the generator, not its leniency (but for LENIENT)."""
    spec = yaml.safe_load((support.SPECS / f"{feature}.yaml").read_text(encoding="utf-8"))
    if feature in LENIENT:
        with pytest.raises(Exception):
            validate(spec)
        return
    validate(spec)


def test_generated_file(feature: str, generated_path: str, snapshot_py) -> None:  # type: ignore[no-untyped-def]
    assert support.corpus().files(feature)[generated_path] == snapshot_py


@pytest.mark.parametrize("feature", support.features())
def test_package_imports(feature: str) -> None:
    """Every module of every package imports: models build, forward references resolve."""
    files = support.corpus().files(feature)
    for path in support.walk(files):
        module = path[: -len(".py")].replace("/", ".").removesuffix(".__init__")
        load(feature, module if module != "__init__" else "")
    types = load(feature, "types")
    for name in types.__all__:
        value = getattr(types, name)
        if isinstance(value, type) and hasattr(value, "model_json_schema"):
            value.model_json_schema()  # fails on unresolved forward references
    # Resource modules import their types on use: every annotation still resolves at run time.
    for path in support.walk(files):
        if path.startswith("resources/") and not path.endswith("__init__.py"):
            resource = load(feature, path[: -len(".py")].replace("/", "."))
            for cls in vars(resource).values():
                if isinstance(cls, type) and cls.__module__ == resource.__name__:
                    for method in vars(cls).values():
                        if callable(method) and not getattr(method, "__name__", "_").startswith("_"):
                            assert typing.get_type_hints(method), (path, method)


# --- unions ---------------------------------------------------------------------------


def test_unions_parse_into_the_matching_member() -> None:
    types = load("unions-31", "types")
    api = MockApi(json_reply({"side": 2}), json_reply({"radius": 1.5}))
    client = api.client("unions-31")
    square = client.shapes.create(shape={"side": 2}, label=["a", "b"])
    assert isinstance(square, types.Square) and square.side == 2
    assert api.last.method == "POST" and str(api.last.url) == f"{BASE_URL}/shapes"
    assert json.loads(api.last.content) == {"shape": {"side": 2}, "label": ["a", "b"]}
    assert isinstance(client.shapes.create(shape={"radius": 1.5}), types.Circle)


@pytest.mark.parametrize(
    ("reply", "expected"),
    [(True, True), (7, 7), ("seven", "seven"), ({"radius": 2}, "Circle"), ([{"side": 1}], "list[Square]")],
)
def test_union_of_primitives_models_and_arrays(reply: object, expected: object) -> None:
    types = load("unions-31", "types")
    api = MockApi(json_reply(reply))
    value = api.client("unions-31").values.retrieve("a key")
    assert raw_path(api.last) == "/values/a%20key"
    if expected == "Circle":
        assert isinstance(value, types.Circle)
    elif expected == "list[Square]":
        assert [type(v) for v in value] == [types.Square]
    else:
        assert value == expected and type(value) is type(expected)


# --- discriminators -------------------------------------------------------------------


@pytest.mark.parametrize(("tag", "member"), [("cat", "Cat"), ("kitten", "Cat"), ("dog", "Dog"), ("lizard", "Lizard")])
def test_discriminator_mapping_picks_the_mapped_schema(tag: str, member: str) -> None:
    types = load("discriminator-mapping", "types")
    api = MockApi(json_reply({"pet_type": tag, "name": "Rex", "good_boy": True}))
    pet = api.client("discriminator-mapping").pets.create(body={"pet_type": tag, "name": "Rex"})
    assert type(pet) is getattr(types, member)
    assert json.loads(api.last.content) == {"pet_type": tag, "name": "Rex"}


def test_discriminator_mapping_keeps_an_unmapped_tag() -> None:
    """A tag added to the API after generation is kept as an UnknownVariant, fields readable."""
    package = load("discriminator-mapping")
    api = MockApi(json_reply({"pet_type": "parrot", "name": "Polly"}))
    pet = api.client("discriminator-mapping").pets.create(body={"pet_type": "cat", "name": "x"})
    assert type(pet).__name__ == "UnknownVariant" and isinstance(pet, package.BaseModel)
    assert (pet.pet_type, pet.name) == ("parrot", "Polly")


def test_discriminator_without_mapping_uses_schema_names() -> None:
    """A Bike without its optional field would also fit Car: only the tag tells them apart."""
    types = load("discriminator-no-mapping", "types")
    api = MockApi(json_reply({"kind": "Bike", "wheels": 2}), json_reply({"kind": "Car", "wheels": 4}))
    client = api.client("discriminator-no-mapping")
    assert type(client.vehicles.retrieve("b")) is types.Bike
    assert type(client.vehicles.retrieve("c")) is types.Car
    assert typing.get_args(types.Car.model_fields["kind"].annotation) == ("Car",)


def test_const_tagged_union_without_discriminator_keyword() -> None:
    types = load("tagged-union-31", "types")
    api = MockApi(json_reply([{"type": "deleted", "id": "1"}, {"type": "created", "id": "2", "payload": {"a": [1]}}]))
    deleted, created = api.client("tagged-union-31").events.list()
    assert type(deleted) is types.Deleted and type(created) is types.Created
    assert created.payload == {"a": [1]}


def test_enum_tagged_union_in_request_and_response() -> None:
    types = load("tagged-union-30", "types")
    parts = [{"kind": "text", "text": "hi"}, {"kind": "image", "url": "u", "detail": "high"}]
    api = MockApi(json_reply([parts[0], {**parts[1], "detail": "auto"}]))
    client = api.client("tagged-union-30")
    text, image = client.messages.create(content=parts)
    assert json.loads(api.last.content) == {"content": parts}
    assert type(text) is types.TextPart and type(image) is types.ImagePart
    assert image.detail == "auto"  # not in the spec's enum: responses are open


# --- composition and recursion --------------------------------------------------------


def test_all_of_merges_properties_of_every_part() -> None:
    types = load("allof-merge", "types")
    assert list(types.Employee.model_fields) == ["name", "created_at", "salary", "manager"]
    api = MockApi(json_reply({"name": "Ann", "created_at": 5, "salary": 10.5, "manager": {"name": "Bob"}}, status=201))
    employee = api.client("allof-merge").employees.create(name="Ann", salary=10.5, manager={"name": "Bob"})
    assert json.loads(api.last.content) == {"name": "Ann", "salary": 10.5, "manager": {"name": "Bob"}}
    assert isinstance(employee.manager, types.Named) and employee.created_at == 5


def test_all_of_ref_with_nullable_is_a_nullable_reference() -> None:
    types = load("allof-nullable-ref-30", "types")
    api = MockApi(json_reply({"id": "1", "shipping_address": None, "billing_address": {"city": "Oslo"}, "gift_address": None}))
    order = api.client("allof-nullable-ref-30").orders.retrieve("1")
    assert order.shipping_address is None and order.gift_address is None
    assert isinstance(order.billing_address, types.Address)
    for name in ("shipping_address", "billing_address", "gift_address"):
        assert type(None) in typing.get_args(types.Order.model_fields[name].annotation), name


def test_recursive_tree_round_trip() -> None:
    types = load("recursive-tree", "types")
    tree = {"value": 1, "children": [{"value": 2, "children": [{"value": 3}]}], "parent": None, "attributes": {"x": {"value": 4}}}
    api = MockApi(json_reply(tree))
    node = api.client("recursive-tree").tree.update(value=1, children=[{"value": 2, "children": [{"value": 3}]}], parent=None, attributes={"x": {"value": 4}})
    assert json.loads(api.last.content) == tree and api.last.method == "PUT"
    assert isinstance(node.children[0].children[0], types.Node) and node.children[0].children[0].value == 3
    assert node.parent is None and node.attributes["x"].value == 4


def test_mutually_recursive_schemas() -> None:
    types = load("mutual-recursion", "types")
    expression = {"type": "binary", "op": "+", "left": {"type": "literal", "value": 1}, "right": {"type": "binary", "op": "*", "left": {"type": "literal", "value": 2}, "right": {"type": "literal", "value": 3}}}
    folder = {"name": "root", "entries": [{"name": "sub", "folder": {"name": "sub", "entries": [{"name": "leaf"}]}}]}
    api = MockApi(json_reply(expression), json_reply(folder))
    client = api.client("mutual-recursion")
    result = client.expressions.evaluate(expression=expression)
    assert json.loads(api.last.content) == {"expression": expression}
    assert type(result) is types.BinaryOp and type(result.right) is types.BinaryOp and type(result.left) is types.LiteralModel
    found = client.folders.retrieve("root")
    assert isinstance(found.entries[0].folder, types.Folder) and found.entries[0].folder.entries[0].name == "leaf"


# --- nullability ----------------------------------------------------------------------


@pytest.mark.parametrize("feature", ["nullable-30", "nullable-31"])
def test_nullable_values_are_sent_and_parsed_as_null(feature: str) -> None:
    profile = {"nickname": None, "age": None, "tags": ["a", None], "color": None, "settings": None}
    if feature == "nullable-31":
        profile["score"] = None
    api = MockApi(json_reply(profile))
    parsed = api.client(feature).profiles.create(**profile)
    assert json.loads(api.last.content) == profile  # None means null; leaving an argument out omits it
    assert parsed.nickname is None and parsed.tags == ["a", None] and parsed.settings is None


@pytest.mark.parametrize("feature", ["nullable-30", "nullable-31"])
def test_nullable_enum_and_object(feature: str) -> None:
    types = load(feature, "types")
    reply = {"nickname": "n", "age": 3, "tags": None, "color": "green", "settings": {"theme": "dark"}, "score": "high", "bio": None}
    parsed = MockApi(json_reply(reply)).client(feature).profiles.create(nickname="n", age=3, tags=None, color="green", settings={"theme": "dark"}, **({"score": "high"} if feature == "nullable-31" else {}))
    assert parsed.color == "green" and isinstance(parsed.settings, types.Settings) and parsed.bio is None


def test_type_null_property_is_none() -> None:
    types = load("nullable-31", "types")
    assert types.Profile.model_fields["nothing"].annotation in (None, type(None), "None")
    assert types.Profile.model_validate({"nickname": None, "age": 1, "tags": None, "color": None, "settings": None, "score": 2, "nothing": None}).score == 2


# --- constants and enums ----------------------------------------------------------------


def test_const_values_in_request_and_response() -> None:
    package = load("const-31")
    other = {"object": "other", "type": "function", "name": "f"}
    api = MockApi(json_reply({"object": "tool", "type": "function", "name": "f", "version": 2}), json_reply(other), json_reply(other))
    client = api.client("const-31")
    tool = client.tools.create(type="function", name="f", version=2, strict=True)
    assert json.loads(api.last.content) == {"type": "function", "name": "f", "version": 2, "strict": True}
    assert tool.object == "tool" and tool.version == 2
    # A const is exact, even in responses: a strict client raises, a lenient one keeps what was sent.
    with pytest.raises(package.APIResponseValidationError):
        api.client("const-31", strict_responses=True).tools.create(type="function", name="f", version=2)
    kept = client.tools.create(type="function", name="f", version=2)
    assert kept.object == "other" and kept.to_dict() == other


def test_x_stainless_const_is_a_literal() -> None:
    types = load("const-30", "types")
    assert typing.get_args(types.Tool.model_fields["object"].annotation) == ("tool",)
    api = MockApi(json_reply({"object": "tool", "type": "function", "name": "f"}))
    assert api.client("const-30").tools.create(type="function", name="f").object == "tool"
    assert json.loads(api.last.content) == {"type": "function", "name": "f"}


def test_enums_are_closed_in_requests_and_open_in_responses() -> None:
    api = MockApi(json_reply([{"id": "1", "status": "archived", "priority": 9, "size": "XL", "ratio": 0.25}, {"id": "2", "status": "open", "priority": 1}]))
    client = api.client("enums")
    unknown, known = client.tasks.list(status="in_progress", priority=2)
    assert query_pairs(api.last) == [("status", "in_progress"), ("priority", "2")]
    assert (unknown.status, unknown.priority, unknown.size, unknown.ratio) == ("archived", 9, "XL", 0.25)
    assert (known.status, known.priority) == ("open", 1)
    with pytest.raises(ValueError, match="status"):
        client.tasks.list(status="archived")  # checked before anything is sent
    assert len(api.requests) == 1


# --- objects, maps, arrays, formats -----------------------------------------------------


def test_maps_and_free_form_objects() -> None:
    types = load("maps-free-form", "types")
    document = {
        "id": "d",
        "labels": {"env": "prod"},
        "counts": {"a": 1},
        "metadata": {"nested": {"deep": [1, "two"]}},
        "extra": {"x": None},
        "sections": {"intro": {"title": "Hi", "lang": "en"}},
        "matrix": {"r": {"c": 0.5}},
        "anything": [1, {"a": 2}],
    }
    api = MockApi(json_reply(document))
    parsed = api.client("maps-free-form").documents.create(**document)
    assert json.loads(api.last.content) == document
    assert parsed.labels == {"env": "prod"} and parsed.metadata == {"nested": {"deep": [1, "two"]}}
    section = parsed.sections["intro"]
    assert isinstance(section, types.Section) and section.title == "Hi" and section.model_extra == {"lang": "en"}
    assert parsed.matrix == {"r": {"c": 0.5}} and parsed.anything == [1, {"a": 2}]


def test_arrays_of_arrays() -> None:
    types = load("nested-arrays", "types")
    api = MockApi(json_reply({"cells": [[1, 2], []], "paths": [[{"x": 0, "y": 1}]], "untyped": [[None, "a"]]}))
    grid = api.client("nested-arrays").grids.create(cells=[[1, 2], []], cubes=[[[{"x": 1, "y": 2}]]])
    assert json.loads(api.last.content) == {"cells": [[1, 2], []], "cubes": [[[{"x": 1, "y": 2}]]]}
    assert grid.cells == [[1, 2], []] and isinstance(grid.paths[0][0], types.Point) and grid.untyped == [[None, "a"]]


def test_formats_keep_their_wire_types() -> None:
    """date-time, date, byte and uuid stay strings (lossless); unix times and int64 stay ints."""
    reply = {"happened_at": "2024-05-01T12:00:00Z", "day": "2024-05-01", "checksum": "aGk=", "created": 1714564800, "big": 2**62, "ratio": 0.5, "id": "5f0c", "email": "a@b.test"}
    api = MockApi(json_reply(reply))
    record = api.client("formats").records.create(happened_at="2024-05-01T12:00:00Z", checksum="aGk=", created=1714564800)
    assert json.loads(api.last.content) == {"happened_at": "2024-05-01T12:00:00Z", "checksum": "aGk=", "created": 1714564800}
    assert record.model_dump() == reply


def test_read_only_and_write_only_properties() -> None:
    types = load("read-write-only", "types")
    user_json = {"id": "u1", "email": "a@b.test", "created_at": 1, "password": "leaked?"}
    api = MockApi(json_reply(user_json, status=201), json_reply({"id": "t1", "owner": user_json}, status=201))
    client = api.client("read-write-only")
    signature = inspect.signature(client.users.create)
    assert "id" not in signature.parameters and "created_at" not in signature.parameters and "password" in signature.parameters
    user = client.users.create(email="a@b.test", password="secret")
    assert json.loads(api.last.content) == {"email": "a@b.test", "password": "secret"}
    assert user.id == "u1" and "password" not in types.User.model_fields
    assert required_keys(types.UserParam) == {"email", "password"}
    team = client.teams.create(owner={"email": "o@b.test", "password": "p"})
    assert json.loads(api.last.content) == {"owner": {"email": "o@b.test", "password": "p"}}
    assert isinstance(team.owner, types.User) and team.owner.id == "u1"


def test_defaults_are_documented_not_sent() -> None:
    """The server applies defaults: unset arguments are left out, and the docs say what they default to."""
    api = MockApi(json_reply({}))
    client = api.client("defaults")
    results = client.search.create(query="*")
    assert query_pairs(api.last) == [] and json.loads(api.last.content) == {"query": "*"}
    assert results.total is None and results.items is None
    doc = inspect.getdoc(client.search.create)
    for note in ["Defaults to `1`.", "Defaults to `desc`.", "Defaults to `20`.", "Defaults to `0.75`.", "Defaults to `false`.", 'Defaults to `["title", "body \\"quoted\\""]`.', 'Defaults to `{"lang": "en"}`.', "Defaults to `null`.", "Defaults to `fast`."]:
        assert note in doc, note


def test_repeated_titles_get_distinct_classes() -> None:
    types = load("repeated-titles", "types")
    found = support.corpus().results["repeated-titles"].api
    names = [t.name for t in found.types]
    assert len(names) == len(set(names))
    api = MockApi(json_reply({"first": {"name": "n", "config": {"x": 1}}, "second": {"size": 2, "config": {"y": "y"}}, "either": {"b": 3}}))
    things = api.client("repeated-titles").things.list()
    assert type(things.first.config) is not type(things.second.config)
    assert type(things.either) is types.ListThingsResponseEitherItem2


def test_schema_used_in_request_and_response() -> None:
    types = load("request-response-shared", "types")
    assert required_keys(types.BookParam) == {"title", "author"}
    assert issubclass(types.Book, load("request-response-shared").BaseModel)
    books = [{"title": "Odes", "author": {"name": "Keats"}, "genre": "poetry", "tags": ["a"]}]
    api = MockApi(json_reply(books))
    (book,) = api.client("request-response-shared").books.create(books=books)
    assert json.loads(api.last.content) == {"books": books}
    assert isinstance(book.author, types.Author) and book.genre == "poetry"


# --- request and response content types ------------------------------------------------


@pytest.mark.parametrize(
    ("file", "filename", "content_type"),
    [
        (b"raw bytes", "upload", "application/octet-stream"),
        (io.BytesIO(b"raw bytes"), "upload", "application/octet-stream"),
        (("notes.txt", b"raw bytes", "text/plain"), "notes.txt", "text/plain"),
        (("notes.txt", io.BytesIO(b"raw bytes")), "notes.txt", "text/plain"),
    ],
    ids=["bytes", "file-object", "tuple-with-type", "tuple-without-type"],
)
def test_multipart_upload(file: object, filename: str, content_type: str) -> None:
    types = load("multipart", "types")
    api = MockApi(json_reply({"id": "f", "bytes": 9, "filename": filename}))
    uploaded = api.client("multipart").files.create(
        file=file, purpose="batch", attachments=[b"one", ("two.bin", b"two")], tags=["x", "y"], metadata={"k": "v"}, private=False, chunk_size=3
    )
    assert isinstance(uploaded, types.FileObject) and api.last.method == "POST"
    (part,) = parts_named(api.last, "file")
    assert (part.filename, part.data) == (filename, b"raw bytes")
    assert part.content_type is not None and part.content_type.startswith(content_type)
    assert [p.data for p in parts_named(api.last, "attachments")] == [b"one", b"two"]
    fields = [(p.name, p.data) for p in multipart_parts(api.last) if p.filename is None]
    # An array repeats its field (the default array format); an object is one JSON field.
    assert sorted(fields) == sorted([("purpose", b"batch"), ("tags", b"x"), ("tags", b"y"), ("metadata", b'{"k":"v"}'), ("private", b"false"), ("chunk_size", b"3")])


def test_multipart_with_no_file_is_still_multipart() -> None:
    api = MockApi(httpx.Response(204))
    assert api.client("multipart").avatars.update() is None
    assert api.last.headers["Content-Type"].startswith("multipart/form-data") and multipart_parts(api.last) == []
    run(_async_avatar(api))
    assert parts_named(api.last, "image")[0].data == b"\x89PNG"


async def _async_avatar(api: MockApi) -> None:
    async with api.async_client("multipart") as client:
        await client.avatars.update(image=("me.png", b"\x89PNG", "image/png"))


def test_form_urlencoded_body() -> None:
    api = MockApi(json_reply({"access_token": "t", "expires_in": 60}))
    token = api.client("form-urlencoded").oauth.token.create(grant_type="client_credentials", client_id="id", scope=["a", "b"], remember=True, ttl=60, note="a&b=c")
    assert api.last.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qsl(api.last.content.decode()) == [("grant_type", "client_credentials"), ("client_id", "id"), ("scope", "a"), ("scope", "b"), ("remember", "true"), ("ttl", "60"), ("note", "a&b=c")]
    assert token.access_token == "t" and token.expires_in == 60


def test_binary_and_audio_responses_are_binary_objects(tmp_path: typing.Any) -> None:
    package = load("binary-responses")
    payload = bytes(range(256))
    api = MockApi(httpx.Response(200, content=payload, headers={"Content-Type": "application/octet-stream", "x-request-id": "req_1"}), httpx.Response(200, content=b"ID3\x00", headers={"Content-Type": "audio/mpeg"}), httpx.Response(200, content=b"\x89PNG"))
    client = api.client("binary-responses")
    download = client.files.content("f 1")
    assert isinstance(download, package.BinaryResponse)
    assert download.content == payload and b"".join(download.iter_bytes(100)) == payload and download.request_id == "req_1"
    download.write_to_file(tmp_path / "f.bin")
    assert (tmp_path / "f.bin").read_bytes() == payload and download.response.status_code == 200
    assert raw_path(api.last) == "/files/f%201/content" and api.last.headers["Accept"] == "*/*"
    assert client.audio.speech.create(input="Hello").content == b"ID3\x00"
    assert json.loads(api.last.content) == {"input": "Hello"}
    assert client.images.retrieve("i").content == b"\x89PNG"


def test_responses_follow_the_media_type_the_server_sent() -> None:
    package, types = load("binary-responses"), load("binary-responses", "types")
    api = MockApi(
        httpx.Response(200, content=b"%PDF-1.7", headers={"Content-Type": "application/pdf"}),
        httpx.Response(200, text="plain notes"),
        json_reply("a JSON string"),
        httpx.Response(200, content=b"\x00\x00\x00\x18ftypmp42", headers={"Content-Type": "video/mp4"}),
        json_reply({"id": "v1", "seconds": 8}),
    )
    client = api.client("binary-responses")
    # Declared as a JSON string: the file the server sends is kept as sent.
    document = client.documents.content("d1")
    assert isinstance(document, package.BinaryResponse) and document.content == b"%PDF-1.7"
    assert api.last.headers["Accept"] == "*/*"
    assert client.documents.content("d1") == "plain notes"
    assert client.documents.content("d1") == "a JSON string"
    # A video, or JSON about it: whichever was sent.
    assert client.videos.content("v1").content.endswith(b"ftypmp42")
    described = client.videos.content("v1")
    assert not isinstance(described, package.BinaryResponse) and described.seconds == 8
    assert type(described).__name__ in types.__all__


def test_no_declared_content_is_none_only_when_nothing_was_sent() -> None:
    package = load("binary-responses")
    api = MockApi(httpx.Response(200), httpx.Response(200, content=b"PK\x03\x04", headers={"Content-Type": "application/zip"}), httpx.Response(200, text="done"))
    client = api.client("binary-responses")
    assert client.archives.retrieve("a") is None
    archive = client.archives.retrieve("a")
    assert isinstance(archive, package.BinaryResponse) and archive.content == b"PK\x03\x04"
    assert client.archives.retrieve("a") == "done"


def test_a_json_operation_answered_with_text_returns_the_text() -> None:
    api = MockApi(httpx.Response(200, text="hello world", headers={"Content-Type": "text/plain; charset=utf-8"}), httpx.Response(200, json={"text": "hello"}, headers={"x-request-id": "req_2"}))
    client = api.client("binary-responses")
    assert client.transcriptions.create(audio_url="u", response_format="text") == "hello world"
    typed = client.transcriptions.create(audio_url="u")
    assert typed.text == "hello" and typed._request_id == "req_2"


def test_raw_and_streaming_responses_on_every_resource() -> None:
    package = load("binary-responses")
    api = MockApi(httpx.Response(200, content=b"ID3", headers={"Content-Type": "audio/mpeg", "x-request-id": "req_3"}))
    client = api.client("binary-responses")
    raw = client.audio.speech.with_raw_response.create(input="Hi")
    assert isinstance(raw, package.APIResponse) and raw.status_code == 200 and raw.request_id == "req_3"
    assert json.loads(api.last.content) == {"input": "Hi"} and raw.parse().content == b"ID3"
    assert client.audio.with_raw_response.speech.create(input="Hi").headers["content-type"] == "audio/mpeg"
    with client.files.with_streaming_response.content("f") as streamed:
        assert b"".join(streamed.iter_bytes()) == b"ID3"

    async def read() -> bytes:
        async with MockApi(httpx.Response(200, content=b"ID3")).async_client("binary-responses") as aclient:
            async with aclient.files.with_streaming_response.content("f") as response:
                return b"".join([chunk async for chunk in response.iter_bytes()])

    assert run(read()) == b"ID3"


@pytest.mark.parametrize("body", [b"\x00\x01blob", io.BytesIO(b"\x00\x01blob"), ("blob.bin", b"\x00\x01blob", "application/x-blob")], ids=["bytes", "file-object", "file-tuple"])
def test_octet_stream_request_body(body: object) -> None:
    api = MockApi(json_reply({"id": "b", "size": 6}, status=201))
    created = api.client("binary-responses").blobs.create(name="my blob", body=body)
    assert api.last.content == b"\x00\x01blob" and api.last.headers["Content-Type"] == "application/octet-stream"
    assert query_pairs(api.last) == [("name", "my blob")] and created.size == 6


def _events() -> httpx.Response:
    return sse_reply(
        (None, json.dumps({"type": "response.delta", "delta": "Hel", "index": 0})),
        (None, json.dumps({"type": "response.delta", "delta": "lo"})),
        (None, json.dumps({"type": "response.new_kind", "x": 1})),
        (None, json.dumps({"type": "response.done", "finish_reason": "content_filter"})),
        (None, "[DONE]"),
        (None, json.dumps({"type": "response.delta", "delta": "never read"})),
    )


def test_typed_event_stream() -> None:
    types, package = load("sse-stream", "types"), load("sse-stream")
    api = MockApi(_events())
    with api.client("sse-stream").completions.create(prompt="Hi") as stream:
        events = list(stream)
    assert api.last.headers["Accept"] == "text/event-stream" and json.loads(api.last.content) == {"prompt": "Hi"}
    assert [type(e) for e in events] == [types.DeltaEvent, types.DeltaEvent, package.UnknownEvent, types.DoneEvent]
    assert "".join(e.delta for e in events if isinstance(e, types.DeltaEvent)) == "Hello"
    assert events[2].data == {"type": "response.new_kind", "x": 1} and events[3].finish_reason == "content_filter"


def test_typed_event_stream_async() -> None:
    types = load("sse-stream", "types")

    async def read() -> list[object]:
        async with MockApi(_events()).async_client("sse-stream") as client:
            stream = await client.completions.create(prompt="Hi")
            return [event async for event in stream]

    assert [type(e).__name__ for e in run(read())] == ["DeltaEvent", "DeltaEvent", "UnknownEvent", "DoneEvent"]
    assert types.DoneEvent.__name__ == "DoneEvent"


def test_stream_flag_chooses_json_or_events() -> None:
    types = load("sse-stream", "types")
    api = MockApi(json_reply({"text": "hello"}), _events())
    client = api.client("sse-stream")
    reply = client.chat.create(message="Hi")
    assert isinstance(reply, types.Reply) and api.last.headers["Accept"] == "application/json"
    events = list(client.chat.create(message="Hi", stream=True))
    assert json.loads(api.last.content) == {"message": "Hi", "stream": True} and len(events) == 4


def test_text_plain_request_and_responses() -> None:
    api = MockApi(httpx.Response(200, text="ok"), httpx.Response(200, text="<p>héllo</p>", headers={"Content-Type": "text/html; charset=utf-8"}))
    client = api.client("text-plain")
    assert client.health.retrieve() == "ok"
    assert client.notes.create(body="héllo") == "<p>héllo</p>"
    assert api.last.content == "héllo".encode() and api.last.headers["Content-Type"] == "text/plain"


@pytest.mark.parametrize("body", ["pig -f job.pig", b"pig -f job.pig", io.BytesIO(b"pig -f job.pig"), ("job.pig", b"pig -f job.pig")], ids=["str", "bytes", "file", "tuple"])
def test_a_text_body_whose_schema_is_a_file_takes_text_bytes_or_a_file(body: object) -> None:
    """`text/plain` with `type: object, format: file` (Azure's HDInsight) was typed a mapping the runtime
    refuses with TypeError before sending; it is `str | FileTypes`, sent as given, as is `format: binary`."""
    api = MockApi(json_reply({}))
    client = api.client("text-body-files")
    client.jobs.pig.create(body=body)  # type: ignore[arg-type]
    assert api.last.content == b"pig -f job.pig" and api.last.headers["Content-Type"] == "text/plain"
    client.jobs.sqoop.create(body=b"a,b\n")
    assert api.last.content == b"a,b\n" and api.last.headers["Content-Type"] == "text/csv"
    hints = typing.get_type_hints(type(client.jobs.pig).create)
    assert str in typing.get_args(hints["body"]) and bytes in typing.get_args(hints["body"])
    assert typing.get_type_hints(type(client.notes).create)["body"] is str


def test_several_content_types_prefer_json_then_binary() -> None:
    types = load("multiple-content-types", "types")
    api = MockApi(json_reply({"id": "r", "title": "T"}), httpx.Response(200, content=b"%PDF"))
    client = api.client("multiple-content-types")
    report = client.reports.create(title="T", pages=2)
    assert api.last.headers["Content-Type"] == "application/json" and json.loads(api.last.content) == {"title": "T", "pages": 2}
    assert isinstance(report, types.Report)
    assert client.reports.export("r").content == b"%PDF"


# --- parameters -------------------------------------------------------------------------


def test_path_level_and_referenced_parameters() -> None:
    api = MockApi(json_reply([{"number": 1, "title": "t"}]), json_reply({"number": 2, "title": "u"}), json_reply({"number": 7, "title": "v"}))
    issues = api.client("path-level-params").projects.issues
    listed = issues.list("my project/x", limit=5, verbose="yes")
    assert str(api.last.url) == f"{BASE_URL}/v2/projects/my%20project%2Fx/issues?verbose=yes&limit=5"
    assert listed[0].number == 1
    issues.create("p", title="u", verbose=True)
    assert query_pairs(api.last) == [("verbose", "true")] and json.loads(api.last.content) == {"title": "u"}
    # As the official SDKs: the last path parameter positional, the others keywords.
    assert issues.retrieve(7, project_id="p").number == 7 and raw_path(api.last) == "/v2/projects/p/issues/7"
    assert [p.kind for p in inspect.signature(issues.retrieve).parameters.values()][:2] == [
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
        inspect.Parameter.KEYWORD_ONLY,
    ]
    with pytest.raises(ValueError, match="limit"):
        issues.list("p", limit=0)
    assert "project_id: The project's slug." in (inspect.getdoc(issues.list) or "")


def test_header_and_cookie_parameters() -> None:
    api = MockApi(json_reply({"user": "u"}))
    client = api.client("header-cookie-params", api_key="k=1")
    assert "accept" not in inspect.signature(client.session.retrieve).parameters
    client.session.retrieve(x_request_id="r-1", session_id="abc def;x", x_feature_flags=["a", "b"], x_debug=True, theme="dark")
    headers = api.last.headers
    assert (headers["X-Request-ID"], headers["X-Feature-Flags"], headers["X-Debug"]) == ("r-1", "a,b", "true")
    assert "X-Retry-Count" not in headers
    assert headers["Cookie"] == "token=k=1; session_id=abc%20def%3Bx; theme=dark"  # the API key's cookie first
    client.session.retrieve(x_request_id="r-2", session_id="s", x_retry_count=3)
    assert api.last.headers["Cookie"] == "token=k=1; session_id=s" and api.last.headers["X-Retry-Count"] == "3"


def test_query_styles_and_explode() -> None:
    api = MockApi(json_reply([]))
    api.client("query-styles").items.list(
        ids=[1, 2], tags=["a", "b"], colors=["red", "blue"], words=["x", "y"], filter={"status": "open", "owner": "me"}, point={"x": 1, "y": 2}, range={"min": 1, "max": 5}, plain={"k": "v"}
    )
    assert query_pairs(api.last) == [
        ("ids", "1"),
        ("ids", "2"),
        ("tags", "a,b"),
        ("colors", "red|blue"),
        ("words", "x y"),
        ("filter[status]", "open"),
        ("filter[owner]", "me"),
        ("x", "1"),
        ("y", "2"),
        ("range", "min,1,max,5"),
        ("plain[k]", "v"),
    ]


def test_path_and_header_styles() -> None:
    api = MockApi(json_reply([]), httpx.Response(200, text="l"))
    client = api.client("query-styles")
    client.items.labels.retrieve(["a b", "c"], ids=[1, 2, 3], x_dims={"w": 3, "h": 4})
    assert raw_path(api.last) == "/items/1,2,3/labels/;coords=a%20b,c"
    assert api.last.headers["X-Dims"] == "w=3,h=4"
    client.labels.points_point({"x": 1, "y": 2}, label=["a", "b"])  # a segment mixing text and a parameter reads as a verb
    assert raw_path(api.last) == "/labels/.a,b/points;x=1;y=2"


# --- names --------------------------------------------------------------------------------


def test_keywords_builtins_digits_and_non_ascii_names() -> None:
    types = load("names-keywords", "types")
    api = MockApi(json_reply({"1st": "gold", "id": 1, "2nd-place": "silver", "match": "m", "case": "c"}))
    client = api.client("names-keywords")
    model = client.class_.update(
        "x/y", class_="c", lambda_=1, type="t", self_query="s", timeout_query=5, n2fa="z", grosse=2, def_=True, none="n", list=[{"dict": "d", "str": 1}], model_config="m", private="p", json="j", headers={"x": "h"}, query="a", cast_body={"y": "o"}
    )
    assert raw_path(api.last) == "/class/x%2Fy"
    assert query_pairs(api.last) == [("type", "t"), ("self", "s"), ("timeout", "5"), ("2fa", "z"), ("größe", "2")]
    assert json.loads(api.last.content) == {"class": "c", "lambda": 1, "def": True, "None": "n", "list": [{"dict": "d", "str": 1}], "model_config": "m", "_private": "p", "json": "j", "headers": {"x": "h"}, "query": "a", "cast": {"y": "o"}}
    assert (model.n1st, model.n2nd_place, model.match, model.case) == ("gold", "silver", "m", "c")
    assert {"HeadersModelParam", "QueryModel", "RequestOptionsModelParam", "ListParam", "N3DModel", "Cafe"} <= set(types.__all__)
    cafe_json = {"名前": "Éclair", "prix€": 2.5, "größe": 3, "détails": {"a": "x"}, "日本": {"b": "y"}}
    api.replies = [json_reply([cafe_json])]
    (cafe,) = client.donnees.elements.list()
    assert raw_path(api.last) == "/donn%C3%A9es/%C3%A9l%C3%A9ments"
    assert (cafe.value, cafe.prix, cafe.grosse) == ("Éclair", 2.5, 3) and cafe.to_dict() == cafe_json
    assert (type(cafe.details).__name__, type(cafe.value_).__name__) == ("CafeDetails", "CafeModel")


def test_names_differing_only_in_case() -> None:
    found = support.corpus()
    files = [p for p in found.files("names-case-collisions") if not p.startswith("_runtime/")]
    assert len({p.lower() for p in files}) == len(files)  # safe on case-insensitive file systems
    types = load("names-case-collisions", "types")
    classes = {t.name for t in found.results["names-case-collisions"].api.types}
    assert {"Foo", "Foo3", "FooBar"} <= classes and "Foo" in types.__all__
    assert list(types.Foo.model_fields) == ["upper", "Value", "value", "VALUE"]
    api = MockApi(json_reply({"upper": "U", "Value": 1, "value": "v", "VALUE": True}), json_reply("X"), json_reply({"a": "b"}))
    client = api.client("names-case-collisions")
    assert client.foo.create(lower="l").Value == 1 and raw_path(api.last) == "/foo"
    assert client.foo.get_foo() == "X" and raw_path(api.last) == "/Foo"
    assert client.foo.get_foo_2().a == "b" and raw_path(api.last) == "/FOO"
    resources = {r.class_name for r in found.results["names-case-collisions"].api.resources}
    assert not resources & classes


def test_names_from_paths() -> None:
    """Versions, file extensions and fixed queries stay out of names but go on the wire."""
    post = json_reply({"id": "p"})
    api = MockApi(json_reply([{"id": "p"}]), post, post, post, json_reply(None, status=204), json_reply([]), json_reply([]))
    client = api.client("names-from-paths")
    assert client.posts.list()[0].id == "p"
    assert client.posts.retrieve("p").id == "p"
    assert client.responses.create(input="hi").id == "p"
    assert client.me.retrieve().id == "p"
    client.posts.delete()
    client.calls.list(start_time_before="2020", start_time_after="2019")
    client.archive.everything()
    sent = [(r.method, raw_path(r), query_pairs(r)) for r in api.requests]
    assert sent == [
        ("GET", "/v1/posts.json", []),
        ("GET", "/v1/posts/p.json", []),
        ("POST", "/v1/responses", [("beta", "true")]),
        ("GET", "/v1/me", []),
        ("POST", "/v1/posts/delete", []),
        ("GET", "/v1/calls", [("StartTime<", "2020"), ("StartTime>", "2019")]),
        ("GET", "/v1/legacy/things", []),
    ]


def test_operations_without_operation_id() -> None:
    widget = json_reply({"id": "w", "name": "n"})
    api = MockApi(json_reply([{"id": "w", "name": "n"}]), widget)
    widgets = api.client("missing-operation-ids").widgets
    calls = [(widgets.list, ()), (widgets.create, ()), (widgets.retrieve, ("w",)), (widgets.publish, ("w",))]
    for method, args in calls:
        method(*args, **({"name": "n"} if method == widgets.create else {}))
    assert [(r.method, raw_path(r)) for r in api.requests] == [("GET", "/widgets"), ("POST", "/widgets"), ("GET", "/widgets/w"), ("POST", "/widgets/w/publish")]
    ids = sorted(op.operation_id for r in _resources(support.corpus().results["missing-operation-ids"].api.resources) for op in r.operations)
    assert ids == ["delete_widgets_widget_id", "get", "get_widgets", "get_widgets_widget_id", "post_widgets", "post_widgets_widget_id_publish"]


def _resources(resources: tuple[ir.Resource, ...]) -> list[ir.Resource]:
    return [r for resource in resources for r in [resource, *_resources(resource.children)]]


def test_code_injection_stays_text() -> None:
    """Descriptions, names, enum values and server variables from the spec are data in the generated code, never code."""
    package, types = load("code-injection"), load("code-injection", "types")
    resource = load("code-injection", "resources.evil")
    assert not hasattr(builtins, "PWNED")  # what the server variable's default tries to set, at import
    tail = "/v1'''+str(__import__('builtins').__setattr__('PWNED', 1))+'''\"\"\"+str(__import__('builtins').__setattr__('PWNED', 1))+\"\"\""
    assert tail in (package.Client.__doc__ or "")
    assert "os" not in vars(package) and "os" not in vars(types) and "os" not in vars(resource)
    assert 'Ends the docstring early: """; import os;' in (package.__doc__ or "")
    assert (package.__doc__ or "").rstrip().endswith("A backslash at the end \\")
    model_doc = types.EvilName.__doc__ or ""
    assert 'Model doc """\nimport os\n""" ends with a quote"' in model_doc.replace("    ", "")
    method_doc = resource.Evil.update.__doc__ or ""
    assert 'Summary with """ and a NUL \x00 byte' in method_doc and "\\N{BULLET} \\u0041 \x07 bell" in method_doc
    mode = types.EvilName.model_fields["mode"].annotation
    values = ("a\nb", "it's", 'say "hi"', '"""', "back\\slash", "\x00", "line\u2028sep", "para\u2029sep", "next\x85line", "ad\u202emin\u2066", "form\x0cfeed\x0btab")
    assert typing.get_args(typing.get_args(mode)[0]) == values
    reply = {"new\nline": "1", 'quote"key': "2", "'single'": "3", "back\\slash": "4", "mode": '"""', "{{ jinja }}": 5}
    api = MockApi(json_reply(reply))
    client = api.client("code-injection")
    assert client.base_url == httpx.URL("https://api.example.test/base'\"quoted" + tail)
    assert [sent for value in values[6:] for sent in [client.evil.update("1", new_line="1", mode=value)] if json.loads(api.last.content)["mode"] != value] == []
    evil = client.evil.update("1", new_line="1", x_evil_header='"""', mode="a\nb")
    assert api.last.headers['X-Evil"Header'] == '"""'
    assert json.loads(api.last.content) == {"new\nline": "1", "mode": "a\nb"}
    assert evil.to_dict() == reply and (evil.new_line, evil.quote_key, evil.back_slash, evil.jinja) == ("1", "2", "4", 5)


def test_webhooks_are_types_not_operations() -> None:
    found = support.corpus().results["webhooks-31"]
    operations = [op for r in _resources(found.api.resources) for op in r.operations]
    assert [op.path for op in operations] == ["/subscriptions"]
    types = load("webhooks-31", "types")
    created = types.OrderCreatedEvent.model_validate_json('{"type": "order.created", "order": {"id": "o1", "total": 9.5}}')
    assert isinstance(created.order, types.Order) and created.order.total == 9.5
    shipped = types.OrderShippedWebhook.model_validate({"type": "order.shipped", "order_id": "o1", "carrier": "DHL"})
    assert shipped.carrier == "DHL"
    client = MockApi().client("webhooks-31")
    assert not hasattr(client, "order_created") and not hasattr(client, "webhooks")


# --- client settings --------------------------------------------------------------------


def test_no_security_needs_no_key() -> None:
    api = MockApi(json_reply({"pong": True}))
    client = api.client("no-security")
    assert client.ping.retrieve().pong is True
    assert "Authorization" not in api.last.headers and client.api_key is None


def test_server_url_variables_take_their_defaults() -> None:
    api = MockApi(json_reply({"ok": True}))
    assert api.client("server-variables", api_key="k").status.retrieve().ok is True
    assert str(api.last.url) == "https://eu-west.api.example.test:8443/v3/status"
    assert api.last.headers["X-API-Key"] == "k"
    api.client("server-variables", api_key="k", base_url="https://us-east.api.example.test:8443/v3").status.retrieve()
    assert api.last.url.host == "us-east.api.example.test"
    with pytest.raises(ValueError, match="API key"):
        api.client("server-variables")


# --- docstring escaping -----------------------------------------------------------------------------


def _docstring_round_trip(text: str) -> str:
    from generator.client import docstrings as docs

    return str(eval('"""' + docs.docstring_text(text, None) + '"""'))  # noqa: S307 - the text under test


def test_docstring_may_end_with_triple_quotes() -> None:
    assert _docstring_round_trip('ends with """') == 'ends with """'


def test_docstring_keeps_unprintable_characters() -> None:
    for text in ["a\u2028b", "nul \x00", "bell \x07", "astral \U000e0001", "back\\slash"]:
        assert _docstring_round_trip(text) == text



# --- what real-world specs do (the corpus's classes of cause) --------------------------------


def test_properties_named_like_their_types() -> None:
    """`PaymentMethod: PaymentMethod | None = None` made the class attribute hide the type; now the
    attribute is snake_case (`payment_method`) and the wire name its alias, in and out."""
    types = load("names-shadow-types", "types")
    wire = {"PaymentMethod": {"Kind": "card"}, "Status": "Open", "Previous": [{"Kind": "cash"}], "Field": "f", "Literal": "a", "str": "s"}
    order = types.Order.model_validate(wire)
    assert isinstance(order.payment_method, types.PaymentMethod) and order.payment_method.kind == "card"
    assert [type(p) for p in order.previous] == [types.PaymentMethod]
    assert (order.status, order.field, order.literal, order.str) == ("Open", "f", "a", "s")
    assert order.to_dict() == wire
    node = types.Node.model_validate({"Node": {"Children": [{}]}})
    assert isinstance(node.node, types.Node) and [type(c) for c in node.node.children] == [types.Node]
    api = MockApi(json_reply({"Status": "Closed", "PaymentMethod": {"Kind": "x"}}))
    created = api.client("names-shadow-types").orders.create(status="Open", payment_method={"Kind": "x"}, field="f")
    assert json.loads(api.last.content) == {"Status": "Open", "PaymentMethod": {"Kind": "x"}, "Field": "f"}
    assert isinstance(created.payment_method, types.PaymentMethod)
    # A parameter named `types` does not hide the package the method reads its response type from.
    api = MockApi(json_reply({"Node": {}}))
    got = api.client("names-shadow-types").nodes.retrieve(types=["a", "b"])
    assert isinstance(got, types.Node) and query_pairs(api.last) == [("types", "a"), ("types", "b")]
    # Nor does a parameter named `object` hide the builtin its result is typed with (`list[dict[str, object]]`).
    api = MockApi(json_reply([{"name": "red", "count": 2}]))
    assert api.client("names-shadow-types").tags.list(object="invoice") == [{"name": "red", "count": 2}]
    assert query_pairs(api.last) == [("object", "invoice")]


WIRE_ACCOUNT = {
    "accountId": "a1", "displayName": "Ann", "totalCount": 2, "total_count": 3, "_links": {"self": "/a1"}, "links": "l",
    "schema": "s", "json": "j", "copy": True, "model_config": "m", "model_ids": ["x"], "class": "gold",
    "billing-address": {"streetLine1": "1 Main St", "postal_code": "123"}, "@odata.etag": "W/1", "HTTPStatus": 200,
}


def test_wire_names_in_every_style_are_snake_case_attributes_and_round_trip() -> None:
    """camelCase, kebab, dotted, PascalCase and `_`-prefixed properties read as snake_case attributes
    (they kept their wire names before: `m.accountId`, `_links` → `field_links`), parsed by wire name,
    and `to_dict()` gives the wire names back; keywords and BaseModel attributes get a trailing `_`."""
    api = MockApi(json_reply(WIRE_ACCOUNT))
    account = api.client("names-wire-styles").accounts.retrieve("a1")
    attributes = {
        "account_id": "a1", "display_name": "Ann", "total_count": 3, "links": "l", "schema_": "s", "json_": "j",
        "copy_": True, "model_config_": "m", "model_ids": ["x"], "class_": "gold", "odata_etag": "W/1", "http_status": 200,
    }
    assert {name: getattr(account, name) for name in attributes} == attributes
    # Two wire names on one Python name: the one already snake_case keeps it, the other its own name.
    assert (account.totalCount, account.links_.self) == (2, "/a1")
    assert (account.billing_address.street_line1, account.billing_address.postal_code) == ("1 Main St", "123")
    assert account.to_dict() == WIRE_ACCOUNT
    assert account.model_dump(by_alias=True, exclude_unset=True) == WIRE_ACCOUNT
    assert not account.model_extra  # every wire name was taken for its field, none left over
    assert set(type(account).model_fields) == set(attributes) | {"totalCount", "links_", "billing_address"}


def test_a_response_that_breaks_the_schema_is_kept_by_wire_names() -> None:
    """Lenient parsing builds the model by wire names too: the attribute is snake_case, `to_dict()` the wire data."""
    broken = {**WIRE_ACCOUNT, "totalCount": "many", "billing-address": {"streetLine1": 5}}
    account = MockApi(json_reply(broken)).client("names-wire-styles").accounts.retrieve("a1")
    assert (account.total_count, account.totalCount, account.billing_address.street_line1) == (3, "many", 5)
    assert account.to_dict() == broken


def test_snake_case_arguments_are_sent_under_their_wire_names() -> None:
    """Arguments are snake_case; the request carries the wire names (query, header, body). A nested
    request dict is keyed by wire names, as sent: a response model's `to_dict()` can be passed back."""
    api = MockApi(json_reply(WIRE_ACCOUNT))
    client = api.client("names-wire-styles")
    params = inspect.signature(client.accounts.create).parameters
    assert {"display_name", "dry_run", "x_idempotency_key", "billing_address", "contact_email", "class_"} <= set(params)
    account = client.accounts.create(
        display_name="Ann", dry_run=True, x_idempotency_key="k1", billing_address={"streetLine1": "1 Main St"},
        contact_email="a@example.test", class_="gold",
    )
    assert account.display_name == "Ann"
    assert query_pairs(api.last) == [("dryRun", "true")] and api.last.headers["X-Idempotency-Key"] == "k1"
    assert json.loads(api.last.content) == {"displayName": "Ann", "billing-address": {"streetLine1": "1 Main St"}, "contact.email": "a@example.test", "class": "gold"}
    client.accounts.create(display_name="Ann", billing_address=account.billing_address.to_dict())
    assert json.loads(api.last.content)["billing-address"] == WIRE_ACCOUNT["billing-address"]
    client.accounts.retrieve("a1", include_deleted=False)
    assert query_pairs(api.last) == [("includeDeleted", "false")]


def test_required_body_properties_are_required_arguments() -> None:
    """`requestBody.required` absent: the properties the schema requires are still required keywords."""
    api = MockApi(json_reply({"id": "c1", "name": "web"}))
    containers = api.client("body-required-properties").containers
    params = inspect.signature(containers.create).parameters
    assert params["name"].default is inspect.Parameter.empty and params["image"].default is inspect.Parameter.empty
    assert params["labels"].default is not inspect.Parameter.empty
    with pytest.raises(TypeError, match="image"):
        containers.create(name="web")
    assert api.requests == []
    assert containers.create(name="web", image="nginx").id == "c1"
    assert json.loads(api.last.content) == {"name": "web", "image": "nginx"}
    # A body that requires nothing, given nothing, is sent as `{}`: valid, since it requires nothing.
    containers.update("c1")
    assert api.last.method == "PATCH" and json.loads(api.last.content) == {}
    # A union body: required when every variant requires properties, optional when one requires nothing.
    records = api.client("body-required-properties").records
    assert inspect.signature(records.create).parameters["body"].default is inspect.Parameter.empty
    assert inspect.signature(records.update).parameters["body"].default is not inspect.Parameter.empty
    # A union beside `properties` that only chooses what is required: keyword arguments, as without it.
    checks = api.client("body-required-properties").checks
    params = inspect.signature(checks.create).parameters
    assert [n for n, p in params.items() if p.default is inspect.Parameter.empty] == ["name", "head_sha"]
    assert {"status", "conclusion"} <= set(params)
    checks.create(name="lint", head_sha="abc", status="completed", conclusion="success")
    assert json.loads(api.last.content) == {"name": "lint", "head_sha": "abc", "status": "completed", "conclusion": "success"}
    with pytest.raises(TypeError, match="head_sha"):
        checks.create(name="lint")
    batches = api.client("body-required-properties").batches
    assert all(p.default is not inspect.Parameter.empty for n, p in inspect.signature(batches.create).parameters.items())
    batches.create(file_ids=["f1"])
    assert json.loads(api.last.content) == {"file_ids": ["f1"]}
    assert {"file_ids", "files"} <= set(inspect.signature(batches.create).parameters)


@pytest.mark.parametrize("feature", ["no-paths-31", "empty-paths-30"])
def test_a_spec_without_operations_makes_a_client(feature: str) -> None:
    """Webhooks only, or `paths: {}`: the client had an empty `if TYPE_CHECKING:` block."""
    found = support.corpus().results[feature]
    assert found.api.resources == ()
    compile(found.files["_client.py"], "_client.py", "exec")
    client = MockApi().client(feature)
    assert [name for name in vars(type(client)) if not name.startswith("_")] == []
    types = load(feature, "types")
    if feature == "no-paths-31":
        assert types.__all__ == ["Invoice"] and types.Invoice.model_validate({"id": "i1", "amount": 5}).amount == 5
    else:
        assert types.__all__ == []


def test_boolean_schemas() -> None:
    """`true` is anything, `false` nothing: a `false` property is neither a field nor an argument."""
    types = load("boolean-schemas-31", "types")
    assert list(types.Note.model_fields) == ["text", "meta", "labels"]
    note = types.Note.model_validate({"text": "t", "meta": [1, {"a": None}], "labels": {"k": "v"}})
    assert note.meta == [1, {"a": None}] and note.labels == {"k": "v"}
    api = MockApi(json_reply({"text": "t", "meta": 3}))
    notes = api.client("boolean-schemas-31").notes
    assert "legacy" not in inspect.signature(notes.create).parameters
    assert notes.create(text="t", meta={"any": ["thing"]}, none=[]).meta == 3
    assert json.loads(api.last.content) == {"text": "t", "meta": {"any": ["thing"]}, "none": []}
    with pytest.raises(ValueError, match="none"):
        notes.create(text="t", none=[None])  # `items: false`: only the empty array is valid
    assert len(api.requests) == 1


def test_operations_without_responses_31() -> None:
    api = MockApi(httpx.Response(204))
    client = api.client("no-responses-31")
    assert client.events.create(name="signup") is None
    assert api.last.method == "POST" and json.loads(api.last.content) == {"name": "signup"}
    assert client.health.retrieve() is None and api.last.url.path == "/health"


def test_a_pattern_python_cannot_read_is_left_to_the_server() -> None:
    """Corpus: amadeus-hotel-booking's `\\p{L}` patterns: every call raised `re.error: bad escape \\p`."""
    api = MockApi(httpx.Response(204))
    bookings = api.client("patterns-ecma").bookings
    assert bookings.create(name="Zoë d'Arc", code="ABC") is None
    assert json.loads(api.last.content) == {"name": "Zoë d'Arc", "code": "ABC"}
    with pytest.raises(ValueError, match="code"):
        bookings.create(name="Zoë", code="abc")  # a pattern Python reads is still checked
    assert len(api.requests) == 1


def test_a_json_body_is_sent_with_the_specs_media_type() -> None:
    """Corpus: amadeus's `application/vnd.amadeus+json` bodies went out as `application/json` (curl said otherwise)."""
    api = MockApi(httpx.Response(204))
    client = api.client("json-media-types")
    client.orders.create(item="tea")
    assert api.last.headers["content-type"] == "application/vnd.acme.order+json"
    assert json.loads(api.last.content) == {"item": "tea"}
    client.orders.update("o1", item="tea")
    assert api.last.headers["content-type"] == "application/json; charset=utf-8"
    client.notes.create(item="tea")
    assert api.last.headers["content-type"] == "application/json"  # a range is no type to send


def test_a_segment_that_names_its_parameter_is_a_resource_and_its_item() -> None:
    """Corpus: oxforddictionaries' `/entries/{lang}/{word}/regions={region}` was `client.entries.regions_region.list`."""
    api = MockApi(json_reply({"text": "colour"}))
    entries = api.client("names-keyed-segments").entries
    assert not hasattr(entries, "regions_region")
    assert entries.regions.retrieve("gb", word="color").text == "colour"
    assert raw_path(api.last) == "/entries/color/regions=gb"


def test_lenient_30_reads_what_the_author_meant_with_located_warnings() -> None:
    found = support.corpus().results["lenient-30"]
    warnings = sorted((w.pointer, w.message, w.severity) for w in found.warnings)
    assert warnings == [
        ("/components/schemas/Pet/properties/age/oneOf/2/type", "`type: 'null'` is OpenAPI 3.1, not 3.0; read as `nullable: true`", "warning"),
        ("/components/schemas/Pet/properties/breed/type", "a list of types is OpenAPI 3.1, not 3.0; read as 3.1 reads it", "warning"),
        ("/components/schemas/Pet/properties/legacy", "a boolean schema is JSON Schema 2020-12 (OpenAPI 3.1), not 3.0; read as 2020-12 reads it", "warning"),
        ("/components/schemas/Pet/properties/meta", "a boolean schema is JSON Schema 2020-12 (OpenAPI 3.1), not 3.0; read as 2020-12 reads it", "warning"),
        ("/components/schemas/Pet/properties/nickname/anyOf/1/type", "`type: 'null'` is OpenAPI 3.1, not 3.0; read as `nullable: true`", "warning"),
        ("/components/schemas/Pet/properties/owner", "`type` beside `$ref` ignored, as OpenAPI 3.0 says", "warning"),
        ("/components/schemas/Pet/properties/tag/pattern", "a `pattern` must be a string, not a number; not checked", "warning"),
        ("/components/schemas/Pet/required", "required property 'chip' is not in `properties`", "warning"),
        ("/components/schemas/Shape/discriminator/mapping/square", "`$ref` to missing file 'shapes.yaml'; this mapping entry is ignored", "warning"),
        ("/paths/~1detections/post/requestBody/content/application~1x-www-form-urlencoded/schema", "the `application/x-www-form-urlencoded` body must be an object; this string is taken as the form already encoded (`a=1&b=2`) and sent as given", "warning"),
        ("/paths/~1imports/post/requestBody/content/multipart~1form-data/schema", "the `multipart/form-data` body must be an object; this string is sent as the form's one part, named `file`", "warning"),
        ("/paths/~1owners~1{id}/get/responses/200/content/application~1json/schema/$ref", "`$ref` '#/components/responses/OwnerFound' points to a response, not to a schema; read as the schema of its JSON body", "warning"),
        ("/paths/~1owners~1{id}/get/responses/404/$ref", "`$ref` '#/components/schemas/Problem' points to a schema, not to a response; read as a JSON response of that schema", "warning"),
        ("/paths/~1pets~1{id}/delete/requestBody/content", "`requestBody` lists no media type; the operation sends no body", "warning"),
    ]
    assert all(w.line > 0 for w in found.warnings)
    types = load("lenient-30", "types")
    api = MockApi(json_reply({"name": "Rex", "nickname": None, "age": None, "owner": {"name": "Ann"}}))
    pet = api.client("lenient-30").pets.retrieve("p1")
    assert (pet.nickname, pet.age) == (None, None) and isinstance(pet.owner, types.Owner)
    assert "legacy" not in types.Pet.model_fields and types.Pet.model_validate({"name": "R", "nickname": None, "meta": [1]}).meta == [1]
    assert types.Pet.model_validate({"name": "Rex", "nickname": "R", "age": 2.5}).age == 2.5
    assert types.Pet.model_validate({"name": "Rex", "nickname": "R", "breed": None}).breed is None
    assert types.Pet.model_validate({"name": "Rex", "nickname": "R", "breed": "collie"}).breed == "collie"
    assert types.Pet.model_validate({"name": "Rex", "nickname": "R", "tag": "any"}).tag == "any"
    assert not hasattr(api.client("lenient-30"), "x_codegen_context_root") and set(found.files) >= {"resources/pets.py"}
    # The mapping entry left out: the member's tag is its component name, as with no mapping.
    owner = MockApi(json_reply({"name": "Ann"})).client("lenient-30").owners.retrieve("o1")
    assert isinstance(owner, types.Owner) and owner.name == "Ann"
    with pytest.raises(Exception) as missing:
        MockApi(json_reply({"detail": "no such owner"}, status=404)).client("lenient-30").owners.retrieve("o2")
    assert type(missing.value.error).__name__ == "Problem" and missing.value.error.detail == "no such owner"
    shapes = [MockApi(json_reply(v)).client("lenient-30").shapes.list() for v in ({"kind": "circle"}, {"kind": "Square"})]
    assert [type(shape).__name__ for shape in shapes] == ["Circle", "Square"]
    api.replies = [httpx.Response(204)]
    api.client("lenient-30").pets.delete("p1")
    assert api.last.method == "DELETE" and api.last.content == b""
    # A form body that is a string: url-encoded text sent as given; a file sent as the form's one part.
    api.replies = [httpx.Response(204), httpx.Response(204)]
    api.client("lenient-30").detections.create(body="q=hello%20world&lang=en")
    assert (api.last.headers["content-type"], api.last.content) == ("application/x-www-form-urlencoded", b"q=hello%20world&lang=en")
    api.client("lenient-30").imports.create(file=("tax.xml", b"<return/>"))
    sent = api.last.content.decode()
    assert api.last.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert 'name="file"; filename="tax.xml"' in sent and "<return/>" in sent and sent.count("Content-Disposition") == 1


def test_lenient_31_examples_map_is_ignored_with_a_warning() -> None:
    found = support.corpus().results["lenient-31"]
    assert [(w.pointer, w.severity) for w in found.warnings] == [("/components/schemas/Status/examples", "warning")]
    assert found.warnings[0].line > 0
    assert MockApi(json_reply({"state": "ok"})).client("lenient-31").status.retrieve().state == "ok"


def test_lenient_30_fails_under_strict(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from generator.cli import main

    spec = str(support.SPECS / "lenient-30.yaml")
    assert main(["generate", spec, "--out", str(tmp_path / "pkg"), "--package", "pkg", "--no-cache", "--quiet", "--strict"]) == 1
    err = capsys.readouterr().err
    assert err.count("warning:") == 14 and "with --strict; nothing was written" in err
    assert not (tmp_path / "pkg").exists()


def test_parameters_in_a_path_keys_query_string_are_sent_as_query_parameters() -> None:
    """`/uploads?convert={convert}` was refused (`{convert}` is no path parameter); each `{name}` in the query
    string is now the query parameter it names, under the key written before it, with a warning when it is
    declared `in: path` or not at all."""
    found = support.corpus().results["query-in-path-key"]
    warnings = sorted((w.pointer, w.severity) for w in found.warnings)
    assert warnings == [
        ("/paths/~1locations~1{country}~1?q={query}&mode=fast/get/parameters/1/in", "warning"),
        ("/paths/~1uploads?convert={convert}/post", "warning"),
    ]
    assert all(w.line > 0 for w in found.warnings)
    api = MockApi(json_reply({}))
    client = api.client("query-in-path-key")
    client.uploads.create(convert="fax", content="PGh0bWw+")
    assert raw_path(api.last) == "/uploads" and query_pairs(api.last) == [("convert", "fax")]
    assert json.loads(api.last.content) == {"content": "PGh0bWw+"}
    client.locations.retrieve("AD", query="a b&c")
    assert raw_path(api.last) == "/locations/AD/" and sorted(query_pairs(api.last)) == [("mode", "fast"), ("q", "a b&c")]
    client.history.retrieve(date_from=1457572619)
    assert raw_path(api.last) == "/history" and query_pairs(api.last) == [("date_from", "1457572619")]
    with pytest.raises(TypeError):
        client.uploads.create(content="x")  # type: ignore[call-arg]


def test_parameters_in_a_path_keys_query_string_fail_under_strict(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from generator.cli import main

    spec = str(support.SPECS / "query-in-path-key.yaml")
    assert main(["generate", spec, "--out", str(tmp_path / "pkg"), "--package", "pkg", "--no-cache", "--quiet", "--strict"]) == 1
    assert capsys.readouterr().err.count("warning:") == 2 and not (tmp_path / "pkg").exists()


def test_resources_never_hide_the_class_body_decorators() -> None:
    """A `property` resource hid `@property` from the rest of its class: "'property' object is not callable"."""
    api = MockApi(json_reply({"address": "1 Main St"}), json_reply(["d1"]), json_reply(["n1"]), json_reply(["p1"]))
    client = api.client("resource-names-decorators")
    assert client.customers.property_.retrieve("c1").address == "1 Main St" and raw_path(api.last) == "/customers/c1/property"
    assert client.customers.property_.documents.list("p1", id="c1") == ["d1"]
    assert client.customers.notes.list("c1") == ["n1"] and client.property_.list() == ["p1"]
    assert raw_path(api.last) == "/property"
    # A `list` method hides the builtin from the annotations after it (for mypy): they say `builtins.list`.
    assert "-> builtins.list[str]:" in support.corpus().files("resource-names-decorators")["resources/tags.py"]
    api.replies = [json_reply(["a", "b"])]
    assert client.tags.list() == ["a", "b"] and client.tags.create(body=["a"]) == ["a", "b"]
    assert json.loads(api.last.content) == ["a"]


def test_discriminator_property_with_a_renamed_field() -> None:
    """pydantic's `discriminator` names the Python field (`type`), not the JSON key (`__type`)."""
    types = load("discriminator-renamed-tag", "types")
    api = MockApi(json_reply({"__type": "CronExpression", "value": "0 * * * *"}), json_reply({"__type": "TimeDelta", "days": 1}), json_reply({"__type": "Later", "x": 1}))
    schedules = api.client("discriminator-renamed-tag").schedules
    cron = schedules.retrieve("s1")
    assert type(cron) is types.CronExpression and cron.value == "0 * * * *" and cron.type == "CronExpression"
    assert type(schedules.retrieve("s2")) is types.TimeDelta
    assert schedules.retrieve("s3").to_dict() == {"__type": "Later", "x": 1}  # an unknown tag is kept


def test_a_type_only_behind_a_read_only_request_property() -> None:
    """`internal error: KeyError` once: the request's rules and render keys looked for `ItemMeta`."""
    found = support.corpus().results["read-only-nested"]
    assert "ItemMeta" not in {t.name for t in found.api.types}
    api = MockApi(httpx.Response(204))
    orders = api.client("read-only-nested").orders
    assert orders.create(item={"sku": "abc"}) is None and json.loads(api.last.content) == {"item": {"sku": "abc"}}
    with pytest.raises(ValueError, match="sku"):
        orders.create(item={"sku": "a"})


def test_a_ref_into_a_schema_lowered_in_place() -> None:
    """`internal error: KeyError` once (codat.io/accounting): the `$ref` target got a second definition."""
    types = load("ref-into-inline-schema", "types")
    api = MockApi(json_reply({"lines": [{"amount": 1.5}]}), json_reply({"top": {"amount": 2}}))
    client = api.client("ref-into-inline-schema")
    (line,) = client.reports.retrieve().lines
    top = client.summary.retrieve().top
    assert type(line) is type(top) is types.ReportLinesItem and top.amount == 2


def test_a_recursive_union_alias_parses() -> None:
    """`Value = Union[..., Sequence["Value"]]` as a plain alias made pydantic recurse without end (vercel.com)."""
    types = load("recursive-alias", "types")
    item = types.Item.model_validate({"key": "k", "value": ["a", [True, None, {"n": 1}]]})
    assert item.value == ["a", [True, None, {"n": 1}]]
    api = MockApi(json_reply({"key": "k", "value": [["x"]]}))
    assert api.client("recursive-alias").items.update("k", value=[1, ["y", None]]).value == [["x"]]
    assert json.loads(api.last.content) == {"value": [1, ["y", None]]}


# --- JSON Schema 2020-12 as 3.1 specs write it -------------------------------------------------


def test_defs_prefix_items_and_annotations_31() -> None:
    types = load("json-schema-2020-31", "types")
    assert {"ShapePoint", "ShapePointParam"} <= set(types.__all__)  # `$defs/Point` is named for where it stands
    shape = types.Shape.model_validate({"origin": {"x": 1, "y": 2}, "pair": ["n", 2], "path": ["l", {"x": 0, "y": 1}], "label": "square"})
    assert isinstance(shape.origin, types.ShapePoint) and shape.pair == ["n", 2]
    assert shape.path is not None and shape.path[0] == "l" and isinstance(shape.path[1], types.ShapePoint)
    api = MockApi(json_reply({"origin": {"x": 0, "y": 0}}))
    shapes = api.client("json-schema-2020-31").shapes
    shapes.create(origin={"x": 0, "y": 0}, pair=["n", 1], billing={"card": "c", "address": "a"}, thumbnail="iVBORw0KGgo=")
    assert json.loads(api.last.content)["pair"] == ["n", 1] and json.loads(api.last.content)["thumbnail"] == "iVBORw0KGgo="
    with pytest.raises(ValueError, match="pair"):
        shapes.create(origin={"x": 0, "y": 0}, pair=["n", 1, "extra"])  # `items: false` after two positions
    assert len(api.requests) == 1


def test_const_of_any_json_value_31() -> None:
    types = load("const-any-31", "types")
    hints = typing.get_type_hints(types.Settings)
    assert typing.get_args(hints["version"]) == (2,)
    settings = types.Settings.model_validate({"version": 2, "ratio": 0.5, "enabled": True, "cleared": None, "defaults": {"mode": "auto"}, "order": ["a", "b"]})
    assert (settings.defaults, settings.order, settings.cleared) == ({"mode": "auto"}, ["a", "b"], None)
    api = MockApi(json_reply({"version": 2}))
    api.client("const-any-31").settings.update(version=2, defaults={"mode": "auto"}, order=["a", "b"], cleared=None)
    assert json.loads(api.last.content) == {"version": 2, "defaults": {"mode": "auto"}, "order": ["a", "b"], "cleared": None}
    with pytest.raises(ValueError, match="version"):
        api.client("const-any-31").settings.update(version=3)


def test_ref_siblings_apply_in_31() -> None:
    types = load("ref-siblings-31", "types")
    assert '    """Who to write to."""' in support.corpus().files("ref-siblings-31")["types/account.py"]
    hints = typing.get_type_hints(types.Account)
    assert types.Person in typing.get_args(hints["contact"])
    (owner_type,) = [t for t in typing.get_args(hints["owner"]) if t is not type(None)]
    assert owner_type is not types.Person and set(owner_type.model_fields) == {"id", "name", "since"}
    assert owner_type.model_fields["id"].is_required() and not owner_type.model_fields["name"].is_required()
    account = MockApi(json_reply({"owner": {"id": "p1", "since": "2020"}, "contact": {"name": "Ann"}})).client("ref-siblings-31").accounts.retrieve()
    assert (account.owner.id, account.owner.since, account.contact.name) == ("p1", "2020", "Ann")


def test_type_lists_with_several_non_null_types_31() -> None:
    api = MockApi(json_reply({"value": 7}), json_reply({"value": "seven"}))
    cells = api.client("type-lists-31").cells
    assert cells.update("a1", value=None, tags="t").value == 7
    assert json.loads(api.last.content) == {"value": None, "tags": "t"}
    assert cells.update("a1", value=True, tags=["x", "y"]).value == "seven"
    assert json.loads(api.last.content) == {"value": True, "tags": ["x", "y"]}
    cells.update("a1", value=1234.5)  # maxLength is for the string member only
    with pytest.raises(ValueError, match="value"):
        cells.update("a1", value="long")
    assert len(api.requests) == 3


def test_unshadow_is_one_pass_over_the_annotation() -> None:
    """Which names a class shadows is a set looked up per name: 20,000 fields cost 20,000 lookups."""
    from generator.client.render import _unshadow

    shadowed = frozenset({"Status", "str"} | {f"F{i}" for i in range(20_000)})
    text = 'Annotated[Union[Status, Other], Field(discriminator="Status")] | str | "Status" | x.Status'
    assert _unshadow(text, shadowed) == 'Annotated[Union[_Status, Other], Field(discriminator="Status")] | builtins.str | "Status" | x.Status'
    assert _unshadow(text, frozenset()) == text


# --- last, so that the background type check has had the other tests' time to run -----------


def test_mypy_strict() -> None:
    """`mypy --strict` over every generated package and typed_usage.py (started when they were written)."""
    status, output = support.corpus().mypy_result()
    assert status == 0, output


# --- upload forms: multipart beside JSON, the spec's encoding ----------------------------


def test_json_or_multipart_is_chosen_by_the_arguments(tmp_path: Path) -> None:
    """The spec offers both with the same properties: JSON without a file, multipart with one (a path is
    read and sent under its name)."""
    api = MockApi(json_reply({}))
    client = api.client("upload-forms")
    client.containers.files.create("c-1", file_id="file-1")
    assert api.last.headers["Content-Type"] == "application/json"
    assert json.loads(api.last.content) == {"file_id": "file-1"}
    path = tmp_path / "data.csv"
    path.write_bytes(b"a,b\n")
    client.containers.files.create("c-1", file=path)
    (part,) = multipart_parts(api.last)
    assert (part.name, part.filename, part.data) == ("file", "data.csv", b"a,b\n")
    assert str(tmp_path).encode() not in api.last.content


def test_a_form_that_uploads_what_json_cannot_is_always_multipart() -> None:
    api = MockApi(json_reply({}))
    api.client("upload-forms").images.edits.create(image=[b"one", b"two"], prompt="p", sizes=["s", "m"])
    assert [(p.name, p.data) for p in multipart_parts(api.last)] == [("prompt", b"p"), ("sizes", b"s"), ("sizes", b"m"), ("image", b"one"), ("image", b"two")]


def test_multipart_parts_take_the_encoding_content_type() -> None:
    api = MockApi(json_reply({}))
    api.client("upload-forms").calls.create(sdp="v=0", session={"model": "m"})
    message = {p.name: p for p in multipart_parts(api.last)}
    assert message["sdp"].data == b"v=0" and json.loads(message["session"].data) == {"model": "m"}
    assert b"Content-Type: application/sdp" in api.last.content and b"Content-Type: application/json" in api.last.content


def test_form_fields_take_the_encoding_style() -> None:
    api = MockApi(json_reply({}))
    api.client("upload-forms").token.create(grant_type="client_credentials", scope=["read", "write"])
    assert api.last.content == b"grant_type=client_credentials&scope=read+write"


# --- validation rules written once -----------------------------------------------------------


def test_shared_rules_refuse_a_bad_value_deep_inside() -> None:
    """Named types' rules live in `_rules`, once: a constrained model reached from two operations
    and nested in another is checked wherever it is, with the message an inlined rule gave."""
    api = MockApi(json_reply({"street": "s", "postcode": "12345"}))
    client = api.client("shared-rules")
    good = {"street": "Main St", "postcode": "12345"}
    client.addresses.validate(address=good)
    client.customers.create(name="n", billing=good, shipping=[good, good])
    assert json.loads(api.last.content)["shipping"] == [good, good]
    with pytest.raises(ValueError, match=r"^address\.postcode: must match pattern '\^\[0-9\]\{5\}\$'$"):
        client.addresses.validate(address={"street": "Main St", "postcode": "1234"})
    with pytest.raises(ValueError, match=r"^billing\.street: must be at least 1 characters$"):
        client.customers.create(name="n", billing={"street": "", "postcode": "12345"})
    with pytest.raises(ValueError, match=r"^shipping\[1\]\.street: must be at most 40 characters$"):
        client.customers.create(name="n", billing=good, shipping=[good, {"street": "x" * 41, "postcode": "12345"}])
    with pytest.raises(ValueError, match=r"^shipping: must have at most 3 items \(got 4\)$"):
        client.customers.create(name="n", billing=good, shipping=[good] * 4)
    with pytest.raises(ValueError, match=r"^street: must be at most 40 characters$"):
        client.addresses.create(street="x" * 41, postcode="12345")
    requests = len(api.requests)
    with pytest.raises(ValueError, match=r"^address\.postcode"):
        run(api.async_client("shared-rules").addresses.validate(address={"street": "s", "postcode": "x"}))
    assert len(api.requests) == requests  # refused before anything is sent


def test_shared_rules_check_a_recursive_tree_at_any_depth() -> None:
    """An inlined rule stopped at the second visit of a type; the shared rule refers to itself, so a
    node three levels down is checked like the root."""
    api = MockApi(json_reply({"name": "root"}))
    trees = api.client("shared-rules").trees
    deep = {"name": "a", "children": [{"name": "b", "children": [{"name": "c", "children": [{"name": "d"}]}]}]}
    trees.update(name="root", children=[deep])
    assert json.loads(api.last.content)["children"] == [deep]
    with pytest.raises(ValueError, match=r"^name: must be at most 8 characters$"):
        trees.update(name="x" * 9)
    with pytest.raises(ValueError, match=r"^children\[0\]\.children\[1\]\.name: must be at most 8 characters$"):
        trees.update(name="root", children=[{"name": "a", "children": [{"name": "b"}, {"name": "x" * 9}]}])
    # Depth 3 below the root (an inlined rule checked only the first level of `children`), and deeper.
    third = {"name": "a", "children": [{"name": "b", "children": [{"name": "x" * 9}]}]}
    with pytest.raises(ValueError, match=r"^children\[0\]\.children\[0\]\.children\[0\]\.name: must be at most 8 characters$"):
        trees.update(name="root", children=[third])
    fourth = {"name": "a", "children": [{"name": "b", "children": [{"name": "c", "children": [{"name": "x" * 9}]}]}]}
    with pytest.raises(ValueError, match=r"^children\[0\]\.children\[0\]\.children\[0\]\.children\[0\]\.name: must be at most 8 characters$"):
        run(api.async_client("shared-rules").trees.update(name="root", children=[fourth]))


def test_shared_rules_of_an_alias_with_a_pattern() -> None:
    api = MockApi(json_reply([]))
    products = api.client("shared-rules").products
    products.list(sku=["ABC-1234", "XYZ-0000"])
    products.create(sku="ABC-1234", related=["XYZ-0000"])
    with pytest.raises(ValueError, match=r"^sku\[1\]: must match pattern"):
        products.list(sku=["ABC-1234", "abc"])
    with pytest.raises(ValueError, match=r"^sku: must have at most 5 items \(got 6\)$"):
        products.list(sku=["ABC-1234"] * 6)
    with pytest.raises(ValueError, match=r"^related\[0\]: must match pattern"):
        products.create(sku="ABC-1234", related=["nope"])
    with pytest.raises(ValueError, match=r"^sku: must match pattern"):
        products.create(sku="nope")


def test_shared_rules_module_is_imported_on_first_use() -> None:
    """Importing the client (or a resource module) does not import `_rules`; a checked call does."""
    import importlib
    import sys

    package = support.package_of("shared-rules")
    root = load("shared-rules")
    # As if no method had been called yet (other tests did): the module and the package's attribute.
    sys.modules.pop(f"{package}._rules", None)
    if hasattr(root, "_rules"):
        delattr(root, "_rules")
    importlib.reload(importlib.import_module(f"{package}.resources.trees"))
    assert f"{package}._rules" not in sys.modules
    MockApi(json_reply({"name": "r"})).client("shared-rules").trees.update(name="r")
    assert f"{package}._rules" in sys.modules
