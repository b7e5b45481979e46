"""A path parameter's value in a snippet's URL is encoded as the generated client encodes it."""

from __future__ import annotations

import httpx
import pytest

from generator import config
from generator.docs import snippets as S
from generator.docs.examples import Argument, Example
from generator.pipeline import lower_only
from generator.tryit import gateway
from tests.conftest import CREATE_RUN, ROOT


@pytest.mark.parametrize("thread_id", ["thread ü+1", "ft:gpt-4o:acme::x1", "a@b!$&'()*,;=c", "a/b?c#d%e"])
def test_the_snippets_path_is_the_clients(thread_id: str) -> None:
    (target,) = [t for t in config.load_targets(ROOT / "pyproject.toml") if t.spec == CREATE_RUN]
    api, _ = lower_only(target)
    op = next(op for _, op in S.operations(api) if op.operation_id == "createRun")
    by_name = {p.name: p for p in op.parameters}
    ex = Example(op, "minimal", (Argument(by_name["thread_id"], thread_id, "example"), Argument(by_name["assistant_id"], "asst", "example")))
    client_module = gateway.load_client(ROOT / "generated" / "openai_client", "openai_client")
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": "run_1", "object": "thread.run"})

    with client_module.Client(api_key="k", base_url="http://h/v1", http_client=httpx.Client(transport=httpx.MockTransport(handler))) as client:
        client.threads.runs.with_raw_response.create(thread_id, assistant_id="asst")
    assert S.wire_path(ex) == seen[0].url.raw_path.decode().removeprefix("/v1")
    assert S.sh_quote(f"https://api.openai.com/v1{S.wire_path(ex)}") in S.curl(api, ex)
