"""The OpenAI target's auth and client-option headers, request by request against the official SDK.

A few operations of the full spec are generated with the createRun target's `[tool.generator]`
settings (pyproject.toml: `client_options`, `path_headers`) and called beside `openai==3.54.0`
over one recording `httpx.MockTransport`: Authorization, OpenAI-Organization, OpenAI-Project and
OpenAI-Beta (only on /assistants, /threads, /vector_stores, /chatkit) must be the SDK's, and neither
sends an Idempotency-Key, on first attempts or retries.
"""

from __future__ import annotations

import dataclasses
import importlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

from generator.config import Target
from generator.pipeline import generate
from generator.write import write_tree

openai = pytest.importorskip("openai")

PACKAGE = "openai_headers_client"
HEADERS = ("authorization", "openai-organization", "openai-project", "openai-beta", "idempotency-key")
LIST = {"object": "list", "data": [], "has_more": False}

# (name, ours, the SDK's): the same request through each client.
CASES: list[tuple[str, Callable[[Any], Any], Callable[[Any], Any]]] = [
    ("assistants.create", lambda c: c.assistants.create(model="gpt-4o"), lambda s: s.beta.assistants.create(model="gpt-4o")),
    ("threads.create", lambda c: c.threads.create(), lambda s: s.beta.threads.create()),
    ("threads.messages.list", lambda c: c.threads.messages.list("thread_1"), lambda s: s.beta.threads.messages.list("thread_1")),
    ("vector_stores.create", lambda c: c.vector_stores.create(), lambda s: s.vector_stores.create()),
    ("chatkit.threads.delete", lambda c: c.chatkit.threads.delete("cthr_1"), lambda s: s.beta.chatkit.threads.delete("cthr_1")),
    ("models.list", lambda c: c.models.list(), lambda s: s.models.list()),
    ("embeddings.create", lambda c: c.embeddings.create(model="m", input="x"), lambda s: s.embeddings.create(model="m", input="x")),
    ("files.list", lambda c: c.files.list(), lambda s: s.files.list()),
]
OPERATIONS = ("createAssistant", "createThread", "listMessages", "createVectorStore", "DeleteThreadMethod", "listModels", "createEmbedding", "listFiles")


@pytest.fixture(scope="module")
def ours(tmp_path_factory: pytest.TempPathFactory, openai_spec: Path, create_run_target: Target) -> Iterator[ModuleType]:
    root = tmp_path_factory.mktemp("openai-headers")
    target = dataclasses.replace(create_run_target, spec=openai_spec, out=root / PACKAGE, package=PACKAGE, operations=OPERATIONS)
    result = generate(target, cache_dir=None, jobs=1)
    write_tree(root / PACKAGE, result.files)
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


class Recorder:
    def __init__(self, statuses: list[int] | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.statuses = list(statuses or [])

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        status = self.statuses.pop(0) if self.statuses else 200
        body: dict[str, Any] = LIST if request.method == "GET" else {"id": "x", "object": "thing", "deleted": True}
        if request.url.path.endswith("/embeddings"):
            body = {"object": "list", "data": [{"object": "embedding", "index": 0, "embedding": [0.5]}], "model": "m", "usage": {"prompt_tokens": 1, "total_tokens": 1}}
        return httpx.Response(status, json=body, headers={"retry-after-ms": "0"})

    def seen(self) -> list[dict[str, str | None]]:
        return [{name: r.headers.get(name) for name in HEADERS} for r in self.requests]


def both(ours: ModuleType, case: Callable[[Any], Any], sdk_case: Callable[[Any], Any], statuses: list[int] | None = None, **settings: Any) -> tuple[list[dict[str, str | None]], list[dict[str, str | None]]]:
    mine, theirs = Recorder(statuses), Recorder(statuses)
    common = dict(base_url="https://api.test/v1", max_retries=2, **settings)
    case(ours.Client(http_client=httpx.Client(transport=httpx.MockTransport(mine)), **common))
    sdk_case(openai.OpenAI(http_client=httpx.Client(transport=httpx.MockTransport(theirs)), **common))
    return mine.seen(), theirs.seen()


@pytest.mark.parametrize(("name", "case", "sdk_case"), CASES, ids=[c[0] for c in CASES])
def test_headers_match_the_sdk(ours: ModuleType, name: str, case: Callable[[Any], Any], sdk_case: Callable[[Any], Any]) -> None:
    mine, theirs = both(ours, case, sdk_case, api_key="sk-1", organization="org-1", project="proj-1")
    assert mine == theirs
    beta = mine[0]["openai-beta"]
    assert (beta is not None) == name.startswith(("assistants", "threads", "vector_stores", "chatkit"))


@pytest.mark.parametrize(("name", "case", "sdk_case"), CASES[:2] + CASES[5:7], ids=[c[0] for c in CASES[:2] + CASES[5:7]])
def test_organization_and_project_from_the_environment(ours: ModuleType, monkeypatch: pytest.MonkeyPatch, name: str, case: Callable[[Any], Any], sdk_case: Callable[[Any], Any]) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    monkeypatch.setenv("OPENAI_ORG_ID", "org-env")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj-env")
    mine, theirs = both(ours, case, sdk_case)
    assert mine == theirs and mine[0]["openai-organization"] == "org-env" and mine[0]["authorization"] == "Bearer sk-env"


def test_without_organization_neither_sends_the_header(ours: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_ORG_ID", raising=False)
    monkeypatch.delenv("OPENAI_PROJECT_ID", raising=False)
    mine, theirs = both(ours, CASES[6][1], CASES[6][2], api_key="sk-1")
    assert mine == theirs and mine[0]["openai-organization"] is None and mine[0]["openai-project"] is None


def test_retries_send_the_same_headers_and_no_idempotency_key(ours: ModuleType) -> None:
    mine, theirs = both(ours, CASES[6][1], CASES[6][2], statuses=[500, 200], api_key="sk-1", organization="org-1")
    assert len(mine) == len(theirs) == 2
    assert mine == theirs and mine[0]["idempotency-key"] is None  # the SDK's OpenAI client sets no idempotency header


def test_a_token_provider_like_the_sdks_callable_api_key(ours: ModuleType) -> None:
    keys = iter(["sk-a", "sk-b", "sk-a", "sk-b"])
    mine, theirs = Recorder(), Recorder()
    c = ours.Client(api_key=lambda: next(keys), base_url="https://api.test/v1", http_client=httpx.Client(transport=httpx.MockTransport(mine)))
    s = openai.OpenAI(api_key=lambda: next(keys), base_url="https://api.test/v1", http_client=httpx.Client(transport=httpx.MockTransport(theirs)))
    c.models.list(), c.models.list()
    s.models.list(), s.models.list()
    assert [h["authorization"] for h in mine.seen()] == ["Bearer sk-a", "Bearer sk-b"] == [h["authorization"] for h in theirs.seen()]
