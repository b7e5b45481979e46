"""Hostile strings in every string field of a small spec, and in every option, never become code.

Each example puts a drawn string (payloads that try to end a literal, docstring or comment and run
code, line separators, bidi and control characters, Jinja syntax, backslashes, quotes, mixed with
arbitrary text) into every string a spec can carry that reaches generated code: title,
descriptions, summary, operationId, tags, parameter names, enum values, property names, defaults,
examples, the server URL and its variables; or into every option of a target. Then:

* generation succeeds, or fails with located problems (never an internal error);
* every module compiles (the pipeline checks that) and imports, and no raw unsafe character is
  written into any of them;
* every method is called once over httpx.MockTransport;
* the canary shows that no payload ran (no CANARY file, no ``builtins.PWNED``);
* values the client sends or keeps (enum values, the base URL, options) are exactly the spec's.

Derandomized and without shrinking, as the other property tests: CI runs the same examples each time.
"""

from __future__ import annotations

import builtins
import contextlib
import os
import tempfile
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

from generator.diagnostics import SpecError
from tests.hostile import PAYLOADS, assert_no_unsafe_characters, assert_nothing_ran, build, call_every_method, forget

SETTINGS = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=list(HealthCheck),
)

_CHARACTERS = st.characters(
    codec="utf-8",  # no lone surrogates: those are refused on reading (tests/errors/test_escaping.py)
    categories=("Cc", "Cf", "Zl", "Zp", "Zs", "Lu", "Ll", "Lo", "Nd", "Po", "Ps", "Pe", "Sm", "So", "Mn"),
)
# A payload, some arbitrary text, or both; never empty (an empty name or value tests nothing here).
HOSTILE = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(_CHARACTERS, min_size=1, max_size=12),
    st.tuples(st.sampled_from(PAYLOADS), st.text(_CHARACTERS, max_size=6), st.sampled_from(PAYLOADS)).map("".join),
)


@contextlib.contextmanager
def _sandbox() -> Iterator[Path]:
    """A fresh working directory (where the canary would appear), removed afterwards."""
    old = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        os.chdir(tmp)
        try:
            yield Path(tmp)
        finally:
            os.chdir(old)
            if hasattr(builtins, "PWNED"):
                del builtins.PWNED


def _spec(s: dict[str, Any]) -> dict[str, Any]:
    """A spec with a hostile string in each string field that reaches generated code."""
    enum = list(dict.fromkeys([s["enum_a"], s["enum_b"]]))
    thing = {
        "type": "object",
        "title": s["title"],
        "description": s["description"],
        "example": {s["property"]: s["example"]},
        "properties": {
            s["property"]: {"type": "string", "description": s["description"], "default": s["default"], "example": s["example"]},
            "mode": {"type": "string", "enum": enum, "description": s["summary"]},
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": s["title"], "version": s["version"], "description": s["description"]},
        "servers": [{"url": "https://api.example.test/{base}" + s["url"], "variables": {"base": {"default": s["variable"], "description": s["description"]}}}],
        "tags": [{"name": s["tag"], "description": s["description"]}],
        "components": {
            "schemas": {"Thing": thing},
            "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Api-Key", "description": s["description"]}},
        },
        "security": [{"key": []}],
        "paths": {
            "/things/{id}": {
                "post": {
                    "operationId": s["operation_id"],
                    "tags": [s["tag"]],
                    "summary": s["summary"],
                    "description": s["description"],
                    "externalDocs": {"url": "https://docs.example.test/" + s["url"]},
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "description": s["description"], "schema": {"type": "string"}},
                        {"name": "kind", "in": "query", "required": True, "description": s["summary"], "schema": {"type": "string", "enum": enum}},
                        {"name": s["parameter"], "in": "query", "description": s["description"], "example": s["example"], "schema": {"type": "string", "default": s["default"]}},
                        {"name": s["parameter"], "in": "header", "schema": {"type": "string"}},
                    ],
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                    "responses": {"200": {"description": s["description"], "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}},
                }
            }
        },
    }


FIELDS = ("title", "version", "description", "summary", "operation_id", "tag", "parameter", "property", "enum_a", "enum_b", "default", "example", "url", "variable")


@SETTINGS
@given(st.fixed_dictionaries({name: HOSTILE for name in FIELDS}))
def test_hostile_strings_in_every_field_stay_data(strings: dict[str, str]) -> None:
    note(repr(strings))
    with _sandbox() as tmp:
        try:
            built = build(_spec(strings), tmp)
        except SpecError as exc:
            # Refusing a spec is allowed (a name that cannot be made unique, say), never without a place.
            assert exc.problems and all(p.line > 0 and p.pointer for p in exc.problems), exc.problems
            assert_nothing_ran(tmp)
            return
        try:
            assert_nothing_ran(tmp)
            assert_no_unsafe_characters(built)
            client_module = built.modules["_client.py"]
            assert client_module._BASE_URL == ("https://api.example.test/" + strings["variable"] + strings["url"]).rstrip("/")
            sent = call_every_method(built, reply={"mode": strings["enum_a"]}, base_url="https://api.example.test")
            assert len(sent) == 1 and sent[0].url.params["kind"] == strings["enum_a"]
            modules = [m for path, m in built.modules.items() if path.startswith("resources/") and not path.endswith("__init__.py")]
            [update] = [getattr(cls, "update") for m in modules for cls in vars(m).values() if isinstance(cls, type) and cls.__module__ == m.__name__ and not cls.__name__.startswith("Async")]
            kind = typing.get_type_hints(update)["kind"]
            assert set(typing.get_args(kind)) == {strings["enum_a"], strings["enum_b"]}
            assert_nothing_ran(tmp)
        finally:
            forget(built)


_TOKEN = st.text(st.sampled_from("abcXYZ-_!#$%&'*+.^`|~019"), min_size=1, max_size=8)


@SETTINGS
@given(
    api_key_env=HOSTILE,
    base_url_env=HOSTILE,
    version=HOSTILE,
    docs_base_url=HOSTILE,
    header_name=HOSTILE | _TOKEN,
    header_value=HOSTILE,
)
def test_hostile_options_stay_data(api_key_env: str, base_url_env: str, version: str, docs_base_url: str, header_name: str, header_value: str) -> None:
    """Through the pipeline directly: the CLI and pyproject.toml refuse most of these (exit 2 / located)."""
    note(repr((api_key_env, base_url_env, version, docs_base_url, header_name, header_value)))
    strings = {name: name for name in FIELDS} | {"enum_a": "a", "enum_b": "b", "url": "", "variable": "v1", "description": "See [the guide](/docs/guide)."}
    settings = {"api_key_env": api_key_env, "base_url_env": base_url_env, "version": version, "docs_base_url": docs_base_url, "default_headers": ((header_name, header_value),)}
    with _sandbox() as tmp:
        built = build(_spec(strings), tmp, **settings)
        try:
            assert_nothing_ran(tmp)
            assert_no_unsafe_characters(built)
            client_module = built.modules["_client.py"]
            assert client_module.__version__ == version
            assert client_module._DEFAULT_HEADERS == {header_name: header_value}
            with _environment_without(api_key_env):
                try:
                    client_module.Client()
                except ValueError as exc:
                    assert api_key_env in str(exc)
                else:
                    raise AssertionError("a client without an API key")
            # The key's variable is read exactly as configured.
            with _environment_with(api_key_env, "secret"), _environment_with(base_url_env, "https://other.example.test"):
                if "\x00" not in api_key_env + base_url_env and "=" not in api_key_env + base_url_env and api_key_env != base_url_env:
                    client = client_module.Client()
                    assert client.api_key == "secret"
                    assert str(client.base_url).startswith("https://other.example.test")
            if all(text.isascii() for text in (header_name, header_value, version)):
                call_every_method(built)  # httpx sends ASCII header names and values only
            assert_nothing_ran(tmp)
        finally:
            forget(built)


@contextlib.contextmanager
def _environment_without(name: str) -> Iterator[None]:
    saved = os.environ.get(name) if "\x00" not in name and "=" not in name else None
    if saved is not None:
        del os.environ[name]
    try:
        yield
    finally:
        if saved is not None:
            os.environ[name] = saved


@contextlib.contextmanager
def _environment_with(name: str, value: str) -> Iterator[None]:
    if not name or "\x00" in name or "=" in name or "\x00" in value:
        yield  # not a name an environment can hold
        return
    saved = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = saved
