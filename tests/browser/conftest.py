"""A fake upstream and the gateway in front of it, both real servers on 127.0.0.1, and headless
Chromium (Debian's /usr/bin/chromium) driven by Playwright. Nothing here downloads a browser."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from generator.pipeline import lower_only
from generator.tryit import gateway
from tests.conftest import ROOT

CHROMIUM = os.environ.get("TRYIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = ROOT / "tests" / "browser" / ".artifacts"  # screenshots: gitignored, never committed
GATEWAY_KEY = "sk-gateway-secret-0123456789"


@dataclass
class Upstream:
    url: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)  # lets a stream go on past its first event


def _run_server(app: Any) -> tuple[uvicorn.Server, threading.Thread, int]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("server did not start")
        time.sleep(0.02)
    return server, thread, port


RUN = {"id": "run_1", "object": "thread.run", "status": "queued", "thread_id": "thread_abc", "assistant_id": "asst_abc"}


def upstream_app(record: Upstream) -> Starlette:
    async def runs(request: Request) -> Response:
        raw = await request.body()
        record.requests.append({
            "method": request.method, "path": request.scope["raw_path"].decode(), "query": request.url.query,
            "headers": dict(request.headers), "raw": raw,
        })
        body = json.loads(raw) if raw else None
        if isinstance(body, dict) and body.get("stream") is True:
            async def events() -> Any:
                yield f"event: thread.run.created\ndata: {json.dumps(RUN)}\n\n".encode()
                # The rest waits until the test has seen the first event on the page.
                for _ in range(600):
                    if record.release.is_set():
                        break
                    await asyncio.sleep(0.05)
                yield f"event: thread.run.in_progress\ndata: {json.dumps({**RUN, 'status': 'in_progress'})}\n\n".encode()
                yield f"event: thread.run.completed\ndata: {json.dumps({**RUN, 'status': 'completed'})}\n\n".encode()
                yield b"event: done\ndata: [DONE]\n\n"

            return StreamingResponse(events(), media_type="text/event-stream")
        if request.path_params["thread_id"] == "redirect":
            return RedirectResponse(str(request.query_params.get("to", "http://example.invalid/")), status_code=302)
        return JSONResponse(RUN, headers={"x-request-id": "req_fake"})

    async def anything(request: Request) -> Response:
        record.requests.append({"method": request.method, "path": request.scope["raw_path"].decode(), "query": request.url.query, "headers": dict(request.headers), "raw": await request.body()})
        return JSONResponse({"error": {"message": "no such route"}}, status_code=404)

    return Starlette(routes=[
        Route("/v1/threads/{thread_id}/runs", runs, methods=["POST"]),
        Route("/{rest:path}", anything, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
    ])


@pytest.fixture(scope="session")
def create_run_api() -> Any:
    from tests.conftest import target_for, CREATE_RUN
    from generator import config

    (target,) = [t for t in config.load_targets(ROOT / "pyproject.toml") if t.spec == CREATE_RUN]
    api, _ = lower_only(target)
    return api


@pytest.fixture(scope="session")
def client_module() -> Any:
    return gateway.load_client(ROOT / "generated" / "openai_client", "openai_client")


@pytest.fixture(scope="session")
def upstream() -> Iterator[Upstream]:
    record = Upstream()
    server, thread, port = _run_server(upstream_app(record))
    record.url = f"http://127.0.0.1:{port}/v1"
    yield record
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="session")
def gateway_url(create_run_api: Any, client_module: Any, upstream: Upstream) -> Iterator[str]:
    sock = socket.socket()
    settings = gateway.Settings(upstream=upstream.url, api_key=GATEWAY_KEY, allow_private=True)
    app = gateway.create_app(create_run_api, client_module, settings)
    server, thread, port = _run_server(app)
    sock.close()
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).is_file() or shutil.which(CHROMIUM) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser: Any, tmp_path: Path) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 1600})
    context.set_default_timeout(15000)
    yield context
    context.close()


def artifact(name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name
