"""The try-it page in headless Chromium, in front of the gateway and a fake upstream on 127.0.0.1."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.browser.conftest import GATEWAY_KEY, Upstream, artifact

SNIPPETS = ("python", "curl", "typescript")


def by_id(page: Any, element_id: str) -> Any:
    return page.locator(f'[id="{element_id}"]')


def snippets(page: Any) -> dict[str, str]:
    return {name: page.inner_text(f"#snippet-{name}") for name in SNIPPETS}


def open_page(context: Any, gateway_url: str) -> tuple[Any, list[str]]:
    page = context.new_page()
    seen: list[str] = []
    # Every request the page makes, whatever its origin, passes here (and is let through).
    context.route("**/*", lambda route: (seen.append(route.request.url), route.continue_()))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(gateway_url + "/")
    page.wait_for_selector("#send")
    page.errors = errors  # type: ignore[attr-defined]
    return page, seen


def fill_and_watch(page: Any, action: Any, *expected: str) -> None:
    """Each snippet changes after the action, and each shows what was entered."""
    before = snippets(page)
    action()
    after = snippets(page)
    for name in SNIPPETS:
        assert after[name] != before[name], f"{name} snippet did not change"
        for text in expected:
            assert text in after[name], f"{text!r} not in the {name} snippet:\n{after[name]}"


def client_request(client_module: Any, base_url: str, *args: Any, **kwargs: Any) -> httpx.Request:
    """The request the generated client sends for these values (captured, never sent)."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        return httpx.Response(200, json={"id": "run_1", "object": "thread.run"})

    with client_module.Client(api_key=GATEWAY_KEY, base_url=base_url, http_client=httpx.Client(transport=httpx.MockTransport(handler))) as client:
        client.threads.runs.with_raw_response.create(*args, **kwargs)
    return seen[0]


def test_create_run_form_updates_snippets_and_sends_what_the_client_sends(context: Any, gateway_url: str, upstream: Upstream, client_module: Any) -> None:
    page, seen = open_page(context, gateway_url)
    send = page.locator("#send")
    assert send.is_disabled()
    assert page.inner_text("#send-note") == "Enter a gateway URL above to enable sending."

    fill_and_watch(page, lambda: page.fill("#param-thread_id", "thread_abc"), "thread_abc")
    fill_and_watch(page, lambda: page.fill("#param-assistant_id", "asst_abc"), "asst_abc")

    def add_tool() -> None:
        page.locator('#param-tools > button.add').click()
        by_id(page, "param-tools-0-variant").select_option(label="code_interpreter (AssistantToolsCode)")

    fill_and_watch(page, add_tool, "code_interpreter")

    def add_message() -> None:
        page.locator('#param-additional_messages > button.add').click()
        by_id(page, "param-additional_messages-0.role").select_option(label='"user"')
        by_id(page, "param-additional_messages-0.content-variant").select_option(label="string")
        by_id(page, "param-additional_messages-0.content-v0").fill("Hello there")

    fill_and_watch(page, add_message, "Hello there", "user")

    def add_attachment() -> None:
        page.locator('[id="param-additional_messages-0"] [data-path="attachments"] button.add').first.click()
        by_id(page, "param-additional_messages-0.attachments-0.file_id").fill("file_123")

    fill_and_watch(page, add_attachment, "file_123")

    def add_metadata() -> None:
        page.locator('#param-metadata > button.add').click()
        by_id(page, "param-metadata-0-key").fill("user")
        by_id(page, "param-metadata-0-value").fill("42")

    fill_and_watch(page, add_metadata, "user", "42")
    assert page.inner_text("#problems") == ""
    assert send.is_disabled()  # still no gateway
    page.fill("#gateway-url", gateway_url)
    assert send.is_enabled()
    page.screenshot(path=str(artifact("create-run-form.png")), full_page=True)

    upstream.requests.clear()
    send.click()
    page.wait_for_selector('#response-status[data-status="200"]')
    page.locator("#response-body", has_text="run_1").wait_for()
    assert json.loads(page.inner_text("#response-body"))["id"] == "run_1"
    assert "x-request-id" in page.inner_text("#response-headers")

    (received,) = upstream.requests
    expected = client_request(
        client_module, upstream.url, "thread_abc", assistant_id="asst_abc", tools=[{"type": "code_interpreter"}],
        additional_messages=[{"role": "user", "content": "Hello there", "attachments": [{"file_id": "file_123"}]}],
        metadata={"user": "42"},
    )
    assert received["method"] == expected.method
    assert received["path"] == expected.url.path
    assert received["query"] == expected.url.query.decode()
    assert received["raw"] == expected.content  # byte for byte the client's body
    assert received["headers"]["authorization"] == f"Bearer {GATEWAY_KEY}"  # injected by the gateway
    for name in ("content-type", "openai-beta", "authorization", "accept"):
        assert received["headers"][name] == expected.headers[name], name
    # The page talked to its own origin only.
    origin = urlsplit(gateway_url)
    assert seen and all(urlsplit(url)[:2] == origin[:2] for url in seen), seen
    assert page.errors == []  # type: ignore[attr-defined]


def test_out_of_range_values_block_sending_with_the_clients_words(context: Any, gateway_url: str, client_module: Any) -> None:
    page, _ = open_page(context, gateway_url)
    page.fill("#gateway-url", gateway_url)
    page.fill("#param-thread_id", "thread_abc")
    page.fill("#param-assistant_id", "asst_abc")
    assert page.locator("#send").is_enabled()

    page.fill("#param-temperature", "5")
    client = client_module.Client(api_key="k", base_url="http://127.0.0.1:9/v1")
    with pytest.raises(ValueError) as temperature:
        client.threads.runs.create("thread_abc", assistant_id="asst_abc", temperature=5)
    assert page.inner_text("#problems").splitlines() == [str(temperature.value)] == ["temperature: must be <= 2 (got 5)"]
    assert page.locator("#send").is_disabled()
    page.fill("#param-temperature", "")
    assert page.locator("#send").is_enabled()

    add = page.locator('#param-tools > button.add')
    for i in range(21):
        add.click()
        by_id(page, f"param-tools-{i}-variant").select_option(label="code_interpreter (AssistantToolsCode)")
    with pytest.raises(ValueError) as tools:
        client.threads.runs.create("thread_abc", assistant_id="asst_abc", tools=[{"type": "code_interpreter"}] * 21)
    assert page.inner_text("#problems").splitlines() == [str(tools.value)] == ["tools: must have at most 20 items (got 21)"]
    assert page.locator("#send").is_disabled()
    page.locator("#send").scroll_into_view_if_needed()
    page.evaluate("document.getElementById('send').scrollIntoView({block: 'center'})")
    page.screenshot(path=str(artifact("blocked-send.png")))  # the problems, the disabled Send, the snippets below
    page.screenshot(path=str(artifact("blocked-send-full.png")), full_page=True)

    # One removed: 20 tools are fine; then a problem at depth, by its dotted path.
    page.locator('#param-tools > .rows > .row > button.remove').last.click()
    assert page.inner_text("#problems") == ""
    by_id(page, "param-tools-0-variant").select_option(label="file_search (AssistantToolsFileSearch)")
    by_id(page, "param-tools-0-v1.file_search-set").click()
    by_id(page, "param-tools-0-v1.file_search.max_num_results").fill("99")
    tools_value = [{"type": "file_search", "file_search": {"max_num_results": 99}}] + [{"type": "code_interpreter"}] * 19
    with pytest.raises(ValueError) as deep:
        client.threads.runs.create("thread_abc", assistant_id="asst_abc", tools=tools_value)
    assert page.inner_text("#problems").splitlines() == [str(deep.value)] == ["tools[0].file_search.max_num_results: must be <= 50 (got 99)"]
    assert page.locator("#send").is_disabled()


def test_a_stream_shows_each_event_as_it_arrives(context: Any, gateway_url: str, upstream: Upstream) -> None:
    page, _ = open_page(context, gateway_url)
    page.fill("#gateway-url", gateway_url)
    page.fill("#param-thread_id", "thread_abc")
    page.fill("#param-assistant_id", "asst_abc")
    page.locator("#param-stream").check()
    assert "stream=True" in page.inner_text("#snippet-python")
    upstream.release.clear()
    page.locator("#send").click()
    # The upstream holds the rest of the stream until the first event is on the page.
    page.wait_for_selector("#response-events li")
    assert page.locator("#response-events li").count() == 1
    assert "thread.run.created" in page.inner_text("#response-events")
    upstream.release.set()
    page.locator("#response-events li").nth(3).wait_for()
    names = [li.split(" ", 1)[0] for li in page.locator("#response-events li").all_inner_texts()]
    assert names == ["thread.run.created", "thread.run.in_progress", "thread.run.completed", "done"]
    page.screenshot(path=str(artifact("streamed-response.png")), full_page=True)


def test_credentials_are_kept_across_reloads_only_when_remembered_and_forget_clears_them(context: Any, gateway_url: str) -> None:
    secret = "sk-typed-in-the-page-987654321"
    page, _ = open_page(context, gateway_url)
    page.fill("#credential", secret)
    page.fill("#gateway-url", gateway_url)
    for name in ("python", "curl", "typescript"):
        assert secret not in page.inner_text(f"#snippet-{name}")  # masked
    assert "sk-typed" not in page.inner_text("#snippet-python")
    # Sending: the page gives the gateway the operation and values, never the typed key.
    posted: list[Any] = []
    page.on("request", lambda request: posted.append(request) if request.method == "POST" else None)
    page.fill("#param-thread_id", "thread_abc")
    page.fill("#param-assistant_id", "asst_abc")
    page.locator("#send").click()
    page.wait_for_selector('#response-status[data-status="200"]')
    (request,) = posted
    assert json.loads(request.post_data) == {"operation": "createRun", "parameters": {"thread_id": "thread_abc"}, "body": {"assistant_id": "asst_abc"}}
    assert secret not in json.dumps(request.headers)
    page.reload()
    # Without "remember": sessionStorage, so this tab keeps it and a new one does not.
    assert page.input_value("#credential") == secret
    other = context.new_page()
    other.goto(gateway_url + "/")
    assert other.input_value("#credential") == ""
    assert other.input_value("#gateway-url") == ""
    assert other.evaluate("Object.keys(localStorage).length") == 0
    other.close()

    page.locator("#remember").check()
    again = context.new_page()
    again.goto(gateway_url + "/")
    assert again.input_value("#credential") == secret
    assert again.input_value("#gateway-url") == gateway_url
    assert again.locator("#remember").is_checked()
    keys = again.evaluate("Object.keys(localStorage).sort()")
    assert keys == ["tryit:openai_client:OpenAI Assistants API — Create run:credential:Authorization", "tryit:openai_client:OpenAI Assistants API — Create run:gateway", "tryit:openai_client:OpenAI Assistants API — Create run:remember"]

    again.locator("#forget").click()
    assert again.input_value("#credential") == ""
    assert again.evaluate("Object.keys(localStorage).length + Object.keys(sessionStorage).length") == 0
    again.reload()
    assert again.input_value("#credential") == ""
    assert again.locator("#send").is_disabled()


def test_the_generated_page_works_from_a_file_and_asks_nothing_of_the_network(context: Any) -> None:
    from tests.conftest import ROOT

    page_file = ROOT / "generated" / "openai_client" / "tryit.html"
    page = context.new_page()
    seen: list[str] = []
    context.route("**/*", lambda route: (seen.append(route.request.url), route.continue_()))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_file.as_uri())
    page.fill("#param-thread_id", "thread_abc")
    assert 'run = client.threads.runs.create("thread_abc")\n' in page.inner_text("#snippet-python")
    assert page.inner_text("#problems") == "assistant_id: is required"
    assert page.locator("#send").is_disabled()
    assert seen == [page_file.as_uri()]
    assert errors == []


def test_a_problem_marks_its_field(context: Any, gateway_url: str) -> None:
    page, _ = open_page(context, gateway_url)
    page.fill("#param-thread_id", "thread_abc")
    page.fill("#param-assistant_id", "asst_abc")
    assert page.locator(".field.invalid").count() == 0
    page.fill("#param-top_p", "3")
    assert page.locator(".field.invalid").count() == 1
    assert page.locator('.field.invalid[data-path="top_p"]').count() == 1
    assert page.inner_text("#problems") == "top_p: must be <= 1 (got 3)"


CASES: list[tuple[Any, dict[str, Any]]] = [
    (5, {"maximum": 2}),
    (5, {"maximum": 2.0}),
    (-1.5, {"minimum": 0}),
    (1, {"exclusiveMinimum": 1}),
    (3, {"exclusiveMaximum": 2.5}),
    (0.35, {"multipleOf": 0.1}),
    (0.3, {"multipleOf": 0.1}),
    (7, {"multipleOf": 2}),
    ("ab", {"minLength": 3}),
    ("😀😀😀", {"maxLength": 2}),
    ("😀😀", {"maxLength": 2}),
    ("abc", {"pattern": "^[0-9]+$"}),
    ("it's", {"pattern": "^x"}),
    ("c", {"enum": ["a", "b"]}),
    (True, {"enum": [1, 2]}),
    (None, {"enum": ["a"]}),
    ("don't", {"enum": ["a", None, True, 1.5]}),
    ([1, 2, 3], {"maxItems": 2}),
    ([], {"minItems": 1}),
    ([{"a": 1}, {"a": 1}], {"uniqueItems": True}),
    ([1, True], {"uniqueItems": True}),
    ({"a": 1}, {"minProperties": 2}),
    ({"a": "x", "b": "y"}, {"maxProperties": 1}),
    ({"a" * 40: "x"}, {"keys": {"maxLength": 20}}),
    ({"k": "toolong"}, {"values": {"maxLength": 3}}),
    ([{"n": 99}], {"items": {"properties": {"n": {"maximum": 50}}}}),
    ({"type": "b", "n": 9}, {"variants": [{"kind": "object", "tag": ["type", "a"], "rule": {"properties": {"n": {"maximum": 1}}}}, {"kind": "object", "tag": ["type", "b"], "rule": {"properties": {"n": {"maximum": 5}}}}]}),
    ("x", {"variants": [{"kind": "string", "rule": {"minLength": 2}}, {"kind": "object", "rule": {"minProperties": 1}}]}),
]


def test_the_pages_checks_say_what_the_runtime_says(context: Any) -> None:
    """The JavaScript port against generator/client/runtime/_validation.py, case by case."""
    from generator.client.runtime._validation import check
    from generator.tryit.page import _with_reprs
    from tests.conftest import ROOT

    page = context.new_page()
    page.goto((ROOT / "generated" / "openai_client" / "tryit.html").as_uri())
    for value, rule in CASES:
        try:
            check("v", value, rule)
            expected = None
        except ValueError as exc:
            expected = str(exc)
        found = page.evaluate("([v, r]) => { const out = []; window.__tryit.check('v', v, r, out); return out.length ? out[0].message : null; }", [value, _with_reprs(rule)])
        assert found == expected, (value, rule)


def test_the_python_snippet_runs_and_sends_what_the_page_sent(context: Any, gateway_url: str, upstream: Upstream, tmp_path: Any) -> None:
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    page, _ = open_page(context, gateway_url)
    page.fill("#gateway-url", gateway_url)
    page.fill("#param-thread_id", "thread ü+1")
    page.fill("#param-assistant_id", "asst_abc")
    page.locator("#param-include > button.add").click()
    page.fill("#param-temperature", "0.5")
    page.locator("#param-metadata > button.add").click()
    by_id(page, "param-metadata-0-key").fill("it's")
    by_id(page, "param-metadata-0-value").fill('say "hi" \\ \u00e9')
    upstream.requests.clear()
    page.locator("#send").click()
    page.wait_for_selector('#response-status[data-status="200"]')
    snippet = page.inner_text("#snippet-python")
    script = tmp_path / "snippet.py"
    script.write_text(snippet, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "generated"), "OPENAI_API_KEY": GATEWAY_KEY, "OPENAI_BASE_URL": upstream.url}
    run = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr[-2000:]
    by_page, by_snippet = upstream.requests
    for key in ("method", "path", "query", "raw"):
        assert by_page[key] == by_snippet[key], key
    assert by_page["path"] == "/v1/threads/thread%20%C3%BC+1/runs"
    assert json.loads(by_page["raw"]) == {"assistant_id": "asst_abc", "metadata": {"it's": 'say "hi" \\ \u00e9'}, "temperature": 0.5}


def test_the_curl_and_fetch_snippets_run_and_send_the_same_request(context: Any, gateway_url: str, upstream: Upstream, tmp_path: Any) -> None:
    import os
    import shutil
    import subprocess

    if shutil.which("curl") is None or shutil.which("node") is None:
        pytest.skip("curl or node is missing")
    page, _ = open_page(context, gateway_url)
    page.fill("#param-thread_id", "thread ü+1")
    page.fill("#param-assistant_id", "it's \"quoted\" $HOME `x`")
    page.locator("#param-tools > button.add").click()
    by_id(page, "param-tools-0-variant").select_option(label="code_interpreter (AssistantToolsCode)")
    page.fill("#param-top_p", "0.25")
    curl, fetch = page.inner_text("#snippet-curl"), page.inner_text("#snippet-typescript")
    base = "https://api.openai.com/v1"
    assert base in curl and base in fetch
    env = {**os.environ, "OPENAI_API_KEY": GATEWAY_KEY}
    upstream.requests.clear()
    script = tmp_path / "snippet.sh"
    script.write_text(curl.replace(base, upstream.url), encoding="utf-8")
    ran = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr
    module = tmp_path / "snippet.mjs"
    # The snippet is TypeScript (the docs' own); node runs it once its one type annotation is erased.
    assert fetch.count(": unknown = ") == 1
    module.write_text(fetch.replace(base, upstream.url).replace(": unknown = ", " = "), encoding="utf-8")
    ran = subprocess.run(["node", str(module)], env=env, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr
    by_curl, by_fetch = upstream.requests
    for received in (by_curl, by_fetch):
        assert received["path"] == "/v1/threads/thread%20%C3%BC+1/runs"
        assert json.loads(received["raw"]) == {"assistant_id": "it's \"quoted\" $HOME `x`", "tools": [{"type": "code_interpreter"}], "top_p": 0.25}
        assert received["headers"]["authorization"] == f"Bearer {GATEWAY_KEY}"
        assert received["headers"]["openai-beta"] == "assistants=v2"
        assert received["headers"]["content-type"] == "application/json"


def test_null_is_sent_only_when_asked_and_the_gateway_origin_on_request(context: Any, gateway_url: str, upstream: Upstream) -> None:
    page, _ = open_page(context, gateway_url)
    assert page.input_value("#gateway-url") == ""
    page.locator("#use-origin").click()
    assert page.input_value("#gateway-url") == gateway_url
    page.fill("#param-thread_id", "thread_abc")
    page.fill("#param-assistant_id", "asst_abc")
    page.fill("#param-temperature", "9")
    assert page.inner_text("#problems") == "temperature: must be <= 2 (got 9)"
    page.locator('[id="param-temperature-null"]').check()  # null replaces the value: nothing to check
    assert page.inner_text("#problems") == ""
    assert "temperature=None," in page.inner_text("#snippet-python")
    assert '"temperature": null' in page.inner_text("#snippet-curl")
    upstream.requests.clear()
    page.locator("#send").click()
    page.wait_for_selector('#response-status[data-status="200"]')
    assert json.loads(upstream.requests[-1]["raw"]) == {"assistant_id": "asst_abc", "temperature": None}
