"""Fixtures for the runtime tests."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import httpx
import pytest

# The runtime uses relative imports only, so it is imported as the package
# `generator.client.runtime`, the way generated code imports its `_runtime` copy.
_REPO_ROOT = str(Path(__file__).resolve().parents[2])
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)

from .runtime_support import Harness, MockApi, ScriptedServer  # noqa: E402


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def mock_harness(kind: str) -> Callable[..., tuple[Harness, MockApi]]:
    """make(*handlers, **client_kwargs) -> (harness, api) over an httpx MockTransport."""

    def make(
        *handlers: Callable[[httpx.Request], httpx.Response], **client_kwargs: Any
    ) -> tuple[Harness, MockApi]:
        api = MockApi(*handlers)
        harness = Harness(
            kind,
            base_url="https://api.test/v1",
            transport=api.transport,
            **client_kwargs,
        )
        return harness, api

    return make


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    """A real HTTP server on 127.0.0.1, stopped (and its port freed) after the test."""
    srv = ScriptedServer()
    srv.thread.start()
    try:
        yield srv
    finally:
        srv.httpd.shutdown()
        srv.httpd.server_close()
        srv.thread.join(timeout=5)
