"""The gateway on its own (no browser): never an open relay, no private addresses unless allowed, the
allowlist, its own origin only, the client's checks, and no secret in its logs."""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from generator.tryit import gateway
from tests.browser.conftest import GATEWAY_KEY, Upstream

BODY = {"operation": "createRun", "parameters": {"thread_id": "thread_abc"}, "body": {"assistant_id": "asst_abc"}}


def app_for(api: Any, module: Any, **settings: Any) -> TestClient:
    options = {"upstream": "http://127.0.0.1:9/v1", "api_key": GATEWAY_KEY, "allow_private": True, **settings}
    return TestClient(gateway.create_app(api, module, gateway.Settings(**options)), base_url="http://127.0.0.1:8765")


def frames(response: httpx.Response) -> list[dict[str, Any]]:
    return [json.loads(line) for line in response.text.splitlines() if line]


def test_sends_the_clients_request_with_the_injected_key(create_run_api: Any, client_module: Any, upstream: Upstream) -> None:
    upstream.requests.clear()
    with app_for(create_run_api, client_module, upstream=upstream.url) as client:
        response = client.post("/__tryit/send", json=BODY)
    assert response.status_code == 200
    head, *rest = frames(response)
    assert head["status"] == 200
    assert json.loads("".join(f.get("chunk", "") for f in rest))["id"] == "run_1"
    assert rest[-1] == {"end": True}
    (received,) = upstream.requests
    assert received["path"] == "/v1/threads/thread_abc/runs"
    assert received["headers"]["authorization"] == f"Bearer {GATEWAY_KEY}"


def test_the_page_cannot_choose_where_the_request_goes(create_run_api: Any, client_module: Any, upstream: Upstream) -> None:
    upstream.requests.clear()
    sneaky = {**BODY, "parameters": {"thread_id": "../../../../evil?x=1#"}, "url": "http://evil.example/", "base_url": "http://evil.example/"}
    with app_for(create_run_api, client_module, upstream=upstream.url) as client:
        response = client.post("/__tryit/send", json=sneaky)
    assert response.status_code == 200
    assert frames(response)[0]["status"] == 404  # the upstream's answer: the path is one segment
    (received,) = upstream.requests  # still the upstream, the path parameter percent-encoded
    assert received["path"] == "/v1/threads/..%2F..%2F..%2F..%2Fevil%3Fx=1%23/runs"


def test_the_transport_refuses_any_other_host_and_private_addresses() -> None:
    transport = gateway.GuardedTransport(httpx.URL("https://api.example.com/v1"), allow_private=False, inner=httpx.MockTransport(lambda r: httpx.Response(200)))

    async def send(url: str) -> httpx.Response:
        async with httpx.AsyncClient(transport=transport) as client:
            return await client.get(url)

    import asyncio

    for url in ("https://evil.example/v1/x", "http://api.example.com/v1/x", "https://api.example.com:8443/v1/x"):
        with pytest.raises(gateway.DestinationRefused, match="is not the upstream"):
            asyncio.run(send(url))
    loopback = gateway.GuardedTransport(httpx.URL("http://127.0.0.1:9/v1"), allow_private=False, inner=httpx.MockTransport(lambda r: httpx.Response(200)))
    transport = loopback
    with pytest.raises(gateway.DestinationRefused, match="non-public address"):
        asyncio.run(send("http://127.0.0.1:9/v1/x"))
    for address in ("10.0.0.1", "192.168.1.1", "169.254.169.254", "::1", "fd00::1", "::ffff:127.0.0.1", "0.0.0.0"):
        assert not gateway.is_public(address), address
    assert gateway.is_public("93.184.216.34")


def test_a_private_upstream_is_refused_unless_allowed(create_run_api: Any, client_module: Any, upstream: Upstream) -> None:
    upstream.requests.clear()
    with app_for(create_run_api, client_module, upstream=upstream.url, allow_private=False) as client:
        response = client.post("/__tryit/send", json=BODY)
    assert response.status_code == 403
    assert "non-public address" in response.json()["error"]
    assert upstream.requests == []


def test_redirects_are_not_followed(create_run_api: Any, client_module: Any, upstream: Upstream) -> None:
    upstream.requests.clear()
    body = {**BODY, "parameters": {"thread_id": "redirect"}}
    with app_for(create_run_api, client_module, upstream=upstream.url) as client:
        response = client.post("/__tryit/send", json=body)
    assert frames(response)[0]["status"] == 302  # handed back to the page, not followed
    assert len(upstream.requests) == 1


def test_operations_outside_the_allowlist_are_refused(create_run_api: Any, client_module: Any, upstream: Upstream) -> None:
    upstream.requests.clear()
    with app_for(create_run_api, client_module, upstream=upstream.url, operations=("listRuns",)) as client:
        assert client.post("/__tryit/send", json=BODY).status_code == 403
        assert client.post("/__tryit/send", json={**BODY, "operation": "deleteEverything"}).status_code == 403
    assert upstream.requests == []


def test_only_its_own_origin_and_host_names(create_run_api: Any, client_module: Any, upstream: Upstream) -> None:
    upstream.requests.clear()
    with app_for(create_run_api, client_module, upstream=upstream.url, hosts=("127.0.0.1:8765",)) as client:
        assert client.post("/__tryit/send", json=BODY, headers={"Origin": "http://evil.example"}).status_code == 403
        # A simple (no preflight) cross-site form post is refused too.
        assert client.post("/__tryit/send", content=json.dumps(BODY), headers={"Content-Type": "text/plain"}).status_code == 415
        preflight = client.options("/__tryit/send", headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"})
        assert preflight.status_code == 403 and "access-control-allow-origin" not in preflight.headers
        # DNS rebinding: another name for this address is not this gateway.
        assert client.post("/__tryit/send", json=BODY, headers={"Host": "evil.example:8765"}).status_code == 421
        assert client.post("/__tryit/send", json=BODY, headers={"Origin": "http://127.0.0.1:8765"}).status_code == 200
    assert len(upstream.requests) == 1


def test_the_clients_checks_refuse_before_sending(create_run_api: Any, client_module: Any, upstream: Upstream) -> None:
    upstream.requests.clear()
    with app_for(create_run_api, client_module, upstream=upstream.url) as client:
        hot = client.post("/__tryit/send", json={**BODY, "body": {"assistant_id": "a", "temperature": 5}})
        missing = client.post("/__tryit/send", json={**BODY, "body": {}})
        unknown = client.post("/__tryit/send", json={**BODY, "body": {"assistant_id": "a", "surprise": 1}})
    assert (hot.status_code, hot.json()["error"]) == (422, "temperature: must be <= 2 (got 5)")
    assert (missing.status_code, missing.json()["error"]) == (422, "assistant_id: is required")
    assert unknown.status_code == 422 and "surprise" in unknown.json()["error"]
    assert upstream.requests == []


def test_no_secret_in_the_logs(create_run_api: Any, client_module: Any, upstream: Upstream, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with app_for(create_run_api, client_module, upstream=upstream.url) as client:
        client.post("/__tryit/send", json=BODY)
        client.post("/__tryit/send", json={**BODY, "body": {"assistant_id": "a", "temperature": 5}})
    with app_for(create_run_api, client_module, upstream=upstream.url, allow_private=False) as client:
        client.post("/__tryit/send", json=BODY)
    text = "\n".join(f"{r.name} {r.getMessage()} {r.args}" for r in caplog.records)
    assert "createRun -> 200" in text  # it does log, and what it logs is the operation and status
    assert GATEWAY_KEY not in text and GATEWAY_KEY[:12] not in text


def test_the_command_serves_the_page_injects_the_key_and_logs_no_secret(upstream: Upstream, tmp_path: Any) -> None:
    import os
    import socket
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "OPENAI_API_KEY": GATEWAY_KEY}
    log = tmp_path / "gateway.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "generator", "gateway", "--target", "openai_client", "--port", str(port), "--upstream", upstream.url, "--allow-private"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    page = httpx.get(base + "/", timeout=2)
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline or process.poll() is not None:
                        raise
                    time.sleep(0.2)
            assert page.status_code == 200 and 'id="tryit-meta"' in page.text
            upstream.requests.clear()
            sent = httpx.post(base + "/__tryit/send", json=BODY, timeout=30)
            assert frames(sent)[0]["status"] == 200
            assert httpx.post(base + "/__tryit/send", json=BODY, headers={"Host": f"evil.example:{port}"}).status_code == 421
        finally:
            process.terminate()
            process.wait(20)
    assert upstream.requests[-1]["headers"]["authorization"] == f"Bearer {GATEWAY_KEY}"
    text = log.read_text(errors="replace")
    assert "createRun -> 200" in text and "POST /__tryit/send" in text  # its log and uvicorn's access log
    assert GATEWAY_KEY not in text
