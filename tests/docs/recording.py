"""A local HTTP server on 127.0.0.1 that records every request and answers as told.

Snippets (Python, curl, TypeScript) and the generated client are all pointed at it, and the requests
they made are compared.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str  # as sent, percent-encoding kept
    query: tuple[tuple[str, str], ...]
    headers: tuple[tuple[str, str], ...]  # names lower-cased, in the order sent
    body: bytes

    def header(self, name: str) -> str | None:
        found = [v for k, v in self.headers if k == name.lower()]
        return ", ".join(found) if found else None


Reply = tuple[int, dict[str, str], bytes]


class Recorder:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.answer: Callable[[Recorded], Reply] = lambda request: (200, {"Content-Type": "application/json"}, b"{}")
        self.url = ""
        self._lock = threading.Lock()

    def take(self) -> list[Recorded]:
        with self._lock:
            taken, self.requests = self.requests, []
        return taken

    def _record(self, request: Recorded) -> Reply:
        with self._lock:
            self.requests.append(request)
        return self.answer(request)


@contextmanager
def recording_server() -> Iterator[Recorder]:
    recorder = Recorder()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def _handle(self) -> None:
            body = self._body()
            split = urlsplit(self.path)
            request = Recorded(
                method=self.command,
                path=split.path,
                query=tuple(parse_qsl(split.query, keep_blank_values=True)),
                headers=tuple((k.lower(), v) for k, v in self.headers.items()),
                body=body,
            )
            status, headers, content = recorder._record(request)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(content)
            self.close_connection = True

        def _body(self) -> bytes:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                chunks = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        self.rfile.readline()
                        return b"".join(chunks)
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    recorder.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield recorder
    finally:
        server.shutdown()
        server.server_close()
