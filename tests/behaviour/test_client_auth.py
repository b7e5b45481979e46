"""Security schemes, requirements, client options, path headers and idempotency keys, on a generated client.

`specs/features/security-schemes.yaml` is generated with a configuration of its own
(env prefix, a client option, a path header, an idempotency header) and driven over
`httpx.MockTransport`: every scheme kind, AND and OR requirements, per-operation
overrides, OAuth2 client credentials against a fake token endpoint.
"""

from __future__ import annotations

import asyncio
import base64
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, Callable
from urllib.parse import parse_qs

import httpx
import pytest

from generator.config import Target
from generator.pipeline import generate
from generator.write import write_tree

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "features" / "security-schemes.yaml"
PACKAGE = "auth_behaviour_client"
ENV = ("SEC_API_KEY", "SEC_USERNAME", "SEC_PASSWORD", "SEC_QUERY_KEY", "SEC_COOKIE_KEY", "MY_APP_ID",
       "SEC_ACCESS_TOKEN", "SEC_CLIENT_ID", "SEC_CLIENT_SECRET", "SEC_ORG")


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    root = tmp_path_factory.mktemp("auth")
    target = Target(
        spec=SPEC,
        out=root / PACKAGE,
        package=PACKAGE,
        env_prefix="SEC",
        auth_env=(("app_id", "MY_APP_ID"),),
        client_options=(("organization", "X-Org", "SEC_ORG"),),
        path_headers=(("/beta", "X-Beta", "v1"),),
        idempotency_header="Idempotency-Key",
    )
    result = generate(target, cache_dir=None, jobs=1)
    write_tree(root / PACKAGE, result.files)
    sys.path.insert(0, str(root))
    try:
        import importlib

        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


class Api:
    """A mock API with a token endpoint at /oauth/token; records every request."""

    def __init__(self, *, expires_in: int | None = 3600, statuses: list[int] | None = None, delay: float = 0.0) -> None:
        self.requests: list[httpx.Request] = []
        self.tokens = 0
        self.expires_in = expires_in
        self.statuses = list(statuses or [])
        self.delay = delay
        self.lock = threading.Lock()

    def _answer(self, request: httpx.Request) -> httpx.Response:
        request.read()
        with self.lock:
            self.requests.append(request)
        if request.url.path == "/oauth/token":
            with self.lock:
                self.tokens += 1
                n = self.tokens
            body: dict[str, Any] = {"access_token": f"tok-{n}", "token_type": "bearer"}
            if self.expires_in is not None:
                body["expires_in"] = self.expires_in
            return httpx.Response(200, json=body)
        status = self.statuses.pop(0) if self.statuses else 200
        return httpx.Response(status, json={"ok": status == 200}, headers={"retry-after-ms": "0"})

    def handler(self, request: httpx.Request) -> httpx.Response:
        if self.delay and request.url.path == "/oauth/token":
            time.sleep(self.delay)
        return self._answer(request)

    async def async_handler(self, request: httpx.Request) -> httpx.Response:
        if self.delay and request.url.path == "/oauth/token":
            await asyncio.sleep(self.delay)
        return self._answer(request)

    def calls(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path != "/oauth/token"]

    @property
    def last(self) -> httpx.Request:
        return self.calls()[-1]


def client(pkg: ModuleType, api: Api, **kw: Any) -> Any:
    return pkg.Client(http_client=httpx.Client(transport=httpx.MockTransport(api.handler)), **kw)


def async_client(pkg: ModuleType, api: Api, **kw: Any) -> Any:
    return pkg.AsyncClient(http_client=httpx.AsyncClient(transport=httpx.MockTransport(api.async_handler)), **kw)


def basic(username: str, password: str) -> str:
    """What httpx's own BasicAuth sends."""
    request = httpx.Request("GET", "https://x.test")
    return next(httpx.BasicAuth(username, password).auth_flow(request)).headers["Authorization"]


# --- every scheme kind ---------------------------------------------------------------


def test_default_requirement_is_bearer_or_basic(pkg: ModuleType) -> None:
    api = Api()
    client(pkg, api, api_key="t1").default.retrieve()
    assert api.last.headers["Authorization"] == "Bearer t1"
    client(pkg, api, username="AC123", password="s3cret").default.retrieve()
    assert api.last.headers["Authorization"] == basic("AC123", "s3cret")


def test_basic_takes_username_and_password_not_a_hand_made_key(pkg: ModuleType) -> None:
    api = Api()
    client(pkg, api, username="user", password="p:ss é").basic.retrieve()
    assert api.last.headers["Authorization"] == basic("user", "p:ss é")
    assert base64.b64decode(api.last.headers["Authorization"].split()[1]).decode() == "user:p:ss é"


def test_an_operation_needing_another_scheme_raises_before_sending(pkg: ModuleType) -> None:
    api = Api()
    c = client(pkg, api, api_key="t1")
    with pytest.raises(ValueError, match="basicAuth") as info:
        c.basic.retrieve()
    assert isinstance(info.value, pkg._runtime._auth.MissingCredentialsError)
    assert api.requests == []


def test_api_key_in_query_and_cookie(pkg: ModuleType) -> None:
    api = Api()
    c = client(pkg, api, query_key="qk", cookie_key="ck")
    c.query.retrieve()
    assert parse_qs(api.last.url.query.decode())["api_key"] == ["qk"]
    assert "Authorization" not in api.last.headers and "Cookie" not in api.last.headers
    c.cookie.retrieve()
    assert api.last.headers["Cookie"] == "sid=ck"
    assert "api_key" not in api.last.url.params


def test_and_requirement_sends_both_or_falls_back_to_the_other_alternative(pkg: ModuleType) -> None:
    api = Api()
    client(pkg, api, query_key="qk", app_id="app").both.retrieve()
    assert api.last.url.params["api_key"] == "qk" and api.last.headers["X-App-Id"] == "app"
    assert "Authorization" not in api.last.headers
    with pytest.raises(ValueError, match="queryKey and appId or oauth"):
        client(pkg, api, query_key="qk").both.retrieve()  # half of the AND is not enough
    client(pkg, api, query_key="qk", access_token="at").both.retrieve()
    assert api.last.headers["Authorization"] == "Bearer at" and "api_key" not in api.last.url.params


def test_security_empty_list_sends_no_credentials(pkg: ModuleType) -> None:
    api = Api()
    client(pkg, api, api_key="t1", query_key="qk").public.retrieve()
    assert "Authorization" not in api.last.headers and "api_key" not in api.last.url.params
    client(pkg, api).public.retrieve()  # and a client without any credentials can call it


def test_credentials_come_from_the_environment(pkg: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEC_USERNAME", "env-user")
    monkeypatch.setenv("SEC_PASSWORD", "env-pass")
    monkeypatch.setenv("SEC_QUERY_KEY", "env-qk")
    monkeypatch.setenv("MY_APP_ID", "env-app")  # auth_env names this one
    api = Api()
    c = client(pkg, api)
    c.basic.retrieve()
    assert api.last.headers["Authorization"] == basic("env-user", "env-pass")
    c.both.retrieve()
    assert api.last.url.params["api_key"] == "env-qk" and api.last.headers["X-App-Id"] == "env-app"
    client(pkg, api, username="arg-user").basic.retrieve()  # an argument wins over its variable
    assert api.last.headers["Authorization"] == basic("arg-user", "env-pass")


def test_docstring_documents_every_argument_and_variable(pkg: ModuleType) -> None:
    doc = pkg.Client.__doc__ or ""
    for text in ("api_key:", "SEC_API_KEY", "username:", "SEC_PASSWORD", "query_key:", "`api_key`", "cookie_key:",
                 "app_id:", "MY_APP_ID", "client_id:", "client_secret:", "/oauth/token", "organization:", "SEC_ORG"):
        assert text in doc, text


def test_token_provider_is_called_once_per_call_and_reused_by_retries(pkg: ModuleType) -> None:
    api = Api(statuses=[500, 200, 200])
    issued: list[str] = []

    def provider() -> str:
        issued.append(f"p{len(issued)}")
        return issued[-1]

    c = client(pkg, api, api_key=provider, max_retries=2)
    c.default.retrieve()
    assert [r.headers["Authorization"] for r in api.calls()] == ["Bearer p0", "Bearer p0"]
    c.default.retrieve()
    assert api.last.headers["Authorization"] == "Bearer p1" and issued == ["p0", "p1"]


def test_async_token_provider(pkg: ModuleType) -> None:
    api = Api()

    async def provider() -> str:
        return "async-tok"

    async def main() -> None:
        async with async_client(pkg, api, api_key=provider) as c:
            await c.default.retrieve()

    asyncio.run(main())
    assert api.last.headers["Authorization"] == "Bearer async-tok"


def test_with_options_replaces_the_api_key(pkg: ModuleType) -> None:
    api = Api()
    c = client(pkg, api, api_key="old")
    c.with_options(api_key="new").default.retrieve()
    assert api.last.headers["Authorization"] == "Bearer new"
    c.default.retrieve()
    assert api.last.headers["Authorization"] == "Bearer old"


# --- OAuth2 client credentials ----------------------------------------------------------


def test_oauth2_fetches_a_token_once_and_sends_it(pkg: ModuleType) -> None:
    api = Api()
    c = client(pkg, api, client_id="cid", client_secret="csec")
    c.oauth.retrieve()
    c.oauth.retrieve()
    assert api.tokens == 1
    token_request = api.requests[0]
    assert token_request.method == "POST" and str(token_request.url) == "https://api.example.test/oauth/token"
    assert parse_qs(token_request.content.decode()) == {"grant_type": ["client_credentials"], "scope": ["things.read"]}
    assert token_request.headers["Authorization"] == basic("cid", "csec")
    assert token_request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert [r.headers["Authorization"] for r in api.calls()] == ["Bearer tok-1", "Bearer tok-1"]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


def test_oauth2_refreshes_before_expiry(pkg: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    monkeypatch.setattr(pkg._runtime._auth, "time", clock)
    api = Api(expires_in=100)  # refreshed 10 s (a tenth of its life, under the 60 s margin) early
    c = client(pkg, api, client_id="cid", client_secret="csec")
    c.oauth.retrieve()
    clock.now += 89
    c.oauth.retrieve()
    assert api.tokens == 1
    clock.now += 2
    c.oauth.retrieve()
    assert api.tokens == 2
    assert [r.headers["Authorization"] for r in api.calls()] == ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]


def test_oauth2_a_401_drops_the_cached_token(pkg: ModuleType) -> None:
    api = Api(statuses=[200, 401, 200])
    c = client(pkg, api, client_id="cid", client_secret="csec", max_retries=0)
    c.oauth.retrieve()
    with pytest.raises(pkg.AuthenticationError):
        c.oauth.retrieve()
    c.oauth.retrieve()
    assert api.tokens == 2 and api.last.headers["Authorization"] == "Bearer tok-2"


def test_oauth2_concurrent_threads_share_one_fetch(pkg: ModuleType) -> None:
    api = Api(delay=0.05)
    c = client(pkg, api, client_id="cid", client_secret="csec")
    threads = [threading.Thread(target=c.oauth.retrieve) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert api.tokens == 1 and len(api.calls()) == 6


def test_oauth2_concurrent_tasks_share_one_fetch(pkg: ModuleType) -> None:
    api = Api(delay=0.02)

    async def main() -> None:
        async with async_client(pkg, api, client_id="cid", client_secret="csec") as c:
            await asyncio.gather(*(c.oauth.retrieve() for _ in range(6)))

    asyncio.run(main())
    assert api.tokens == 1 and {r.headers["Authorization"] for r in api.calls()} == {"Bearer tok-1"}


def test_oauth2_token_endpoint_failure_raises_the_status_error(pkg: ModuleType) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": "invalid_client", "error_description": "bad secret"})

    c = pkg.Client(http_client=httpx.Client(transport=httpx.MockTransport(handler)), client_id="x", client_secret="y")
    with pytest.raises(pkg.AuthenticationError) as info:
        c.oauth.retrieve()
    assert info.value.message == "bad secret"


# --- client options, path headers, idempotency keys --------------------------------------


def test_client_option_header_from_argument_or_environment(pkg: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    api = Api()
    client(pkg, api, api_key="k").default.retrieve()
    assert "X-Org" not in api.last.headers
    client(pkg, api, api_key="k", organization="org-1").default.retrieve()
    assert api.last.headers["X-Org"] == "org-1"
    monkeypatch.setenv("SEC_ORG", "org-env")
    client(pkg, api, api_key="k").default.retrieve()
    assert api.last.headers["X-Org"] == "org-env"


def test_path_headers_only_under_their_prefix(pkg: ModuleType) -> None:
    api = Api()
    c = client(pkg, api, api_key="k")
    c.beta.things.create(name="x")
    assert api.last.headers["X-Beta"] == "v1"
    c.default.retrieve()
    assert "X-Beta" not in api.last.headers
    c.beta.things.create(name="x", extra_headers={"X-Beta": "v2"})
    assert api.last.headers["X-Beta"] == "v2"


def test_idempotency_key_is_generated_per_call_and_reused_by_its_retries(pkg: ModuleType) -> None:
    api = Api(statuses=[500, 503, 200, 200])
    c = client(pkg, api, api_key="k", max_retries=3)
    c.beta.things.create(name="x")
    c.beta.things.create(name="x")
    keys = [r.headers["Idempotency-Key"] for r in api.calls()]
    assert len(keys) == 4 and keys[0] == keys[1] == keys[2] != keys[3]
    uuid.UUID(keys[0])
    c.default.retrieve()  # GET: none
    assert "Idempotency-Key" not in api.last.headers
    c.beta.things.create(name="x", extra_headers={"Idempotency-Key": "mine"})
    assert api.last.headers["Idempotency-Key"] == "mine"


def test_oauth2_token_request_is_never_redirected(pkg: ModuleType) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(307, headers={"Location": "https://evil.test/steal"})

    c = pkg.Client(http_client=httpx.Client(transport=httpx.MockTransport(handler), follow_redirects=True), client_id="x", client_secret="y", max_retries=0)
    with pytest.raises(pkg.APIStatusError) as info:
        c.oauth.retrieve()
    assert info.value.status_code == 307 and seen == ["https://api.example.test/oauth/token"]
