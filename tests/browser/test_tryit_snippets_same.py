"""The page's live snippets are the docs' snippets: for the same values, the page's Python, curl and
TypeScript text is byte for byte what generator/docs/snippets.py writes (the reference pages' snippets)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from generator import ir
from generator.config import Target
from generator.pipeline import lower_only
from generator.tryit.page import render_page
from generator.docs import snippets as S
from generator.docs.examples import Argument, Example, example
from tests.browser.test_tryit_page import by_id, open_page, snippets
from tests.docs.test_snippets_proven import FEATURES as PROVEN
from tests.docs.test_snippets_proven import FEATURES_DIR

LANGUAGES = ("python", "curl", "typescript")


def operation(api: ir.Api, operation_id: str) -> ir.Operation:
    return next(op for _, op in S.operations(api) if op.operation_id == operation_id)


def with_values(api: ir.Api, op: ir.Operation, values: dict[str, Any]) -> Example:
    """An Example holding ``values`` (by parameter name), in the client's order (the order example() uses)."""
    ordered = [*op.positional_path_parameters, *op.keyword_path_parameters, *(p for p in op.parameters if p.location != "path")]
    return Example(op, "minimal", tuple(Argument(p, values[p.name], "example") for p in ordered if p.name in values))


def docs_snippets(api: ir.Api, ex: Example) -> dict[str, str]:
    return {"python": S.python(api, ex), "curl": S.curl(api, ex), "typescript": S.typescript(api, ex)}


def assert_same(page_text: dict[str, str], docs_text: dict[str, str]) -> None:
    for name in LANGUAGES:
        assert page_text[name] == docs_text[name], f"{name}:\n--- page\n{page_text[name]}\n--- docs\n{docs_text[name]}"


def test_the_minimal_example_typed_into_the_form_gives_the_docs_snippets(context: Any, gateway_url: str, create_run_api: ir.Api) -> None:
    op = operation(create_run_api, "createRun")
    ex = example(create_run_api, op, "minimal")
    page, _ = open_page(context, gateway_url)
    for a in ex.arguments:
        page.fill(f"#param-{a.parameter.name}", a.value)
    assert_same(snippets(page), docs_snippets(create_run_api, ex))
    assert page.errors == []  # type: ignore[attr-defined]


def fill(page: Any, name: str, value: Any) -> None:
    """Enter one top-level value as a person would: type it, pick it from a select, or tick the toggle."""
    field = by_id(page, f"param-{name}")
    tag = field.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
    if tag == "select:select-one":
        field.select_option(label=json.dumps(value))
    elif tag == "input:checkbox":
        field.set_checked(bool(value))
    else:
        field.fill(str(value))


def test_the_full_example_entered_into_the_form_gives_the_docs_snippets(context: Any, gateway_url: str, create_run_api: ir.Api) -> None:
    op = operation(create_run_api, "createRun")
    ex = example(create_run_api, op, "full")
    assert {a.source for a in ex.arguments} == {"built", "default"}  # the spec's defaults spelled out
    page, _ = open_page(context, gateway_url)
    for a in ex.arguments:
        fill(page, a.parameter.name, a.value)
    assert_same(snippets(page), docs_snippets(create_run_api, ex))
    # The stream flag ticked on top: the streaming snippets (`with ... as stream`, `curl -N`).
    streaming = example(create_run_api, op, "full", stream=True)
    fill(page, "stream", True)
    assert_same(snippets(page), docs_snippets(create_run_api, streaming))
    assert "as stream:" in snippets(page)["python"] and snippets(page)["curl"].startswith("curl -N ")
    assert page.errors == []  # type: ignore[attr-defined]


def test_nested_values_typed_into_the_form_give_the_docs_snippets(context: Any, gateway_url: str, create_run_api: ir.Api) -> None:
    op = operation(create_run_api, "createRun")
    page, _ = open_page(context, gateway_url)
    page.fill("#param-thread_id", "thread ü+1:x")
    page.fill("#param-assistant_id", "it's \"quoted\" $HOME `x`")
    page.locator("#param-tools > button.add").click()
    by_id(page, "param-tools-0-variant").select_option(label="code_interpreter (AssistantToolsCode)")
    page.locator("#param-additional_messages > button.add").click()
    by_id(page, "param-additional_messages-0.role").select_option(label='"user"')
    by_id(page, "param-additional_messages-0.content-variant").select_option(label="string")
    by_id(page, "param-additional_messages-0.content-v0").fill("Hello\u2028there \u00e9")
    page.locator('[id="param-additional_messages-0"] [data-path="attachments"] button.add').first.click()
    by_id(page, "param-additional_messages-0.attachments-0.file_id").fill("file_123")
    page.locator("#param-metadata > button.add").click()
    by_id(page, "param-metadata-0-key").fill("it's")
    by_id(page, "param-metadata-0-value").fill('say "hi" \\')
    page.fill("#param-temperature", "0.00001")
    values = {
        "thread_id": "thread ü+1:x", "assistant_id": "it's \"quoted\" $HOME `x`", "tools": [{"type": "code_interpreter"}],
        "additional_messages": [{"role": "user", "content": "Hello\u2028there \u00e9", "attachments": [{"file_id": "file_123"}]}],
        "metadata": {"it's": 'say "hi" \\'}, "temperature": 0.00001,
    }
    ex = with_values(create_run_api, op, values)
    assert_same(snippets(page), docs_snippets(create_run_api, ex))
    page_python = snippets(page)["python"]
    assert "\\u2028" in page_python and "1e-05" in page_python  # escaped as the docs escape, Python's float spelling
    assert page.errors == []  # type: ignore[attr-defined]


def test_the_stream_flag_and_the_full_example_give_the_docs_snippets(context: Any, gateway_url: str, create_run_api: ir.Api) -> None:
    op = operation(create_run_api, "createRun")
    page, _ = open_page(context, gateway_url)
    n = next(i for i, o in enumerate(page.evaluate("window.__tryit.meta.ops")) if o["id"] == "createRun")
    for ex in (example(create_run_api, op, "full"), example(create_run_api, op, "minimal", stream=True)):
        args = {a.parameter.name: a.value for a in ex.arguments}
        assert_same(page.evaluate("([n, args]) => window.__tryit.snippets(n, args)", [n, args]), docs_snippets(create_run_api, ex))


# The docs' proven feature specs (parameter locations and styles, body kinds, streams, paging, escaping),
# and the security schemes' spec (the key in a header, the query or a cookie).
FEATURES = [*PROVEN, "security-schemes"]


@pytest.mark.parametrize("feature", FEATURES)
def test_feature_specs_page_snippets_are_the_docs_snippets(context: Any, feature: str, tmp_path: Any) -> None:
    spec = FEATURES_DIR / f"{feature}.yaml"
    if not spec.is_file():
        pytest.skip(f"no feature spec {feature}")
    api, _ = lower_only(Target(spec=spec, out=tmp_path / "out" / "pkg", package="doc_" + feature.replace("-", "_")))
    file = tmp_path / "tryit.html"
    file.write_text(render_page(api), encoding="utf-8")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(file.as_uri())
    checked = 0
    for n, (_, op) in enumerate(S.operations(api)):
        for variant in ("minimal", "full"):
            ex = example(api, op, variant)
            if any(not _plain(a.value) for a in ex.arguments):
                continue  # files: the page cannot send them
            args = {a.parameter.name: a.value for a in ex.arguments}
            assert_same(page.evaluate("([n, args]) => window.__tryit.snippets(n, args)", [n, args]), docs_snippets(api, ex))
            checked += 1
    assert checked
    assert errors == []


def _plain(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_plain(v) for v in value.values())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return value is None or isinstance(value, (str, int, float, bool))


def _keyed_spec(location: str, name: str) -> dict[str, Any]:
    """A small API whose key goes in ``location``, with a query, a header and a cookie parameter beside it."""
    params = [
        {"name": "item_id", "in": "path", "required": True, "schema": {"type": "string"}},
        {"name": "tags", "in": "query", "required": True, "schema": {"type": "array", "items": {"type": "string"}}},
        {"name": "filter", "in": "query", "required": True, "style": "deepObject", "schema": {"type": "object", "additionalProperties": {"type": "string"}}},
        {"name": "X-Trace", "in": "header", "required": True, "schema": {"type": "string"}},
        {"name": "session", "in": "cookie", "required": True, "schema": {"type": "string"}},
    ]
    return {
        "openapi": "3.0.3",
        "info": {"title": "Keyed", "version": "1"},
        "servers": [{"url": "https://keyed.example/api/"}],
        "security": [{"key": []}],
        "components": {"securitySchemes": {"key": {"type": "apiKey", "in": location, "name": name}}},
        "paths": {"/items/{item_id}": {"get": {
            "operationId": "getItem", "parameters": params,
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}},
        }}},
    }


@pytest.mark.parametrize(("location", "name"), [("query", "api key"), ("cookie", "sid"), ("header", "X-Api-Key")])
def test_a_key_in_the_query_a_cookie_or_a_header_gives_the_docs_snippets(context: Any, location: str, name: str, tmp_path: Any) -> None:
    spec = tmp_path / "keyed.json"
    spec.write_text(json.dumps(_keyed_spec(location, name)), encoding="utf-8")
    api, _ = lower_only(Target(spec=spec, out=tmp_path / "out" / "keyed", package="keyed"))
    assert S.auth(api) is not None and S.auth(api).location == location  # type: ignore[union-attr]
    file = tmp_path / "tryit.html"
    file.write_text(render_page(api), encoding="utf-8")
    page = context.new_page()
    page.goto(file.as_uri())
    op = operation(api, "getItem")
    values = {"item_id": "a b/ü:c", "tags": ["x y", "it's", "z&w"], "filter": {"k 1": "v=1", "b": "$HOME"}, "X-Trace": 'tr "1"', "session": "s; p=q"}
    ex = with_values(api, op, {p.name: values[p.wire_name] for p in op.parameters})
    args = {a.parameter.name: a.value for a in ex.arguments}
    assert len(args) == 5
    assert_same(page.evaluate("([n, args]) => window.__tryit.snippets(n, args)", [0, args]), docs_snippets(api, ex))
