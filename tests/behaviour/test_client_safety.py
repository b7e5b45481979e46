"""The generated Client's guards, end to end: limits, pool, timeout and redirects.

The runtime's own tests (tests/runtime/test_runtime_safety.py) cover every case
with real sockets; these check that a generated package exposes the options and
the error, and that a spec's security scheme reaches the runtime's redirect guard.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
from typing import Any, Iterator

import httpx
import pytest

import openai_client
from openai_client import APIError, AsyncClient, Client, ResponseTooLargeError

from .support import KINDS, Recorder, create, json_response, run_payload

from generator.config import Target
from generator.pipeline import generate
from generator.write import write_tree

KEY = "sk-safety-key"


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def pool_of(client: Client | AsyncClient) -> Any:
    return client._client._transport._pool  # type: ignore[union-attr]


def test_response_too_large_error_is_exported_and_an_api_error() -> None:
    assert "ResponseTooLargeError" in openai_client.__all__
    assert issubclass(ResponseTooLargeError, APIError)


def test_max_response_bytes_on_the_client_bounds_a_run(kind: str) -> None:
    size = len(json.dumps(run_payload()))
    rec = Recorder(json_response())
    with pytest.raises(ResponseTooLargeError) as info:
        create(kind, client_kw={"transport": rec.transport, "max_response_bytes": size // 2}, assistant_id="asst_abc")
    assert info.value.limit == size // 2
    run = create(kind, client_kw={"transport": rec.transport, "max_response_bytes": size * 2}, assistant_id="asst_abc")
    assert run.id == "run_abc123"


def test_with_options_changes_the_limit(kind: str) -> None:
    rec = Recorder(json_response())
    with pytest.raises(ResponseTooLargeError):
        create(kind, client_kw={"transport": rec.transport}, options={"max_response_bytes": 10}, assistant_id="asst_abc")


def test_max_sse_line_bytes_on_the_client_bounds_an_event(kind: str) -> None:
    line = b"event: thread.run.created\ndata: " + json.dumps(run_payload()).encode() + b"\n\n"
    rec = Recorder(lambda r: httpx.Response(200, content=line, headers={"content-type": "text/event-stream"}))
    drained = create(
        kind, client_kw={"transport": rec.transport, "max_sse_line_bytes": 100}, assistant_id="asst_abc", stream=True, drain=True
    )
    assert isinstance(drained.error, ResponseTooLargeError)
    assert drained.response_closed


def test_the_clients_pool_is_the_official_sdks_and_configurable() -> None:
    for cls in (Client, AsyncClient):
        assert (pool_of(cls(api_key=KEY))._max_connections, pool_of(cls(api_key=KEY))._max_keepalive_connections) == (1000, 100)
        pool = pool_of(cls(api_key=KEY, limits=httpx.Limits(max_connections=5, max_keepalive_connections=2)))
        assert (pool._max_connections, pool._max_keepalive_connections) == (5, 2)


def test_the_timeout_is_documented_as_a_deadline() -> None:
    for cls in (Client, AsyncClient):
        doc = cls.__doc__ or ""
        assert "deadline" in doc and "httpx.Timeout" in doc
        assert "max_response_bytes" in doc and "max_sse_line_bytes" in doc and "limits" in doc


def test_a_bearer_key_does_not_follow_a_redirect_to_another_host(kind: str) -> None:
    rec = Recorder(
        lambda r: httpx.Response(307, headers={"Location": "https://elsewhere.test/v1/threads/thread_abc/runs"}),
        json_response(),
    )

    async def run_async() -> None:
        async with AsyncClient(api_key=KEY, base_url="https://api.test/v1", http_client=httpx.AsyncClient(transport=rec.transport, follow_redirects=True)) as client:
            await client.threads.runs.create("thread_abc", assistant_id="asst_abc")

    if kind == "sync":
        with Client(api_key=KEY, base_url="https://api.test/v1", http_client=httpx.Client(transport=rec.transport, follow_redirects=True)) as client:
            client.threads.runs.create("thread_abc", assistant_id="asst_abc")
    else:
        asyncio.run(run_async())
    first, landing = rec.requests
    assert first.headers["authorization"] == f"Bearer {KEY}"
    assert landing.url.host == "elsewhere.test" and "authorization" not in landing.headers


# --- a spec of our own whose security scheme is an API key in a header, the query or a cookie ---

SPEC = """
openapi: 3.1.0
info: {{title: Keyed, version: "1.0"}}
servers: [{{url: "https://api.keyed.test/v1"}}]
security: [{{Key: []}}]
paths:
  /things:
    get:
      operationId: listThings
      responses:
        '200':
          description: Things.
          content:
            application/json:
              schema: {{type: object, properties: {{ok: {{type: boolean}}}}}}
components:
  securitySchemes:
    Key: {{type: apiKey, in: {where}, name: {name}}}
"""


@pytest.fixture(scope="module")
def keyed_packages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("keyed")
    packages: dict[str, Any] = {}
    for where, name in (("header", "X-Api-Key"), ("query", "api_key"), ("cookie", "token")):
        spec = root / f"keyed-{where}.yaml"
        spec.write_text(SPEC.format(where=where, name=name), encoding="utf-8")
        package = f"safety_keyed_{where}"
        result = generate(Target(spec=spec, out=root / package, package=package), cache_dir=None, jobs=1)
        write_tree(root / package, result.files)
    sys.path.insert(0, str(root))
    try:
        for where in ("header", "query", "cookie"):
            packages[where] = importlib.import_module(f"safety_keyed_{where}")
        yield packages
    finally:
        sys.path.remove(str(root))
        for module in [m for m in sys.modules if m.startswith("safety_keyed_")]:
            del sys.modules[module]


@pytest.mark.parametrize("where", ["header", "query", "cookie"])
@pytest.mark.parametrize("location", ["https://elsewhere.test/v1/landing", "https://api.keyed.test:8443/v1/landing", "http://api.keyed.test/v1/landing"])
def test_an_api_key_from_the_spec_never_reaches_another_origin(
    keyed_packages: dict[str, Any], kind: str, where: str, location: str
) -> None:
    def first(request: httpx.Request) -> httpx.Response:
        query = request.url.query.decode()
        return httpx.Response(302, headers={"Location": location + ("?" + query if query else "")})

    rec = Recorder(first, lambda r: httpx.Response(200, json={"ok": True}))
    package = keyed_packages[where]

    async def run_async() -> Any:
        http = httpx.AsyncClient(transport=rec.transport, follow_redirects=True)
        async with package.AsyncClient(api_key=KEY, http_client=http) as client:
            return await client.things.list()

    if kind == "sync":
        with package.Client(api_key=KEY, http_client=httpx.Client(transport=rec.transport, follow_redirects=True)) as client:
            result = client.things.list()
    else:
        result = asyncio.run(run_async())
    assert result.ok is True
    first_request, landing = rec.requests
    assert KEY in str(first_request.url) + "".join(first_request.headers.values())
    assert KEY not in str(landing.url) + "".join(landing.headers.values())
