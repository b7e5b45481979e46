"""Strings from the spec, its file name and the configuration are data in the generated code, never code.

Each test is one way such a string used to reach generated source unescaped (issue 10, findings 2
and 3): it generates a client, imports every module, calls every method over httpx.MockTransport
and checks that no payload ran and that the value arrived exactly as the spec wrote it.
"""

from __future__ import annotations

import builtins
import inspect
import json
import typing
from pathlib import Path
from typing import Any

import pytest

from generator import escape
from tests.hostile import CANARY, assert_no_unsafe_characters, assert_nothing_ran, build, call_every_method, forget

from .conftest import LOCATED, SUMMARY, read_tree, run_cli

INJECTION = '"""+str(open("CANARY","w").close())+"""'
LINE_BREAKS = ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\r"]
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u061c"]


def small_spec(*, url: str = "https://api.example.test/v1", enum: list[str] | None = None, description: str = "A thing.", variables: dict[str, Any] | None = None) -> dict[str, Any]:
    server: dict[str, Any] = {"url": url}
    if variables:
        server["variables"] = variables
    thing = {"type": "object", "description": description, "properties": {"mode": {"type": "string", "description": description, "enum": enum or ["a"]}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Things", "version": "1", "description": description},
        "servers": [server],
        "components": {"schemas": {"Thing": thing}, "securitySchemes": {"key": {"type": "http", "scheme": "bearer"}}},
        "security": [{"key": []}],
        "paths": {
            "/things/{id}": {
                "post": {
                    "operationId": "updateThing",
                    "summary": description,
                    "description": description,
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "description": description, "schema": {"type": "string"}},
                        {"name": "kind", "in": "query", "required": True, "description": description, "schema": {"type": "string", "enum": enum or ["a"]}},
                    ],
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                    "responses": {"200": {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}},
                }
            }
        },
    }


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> typing.Iterator[None]:
    monkeypatch.chdir(tmp_path)
    yield
    if hasattr(builtins, "PWNED"):
        del builtins.PWNED


# --- finding 2: code from the spec, its file name or the options ------------------------------------


def test_server_url_cannot_run_code_at_import(tmp_path: Path) -> None:
    url = "https://x/v1#" + INJECTION
    built = build(small_spec(url=url), tmp_path)
    client_module = built.modules["_client.py"]
    assert_nothing_ran(tmp_path)
    assert url in (client_module.Client.__doc__ or "")
    sent = call_every_method(built)
    assert str(sent[0].url).startswith("https://x/v1")
    assert_nothing_ran(tmp_path)
    forget(built)


def test_server_variable_defaults_cannot_run_code_at_import(tmp_path: Path) -> None:
    variables = {"region": {"default": INJECTION}, "tail": {"default": "v1'''\n__import__('builtins').PWNED = 1\n'''"}}
    built = build(small_spec(url="https://x/{region}/{tail}", variables=variables), tmp_path)
    assert_nothing_ran(tmp_path)
    assert built.modules["_client.py"]._BASE_URL == "https://x/" + INJECTION + "/" + variables["tail"]["default"]
    forget(built)


def test_triple_quote_in_a_literal_opens_no_docstring(tmp_path: Path) -> None:
    """black writes a value holding a triple quote in single quotes; the formatter must not take that for the start
    of a docstring (it then took the Client docstring's long lines for code: exit 3, "black could not format")."""
    url = "https://api.example.test/" + "x" * 100 + '"""'
    built = build(small_spec(url=url), tmp_path)
    assert built.modules["_client.py"]._BASE_URL == url
    assert url in (built.modules["_client.py"].Client.__doc__ or "")
    forget(built)


@pytest.mark.parametrize("name", ['a\nimport builtins; builtins.PWNED = 1\n.json', 'a\r__import__("builtins").PWNED = 1\r.json', 'a"""b\'c".json', "a\u2028b\u202e.json", "a\x1bb.json"])
def test_spec_file_name_stays_in_the_header_comment(tmp_path: Path, name: str) -> None:
    built = build(small_spec(), tmp_path, file_name=name)
    assert_nothing_ran(tmp_path)
    shown = escape.comment(name)
    for path, text in built.result.files.items():
        if path.endswith(".py") and not path.startswith("_runtime/"):
            assert text.split("\n", 1)[0] == f"# Generated by the OpenAPI client generator from {shown}. Do not edit by hand.", path
    assert_no_unsafe_characters(built)
    forget(built)


HOSTILE_OPTIONS = [
    {"api_key_env": 'KEY" + str(open("CANARY","w").close()) + "'},
    {"api_key_env": 'KEY\n"""\n__import__("builtins").PWNED = 1\n"""'},
    {"base_url_env": 'URL\n"""\n__import__("builtins").PWNED = 1\n"""\u2028'},
    {"env_prefix": 'P"\n__import__("builtins").PWNED = 1\n"'},
    {"client_options": (('org', 'X-Org"\n__import__("builtins").PWNED = 1#', 'E"\n__import__("builtins").PWNED = 1#'),)},
    {"path_headers": (("/things", 'X-B"\n__import__("builtins").PWNED = 1#', 'v"\n__import__("builtins").PWNED = 1#\u202e'),)},
    {"idempotency_header": 'I"\n__import__("builtins").PWNED = 1#'},
    {"default_headers": (('X-A"\n__import__("builtins").PWNED = 1#', 'v"\n__import__("builtins").PWNED = 1#\u202e'),)},
    {"version": '1"\n__import__("builtins").PWNED = 1\n"'},
    {"docs_base_url": 'https://docs"""\n__import__("builtins").PWNED = 1\n"""'},
]


@pytest.mark.parametrize("settings", HOSTILE_OPTIONS, ids=lambda s: next(iter(s)))
def test_options_are_escaped_where_they_are_written(tmp_path: Path, settings: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the pipeline directly (the CLI and pyproject.toml refuse these values, see below)."""
    spec = small_spec(description="See [the guide](/docs/guide).")
    built = build(spec, tmp_path, **settings)
    assert_nothing_ran(tmp_path)
    assert_no_unsafe_characters(built)
    client = built.modules["_client.py"]
    if "api_key_env" in settings:
        monkeypatch.delenv(settings["api_key_env"].split("\n")[0], raising=False)
        with pytest.raises(ValueError) as raised:
            client.Client()
        assert settings["api_key_env"] in str(raised.value)
        assert settings["api_key_env"] in (client.Client.__doc__ or "")
    if "base_url_env" in settings:
        assert settings["base_url_env"].strip() in (client.Client.__doc__ or "")  # prose is stripped
    if "default_headers" in settings:
        assert client._DEFAULT_HEADERS == dict(settings["default_headers"])
    if "version" in settings:
        assert client.__version__ == settings["version"]
    if "docs_base_url" in settings:
        method = built.modules["resources/things.py"].Things.update
        assert settings["docs_base_url"] + "/docs/guide" in inspect.cleandoc(method.__doc__ or "")
    if "path_headers" in settings:
        ((_, name, value),) = settings["path_headers"]
        captured: list[Any] = []
        made = client.Client(api_key="k")
        made.request = captured.append  # the options the method builds, nothing sent
        made.things.update("x", kind="a")
        assert dict(captured[0].fixed_headers) == {name: value}
    if "idempotency_header" in settings:
        assert client.Client(api_key="k")._idempotency_header == settings["idempotency_header"]
    if "client_options" in settings:
        assert client._OPTIONS == settings["client_options"]
    sent_headers = {"default_headers", "version", "path_headers", "client_options", "idempotency_header"}
    if not sent_headers & set(settings):
        call_every_method(built)  # such a header or User-Agent could not be sent at all
    assert_nothing_ran(tmp_path)
    forget(built)


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--api-key-env", 'K"+x+"', "--api-key-env: 'K\"+x+\"' is not an environment variable name"),
        ("--base-url-env", "URL\n", "--base-url-env: 'URL\\n' is not an environment variable name"),
        ("--env-prefix", "A-B", "--env-prefix: 'A-B' is not an environment variable name"),
        ("--header", 'X"A=1', "--header: 'X\"A' is not an HTTP header name"),
        ("--header", "X-A=1\r\nX-B: 2", "--header: the value of header 'X-A' holds a control character or line break"),
        ("--package", "class", "'class' is not a valid Python package name"),
    ],
)
def test_options_that_cannot_be_what_they_name_are_usage_errors(tmp_path: Path, option: str, value: str, message: str) -> None:
    (tmp_path / "api.json").write_text(json.dumps(small_spec()), encoding="utf-8")
    package = ["--package", "pkg"] if option != "--package" else []
    run = run_cli("generate", "api.json", "--out", "pkg", *package, "--no-cache", f"{option}={value}" if option != "--header" else option, *([value] if option == "--header" else []))
    assert run.code == 2
    assert message in run.err
    assert not (tmp_path / "pkg").exists()


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ('api_key_env = "K\\"+x"', "5:1: /tool/generator/targets/0/api_key_env: 'K\"+x' is not an environment variable name"),
        ('package = "a b"', "5:1: /tool/generator/targets/0/package: 'a b' is not a valid Python package name"),
        ('version = "1\\n2"', "5:1: /tool/generator/targets/0/version: '1\\n2' cannot be a version"),
        ('default_headers = { "X\\nY" = "1" }', "5:1: /tool/generator/targets/0/default_headers: 'X\\nY' is not an HTTP header name"),
    ],
)
def test_configuration_that_cannot_be_what_it_names_is_located(tmp_path: Path, setting: str, expected: str) -> None:
    target = '[tool.generator]\n[[tool.generator.targets]]\nspec = "api.json"\nout = "client"\n'
    package = '' if setting.startswith("package") else 'package = "client"\n'
    (tmp_path / "pyproject.toml").write_text(target + setting + "\n" + package, encoding="utf-8")
    (tmp_path / "api.json").write_text(json.dumps(small_spec()), encoding="utf-8")
    run = run_cli("generate")
    assert run.code == 1, run.err
    problem, summary = run.err.splitlines()
    assert LOCATED.match(problem) and problem.startswith("pyproject.toml:" + expected), problem
    assert SUMMARY.match(summary)
    assert not (tmp_path / "client").exists()


# --- finding 3: line separators, bidi controls, lone surrogates ---------------------------------------


@pytest.mark.parametrize("sep", LINE_BREAKS, ids=lambda c: f"U+{ord(c):04X}")
def test_line_separators_in_enums_and_descriptions(tmp_path: Path, sep: str) -> None:
    """Jinja's `indent` and str.splitlines break lines at these: two such values gave a module that
    did not compile (exit 0) or black's refusal (exit 3)."""
    values = [f"a{sep}b", f"c{sep}{sep}d"]
    built = build(small_spec(enum=values, description=f"First{sep}second {sep}"), tmp_path)
    assert_no_unsafe_characters(built)
    things = built.modules["resources/things.py"]
    mode = typing.get_type_hints(things.Things.update)["kind"]
    assert typing.get_args(mode) == tuple(values)
    first = f"First{sep}second".replace("\r", "\n")  # a lone CR in prose is a line break, as CRLF is
    assert first in inspect.cleandoc(things.Things.update.__doc__ or "")
    sent = call_every_method(built, reply={"mode": values[1]})
    assert dict(sent[0].url.params)["kind"] == values[0]
    model = built.modules["types/thing.py"].Thing
    assert first in inspect.cleandoc(model.__doc__ or "")
    forget(built)


def test_bidi_controls_are_never_written_raw(tmp_path: Path) -> None:
    """Trojan Source: a bidi control makes code read differently from what it does."""
    values = ["".join(BIDI), 'admin\u202e"\u2066 # \u2069\u2066']
    built = build(small_spec(enum=values, description="x\u202e = 1 # \u2066" + "".join(BIDI)), tmp_path)
    assert_no_unsafe_characters(built)
    mode = typing.get_type_hints(built.modules["resources/things.py"].Things.update)["kind"]
    assert typing.get_args(mode) == tuple(values)
    assert "".join(BIDI) in (built.modules["types/thing.py"].Thing.__doc__ or "")
    call_every_method(built)
    forget(built)


@pytest.mark.parametrize(
    ("text", "pointer"),
    [
        ('"title": "a\\ud800b"', "/info/title"),
        ('"title": "\\udfff"', "/info/title"),
        ('"title": "ok \\ud83d\\ude00", "description": "x\\ude00\\ud83d"', "/info/description"),
    ],
)
def test_lone_surrogate_is_a_located_error(tmp_path: Path, text: str, pointer: str) -> None:
    """It used to end in `internal error: UnicodeEncodeError`."""
    (tmp_path / "api.json").write_text('{"openapi": "3.1.0", "info": {"version": "1", ' + text + '}, "paths": {}}', encoding="utf-8")
    run = run_cli("generate", "api.json", "--out", "pkg", "--package", "pkg", "--no-cache")
    assert run.code == 1, run.err
    problem, summary = run.err.splitlines()
    assert LOCATED.match(problem) and f": {pointer}: the string holds a lone surrogate (\\u" in problem, problem
    assert problem.startswith("api.json:1:")
    assert SUMMARY.match(summary)
    assert not (tmp_path / "pkg").exists()


def test_surrogate_pairs_are_emoji(tmp_path: Path) -> None:
    spec = small_spec(description="ok")
    spec["info"]["title"] = "\U0001f600"
    built = build(spec, tmp_path)  # json.dumps writes it as a pair of escapes
    assert "\U0001f600" in (built.modules["__init__.py"].__doc__ or "")
    forget(built)


def test_problems_quoting_spec_text_stay_one_line(tmp_path: Path) -> None:
    """A message quotes keys and values from the spec; a line break or terminal escape in them is shown escaped."""
    spec = small_spec()
    spec["components"]["schemas"]["Thing"]["properties"]["mode"] = {"$ref": "#/components/schemas/No\nSuch\x1b[2J\u202e"}
    (tmp_path / "api.json").write_text(json.dumps(spec), encoding="utf-8")
    run = run_cli("generate", "api.json", "--out", "pkg", "--package", "pkg", "--no-cache")
    assert run.code == 1
    *problems, summary = run.err.splitlines()
    assert problems and all(LOCATED.match(p) for p in problems), run.err
    assert "No\\nSuch\\x1b[2J\\u202e" in run.err and not escape.has_unsafe(run.err.replace("\n", ""))


# --- every generated file compiles, or nothing is written ------------------------------------------------


def test_a_module_that_does_not_compile_is_exit_3_and_nothing_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As if escaping had a bug again: the check names the file and line, and the old package stays."""
    (tmp_path / "api.json").write_text(json.dumps(small_spec()), encoding="utf-8")
    assert run_cli("generate", "api.json", "--out", "pkg", "--package", "pkg", "--no-cache").code == 0
    before = read_tree(tmp_path / "pkg")
    (tmp_path / "api.json").write_text(json.dumps(small_spec(enum=["a\u2028b", "c\u2028d"])), encoding="utf-8")
    monkeypatch.setattr(escape, "literal", lambda value: json.dumps(value, ensure_ascii=False))  # the old way
    run = run_cli("generate", "api.json", "--out", "pkg", "--package", "pkg", "--no-cache")
    assert run.code == 3, run.err
    [line] = run.err.splitlines()
    assert line.startswith("internal error: generated pkg/resources/things.py:"), line
    assert " does not compile: unterminated string literal" in line
    assert read_tree(tmp_path / "pkg") == before
    assert not [p for p in tmp_path.iterdir() if p.name not in {"api.json", "pkg"}]


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [("x = 1\ny = (\n", 2, "'(' was never closed"), ('x = "\\d"\n', 1, "invalid escape sequence '\\d'"), ("x = 1\n\x00\n", 2, "null bytes")],
)
def test_check_compiles_names_file_and_line(source: str, line: int, message: str) -> None:
    from generator.client.format import FormatError
    from generator.pipeline import check_compiles

    with pytest.raises(FormatError) as raised:
        check_compiles({"ok.py": "x = 1\n", "py.typed": "(", "bad.py": source}, shown="out")
    text = str(raised.value)
    assert text.startswith(f"generated out/bad.py:{line} does not compile: ") and message in text, text
    assert "\n" not in text
    check_compiles({"bad.py": source, "ok.py": "x = 1\n"}, skip=frozenset({"bad.py"}))


def test_canary_payloads_work_when_not_escaped(tmp_path: Path) -> None:
    """The canary is real: the same payload, written raw into a docstring, does run."""
    url = "https://x/v1#" + INJECTION
    exec(compile(f'"""Base {url}."""\n', "raw.py", "exec"), {})  # noqa: S102 - the check of the check
    assert (tmp_path / CANARY).exists()
    (tmp_path / CANARY).unlink()
