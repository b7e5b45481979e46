"""The README's usage example runs as written, against a local server standing in for the API."""

from __future__ import annotations

import asyncio
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.behaviour.support import RUN, sse_event

README = Path(__file__).resolve().parents[2] / "README.md"


class _Handler(BaseHTTPRequestHandler):
    seen: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Handler.seen.append({"path": self.path, "body": body, "headers": dict(self.headers)})
        if body.get("stream"):
            completed = {**RUN, "status": "completed", "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}}
            payload = (sse_event("thread.run.created", RUN) + sse_event("thread.run.completed", completed) + "event: done\ndata: [DONE]\n\n").encode()
            content_type = "text/event-stream"
        else:
            payload, content_type = json.dumps(RUN).encode(), "application/json"
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Any:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("OPENAI_API_KEY", "sk-readme")
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{httpd.server_address[1]}/v1")
    _Handler.seen = []
    yield _Handler.seen
    httpd.shutdown()
    httpd.server_close()


def test_readme_usage_example_runs(server: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]) -> None:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Using the generated client") :]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)  # type: ignore[union-attr]
    namespace: dict[str, Any] = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - the README's own example
    asyncio.run(namespace["main"]())
    printed = capsys.readouterr().out.split()
    assert printed[0] == "queued" and "thread.run.created" in printed
    paths = [request["path"] for request in server]
    assert paths == ["/v1/threads/thread_abc/runs"] * len(paths) and len(paths) == 5
    assert server[2]["headers"]["X-Trace"] == "1" and server[2]["body"]["beta_flag"] is True
    assert server[0]["body"] == {"assistant_id": "asst_abc", "temperature": 0.2, "tools": [{"type": "code_interpreter"}], "metadata": {"user": "42"}}
